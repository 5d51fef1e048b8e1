#include "storage/backend/rocksdb_backend.h"

#include <rocksdb/cache.h>
#include <rocksdb/convenience.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/iterator.h>
#include <rocksdb/listener.h>
#include <rocksdb/metadata.h>
#include <rocksdb/options.h>
#include <rocksdb/statistics.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>
#include <rocksdb/utilities/checkpoint.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <limits>
#include <mutex>
#include <numeric>
#include <thread>

#include <sys/statvfs.h>


namespace quanta::storage {

namespace {

// The client-facing error for a refused write (the service adds what failed to it).
Status NoSpace() { return Status(ErrorCode::kNoSpace, "disk full"); }

bool IsOutOfSpace(const rocksdb::Status& s) {
  return s.IsNoSpace() ||
         (s.code() == rocksdb::Status::kIOError && s.subcode() == rocksdb::Status::kSpaceLimit);
}

Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  // RocksDB's message names files; a full disk is reported without them.
  if (IsOutOfSpace(s)) return NoSpace();
  std::string msg = "storage: " + std::string(what) + ": " + s.ToString();
  if (s.IsCorruption()) return Status(ErrorCode::kCorruption, std::move(msg));
  return Status(ErrorCode::kIoError, std::move(msg));
}

rocksdb::Slice ToSlice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }
std::string_view ToView(const rocksdb::Slice& s) { return std::string_view(s.data(), s.size()); }

bool Supported(rocksdb::CompressionType t) {
  static const std::vector<rocksdb::CompressionType> supported =
      rocksdb::GetSupportedCompressions();
  return t == rocksdb::kNoCompression ||
         std::find(supported.begin(), supported.end(), t) != supported.end();
}

// The first codec of `prefs` this librocksdb supports.
rocksdb::CompressionType Pick(std::initializer_list<rocksdb::CompressionType> prefs) {
  for (auto t : prefs) {
    if (Supported(t)) return t;
  }
  return rocksdb::kNoCompression;
}

// Free bytes for unprivileged writers on the file system holding `dir`; max when unknown (a
// failing statvfs must not stop writes).
uint64_t FreeBytes(const std::string& dir) {
  struct statvfs st{};
  if (::statvfs(dir.c_str(), &st) != 0) return std::numeric_limits<uint64_t>::max();
  return static_cast<uint64_t>(st.f_bavail) * static_cast<uint64_t>(st.f_frsize);
}

// Bytes of write-ahead log in `dir` (replayed, and flushed by a read-write open).
uint64_t WalBytes(const std::string& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".log") total += e.file_size(ec);
  }
  return total;
}

// Counts the bytes flushes and compactions write, and notes background errors (a flush or
// compaction that failed stops RocksDB's writes until DB::Resume()).
class Counters final : public rocksdb::EventListener {
 public:
  void OnFlushCompleted(rocksdb::DB*, const rocksdb::FlushJobInfo& info) override {
    const auto& tp = info.table_properties;
    flush_bytes.fetch_add(tp.data_size + tp.index_size + tp.filter_size, std::memory_order_relaxed);
  }
  void OnCompactionCompleted(rocksdb::DB*, const rocksdb::CompactionJobInfo& info) override {
    compaction_bytes.fetch_add(info.stats.total_output_bytes, std::memory_order_relaxed);
    compactions.fetch_add(1, std::memory_order_relaxed);
  }
  void OnBackgroundError(rocksdb::BackgroundErrorReason, rocksdb::Status* error) override {
    if (error != nullptr && !error->ok()) background_error.store(true, std::memory_order_relaxed);
  }

  std::atomic<uint64_t> flush_bytes{0};
  std::atomic<uint64_t> compaction_bytes{0};
  std::atomic<uint64_t> compactions{0};
  std::atomic<bool> background_error{false};
};

