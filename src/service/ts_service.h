// TsService: the one facade every transport (PB, TTB, HTTP, the shell through PB) calls.
// Transports decode a request, call one method here, and encode the answer; they hold no logic.
//
// Thread safety: every method may be called concurrently from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/memory.h"
#include "common/result_set.h"
#include "common/status.h"
#include "common/value.h"
#include "schema/expiry.h"
#include "schema/table_def.h"
#include "service/admin.h"
#include "service/query_gate.h"

namespace quanta::storage {
class Store;
}
namespace quanta::security {
class Security;
}

namespace quanta::service {

struct ServiceOptions {
  std::string data_dir = "./data";
  bool sync = false;                       // fsync each acknowledged write (group commit)
  // Riak TS query knobs (riak_ts.md section 13.1).
  int64_t query_timeout_ms = 10000;
  int64_t max_quanta_span = 5000;
  int max_concurrent_queries = 3;
  int query_queue_length = 15;
  int64_t max_returned_data_size = 10000000;
  int64_t max_running_fsms = 20;           // accepted for compatibility; single node
  int64_t slow_query_ms = 1000;            // log.slow_query: log statements this slow (0 = off)
  int64_t sort_memory_budget_bytes = 256LL << 20;  // ORDER BY without LIMIT
  int64_t max_object_size = 500 * 1024;    // object.size.maximum (bytes per stored row)
  int timezone_offset_minutes = 0;         // default zone for ISO 8601 strings without one
  // Resource bounds (docs/operations.md). The memory account covers request decoding, parsing,
  // sorts, groups, result sets, encoded replies and connection output buffers.
  int64_t memory_limit_bytes = 512LL << 20;          // memory.limit: all requests together
  int64_t request_memory_limit_bytes = 256LL << 20;  // memory.request_limit: one request
  int64_t max_statement_bytes = 1LL << 20;           // query.max_statement_bytes: SQL text
  int max_concurrent_list_keys = 4;                  // list_keys.max_concurrent: streams at once
  // query.scan_threads: threads one SELECT scans its sub-queries (quanta) with, its own
  // included; the others come from a pool of scan_threads - 1 shared by all queries.
  // 0 = the number of cores; 1 = one sub-query after the other.
  int scan_threads = 0;
  // Storage tuning.
  size_t block_cache_mb = 256;
  size_t write_buffer_mb = 32;
  std::string compression = "zstd";
  int idle_compaction_ms = 2000;            // compact after writes pause this long (0 = never)
  size_t chunk_rows = 8192;                 // storage.chunk_rows: rows per sealed chunk at most
  int seal_idle_ms = 1000;                  // storage.seal_idle: seal a partition idle this long
  int seal_threads = 0;                     // storage.seal_threads: partitions sealed at once
  int64_t min_free_space_bytes = 128LL << 20;  // storage.min_free_space: writes refused below
  // storage.backend: "rocksdb" (embedded, in data_dir) or "rados" (a Ceph pool; docs/cluster.md).
  std::string storage_backend = "rocksdb";
  std::string rados_conf;                   // rados.conf: ceph.conf path
  std::string rados_pool;                   // rados.pool
  std::string rados_user = "admin";         // rados.user: cephx id
  std::string rados_namespace;              // rados.namespace
  int64_t rados_op_timeout_ms = 10000;      // rados.op_timeout: every RADOS operation
  // cluster.peers: the PB host:port of every coordinator (for the coverage API).
  std::vector<std::string> cluster_peers;
  // Ingest (docs/ingest.md): ingest.quantum, the quantum of the tables line protocol and remote
  // write create ("1d" = size 1, unit 'd'), and ingest.prometheus_table.
  int64_t ingest_quantum_size = 1;
  char ingest_quantum_unit = 'd';
  std::string prometheus_table = "prometheus_samples";

