// The contract every storage backend meets (storage/backend/backend.h), checked the same way
// for each: ordering, atomic batches, snapshots, range deletes, bounds, persistence.
// A new backend adds itself to Backends(). Built twice: storage_unit_tests checks RocksDB;
// storage_rados_tests (QUANTA_CONFORMANCE_RADOS) checks RADOS on the cluster named by
// QUANTA_TEST_RADOS_CONF and QUANTA_TEST_RADOS_POOL (a ctest fixture starts one).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <thread>

#include "common/log.h"
#include "storage/backend/backend.h"
#include "storage/backend/rocksdb_backend.h"
#ifdef QUANTA_CONFORMANCE_RADOS
#include "storage/backend/rados_backend.h"
#endif

namespace quanta::storage {
namespace {

namespace fs = std::filesystem;

#ifdef QUANTA_CONFORMANCE_RADOS
// Groups for the test's keys: the first byte is the group, all groups in one family, so
// that ranges over any keys walk the family's index.
class FirstByteSplitter final : public KeySplitter {
 public:
  KeyPlacement Place(std::string_view key) const override {
    KeyPlacement p;
    p.family_end = 0;
    if (!key.empty()) p.group_end = 1;
    return p;
  }
};

const FirstByteSplitter kSplitter;

std::string RadosNamespace(const std::string& dir) {
  // One namespace per test (the "directory" names it), fresh for every run of the binary.
  static const std::string run = std::to_string(::getpid()) + "-" +
                                 std::to_string(std::random_device()());
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return "conformance-" + run + "-" + (info ? info->name() : dir);
}
#endif

struct BackendFactory {
  std::string name;
  // Opens (or reopens) the backend kept in `dir`.
  std::function<Result<std::unique_ptr<Backend>>(const std::string& dir)> open;
  // ApproximateDiskBytes counts what was written (RocksDB). RADOS answers with the pool's
  // usage from the cluster's statistics, which arrive a while after the writes and may leave
  // omap keys out: on a loaded machine it read 0 for over a minute.
  bool counts_written_bytes = true;
};

const std::vector<BackendFactory>& Backends() {
  static const std::vector<BackendFactory> backends = {
#ifdef QUANTA_CONFORMANCE_RADOS
      {"rados",
       [](const std::string& dir) -> Result<std::unique_ptr<Backend>> {
         const char* conf = std::getenv("QUANTA_TEST_RADOS_CONF");
         const char* pool = std::getenv("QUANTA_TEST_RADOS_POOL");
         if (conf == nullptr || pool == nullptr) {
           return Status(ErrorCode::kInvalidArgument,
                         "QUANTA_TEST_RADOS_CONF and QUANTA_TEST_RADOS_POOL are not set");
         }
         RadosOptions o;
         o.conf = conf;
         o.pool = pool;
         o.name_space = RadosNamespace(dir);
         o.op_timeout_ms = 30000;
         QUANTA_ASSIGN_OR_RETURN(auto b, OpenRadosBackend(o));
         b->SetKeySplitter(&kSplitter);
         return b;
       },
       /*counts_written_bytes=*/false},
#else
      {"rocksdb",
       [](const std::string& dir) {
         RocksDbOptions o;
         o.data_dir = dir;
         o.block_cache_mb = 8;
         o.write_buffer_mb = 4;
         o.min_free_space_bytes = 0;
         return OpenRocksDbBackend(o);
       }},
#endif
  };
  return backends;
}

class BackendConformance : public ::testing::TestWithParam<size_t> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("quanta_backend_" + std::to_string(::getpid()) + "_" + std::to_string(GetParam()));
    fs::remove_all(dir_);
    Reopen();
  }
  void TearDown() override {
    b_.reset();
    fs::remove_all(dir_);
  }
  void Reopen() {
    b_.reset();
    auto r = Backends()[GetParam()].open(dir_.string());
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    b_ = std::move(r).value();
  }
  void Put(const std::string& k, const std::string& v) {
    WriteBatch wb;
    wb.Put(k, v);
    ASSERT_TRUE(b_->Write(wb, false).ok());
  }
  std::optional<std::string> Get(const std::string& k, const Snapshot* s = nullptr) {
    auto r = b_->Get(k, s);
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : std::nullopt;
  }
  std::vector<std::pair<std::string, std::string>> Scan(const std::string& lo,
                                                        const std::string& hi,
                                                        const Snapshot* s = nullptr,
                                                        const std::string& seek = "") {
    IteratorOptions o;
    o.lower = lo;
    o.upper = hi;
    auto it = b_->NewIterator(o, s);
    std::vector<std::pair<std::string, std::string>> out;
    for (it->Seek(seek.empty() ? lo : seek); it->Valid(); it->Next()) {
      out.emplace_back(std::string(it->key()), std::string(it->value()));
    }
    EXPECT_TRUE(it->status().ok());
    return out;
  }