Result<rocksdb::Options> MakeOptions(const RocksDbOptions& so) {
  rocksdb::Options o;
  o.create_if_missing = true;
  // RocksDB's info log lives in the data directory: keep it small (a full disk is our concern).
  o.keep_log_file_num = 4;
  o.max_log_file_size = 16 << 20;
  // Background flushes and compactions; the machine is shared, so stay modest.
  int cores = static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
  o.IncreaseParallelism(std::min(cores, 8));
  o.write_buffer_size = std::max<size_t>(so.write_buffer_mb, 1) << 20;
  o.max_write_buffer_number = 4;
  o.level_compaction_dynamic_level_bytes = true;
  // RocksDB's default, made explicit: the store pauses compactions that might not fit on disk.
  o.max_compaction_bytes = o.target_file_size_base * 25;
  o.bytes_per_sync = 1 << 20;
  o.wal_bytes_per_sync = 0;
  // No fallocate: RocksDB would reserve each WAL in blocks of 1.1 write buffers (35 MiB by
  // default), which du counts as data, 35 bytes per row after a load of 1M rows.
  o.allow_fallocate = false;
  // Concurrent writers: the WAL write of one group overlaps the memtable insert of the previous.
  o.enable_pipelined_write = true;
  // Put sorts each batch by key; a single memtable writer can then reuse its skip-list splice
  // from one key to the next, which concurrent inserts cannot. Measured with quanta_bench:
  // 1.75 instead of 3.2 CPU-s per 1M rows on layout A, and ~1M rows/s in-process.
  o.allow_concurrent_memtable_write = false;
  // Whole-key bloom in the memtable: Delete's existence check and Get on recent keys.
  o.memtable_whole_key_filtering = true;
  o.memtable_prefix_bloom_size_ratio = 0.02;

  using rocksdb::CompressionType;
  if (so.compression == "zstd") {
    o.compression = Pick({rocksdb::kLZ4Compression, rocksdb::kSnappyCompression});
    o.bottommost_compression =
        Pick({rocksdb::kZSTD, rocksdb::kLZ4Compression, rocksdb::kSnappyCompression});
  } else if (so.compression == "lz4") {
    o.compression = Pick({rocksdb::kLZ4Compression, rocksdb::kSnappyCompression});
  } else if (so.compression == "snappy") {
    o.compression = Pick({rocksdb::kSnappyCompression, rocksdb::kLZ4Compression});
  } else if (so.compression == "none") {
    o.compression = rocksdb::kNoCompression;
  } else {
    return Status(ErrorCode::kInvalidArgument,
                  "storage: unknown compression '" + so.compression +
                      "' (expected zstd, lz4, snappy or none)");
  }

  rocksdb::BlockBasedTableOptions t;
  t.block_cache = rocksdb::NewLRUCache(std::max<size_t>(so.block_cache_mb, 1) << 20);
  t.cache_index_and_filter_blocks = true;
  t.pin_l0_filter_and_index_blocks_in_cache = true;
  t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  t.whole_key_filtering = true;
  t.block_size = 16 << 10;
  t.format_version = 5;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  return o;
}

// ---- Store ----------------------------------------------------------------------------------

// Closes and deletes a DB once its last user (the store or a scan cursor) lets go of it.
struct CloseDb {
  void operator()(rocksdb::DB* db) const {
    db->Close().PermitUncheckedError();
    delete db;
  }
};
using DbPtr = std::shared_ptr<rocksdb::DB>;

// A RocksDB snapshot, released (on the DB it came from) with the object.
class RocksSnapshot final : public Snapshot {
 public:
  RocksSnapshot(DbPtr db_in, const rocksdb::Snapshot* s) : db(std::move(db_in)), snapshot(s) {}
  ~RocksSnapshot() override { db->ReleaseSnapshot(snapshot); }
  DbPtr db;
  const rocksdb::Snapshot* snapshot;
};

