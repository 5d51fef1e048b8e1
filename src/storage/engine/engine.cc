// The storage engine: partitions of head rows and sealed columnar chunks over a Backend.
//
// Keys (docs/formats/key_encoding.md):
//   0x00 | name                         metadata (the catalog)
//   0x01 | table id | P | S             head row: row value (docs/formats/row_encoding.md), or
//                                       an empty value = tombstone (hides a sealed row)
//   0x02 | table id | P | S_last        chunk record (docs/formats/chunk.md): the rows of P
//                                       from S_first to S_last, columnar and compressed
//   0x03 | "format"                     the storage format ("2")
// where P is the partition (partition-key values, quantum floored) and S a local key's suffix
// (LK[p..]). Head keys are exactly the row store's keys of format 1, so a data directory
// written by it opens as one whose rows are all in the head; the sealer then folds them into
// chunks in the background.
//
// Invariants:
//  - The chunks of a partition are disjoint key ranges [S_first, S_last], keyed by S_last, so
//    a forward seek to P|S finds the only chunk that may hold S.
//  - A head entry wins over a chunk row with the same key (a row replaces it, a tombstone
//    hides it). A tombstone exists only while a chunk may hold its key.
//  - Sealing a partition happens under its stripe lock held exclusively; puts and deletes of
//    that partition hold it shared. Sealing reads the partition's head entries and the chunks
//    they overlap, and replaces them with new chunks in one atomic backend batch, so a reader
//    (who reads through one snapshot) sees either the old or the new state, and a crash leaves
//    one of them.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <limits>
#include <mutex>
#include <numeric>
#include <shared_mutex>
#include <thread>
#include <cstdlib>
#include <unordered_map>
#include <unordered_set>

#include "common/coding.h"
#include "storage/backend/backend.h"
#include "storage/engine/chunk.h"
#include "storage/engine/lifecycle.h"
#include "storage/engine/partition.h"
#include "storage/engine/put_outcome.h"
#include "storage/engine/row_estimate.h"
#include "storage/engine/scan_cursor.h"
#include "storage/engine/seal.h"
#include "storage/engine/slices.h"
#include "storage/key_codec.h"
#include "storage/row_codec.h"
#include "storage/store.h"

namespace quanta::storage {

namespace {

using namespace internal;

using Clock = std::chrono::steady_clock;

constexpr size_t kStripes = 64;
// Reads of one Get, or of a ListKeys call without progress, before a kConflict is returned
// (see Get).
constexpr int kReadAttempts = 16;
// The format record, 0x03 "format" -> "2" = head rows + chunks (0x03 keys are the engine's own
// records, apart from the catalog's metadata). A directory without it was written by the row
// store (format 1), whose keys are head keys of format 2.
constexpr std::string_view kFormatKey("\x03" "format", 7);
constexpr int kFormatVersion = 2;

// ---- Engine ---------------------------------------------------------------------------------

class Engine final : public Store, public KeySplitter {
 public:
  Engine(std::unique_ptr<Backend> backend, const StoreOptions& options)
      : backend_(std::move(backend)), options_(options) {
    options_.chunk_rows = std::clamp<size_t>(options_.chunk_rows, 256, 65536);
    seal_threads_ = options_.seal_threads > 0 ? std::min(options_.seal_threads, 64)
                                              : (backend_->shared_by_processes() ? 4 : 1);
    backend_->SetKeySplitter(this);
    if (options_.sealing) sealer_ = std::thread([this] { SealerLoop(); });
  }

  ~Engine() override {
    {
      std::lock_guard lock(sealer_mu_);
      stopping_ = true;
    }
    sealer_cv_.notify_all();
    if (sealer_.joinable()) sealer_.join();
  }

