// The engine over a backend whose snapshots hold per partition (backend.h): reads through a
// snapshot may fail with kConflict (a seal met between two reads of a partition), and the
// engine must then resume scans, gets and key listings so that every row still comes back
// once, in order. A wrapper around RocksDB injects the conflicts every N reads.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <tuple>

#include "storage/backend/rocksdb_backend.h"
#include "storage/store.h"
#include "test_tables.h"

namespace quanta::storage {
namespace {

// Forwards to RocksDB; every `period`-th read step through a snapshot fails with kConflict.
class ConflictingBackend final : public Backend {
 public:
  explicit ConflictingBackend(std::unique_ptr<Backend> inner) : inner_(std::move(inner)) {}

  void Inject(int period) {
    period_ = period;
    countdown_ = period;
    conflicts_ = 0;
  }
  int conflicts() const { return conflicts_.load(); }

  // True when this step fails.
  bool Step() {
    if (period_ <= 0) return false;
    if (countdown_.fetch_sub(1) > 1) return false;
    countdown_ = period_;
    conflicts_++;
    return true;
  }

  Status Write(const WriteBatch& batch, bool sync) override { return inner_->Write(batch, sync); }
  Result<std::optional<std::string>> Get(std::string_view key,
                                         const Snapshot* snapshot = nullptr) override {
    if (snapshot != nullptr && Step()) return Status(ErrorCode::kConflict, "injected");
    return inner_->Get(key, snapshot);
  }
  std::unique_ptr<Iterator> NewIterator(const IteratorOptions& options,
                                        const Snapshot* snapshot = nullptr) override {
    auto it = inner_->NewIterator(options, snapshot);
    if (snapshot == nullptr) return it;
    return std::make_unique<FailingIterator>(this, std::move(it));
  }
  std::unique_ptr<Snapshot> NewSnapshot() override { return inner_->NewSnapshot(); }
  Status Flush() override { return inner_->Flush(); }
  Status Compact() override { return inner_->Compact(); }
  uint64_t ApproximateDiskBytes() override { return inner_->ApproximateDiskBytes(); }
  BackendStats Stats() override { return inner_->Stats(); }
  bool point_in_time_snapshots() const override { return false; }

 private:
  class FailingIterator final : public Iterator {
   public:
    FailingIterator(ConflictingBackend* b, std::unique_ptr<Iterator> it)
        : b_(b), it_(std::move(it)) {}
    void Seek(std::string_view target) override {
      if (!failed_) it_->Seek(target);
      failed_ = failed_ || b_->Step();
    }
    bool Valid() const override { return !failed_ && it_->Valid(); }
    void Next() override {
      if (!failed_) it_->Next();
      failed_ = failed_ || b_->Step();
    }
    std::string_view key() const override { return it_->key(); }
    std::string_view value() const override { return it_->value(); }
    Status status() const override {
      return failed_ ? Status(ErrorCode::kConflict, "injected") : it_->status();
    }

   private:
    ConflictingBackend* b_;
    std::unique_ptr<Iterator> it_;
    bool failed_ = false;
  };

