// Helpers shared by the SQL front-end unit tests.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>

#include "sql/parser.h"

namespace quanta::sql::testing {

// The error message of parsing `sql`, or "OK" when it parses. Every error must be kParse.
inline std::string ParseErr(std::string_view sql) {
  Result<Statement> r = Parse(sql);
  if (r.ok()) return "OK";
  EXPECT_EQ(r.error().code(), ErrorCode::kParse) << sql;
  return r.error().message();
}

// Parses `sql`, which must be a SELECT (or EXPLAIN SELECT).
inline SelectStmt ParseSelectOk(std::string_view sql) {
  Result<Statement> r = Parse(sql);
  EXPECT_TRUE(r.ok()) << sql << " -> " << r.status().ToString();
  if (!r.ok()) return SelectStmt{};
  if (auto* s = std::get_if<SelectStmt>(&r.value())) return std::move(*s);
  if (auto* e = std::get_if<ExplainStmt>(&r.value())) return std::move(e->select);
  ADD_FAILURE() << "not a SELECT: " << sql;
  return SelectStmt{};
}

// SelectStmt::ToString of a parsed SELECT, or the error message.
inline std::string SelectText(std::string_view sql) {
  Result<Statement> r = Parse(sql);
  if (!r.ok()) return "ERROR " + r.error().message();
  if (auto* s = std::get_if<SelectStmt>(&r.value())) return s->ToString();
  return "not a SELECT";
}

// Result column header of the single select item of `SELECT <item> FROM t`.
inline std::string Header(std::string_view item) {
  std::string sql = "SELECT " + std::string(item) + " FROM t";
  Result<Statement> r = Parse(sql);
  if (!r.ok()) return "ERROR " + r.error().message();
  const auto& s = std::get<SelectStmt>(r.value());
  if (s.items.size() != 1) return "ERROR item count";
  return s.items[0]->ToString();
}

// The WHERE clause of `SELECT * FROM t WHERE <cond>`, rendered.
inline std::string Where(std::string_view cond) {
  std::string sql = "SELECT * FROM t WHERE " + std::string(cond);
  Result<Statement> r = Parse(sql);
  if (!r.ok()) return "ERROR " + r.error().message();
  return std::get<SelectStmt>(r.value()).where->ToString();
}

}  // namespace quanta::sql::testing