class RocksIterator final : public Iterator {
 public:
  RocksIterator(DbPtr db, const rocksdb::Snapshot* snapshot, const IteratorOptions& o)
      : db_(std::move(db)), lower_(o.lower), upper_(o.upper) {
    rocksdb::ReadOptions ro;
    ro.snapshot = snapshot;
    ro.fill_cache = o.fill_cache;
    ro.adaptive_readahead = true;
    if (!upper_.empty()) {
      upper_slice_ = ToSlice(upper_);
      ro.iterate_upper_bound = &upper_slice_;
    }
    if (!lower_.empty()) {
      lower_slice_ = ToSlice(lower_);
      ro.iterate_lower_bound = &lower_slice_;
    }
    it_.reset(db_->NewIterator(ro));
  }
  void Seek(std::string_view target) override {
    if (target < std::string_view(lower_)) target = lower_;
    it_->Seek(ToSlice(target));
  }
  bool Valid() const override { return it_->Valid(); }
  void Next() override { it_->Next(); }
  std::string_view key() const override { return ToView(it_->key()); }
  std::string_view value() const override { return ToView(it_->value()); }
  Status status() const override {
    rocksdb::Status s = it_->status();
    return s.ok() ? Status::OK() : FromRocks(s, "read");
  }

 private:
  DbPtr db_;  // must outlive it_ (the backend may swap its DB meanwhile)
  std::string lower_, upper_;
  rocksdb::Slice lower_slice_, upper_slice_;  // must outlive it_ (ReadOptions keeps pointers)
  std::unique_ptr<rocksdb::Iterator> it_;
};

// Headroom a read-write open needs beyond the WAL it flushes: a new MANIFEST, OPTIONS, LOG.
constexpr uint64_t kOpenHeadroom = 4 << 20;

class RocksDbBackend final : public Backend {
 public:
  RocksDbBackend(const RocksDbOptions& options, rocksdb::Options rocks_options,
               std::shared_ptr<Counters> counters, DbPtr db, bool read_only)
      : options_(options),
        reserve_(ReserveFor(options)),
        rocks_options_(std::move(rocks_options)),
        counters_(std::move(counters)),
        db_(std::move(db)),
        read_only_(read_only) {
    sync_options_.sync = true;
    maintenance_ = std::thread([this] { MaintenanceLoop(); });
  }

  ~RocksDbBackend() override {
    {
      std::lock_guard lock(maintenance_mu_);
      stopping_ = true;
    }
    maintenance_cv_.notify_all();
    // A running idle-time compaction must not hold up shutdown: abort it (the data stays valid).
    if (!read_only_.load()) Db()->DisableManualCompaction();
    maintenance_.join();
    db_.store(nullptr);  // closes it unless a (stray) cursor still holds it
  }

  Status Write(const WriteBatch& batch, bool sync) override {
    if (batch.empty()) return Status::OK();
    rocksdb::WriteBatch wb(batch.data_bytes() + batch.count() * 16 + 32);
    for (const auto& e : batch.entries()) {
      rocksdb::Status s;
      switch (e.op) {
        case WriteBatch::Op::kPut: s = wb.Put(ToSlice(batch.key(e)), ToSlice(batch.value(e))); break;
        case WriteBatch::Op::kDelete: s = wb.Delete(ToSlice(batch.key(e))); break;
        case WriteBatch::Op::kDeleteRange:
          s = wb.DeleteRange(ToSlice(batch.key(e)), ToSlice(batch.value(e)));
          break;
        case WriteBatch::Op::kExpect:  // one process owns the directory (backend.h, Guards)
          break;
      }
      if (!s.ok()) return FromRocks(s, "write");
    }
    QUANTA_RETURN_IF_ERROR(DoWrite(sync ? sync_options_ : write_options_, &wb, "write"));
    NoteWrite(batch.data_bytes());
    return Status::OK();
  }

  Result<std::optional<std::string>> Get(std::string_view key,
                                         const Snapshot* snapshot) override {
    DbPtr db = Db();
    rocksdb::ReadOptions ro;
    if (snapshot != nullptr) {
      const auto* snap = static_cast<const RocksSnapshot*>(snapshot);
      db = snap->db;
      ro.snapshot = snap->snapshot;
    }
    std::string value;
    rocksdb::Status s = db->Get(ro, ToSlice(key), &value);
    if (s.IsNotFound()) return std::optional<std::string>();
    if (!s.ok()) return FromRocks(s, "get");
    return std::optional<std::string>(std::move(value));
  }

  std::unique_ptr<Iterator> NewIterator(const IteratorOptions& options,
                                        const Snapshot* snapshot) override {
    DbPtr db = Db();
    const rocksdb::Snapshot* snap = nullptr;
    if (snapshot != nullptr) {
      const auto* rs = static_cast<const RocksSnapshot*>(snapshot);
      db = rs->db;
      snap = rs->snapshot;
    }
    return std::make_unique<RocksIterator>(std::move(db), snap, options);
  }

