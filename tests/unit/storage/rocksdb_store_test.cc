#include "storage/embedded.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "storage/backend/rocksdb_backend.h"

#include "test_tables.h"

namespace quanta::storage {
namespace {

using testing::GeoTable;
using testing::MakeTable;

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("quanta_store_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    Open();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Open(uint64_t min_free_space_bytes = 0) {
    EmbeddedOptions o;
    o.backend.min_free_space_bytes = min_free_space_bytes;
    o.backend.data_dir = (dir_ / "data").string();  // nested: OpenEmbeddedStore creates it
    o.backend.block_cache_mb = 8;
    o.backend.write_buffer_mb = 4;
    auto s = OpenEmbeddedStore(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }

  // Every row of a scan, checking that batches respect batch_rows.
  std::vector<Row> ScanAll(const schema::TableDef& t, const ScanRange& r,
                           ScanOptions opts = {}) {
    auto cur = store_->Scan(t, r, opts);
    EXPECT_TRUE(cur.ok()) << cur.status().ToString();
    std::vector<Row> rows;
    if (!cur.ok()) return rows;
    RowBatch batch;
    while (true) {
      auto more = (*cur)->Next(&batch);
      EXPECT_TRUE(more.ok()) << more.status().ToString();
      if (!more.ok() || !*more) break;
      EXPECT_LE(batch.num_rows, opts.batch_rows);
      EXPECT_GT(batch.num_rows, 0u);
      for (size_t i = 0; i < batch.num_rows; ++i) rows.push_back(batch.GetRow(i));
    }
    EXPECT_EQ(batch.num_rows, 0u);
    return rows;
  }

  static Row Geo(const std::string& region, const std::string& state, int64_t t,
                 const std::string& weather, std::optional<double> temp) {
    return {Value::Bytes(region), Value::Bytes(state), Value::Int(t), Value::Bytes(weather),
            temp ? Value::Double(*temp) : Value()};
  }
  static std::vector<int64_t> Times(const std::vector<Row>& rows, int column = 2) {
    std::vector<int64_t> ts;
    for (const auto& r : rows) ts.push_back(r[column].as_int());
    return ts;
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

constexpr int64_t kQ = 15 * 60 * 1000;  // GeoTable quantum
constexpr int64_t kBase = 1470000000000 - 1470000000000 % kQ;

TEST_F(StoreTest, PutGetUpsertDelete) {
  auto t = GeoTable(1);
  std::vector<Row> rows = {Geo("South", "FL", kBase + 1, "sunny", 30.5),
                           Geo("South", "FL", kBase + 2, "rain", std::nullopt),
                           Geo("North", "ME", kBase + 1, "snow", -3.25)};
  ASSERT_TRUE(store_->Put(t, rows).ok());

  auto got = store_->Get(t, {Value::Bytes("South"), Value::Bytes("FL"), Value::Int(kBase + 2)});
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(**got, rows[1]);

  auto missing = store_->Get(t, {Value::Bytes("South"), Value::Bytes("FL"), Value::Int(kBase)});
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());

  // Upsert: same LK, new values.
  Row updated = Geo("South", "FL", kBase + 2, "hail", 1.0);
  ASSERT_TRUE(store_->Put(t, std::span<const Row>(&updated, 1)).ok());
  got = store_->Get(t, {Value::Bytes("South"), Value::Bytes("FL"), Value::Int(kBase + 2)});
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ(**got, updated);

  Row key = {Value::Bytes("North"), Value::Bytes("ME"), Value::Int(kBase + 1)};
  auto del = store_->Delete(t, key);
  ASSERT_TRUE(del.ok());
  EXPECT_TRUE(*del);
  del = store_->Delete(t, key);
  ASSERT_TRUE(del.ok());
  EXPECT_FALSE(*del);
  got = store_->Get(t, key);
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->has_value());

  // A malformed key or row is an error, not a crash, and nothing of the batch is written.
  EXPECT_FALSE(store_->Get(t, {Value::Bytes("North")}).ok());
  std::vector<Row> bad = {Geo("A", "B", kBase + 9, "ok", 1.0),
                          {Value(), Value::Bytes("B"), Value::Int(kBase), Value::Bytes("w"), Value()}};
  EXPECT_EQ(store_->Put(t, bad).code(), ErrorCode::kInvalidArgument);
  auto none = store_->Get(t, {Value::Bytes("A"), Value::Bytes("B"), Value::Int(kBase + 9)});
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST_F(StoreTest, ScanRangesWithInclusiveFlags) {
  auto t = GeoTable(2);
  std::vector<Row> rows;
  for (int i = 0; i < 10; ++i) rows.push_back(Geo("R", "S", kBase + i * 100, "w", i));
  rows.push_back(Geo("R", "T", kBase + 100, "other partition", 0));
  rows.push_back(Geo("R", "S", kBase + kQ + 5, "next quantum", 0));
  ASSERT_TRUE(store_->Put(t, rows).ok());

  ScanRange r;
  r.partition = {Value::Bytes("R"), Value::Bytes("S"), Value::Int(kBase)};
  // Whole partition.
  EXPECT_EQ(Times(ScanAll(t, r)).size(), 10u);
  // [200, 500)
  r.time_lo = kBase + 200;
  r.time_hi = kBase + 500;
  EXPECT_EQ(Times(ScanAll(t, r)),
            (std::vector<int64_t>{kBase + 200, kBase + 300, kBase + 400}));
  // (200, 500]
  r.time_lo_inclusive = false;
  r.time_hi_inclusive = true;
  EXPECT_EQ(Times(ScanAll(t, r)),
            (std::vector<int64_t>{kBase + 300, kBase + 400, kBase + 500}));
  // [300, 300]
  r.time_lo = kBase + 300;
  r.time_hi = kBase + 300;
  r.time_lo_inclusive = true;
  EXPECT_EQ(Times(ScanAll(t, r)), (std::vector<int64_t>{kBase + 300}));
  // [300, 300) is empty.
  r.time_hi_inclusive = false;
  EXPECT_TRUE(ScanAll(t, r).empty());
  // Only a lower bound.
  r.time_hi.reset();
  r.time_lo = kBase + 750;
  EXPECT_EQ(Times(ScanAll(t, r)), (std::vector<int64_t>{kBase + 800, kBase + 900}));
  // Full rows come back with every column.
  EXPECT_EQ(ScanAll(t, r)[0], rows[8]);
  // Other quantum partition.
  ScanRange next;
  next.partition = {Value::Bytes("R"), Value::Bytes("S"), Value::Int(kBase + kQ)};
  auto nq = ScanAll(t, next);
  ASSERT_EQ(nq.size(), 1u);
  EXPECT_EQ(nq[0], rows.back());
}

TEST_F(StoreTest, DescTimeColumnScansNewestFirst) {
  auto t = GeoTable(3, /*time_desc=*/true);
  std::vector<Row> rows;
  for (int i = 0; i < 10; ++i) rows.push_back(Geo("R", "S", kBase + i * 100, "w", i));
  ASSERT_TRUE(store_->Put(t, rows).ok());
  ScanRange r;
  r.partition = {Value::Bytes("R"), Value::Bytes("S"), Value::Int(kBase)};
  auto all = Times(ScanAll(t, r));
  ASSERT_EQ(all.size(), 10u);
  EXPECT_EQ(all.front(), kBase + 900);
  EXPECT_EQ(all.back(), kBase);

  r.time_lo = kBase + 200;
  r.time_hi = kBase + 500;
  EXPECT_EQ(Times(ScanAll(t, r)),
            (std::vector<int64_t>{kBase + 400, kBase + 300, kBase + 200}));
  r.time_lo_inclusive = false;
  r.time_hi_inclusive = true;
  EXPECT_EQ(Times(ScanAll(t, r)),
            (std::vector<int64_t>{kBase + 500, kBase + 400, kBase + 300}));
  r.time_lo.reset();
  EXPECT_EQ(Times(ScanAll(t, r)),
            (std::vector<int64_t>{kBase + 500, kBase + 400, kBase + 300, kBase + 200,
                                  kBase + 100, kBase}));
  r.time_lo = kBase + 700;
  r.time_hi.reset();
  EXPECT_EQ(Times(ScanAll(t, r)), (std::vector<int64_t>{kBase + 900, kBase + 800}));

  auto got = store_->Get(t, {Value::Bytes("R"), Value::Bytes("S"), Value::Int(kBase + 300)});
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ(**got, rows[3]);
}

// riak_ts.md 7.5: PRIMARY KEY ((a, b, QUANTUM(c, 1, 's')), a, b, c, d DESC).
TEST_F(StoreTest, ExtraDescLocalKeyColumn) {
  auto t = MakeTable("lk_desc_1", 4,
                     {{"a", ColumnType::kSint64},
                      {"b", ColumnType::kSint64},
                      {"c", ColumnType::kTimestamp},
                      {"d", ColumnType::kSint64},
                      {"e", ColumnType::kVarchar, true}},
                     {"a", "b", "c"}, {{"a"}, {"b"}, {"c"}, {"d", true}}, true, 1, 's');
  std::vector<Row> rows;
  for (int64_t d = 100; d <= 10000; d += 100) {
    rows.push_back({Value::Int(1), Value::Int(1), Value::Int(1), Value::Int(d), Value()});
  }
  ASSERT_TRUE(store_->Put(t, rows).ok());
  ScanRange r;
  r.partition = {Value::Int(1), Value::Int(1), Value::Int(0)};
  r.time_lo = 1;
  r.time_hi = 1;
  r.time_hi_inclusive = true;
  ScanOptions opts;
  opts.batch_rows = 7;
  auto got = ScanAll(t, r, opts);
  ASSERT_EQ(got.size(), 100u);
  auto ds = Times(got, 3);
  EXPECT_EQ(ds.front(), 10000);
  EXPECT_EQ(ds.back(), 100);
  EXPECT_TRUE(std::is_sorted(ds.rbegin(), ds.rend()));

  // Delete and get through the DESC element.
  Row key = {Value::Int(1), Value::Int(1), Value::Int(1), Value::Int(5500)};
  auto g = store_->Get(t, key);
  ASSERT_TRUE(g.ok() && g->has_value());
  EXPECT_EQ((**g)[3], Value::Int(5500));
  EXPECT_TRUE(*store_->Delete(t, key));
  EXPECT_EQ(ScanAll(t, r, opts).size(), 99u);
}

TEST_F(StoreTest, DescVarcharIsTrueDescending) {
  auto t = MakeTable("dv", 5,
                     {{"k", ColumnType::kVarchar}, {"t", ColumnType::kTimestamp},
                      {"s", ColumnType::kVarchar}},
                     {"k", "t"}, {{"k"}, {"t"}, {"s", true}}, true, 1, 'd');
  std::vector<Row> rows;
  for (const char* s : {"a", "ab", "b", "", "abc"}) {
    rows.push_back({Value::Bytes("k"), Value::Int(5), Value::Bytes(s)});
  }
  ASSERT_TRUE(store_->Put(t, rows).ok());
  ScanRange r;
  r.partition = {Value::Bytes("k"), Value::Int(0)};
  std::vector<std::string> got;
  for (const auto& row : ScanAll(t, r)) got.push_back(row[2].as_bytes());
  EXPECT_EQ(got, (std::vector<std::string>{"b", "abc", "ab", "a", ""}));
}

TEST_F(StoreTest, TableWithoutQuantum) {
  auto t = MakeTable("kv", 6,
                     {{"id", ColumnType::kVarchar}, {"seq", ColumnType::kSint64},
                      {"v", ColumnType::kDouble, true}, {"flag", ColumnType::kBoolean, true}},
                     {"id"}, {{"id"}, {"seq"}}, /*has_quantum=*/false);
  std::vector<Row> rows;
  for (int i = 5; i >= -5; --i) {
    rows.push_back({Value::Bytes("x"), Value::Int(i), Value::Double(i * 0.5), Value::Bool(i > 0)});
  }
  rows.push_back({Value::Bytes("xy"), Value::Int(0), Value(), Value()});
  ASSERT_TRUE(store_->Put(t, rows).ok());
  ScanRange r;
  r.partition = {Value::Bytes("x")};
  r.time_lo = 3;  // ignored: no quantum
  auto got = ScanAll(t, r);
  ASSERT_EQ(got.size(), 11u);
  EXPECT_EQ(Times(got, 1).front(), -5);
  EXPECT_EQ(Times(got, 1).back(), 5);
  r.partition = {Value::Bytes("xy")};
  got = ScanAll(t, r);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], rows.back());
  auto g = store_->Get(t, {Value::Bytes("x"), Value::Int(-2)});
  ASSERT_TRUE(g.ok() && g->has_value());
  EXPECT_EQ(**g, rows[7]);
}

TEST_F(StoreTest, ScanFillsOnlyRequestedColumnsInBatches) {
  auto t = GeoTable(7);
  std::vector<Row> rows;
  for (int i = 0; i < 2500; ++i) rows.push_back(Geo("R", "S", kBase + i, "w" + std::to_string(i), i));
  ASSERT_TRUE(store_->Put(t, rows).ok());
  ScanRange r;
  r.partition = {Value::Bytes("R"), Value::Bytes("S"), Value::Int(kBase)};
  ScanOptions opts;
  opts.columns = {true, false, true, false, true};
  opts.batch_rows = 1000;
  auto cur = store_->Scan(t, r, opts);
  ASSERT_TRUE(cur.ok());
  RowBatch b;
  std::vector<size_t> sizes;
  while (true) {
    auto more = (*cur)->Next(&b);
    ASSERT_TRUE(more.ok());
    if (!*more) break;
    sizes.push_back(b.num_rows);
    EXPECT_TRUE(b.columns[0].filled);
    EXPECT_FALSE(b.columns[1].filled);
    EXPECT_EQ(b.columns[0].strings.size(), b.num_rows);
    EXPECT_EQ(b.columns[2].ints.size(), b.num_rows);
    EXPECT_EQ(b.columns[4].doubles.size(), b.num_rows);
    EXPECT_TRUE(b.columns[1].strings.empty());
    EXPECT_TRUE(b.columns[3].strings.empty());
  }
  EXPECT_EQ(sizes, (std::vector<size_t>{1000, 1000, 500}));

  // Cancellation stops the scan between batches.
  std::atomic<bool> cancelled{false};
  opts.cancelled = &cancelled;
  cur = store_->Scan(t, r, opts);
  ASSERT_TRUE(cur.ok());
  auto more = (*cur)->Next(&b);
  ASSERT_TRUE(more.ok() && *more);
  cancelled = true;
  more = (*cur)->Next(&b);
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
  EXPECT_EQ(b.num_rows, 0u);
}

TEST_F(StoreTest, ListKeysGivesNaturalValues) {
  auto t = MakeTable("lk", 8,
                     {{"a", ColumnType::kVarchar}, {"t", ColumnType::kTimestamp},
                      {"s", ColumnType::kBlob}, {"v", ColumnType::kSint64, true}},
                     {"a", "t"}, {{"a"}, {"t", true}, {"s", true}}, true, 1, 's');
  std::vector<Row> rows;
  for (int i = 0; i < 2345; ++i) {
    rows.push_back({Value::Bytes("p" + std::to_string(i % 3)), Value::Int(1000 + i),
                    Value::Bytes(std::string(1, static_cast<char>(i))), Value::Int(i)});
  }
  ASSERT_TRUE(store_->Put(t, rows).ok());
  auto other = GeoTable(9);
  Row o = Geo("R", "S", kBase, "w", 1);
  ASSERT_TRUE(store_->Put(other, std::span<const Row>(&o, 1)).ok());

  std::vector<Row> keys;
  size_t batches = 0;
  ASSERT_TRUE(store_
                  ->ListKeys(t,
                             [&](std::vector<Row>&& b) {
                               ++batches;
                               EXPECT_LE(b.size(), 1000u);
                               for (auto& k : b) keys.push_back(std::move(k));
                               return Status::OK();
                             })
                  .ok());
  EXPECT_EQ(batches, 3u);
  ASSERT_EQ(keys.size(), rows.size());
  std::vector<Row> want;
  for (const auto& r : rows) want.push_back({r[0], r[1], r[2]});
  auto less = [](const Row& a, const Row& b) { return a[1].as_int() < b[1].as_int(); };
  std::sort(keys.begin(), keys.end(), less);
  EXPECT_EQ(keys, want);

  // A sink error stops the listing and is returned.
  Status err = store_->ListKeys(t, [](std::vector<Row>&&) { return IoError("stop"); });
  EXPECT_EQ(err.code(), ErrorCode::kIoError);

  ASSERT_TRUE(store_->DropTableData(t).ok());
  size_t after = 0;
  ASSERT_TRUE(store_->ListKeys(t, [&](std::vector<Row>&& b) {
                      after += b.size();
                      return Status::OK();
                    })
                  .ok());
  EXPECT_EQ(after, 0u);
  // Other tables are untouched.
  auto g = store_->Get(other, {o[0], o[1], o[2]});
  ASSERT_TRUE(g.ok() && g->has_value());
}

TEST_F(StoreTest, MetaRecords) {
  ASSERT_TRUE(store_->PutMeta("table/b", "B").ok());
  ASSERT_TRUE(store_->PutMeta("table/a", "A").ok());
  ASSERT_TRUE(store_->PutMeta("other", std::string("\x00\xff", 2)).ok());
  auto t = GeoTable(0);  // table id 0 must not collide with metadata
  Row r = Geo("R", "S", kBase, "w", 1);
  ASSERT_TRUE(store_->Put(t, std::span<const Row>(&r, 1)).ok());

  auto a = store_->GetMeta("table/a");
  ASSERT_TRUE(a.ok() && a->has_value());
  EXPECT_EQ(**a, "A");
  auto none = store_->GetMeta("table/zz");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  auto list = store_->ListMeta("table/");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(*list, (std::vector<std::pair<std::string, std::string>>{{"table/a", "A"},
                                                                      {"table/b", "B"}}));
  auto all = store_->ListMeta("");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 3u);
  ASSERT_TRUE(store_->PutMeta("table/a", "A2").ok());
  EXPECT_EQ(**store_->GetMeta("table/a"), "A2");
}