  Status Put(const schema::TableDef& table, std::span<const Row> rows) override {
    LayoutPtr l = Layout(table);
    std::vector<std::string> keys(rows.size());
    size_t key_bytes = 0;
    for (size_t i = 0; i < rows.size(); ++i) {
      const Row& row = rows[i];
      // The caller validates; checking again costs little next to the write and keeps a bad
      // row from reaching the codecs (which assume the representation matches the type).
      if (!schema::RowIsValid(table, row)) {
        return Status(ErrorCode::kInvalidArgument, "storage: invalid row " + std::to_string(i) +
                                                       " for table " + table.name);
      }
      keys[i] = l->keys.EncodeRow(row);
      key_bytes += keys[i].size();
    }
    // Insert in key order: memtable inserts of neighbouring keys are much cheaper than the
    // arrival order (batches usually come time-major, keys are series-major). The sort is
    // stable, so of two rows with the same key the later one still wins.
    std::vector<uint32_t> order(rows.size());
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(),
                     [&](uint32_t a, uint32_t b) { return keys[a] < keys[b]; });
    // Partitions of the batch (consecutive in key order), for the stripe locks and the sealer;
    // `begin[p]` is partition p's first position in `order`.
    std::vector<PartitionCount> parts;
    std::vector<size_t> begin;
    for (size_t n = 0; n < order.size(); ++n) {
      const std::string& key = keys[order[n]];
      if (parts.empty() || !key.starts_with(parts.back().prefix)) {
        size_t len = l->keys.PartitionPrefixLength(key);
        parts.push_back({key.substr(0, len), 0});
        begin.push_back(n);
      }
      parts.back().rows++;
    }
    begin.push_back(order.size());
    // A partition receiving many rows at once may take them as chunks straight away (seal.h,
    // "Direct chunks"), which needs its stripe exclusively. Not with sealing off (every row
    // stays in the head) nor on a backend that other processes write.
    const bool may_direct = options_.sealing && !backend_->shared_by_processes();
    const size_t direct_rows = may_direct ? options_.chunk_rows / 2 : 0;
    bool direct = false;
    for (const auto& p : parts) direct = direct || (direct_rows > 0 && p.rows >= direct_rows);
    StripeLocks locks(this, parts, /*exclusive=*/direct);
    WriteBatch batch;
    if (!direct) batch.Reserve(rows.size(), 2 * key_bytes);
    // Values are encoded only for the rows that go to the head, not for direct chunks.
    std::string value;
    // Where each partition's entries start in `batch`. They all lie within the partition's
    // keys, so a backend that applies a batch per partition applies them all or none.
    std::vector<size_t> first_entry(parts.size());
    // Per partition: chunks written directly and their rows (0, 0: its rows go to the head).
    std::vector<std::pair<size_t, uint64_t>> direct_chunks(parts.size());
    for (size_t p = 0; p < parts.size(); ++p) {
      first_entry[p] = batch.count();
      const std::span<const uint32_t> part(order.data() + begin[p], begin[p + 1] - begin[p]);
      if (direct && part.size() >= direct_rows) {
        uint64_t direct_rows_written = 0;
        QUANTA_ASSIGN_OR_RETURN(size_t written,
                                AppendDirectChunks(*backend_, *l, parts[p].prefix, keys, rows,
                                                   part, options_.chunk_rows, &batch,
                                                   &direct_rows_written));
        if (written > 0) {
          direct_chunks[p] = {written, direct_rows_written};
          continue;
        }
      }
      for (uint32_t i : part) {
        value.clear();
        l->values.Encode(rows[i], &value);
        batch.Put(keys[i], value);
      }
    }
    std::vector<bool> applied;
    Status st = backend_->WriteReporting(batch, options_.sync, &applied);
    // After a failure, only the partitions a backend applying a batch per partition kept
    // anyway (put_outcome.h).
    std::vector<PartitionCount> head_parts;
    size_t written = 0, chunks = 0;
    uint64_t direct_rows_written = 0;
    for (size_t p = 0; p < parts.size(); ++p) {
      if (!st.ok() && !(first_entry[p] < applied.size() && applied[first_entry[p]])) continue;
      written += parts[p].rows;
      chunks += direct_chunks[p].first;
      direct_rows_written += direct_chunks[p].second;
      if (direct_chunks[p].first == 0) head_parts.push_back(std::move(parts[p]));
    }
    if (chunks > 0) {
      chunks_written_.fetch_add(chunks, std::memory_order_relaxed);
      rows_direct_.fetch_add(direct_rows_written, std::memory_order_relaxed);
    }
    NoteHeadRows(l, head_parts);
    if (!st.ok()) return FailedPut(st, rows.size(), written);
    return Status::OK();
  }

  // The partition of a key, for a backend that stores partitions apart (backend.h).
  KeyPlacement Place(std::string_view key) const override {
    LayoutPtr l;
    if (key.size() >= 5 && (key[0] == kRowPrefix || key[0] == kChunkPrefix)) {
      std::shared_lock lock(layouts_mu_);
      auto it = layouts_.find(coding::DecodeFixed32BE(key.data() + 1));
      if (it != layouts_.end()) l = it->second;
    }
    return PlaceKey(key, l.get());
  }

  Result<std::optional<Row>> Get(const schema::TableDef& table, const Row& lk) override {
    // A seal between the read of the head and of the chunks (kConflict, from a backend with
    // per-partition snapshots) is met by reading again.
    for (int attempt = 1;; ++attempt) {
      auto r = GetOnce(table, lk);
      if (r.ok() || r.status().code() != ErrorCode::kConflict || attempt == kReadAttempts) {
        return r;
      }
    }
  }