  std::unique_ptr<Snapshot> NewSnapshot() override {
    DbPtr db = Db();
    const rocksdb::Snapshot* snap = db->GetSnapshot();
    return std::make_unique<RocksSnapshot>(std::move(db), snap);
  }

  Status Flush() override {
    if (read_only_.load()) return Status::OK();  // nothing unflushed was written since open
    rocksdb::FlushOptions fo;
    fo.wait = true;
    rocksdb::Status s = Db()->Flush(fo);
    if (!s.ok()) return FromRocks(s, "flush");
    return Status::OK();
  }

  // rocksdb::Checkpoint: the live SST files are hard-linked (copied across file systems), the
  // memtables flushed first so that no write-ahead log needs copying; the result is a
  // consistent point: a prefix of the committed batches, never part of one.
  Status Checkpoint(const std::string& dir) override {
    DbPtr db = Db();
    rocksdb::Checkpoint* raw = nullptr;
    rocksdb::Status s = rocksdb::Checkpoint::Create(db.get(), &raw);
    if (!s.ok()) return FromRocks(s, "checkpoint");
    std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
    // log_size_for_flush 0: always flush, so the copy holds SST files only (when read-only,
    // RocksDB copies the logs instead).
    s = checkpoint->CreateCheckpoint(dir, 0);
    if (!s.ok()) return FromRocks(s, "checkpoint into " + dir);
    return Status::OK();
  }

  uint64_t ApproximateDiskBytes() override {
    DbPtr db = Db();
    uint64_t sst = 0;
    db->GetIntProperty(rocksdb::DB::Properties::kTotalSstFilesSize, &sst);
    uint64_t wal = 0;
    rocksdb::VectorLogPtr files;
    if (db->GetSortedWalFiles(files).ok()) {
      for (const auto& f : files) wal += f->SizeFileBytes();
    }
    return sst + wal;
  }

  std::optional<uint64_t> ApproximateRangeBytes(std::string_view begin,
                                                std::string_view end) override {
    DbPtr db = Db();
    // The files' share from their index blocks, the memtables' from a sample of their entries:
    // both without reading the data.
    rocksdb::SizeApproximationOptions o;
    o.include_files = true;
    o.include_memtables = true;
    rocksdb::Range range(ToSlice(begin), ToSlice(end));
    uint64_t bytes = 0;
    if (!db->GetApproximateSizes(o, db->DefaultColumnFamily(), &range, 1, &bytes).ok()) {
      return std::nullopt;
    }
    return bytes;
  }

  Status Compact() override {
    return FullMerge(rocksdb::BottommostLevelCompaction::kForceOptimized);
  }

  // Everything merged into one sorted run at the bottom level. kForce also rewrites a file
  // that only moved down, which drops the tombstones it holds (kForceOptimized leaves it).
  Status FullMerge(rocksdb::BottommostLevelCompaction bottom) {
    if (read_only_.load()) return NoSpace();
    DbPtr db = Db();
    // A full merge writes a second copy of everything before it deletes the first.
    uint64_t sst = 0;
    db->GetIntProperty(rocksdb::DB::Properties::kTotalSstFilesSize, &sst);
    if (FreeBytes(options_.data_dir) < sst + reserve_) return NoSpace();
    rocksdb::Status s = db->Flush(rocksdb::FlushOptions());
    if (!s.ok()) return FromRocks(s, "flush");
    rocksdb::CompactRangeOptions co;
    co.bottommost_level_compaction = bottom;
    s = db->CompactRange(co, nullptr, nullptr);
    if (!s.ok()) return FromRocks(s, "compact");
    return Status::OK();
  }