  fs::path dir_;
  std::unique_ptr<Backend> b_;
};

TEST_P(BackendConformance, PointReadsAndOverwrites) {
  EXPECT_EQ(Get("a"), std::nullopt);
  Put("a", "1");
  Put(std::string("b\0c", 3), std::string("\0\xff", 2));  // any bytes in keys and values
  Put("a", "2");
  Put("e", "");  // empty values are values
  EXPECT_EQ(Get("a"), "2");
  EXPECT_EQ(Get(std::string("b\0c", 3)), std::string("\0\xff", 2));
  EXPECT_EQ(Get("e"), "");
  WriteBatch wb;
  wb.Delete("a");
  wb.Delete("missing");  // deleting a missing key is no error
  ASSERT_TRUE(b_->Write(wb, true).ok());
  EXPECT_EQ(Get("a"), std::nullopt);
}

TEST_P(BackendConformance, BatchesApplyInOrderAndAtomically) {
  WriteBatch wb;
  wb.Put("k", "first");
  wb.Put("k", "second");  // later operations on one key win
  wb.Put("gone", "x");
  wb.Delete("gone");
  wb.Put("r1", "x");
  wb.Put("r2", "x");
  wb.DeleteRange("r1", "r3");
  wb.Put("r2", "back");  // after the range delete: stays
  ASSERT_TRUE(b_->Write(wb, false).ok());
  EXPECT_EQ(Get("k"), "second");
  EXPECT_EQ(Get("gone"), std::nullopt);
  EXPECT_EQ(Get("r1"), std::nullopt);
  EXPECT_EQ(Get("r2"), "back");
  // Readers never see half a batch. With per-group snapshots (backend.h) an iterator reads
  // a group in pages, each atomic, so a batch of puts may be seen in part, but never out of
  // order: later keys are never older than earlier ones.
  const bool point_in_time = b_->point_in_time_snapshots();
  std::atomic<bool> stop{false};
  std::atomic<int> torn{0};
  std::thread reader([&] {
    while (!stop.load()) {
      auto snap = b_->NewSnapshot();
      auto rows = Scan("x", "y", snap.get());
      if (!rows.empty() && rows.size() != 100) torn++;
      std::string v;
      for (const auto& [k, val] : rows) {
        if (!v.empty() && (point_in_time ? val != v : std::stoi(val) < std::stoi(v))) torn++;
        v = val;
      }
    }
  });
  for (int round = 0; round < 200; ++round) {
    WriteBatch b;
    for (int i = 0; i < 100; ++i) b.Put("x" + std::to_string(1000 + i), std::to_string(round));
    ASSERT_TRUE(b_->Write(b, false).ok());
  }
  stop = true;
  reader.join();
  EXPECT_EQ(torn.load(), 0);
}

// WriteReporting: every entry of a batch that succeeded is applied; on a backend that writes a
// batch per group, a failed group leaves its entries unapplied and the other groups written.
TEST_P(BackendConformance, WriteReportingSaysWhatWasWritten) {
  WriteBatch wb;
  wb.Put("a1", "x");
  wb.Put("b1", "x");
  wb.Put("c1", "x");
  wb.DeleteRange("a0", "c0");  // over two groups
  wb.Put("a2", "y");
  std::vector<bool> applied;
  ASSERT_TRUE(b_->WriteReporting(wb, false, &applied).ok());
  EXPECT_EQ(applied, std::vector<bool>(5, true));
  EXPECT_EQ(Get("a1"), std::nullopt);
  EXPECT_EQ(Get("b1"), std::nullopt);
  EXPECT_EQ(Get("c1"), "x");
  EXPECT_EQ(Get("a2"), "y");
  if (!b_->shared_by_processes()) return;  // guards are ignored: nothing fails below
  WriteBatch partial;
  partial.Expect("d1", "not what d1 holds");  // fails: group d is not written
  partial.Put("d2", "x");
  partial.Put("e1", "x");
  Status st = b_->WriteReporting(partial, false, &applied);
  EXPECT_EQ(st.code(), ErrorCode::kConflict) << st.ToString();
  EXPECT_EQ(applied, (std::vector<bool>{false, false, true}));
  EXPECT_EQ(Get("d2"), std::nullopt);
  EXPECT_EQ(Get("e1"), "x");
}