  Result<std::optional<Row>> GetOnce(const schema::TableDef& table, const Row& lk) {
    LayoutPtr l = Layout(table);
    QUANTA_ASSIGN_OR_RETURN(std::string key, l->keys.EncodeLocalKey(lk));
    auto snapshot = backend_->NewSnapshot();
    QUANTA_ASSIGN_OR_RETURN(auto head, backend_->Get(key, snapshot.get()));
    Row row(table.columns.size());
    for (size_t i = 0; i < table.local_key.size(); ++i) row[table.local_key[i].column] = lk[i];
    if (head) {
      if (IsTombstone(*head)) return std::optional<Row>();
      if (!l->values.Decode(*head, &row).ok()) return Corrupt("row value", table.name);
      return std::optional<Row>(std::move(row));
    }
    QUANTA_ASSIGN_OR_RETURN(auto found, FindInChunk(*backend_, *l, key, snapshot.get()));
    if (!found) return std::optional<Row>();
    const auto& [batch, i] = *found;
    for (size_t c = 0; c < row.size(); ++c) {
      if (row[c].is_null()) row[c] = batch.columns[c].Get(i);
    }
    return std::optional<Row>(std::move(row));
  }

  Result<bool> Delete(const schema::TableDef& table, const Row& lk) override {
    LayoutPtr l = Layout(table);
    QUANTA_ASSIGN_OR_RETURN(std::string key, l->keys.EncodeLocalKey(lk));
    const size_t prefix_len = l->keys.PartitionPrefixLength(key);
    std::vector<PartitionCount> parts{{key.substr(0, prefix_len), 1}};
    StripeLocks locks(this, parts, /*exclusive=*/false);
    QUANTA_ASSIGN_OR_RETURN(auto head, backend_->Get(key));
    if (head && IsTombstone(*head)) return false;
    // With the stripe held no seal runs on this partition: the chunks stay as they are.
    QUANTA_ASSIGN_OR_RETURN(auto in_chunk, FindInChunk(*backend_, *l, key, nullptr));
    if (!head && !in_chunk) return false;
    WriteBatch batch;
    if (in_chunk) {
      batch.Put(key, "");  // a tombstone hides the sealed row until the next seal
    } else {
      batch.Delete(key);
    }
    QUANTA_RETURN_IF_ERROR(backend_->Write(batch, options_.sync));
    if (in_chunk) NoteHeadRows(l, parts);
    return true;
  }

  Result<std::unique_ptr<ScanCursor>> Scan(const schema::TableDef& table, const ScanRange& range,
                                           const ScanOptions& options) override {
    LayoutPtr l = Layout(table);
    if (l->slices == 1) return ScanPartition(l, range, options);
    // One partition per time slice of the quantum, read one after the other (slices.h).
    return ConcatCursor(SliceRanges(*l, range), [this, l, options](const ScanRange& slice) {
      return ScanPartition(l, slice, options);
    });
  }

  // A scan of one of the engine's partitions (a quantum, or a slice of one).
  Result<std::unique_ptr<ScanCursor>> ScanPartition(const LayoutPtr& l, const ScanRange& range,
                                                    const ScanOptions& options) {
    QUANTA_ASSIGN_OR_RETURN(std::string prefix, l->keys.EncodePartition(range.partition));
    std::string lower = prefix;
    std::string upper = PrefixSuccessor(prefix);
    TimeBounds bounds;
    if (l->keys.has_quantum() && (range.time_lo || range.time_hi)) {
      bounds = BoundsOf(range);
      // In key order the start of the range is the smallest t (ASC) or the largest t (DESC).
      const bool desc = l->keys.time_desc();
      const std::optional<int64_t>& first = desc ? bounds.hi : bounds.lo;
      const std::optional<int64_t>& last = desc ? bounds.lo : bounds.hi;
      if (first) AppendKeyInt(*first, desc, &lower);
      if (last) {
        std::string bound = prefix;
        AppendKeyInt(*last, desc, &bound);
        upper = PrefixSuccessor(bound);
      }
    }
    return NewScanCursor(*backend_, l, prefix, range.partition, bounds, options, std::move(lower),
                         std::move(upper));
  }

  Status ListKeys(const schema::TableDef& table,
                  const std::function<Status(std::vector<Row>&&)>& sink) override {
    LayoutPtr l = Layout(table);
    std::vector<Row> out;
    out.reserve(kListKeysBatch);
    // After kConflict (a seal met between reads of one partition, see Get), the walk resumes
    // after the last key it took.
    std::string after;
    for (int attempt = 1;; ++attempt) {
      const std::string before = after;
      Status st = ListKeysAfter(*backend_, *l, &after, &out, sink);
      if (st.code() != ErrorCode::kConflict) return st;
      if (after != before) {
        attempt = 0;  // progress: it is conflicts in a row that are bounded
      } else if (attempt == kReadAttempts) {
        return st;
      }
    }
  }