  Status CompactRange(std::string_view begin, std::string_view end) override {
    if (read_only_.load()) return NoSpace();
    DbPtr db = Db();
    // The files of the range are rewritten before the old ones go.
    rocksdb::Range range(ToSlice(begin), ToSlice(end));
    uint64_t bytes = 0;
    if (!db->GetApproximateSizes(&range, 1, &bytes).ok()) bytes = 0;
    if (FreeBytes(options_.data_dir) < bytes + reserve_) return NoSpace();
    rocksdb::Slice b = ToSlice(begin), e = ToSlice(end);
    rocksdb::CompactRangeOptions co;
    co.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForceOptimized;
    rocksdb::Status s = db->CompactRange(co, &b, &e);
    if (!s.ok()) return FromRocks(s, "compact");
    return Status::OK();
  }

  BackendStats Stats() override {
    BackendStats st;
    st.read_only = read_only_.load();
    st.free_bytes = FreeBytes(options_.data_dir);
    st.writable = !st.read_only && !refusing_.load(std::memory_order_relaxed);
    st.flush_bytes_written = counters_->flush_bytes.load();
    st.compaction_bytes_written = counters_->compaction_bytes.load();
    st.idle_compactions = idle_compactions_.load();
    st.compactions = counters_->compactions.load();
    DbPtr db = Db();
    uint64_t v = 0;
    if (db->GetIntProperty(rocksdb::DB::Properties::kNumRunningCompactions, &v)) {
      st.compactions_running = v;
    }
    if (db->GetIntProperty(rocksdb::DB::Properties::kEstimatePendingCompactionBytes, &v)) {
      st.compaction_pending_bytes = v;
    }
    Shape shape = ShapeOf(*db);
    st.disk_bytes = ApproximateDiskBytes();
    st.sorted_runs = shape.runs;
    return st;
  }

 private:
  using Clock = std::chrono::steady_clock;

  DbPtr Db() const { return db_.load(); }

  // Every write goes through here: it is refused, before RocksDB sees it, while the file system
  // has less than min_free_space_bytes free (counting writes in flight). RocksDB 7.8 as Debian
  // ships it has assertions on, and a write-ahead-log append that fails for lack of space
  // leaves a writer that aborts the process when it is used again (the `sync_without_flush_
  // called_` assertion); refusing early keeps RocksDB from ever failing that way.
  Status DoWrite(const rocksdb::WriteOptions& wo, rocksdb::WriteBatch* batch,
               const std::string& what) {
    if (read_only_.load()) return NoSpace();
    // The WAL record plus slack for its block headers (the memtable's later flush output and
    // compactions are what the reserve is for).
    const uint64_t need = batch->GetDataSize() + 4096;
    const uint64_t before = pending_bytes_.fetch_add(need, std::memory_order_relaxed);
    struct Pending {
      std::atomic<uint64_t>& n;
      uint64_t bytes;
      ~Pending() { n.fetch_sub(bytes, std::memory_order_relaxed); }
    } pending{pending_bytes_, need};
    const uint64_t free = FreeEstimate();
    // Once refusing, writes stay refused until a margin above the reserve is free again, so
    // that a small write does not slip in where a larger one was just refused and the answer
    // does not flap with every page a flush frees.
    const uint64_t margin = refusing_.load(std::memory_order_relaxed) ? reserve_ / 8 : 0;
    if (free < reserve_ + margin + before + need) {
      refusing_.store(true, std::memory_order_relaxed);
      return NoSpace();
    }
    refusing_.store(false, std::memory_order_relaxed);
    written_since_statvfs_.fetch_add(need, std::memory_order_relaxed);
    rocksdb::Status s = Db()->Write(wo, batch);
    if (!s.ok()) return FromRocks(s, what);
    return Status::OK();
  }

  // Free bytes: statvfs costs microseconds (4 us measured on ext4), as much as a small put, so
  // it is asked at most every kStatvfsIntervalMs while far from the reserve, and the bytes
  // written since are subtracted; within twice the reserve it is asked on every write.
  uint64_t FreeEstimate() {
    const int64_t now = Clock::now().time_since_epoch().count();
    const uint64_t cached = cached_free_.load(std::memory_order_relaxed);
    const uint64_t since = written_since_statvfs_.load(std::memory_order_relaxed);
    const uint64_t estimate = cached > since ? cached - since : 0;
    const int64_t age = now - cached_free_at_.load(std::memory_order_relaxed);
    if (age >= 0 &&
        age < std::chrono::duration_cast<Clock::duration>(
                  std::chrono::milliseconds(kStatvfsIntervalMs)).count() &&
        estimate / 2 >= reserve_) {
      return estimate;
    }
    const uint64_t free = FreeBytes(options_.data_dir);
    written_since_statvfs_.store(0, std::memory_order_relaxed);
    cached_free_.store(free, std::memory_order_relaxed);
    cached_free_at_.store(now, std::memory_order_relaxed);
    return free;
  }