TEST_P(BackendConformance, IteratorsWalkInBytewiseOrderWithinBounds) {
  std::map<std::string, std::string> model;
  std::mt19937 rng(1);
  WriteBatch wb;
  for (int i = 0; i < 2000; ++i) {
    std::string k;
    int len = 1 + static_cast<int>(rng() % 6);
    for (int j = 0; j < len; ++j) k.push_back(static_cast<char>(rng() % 4 == 0 ? 0xff : rng() % 3));
    model[k] = std::to_string(i);
    wb.Put(k, model[k]);
  }
  ASSERT_TRUE(b_->Write(wb, false).ok());
  for (int round = 0; round < 50; ++round) {
    std::string lo(1, static_cast<char>(rng() % 3)), hi(1, static_cast<char>(rng() % 3));
    lo.push_back(static_cast<char>(rng() % 256));
    hi.push_back(static_cast<char>(rng() % 256));
    if (hi < lo) std::swap(lo, hi);
    std::vector<std::pair<std::string, std::string>> want(model.lower_bound(lo),
                                                          model.lower_bound(hi));
    EXPECT_EQ(Scan(lo, hi), want);
    // Seek inside the range.
    auto mid = model.lower_bound(lo);
    if (mid != model.end() && mid->first < hi) {
      std::vector<std::pair<std::string, std::string>> tail(mid, model.lower_bound(hi));
      EXPECT_EQ(Scan(lo, hi, nullptr, mid->first), tail);
    }
  }
  // Unbounded.
  std::vector<std::pair<std::string, std::string>> all(model.begin(), model.end());
  EXPECT_EQ(Scan("", ""), all);
}

TEST_P(BackendConformance, SnapshotsSeeNothingLater) {
  if (!b_->point_in_time_snapshots()) GTEST_SKIP() << "per-group snapshots: see PinGroups";
  Put("a", "1");
  Put("b", "1");
  auto snap = b_->NewSnapshot();
  WriteBatch wb;
  wb.Put("a", "2");
  wb.Delete("b");
  wb.Put("c", "new");
  ASSERT_TRUE(b_->Write(wb, false).ok());
  EXPECT_EQ(Get("a", snap.get()), "1");
  EXPECT_EQ(Get("b", snap.get()), "1");
  EXPECT_EQ(Get("c", snap.get()), std::nullopt);
  auto rows = Scan("a", "z", snap.get());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], std::make_pair(std::string("a"), std::string("1")));
  EXPECT_EQ(Get("a"), "2");
  EXPECT_EQ(Get("b"), std::nullopt);
}

// The weaker rule of a backend whose snapshots hold per group (backend.h).
TEST_P(BackendConformance, SnapshotsPinGroups) {
  if (b_->point_in_time_snapshots()) GTEST_SKIP() << "point-in-time snapshots";
  auto conflict = [](const Result<std::optional<std::string>>& r) {
    return !r.ok() && r.status().code() == ErrorCode::kConflict;
  };
  Put("a1", "1");
  Put("a2", "1");
  auto snap = b_->NewSnapshot();
  EXPECT_EQ(Get("a1", snap.get()), "1");  // pins group "a"
  Put("a1", "2");                          // puts alone: seen, no conflict
  EXPECT_EQ(Get("a1", snap.get()), "2");
  WriteBatch wb;
  wb.Delete("a2");
  wb.Put("b1", "x");
  ASSERT_TRUE(b_->Write(wb, false).ok());
  EXPECT_TRUE(conflict(b_->Get("a1", snap.get())));  // a deletion moved group "a"
  EXPECT_EQ(Get("b1", snap.get()), "x");             // group "b" is pinned now, as it is
  IteratorOptions o;
  o.lower = "a";
  o.upper = "b";
  auto it = b_->NewIterator(o, snap.get());
  it->Seek("a");
  EXPECT_FALSE(it->Valid());
  EXPECT_EQ(it->status().code(), ErrorCode::kConflict);
  // A new snapshot sees the new state.
  auto fresh = b_->NewSnapshot();
  EXPECT_EQ(Get("a2", fresh.get()), std::nullopt);
  EXPECT_EQ(Get("a1", fresh.get()), "2");
}

