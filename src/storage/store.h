// Store: the one storage interface everything above src/storage uses (docs/architecture.md).
//
// The store keeps rows of time-series tables, each identified by its local key (LK) and placed
// in a partition = (table, partition-key values with the quantum applied). Writes are upserts by
// LK (last write wins). Reads are point gets by LK and range scans inside one partition, which
// return rows in LK order (DESC columns descending) as columnar batches.
//
// The store also keeps small metadata records (the catalog) under string keys.
//
// Thread safety: all methods may be called concurrently from many threads.
// Errors: I/O failures -> kIoError, undecodable stored bytes -> kCorruption, a write refused
// because the data directory's file system is (nearly) full -> kNoSpace with the message
// "disk full" (no path). Reads keep working on a full disk; writes resume by themselves once
// free space is back above StoreOptions::min_free_space_bytes.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/value.h"
#include "schema/table_def.h"
#include "storage/batch.h"

namespace quanta::storage {

// What the engine does above its backend (the backend has its own options).
struct StoreOptions {
  bool sync = false;             // fsync every acknowledged write (group-committed)
  // Rows per sealed chunk at most (a partition's head rows are cut into chunks of about this
  // size, balanced). 256 .. 65536.
  size_t chunk_rows = 8192;
  // A partition's head rows are sealed into chunks once there are chunk_rows of them, or once
  // the partition has had no write for this long (0 = only when chunk_rows are waiting).
  int seal_idle_ms = 1000;
  // Partitions the background sealer seals at once (0 = chosen by the backend: 1 on a local
  // backend, where a seal is CPU work; 4 on one that other processes share, where a seal is
  // mostly waiting for a read and a write over the network). 1 .. 64.
  int seal_threads = 0;
  // False keeps every row in the head (the row store of format 1; tests compare both).
  bool sealing = true;
};

// What the store is doing, for operators, benchmarks and tests.
struct StoreStats {
  // Engine
  uint64_t head_rows = 0;            // rows written but not sealed yet (known to the sealer)
  uint64_t seals = 0;                // partition seals since open
  uint64_t rows_sealed = 0;          // head rows (and tombstones) folded into chunks since open
  uint64_t chunks_written = 0;       // since open
  uint64_t rows_direct = 0;          // rows a put wrote as chunks at once, not to the head
  uint64_t seal_failures = 0;        // seals that failed (retried later), since open
  uint64_t seal_conflicts = 0;       // seals another coordinator raced (retried later), since open
  uint64_t partitions_expired = 0;   // partitions removed whole by DropExpired, since open
  uint64_t chunks_deleted = 0;       // chunks deleted unread by DeleteRange/DropExpired
  uint64_t space_reclaims = 0;       // key ranges compacted by ReclaimSpace, since open
  // Backend
  bool writable = true;              // false while writes are refused for lack of space
  bool read_only = false;            // opened read-only (full disk at start); reopens by itself
  uint64_t free_bytes = 0;           // free bytes on the data directory's file system
  uint64_t sst_bytes = 0;            // bytes the backend's data takes on disk
  uint64_t sorted_runs = 0;          // L0 files + non-empty levels: files a range scan merges
  uint64_t flush_bytes_written = 0;       // since open
  uint64_t compaction_bytes_written = 0;  // since open (RocksDB's and the idle-time merges)
  uint64_t idle_compactions = 0;          // full merges run by the idle-time maintenance
  uint64_t compactions = 0;               // compactions finished since open
  uint64_t compactions_running = 0;       // now
  uint64_t compaction_pending_bytes = 0;  // estimated bytes compactions still have to rewrite
};

// An estimate of a table's row count (Store::EstimateRows).
struct RowEstimate {
  uint64_t rows = 0;
  // Every chunk record and head entry of the table was counted: `rows` is the count, except
  // that a row upserted over a sealed row counts twice until the next seal of its partition
  // folds the head into the chunks (within storage.seal_idle of the last write).
  bool exact = false;
  // Not exact, and the store could not extrapolate (a backend without ApproximateRangeBytes):
  // `rows` is what was counted, a lower bound.
  bool at_least = false;
  // The work done: chunk records and head entries read, and bytes of their values.
  uint64_t records_read = 0;
  uint64_t bytes_read = 0;
};

// How much EstimateRows reads of one table. Each key space is read from its start: at least
// a sample of records, then on until the backend can size what was read precisely enough to
// compare it with the rest (a few hundred KiB on disk), and never more than max_bytes in all.
// The defaults bound a call to 16 MiB and some milliseconds however big the table is.
struct RowEstimateLimits {
  size_t sample_chunks = 64;          // chunk records (each holds up to chunk_rows rows)
  size_t sample_head_entries = 8192;  // head entries
  uint64_t max_bytes = 16ull << 20;   // bytes of values read, chunks and head entries together
};

// A range inside one partition.
//
// `partition` holds one value per partition-key element, in PK order, with the quantum element
// already floored to its quantum start. The local key of every row in a partition starts with the
// non-quantum PK columns (equal to the partition values), then, for tables with a quantum, the
// quantum column t. `time_lo`/`time_hi` bound t (only for tables with a quantum); without them
// the whole partition is scanned.
struct ScanRange {
  Row partition;
  std::optional<int64_t> time_lo;
  bool time_lo_inclusive = true;
  std::optional<int64_t> time_hi;
  bool time_hi_inclusive = false;
};

// A condition on one column that every row the caller keeps meets: the column compared with
// a constant typed like it (a comparison with NULL is never true), or IS [NOT] NULL.
struct ColumnBound {
  enum class Op : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe, kIsNull, kIsNotNull };
  int column = -1;  // table column
  Op op = Op::kEq;
  Value value;      // the constant of a comparison
};