  void NoteWrite(size_t bytes) {
    written_since_compaction_.fetch_add(bytes, std::memory_order_relaxed);
    last_write_ns_.store(Clock::now().time_since_epoch().count(), std::memory_order_relaxed);
  }

  // The LSM tree's shape in bytes on disk (the same unit for every level).
  struct Shape {
    uint64_t total = 0;
    uint64_t upper = 0;   // L0 and every level above the bottom non-empty one
    uint64_t bottom = 0;  // the bottom non-empty level (0 when all data is in L0)
    uint64_t runs = 0;    // sorted runs: one per L0 file, one per non-empty level below
  };
  static Shape ShapeOf(rocksdb::DB& db) {
    rocksdb::ColumnFamilyMetaData md;
    db.GetColumnFamilyMetaData(&md);
    Shape shape;
    int bottom = -1;
    for (const auto& level : md.levels) {
      if (level.level > 0 && level.size > 0) bottom = level.level;
    }
    for (const auto& level : md.levels) {
      shape.total += level.size;
      if (level.level == 0) {
        shape.runs += level.files.size();
        shape.upper += level.size;
      } else if (level.size > 0) {
        shape.runs += 1;
        if (level.level == bottom) {
          shape.bottom += level.size;
        } else {
          shape.upper += level.size;
        }
      }
    }
    return shape;
  }

  // Background maintenance, every tick:
  //  - a store opened read-only on a full disk reopens read-write once there is room;
  //  - after a background error (a flush or compaction that failed, e.g. for lack of space,
  //    stops RocksDB's writes) it calls DB::Resume() once free space is back;
  //  - RocksDB's own compactions are paused while a compaction might not fit in the free space
  //    above the reserve (no write stall follows: L0 stall triggers only apply while they run);
  //  - once writes have paused for idle_compaction_ms, it merges everything into one sorted
  //    run (the bottom level, strongest compression) when that pays, see IdleCompaction().
  void MaintenanceLoop() {
    const int tick_ms = options_.idle_compaction_ms > 0
                            ? std::clamp(options_.idle_compaction_ms / 4, 20, 500)
                            : 500;
    std::unique_lock lock(maintenance_mu_);
    while (!stopping_) {
      maintenance_cv_.wait_for(lock, std::chrono::milliseconds(tick_ms));
      if (stopping_) break;
      lock.unlock();
      const uint64_t free = FreeBytes(options_.data_dir);
      if (read_only_.load()) {
        TryReopenWritable(free);
      } else {
        if (counters_->background_error.load() && free >= reserve_) {
          counters_->background_error.store(false);
          rocksdb::Status s = Db()->Resume();
          if (!s.ok()) counters_->background_error.store(true);
        }
        PauseCompactionsIfNoRoom(free);
        if (options_.idle_compaction_ms > 0) IdleCompaction(free);
      }
      lock.lock();
    }
  }

  void TryReopenWritable(uint64_t free) {
    if (free < reserve_ + WalBytes(options_.data_dir) + kOpenHeadroom) {
      return;
    }
    rocksdb::DB* raw = nullptr;
    rocksdb::Status s = rocksdb::DB::Open(rocks_options_, options_.data_dir, &raw);
    if (!s.ok()) return;  // tried again next tick
    // Cursors on the read-only instance keep it (and the files it has open) until they finish.
    db_.store(DbPtr(raw, CloseDb()));
    read_only_.store(false);
  }