// Guards (backend.h): checked by backends several processes share, ignored by the others.
TEST_P(BackendConformance, GuardsHoldOrConflict) {
  Put("a1", "1");
  Put("a2", "");
  Put("b1", "1");
  if (!b_->shared_by_processes()) {
    WriteBatch wb;
    wb.Expect("a1", "not what it holds");
    wb.Put("a3", "3");
    ASSERT_TRUE(b_->Write(wb, false).ok());  // one process: expectations are not checked
    EXPECT_EQ(Get("a3"), "3");
    return;
  }
  auto conflict = [](const Status& st) { return st.code() == ErrorCode::kConflict; };
  {  // Expectations that hold (a missing key holds the empty value).
    WriteBatch wb;
    wb.Expect("a1", "1");
    wb.Expect("a2", "");
    wb.Expect("a9", "");
    wb.Put("a3", "3");
    ASSERT_TRUE(b_->Write(wb, false).ok());
    EXPECT_EQ(Get("a3"), "3");
  }
  {  // One that does not: nothing of the group is written.
    WriteBatch wb;
    wb.Put("a4", "4");
    wb.Delete("a1");
    wb.Expect("a1", "2");
    EXPECT_TRUE(conflict(b_->Write(wb, false)));
    EXPECT_EQ(Get("a4"), std::nullopt);
    EXPECT_EQ(Get("a1"), "1");
  }
  {  // A guarded write after a deleting batch reached the group its snapshot read: refused.
    auto snap = b_->NewSnapshot();
    EXPECT_EQ(Get("a1", snap.get()), "1");
    Put("a5", "5");  // puts alone do not move the group
    WriteBatch ok;
    ok.Put("a6", "6");
    ASSERT_TRUE(b_->WriteGuarded(ok, false, *snap).ok());
    EXPECT_EQ(Get("a6"), "6");
    WriteBatch del;
    del.Delete("a5");
    ASSERT_TRUE(b_->Write(del, false).ok());
    WriteBatch late;
    late.Put("a7", "7");
    late.Delete("a3");
    EXPECT_TRUE(conflict(b_->WriteGuarded(late, false, *snap)));
    EXPECT_EQ(Get("a7"), std::nullopt);
    EXPECT_EQ(Get("a3"), "3");
    // A group the snapshot never read is not guarded.
    WriteBatch other;
    other.Put("b2", "2");
    ASSERT_TRUE(b_->WriteGuarded(other, false, *snap).ok());
    EXPECT_EQ(Get("b2"), "2");
  }
  {  // Many expectations in one batch (a seal expects every head entry it folds).
    WriteBatch fill;
    for (int i = 0; i < 5000; ++i) fill.Put("c" + std::to_string(i), std::string(40, 'v'));
    ASSERT_TRUE(b_->Write(fill, false).ok());
    WriteBatch seal;
    for (int i = 0; i < 5000; ++i) {
      seal.Expect("c" + std::to_string(i), std::string(40, 'v'));
      seal.Delete("c" + std::to_string(i));
    }
    seal.Put("c~chunk", "x");
    ASSERT_TRUE(b_->Write(seal, false).ok());
    EXPECT_EQ(Scan("c", "d").size(), 1u);
  }
}