  Result<std::vector<Row>> ListPartitions(const schema::TableDef& table, int64_t quantum_lo,
                                          int64_t quantum_hi, size_t max,
                                          size_t max_steps) override {
    // A seal met during the listing (kConflict, as in Get) is met by listing again: the
    // listing reads keys only and starts from scratch each time.
    LayoutPtr l = Layout(table);
    auto list = [&](int64_t lo, int64_t hi, size_t n, size_t steps) -> Result<std::vector<Row>> {
      for (int attempt = 1;; ++attempt) {
        auto r = ListPartitionsIn(*backend_, *l, lo, hi, n, steps);
        if (r.ok() || r.status().code() != ErrorCode::kConflict || attempt == kReadAttempts) {
          return r;
        }
      }
    };
    return ListTableQuanta(*l, quantum_lo, quantum_hi, max, max_steps, list);
  }

  Result<RowEstimate> EstimateRows(const schema::TableDef& table,
                                   const RowEstimateLimits& limits) override {
    // A seal met during the walk (kConflict, as in Get) is met by estimating again.
    for (int attempt = 1;; ++attempt) {
      auto r = EstimateTableRows(*backend_, *Layout(table), limits);
      if (r.ok() || r.status().code() != ErrorCode::kConflict || attempt == kReadAttempts) {
        return r;
      }
    }
  }

  void AttachTable(const schema::TableDef& table) override {
    LayoutPtr l = Layout(table);
    if (!options_.sealing) return;
    std::lock_guard lock(sealer_mu_);
    if (discovered_.insert(table.id).second) discover_.push_back(l);
    sealer_cv_.notify_all();
  }

  Status DropTableData(const schema::TableDef& table) override {
    std::string lower = TablePrefix(table.id);
    std::string upper = PrefixSuccessor(lower);
    WriteBatch batch;
    batch.DeleteRange(lower, upper);
    batch.DeleteRange(ChunkKeyOf(lower), ChunkKeyOf(upper));
    // Every stripe exclusively (in stripe order, as StripeLocks): a seal of one of the table's
    // partitions that read its rows before the drop would write them back as chunks after it.
    std::vector<std::unique_lock<std::shared_mutex>> stripes;
    stripes.reserve(kStripes);
    for (auto& stripe : stripes_) stripes.emplace_back(stripe);
    QUANTA_RETURN_IF_ERROR(backend_->Write(batch, options_.sync));
    {
      std::lock_guard lock(reclaim_mu_);
      reclaim_.emplace_back(lower, upper);
      reclaim_.emplace_back(ChunkKeyOf(lower), ChunkKeyOf(upper));
    }
    std::lock_guard lock(dirty_mu_);
    for (auto it = dirty_.begin(); it != dirty_.end();) {
      it = it->second.layout->table.id == table.id ? dirty_.erase(it) : std::next(it);
    }
    return Status::OK();
  }

  Status DeleteRange(const schema::TableDef& table, const ScanRange& range) override {
    LayoutPtr l = Layout(table);
    for (const ScanRange& slice : SliceRanges(*l, range)) {
      QUANTA_RETURN_IF_ERROR(DeletePartitionRange(l, slice));
    }
    return Status::OK();
  }

  // A range deletion in one of the engine's partitions (atomic).
  Status DeletePartitionRange(const LayoutPtr& l, const ScanRange& range) {
    QUANTA_ASSIGN_OR_RETURN(std::string prefix, l->keys.EncodePartition(range.partition));
    std::string lower, upper;
    if (!KeyBoundsOf(*l, prefix, range, &lower, &upper)) return Status::OK();
    StripeLocks locks(this, {{prefix, 0}}, /*exclusive=*/true);
    WriteBatch batch;
    RangeDeletion done;
    QUANTA_RETURN_IF_ERROR(AppendRangeDeletion(*backend_, *l, prefix, lower, upper,
                                               options_.chunk_rows, &batch, &done));
    if (batch.empty()) return Status::OK();
    QUANTA_RETURN_IF_ERROR(backend_->Write(batch, options_.sync));
    chunks_deleted_.fetch_add(done.chunks_deleted, std::memory_order_relaxed);
    std::lock_guard lock(reclaim_mu_);
    reclaim_.emplace_back(lower, upper);
    reclaim_.emplace_back(ChunkKeyOf(lower), ChunkKeyOf(PrefixSuccessor(prefix)));
    return Status::OK();
  }

