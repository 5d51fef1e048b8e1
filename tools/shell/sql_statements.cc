// The statement table; see sql_statements.h.
#include "sql_statements.h"

namespace quanta::shell {

const std::vector<SqlStatementInfo>& SqlStatements() {
  static const std::vector<SqlStatementInfo> kStatements = {
      {"create", "create", "CREATE TABLE",
       "CREATE TABLE <table> (\n"
       "    <column> <type> [NOT NULL], ...\n"
       "    PRIMARY KEY ((<partition key columns>, QUANTUM(<timestamp column>, <n>, "
       "'s'|'m'|'h'|'d')),\n"
       "                 <local key columns> [ASC|DESC], ...))\n"
       "  [WITH (<property> = <value>, ...)];\n"
       "Types: VARCHAR, SINT64, DOUBLE, TIMESTAMP, BOOLEAN, BLOB. Key columns must be NOT NULL;\n"
       "the local key starts with the partition key columns (the quantum's column in place of\n"
       "QUANTUM(...)).",
       {"CREATE TABLE GeoCheckin (\n"
        "    region VARCHAR NOT NULL,\n"
        "    state VARCHAR NOT NULL,\n"
        "    time TIMESTAMP NOT NULL,\n"
        "    weather VARCHAR NOT NULL,\n"
        "    temperature DOUBLE,\n"
        "    PRIMARY KEY ((region, state, QUANTUM(time, 15, 'm')), region, state, time));"},
       {"table", "primary", "key", "quantum", "not", "null", "with", "varchar", "sint64",
        "double", "timestamp", "boolean", "blob", "asc", "desc"}},
      {"insert", "insert", "INSERT",
       "INSERT INTO <table> [(<column>, ...)] VALUES (<value>, ...)[, (<value>, ...)...];\n"
       "Timestamps may be integers (ms since the epoch) or ISO 8601 strings. Without a column\n"
       "list the values follow the table's columns; columns left out are NULL.",
       {"INSERT INTO GeoCheckin VALUES\n"
        "    ('South Atlantic', 'South Carolina', '2017-01-01T15:00:00Z', 'sunny', 23.5),\n"
        "    ('South Atlantic', 'South Carolina', '2017-01-01T15:20:00Z', 'cloudy', 21.0),\n"
        "    ('South Atlantic', 'South Carolina', '2017-01-01T15:40:00Z', 'rain', 18.5);",
        "INSERT INTO GeoCheckin (region, state, time, weather) VALUES\n"
        "    ('South Atlantic', 'Georgia', '2017-01-01T15:10:00Z', 'sunny');"},
       {"into", "values"}},
      {"select", "select", "SELECT",
       "SELECT <* | expression, ...> FROM <table>\n"
       "  WHERE <partition key column> = <value> AND ...\n"
       "    AND <quantum column> >|>= <lower> AND <quantum column> <|<= <upper> [AND <filter>]\n"
       "  [GROUP BY <column>, ...] [ORDER BY <column> [ASC|DESC] [NULLS FIRST|LAST], ...]\n"
       "  [LIMIT <n> [OFFSET <n>]];\n"
       "Aggregates: COUNT, SUM, AVG (MEAN), MIN, MAX, STDDEV (STDDEV_SAMP), STDDEV_POP.",
       {"SELECT weather, temperature FROM GeoCheckin\n"
        "    WHERE region = 'South Atlantic' AND state = 'South Carolina'\n"
        "    AND time >= '2017-01-01T15:00:00Z' AND time < '2017-01-01T16:00:00Z';",
        "SELECT COUNT(*), AVG(temperature), MAX(temperature) FROM GeoCheckin\n"
        "    WHERE region = 'South Atlantic' AND state = 'South Carolina'\n"
        "    AND time >= '2017-01-01T15:00:00Z' AND time < '2017-01-01T16:00:00Z';",
        "SELECT weather, COUNT(*) FROM GeoCheckin\n"
        "    WHERE region = 'South Atlantic' AND state = 'South Carolina'\n"
        "    AND time >= '2017-01-01T15:00:00Z' AND time < '2017-01-01T16:00:00Z'\n"
        "    GROUP BY weather;",
        "SELECT time, temperature FROM GeoCheckin\n"
        "    WHERE region = 'South Atlantic' AND state = 'South Carolina'\n"
        "    AND time >= '2017-01-01T15:00:00Z' AND time < '2017-01-01T16:00:00Z'\n"
        "    AND temperature > 20.0\n"
        "    ORDER BY temperature DESC LIMIT 2;"},
       {"from", "where", "and", "or", "not", "is", "null", "group", "by", "order", "asc", "desc",
        "nulls", "first", "last", "limit", "offset", "count", "sum", "avg", "mean", "min", "max",
        "stddev", "stddev_samp", "stddev_pop"}},
      {"explain", "explain", "EXPLAIN",
       "EXPLAIN <select statement>;\n"
       "Shows the sub-queries (one per quantum) a SELECT would run, with their key ranges and\n"
       "filter.",
       {"EXPLAIN SELECT * FROM GeoCheckin\n"
        "    WHERE region = 'South Atlantic' AND state = 'South Carolina'\n"
        "    AND time >= '2017-01-01T15:00:00Z' AND time < '2017-01-01T16:00:00Z';"},
       {"select"}},
      {"describe", "describe", "DESCRIBE",
       "DESCRIBE <table>;\n"
       "Lists the columns of a table: name, type, nullability, partition and local key\n"
       "positions, quantum interval and unit, sort order.",
       {"DESCRIBE GeoCheckin;"},
       {}},
      {"show", "show", "SHOW TABLES, SHOW CREATE TABLE",
       "SHOW TABLES;                 lists the tables and their status\n"
       "SHOW CREATE TABLE <table>;   prints the CREATE TABLE statement of a table",
       {"SHOW TABLES;", "SHOW CREATE TABLE GeoCheckin;"},
       {"tables", "create", "table"}},
      {"delete", "delete", "DELETE",
       "DELETE FROM <table> WHERE <local key column> = <value> AND ...;\n"
       "Deletes one row; every local key column must be given.\n"
       "DELETE FROM <table> WHERE <partition key column> = <value> AND ...\n"
       "    AND <quantum column> >|>= <lower> AND <quantum column> <|<= <upper>;\n"
       "Deletes every row of one series in a time range (a Quanta extension).",
       {"DELETE FROM GeoCheckin\n"
        "    WHERE region = 'South Atlantic' AND state = 'South Carolina'\n"
        "    AND time = '2017-01-01T15:40:00Z';",
        "DELETE FROM GeoCheckin\n"
        "    WHERE region = 'South Atlantic' AND state = 'Georgia'\n"
        "    AND time >= '2017-01-01T00:00:00Z' AND time < '2017-01-02T00:00:00Z';"},
       {"from", "where", "and"}},
      {"alter", "alter", "ALTER TABLE",
       "ALTER TABLE <table> WITH (<property> = <value>, ...);\n"
       "Sets table properties (Riak TS 1.6); columns and keys cannot change. Expiry:\n"
       "expiration = enabled|disabled, default_time_to_live = unlimited|<duration> (30d,\n"
       "'8d9h'), expiration_mode = use_global_config|per_item|whole_file. A row expires by its\n"
       "own timestamp.",
       {"ALTER TABLE GeoCheckin WITH (w = 3);",
        "ALTER TABLE GeoCheckin WITH (expiration = enabled, default_time_to_live = unlimited);"},
       {"table", "with", "expiration", "default_time_to_live", "expiration_mode", "enabled",
        "disabled", "unlimited"}},
      {"drop", "drop", "DROP TABLE",
       "DROP TABLE [IF EXISTS] <table>;\n"
       "Removes a table and all its rows (a Quanta extension); the name can be used again at\n"
       "once.",
       {"DROP TABLE IF EXISTS GeoCheckin2016;"},
       {"table", "if", "exists"}},
  };
  return kStatements;
}

}  // namespace quanta::shell