struct ScanOptions {
  std::vector<bool> columns;   // which table columns to fill (empty = all)
  // Conditions the caller's filter implies (all of them hold for every row it keeps). A
  // cursor may leave out a sealed chunk whose statistics (min, max, NULL count) show that no
  // row of it meets them all; the rows it returns are not checked against them. Empty: none.
  std::vector<ColumnBound> skip_unless;
  // Rows per batch for rows read one by one; a batch of rows from one sealed chunk holds the
  // chunk's rows in the range, up to StoreOptions::chunk_rows.
  size_t batch_rows = 1024;
  // Set by the caller to stop a scan early (checked between batches): Next then returns false
  // with an empty batch, as if the range were exhausted (the caller knows why it stopped).
  const std::atomic<bool>* cancelled = nullptr;
  // The caller accepts summary batches (batch.h): for a run of rows that all lie in the range,
  // the cursor may return their per-column statistics instead of their values. Set by the
  // executor only for aggregates that the statistics answer exactly (no GROUP BY, no residual
  // filter, COUNT(*) or COUNT/SUM/AVG/MIN/MAX of plain columns). A cursor is free to ignore it.
  bool allow_summaries = false;
  // The caller reads VARCHAR/BLOB columns in dictionary form too (batch.h): the cursor may hand
  // a column over as dictionary + codes when it holds it that way (a sealed chunk's
  // dictionary-encoded column, a partition-key column). Within one batch a column is either
  // wholly in dictionary form or wholly plain. A cursor is free to ignore it.
  bool allow_dictionary = false;
};

// Produces the rows of one ScanRange as batches, in local-key order (summary batches, when
// allowed, stand for their rows at their place in that order).
class ScanCursor {
 public:
  virtual ~ScanCursor() = default;
  // Fills `batch` with the next rows (batch->Reset is done by the cursor). Returns false when
  // the range is exhausted (batch then has 0 rows), or an error.
  virtual Result<bool> Next(RowBatch* batch) = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Writes all rows in one atomic batch (all or nothing), durable once it returns OK if
  // StoreOptions::sync. REQUIRES: every row passed schema::RowIsValid(table, row).
  // On a backend that applies a batch per partition (RADOS) each partition's rows are written
  // or not as a whole: when some partitions failed and others were kept, kPut "Failed to put
  // N record(s)" (N rows not written; the cause in detail()); when all failed, the cause.
  virtual Status Put(const schema::TableDef& table, std::span<const Row> rows) = 0;