  Result<uint64_t> DropExpired(const schema::TableDef& table, const ExpiryCutoffFn& cutoff,
                               size_t max_partitions) override {
    LayoutPtr l = Layout(table);
    const std::optional<int64_t> first = cutoff();
    if (!first) return uint64_t{0};
    QUANTA_ASSIGN_OR_RETURN(std::vector<std::string> expired,
                            ExpiredPartitions(*backend_, *l, *first, max_partitions));
    uint64_t removed = 0;
    for (const std::string& prefix : expired) {
      StripeLocks locks(this, {{prefix, 0}}, /*exclusive=*/true);
      if (std::optional<int64_t> now = cutoff(); !now || *now < *first) break;  // see store.h
      WriteBatch batch;
      RangeDeletion done;
      QUANTA_RETURN_IF_ERROR(AppendRangeDeletion(*backend_, *l, prefix, prefix,
                                                 PrefixSuccessor(prefix), options_.chunk_rows,
                                                 &batch, &done));
      if (batch.empty()) continue;
      QUANTA_RETURN_IF_ERROR(backend_->Write(batch, options_.sync));
      chunks_deleted_.fetch_add(done.chunks_deleted, std::memory_order_relaxed);
      ++removed;
    }
    partitions_expired_.fetch_add(removed, std::memory_order_relaxed);
    if (removed > 0) {
      // One compaction of the table's keys, not one per partition.
      std::string lower = l->keys.table_prefix(), upper = PrefixSuccessor(lower);
      std::lock_guard lock(reclaim_mu_);
      reclaim_.emplace_back(lower, upper);
      reclaim_.emplace_back(ChunkKeyOf(lower), ChunkKeyOf(upper));
    }
    return removed;
  }

  Status ReclaimSpace() override {
    std::vector<std::pair<std::string, std::string>> todo;
    {
      std::lock_guard lock(reclaim_mu_);
      todo.swap(reclaim_);
    }
    std::sort(todo.begin(), todo.end());
    todo.erase(std::unique(todo.begin(), todo.end()), todo.end());
    for (size_t i = 0; i < todo.size(); ++i) {
      Status st = backend_->CompactRange(todo[i].first, todo[i].second);
      if (!st.ok()) {
        // Kept for the next call (a full disk frees up, an I/O error passes).
        std::lock_guard lock(reclaim_mu_);
        reclaim_.insert(reclaim_.end(), todo.begin() + static_cast<ptrdiff_t>(i), todo.end());
        return st;
      }
      space_reclaims_.fetch_add(1, std::memory_order_relaxed);
    }
    return Status::OK();
  }

  Status PutMeta(const std::string& key, const std::string& value) override {
    return UpdateMetaIf({{key, value}}, {});
  }

  Status UpdateMeta(
      const std::vector<std::pair<std::string, std::optional<std::string>>>& changes) override {
    return UpdateMetaIf(changes, {});
  }

  Status UpdateMetaIf(
      const std::vector<std::pair<std::string, std::optional<std::string>>>& changes,
      const std::vector<std::pair<std::string, std::optional<std::string>>>& expects) override {
    WriteBatch batch;
    for (const auto& [key, value] : expects) {
      // An absent key compares as the empty value (backend.h); metadata values are never empty.
      batch.Expect(MetaKey(key), value ? *value : std::string());
    }
    for (const auto& [key, value] : changes) {
      if (value) {
        batch.Put(MetaKey(key), *value);
      } else {
        batch.Delete(MetaKey(key));
      }
    }
    return backend_->Write(batch, /*sync=*/true);
  }

  Status WatchMeta(std::function<void(bool announced)> changed) override {
    return backend_->WatchShared(std::move(changed));
  }
  void NotifyMeta() override { backend_->NotifyShared(); }

  Result<std::optional<std::string>> GetMeta(const std::string& key) override {
    return backend_->Get(MetaKey(key));
  }

  Result<std::vector<std::pair<std::string, std::string>>> ListMeta(
      const std::string& prefix) override {
    IteratorOptions o;
    o.lower = MetaKey(prefix);
    o.upper = PrefixSuccessor(o.lower);
    auto it = backend_->NewIterator(o);
    std::vector<std::pair<std::string, std::string>> out;
    for (it->Seek(o.lower); it->Valid(); it->Next()) {
      out.emplace_back(std::string(it->key().substr(1)), std::string(it->value()));
    }
    QUANTA_RETURN_IF_ERROR(it->status());
    return out;
  }

  Status Flush() override { return backend_->Flush(); }
  Status Checkpoint(const std::string& dir) override { return backend_->Checkpoint(dir); }

  Status Compact() override {
    QUANTA_RETURN_IF_ERROR(SealAll());
    return backend_->Compact();
  }

  uint64_t ApproximateDiskBytes() override { return backend_->ApproximateDiskBytes(); }

  StoreStats Stats() override {
    BackendStats b = backend_->Stats();
    StoreStats st;
    st.writable = b.writable;
    st.read_only = b.read_only;
    st.free_bytes = b.free_bytes;
    st.sst_bytes = b.disk_bytes;
    st.sorted_runs = b.sorted_runs;
    st.flush_bytes_written = b.flush_bytes_written;
    st.compaction_bytes_written = b.compaction_bytes_written;
    st.compactions = b.compactions;
    st.compactions_running = b.compactions_running;
    st.compaction_pending_bytes = b.compaction_pending_bytes;
    st.idle_compactions = b.idle_compactions;
    {
      std::lock_guard lock(dirty_mu_);
      for (const auto& [prefix, d] : dirty_) st.head_rows += d.rows;
    }
    st.seals = seals_.load();
    st.rows_sealed = rows_sealed_.load();
    st.chunks_written = chunks_written_.load();
    st.rows_direct = rows_direct_.load();
    st.seal_failures = seal_failures_.load();
    st.seal_conflicts = seal_conflicts_.load();
    st.partitions_expired = partitions_expired_.load();
    st.chunks_deleted = chunks_deleted_.load();
    st.space_reclaims = space_reclaims_.load();
    return st;
  }

