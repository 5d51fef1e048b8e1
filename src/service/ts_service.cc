#include "service/ts_service.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <shared_mutex>

#include "exec/analyzer.h"
#include "exec/delete_range.h"
#include "exec/executor.h"
#include "exec/planner.h"
#include "exec/scan_pool.h"
#include "schema/describe.h"
#include "common/version.h"
#include "service/backup.h"
#include "service/catalog.h"
#include "service/lifecycle.h"
#include "service/security_glue.h"
#include "security/security.h"
#include "storage/backend/rocksdb_backend.h"
#ifdef QUANTA_HAVE_RADOS
#include "storage/backend/rados_backend.h"
#endif
#include "service/metrics.h"
#include "service/request_context.h"
#include "service/request_log.h"
#include "service/stats.h"
#include "sql/parser.h"
#include "storage/store.h"

namespace quanta::service {

using Clock = std::chrono::steady_clock;


std::string_view StatementKindName(StatementKind kind) {
  switch (kind) {
    case StatementKind::kCreateTable: return "create_table";
    case StatementKind::kSelect: return "select";
    case StatementKind::kInsert: return "insert";
    case StatementKind::kDelete: return "delete";
    case StatementKind::kDescribe: return "describe";
    case StatementKind::kShowTables: return "show_tables";
    case StatementKind::kShowCreateTable: return "show_create_table";
    case StatementKind::kExplain: return "explain";
    case StatementKind::kDropTable: return "drop_table";
    case StatementKind::kAlterTable: return "alter_table";
    case StatementKind::kUnknown: break;
  }
  return "unknown";
}

namespace {

// Seeks a partition listing (a SELECT without partition-key columns) may take at least: a
// series outside the time range costs one or two, so this bounds the work on tables with very
// many series to about a second.
constexpr size_t kListPartitionSteps = 100000;

size_t ApproxRowBytes(const Row& row) {
  size_t n = 0;
  for (const auto& v : row) n += v.is_bytes() ? v.as_bytes().size() + 4 : 9;
  return n;
}

std::string RowIndexList(const std::vector<size_t>& idx, size_t total) {
  std::string s;
  for (size_t i = 0; i < idx.size(); ++i) s += (i ? ", " : "") + std::to_string(idx[i]);
  if (total > idx.size()) s += " and " + std::to_string(total - idx.size()) + " more";
  return s;
}

}  // namespace

// At most kMaxListedRowIndexes row indexes are listed in a 1003 message (docs/compatibility.md).
Status InvalidRowsError(const std::vector<size_t>& listed, size_t total) {
  return Status(ErrorCode::kIrregular,
                "Invalid data found at row index(es) " + RowIndexList(listed, total));
}

struct TsService::Impl {
  ServiceOptions options;
  std::unique_ptr<storage::Store> store;
  std::unique_ptr<Catalog> catalog;
  Stats stats;
  AdminCommands admin;
  std::unique_ptr<security::Security> security;
  MemoryAccount memory;
  QueryGate gate;
  // Helper threads for SELECTs' sub-queries (exec/scan_pool.h); destroyed after the gate has
  // no query running (the Impl's owner closes the service first).
  exec::ScanPool scan_pool;
  std::atomic<int> list_keys_running{0};
  // Every public operation holds this shared; Close() holds it exclusively, so the store is
  // never closed under a running operation.
  std::shared_mutex life_mu;
  bool closed = false;  // GUARDED_BY(life_mu)
  // Deletes what DROP TABLE, range DELETE and expiry leave behind (service/lifecycle.h);
  // started once the catalog is loaded, stopped before the store closes.
  std::unique_ptr<LifecycleThread> lifecycle;
  // Writes (puts, deletes) hold a pass from looking their table up to writing; DROP TABLE
  // closes it while it removes the table and its rows, so no write that found the table before
  // the drop lands after it (rows nothing could read, nor delete).
  WriteFence write_fence;
  std::mutex lifecycle_mu;  // one RunLifecycle at a time
  // RuntimeLimits: read by every request, changed by SetRuntimeLimits (SIGHUP).
  std::atomic<int64_t> query_timeout_ms;
  std::atomic<int64_t> max_returned_data_size;
  std::atomic<int64_t> slow_query_ms;

  Impl(const ServiceOptions& o, std::unique_ptr<storage::Store> s)
      : options(o),
        store(std::move(s)),
        catalog(std::make_unique<Catalog>(*store, o.storage_backend == "rados")),
        memory(o.memory_limit_bytes),
        gate(o.max_concurrent_queries, o.query_queue_length),
        scan_pool(ScanPoolThreads(o.scan_threads)),
        query_timeout_ms(o.query_timeout_ms),
        max_returned_data_size(o.max_returned_data_size),
        slow_query_ms(o.slow_query_ms) {}

  static size_t ScanPoolThreads(int scan_threads) {
    size_t total = scan_threads > 0 ? static_cast<size_t>(scan_threads)
                                     : exec::ScanPool::DefaultScanThreads();
    return total - 1;  // the query's own thread is the first
  }