  // Expiry (schema/expiry.h): leveldb.expiration, leveldb.expiration.retention_time,
  // leveldb.expiration.mode; per-table properties override them.
  schema::ExpiryConfig expiry;
  // storage.expiry_interval: how often the background lifecycle thread removes expired quanta.
  int64_t expiry_interval_ms = 60000;
  // Milliseconds since the epoch, for NOW() and expiry; null = the system clock. For tests only
  // (the golden files' `config now_ms`, the lifecycle tests); no server option sets it.
  std::function<int64_t()> clock_ms;
  // Node identity for EXPLAIN's coverage plan and TsCoverageResp entries.
  std::string node_name = "quanta@127.0.0.1";
  std::string advertised_pb_host = "127.0.0.1";
  uint16_t advertised_pb_port = 8087;
};

// What a statement was, for transports that shape answers by statement kind.
enum class StatementKind : uint8_t {
  kUnknown,
  kCreateTable,
  kSelect,
  kInsert,
  kDelete,
  kDescribe,
  kShowTables,
  kShowCreateTable,
  kExplain,
  kDropTable,   // Quanta extension
  kAlterTable,  // Riak TS 1.6
};

// "select", "insert", ... as HTTP error texts print it (riak_ts.md section 11.1).
std::string_view StatementKindName(StatementKind kind);

// The security permission a statement needs (docs/security.md): riak_ts.query_select for
// SELECT, riak_ts.put for INSERT, ...; "" for kUnknown.
std::string_view PermissionFor(StatementKind kind);

struct QueryOutcome {
  StatementKind kind = StatementKind::kUnknown;
  std::string table;        // the table the statement names ("" for SHOW TABLES / unparsed)
  ResultSet result;         // empty for CREATE TABLE, INSERT and DELETE
};

struct QueryOptions {
  // Opaque coverage context from a TsCoverageResp entry: limits a SELECT to that quantum.
  std::optional<std::string> cover_context;
  // A slot the transport already got from AdmitQuery(); the query runs in it (and within its
  // deadline). Null: Query() waits for a slot on the calling thread (in-process callers).
  QuerySlot* slot = nullptr;
  // The request's memory reservation; parsing, execution and the result set grow it. Null:
  // Query() uses a reservation of its own, released when it returns (the result set is then
  // not counted once returned).
  MemoryReservation* memory = nullptr;
  // Called once the statement parsed, before it runs, with its kind and table ("" for SHOW
  // TABLES); an error is the query's answer. Transports check security grants here.
  std::function<Status(StatementKind, const std::string& table)> authorize;
};

struct CoverageEntry {
  std::string ip;
  uint16_t port = 0;
  std::string cover_context;
  std::string field_name;
  int64_t lower_bound = 0;
  bool lower_bound_inclusive = true;
  int64_t upper_bound = 0;
  bool upper_bound_inclusive = false;
  std::string desc;
};

// The 1003 reply for a put with invalid rows: `listed` holds the first invalid row indexes
// (1-based, at most kMaxListedRowIndexes of them), `total` how many rows were invalid.
// Transports that validate rows while decoding them use it to answer exactly as Put() would.
inline constexpr size_t kMaxListedRowIndexes = 100;
Status InvalidRowsError(const std::vector<size_t>& listed, size_t total);

struct Stats;  // counters (service/stats.h)

// The limits a running server may change (SIGHUP reloads them from the configuration file);
// each request reads them when it starts.
struct RuntimeLimits {
  int64_t query_timeout_ms = 10000;
  int64_t max_returned_data_size = 10000000;
  int64_t slow_query_ms = 1000;
};

class TsService {
 public:
  // Opens the data directory (creating it) and loads the catalog.
  static Result<std::unique_ptr<TsService>> Open(const ServiceOptions& options);
  // Opens over an existing store (tests); takes ownership.
  static Result<std::unique_ptr<TsService>> OpenWithStore(
      const ServiceOptions& options, std::unique_ptr<storage::Store> store);
  ~TsService();

  // Admission for Query() without holding a thread (service/query_gate.h): `done` is called
  // once, with a slot or with 1001 "overload" / 1013 "no response from backend". The slot's
  // deadline is now + the query timeout.
  void AdmitQuery(QueryGate::Done done);
  // A reservation against the service's memory account, capped at the per-request limit.
  MemoryReservation NewReservation();
  MemoryAccount& memory();
  QueryGate& gate();

  // Runs one SQL statement. `outcome.kind`/`outcome.table` are filled even on error whenever the
  // statement parsed (HTTP error texts need them); on error the result is the Status.
  Status Query(std::string_view sql, const QueryOptions& options, QueryOutcome* outcome);

  // Key/value operations (riak_ts.md section 9). `table` must exist, else TableNotActive.
  // Put: full rows in table column order; 1003 when any row is invalid (nothing is written).
  Status Put(std::string_view table, std::vector<Row> rows);
  // Get by full local key (LK order). nullopt = not found. 1011 for a wrong key length,
  // 1026 for a value of the wrong type in a DESC column.
  Result<std::optional<Row>> Get(std::string_view table, const Row& key);
  // Delete by full local key. 1021 "notfound" when absent.
  Status Delete(std::string_view table, const Row& key);
  // Streams local keys in batches.
  Status ListKeys(std::string_view table,
                  const std::function<Status(std::vector<Row>&&)>& sink);
  // Coverage plan of a SELECT: one entry per quantum sub-query.
  Result<std::vector<CoverageEntry>> Coverage(std::string_view sql, std::string_view table);

  // The definition of `table`, or TableNotActive.
  Result<schema::TableDefPtr> FindTable(std::string_view table) const;
  std::vector<schema::TableDefPtr> ListTables() const;

  // The options the service was opened with; the limits below may have changed since.
  const ServiceOptions& options() const;
  RuntimeLimits runtime_limits() const;
  void SetRuntimeLimits(const RuntimeLimits& limits);
  Stats& stats();
  // GET /stats (JSON) and GET /metrics (Prometheus text, service/metrics.h): the counters with
  // the store's, the query gate's and the memory account's figures.
  std::string StatsJson();
  std::string MetricsText();
  // GET /console/api/tables (an extension for the web console, docs/console.md): every table's
  // name and an estimate of its row count (storage::Store::EstimateRows with its default
  // limits, so the work per table is bounded whatever its size), as JSON:
  //   {"tables":[{"name":"t","rows":1234,"exact":true,"at_least":false}, ...]}
  // A table that `authorize` refuses (when set), or whose estimate fails, has "rows": null.
  std::string TableRowsJson(const std::function<Status(const std::string& table)>& authorize);
  // The operator's commands (service/admin.h); "status" is registered by the service itself.
  AdminCommands& admin();
  // Users, groups, sources and grants (security/security.h), kept in the data directory.
  security::Security& security();
  storage::Store& store();

  // Runs the data lifecycle once, as the background thread does every storage.expiry_interval
  // (and soon after a DROP TABLE or range DELETE): finishes deleting dropped tables' rows,
  // removes expired quanta, compacts what was deleted. For tests and tools.
  Status RunLifecycle();

  // Flushes and closes storage. Further calls fail. Idempotent.
  Status Close();

 private:
  struct Impl;
  explicit TsService(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace quanta::service
