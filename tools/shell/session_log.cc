// riak-shell session log writer and reader; see session_log.h.
#include "common/utf8.h"
#include "session_log.h"

#include <cctype>
#include <cstdio>
#include <ctime>

namespace quanta::shell {
namespace {

void AppendErlangString(std::string* out, std::string_view s, bool keep_newlines) {
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append(keep_newlines ? "\n" : "\\n");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\r':
        out->append("\\r");
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\%03o", c);
          out->append(buf);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}


class TermReader {
 public:
  explicit TermReader(std::string_view text) : s_(text) {}

  bool AtEnd() {
    SkipBlanks();
    return pos_ >= s_.size();
  }

  bool Expect(char c) {
    SkipBlanks();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return Fail(std::string("expected '") + c + "'");
  }

  bool ExpectAtom(std::string_view atom) {
    SkipBlanks();
    if (s_.substr(pos_, atom.size()) == atom) {
      size_t end = pos_ + atom.size();
      if (end >= s_.size() ||
          !(std::isalnum(static_cast<unsigned char>(s_[end])) || s_[end] == '_')) {
        pos_ = end;
        return true;
      }
    }
    return Fail("expected '" + std::string(atom) + "'");
  }

  // One or more adjacent string literals, concatenated.
  bool ReadString(std::string* out) {
    out->clear();
    SkipBlanks();
    if (pos_ >= s_.size() || s_[pos_] != '"') return Fail("expected a string");
    while (pos_ < s_.size() && s_[pos_] == '"') {
      ++pos_;
      if (!ReadStringBody(out)) return false;
      SkipBlanks();
    }
    return true;
  }

  const std::string& error() const { return error_; }

 private:
  bool ReadStringBody(std::string* out) {
    while (pos_ < s_.size()) {
      char c = s_[pos_++];
      if (c == '"') return true;
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      if (pos_ >= s_.size()) break;
      char e = s_[pos_++];
      switch (e) {
        case 'n':
          out->push_back('\n');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 'e':
          out->push_back('\x1b');
          break;
        case 's':
          out->push_back(' ');
          break;
        case 'd':
          out->push_back('\x7f');
          break;
        case 'b':
          out->push_back('\b');
          break;
        case 'f':
          out->push_back('\f');
          break;
        case 'v':
          out->push_back('\v');
          break;
        case 'x': {
          unsigned long cp = 0;
          if (pos_ < s_.size() && s_[pos_] == '{') {
            ++pos_;
            while (pos_ < s_.size() && std::isxdigit(static_cast<unsigned char>(s_[pos_]))) {
              cp = cp * 16 + HexValue(s_[pos_++]);
            }
            if (pos_ >= s_.size() || s_[pos_] != '}') return Fail("bad \\x{...} escape");
            ++pos_;
          } else {
            for (int k = 0;
                 k < 2 && pos_ < s_.size() && std::isxdigit(static_cast<unsigned char>(s_[pos_]));
                 ++k) {
              cp = cp * 16 + HexValue(s_[pos_++]);
            }
          }
          AppendUtf8(static_cast<uint32_t>(cp), out);
          break;
        }
        case '^':
          if (pos_ < s_.size()) out->push_back(static_cast<char>(s_[pos_++] & 0x1f));
          break;
        default:
          if (e >= '0' && e <= '7') {
            unsigned v = static_cast<unsigned>(e - '0');
            for (int k = 0; k < 2 && pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '7'; ++k) {
              v = v * 8 + static_cast<unsigned>(s_[pos_++] - '0');
            }
            AppendUtf8(static_cast<uint32_t>(v), out);
          } else {
            out->push_back(e);  // \" \\ \' and any other character stand for themselves
          }
      }
    }
    return Fail("unterminated string");
  }

  static unsigned HexValue(char c) {
    if (c >= '0' && c <= '9') return static_cast<unsigned>(c - '0');
    return static_cast<unsigned>(std::tolower(static_cast<unsigned char>(c)) - 'a' + 10);
  }

  void SkipBlanks() {
    while (pos_ < s_.size()) {
      if (std::isspace(static_cast<unsigned char>(s_[pos_]))) {
        ++pos_;
      } else if (s_[pos_] == '%') {
        while (pos_ < s_.size() && s_[pos_] != '\n') ++pos_;
      } else {
        break;
      }
    }
  }

  bool Fail(const std::string& what) {
    if (error_.empty()) {
      int line = 1;
      for (size_t i = 0; i < pos_ && i < s_.size(); ++i) line += s_[i] == '\n';
      error_ = "line " + std::to_string(line) + ": " + what;
    }
    return false;
  }

  std::string_view s_;
  size_t pos_ = 0;
  std::string error_;
};

}  // namespace

std::string FormatLogEntry(const LogEntry& entry) {
  std::string out = "{{command, ";
  AppendErlangString(&out, entry.command, /*keep_newlines=*/false);
  out += "}, {result, ";
  AppendErlangString(&out, entry.result, /*keep_newlines=*/true);
  out += "}}.\n";
  return out;
}

bool LooksLikeSessionLog(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    if (std::isspace(static_cast<unsigned char>(text[i]))) {
      ++i;
    } else if (text[i] == '%') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else {
      return text[i] == '{';
    }
  }
  return false;
}

bool ParseSessionLog(std::string_view text, std::vector<LogEntry>* out, std::string* error) {
  TermReader r(text);
  out->clear();
  while (!r.AtEnd()) {
    LogEntry e;
    bool ok = r.Expect('{') && r.Expect('{') && r.ExpectAtom("command") && r.Expect(',') &&
              r.ReadString(&e.command) && r.Expect('}') && r.Expect(',') && r.Expect('{') &&
              r.ExpectAtom("result") && r.Expect(',') && r.ReadString(&e.result) && r.Expect('}') &&
              r.Expect('}') && r.Expect('.');
    if (!ok) {
      *error = r.error();
      return false;
    }
    out->push_back(std::move(e));
  }
  return true;
}

std::string LogDateStamp() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y_%m_%d-%H:%M:%S", &tm);
  return buf;
}

}  // namespace quanta::shell
