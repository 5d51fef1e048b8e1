#include "script_parser.h"

#include <charconv>
#include <fstream>
#include <sstream>

#include "result_format.h"

namespace quanta::sqltest {

namespace {

std::vector<std::string> Tokens(std::string_view line) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) out.emplace_back(line.substr(start, i - start));
  }
  return out;
}

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

bool ToInt(const std::string& s, int64_t* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

class Parser {
 public:
  Parser(std::string_view text, std::string name) : name_(std::move(name)) {
    std::string cur;
    for (char c : text) {
      if (c == '\n') {
        if (!cur.empty() && cur.back() == '\r') cur.pop_back();
        lines_.push_back(std::move(cur));
        cur.clear();
      } else {
        cur.push_back(c);
      }
    }
    if (!cur.empty()) lines_.push_back(std::move(cur));
  }

  Result<std::shared_ptr<Script>> Parse() {
    auto script = std::make_shared<Script>();
    stack_.push_back(&script->commands);
    std::vector<int> loop_lines;
    while (pos_ < lines_.size()) {
      const std::string& line = lines_[pos_];
      int lineno = static_cast<int>(pos_) + 1;
      if (IsBlank(line)) {
        ++pos_;
        continue;
      }
      if (line[0] == '#') {
        last_was_comment_ = true;
        ++pos_;
        continue;
      }
      bool after_comment = last_was_comment_;
      last_was_comment_ = false;
      auto tok = Tokens(line);
      const std::string& d = tok[0];
      ++pos_;
      if (d == "statement") {
        Status st = ParseStatement(tok, lineno);
        if (!st.ok()) return st;
      } else if (d == "query") {
        Status st = ParseQuery(tok, lineno);
        if (!st.ok()) return st;
      } else if (d == "restart") {
        if (tok.size() != 1) return Error(lineno, "restart takes no arguments");
        Add(std::make_unique<RestartCommand>(lineno));
      } else if (d == "lifecycle") {
        if (tok.size() != 1) return Error(lineno, "lifecycle takes no arguments");
        Add(std::make_unique<LifecycleCommand>(lineno));
      } else if (d == "config" || d == "set") {
        if (tok.size() < 3) return Error(lineno, "usage: " + d + " <name> <value>");
        size_t at = line.find(tok[1], line.find(d) + d.size()) + tok[1].size();
        std::string value = line.substr(at);
        value.erase(0, value.find_first_not_of(" \t"));
        value.erase(value.find_last_not_of(" \t") + 1);
        if (d == "config") {
          Add(std::make_unique<ConfigCommand>(lineno, tok[1], value));
        } else {
          Add(std::make_unique<SetCommand>(lineno, tok[1], value));
        }
      } else if (d == "transport") {
        if (tok.size() != 2) return Error(lineno, "usage: transport <inproc|pb|ttb|http|all>");
        bool known = tok[1] == "all";
        for (const auto& n : Harness::Known()) known = known || n == tok[1];
        if (!known) return Error(lineno, "unknown transport '" + tok[1] + "'");
        Add(std::make_unique<TransportCommand>(lineno, tok[1]));
      } else if (d == "loop") {
        int64_t from = 0, to = 0, step = 1;
        if ((tok.size() != 4 && tok.size() != 5) || !ToInt(tok[2], &from) ||
            !ToInt(tok[3], &to) || (tok.size() == 5 && !ToInt(tok[4], &step)) || step <= 0) {
          return Error(lineno, "usage: loop <var> <from> <to> [<step>] (integers, step > 0)");
        }
        auto loop = std::make_unique<LoopCommand>(lineno, tok[1], from, to, step);
        auto* body = &loop->body();
        Add(std::move(loop));
        stack_.push_back(body);
        loop_lines.push_back(lineno);
      } else if (d == "endloop") {
        if (stack_.size() < 2) return Error(lineno, "endloop without loop");
        stack_.pop_back();
        loop_lines.pop_back();
      } else if (d == "mode") {
        bool inline_comment = tok.size() > 2 && tok[2][0] == '#';
        if (tok.size() != 2 && !inline_comment) return Error(lineno, "usage: mode skip|unskip");
        if (tok[1] == "skip") {
          if (!after_comment && !inline_comment) {
            return Error(lineno, "mode skip must follow a # comment that says why");
          }
          skipping_ = true;
        } else if (tok[1] == "unskip") {
          if (!skipping_) return Error(lineno, "mode unskip without mode skip");
          skipping_ = false;
        } else {
          return Error(lineno, "unknown mode '" + tok[1] + "'");
        }
      } else {
        return Error(lineno, "unknown directive '" + d + "'");
      }
    }
    if (stack_.size() > 1) return Error(loop_lines.back(), "loop without endloop");
    return script;
  }

 private:
  Status Error(int line, const std::string& what) {
    return Status(ErrorCode::kInvalidArgument,
                  name_ + ":" + std::to_string(line) + ": " + what);
  }

  void Add(std::unique_ptr<Command> c) {
    c->skipped = skipping_;
    stack_.back()->push_back(std::move(c));
  }

  // SQL lines up to a blank line, "----" or the end. Sets *separator when "----" ended it.
  std::string ReadSql(bool* separator) {
    std::string sql;
    *separator = false;
    while (pos_ < lines_.size() && !IsBlank(lines_[pos_])) {
      if (lines_[pos_] == "----") {
        *separator = true;
        ++pos_;
        break;
      }
      if (!sql.empty()) sql.push_back('\n');
      sql += lines_[pos_++];
    }
    return sql;
  }

  std::vector<std::string> ReadBlock() {
    std::vector<std::string> out;
    while (pos_ < lines_.size() && !IsBlank(lines_[pos_])) out.push_back(lines_[pos_++]);
    return out;
  }

  Status ParseStatement(const std::vector<std::string>& tok, int lineno) {
    if (tok.size() < 2) return Error(lineno, "usage: statement ok | statement error [<code>]");
    bool sep = false;
    if (tok[1] == "ok") {
      if (tok.size() != 2) return Error(lineno, "statement ok takes no arguments");
      std::string sql = ReadSql(&sep);
      if (sep) return Error(lineno, "statement ok cannot have a ---- section");
      if (sql.empty()) return Error(lineno, "statement without SQL");
      Add(std::make_unique<StatementCommand>(lineno, std::move(sql)));
      return Status::OK();
    }
    if (tok[1] != "error" || tok.size() > 3) {
      return Error(lineno, "usage: statement ok | statement error [<code>]");
    }
    std::optional<int> code;
    if (tok.size() == 3) {
      int64_t c = 0;
      if (!ToInt(tok[2], &c)) return Error(lineno, "error code must be an integer");
      code = static_cast<int>(c);
    }
    std::string sql = ReadSql(&sep);
    if (sql.empty() && !sep) return Error(lineno, "statement without SQL");
    auto cmd = std::make_unique<StatementCommand>(lineno, std::move(sql));
    cmd->ExpectError(code);
    if (sep) {
      auto block = ReadBlock();
      std::string msg;
      for (size_t i = 0; i < block.size(); ++i) {
        if (i > 0) msg.push_back('\n');
        msg += block[i];
      }
      cmd->ExpectMessage(std::move(msg));
    }
    Add(std::move(cmd));
    return Status::OK();
  }

  Status ParseQuery(const std::vector<std::string>& tok, int lineno) {
    if (tok.size() < 2) return Error(lineno, "usage: query <types> [nosort|rowsort|valuesort] [header]");
    const std::string& types = tok[1];
    for (char c : types) {
      if (!TypeFromLetter(c)) {
        return Error(lineno, std::string("unknown type letter '") + c + "' (use I R T X B Z)");
      }
    }
    SortMode sort = SortMode::kNoSort;
    bool header = false;
    for (size_t i = 2; i < tok.size(); ++i) {
      if (tok[i] == "nosort") {
        sort = SortMode::kNoSort;
      } else if (tok[i] == "rowsort") {
        sort = SortMode::kRowSort;
      } else if (tok[i] == "valuesort") {
        sort = SortMode::kValueSort;
      } else if (tok[i] == "header") {
        header = true;
      } else {
        return Error(lineno, "unknown query option '" + tok[i] + "'");
      }
    }
    bool sep = false;
    std::string sql = ReadSql(&sep);
    if (!sep) return Error(lineno, "query without a ---- line");
    if (sql.empty()) return Error(lineno, "query without SQL");
    Add(std::make_unique<QueryCommand>(lineno, types, sort, header, std::move(sql), ReadBlock()));
    return Status::OK();
  }

  std::string name_;
  std::vector<std::string> lines_;
  size_t pos_ = 0;
  std::vector<std::vector<std::unique_ptr<Command>>*> stack_;
  bool skipping_ = false;
  bool last_was_comment_ = false;
};

}  // namespace

Result<std::shared_ptr<Script>> ParseScript(std::string_view text, const std::string& name) {
  return Parser(text, name).Parse();
}

Result<std::shared_ptr<Script>> ParseScriptFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(ErrorCode::kInvalidArgument, "cannot open " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return ParseScript(s.str(), path);
}

}  // namespace quanta::sqltest