  void PauseCompactionsIfNoRoom(uint64_t free) {
    Shape shape = ShapeOf(*Db());
    // The largest compaction RocksDB may pick: every file at most, two max-sized ones at least.
    const uint64_t largest =
        std::min<uint64_t>(shape.total, 2 * rocks_options_.max_compaction_bytes);
    const bool pause = free < reserve_ + largest;
    if (pause == compactions_paused_) return;
    rocksdb::Status s =
        Db()->SetOptions({{"disable_auto_compactions", pause ? "true" : "false"}});
    if (s.ok()) compactions_paused_ = pause;
  }

  // Idle-time flush and full merge. A memtable holding at least a quarter of a write buffer
  // is flushed first: until then its rows are on disk twice over as the WAL, uncompressed
  // (21 bytes per row after a load of 1M benchmark rows, against 12 once flushed); smaller
  // bursts stay in the memtable, where a scan reads them from memory, and cost no flush.
  // The merge pays when the data above the bottom level (L0 files and the middle levels,
  // compared in bytes on disk like the bottom level) is at least a quarter of the bottom
  // level: a merge then rewrites at most five times the data it merges in, so its write
  // amplification stays bounded (about 5x) however small and frequent the bursts are.
  // Smaller increments are left to RocksDB's leveled compaction. Before anything reaches the
  // bottom level, data that is mostly tombstones is merged down too (MostlyTombstones).
  void IdleCompaction(uint64_t free) {
    if (written_since_compaction_.load(std::memory_order_relaxed) == 0) return;
    const auto idle = Clock::now().time_since_epoch().count() -
                      last_write_ns_.load(std::memory_order_relaxed);
    if (idle < std::chrono::duration_cast<Clock::duration>(
                   std::chrono::milliseconds(options_.idle_compaction_ms)).count()) {
      return;
    }
    written_since_compaction_.store(0, std::memory_order_relaxed);
    uint64_t memtable = 0;
    const uint64_t buffer = static_cast<uint64_t>(std::max<size_t>(options_.write_buffer_mb, 1))
                            << 20;
    if (Db()->GetIntProperty(rocksdb::DB::Properties::kCurSizeActiveMemTable, &memtable) &&
        memtable >= buffer / 4 && free >= reserve_ + memtable) {
      // A failure is the background error's to report; the pause after the next writes retries.
      (void)Flush();
    }
    Shape shape = ShapeOf(*Db());
    if (free < shape.total + reserve_) return;
    if (shape.runs >= 2 && shape.upper * kFullMergeRatio >= shape.bottom) {
      if (Compact().ok()) idle_compactions_.fetch_add(1, std::memory_order_relaxed);
    } else if (MostlyTombstones(*Db())) {
      // Data in L0 may only move down on the first pass (RocksDB compacts the levels that
      // held files when it started); the second rewrites it at the bottom.
      const auto force = rocksdb::BottommostLevelCompaction::kForce;
      if (FullMerge(force).ok() && (!MostlyTombstones(*Db()) || FullMerge(force).ok())) {
        idle_compactions_.fetch_add(1, std::memory_order_relaxed);
      }
    }
  }

  // Whether the SST files of which a quarter or more of the entries are point tombstones (at
  // least 4,096 of them in all) hold a quarter or more of the bytes: the sealer deletes the
  // head rows it folds into chunks, a flush keeps those deletes (66,000 of the 66,203 entries
  // of the file a 1M-row PB load flushes), and every scan of a head range steps over them
  // until a compaction at the bottom level drops them. Such a file does not stay in L0 for
  // that: into an empty tree RocksDB moves a flushed file to the bottom level as it is, a
  // moment after the flush, tombstones included. Weighed in bytes, as the full merge above:
  // with a large bottom level (chunks are few entries of many bytes), a merge for the sake of
  // a small file of tombstones would rewrite all of it; RocksDB's compactions carry those.
  static bool MostlyTombstones(rocksdb::DB& db) {
    rocksdb::TablePropertiesCollection props;
    if (!db.GetPropertiesOfAllTables(&props).ok()) return false;
    uint64_t bytes = 0, heavy_bytes = 0, heavy_deletions = 0;
    for (const auto& [file, p] : props) {
      const uint64_t b = p->data_size + p->index_size + p->filter_size;
      bytes += b;
      if (p->num_deletions * 4 >= p->num_entries) {
        heavy_bytes += b;
        heavy_deletions += p->num_deletions;
      }
    }
    return heavy_deletions >= 4096 && heavy_bytes * kFullMergeRatio >= bytes;
  }