  std::unique_ptr<Backend> inner_;
  int period_ = 0;
  std::atomic<int> countdown_{0};
  std::atomic<int> conflicts_{0};
};

class EngineConflictTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("quanta_conflict_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    RocksDbOptions ro;
    ro.data_dir = dir_.string();
    ro.min_free_space_bytes = 0;
    auto inner = OpenRocksDbBackend(ro);
    ASSERT_TRUE(inner.ok());
    auto backend = std::make_unique<ConflictingBackend>(std::move(inner).value());
    backend_ = backend.get();
    StoreOptions so;
    so.chunk_rows = 1024;  // the head writes below stay under it: no seal in the background
    so.seal_idle_ms = 0;  // seal only in Compact
    auto store = OpenStore(std::move(backend), so);
    ASSERT_TRUE(store.ok());
    store_ = std::move(store).value();
    table_ = testing::GeoTable(1);
    store_->AttachTable(table_);
    // 3,000 sealed rows (3 chunks), then upserts, new rows and deletes in the head, so
    // that scans merge head entries into chunks.
    std::vector<Row> rows;
    for (int i = 0; i < 3000; ++i) rows.push_back(RowAt(i * 100, "sealed"));
    { Status put = store_->Put(table_, rows); ASSERT_TRUE(put.ok()) << put.ToString(); }
    ASSERT_TRUE(store_->Compact().ok());
    rows.clear();
    for (int i = 0; i < 3000; i += 7) rows.push_back(RowAt(i * 100, "upsert"));
    for (int i = 0; i < 3000; i += 11) rows.push_back(RowAt(i * 100 + 50, "new"));
    { Status put = store_->Put(table_, rows); ASSERT_TRUE(put.ok()) << put.ToString(); }
    for (int i = 0; i < 3000; i += 13) {
      ASSERT_TRUE(store_->Delete(table_, {Value::Bytes("r"), Value::Bytes("s"),
                                          Value::Int(kBase + i * 100)}).ok());
    }
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  static constexpr int64_t kBase = 1000;  // timestamps are positive

  static Row RowAt(int64_t t, const std::string& weather) {
    return {Value::Bytes("r"), Value::Bytes("s"), Value::Int(kBase + t), Value::Bytes(weather),
            Value::Double(static_cast<double>(t))};
  }

  // (time, weather) of every row of the partition in [lo, hi], in the order scanned.
  std::vector<std::pair<int64_t, std::string>> ScanAll(size_t batch_rows, int64_t lo,
                                                       int64_t hi) {
    ScanRange r;
    r.partition = {Value::Bytes("r"), Value::Bytes("s"), Value::Int(0)};
    r.time_lo = lo;
    r.time_hi = hi;
    r.time_hi_inclusive = true;
    ScanOptions o;
    o.batch_rows = batch_rows;
    auto cursor = store_->Scan(table_, r, o);
    EXPECT_TRUE(cursor.ok());
    std::vector<std::pair<int64_t, std::string>> out;
    if (!cursor.ok()) return out;
    RowBatch b;
    while (true) {
      auto more = (*cursor)->Next(&b);
      EXPECT_TRUE(more.ok()) << more.status().ToString();
      if (!more.ok()) break;
      for (size_t i = 0; i < b.num_rows; ++i) {
        out.emplace_back(b.columns[2].ints[i], b.columns[3].strings[i]);
      }
      if (!*more) break;
    }
    return out;
  }

  std::filesystem::path dir_;
  ConflictingBackend* backend_ = nullptr;
  std::unique_ptr<Store> store_;
  schema::TableDef table_;
};

TEST_F(EngineConflictTest, ScansResumeAfterConflictsWithEveryRowOnce) {
  for (auto [lo, hi] : {std::pair<int64_t, int64_t>{0, 899999}, {12345, 250000}}) {
    for (size_t batch_rows : {size_t{64}, size_t{1000}}) {
      backend_->Inject(0);
      const auto want = ScanAll(batch_rows, lo, hi);
      ASSERT_GT(want.size(), 100u);
      // A batch is read again from its start after a conflict, so a period must leave room
      // for one batch: a merged chunk (about 1,000 rows here) with its ~900 head entries.
      for (int period : {1200, 1700, 2500}) {
        backend_->Inject(period);
        for (int repeat = 0; repeat < 3; ++repeat) {
          EXPECT_EQ(ScanAll(batch_rows, lo, hi), want)
              << "period " << period << " batch " << batch_rows << " range " << lo << ".." << hi;
        }
        if (lo == 0) EXPECT_GT(backend_->conflicts(), 0) << "period " << period;
      }
    }
  }
}

TEST_F(EngineConflictTest, GetsAndKeyListingsResumeAfterConflicts) {
  backend_->Inject(0);
  std::vector<Row> want;
  ASSERT_TRUE(store_->ListKeys(table_, [&](std::vector<Row>&& keys) {
    for (auto& k : keys) want.push_back(std::move(k));
    return Status::OK();
  }).ok());
  ASSERT_GT(want.size(), 2000u);
  for (int period : {5, 9, 97}) {
    backend_->Inject(period);
    std::vector<Row> got;
    ASSERT_TRUE(store_->ListKeys(table_, [&](std::vector<Row>&& keys) {
      for (auto& k : keys) got.push_back(std::move(k));
      return Status::OK();
    }).ok());
    EXPECT_EQ(got, want) << "period " << period;
    // Point gets: a sealed row, an upserted one, a head-only one, a deleted one.
    for (auto [t, weather] : std::vector<std::pair<int64_t, std::string>>{
             {100, "sealed"}, {700, "upsert"}, {1150, "new"}}) {
      auto row = store_->Get(table_, {Value::Bytes("r"), Value::Bytes("s"), Value::Int(kBase + t)});
      ASSERT_TRUE(row.ok()) << row.status().ToString();
      ASSERT_TRUE(row->has_value()) << t;
      EXPECT_EQ((**row)[3], Value::Bytes(weather)) << t;
    }
    auto gone = store_->Get(table_, {Value::Bytes("r"), Value::Bytes("s"), Value::Int(kBase + 1300)});
    ASSERT_TRUE(gone.ok());
    EXPECT_FALSE(gone->has_value());
  }
  EXPECT_GT(backend_->conflicts(), 0);
}

}  // namespace
}  // namespace quanta::storage
