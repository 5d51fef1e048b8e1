#include "commands.h"

#include <algorithm>
#include <regex>
#include <sstream>

#include "result_format.h"

namespace quanta::sqltest {

namespace {

std::string Join(const std::vector<std::string>& lines, const char* sep = "\n") {
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out += sep;
    out += lines[i];
  }
  return out;
}

std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  return out;
}

// `statement error` block reproducing what the client saw.
std::string ErrorBlock(const Response& r, const std::string& sql) {
  std::ostringstream s;
  s << "statement error";
  if (r.code_known) s << " " << r.code;
  s << "\n" << sql << "\n----\n" << EscapeMessage(r.message) << "\n";
  return s.str();
}

// Rendered result lines (optional header first, then one entry per row) and the letters that
// describe the result.
struct Rendered {
  std::vector<std::string> header;  // zero or one line
  std::vector<std::string> rows;
  std::string letters;
};

Rendered Render(const Response& r, const std::string& declared_letters, bool header,
                bool no_columns) {
  Rendered out;
  const auto& cols = r.result.columns;
  std::vector<ColumnType> types;
  if (r.types_known && !cols.empty()) {
    for (const auto& c : cols) types.push_back(c.type);
    out.letters = TypeLetters(cols);
  } else {
    // No types on the wire (HTTP): render with the declared letters.
    for (char ch : declared_letters) types.push_back(TypeFromLetter(ch).value_or(ColumnType::kVarchar));
    out.letters = declared_letters;
  }
  if (header && !no_columns) {
    std::vector<ColumnDesc> described = cols;
    if (!r.types_known) {
      for (size_t i = 0; i < described.size() && i < types.size(); ++i) {
        described[i].type = types[i];
      }
    }
    out.header.push_back(RenderHeader(described));
  }
  for (const auto& row : r.result.rows) out.rows.push_back(RenderRow(row, types));
  return out;
}

void SortRows(std::vector<std::string>* rows, SortMode mode) {
  if (mode == SortMode::kRowSort) {
    std::sort(rows->begin(), rows->end());
  } else if (mode == SortMode::kValueSort) {
    std::vector<std::string> values;
    for (const auto& row : *rows) {
      for (auto& v : SplitTabs(row)) values.push_back(std::move(v));
    }
    std::sort(values.begin(), values.end());
    *rows = std::move(values);
  }
}

}  // namespace

std::string SortModeName(SortMode mode) {
  switch (mode) {
    case SortMode::kNoSort: return "nosort";
    case SortMode::kRowSort: return "rowsort";
    case SortMode::kValueSort: return "valuesort";
  }
  return "nosort";
}

// ---- TestContext ---------------------------------------------------------------------------

TestContext::TestContext(std::string file, Harness& harness, std::ostream& out)
    : file_(std::move(file)), harness_(harness), out_(out) {}

std::string TestContext::Substitute(const std::string& text) const {
  if (vars_.empty() || text.find("${") == std::string::npos) return text;
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 2, "${") == 0) {
      size_t close = text.find('}', i + 2);
      if (close != std::string::npos) {
        auto it = vars_.find(text.substr(i + 2, close - i - 2));
        if (it != vars_.end()) {
          out += it->second;
          i = close + 1;
          continue;
        }
      }
    }
    out.push_back(text[i++]);
  }
  return out;
}

std::vector<Transport*> TestContext::QueryTransports() {
  if (transport_ == "all") return harness_.All();
  Transport* t = harness_.Get(transport_);
  if (t == nullptr) return {};
  return {t};
}

Transport* TestContext::StatementTransport() {
  if (transport_ == "all") {
    auto all = harness_.All();
    if (all.empty()) return nullptr;
    return all[rotate_++ % all.size()];
  }
  return harness_.Get(transport_);
}

void TestContext::Fail(int line, const std::string& what, const std::string& block) {
  ++failures_;
  out_ << file_ << ":" << line << ": " << what;
  if (!loop_vars_.empty()) {
    out_ << " (loop";
    for (const auto& v : loop_vars_) out_ << " " << v << "=" << vars_[v];
    out_ << ")";
  }
  out_ << "\n" << block;
  if (!block.empty() && block.back() != '\n') out_ << "\n";
  out_ << "\n";
}