  static constexpr uint64_t kFullMergeRatio = 4;

  // RocksDbOptions::min_free_space_bytes, but at least two memtables: two flushes may run at
  // once, and a flush that fills the disk while a write passes the check would leave that
  // write's WAL append failing (the asserting path). 0 turns the guard off.
  static uint64_t ReserveFor(const RocksDbOptions& o) {
    if (o.min_free_space_bytes == 0) return 0;
    return std::max<uint64_t>(o.min_free_space_bytes,
                              2 * (static_cast<uint64_t>(std::max<size_t>(o.write_buffer_mb, 1)) << 20));
  }

  const RocksDbOptions options_;
  const uint64_t reserve_;  // free bytes writes leave to RocksDB's background work
  const rocksdb::Options rocks_options_;
  const std::shared_ptr<Counters> counters_;
  std::atomic<DbPtr> db_;
  std::atomic<bool> read_only_;
  std::atomic<bool> refusing_{false};
  std::atomic<uint64_t> pending_bytes_{0};
  static constexpr int kStatvfsIntervalMs = 20;
  std::atomic<uint64_t> cached_free_{0};
  std::atomic<int64_t> cached_free_at_{0};
  std::atomic<uint64_t> written_since_statvfs_{0};
  rocksdb::WriteOptions write_options_;
  rocksdb::WriteOptions sync_options_;
  std::atomic<uint64_t> written_since_compaction_{0};
  std::atomic<int64_t> last_write_ns_{0};
  std::atomic<uint64_t> idle_compactions_{0};
  bool compactions_paused_ = false;  // maintenance thread only
  std::mutex maintenance_mu_;
  std::condition_variable maintenance_cv_;
  bool stopping_ = false;  // GUARDED_BY(maintenance_mu_)
  std::thread maintenance_;
};

}  // namespace

Result<std::unique_ptr<Backend>> OpenRocksDbBackend(const RocksDbOptions& options) {
  if (options.data_dir.empty()) {
    return Status(ErrorCode::kInvalidArgument, "storage: data directory not set");
  }
  std::error_code ec;
  std::filesystem::create_directories(options.data_dir, ec);
  if (ec) {
    return Status(ErrorCode::kIoError, "storage: cannot create data directory " +
                                           options.data_dir + ": " + ec.message());
  }
  QUANTA_ASSIGN_OR_RETURN(rocksdb::Options rocks_options, MakeOptions(options));
  auto counters = std::make_shared<Counters>();
  rocks_options.listeners.push_back(counters);

  // A read-write open writes a new MANIFEST and OPTIONS file and flushes the replayed WAL; on a
  // full disk RocksDB would fail (or abort) half-way. With too little room the store opens
  // read-only (reads work, writes get "disk full") and reopens read-write once there is room.
  const bool exists = std::filesystem::exists(
      std::filesystem::path(options.data_dir) / "CURRENT", ec);
  const uint64_t free = FreeBytes(options.data_dir);
  const uint64_t need = WalBytes(options.data_dir) + kOpenHeadroom;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s;
  if (free >= need) {
    s = rocksdb::DB::Open(rocks_options, options.data_dir, &raw);
    if (s.ok()) {
      return std::unique_ptr<Backend>(std::make_unique<RocksDbBackend>(
          options, rocks_options, counters, DbPtr(raw, CloseDb()), false));
    }
    if (!IsOutOfSpace(s)) return FromRocks(s, "open " + options.data_dir);
  }
  if (!exists) {
    return Status(ErrorCode::kNoSpace,
                  "storage: not enough free space to create a database in " +
                      options.data_dir + " (" + std::to_string(free >> 20) + " MiB free)");
  }
  s = rocksdb::DB::OpenForReadOnly(rocks_options, options.data_dir, &raw);
  if (!s.ok()) return FromRocks(s, "open " + options.data_dir + " read-only (disk full)");
  return std::unique_ptr<Backend>(std::make_unique<RocksDbBackend>(
      options, rocks_options, counters, DbPtr(raw, CloseDb()), true));
}

}  // namespace quanta::storage