  // Row with local key `key` (values in LK order, natural - not DESC-transformed - values), or
  // nullopt. REQUIRES: key.size() == table.local_key.size() and each value matches its column.
  virtual Result<std::optional<Row>> Get(const schema::TableDef& table, const Row& key) = 0;

  // Deletes the row with this local key. Returns false if no such row existed.
  virtual Result<bool> Delete(const schema::TableDef& table, const Row& key) = 0;

  // A cursor over one partition range. The cursor may outlive neither the store nor `table`.
  virtual Result<std::unique_ptr<ScanCursor>> Scan(const schema::TableDef& table,
                                                   const ScanRange& range,
                                                   const ScanOptions& options) = 0;

  // Calls `sink` with batches of local keys (natural values, LK order within a key) of every
  // row of the table, until done or `sink` returns an error (which is returned). In storage
  // order: partition by partition (with time slices, slice by slice), local-key order within
  // one, as Riak promised no order either.
  virtual Status ListKeys(const schema::TableDef& table,
                          const std::function<Status(std::vector<Row>&&)>& sink) = 0;

  // The partitions of a table with a quantum that may hold rows whose quantum start lies in
  // [quantum_lo, quantum_hi]: one Row per partition (one value per PK element, the quantum
  // element floored), in key order, at most `max` + 1 of them (more than `max` tells the
  // caller that the range has too many), plus, in `*steps`, the seeks the walk took. A
  // partition holding only deleted rows may be listed (its scan returns nothing). The walk
  // seeks from partition to partition without reading rows; it gives up with kQuantaLimit
  // after `max_steps` seeks (tables with very many series outside the range).
  // The default answers kInvalidArgument: a store that cannot list partitions.
  virtual Result<std::vector<Row>> ListPartitions(const schema::TableDef& table,
                                                  int64_t quantum_lo, int64_t quantum_hi,
                                                  size_t max, size_t max_steps) {
    return Status(ErrorCode::kInvalidArgument, "this store cannot list partitions");
  }
  // An estimate of the table's row count whose work is bounded by `limits`, not by the
  // table's size (for a console page or a planner, not for answers). The engine counts the
  // chunk records (their headers carry row counts) and head entries (rows, minus tombstones)
  // from the start of the table (RowEstimateLimits); a table read to its end is counted
  // exactly (see RowEstimate::exact). Otherwise it extrapolates each key space from the
  // backend's approximate size of the rest of it (Backend::ApproximateRangeBytes) at the rows
  // per byte of what it read: right within a small factor when the table's rows are alike
  // (the first partitions stand for the rest), worse when row sizes vary much between series
  // or over time.
  // The default answers kInvalidArgument: a store that cannot estimate.
  virtual Result<RowEstimate> EstimateRows(const schema::TableDef& table,
                                           const RowEstimateLimits& limits) {
    (void)table;
    (void)limits;
    return Status(ErrorCode::kInvalidArgument, "this store cannot estimate row counts");
  }

  // Tells the store a table exists (catalog load, CREATE TABLE), so that background work can
  // act on its rows (sealing head rows into chunks). A table the store was never told about
  // is still read and written correctly; its head rows are sealed once it is attached.
  virtual void AttachTable(const schema::TableDef& table) = 0;

  // Deletes every row of a table (DROP TABLE). The bytes leave the disk with the next
  // ReclaimSpace.
  virtual Status DropTableData(const schema::TableDef& table) = 0;

  // Deletes the rows of one partition range (a range DELETE; the range needs time bounds for
  // a table with a quantum, else the whole partition goes). Chunks wholly inside the range are
  // deleted unread, a chunk straddling a bound is rewritten without the rows inside. Atomic
  // (with time slices: slice by slice, each atomic).
  virtual Status DeleteRange(const schema::TableDef& table, const ScanRange& range) = 0;