void TestContext::Abort(int line, const std::string& what) {
  ++failures_;
  aborted_ = true;
  out_ << file_ << ":" << line << ": " << what << " (the rest of the file is not run)\n\n";
}

// ---- Command ---------------------------------------------------------------------------------

void Command::Execute(TestContext& ctx) {
  if (ctx.aborted()) return;
  if (skipped) {
    if (counts()) ctx.CountSkipped();
    return;
  }
  Run(ctx);
}

// ---- statement -------------------------------------------------------------------------------

void StatementCommand::Run(TestContext& ctx) {
  std::string sql = ctx.Substitute(sql_);
  if (expect_error_) {
    auto transports = ctx.QueryTransports();
    if (transports.empty()) {
      ctx.CountSkipped();
      return;
    }
    ctx.CountRun();
    for (Transport* t : transports) Check(ctx, *t, sql);
  } else {
    Transport* t = ctx.StatementTransport();
    if (t == nullptr) {
      ctx.CountSkipped();
      return;
    }
    ctx.CountRun();
    Check(ctx, *t, sql);
  }
}

void StatementCommand::Check(TestContext& ctx, Transport& t, const std::string& sql) {
  Response r = t.Execute(sql);
  std::string where = " [" + std::string(t.name()) + "]";
  if (!expect_error_) {
    if (!r.ok) {
      ctx.Fail(line(), "statement failed" + where,
               "SQL:\n" + sql + "\nactual (paste-ready):\n" + ErrorBlock(r, sql));
    }
    return;
  }
  if (r.ok) {
    std::string actual = "statement ok\n" + sql + "\n";
    if (!r.result.rows.empty()) {
      Rendered rd = Render(r, std::string(), true, false);
      actual = "query " + rd.letters + " header\n" + sql + "\n----\n" +
               Join(rd.header) + "\n" + Join(rd.rows) + "\n";
    }
    ctx.Fail(line(), "statement succeeded but an error was expected" + where,
             "SQL:\n" + sql + "\nactual (paste-ready):\n" + actual);
    return;
  }
  if (!r.code_known) return;  // the front end has no Riak codes: only the failure is checked
  std::vector<std::string> problems;
  if (code_ && r.code != *code_) {
    problems.push_back("expected error code " + std::to_string(*code_) + ", got " +
                       std::to_string(r.code));
  }
  if (message_) {
    const std::string& m = *message_;
    static const std::string kRegex = "<REGEX>:";
    if (m.compare(0, kRegex.size(), kRegex) == 0) {
      std::string pattern = m.substr(kRegex.size());
      try {
        if (!std::regex_match(r.message, std::regex(pattern, std::regex::ECMAScript))) {
          problems.push_back("message does not match " + m);
        }
      } catch (const std::regex_error& e) {
        problems.push_back("invalid regular expression " + pattern + ": " + e.what());
      }
    } else if (UnescapeMessage(m) != r.message) {
      problems.push_back("expected message: " + m);
    }
  }
  if (problems.empty()) return;
  ctx.Fail(line(), "wrong error" + where,
           Join(problems) + "\nSQL:\n" + sql + "\nactual (paste-ready):\n" + ErrorBlock(r, sql));
}

// ---- query -----------------------------------------------------------------------------------

void QueryCommand::Run(TestContext& ctx) {
  auto transports = ctx.QueryTransports();
  if (transports.empty()) {
    ctx.CountSkipped();
    return;
  }
  ctx.CountRun();
  std::string sql = ctx.Substitute(sql_);
  std::vector<std::string> expected;
  expected.reserve(expected_.size());
  for (const auto& e : expected_) expected.push_back(ctx.Substitute(e));
  for (Transport* t : transports) Check(ctx, *t, sql, expected);
}

