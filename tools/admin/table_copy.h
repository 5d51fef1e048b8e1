// What export and import (CSV and from Riak TS) share: a table's shape as DESCRIBE tells it, and
// a walk over its rows in bounded pieces, over Riak's PB API only (so that the same code reads a
// Riak TS cluster and a quantad).
//
// The walk: the table's keys are streamed (list_keys), each reduced to its partition (the
// partition-key values, the quantum column floored to its quantum), and the distinct
// partitions kept, sorted; then each partition is read with one SELECT over its quantum
// window. Memory holds the set of partitions (one small row per series and quantum), never
// the table's rows; a SELECT returns one partition's rows, and is split in halves by time
// when the server finds its result too big (Riak's error 1022).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/result_set.h"
#include "common/status.h"
#include "common/value.h"
#include "wire/pb/pb_client.h"

namespace quanta::admin {

struct ColumnInfo {
  std::string name;
  ColumnType type = ColumnType::kVarchar;
  bool nullable = true;
  int pk = -1;  // position in the partition key, 0-based; -1 none
  int lk = -1;  // position in the local key
  int64_t quantum_size = 0;  // on the quantum's partition-key element
  char quantum_unit = 0;     // d h m s
  bool desc = false;         // DESC in the local key
  bool operator==(const ColumnInfo&) const = default;
};

struct TableInfo {
  std::string name;
  std::vector<ColumnInfo> columns;
  std::vector<int> pk;  // column indexes in partition-key order
  std::vector<int> lk;  // column indexes in local-key order
  int quantum_column = -1;     // the column the quantum applies to, -1 without one
  int64_t quantum_ms = 0;

  // Index of the column named `name`, or -1.
  int Find(const std::string& name) const;
  // CREATE TABLE rebuilt from the shape (no WITH properties).
  std::string CreateSql() const;
};

// DESCRIBE `table` through `client` (Riak TS 1.5's seven columns or the eight of 1.6+).
Result<TableInfo> DescribeTable(wire::pb::PbClient& client, const std::string& table);
// SHOW CREATE TABLE's statement, or nullopt when the server does not know the statement
// (Riak TS before 1.6).
Result<std::optional<std::string>> ShowCreateTable(wire::pb::PbClient& client,
                                                   const std::string& table);

// SHOW CREATE TABLE's statement made one that CREATE TABLE takes back: SHOW CREATE TABLE
// renders the WITH properties as Riak TS does, which its own CREATE TABLE refuses (the
// defaults shown as bare words, dw = one; string values without their quotes doubled).
// Leaves `shown` as it is when its WITH list is not one property per line.
std::string ReusableCreateSql(const std::string& shown);

// `v` of column type `t` as a SQL literal ('it''s', 42, 1.5, true, 0x00ff).
std::string SqlLiteral(const Value& v, ColumnType t);
// A quoted SQL identifier when `name` needs one ("my col"), else the name.
std::string SqlIdent(const std::string& name);

// One piece of the walk: a partition and its time window [lo, hi) (window unset without a
// quantum).
struct Piece {
  Row partition;  // one value per partition-key element, the quantum one floored
  int64_t lo = 0, hi = 0;
};

struct WalkOptions {
  std::optional<int64_t> since;  // rows with quantum column >= since
  std::optional<int64_t> until;  // rows with quantum column < until
  std::string where;             // extra condition, ANDed (export --where)
  // Partitions at or before this one (in walk order) are skipped: a resumed import.
  std::optional<Row> resume_after;
};

// The distinct partitions of `table` in walk order (sorted), listed with stream list_keys on
// `client`. `on_keys` sees the count of keys streamed so far (progress).
Result<std::vector<Row>> ListPartitions(wire::pb::PbClient& client, const TableInfo& table,
                                        const std::function<void(uint64_t)>& on_keys);
// True when a sorts before b in walk order.
bool PartitionLess(const Row& a, const Row& b);

// Reads every piece of `partitions` (from the walk options on) with SELECTs on `client`,
// calling `sink` with each piece's rows (columns in table order) and then `done` once the
// partition is finished. Stops at the first error (from the server, sink or done).
Status ReadPartitions(wire::pb::PbClient& client, const TableInfo& table,
                      const std::vector<Row>& partitions, const WalkOptions& options,
                      const std::function<Status(std::vector<Row>&&)>& sink,
                      const std::function<Status(const Row& partition)>& done);

// Text form of a partition for a resume file (one line), and back.
std::string EncodePartition(const TableInfo& table, const Row& partition);
Result<Row> DecodePartition(const TableInfo& table, const std::string& line);

}  // namespace quanta::admin