TEST_F(StoreTest, DataSurvivesReopen) {
  auto t = GeoTable(10);
  std::vector<Row> rows;
  for (int i = 0; i < 100; ++i) rows.push_back(Geo("R", "S", kBase + i, "w", i));
  ASSERT_TRUE(store_->Put(t, rows).ok());
  ASSERT_TRUE(store_->PutMeta("k", "v").ok());
  store_.reset();  // no flush: recovery from the WAL
  Open();
  ScanRange r;
  r.partition = {Value::Bytes("R"), Value::Bytes("S"), Value::Int(kBase)};
  EXPECT_EQ(ScanAll(t, r), rows);
  EXPECT_EQ(**store_->GetMeta("k"), "v");
  ASSERT_TRUE(store_->Flush().ok());
  EXPECT_GT(store_->ApproximateDiskBytes(), 0u);
  store_.reset();
  Open();
  EXPECT_EQ(ScanAll(t, r), rows);
}

TEST_F(StoreTest, ConcurrentSyncedWriters) {
  store_.reset();
  EmbeddedOptions o;
  o.backend.data_dir = (dir_ / "sync").string();
  o.engine.sync = true;
  o.backend.compression = "lz4";
  auto s = OpenEmbeddedStore(o);
  ASSERT_TRUE(s.ok());
  store_ = std::move(*s);
  auto t = GeoTable(11);
  std::vector<std::thread> threads;
  for (int w = 0; w < 4; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < 50; ++i) {
        Row r = Geo("R", "S" + std::to_string(w), kBase + i, "w", i);
        EXPECT_TRUE(store_->Put(t, std::span<const Row>(&r, 1)).ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int w = 0; w < 4; ++w) {
    ScanRange r;
    r.partition = {Value::Bytes("R"), Value::Bytes("S" + std::to_string(w)), Value::Int(kBase)};
    EXPECT_EQ(ScanAll(t, r).size(), 50u);
  }
}

TEST_F(StoreTest, BadOptions) {
  EmbeddedOptions o;
  o.backend.data_dir = (dir_ / "bad").string();
  o.backend.compression = "brotli";
  EXPECT_EQ(OpenEmbeddedStore(o).status().code(), ErrorCode::kInvalidArgument);
  o.backend.data_dir = "";
  EXPECT_FALSE(OpenEmbeddedStore(o).ok());
  // The directory is locked by the open store.
  o.backend.data_dir = (dir_ / "data").string();
  o.backend.compression = "zstd";
  EXPECT_EQ(OpenEmbeddedStore(o).status().code(), ErrorCode::kIoError);
}

// A write refused for lack of space: a clean kNoSpace "disk full" (no path), nothing written,
// reads unaffected; writes work again once the reserve fits (here: after a reopen with a
// smaller storage.min_free_space; the server-level test tests/durability/disk_full.cc frees
// real space instead).
TEST_F(StoreTest, WritesRefusedBelowTheFreeSpaceReserve) {
  auto t = GeoTable(12);
  std::vector<Row> rows;
  for (int i = 0; i < 10; ++i) rows.push_back(Geo("R", "S", kBase + i, "w", i));
  ASSERT_TRUE(store_->Put(t, rows).ok());
  EXPECT_TRUE(store_->Stats().writable);
  store_.reset();
  Open(/*min_free_space_bytes=*/uint64_t{1} << 62);  // more than any disk has
  ScanRange r;
  r.partition = {Value::Bytes("R"), Value::Bytes("S"), Value::Int(kBase)};
  EXPECT_EQ(ScanAll(t, r), rows);
  Row extra = Geo("R", "S", kBase + 100, "w", 1.0);
  Status st = store_->Put(t, std::span<const Row>(&extra, 1));
  EXPECT_EQ(st.code(), ErrorCode::kNoSpace);
  EXPECT_EQ(st.message(), "disk full");
  EXPECT_EQ(store_->Delete(t, {Value::Bytes("R"), Value::Bytes("S"), Value::Int(kBase)})
                .status().code(),
            ErrorCode::kNoSpace);
  EXPECT_EQ(store_->PutMeta("k", "v").code(), ErrorCode::kNoSpace);
  EXPECT_EQ(store_->DropTableData(t).code(), ErrorCode::kNoSpace);
  EXPECT_FALSE(store_->Stats().writable);
  EXPECT_EQ(ScanAll(t, r), rows);  // nothing of the refused writes landed
  auto got = store_->Get(t, {Value::Bytes("R"), Value::Bytes("S"), Value::Int(kBase + 3)});
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(got->has_value());
  store_.reset();
  Open();
  EXPECT_TRUE(store_->Put(t, std::span<const Row>(&extra, 1)).ok());
  EXPECT_EQ(ScanAll(t, r).size(), rows.size() + 1);
}

// The shape the idle-time compaction decides on: after a full merge the data is one sorted run.
TEST_F(StoreTest, CompactLeavesOneSortedRun) {
  auto t = GeoTable(13);
  for (int f = 0; f < 3; ++f) {
    std::vector<Row> rows;
    for (int i = 0; i < 100; ++i) rows.push_back(Geo("R", "S" + std::to_string(i), kBase + f, "w", i));
    ASSERT_TRUE(store_->Put(t, rows).ok());
    ASSERT_TRUE(store_->Flush().ok());
  }
  StoreStats before = store_->Stats();
  EXPECT_GE(before.sorted_runs, 2u);
  EXPECT_GT(before.flush_bytes_written, 0u);
  ASSERT_TRUE(store_->Compact().ok());
  StoreStats after = store_->Stats();
  EXPECT_EQ(after.sorted_runs, 1u);
  EXPECT_GT(after.compaction_bytes_written, 0u);
  EXPECT_GT(after.sst_bytes, 0u);
}

// The sealer deletes the head rows it folds into chunks. When rows and their deletes meet in
// one memtable, its flush leaves a file of tombstones alone in L0, which no compaction would
// pick and every scan would step over: once writes pause, the file is merged down and the
// tombstones go.
// The backend's stats once its idle step has merged (up to 10 s on a busy machine).
BackendStats WaitForIdleCompaction(Backend& backend) {
  BackendStats st;
  for (int i = 0; i < 100; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    st = backend.Stats();
    if (st.idle_compactions > 0) break;
  }
  return st;
}

TEST(RocksDbBackendTest, AFileOfTombstonesIsMergedAwayOnceWritesPause) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("quanta_tombstones_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  RocksDbOptions o;
  o.data_dir = dir.string();
  o.write_buffer_mb = 8;  // the idle step flushes a memtable of 2 MiB or more
  o.idle_compaction_ms = 100;
  o.min_free_space_bytes = 0;
  auto backend = OpenRocksDbBackend(o);
  ASSERT_TRUE(backend.ok()) << backend.status().ToString();
  const std::string value(200, 'v');
  auto key = [](int i) { return "\x01row" + std::to_string(1000000 + i); };
  WriteBatch puts, deletes;
  for (int i = 0; i < 10000; ++i) puts.Put(key(i), value);
  for (int i = 0; i < 10000; ++i) deletes.Delete(key(i));
  WriteBatch kept;
  kept.Put("\x01zz", "kept");
  ASSERT_TRUE((*backend)->Write(puts, false).ok());
  ASSERT_TRUE((*backend)->Write(deletes, false).ok());
  ASSERT_TRUE((*backend)->Write(kept, false).ok());
  const BackendStats st = WaitForIdleCompaction(**backend);
  EXPECT_EQ(st.idle_compactions, 1u);
  EXPECT_EQ(st.sorted_runs, 1u);
  // What is left is the one kept key, not 10,000 tombstones (about 200 KB).
  EXPECT_LT(st.disk_bytes, 64u << 10) << st.disk_bytes;
  auto got = (*backend)->Get("\x01zz");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->value_or(""), "kept");
  auto gone = (*backend)->Get(key(5));
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
  backend->reset();
  std::filesystem::remove_all(dir);
}