void QueryCommand::Check(TestContext& ctx, Transport& t, const std::string& sql,
                         const std::vector<std::string>& expected_in) {
  std::vector<ColumnType> declared;
  for (char ch : types_) declared.push_back(TypeFromLetter(ch).value_or(ColumnType::kVarchar));
  Response r = t.Execute(sql, &declared);
  std::string where = " [" + std::string(t.name()) + "]";
  if (!r.ok) {
    ctx.Fail(line(), "query failed" + where,
             "SQL:\n" + sql + "\nactual (paste-ready):\n" + ErrorBlock(r, sql));
    return;
  }
  const auto& cols = r.result.columns;
  bool no_columns = cols.empty() && r.result.rows.empty() && !t.columns_when_empty();

  std::vector<std::string> problems;
  if (!no_columns) {
    if (cols.size() != types_.size()) {
      problems.push_back("the query declares " + std::to_string(types_.size()) +
                         " column(s) (" + types_ + "), the result has " +
                         std::to_string(cols.size()) + " (" + TypeLetters(cols) + ")");
    } else if (r.types_known) {
      for (size_t i = 0; i < cols.size(); ++i) {
        if (TypeLetter(cols[i].type) != types_[i]) {
          problems.push_back("column " + std::to_string(i + 1) + " '" + cols[i].name +
                             "' is " + std::string(ColumnTypeName(cols[i].type)) + " (" +
                             TypeLetter(cols[i].type) + "), the query declares " + types_[i]);
        }
      }
    }
  }

  Rendered rd = Render(r, types_, header_, no_columns);
  // Expected: optional header line, then rows. Without columns on the wire the header of an
  // empty result cannot be checked.
  std::vector<std::string> exp_header, exp_rows;
  size_t first_row = 0;
  if (header_ && !expected_in.empty()) {
    exp_header.push_back(expected_in[0]);
    first_row = 1;
  }
  exp_rows.assign(expected_in.begin() + static_cast<long>(std::min(first_row, expected_in.size())),
                  expected_in.end());
  if (no_columns) exp_header.clear();

  std::vector<std::string> act_rows = rd.rows;
  SortRows(&act_rows, sort_);
  SortRows(&exp_rows, sort_);
  std::vector<std::string> act_lines = rd.header;
  act_lines.insert(act_lines.end(), act_rows.begin(), act_rows.end());
  std::vector<std::string> exp_lines = exp_header;
  exp_lines.insert(exp_lines.end(), exp_rows.begin(), exp_rows.end());
  std::string actual_text = Join(act_lines);
  std::string expected_text = Join(exp_lines);
  if (actual_text != expected_text) {
    problems.push_back("result differs (" + std::to_string(r.result.rows.size()) + " row(s))");
  }
  if (problems.empty()) return;

  std::string directive = "query " + rd.letters;
  if (sort_ != SortMode::kNoSort) directive += " " + SortModeName(sort_);
  if (header_) directive += " header";
  std::string block = Join(problems) + "\nSQL:\n" + sql + "\nexpected:\n" +
                      (expected_text.empty() ? "" : expected_text + "\n") +
                      "actual (paste-ready):\n" + directive + "\n" + sql + "\n----\n" +
                      (actual_text.empty() ? "" : actual_text + "\n");
  ctx.Fail(line(), "wrong result" + where, block);
}

// ---- restart / lifecycle / config / transport / loop -----------------------------------------------------

void RestartCommand::Run(TestContext& ctx) {
  ctx.CountRun();
  Status st = ctx.harness().Restart();
  if (!st.ok()) ctx.Abort(line(), "restart failed: " + st.ToString());
}

void LifecycleCommand::Run(TestContext& ctx) {
  ctx.CountRun();
  Status st = ctx.harness().RunLifecycle();
  if (!st.ok()) ctx.Abort(line(), "lifecycle failed: " + st.ToString());
}

void ConfigCommand::Run(TestContext& ctx) {
  ctx.CountRun();
  Status st = ctx.harness().Configure(key_, ctx.Substitute(value_));
  if (!st.ok()) ctx.Abort(line(), "config " + key_ + " " + value_ + " failed: " + st.ToString());
}

void SetCommand::Run(TestContext& ctx) { ctx.SetVar(var_, ctx.Substitute(value_)); }

void TransportCommand::Run(TestContext& ctx) {
  ctx.SetTransport(name_);
  if (name_ != "all" && ctx.harness().Get(name_) == nullptr) {
    ctx.out() << ctx.file() << ":" << line() << ": note: transport " << name_
              << " is not available in this build; its statements are skipped\n";
  }
}

void LoopCommand::Run(TestContext& ctx) {
  ctx.EnterLoop(var_);
  for (int64_t v = from_; v < to_ && !ctx.aborted(); v += step_) {
    ctx.SetVar(var_, std::to_string(v));
    for (auto& c : body_) c->Execute(ctx);
  }
  ctx.LeaveLoop();
  ctx.EraseVar(var_);
}

}  // namespace quanta::sqltest