  // Writes the format record on first open; refuses a newer format.
  Status CheckFormat() {
    QUANTA_ASSIGN_OR_RETURN(auto format, backend_->Get(kFormatKey));
    if (format) {
      int version = std::atoi(format->c_str());
      if (version < 1 || version > kFormatVersion) {
        return Status(ErrorCode::kInvalidArgument,
                      "storage: the data directory has storage format " + *format +
                          ", this version of Quanta reads formats 1 to " +
                          std::to_string(kFormatVersion) + " (written by a newer Quanta?)");
      }
      if (version == kFormatVersion) return Status::OK();
    }
    // Format 1 (the row store) is format 2 with every row in the head: record the upgrade.
    WriteBatch batch;
    batch.Put(kFormatKey, std::to_string(kFormatVersion));
    return backend_->Write(batch, /*sync=*/true);
  }

 private:
  struct PartitionCount {
    std::string prefix;  // head key prefix: 0x01 | table id | P
    uint64_t rows = 0;
  };

  struct Dirty {
    LayoutPtr layout;
    uint64_t rows = 0;          // head entries written since the last seal (an estimate)
    int64_t last_write_ns = 0;  // steady clock
  };

  // Shared (put, delete) or exclusive (seal) locks on the stripes of some partitions, taken in
  // stripe order and released on destruction.
  class StripeLocks {
   public:
    StripeLocks(Engine* e, const std::vector<PartitionCount>& parts, bool exclusive)
        : e_(e), exclusive_(exclusive) {
      for (const auto& p : parts) stripes_.push_back(e->StripeOf(p.prefix));
      std::sort(stripes_.begin(), stripes_.end());
      stripes_.erase(std::unique(stripes_.begin(), stripes_.end()), stripes_.end());
      for (size_t s : stripes_) {
        if (exclusive_) {
          e_->stripes_[s].lock();
        } else {
          e_->stripes_[s].lock_shared();
        }
      }
    }
    ~StripeLocks() {
      for (size_t s : stripes_) {
        if (exclusive_) {
          e_->stripes_[s].unlock();
        } else {
          e_->stripes_[s].unlock_shared();
        }
      }
    }
    StripeLocks(const StripeLocks&) = delete;
    StripeLocks& operator=(const StripeLocks&) = delete;

   private:
    Engine* e_;
    bool exclusive_;
    std::vector<size_t> stripes_;
  };

  size_t StripeOf(std::string_view prefix) const {
    return std::hash<std::string_view>()(prefix) % kStripes;
  }

  LayoutPtr Layout(const schema::TableDef& table) {
    {
      std::shared_lock lock(layouts_mu_);
      auto it = layouts_.find(table.id);
      if (it != layouts_.end() && SameShape(it->second->table, table)) return it->second;
    }
    auto l = std::make_shared<const TableLayout>(table);
    std::unique_lock lock(layouts_mu_);
    layouts_[table.id] = l;
    return l;
  }

  static bool SameShape(const schema::TableDef& a, const schema::TableDef& b) {
    if (a.name != b.name || a.columns.size() != b.columns.size() ||
        a.local_key.size() != b.local_key.size() ||
        a.partition_key.size() != b.partition_key.size()) {
      return false;
    }
    for (size_t i = 0; i < a.columns.size(); ++i) {
      if (a.columns[i].type != b.columns[i].type || a.columns[i].nullable != b.columns[i].nullable) {
        return false;
      }
    }
    return true;
  }

  void NoteHeadRows(const LayoutPtr& l, const std::vector<PartitionCount>& parts) {
    if (!options_.sealing) return;
    const int64_t now = Clock::now().time_since_epoch().count();
    bool wake = false;
    {
      std::lock_guard lock(dirty_mu_);
      for (const auto& p : parts) {
        Dirty& d = dirty_[p.prefix];
        if (!d.layout) d.layout = l;
        d.rows += p.rows;
        d.last_write_ns = now;
        if (d.rows >= options_.chunk_rows) wake = true;
      }
    }
    if (wake) sealer_cv_.notify_all();
  }

  // ---- Sealing ------------------------------------------------------------------------------