  // A shared hold on the service for one operation; fails once the service is closed.
  struct Hold {
    std::shared_lock<std::shared_mutex> lock;
    bool ok;
  };
  Hold Enter() {
    std::shared_lock lock(life_mu);
    bool ok = !closed;
    return Hold{std::move(lock), ok};
  }
  // Counts, times and (when it failed) logs one request; returns its milliseconds.
  double Finish(Op op, const Status& status, Clock::time_point start) {
    const auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count();
    stats.Count(op, status.ok(), status.ok() ? 0 : status.riak_code());
    stats.latency[static_cast<size_t>(op)].Record(static_cast<uint64_t>(micros));
    const double ms = static_cast<double>(micros) / 1000.0;
    if (!status.ok()) LogRequestFailure(op, status, ms);
    return ms;
  }

  static Status Closed() { return Status(ErrorCode::kIoError, "the service is shut down"); }

  // NOW() is read once per statement, when it is analysed.
  exec::AnalyzerOptions analyzer_options() const {
    return exec::AnalyzerOptions{.timezone_offset_minutes = options.timezone_offset_minutes,
                                 .now_ms = NowMs(),
                                 .max_partitions = options.max_quanta_span};
  }
  exec::PlannerOptions planner_options() const {
    return exec::PlannerOptions{.max_quanta_span = options.max_quanta_span,
                                .node_name = options.node_name};
  }