// The same file of tombstones after a flush of its own: RocksDB moves it to the bottom level
// as it is, tombstones included, before the idle step looks at it; it is merged all the same.
TEST(RocksDbBackendTest, AFileOfTombstonesMovedToTheBottomLevelIsMergedToo) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("quanta_tombstones_moved_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  RocksDbOptions o;
  o.data_dir = dir.string();
  o.idle_compaction_ms = 300;
  o.min_free_space_bytes = 0;
  auto backend = OpenRocksDbBackend(o);
  ASSERT_TRUE(backend.ok()) << backend.status().ToString();
  auto key = [](int i) { return "\x01row" + std::to_string(1000000 + i); };
  WriteBatch puts, deletes;
  for (int i = 0; i < 10000; ++i) puts.Put(key(i), std::string(200, 'v'));
  for (int i = 0; i < 10000; ++i) deletes.Delete(key(i));
  puts.Put("\x02chunk", std::string(100000, 'c'));
  ASSERT_TRUE((*backend)->Write(puts, false).ok());
  ASSERT_TRUE((*backend)->Write(deletes, false).ok());
  ASSERT_TRUE((*backend)->Flush().ok());
  const BackendStats st = WaitForIdleCompaction(**backend);
  EXPECT_EQ(st.idle_compactions, 1u);
  EXPECT_EQ(st.sorted_runs, 1u);
  // The chunk-like value (compressible to almost nothing) and no 10,000 tombstones.
  EXPECT_LT(st.disk_bytes, 64u << 10) << st.disk_bytes;
  auto got = (*backend)->Get("\x02chunk");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->value_or("").size(), 100000u);
  backend->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace quanta::storage