  // One seal of a partition (seal.h) under its stripe held exclusively, written guarded by
  // what it read on a backend that other processes write too (RADOS coordinators): a seal that
  // raced another coordinator's seal, delete or upsert of this partition is not applied
  // (kConflict) and is tried again later. *more is set when entries were left for another call.
  Status Seal(const LayoutPtr& lp, const std::string& head_prefix, bool* more) {
    *more = false;
    StripeLocks locks(this, {{head_prefix, 0}}, /*exclusive=*/true);
    auto snapshot = backend_->NewSnapshot();
    const bool guard = backend_->shared_by_processes();
    SealPlan plan;
    QUANTA_RETURN_IF_ERROR(BuildSeal(*backend_, *snapshot, *lp, head_prefix, options_.chunk_rows,
                                     guard, &plan));
    *more = plan.more;
    if (plan.entries > 0 && guard) {
      Status st = backend_->WriteGuarded(plan.batch, options_.sync, *snapshot);
      if (st.code() == ErrorCode::kConflict) {
        // Another coordinator changed the partition meanwhile: it stays dirty, sealed later.
        seal_conflicts_.fetch_add(1, std::memory_order_relaxed);
        return Status::OK();
      }
      QUANTA_RETURN_IF_ERROR(st);
    } else if (plan.entries > 0) {
      QUANTA_RETURN_IF_ERROR(backend_->Write(plan.batch, options_.sync));
    }
    {
      std::lock_guard lock(dirty_mu_);
      if (*more) {
        auto it = dirty_.find(head_prefix);
        if (it != dirty_.end()) it->second.rows -= std::min<uint64_t>(it->second.rows, plan.entries);
      } else {
        dirty_.erase(head_prefix);
      }
    }
    if (plan.entries == 0) return Status::OK();
    seals_.fetch_add(1, std::memory_order_relaxed);
    rows_sealed_.fetch_add(plan.entries, std::memory_order_relaxed);
    chunks_written_.fetch_add(plan.chunks_written, std::memory_order_relaxed);
    return Status::OK();
  }

  // Seal(), repeated while it leaves entries behind.
  Status SealPartition(const LayoutPtr& l, const std::string& head_prefix) {
    bool more = true;
    while (more) {
      Status st = Seal(l, head_prefix, &more);
      if (st.code() == ErrorCode::kConflict) {  // a read met another coordinator's seal
        seal_conflicts_.fetch_add(1, std::memory_order_relaxed);
        return Status::OK();
      }
      QUANTA_RETURN_IF_ERROR(st);
      std::lock_guard lock(sealer_mu_);
      if (stopping_) break;
    }
    return Status::OK();
  }

  // Seals every partition known to have head entries (Compact, tests).
  Status SealAll() {
    std::vector<std::pair<LayoutPtr, std::string>> todo;
    DiscoverPending();
    {
      std::lock_guard lock(dirty_mu_);
      for (const auto& [prefix, d] : dirty_) todo.emplace_back(d.layout, prefix);
    }
    for (const auto& [l, prefix] : todo) {
      Status st = SealPartition(l, prefix);
      if (!st.ok()) {
        seal_failures_.fetch_add(1, std::memory_order_relaxed);
        return st;
      }
    }
    return Status::OK();
  }

  // Head entries written before this process started (or by the row store): found by walking
  // the head keys of each table once, in the background, after it is attached.
  void DiscoverPending() {
    // One discovery at a time: a caller (SealAll) that finds the list empty because the sealer
    // took it must wait until the sealer has noted what it found.
    std::lock_guard discovering(discover_mu_);
    std::vector<LayoutPtr> tables;
    {
      std::lock_guard lock(sealer_mu_);
      tables.swap(discover_);
    }
    for (const LayoutPtr& l : tables) {
      IteratorOptions o;
      o.lower = l->keys.table_prefix();
      o.upper = PrefixSuccessor(o.lower);
      o.fill_cache = false;
      auto it = backend_->NewIterator(o);
      std::vector<PartitionCount> parts;
      for (it->Seek(o.lower); it->Valid(); it->Next()) {
        std::string_view key = it->key();
        if (parts.empty() || !key.starts_with(parts.back().prefix)) {
          size_t len = l->keys.PartitionPrefixLength(key);
          if (len == 0) continue;  // undecodable: left for reads to report
          parts.push_back({std::string(key.substr(0, len)), 0});
        }
        parts.back().rows++;
      }
      std::lock_guard lock(dirty_mu_);
      for (const auto& p : parts) {
        Dirty& d = dirty_[p.prefix];
        if (!d.layout) d.layout = l;
        d.rows += p.rows;  // last_write_ns stays 0 (long idle) unless written since
      }
    }
  }