  // Removes every partition of `table` whose whole quantum lies at or before the cutoff (ms
  // of the quantum column) that `cutoff` returns: expiry, by whole partitions (chunks and head
  // entries). `cutoff` is asked again under each partition's write lock, and the partition is
  // kept unless the answer is still at least the first one: an ALTER TABLE that ends expiry
  // while the pass runs, and the rows written after it, are never removed. At most
  // `max_partitions` per call; returns how many were removed. Each is removed atomically.
  using ExpiryCutoffFn = std::function<std::optional<int64_t>()>;
  virtual Result<uint64_t> DropExpired(const schema::TableDef& table,
                                       const ExpiryCutoffFn& cutoff, size_t max_partitions) = 0;

  // Compacts the key ranges emptied by DropTableData, DeleteRange and DropExpired since the
  // last call, so that their bytes leave the disk. Quick when there is nothing to do; meant
  // for a background thread.
  virtual Status ReclaimSpace() = 0;

  // Metadata records (catalog). Keys are arbitrary strings.
  virtual Status PutMeta(const std::string& key, const std::string& value) = 0;
  virtual Result<std::optional<std::string>> GetMeta(const std::string& key) = 0;
  // Several records at once, atomically: a value puts the key, nullopt deletes it.
  virtual Status UpdateMeta(
      const std::vector<std::pair<std::string, std::optional<std::string>>>& changes) = 0;
  // UpdateMeta, applied only if every key of `expects` holds the value given (nullopt: the key
  // is absent), checked atomically with the write against other processes sharing the store
  // (coordinators on one RADOS pool): kConflict when one does not hold. A store one process
  // owns applies it as UpdateMeta (its caller serializes its own writers).
  virtual Status UpdateMetaIf(
      const std::vector<std::pair<std::string, std::optional<std::string>>>& changes,
      const std::vector<std::pair<std::string, std::optional<std::string>>>& expects) {
    (void)expects;
    return UpdateMeta(changes);
  }
  // Calls `changed` (on a storage thread; it must not block) when another process may have
  // changed the metadata records: `announced` is true for another process's NotifyMeta, false
  // when announcements may have been missed (see Backend::WatchShared). Stores one process
  // owns never call it.
  virtual Status WatchMeta(std::function<void(bool announced)> changed) {
    (void)changed;
    return Status::OK();
  }
  // Tells the other processes sharing the store that the metadata records changed.
  virtual void NotifyMeta() {}
  // All (key, value) pairs whose key starts with `prefix`, in key order.
  virtual Result<std::vector<std::pair<std::string, std::string>>> ListMeta(
      const std::string& prefix) = 0;

  // Flushes memtables to disk (clean shutdown / tests). Durability does not depend on it.
  virtual Status Flush() = 0;

  // Seals every head row into chunks, then compacts the backend. Expensive; for bulk loads,
  // tests and benchmarks (the store also does both by itself when writes pause).
  virtual Status Compact() = 0;

  // A consistent copy of everything (rows and catalog) as of one moment while writes go on, in
  // the new directory `dir`, openable as a data directory (Backend::Checkpoint): every Put
  // acknowledged before the call is in it, every Put is in it whole or not at all.
  virtual Status Checkpoint(const std::string& dir) {
    (void)dir;
    return Status(ErrorCode::kInvalidArgument, "this store cannot take a checkpoint");
  }

  // Approximate bytes on disk for all tables.
  virtual uint64_t ApproximateDiskBytes() = 0;

  virtual StoreStats Stats() = 0;
};

class Backend;

// The storage engine (src/storage/engine) over `backend`: partitions of head rows and sealed
// columnar chunks. Refuses a backend written by a newer format (kInvalidArgument). Starts the
// background sealer (StoreOptions::sealing).
Result<std::unique_ptr<Store>> OpenStore(std::unique_ptr<Backend> backend,
                                         const StoreOptions& options);

}  // namespace quanta::storage
