// libFuzzer target for the SQL front end: every input must either parse or fail with a kParse
// (Riak 1020) error carrying a message, and a parsed statement must render without crashing.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "sql/parser.h"

namespace {

void Fail(const char* what, std::string_view input) {
  std::fprintf(stderr, "sql_parser_fuzz: %s for input (%zu bytes): %.*s\n", what, input.size(),
               static_cast<int>(input.size()), input.data());
  std::abort();
}

// Touches every rendered part of a parsed statement (exercises the AST ToString code).
size_t Render(const quanta::sql::Statement& stmt) {
  using namespace quanta::sql;
  size_t n = 0;
  if (const auto* s = std::get_if<SelectStmt>(&stmt)) {
    n += s->ToString().size();
    for (const ExprPtr& item : s->items) n += item->ToString().size();
  } else if (const auto* e = std::get_if<ExplainStmt>(&stmt)) {
    n += e->select.ToString().size();
  } else if (const auto* d = std::get_if<DeleteStmt>(&stmt)) {
    n += d->where ? d->where->ToString().size() : 0;
  } else if (const auto* i = std::get_if<InsertStmt>(&stmt)) {
    for (const auto& row : i->rows) {
      for (const Literal& l : row) n += l.ToString().size() + (l.ToValue().is_null() ? 0 : 1);
    }
  } else if (const auto* c = std::get_if<CreateTableStmt>(&stmt)) {
    const auto& def = c->def;
    if (def.local_key.size() < def.partition_key.size()) Fail("LK shorter than PK", "");
    for (const auto& pk : def.partition_key) {
      if (pk.column < 0 || static_cast<size_t>(pk.column) >= def.columns.size()) {
        Fail("PK column out of range", "");
      }
    }
    for (const auto& lk : def.local_key) {
      if (lk.column < 0 || static_cast<size_t>(lk.column) >= def.columns.size()) {
        Fail("LK column out of range", "");
      }
    }
    n += def.columns.size();
  }
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  quanta::Result<quanta::sql::Statement> r = quanta::sql::Parse(input);
  if (r.ok()) {
    volatile size_t sink = Render(r.value());
    (void)sink;
    return 0;
  }
  if (r.error().code() != quanta::ErrorCode::kParse) Fail("non-1020 error", input);
  if (r.error().message().empty()) Fail("empty error message", input);
  return 0;
}