  void SealerLoop() {
    std::unique_lock lock(sealer_mu_);
    // After a seal timed out, sealing pauses (1 s, doubling up to kSealerMaxPauseMs): while
    // the backend does not answer (RADOS placement groups below min_size), every attempt
    // would hold its partition's stripe, and so the writes to it, for the whole operation
    // timeout, and sealing can wait.
    int64_t paused_until = 0;
    int64_t pause_ms = 0;
    while (!stopping_) {
      sealer_cv_.wait_for(lock, std::chrono::milliseconds(kSealerTickMs));
      if (stopping_) break;
      if (Clock::now().time_since_epoch().count() < paused_until) continue;
      lock.unlock();
      DiscoverPending();
      // Partitions due: enough head rows for a full chunk, or idle long enough.
      const int64_t now = Clock::now().time_since_epoch().count();
      const int64_t idle_ns = std::chrono::duration_cast<Clock::duration>(
                                  std::chrono::milliseconds(options_.seal_idle_ms)).count();
      std::vector<std::pair<LayoutPtr, std::string>> due;
      {
        std::lock_guard dl(dirty_mu_);
        for (const auto& [prefix, d] : dirty_) {
          if (d.rows >= options_.chunk_rows ||
              (options_.seal_idle_ms > 0 && now - d.last_write_ns >= idle_ns)) {
            due.emplace_back(d.layout, prefix);
          }
        }
      }
      if (!due.empty() && SealDue(due)) {
        pause_ms = 0;
      } else if (!due.empty()) {  // a seal timed out
        pause_ms = std::min<int64_t>(pause_ms == 0 ? 1000 : pause_ms * 2, kSealerMaxPauseMs);
        paused_until = Clock::now().time_since_epoch().count() +
                       std::chrono::duration_cast<Clock::duration>(
                           std::chrono::milliseconds(pause_ms)).count();
      }
      lock.lock();
    }
  }

  // Seals the partitions of `due`, seal_threads_ at once (the sealer thread and helpers it
  // starts for the round). False when a seal timed out: the partitions not begun are left for
  // a later round.
  bool SealDue(const std::vector<std::pair<LayoutPtr, std::string>>& due) {
    std::atomic<size_t> next{0};
    std::atomic<bool> timed_out{false};
    auto work = [&] {
      while (!timed_out.load(std::memory_order_relaxed)) {
        const size_t i = next.fetch_add(1, std::memory_order_relaxed);
        if (i >= due.size()) return;
        {
          std::lock_guard sl(sealer_mu_);
          if (stopping_) return;
        }
        Status st = SealPartition(due[i].first, due[i].second);
        if (st.ok()) continue;
        seal_failures_.fetch_add(1, std::memory_order_relaxed);
        if (st.code() == ErrorCode::kTimeout) timed_out.store(true, std::memory_order_relaxed);
      }
    };
    std::vector<std::thread> helpers;
    const size_t n = std::min<size_t>(static_cast<size_t>(seal_threads_), due.size());
    for (size_t t = 1; t < n; ++t) helpers.emplace_back(work);
    work();
    for (std::thread& h : helpers) h.join();
    return !timed_out.load();
  }

  static constexpr int kSealerTickMs = 100;
  static constexpr int64_t kSealerMaxPauseMs = 16000;

  std::unique_ptr<Backend> backend_;
  StoreOptions options_;
  std::shared_mutex stripes_[kStripes];

  mutable std::shared_mutex layouts_mu_;
  std::unordered_map<uint32_t, LayoutPtr> layouts_;

  std::mutex dirty_mu_;
  std::unordered_map<std::string, Dirty> dirty_;  // by head prefix

  std::mutex discover_mu_;  // held by DiscoverPending; taken before sealer_mu_ and dirty_mu_
  std::mutex sealer_mu_;
  std::condition_variable sealer_cv_;
  bool stopping_ = false;                      // GUARDED_BY(sealer_mu_)
  std::vector<LayoutPtr> discover_;            // GUARDED_BY(sealer_mu_)
  std::unordered_set<uint32_t> discovered_;    // GUARDED_BY(sealer_mu_)
  std::thread sealer_;
  int seal_threads_ = 1;  // partitions sealed at once (StoreOptions::seal_threads)

  std::atomic<uint64_t> seals_{0}, rows_sealed_{0}, chunks_written_{0}, seal_failures_{0};
  std::atomic<uint64_t> rows_direct_{0};
  std::atomic<uint64_t> seal_conflicts_{0};  // raced by another coordinator (retried later)
  std::atomic<uint64_t> partitions_expired_{0}, chunks_deleted_{0}, space_reclaims_{0};

  std::mutex reclaim_mu_;
  std::vector<std::pair<std::string, std::string>> reclaim_;  // GUARDED_BY(reclaim_mu_)
};

}  // namespace

Result<std::unique_ptr<Store>> OpenStore(std::unique_ptr<Backend> backend,
                                         const StoreOptions& options) {
  auto engine = std::make_unique<Engine>(std::move(backend), options);
  // A store opened read-only (full disk) cannot record the format; it is recorded later.
  Status st = engine->CheckFormat();
  if (!st.ok() && st.code() != ErrorCode::kNoSpace) return st;
  return std::unique_ptr<Store>(std::move(engine));
}

}  // namespace quanta::storage