  int64_t NowMs() const {
    if (options.clock_ms) return options.clock_ms();
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  // Rows of `table` whose quantum column is at or before this are expired (hidden at once,
  // removed by the lifecycle thread); nullopt when its rows never expire.
  std::optional<int64_t> ExpiryCutoff(const schema::TableDef& table) const {
    return schema::ExpiryCutoff(table, options.expiry, NowMs());
  }

  // One pass of the data lifecycle (TsService::RunLifecycle). REQUIRES: an open Hold.
  Status Lifecycle() {
    std::lock_guard one(lifecycle_mu);
    Status first;
    auto note = [&](Status st) {
      if (first.ok() && !st.ok()) first = std::move(st);
    };
    // Tables dropped whose rows remain (a restart after DROP TABLE, a failed deletion).
    auto pending = catalog->PendingDrops();
    if (pending.ok()) {
      for (const auto& def : *pending) {
        Status st = store->DropTableData(def);
        if (st.ok()) st = catalog->ForgetDropped(def.id);
        note(st);
      }
    } else {
      note(pending.status());
    }
    // Expired quanta, a bounded number per table per pass (the next pass goes on).
    constexpr size_t kExpiredPartitionsPerPass = 10000;
    for (const auto& table : catalog->List()) {
      if (!ExpiryCutoff(*table)) continue;
      // Asked again under each partition's lock: the table as it is then (an ALTER TABLE or
      // DROP TABLE meanwhile), not as it was listed.
      auto cutoff = [this, id = table->id, name = table->name]() -> std::optional<int64_t> {
        schema::TableDefPtr now = catalog->Find(name);
        if (!now || now->id != id) return std::nullopt;
        return ExpiryCutoff(*now);
      };
      auto removed = store->DropExpired(*table, cutoff, kExpiredPartitionsPerPass);
      if (!removed.ok()) note(removed.status());
    }
    note(store->ReclaimSpace());
    return first;
  }

  Status DropTable(const sql::DropTableStmt& s) {
    auto fence = write_fence.Close();
    auto dropped = catalog->Drop(s.table);
    if (!dropped.ok()) {
      if (s.if_exists && dropped.status().code() == ErrorCode::kTableInactive) return Status::OK();
      return dropped.status();
    }
    // The name is free now and a table created with it gets a new id, so nothing of this one
    // can come back; its rows go now (a range deletion) or, should that fail, in the next
    // lifecycle pass. Their bytes leave the disk in the background.
    if (store->DropTableData(**dropped).ok()) catalog->ForgetDropped((*dropped)->id).IgnoreError();
    if (lifecycle) lifecycle->Poke();
    return Status::OK();
  }

  // A range DELETE (exec/delete_range.h): one range deletion per quantum.
  Status DeleteRanges(const schema::TableDef& table, const exec::RangeDelete& del) {
    auto cutoff = ExpiryCutoff(table);
    std::vector<exec::SubQuery> ranges = del.ranges;
    if (cutoff) ClampPlanToExpiry(&ranges, *cutoff);  // expired rows are left to expiry
    for (const auto& sq : ranges) {
      Status st = store->DeleteRange(table, exec::ScanRangeOf(sq));
      if (!st.ok()) return Status(ErrorCode::kDelete, "Delete failed: " + st.message());
    }
    if (lifecycle && !ranges.empty()) lifecycle->Poke();
    return Status::OK();
  }

  // A SELECT naming no partition-key column (Quanta extension): lists the partitions of its
  // time range into bound->partitions. The time range passes the quanta-span check first, so
  // a listing never walks more than max_quanta_span quanta of a series; past max_quanta_span
  // partitions, or after kListPartitionSteps seeks, 1025.
  Status ListAllPartitions(exec::BoundSelect* bound) {
    if (!bound->all_partitions) return Status::OK();
    QUANTA_RETURN_IF_ERROR(exec::CheckQuantaSpan(*bound, planner_options()));
    const schema::Quantum* q = bound->table->quantum();
    if (!q || !bound->time) return InternalError("a partition listing without a time range");
    const exec::TimeRange& r = *bound->time;
    auto clamp = [](__int128 v) {
      return static_cast<int64_t>(std::clamp<__int128>(v, INT64_MIN, INT64_MAX));
    };
    const int64_t lo = clamp(static_cast<__int128>(r.lo) + (r.lo_inclusive ? 0 : 1));
    const int64_t hi = clamp(static_cast<__int128>(r.hi) - (r.hi_inclusive ? 0 : 1));
    const size_t max = static_cast<size_t>(std::max<int64_t>(options.max_quanta_span, 1));
    QUANTA_ASSIGN_OR_RETURN(
        bound->partitions,
        store->ListPartitions(*bound->table, q->StartOf(lo), q->StartOf(hi), max,
                              std::max<size_t>(kListPartitionSteps, 16 * max)));
    return Status::OK();
  }

  // REQUIRES: an open Hold.
  Result<schema::TableDefPtr> Table(std::string_view name) const {
    auto t = catalog->Find(name);
    if (!t) return TableNotActive(name);
    return t;
  }

  // Validates and writes rows. Errors: 1003 invalid rows; kPut when a row exceeds the object
  // size limit, kNoSpace when the disk is full (the caller picks the Riak code: 1004 for PB
  // put, 1001 for INSERT).
  Status WriteRows(const schema::TableDef& table, const std::vector<Row>& rows) {
    std::vector<size_t> invalid;
    size_t n_invalid = 0;
    for (size_t i = 0; i < rows.size(); ++i) {
      if (!schema::RowIsValid(table, rows[i])) {
        if (++n_invalid <= kMaxListedRowIndexes) invalid.push_back(i + 1);
      }
    }
    if (n_invalid > 0) return InvalidRowsError(invalid, n_invalid);
    size_t too_big = 0;
    for (const auto& r : rows) {
      if (static_cast<int64_t>(ApproxRowBytes(r)) > options.max_object_size) ++too_big;
    }
    if (too_big > 0) {
      return Status(ErrorCode::kPut, "Failed to put " + std::to_string(too_big) + " record(s)");
    }
    if (rows.empty()) return Status::OK();
    Status put = store->Put(table, rows);
    if (put.code() == ErrorCode::kNoSpace) {
      return Status(ErrorCode::kNoSpace,
                    "Failed to put " + std::to_string(rows.size()) + " record(s): disk full");
    }
    QUANTA_RETURN_IF_ERROR(put);
    stats.rows_written.fetch_add(rows.size(), std::memory_order_relaxed);
    return Status::OK();
  }

  // Checks a key's length (1011) and types (1026 for DESC columns). Returns false when the key
  // cannot match any row (a value of the wrong type).
  Result<bool> CheckKey(const schema::TableDef& t, const Row& key) {
    if (key.size() != t.local_key.size()) {
      return Status(ErrorCode::kBadKeyLength,
                    "Key element count mismatch (key has " + std::to_string(t.local_key.size()) +
                        " elements but " + std::to_string(key.size()) + " supplied)");
    }
    bool matchable = true;
    for (size_t i = 0; i < key.size(); ++i) {
      const auto& elem = t.local_key[i];
      if (!key[i].MatchesType(t.columns[elem.column].type)) {
        if (elem.desc()) {
          return Status(ErrorCode::kBadCompoundKey, "Value of inappropriate type in compound key");
        }
        matchable = false;
      }
    }
    return matchable;
  }

  Clock::time_point QueryDeadline(Clock::time_point from) const {
    return from + std::chrono::milliseconds(query_timeout_ms.load(std::memory_order_relaxed));
  }

  Status RunSelect(const sql::SelectStmt& stmt, bool explain, const QueryOptions& qopts,
                   MemoryReservation* memory_reservation, QueryOutcome* out) {
    QUANTA_ASSIGN_OR_RETURN(auto table, Table(stmt.table));
    auto start = Clock::now();
    // Pipeline: analyze -> plan -> execute.
    QUANTA_ASSIGN_OR_RETURN(exec::BoundSelect bound,
                            exec::AnalyzeSelect(stmt, table, analyzer_options()));
    QUANTA_RETURN_IF_ERROR(ListAllPartitions(&bound));
    QUANTA_ASSIGN_OR_RETURN(std::vector<exec::SubQuery> plan,
                            exec::PlanSubQueries(bound, planner_options()));
    if (auto cutoff = ExpiryCutoff(*table)) ClampPlanToExpiry(&plan, *cutoff);
    if (explain) {
      out->result = exec::ExplainRows(bound, plan, planner_options());
      return Status::OK();
    }
    if (qopts.cover_context) {
      std::string ctx_table;
      QUANTA_ASSIGN_OR_RETURN(exec::SubQuery only,
                              exec::DecodeCoverContext(*qopts.cover_context, &ctx_table));
      std::vector<exec::SubQuery> kept;
      if (ctx_table == table->name) {
        for (auto& sq : plan) {
          if (sq.partition == only.partition) kept.push_back(std::move(sq));
        }
      }
      plan = std::move(kept);
    }
    // The slot: the transport's (admitted before it queued the request), or one waited for
    // here. Released as soon as execution ends (or when `own_slot` goes out of scope on an
    // error path).
    QuerySlot own_slot;
    QuerySlot* slot = qopts.slot;
    if (slot == nullptr || !slot->held()) {
      QUANTA_ASSIGN_OR_RETURN(own_slot, gate.Admit(QueryDeadline(start)));
      slot = &own_slot;
    }
    stats.queries_running.fetch_add(1);
    exec::ExecOptions eo;
    eo.deadline = slot->deadline();
    eo.max_returned_data_size = max_returned_data_size.load(std::memory_order_relaxed);
    eo.sort_memory_budget_bytes = options.sort_memory_budget_bytes;
    eo.memory = memory_reservation;
    eo.pool = &scan_pool;
    exec::ExecCounters counters;
    auto rs = exec::ExecuteSelect(bound, plan, *store, eo, &counters);
    stats.queries_running.fetch_sub(1);
    // The gate bounds execution; encoding and sending the result is bounded by the memory
    // account, so the slot goes back now and the next query starts while this one is encoded.
    slot->Release();
    stats.rows_scanned.fetch_add(counters.rows_scanned, std::memory_order_relaxed);
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
    stats.query_latency.Record(static_cast<uint64_t>(micros.count()));
    if (!rs.ok()) return rs.error();
    stats.rows_read.fetch_add(rs->rows.size(), std::memory_order_relaxed);
    out->result = std::move(rs).value();
    return Status::OK();
  }

  Status Dispatch(sql::Statement& stmt, const QueryOptions& qopts, MemoryReservation* memory,
                  QueryOutcome* out) {
    if (auto* s = std::get_if<sql::SelectStmt>(&stmt)) {
      out->kind = StatementKind::kSelect;
      out->table = s->table;
      return RunSelect(*s, false, qopts, memory, out);
    }
    if (auto* s = std::get_if<sql::ExplainStmt>(&stmt)) {
      out->kind = StatementKind::kExplain;
      out->table = s->select.table;
      return RunSelect(s->select, true, qopts, memory, out);
    }
    if (auto* s = std::get_if<sql::InsertStmt>(&stmt)) {
      out->kind = StatementKind::kInsert;
      out->table = s->table;
      auto fence = write_fence.Enter();
      QUANTA_ASSIGN_OR_RETURN(auto table, Table(s->table));
      QUANTA_ASSIGN_OR_RETURN(std::vector<Row> rows,
                              exec::AnalyzeInsert(*s, *table, analyzer_options()));
      Status st = WriteRows(*table, rows);
      // As Riak answers INSERT failures: 1001 (a PB put answers 1004).
      if (st.code() == ErrorCode::kPut || st.code() == ErrorCode::kNoSpace) {
        return SubmitError(st.message());
      }
      return st;
    }
    if (auto* s = std::get_if<sql::DeleteStmt>(&stmt)) {
      out->kind = StatementKind::kDelete;
      out->table = s->table;
      auto fence = write_fence.Enter();
      QUANTA_ASSIGN_OR_RETURN(auto table, Table(s->table));
      QUANTA_ASSIGN_OR_RETURN(
          auto range, exec::AnalyzeRangeDelete(*s, table, analyzer_options(), planner_options()));
      if (range) return DeleteRanges(*table, *range);
      QUANTA_ASSIGN_OR_RETURN(std::optional<Row> key,
                              exec::AnalyzeDelete(*s, *table, analyzer_options()));
      if (!key) return Status::OK();
      // An expired row is already gone as far as requests can tell.
      if (auto cutoff = ExpiryCutoff(*table); cutoff && KeyExpired(*table, *key, *cutoff)) {
        return Status::OK();
      }
      auto deleted = store->Delete(*table, *key);
      if (!deleted.ok()) {
        return Status(ErrorCode::kDelete, "Delete failed: " + deleted.error().message());
      }
      return Status::OK();
    }
    if (auto* s = std::get_if<sql::CreateTableStmt>(&stmt)) {
      out->kind = StatementKind::kCreateTable;
      out->table = s->def.name;
      auto created = catalog->Create(std::move(s->def));
      return created.status();
    }
    if (auto* s = std::get_if<sql::DropTableStmt>(&stmt)) {
      out->kind = StatementKind::kDropTable;
      out->table = s->table;
      return DropTable(*s);
    }
    if (auto* s = std::get_if<sql::AlterTableStmt>(&stmt)) {
      out->kind = StatementKind::kAlterTable;
      out->table = s->table;
      return catalog->Alter(s->table, s->properties).status();
    }
    if (auto* s = std::get_if<sql::DescribeStmt>(&stmt)) {
      out->kind = StatementKind::kDescribe;
      out->table = s->table;
      QUANTA_ASSIGN_OR_RETURN(auto table, Table(s->table));
      out->result = schema::DescribeTable(*table);
      return Status::OK();
    }
    if (std::get_if<sql::ShowTablesStmt>(&stmt)) {
      out->kind = StatementKind::kShowTables;
      out->result.columns = {{"Table", ColumnType::kVarchar}, {"Status", ColumnType::kVarchar}};
      for (const auto& t : catalog->List()) {
        out->result.rows.push_back({Value::Bytes(t->name), Value::Bytes("Active")});
      }
      return Status::OK();
    }
    if (auto* s = std::get_if<sql::ShowCreateTableStmt>(&stmt)) {
      out->kind = StatementKind::kShowCreateTable;
      out->table = s->table;
      QUANTA_ASSIGN_OR_RETURN(auto table, Table(s->table));
      out->result.columns = {{"SQL", ColumnType::kVarchar}};
      out->result.rows.push_back({Value::Bytes(table->ShowCreateSql())});
      return Status::OK();
    }
    return InternalError("unhandled statement");
  }
};

TsService::TsService(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TsService::~TsService() { Close().IgnoreError(); }

namespace {

// The backend storage.backend names.
Result<std::unique_ptr<storage::Backend>> OpenBackend(const ServiceOptions& options) {
  if (options.storage_backend == "rados") {
#ifdef QUANTA_HAVE_RADOS
    storage::RadosOptions o;
    o.conf = options.rados_conf;
    o.pool = options.rados_pool;
    o.user = options.rados_user;
    o.name_space = options.rados_namespace;
    o.op_timeout_ms = static_cast<int>(std::clamp<int64_t>(options.rados_op_timeout_ms, 1, 1 << 30));
    return storage::OpenRadosBackend(o);
#else
    return Status(ErrorCode::kInvalidArgument,
                  "storage.backend = rados: this build has no RADOS backend (install "
                  "libradospp-dev, see scripts/deps.sh, and rebuild)");
#endif
  }
  if (options.storage_backend != "rocksdb") {
    return Status(ErrorCode::kInvalidArgument,
                  "unknown storage.backend '" + options.storage_backend + "'");
  }
  storage::RocksDbOptions ro;
  ro.data_dir = options.data_dir;
  ro.block_cache_mb = options.block_cache_mb;
  ro.write_buffer_mb = options.write_buffer_mb;
  ro.compression = options.compression;
  ro.idle_compaction_ms = options.idle_compaction_ms;
  ro.min_free_space_bytes = static_cast<uint64_t>(std::max<int64_t>(0, options.min_free_space_bytes));
  return storage::OpenRocksDbBackend(ro);
}

}  // namespace

Result<std::unique_ptr<TsService>> TsService::Open(const ServiceOptions& options) {
  QUANTA_ASSIGN_OR_RETURN(auto backend, OpenBackend(options));
  storage::StoreOptions so;
  so.sync = options.sync;
  so.chunk_rows = options.chunk_rows;
  so.seal_idle_ms = options.seal_idle_ms;
  so.seal_threads = options.seal_threads;
  QUANTA_ASSIGN_OR_RETURN(auto store, storage::OpenStore(std::move(backend), so));
  return OpenWithStore(options, std::move(store));
}

Result<std::unique_ptr<TsService>> TsService::OpenWithStore(
    const ServiceOptions& options, std::unique_ptr<storage::Store> store) {
  auto impl = std::make_unique<Impl>(options, std::move(store));
  QUANTA_RETURN_IF_ERROR(impl->catalog->Load());
  // One server keeps the security state in its data directory; coordinators sharing a RADOS
  // pool keep it in the pool, as they do the catalog.
  if (options.storage_backend == "rados") {
    QUANTA_ASSIGN_OR_RETURN(impl->security,
                            security::Security::Open(StoreStateStorage(*impl->store)));
  } else {
    QUANTA_ASSIGN_OR_RETURN(impl->security, security::Security::Open(options.data_dir));
  }
  RegisterSecurityCommand(impl->admin, *impl->security);
  Impl* raw = impl.get();
  impl->lifecycle = std::make_unique<LifecycleThread>(
      std::max<int64_t>(1, options.expiry_interval_ms), [raw] {
        auto hold = raw->Enter();
        if (hold.ok) raw->Lifecycle().IgnoreError();  // retried on the next pass
      });
  // Rows of tables dropped before a restart: deleted in the first pass.
  impl->lifecycle->Poke();
  const auto started = std::chrono::steady_clock::now();
  impl->admin.Register("status", [raw, started](std::string_view) -> Result<std::string> {
    const auto up = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::steady_clock::now() - started);
    const storage::StoreStats ss = raw->store->Stats();
    const bool rados = raw->options.storage_backend == "rados";
    return "{\"version\":" + JsonQuote(kQuantaVersion) +
           ",\"backend\":" + JsonQuote(rados ? "rados" : "rocksdb") +
           ",\"data_dir\":" + JsonQuote(raw->options.data_dir) +
           ",\"tables\":" + std::to_string(raw->catalog->List().size()) +
           ",\"uptime_seconds\":" + std::to_string(up.count()) +
           ",\"writable\":" + (ss.writable ? "true" : "false") + "}";
  });
  RegisterBackupCommand(
      impl->admin,
      BackupSource{.backend = options.storage_backend == "rados" ? "rados" : "rocksdb",
                   .checkpoint = [raw](const std::string& dir) -> Status {
                     auto hold = raw->Enter();
                     if (!hold.ok) return Impl::Closed();
                     return raw->store->Checkpoint(dir);
                   },
                   .table_count = [raw] { return uint64_t{raw->catalog->List().size()}; },
                   .security_state = [raw] {
                     return security::EncodeState(raw->security->Snapshot());
                   }});
  // Another coordinator changed the shared records (cluster mode): both copies read again,
  // before the next use when announced, in the background when maybe missed (so that a
  // request meeting an outage waits out rados.op_timeout once, not once per record read).
  QUANTA_RETURN_IF_ERROR(impl->store->WatchMeta([raw](bool announced) {
    if (announced) {
      raw->catalog->MarkChanged();
      raw->security->MarkChanged();
    } else {
      raw->catalog->MarkMaybeChanged();
      raw->security->MarkMaybeChanged();
    }
  }));
  return std::unique_ptr<TsService>(new TsService(std::move(impl)));
}

Status TsService::Query(std::string_view sql, const QueryOptions& options,
                        QueryOutcome* outcome) {
  const auto start = Clock::now();
  *outcome = QueryOutcome{};
  Status st = [&]() -> Status {
    auto hold = impl_->Enter();
    if (!hold.ok) return Impl::Closed();
    if (static_cast<int64_t>(sql.size()) > impl_->options.max_statement_bytes) {
      return Status(ErrorCode::kMemoryLimit,
                    "Statement too long: " + std::to_string(sql.size()) +
                        " bytes (query.max_statement_bytes is " +
                        std::to_string(impl_->options.max_statement_bytes) + ")");
    }
    MemoryReservation own = NewReservation();
    MemoryReservation* memory = options.memory ? options.memory : &own;
    // Tokens and syntax tree: a bounded multiple of the text (sql::kParseBytesPerInputByte).
    int64_t parse_bytes = static_cast<int64_t>(sql.size()) * sql::kParseBytesPerInputByte;
    QUANTA_RETURN_IF_ERROR(memory->Grow(parse_bytes, "parsing the statement"));
    auto parsed = sql::Parse(sql);
    if (!parsed.ok()) return parsed.error();
    if (options.authorize) {
      auto [kind, table] = Classify(parsed.value());
      outcome->kind = kind;
      outcome->table = table;
      QUANTA_RETURN_IF_ERROR(options.authorize(kind, table));
    }
    // The tokens are gone; the syntax tree stays while the statement runs.
    memory->Shrink(static_cast<int64_t>(sql.size()) *
                   (sql::kParseBytesPerInputByte - sql::kAstBytesPerInputByte));
    return impl_->Dispatch(parsed.value(), options, memory, outcome);
  }();
  const double ms = impl_->Finish(Op::kQuery, st, start);
  const int64_t slow_ms = impl_->slow_query_ms.load(std::memory_order_relaxed);
  if (slow_ms > 0 && ms >= static_cast<double>(slow_ms)) {
    impl_->stats.slow_queries.fetch_add(1, std::memory_order_relaxed);
    LogSlowQuery(sql, ms, outcome->result.rows.size(), st);
  }
  return st;
}

Status TsService::Put(std::string_view table_name, std::vector<Row> rows) {
  const auto start = Clock::now();
  Status st = [&]() -> Status {
    auto hold = impl_->Enter();
    if (!hold.ok) return Impl::Closed();
    auto fence = impl_->write_fence.Enter();
    QUANTA_ASSIGN_OR_RETURN(auto table, impl_->Table(table_name));
    return impl_->WriteRows(*table, rows);
  }();
  impl_->Finish(Op::kPut, st.ok() ? Status::OK() : st, start);
  return st;
}

Result<std::optional<Row>> TsService::Get(std::string_view table_name, const Row& key) {
  const auto start = Clock::now();
  auto r = [&]() -> Result<std::optional<Row>> {
    auto hold = impl_->Enter();
    if (!hold.ok) return Impl::Closed();
    QUANTA_ASSIGN_OR_RETURN(auto table, impl_->Table(table_name));
    QUANTA_ASSIGN_OR_RETURN(bool matchable, impl_->CheckKey(*table, key));
    if (!matchable) return std::optional<Row>();
    auto got = impl_->store->Get(*table, key);
    if (!got.ok()) return Status(ErrorCode::kGet, got.error().message());
    if (got->has_value()) {
      auto cutoff = impl_->ExpiryCutoff(*table);
      if (cutoff && RowExpired(*table, **got, *cutoff)) return std::optional<Row>();
    }
    if (got->has_value()) impl_->stats.rows_read.fetch_add(1, std::memory_order_relaxed);
    return got;
  }();
  impl_->Finish(Op::kGet, r.ok() ? Status::OK() : r.error(), start);
  return r;
}

Status TsService::Delete(std::string_view table_name, const Row& key) {
  const auto start = Clock::now();
  Status st = [&]() -> Status {
    auto hold = impl_->Enter();
    if (!hold.ok) return Impl::Closed();
    auto fence = impl_->write_fence.Enter();
    QUANTA_ASSIGN_OR_RETURN(auto table, impl_->Table(table_name));
    QUANTA_ASSIGN_OR_RETURN(bool matchable, impl_->CheckKey(*table, key));
    if (!matchable) return Status(ErrorCode::kNotFound, "notfound");
    if (auto cutoff = impl_->ExpiryCutoff(*table); cutoff && KeyExpired(*table, key, *cutoff)) {
      return Status(ErrorCode::kNotFound, "notfound");
    }
    auto deleted = impl_->store->Delete(*table, key);
    if (!deleted.ok()) {
      return Status(ErrorCode::kDelete, "Failed to delete record: " + deleted.error().message());
    }
    if (!*deleted) return Status(ErrorCode::kNotFound, "notfound");
    return Status::OK();
  }();
  impl_->Finish(Op::kDelete, st.ok() ? Status::OK() : st, start);
  return st;
}

Status TsService::ListKeys(std::string_view table_name,
                           const std::function<Status(std::vector<Row>&&)>& sink) {
  const auto start = Clock::now();
  Status st = [&]() -> Status {
    auto hold = impl_->Enter();
    if (!hold.ok) return Impl::Closed();
    QUANTA_ASSIGN_OR_RETURN(auto table, impl_->Table(table_name));
    // Streams hold a worker while the client reads: at most list_keys.max_concurrent at once.
    struct StreamSlot {
      std::atomic<int>& n;
      ~StreamSlot() { n.fetch_sub(1); }
    } slot{impl_->list_keys_running};
    if (impl_->list_keys_running.fetch_add(1) >= impl_->options.max_concurrent_list_keys) {
      return SubmitError("overload");
    }
    Status s;
    if (auto cutoff = impl_->ExpiryCutoff(*table)) {
      const schema::TableDef& def = *table;
      const int64_t c = *cutoff;
      s = impl_->store->ListKeys(def, [&](std::vector<Row>&& keys) -> Status {
        std::erase_if(keys, [&](const Row& k) { return KeyExpired(def, k, c); });
        if (keys.empty()) return Status::OK();
        return sink(std::move(keys));
      });
    } else {
      s = impl_->store->ListKeys(*table, sink);
    }
    if (!s.ok() && (s.code() == ErrorCode::kIoError || s.code() == ErrorCode::kCorruption)) {
      return Status(ErrorCode::kListKeys, "Failed to list keys: " + s.message());
    }
    return s;
  }();
  impl_->Finish(Op::kListKeys, st.ok() ? Status::OK() : st, start);
  return st;
}

Result<std::vector<CoverageEntry>> TsService::Coverage(std::string_view sql,
                                                       std::string_view table_name) {
  const auto start = Clock::now();
  auto r = [&]() -> Result<std::vector<CoverageEntry>> {
    auto hold = impl_->Enter();
    if (!hold.ok) return Impl::Closed();
    auto fail = [](const Status& s) {
      return Status(ErrorCode::kBadQuery, "Failed to compile query: " + s.message());
    };
    // The same bounds as Query(): a TsCoverageReq's SQL text is as large as a frame allows.
    if (static_cast<int64_t>(sql.size()) > impl_->options.max_statement_bytes) {
      return Status(ErrorCode::kMemoryLimit,
                    "Statement too long: " + std::to_string(sql.size()) +
                        " bytes (query.max_statement_bytes is " +
                        std::to_string(impl_->options.max_statement_bytes) + ")");
    }
    MemoryReservation memory = NewReservation();
    QUANTA_RETURN_IF_ERROR(memory.Grow(
        static_cast<int64_t>(sql.size()) * sql::kParseBytesPerInputByte, "parsing the statement"));
    auto parsed = sql::Parse(sql);
    if (!parsed.ok()) return fail(parsed.error());
    auto* select = std::get_if<sql::SelectStmt>(&parsed.value());
    if (!select) return fail(SubmitError("coverage needs a SELECT query"));
    auto table = impl_->Table(select->table);
    if (!table.ok()) return table.error();
    auto bound = exec::AnalyzeSelect(*select, *table, impl_->analyzer_options());
    if (!bound.ok()) return fail(bound.error());
    if (Status listed = impl_->ListAllPartitions(&*bound); !listed.ok()) return fail(listed);
    auto plan = exec::PlanSubQueries(*bound, impl_->planner_options());
    if (!plan.ok()) return fail(plan.error());
    std::vector<CoverageEntry> entries;
    const auto& t = **table;
    std::string field = t.quantum_column() >= 0 ? t.columns[t.quantum_column()].name : "";
    // Riak spread a coverage plan over the nodes holding the data; coordinators all reach all
    // of it, so the sub-queries go round the coordinators of cluster.peers (this one alone
    // without them), spreading a parallel extraction over them.
    const auto& peers = impl_->options.cluster_peers;
    for (const auto& sq : *plan) {
      CoverageEntry e;
      e.ip = impl_->options.advertised_pb_host;
      e.port = impl_->options.advertised_pb_port;
      if (!peers.empty()) {
        const std::string& peer = peers[entries.size() % peers.size()];
        const size_t colon = peer.rfind(':');  // HOST:PORT, checked when the key was read
        e.ip = peer.substr(0, colon);
        if (e.ip.size() >= 2 && e.ip.front() == '[') e.ip = e.ip.substr(1, e.ip.size() - 2);
        e.port = static_cast<uint16_t>(std::stoi(peer.substr(colon + 1)));
      }
      e.cover_context = exec::EncodeCoverContext(t.name, sq);
      e.field_name = field;
      e.lower_bound = sq.start.value_or(0);
      e.lower_bound_inclusive = sq.start_inclusive;
      e.upper_bound = sq.end.value_or(0);
      e.upper_bound_inclusive = sq.end_inclusive;
      e.desc = t.name + " / " + field + (e.lower_bound_inclusive ? " >= " : " > ") +
               std::to_string(e.lower_bound) + " and " + field +
               (e.upper_bound_inclusive ? " <= " : " < ") + std::to_string(e.upper_bound);
      entries.push_back(std::move(e));
    }
    return entries;
  }();
  impl_->Finish(Op::kCoverage, r.ok() ? Status::OK() : r.error(), start);
  return r;
}

Result<schema::TableDefPtr> TsService::FindTable(std::string_view table) const {
  auto hold = impl_->Enter();
  if (!hold.ok) return Impl::Closed();
  return impl_->Table(table);
}

std::vector<schema::TableDefPtr> TsService::ListTables() const {
  auto hold = impl_->Enter();
  if (!hold.ok) return {};
  return impl_->catalog->List();
}

void TsService::AdmitQuery(QueryGate::Done done) {
  // A refusal (overload, or the queue timeout on the gate's timer thread) is this request's
  // answer: count and log it with the caller's transport and peer.
  const auto start = Clock::now();
  const RequestContext caller = CurrentRequest();
  Impl* impl = impl_.get();
  impl_->gate.AdmitAsync(
      impl_->QueryDeadline(start),
      [impl, start, transport = caller.transport, peer = std::string(caller.peer),
       done = std::move(done)](Result<QuerySlot> slot) {
        if (!slot.ok()) {
          ScopedRequest context(transport, peer);
          impl->Finish(Op::kQuery, slot.error(), start);
        }
        done(std::move(slot));
      });
}

MemoryReservation TsService::NewReservation() {
  return MemoryReservation(&impl_->memory, impl_->options.request_memory_limit_bytes);
}
MemoryAccount& TsService::memory() { return impl_->memory; }
QueryGate& TsService::gate() { return impl_->gate; }

const ServiceOptions& TsService::options() const { return impl_->options; }

std::string TsService::StatsJson() {
  const storage::StoreStats storage = impl_->store->Stats();
  return impl_->stats.ToJson(&storage);
}

std::string TsService::TableRowsJson(
    const std::function<Status(const std::string& table)>& authorize) {
  auto hold = impl_->Enter();
  std::string out = "{\"tables\":[";
  if (hold.ok) {
    bool first = true;
    for (const schema::TableDefPtr& table : impl_->catalog->List()) {
      if (!first) out += ',';
      first = false;
      out += "{\"name\":" + JsonQuote(table->name) + ",\"rows\":";
      Result<storage::RowEstimate> estimate = Status(ErrorCode::kGeneric, "not allowed");
      if (!authorize || authorize(table->name).ok()) {
        estimate = impl_->store->EstimateRows(*table, storage::RowEstimateLimits{});
      }
      if (!estimate.ok()) {
        out += "null}";
        continue;
      }
      out += std::to_string(estimate->rows);
      out += estimate->exact ? ",\"exact\":true" : ",\"exact\":false";
      out += estimate->at_least ? ",\"at_least\":true}" : ",\"at_least\":false}";
    }
  }
  out += "]}";
  return out;
}

std::string TsService::MetricsText() {
  const storage::StoreStats storage = impl_->store->Stats();
  MetricsInputs in;
  in.stats = &impl_->stats;
  in.storage = &storage;
  in.queries_running = impl_->gate.running();
  in.queries_queued = impl_->gate.waiting();
  in.query_slots = impl_->options.max_concurrent_queries;
  in.query_queue_capacity = impl_->options.query_queue_length;
  in.query_overloads = impl_->gate.overloads();
  in.query_queue_timeouts = impl_->gate.timeouts();
  in.list_keys_streams = impl_->list_keys_running.load();
  in.memory_used_bytes = impl_->memory.used();
  in.memory_peak_bytes = impl_->memory.peak();
  in.memory_limit_bytes = impl_->memory.limit();
  in.memory_refusals = impl_->memory.refusals();
  return RenderMetrics(in);
}

RuntimeLimits TsService::runtime_limits() const {
  RuntimeLimits l;
  l.query_timeout_ms = impl_->query_timeout_ms.load();
  l.max_returned_data_size = impl_->max_returned_data_size.load();
  l.slow_query_ms = impl_->slow_query_ms.load();
  return l;
}

void TsService::SetRuntimeLimits(const RuntimeLimits& limits) {
  impl_->query_timeout_ms.store(limits.query_timeout_ms);
  impl_->max_returned_data_size.store(limits.max_returned_data_size);
  impl_->slow_query_ms.store(limits.slow_query_ms);
}
Stats& TsService::stats() { return impl_->stats; }
AdminCommands& TsService::admin() { return impl_->admin; }
security::Security& TsService::security() { return *impl_->security; }
storage::Store& TsService::store() { return *impl_->store; }

Status TsService::RunLifecycle() {
  auto hold = impl_->Enter();
  if (!hold.ok) return Impl::Closed();
  return impl_->Lifecycle();
}

Status TsService::Close() {
  // The lifecycle thread first: it holds the service shared while it works.
  if (impl_->lifecycle) impl_->lifecycle->Stop();
  std::unique_lock lock(impl_->life_mu);
  if (impl_->closed) return Status::OK();
  impl_->closed = true;
  Status st = impl_->store->Flush();
  impl_->store->WatchMeta({}).IgnoreError();  // no more calls into the catalog or security
  // Their retry threads (after a failed read) read the store: they end before it goes.
  impl_->catalog->StopRefresh();
  impl_->security->StopRefresh();
  impl_->store.reset();
  return st;
}

}  // namespace quanta::service
