// DROP TABLE, ALTER TABLE and the expiry properties (schema/expiry.h): parse trees, the words
// that stay usable as names, duration parsing, and the expiry policy of a table.
#include <gtest/gtest.h>

#include <string>

#include "schema/expiry.h"
#include "sql/parser.h"

namespace quanta::sql {
namespace {

template <typename T>
T ParseAs(std::string_view sql) {
  Result<Statement> r = Parse(sql);
  EXPECT_TRUE(r.ok()) << sql << " -> " << r.status().ToString();
  if (!r.ok()) return T{};
  auto* s = std::get_if<T>(&r.value());
  EXPECT_NE(s, nullptr) << sql;
  return s ? std::move(*s) : T{};
}

Status ParseStatus(std::string_view sql) {
  Result<Statement> r = Parse(sql);
  return r.ok() ? Status::OK() : r.status();
}

TEST(ParserLifecycle, DropTable) {
  DropTableStmt d = ParseAs<DropTableStmt>("DROP TABLE GeoCheckin");
  EXPECT_EQ(d.table, "GeoCheckin");
  EXPECT_FALSE(d.if_exists);
  d = ParseAs<DropTableStmt>("drop table if exists \"my table\";");
  EXPECT_EQ(d.table, "my table");
  EXPECT_TRUE(d.if_exists);
  // A table named `if` or `exists`.
  EXPECT_EQ(ParseAs<DropTableStmt>("DROP TABLE if").table, "if");
  EXPECT_EQ(ParseAs<DropTableStmt>("DROP TABLE IF EXISTS exists").table, "exists");
  // A quoted "drop" is a name, not the statement.
  EXPECT_EQ(ParseStatus("\"DROP\" TABLE t").code(), ErrorCode::kParse);
  EXPECT_EQ(ParseStatus("DROP TABLE").message(), "Unexpected token 'TABLE'");
  EXPECT_EQ(ParseStatus("DROP TABLE t u").message(), "Unexpected token 'u'");
}

TEST(ParserLifecycle, DropAlterIfExistsStayNames) {
  ParseAs<CreateTableStmt>(
      "CREATE TABLE drop (alter VARCHAR NOT NULL, if TIMESTAMP NOT NULL, exists SINT64, "
      "PRIMARY KEY ((alter, QUANTUM(if, 1, 'd')), alter, if))");
  SelectStmt s = ParseAs<SelectStmt>(
      "SELECT exists FROM drop WHERE alter = 'a' AND if > 1 AND if < 5");
  EXPECT_EQ(s.table, "drop");
}

TEST(ParserLifecycle, AlterTable) {
  AlterTableStmt a = ParseAs<AlterTableStmt>(
      "ALTER TABLE GeoCheckin WITH (w = 3, note = 'x', expiration = enabled, "
      "default_time_to_live = 8d9h, expiration_mode = 'whole_file')");
  EXPECT_EQ(a.table, "GeoCheckin");
  ASSERT_EQ(a.properties.size(), 5u);
  EXPECT_EQ(a.properties[0].second.Render(), "3");
  EXPECT_EQ(a.properties[1].second.Render(), "'x'");
  EXPECT_EQ(a.properties[2].second.Render(), "enabled");
  EXPECT_EQ(a.properties[3].second.Render(), "8d9h");  // the lexer's 8 and d9h, joined
  EXPECT_EQ(a.properties[4].second.Render(), "'whole_file'");
  EXPECT_TRUE(ParseAs<AlterTableStmt>("ALTER TABLE t WITH ()").properties.empty());
  // Bare words stay an error for other properties (1.5 text).
  EXPECT_EQ(ParseStatus("ALTER TABLE t WITH (w = all)").message(),
            "Expecting a numeric, boolean or string value for WITH property \"w\" (did you "
            "forget to quote a string?)");
  EXPECT_EQ(ParseStatus("ALTER TABLE t").code(), ErrorCode::kParse);
}

TEST(ParserLifecycle, CreateChecksExpiryValues) {
  const std::string head =
      "CREATE TABLE t (k VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, "
      "PRIMARY KEY ((k, QUANTUM(ts, 1, 'h')), k, ts)) WITH ";
  EXPECT_TRUE(ParseStatus(head + "(expiration = enabled, default_time_to_live = 30d)").ok());
  EXPECT_EQ(ParseStatus(head + "(default_time_to_live = 0s)").message(),
            "Invalid value for table property default_time_to_live: '0s' (expected unlimited "
            "or a duration such as 30d, 8d9h or 90m)");
  EXPECT_EQ(ParseStatus(head + "(expiration = 1)").code(), ErrorCode::kParse);
}

TEST(Expiry, ParseDuration) {
  EXPECT_EQ(*schema::ParseDuration("5h"), 5 * 3600000);
  EXPECT_EQ(*schema::ParseDuration("8d9h"), (8 * 24 + 9) * 3600000LL);
  EXPECT_EQ(*schema::ParseDuration("1w1f10ms"), 21 * 86400000LL + 10);
  EXPECT_EQ(*schema::ParseDuration("90m"), 90 * 60000);
  EXPECT_FALSE(schema::ParseDuration("unlimited")->has_value());
  for (const char* bad : {"", "5", "h", "5y", "5 h", "-5h", "0m", "99999999999999999999d",
                          "9223372036854775807s"}) {
    EXPECT_FALSE(schema::ParseDuration(bad).ok()) << bad;
  }
}

TEST(Expiry, TableRetentionOverridesTheServer) {
  schema::TableDef t = ParseAs<CreateTableStmt>(
                           "CREATE TABLE t (k VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, "
                           "PRIMARY KEY ((k, QUANTUM(ts, 1, 'h')), k, ts))")
                           .def;
  schema::ExpiryConfig global;
  EXPECT_FALSE(schema::TableRetention(t, global));
  global.enabled = true;
  EXPECT_FALSE(schema::TableRetention(t, global));  // on, but no retention: nothing expires
  global.retention_ms = 1000;
  EXPECT_EQ(schema::TableRetention(t, global), 1000);
  EXPECT_EQ(schema::ExpiryCutoff(t, global, 5000), 4000);
  t.properties.emplace_back("default_time_to_live", schema::PropValue::Atom("2s"));
  EXPECT_EQ(schema::TableRetention(t, global), 2000);
  t.properties.emplace_back("expiration", schema::PropValue::String("disabled"));
  EXPECT_FALSE(schema::TableRetention(t, global));
  global.enabled = false;
  t.properties.emplace_back("expiration", schema::PropValue::Atom("enabled"));
  EXPECT_EQ(schema::TableRetention(t, global), 2000);
  // No quantum, no row time: never.
  schema::TableDef kv = ParseAs<CreateTableStmt>(
                            "CREATE TABLE kv (k VARCHAR NOT NULL, PRIMARY KEY ((k), k))")
                            .def;
  kv.properties = t.properties;
  EXPECT_FALSE(schema::TableRetention(kv, global));
}

}  // namespace
}  // namespace quanta::sql
