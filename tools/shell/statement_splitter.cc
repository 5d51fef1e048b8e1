// Line-at-a-time statement splitting with comment stripping; see statement_splitter.h.
#include "statement_splitter.h"

namespace quanta::shell {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (IsBlank(s[b]) || s[b] == '\n')) ++b;
  while (e > b && (IsBlank(s[e - 1]) || s[e - 1] == '\n')) --e;
  return std::string(s.substr(b, e - b));
}

}  // namespace

void StatementSplitter::AppendSpace() {
  if (!buffer_.empty() && !IsBlank(buffer_.back())) buffer_.push_back(' ');
}

void StatementSplitter::Finish(std::vector<std::string>* out) {
  std::string stmt = Trim(buffer_);
  buffer_.clear();
  skip_indent_ = false;
  if (!stmt.empty()) out->push_back(std::move(stmt));
}

void StatementSplitter::AddLine(std::string_view line, std::vector<std::string>* out) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    const char next = i + 1 < line.size() ? line[i + 1] : '\0';
    switch (state_) {
      case State::kNormal:
        // Blank runs outside quotes (indentation, the space a comment leaves) become one.
        if (IsBlank(c) && (skip_indent_ || buffer_.empty() || IsBlank(buffer_.back()))) continue;
        skip_indent_ = false;
        if (c == '-' && next == '-') {
          i = line.size();  // comment to the end of the line
        } else if (c == '/' && next == '*') {
          state_ = State::kBlockComment;
          AppendSpace();
          ++i;
        } else if (c == ';') {
          Finish(out);
        } else {
          if (c == '\'') state_ = State::kString;
          if (c == '"') state_ = State::kQuotedIdent;
          buffer_.push_back(c);
        }
        break;
      case State::kString:
        buffer_.push_back(c);
        if (c == '\'') state_ = State::kNormal;  // '' re-enters the string on the next char
        break;
      case State::kQuotedIdent:
        buffer_.push_back(c);
        if (c == '"') state_ = State::kNormal;
        break;
      case State::kBlockComment:
        if (c == '*' && next == '/') {
          state_ = State::kNormal;
          ++i;
        }
        break;
    }
  }

  // End of line.
  switch (state_) {
    case State::kNormal:
    case State::kBlockComment:
      AppendSpace();
      skip_indent_ = state_ == State::kNormal;
      break;
    case State::kString:
    case State::kQuotedIdent:
      // Raw line breaks are not legal inside SQL quotes; keep it so the server reports it.
      buffer_.push_back('\n');
      break;
  }
}

void StatementSplitter::AddText(std::string_view text, std::vector<std::string>* out) {
  while (!text.empty()) {
    size_t nl = text.find('\n');
    if (nl == std::string_view::npos) {
      AddLine(text, out);
      return;
    }
    AddLine(text.substr(0, nl), out);
    text.remove_prefix(nl + 1);
  }
}

bool StatementSplitter::pending() const {
  if (state_ != State::kNormal) return true;
  for (char c : buffer_) {
    if (!IsBlank(c) && c != '\n') return true;
  }
  return false;
}

std::string StatementSplitter::TakePending() {
  std::string stmt = Trim(buffer_);
  Reset();
  return stmt;
}

void StatementSplitter::Reset() {
  state_ = State::kNormal;
  buffer_.clear();
  skip_indent_ = false;
}

std::vector<std::string> SplitStatements(std::string_view text) {
  StatementSplitter splitter;
  std::vector<std::string> out;
  splitter.AddText(text, &out);
  std::string last = splitter.TakePending();
  if (!last.empty()) out.push_back(std::move(last));
  return out;
}

}  // namespace quanta::shell