// Another process's NotifyShared reaches a WatchShared callback.
TEST_P(BackendConformance, NotificationsReachWatchers) {
  if (!b_->shared_by_processes()) GTEST_SKIP() << "one process owns this backend";
  auto other = Backends()[GetParam()].open(dir_.string());
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  std::atomic<int> calls{0};
  ASSERT_TRUE(b_->WatchShared([&](bool announced) { calls.fetch_add(announced ? 1 : 0); }).ok());
  (*other)->NotifyShared();
  for (int i = 0; i < 100 && calls.load() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_GE(calls.load(), 1);
  ASSERT_TRUE(b_->WatchShared({}).ok());  // no more calls once cleared
}

#ifdef QUANTA_CONFORMANCE_RADOS
// An object read past 100,000 omap entries is reported in the log, once.
TEST_P(BackendConformance, LargeObjectsAreReportedOnce) {
  for (int b = 0; b < 11; ++b) {
    WriteBatch wb;
    for (int i = 0; i < 10000; ++i) {
      char key[16];
      std::snprintf(key, sizeof key, "z%07d", b * 10000 + i);
      wb.Put(key, "v");
    }
    ASSERT_TRUE(b_->Write(wb, false).ok());
  }
  const fs::path log_file = dir_.string() + ".log";
  fs::create_directories(log_file.parent_path());
  ASSERT_TRUE(log::Configure({.level = log::Level::kInfo, .file = log_file.string()}).ok());
  EXPECT_EQ(Scan("z", "{").size(), 110000u);
  EXPECT_EQ(Scan("z", "{").size(), 110000u);
  ASSERT_TRUE(log::Configure({}).ok());  // back to standard error
  std::ifstream in(log_file);
  std::string line;
  int warnings = 0;
  while (std::getline(in, line)) {
    if (line.find("more than 100,000 omap entries") != std::string::npos) ++warnings;
  }
  fs::remove(log_file);
  EXPECT_EQ(warnings, 1);
}
#endif

TEST_P(BackendConformance, WritesSurviveReopen) {
  WriteBatch wb;
  for (int i = 0; i < 1000; ++i) wb.Put("k" + std::to_string(i), std::string(100, 'v'));
  ASSERT_TRUE(b_->Write(wb, true).ok());
  WriteBatch del;
  del.DeleteRange("k1", "k2");
  ASSERT_TRUE(b_->Write(del, false).ok());
  Reopen();
  EXPECT_EQ(Get("k0"), std::string(100, 'v'));
  EXPECT_EQ(Get("k15"), std::nullopt);
  EXPECT_EQ(Scan("k", "l").size(), 1000u - 111u);
  ASSERT_TRUE(b_->Flush().ok());
  ASSERT_TRUE(b_->Compact().ok());
  Reopen();
  EXPECT_EQ(Scan("k", "l").size(), 1000u - 111u);
  if (Backends()[GetParam()].counts_written_bytes) EXPECT_GT(b_->ApproximateDiskBytes(), 0u);
}

TEST_P(BackendConformance, CheckpointIsAPointInTimeCopy) {
  const std::string cp = dir_.string() + "_checkpoint";
  fs::remove_all(cp);
  WriteBatch wb;
  for (int i = 0; i < 1000; ++i) wb.Put("k" + std::to_string(i), "before");
  ASSERT_TRUE(b_->Write(wb, false).ok());
  Status st = b_->Checkpoint(cp);
  if (Backends()[GetParam()].name == "rados") {
    // A pool is backed up by Ceph's own snapshots.
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.message().find("rados mksnap"), std::string::npos) << st.message();
    return;
  }
  ASSERT_TRUE(st.ok()) << st.ToString();
  Put("k0", "after");
  Put("later", "after");
  EXPECT_FALSE(b_->Checkpoint(cp).ok());  // the directory must not exist
  {
    auto copy = Backends()[GetParam()].open(cp);
    ASSERT_TRUE(copy.ok()) << copy.status().ToString();
    auto v = (*copy)->Get("k0");
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(*v, std::optional<std::string>("before"));
    auto later = (*copy)->Get("later");
    ASSERT_TRUE(later.ok());
    EXPECT_EQ(*later, std::nullopt);
  }
  EXPECT_EQ(Get("k0"), std::optional<std::string>("after"));
  fs::remove_all(cp);
}

INSTANTIATE_TEST_SUITE_P(All, BackendConformance, ::testing::Range<size_t>(0, Backends().size()),
                         [](const auto& info) { return Backends()[info.param].name; });

}  // namespace
}  // namespace quanta::storage
