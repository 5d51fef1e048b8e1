// Expiry (data lifecycle): how long a table keeps its rows.
//
// Riak TS configured expiry server-wide (riak.conf: leveldb.expiration,
// leveldb.expiration.retention_time, leveldb.expiration.mode) and per table (the WITH properties
// expiration, default_time_to_live, expiration_mode, which override the server-wide values).
// Quanta accepts the same names and values. A row expires by its own timestamp: once the value
// of its quantum column is older than the retention (Riak expired by write time,
// docs/compatibility.md). Tables without a quantum have no row time and never expire.
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "schema/table_def.h"

namespace quanta::schema {

inline constexpr std::string_view kExpirationProp = "expiration";
inline constexpr std::string_view kTimeToLiveProp = "default_time_to_live";
inline constexpr std::string_view kExpirationModeProp = "expiration_mode";

// True for the three per-table expiry properties (their values may be written bare:
// `expiration = enabled`, `default_time_to_live = 123m`).
bool IsExpiryProperty(std::string_view name);

// The server-wide settings (leveldb.expiration*).
struct ExpiryConfig {
  bool enabled = false;                 // leveldb.expiration = on | off
  std::optional<int64_t> retention_ms;  // leveldb.expiration.retention_time; nullopt = unlimited
  std::string mode = "whole_file";      // leveldb.expiration.mode = whole_file | normal
};

// A Riak duration: one or more <integer><unit> groups, units ms, s, m, h, d, w (week) and
// f (fortnight), e.g. 5h, 8d9h, 90m; "unlimited" gives nullopt. Fails (kInvalidArgument) on
// anything else, a zero duration, or one beyond int64 milliseconds.
Result<std::optional<int64_t>> ParseDuration(std::string_view text);

// Checks the values of the expiry properties among `props` (1020 with the property's name).
// `expiration = enabled` needs a table with a quantum (`has_quantum`).
Status ValidateExpiryProperties(const std::vector<std::pair<std::string, PropValue>>& props,
                                const std::string& table, bool has_quantum);

// How long `table` keeps a row (ms of its quantum column before now), or nullopt when its rows
// never expire: the table's properties where given, the server-wide ones otherwise.
std::optional<int64_t> TableRetention(const TableDef& table, const ExpiryConfig& global);

// The expiry cutoff at `now_ms`: rows whose quantum column is at or before it are expired.
// nullopt when the table's rows never expire.
std::optional<int64_t> ExpiryCutoff(const TableDef& table, const ExpiryConfig& global,
                                    int64_t now_ms);

}  // namespace quanta::schema
