// The data lifecycle through TsService: expiry with a controllable clock (rows past their time
// vanish from SELECT, GET, list_keys and DELETE at once, and the lifecycle pass removes their
// quanta and takes their bytes off the disk), a range DELETE giving its bytes back in the
// background, and DROP TABLE under concurrent writes and
// queries (no crash, no row of a dropped table back under the re-created name, nothing left
// under the old ids).
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "service/ts_service.h"
#include "storage/store.h"

namespace quanta::service {
namespace {

constexpr int64_t kHour = 3600 * 1000;
constexpr int64_t kT0 = 1699999200000;  // 2023-11-14T22:00:00Z, a quantum start

class LifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("quanta_life_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++));
    std::filesystem::remove_all(dir_);
    ServiceOptions o;
    o.data_dir = dir_.string();
    o.min_free_space_bytes = 0;
    o.clock_ms = [this] { return now_.load(); };
    o.expiry_interval_ms = 3600 * 1000;  // passes only when the test asks (or after a DROP)
    auto s = TsService::Open(o);
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    svc_ = std::move(s).value();
  }
  void TearDown() override {
    svc_.reset();
    std::filesystem::remove_all(dir_);
  }
  Status Run(const std::string& sql, QueryOutcome* out = nullptr) {
    QueryOutcome own;
    return svc_->Query(sql, {}, out ? out : &own);
  }
  void Exec(const std::string& sql) {
    Status st = Run(sql);
    ASSERT_TRUE(st.ok()) << sql << " -> " << st.ToString();
  }
  int64_t Count(const std::string& where) {
    QueryOutcome out;
    Status st = Run("SELECT COUNT(*) FROM m WHERE " + where, &out);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return st.ok() ? out.result.rows.at(0).at(0).as_int() : -1;
  }
  // Table m: 4 hosts x 12 hours x 1,200 rows (one every 3 s) from kT0, incompressible values.
  void LoadHosts() {
    uint64_t x = 88172645463325252ull;
    for (int h = 0; h < 4; ++h) {
      std::vector<Row> rows;
      for (int64_t i = 0; i < 12 * 1200; ++i) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        rows.push_back({Value::Bytes("h" + std::to_string(h)), Value::Int(kT0 + i * 3000),
                        Value::Int(static_cast<int64_t>(x >> 1))});
      }
      ASSERT_TRUE(svc_->Put("m", std::move(rows)).ok());
    }
  }
  size_t ListedKeys(const std::string& table) {
    size_t n = 0;
    Status st = svc_->ListKeys(table, [&](std::vector<Row>&& keys) {
      n += keys.size();
      return Status::OK();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return n;
  }

  static inline int counter_ = 0;
  std::atomic<int64_t> now_{kT0};
  std::filesystem::path dir_;
  std::unique_ptr<TsService> svc_;
};

TEST_F(LifecycleTest, ExpiredRowsVanishAtOnceAndTheirQuantaLeaveTheDisk) {
  Exec("CREATE TABLE m (host VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, v SINT64, "
       "PRIMARY KEY ((host, QUANTUM(ts, 1, 'h')), host, ts)) "
       "WITH (expiration = enabled, default_time_to_live = 6h)");
  ASSERT_NO_FATAL_FAILURE(LoadHosts());
  const std::string all = "host = 'h1' AND ts >= " + std::to_string(kT0) + " AND ts < " +
                          std::to_string(kT0 + 12 * kHour);
  now_ = kT0;  // nothing expired yet
  EXPECT_EQ(Count(all), 12 * 1200);
  EXPECT_EQ(ListedKeys("m"), 4u * 12 * 1200);
  ASSERT_TRUE(svc_->store().Compact().ok());
  ASSERT_TRUE(svc_->store().Flush().ok());
  const uint64_t before = svc_->store().Stats().sst_bytes;

  // 9.5 hours later than the first row: rows at or before kT0 + 3.5 h are expired.
  now_ = kT0 + 9 * kHour + kHour / 2;
  const int64_t cutoff = kT0 + 3 * kHour + kHour / 2;
  const int64_t kept_per_host = 12 * 1200 - (cutoff - kT0) / 3000 - 1;
  EXPECT_EQ(Count(all), kept_per_host);
  EXPECT_EQ(ListedKeys("m"), 4u * kept_per_host);
  auto got = svc_->Get("m", {Value::Bytes("h1"), Value::Int(cutoff)});
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->has_value());
  got = svc_->Get("m", {Value::Bytes("h1"), Value::Int(cutoff + 3000)});
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(got->has_value());
  EXPECT_EQ(svc_->Delete("m", {Value::Bytes("h1"), Value::Int(kT0)}).code(),
            ErrorCode::kNotFound);
  // An aggregate over the expired range alone.
  EXPECT_EQ(Count("host = 'h2' AND ts >= " + std::to_string(kT0) + " AND ts <= " +
                  std::to_string(cutoff)),
            0);

  // The lifecycle pass: the 3 whole expired hours of each host go (the fourth holds the
  // cutoff), their bytes leave the disk, and what is visible does not change.
  ASSERT_TRUE(svc_->RunLifecycle().ok());
  storage::StoreStats st = svc_->store().Stats();
  EXPECT_EQ(st.partitions_expired, 4u * 3);
  EXPECT_GT(st.space_reclaims, 0u);
  ASSERT_TRUE(svc_->store().Flush().ok());
  const uint64_t after = svc_->store().Stats().sst_bytes;
  RecordProperty("sst_bytes_before", std::to_string(before));
  RecordProperty("sst_bytes_after", std::to_string(after));
  // A quarter of the rows (12 of 48 partitions) went.
  EXPECT_LT(after, before - before / 8) << "before " << before << ", after " << after;
  EXPECT_EQ(Count(all), kept_per_host);
  EXPECT_EQ(ListedKeys("m"), 4u * kept_per_host);

  // Expiry switched off: rows not removed yet come back, removed quanta do not.
  Exec("ALTER TABLE m WITH (expiration = disabled)");
  EXPECT_EQ(Count(all), 12 * 1200 - 3 * 1200);
}

// A range DELETE (docs/sql.md "DELETE of a time range"): the rows are gone at once, and the
// lifecycle thread, poked by the DELETE, takes their bytes off the disk in the background.
TEST_F(LifecycleTest, RangeDeleteGivesItsBytesBackInTheBackground) {
  Exec("CREATE TABLE m (host VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, v SINT64, "
       "PRIMARY KEY ((host, QUANTUM(ts, 1, 'h')), host, ts))");
  ASSERT_NO_FATAL_FAILURE(LoadHosts());
  ASSERT_TRUE(svc_->store().Compact().ok());
  ASSERT_TRUE(svc_->store().Flush().ok());
  const uint64_t before = svc_->store().Stats().sst_bytes;
  const uint64_t reclaims_before = svc_->store().Stats().space_reclaims;

  // Two of the four series, every hour but the last one.
  const std::string range = " AND ts >= " + std::to_string(kT0) + " AND ts < " +
                            std::to_string(kT0 + 11 * kHour);
  Exec("DELETE FROM m WHERE host = 'h1'" + range);
  Exec("DELETE FROM m WHERE host = 'h2'" + range);
  const std::string all = " AND ts >= " + std::to_string(kT0) + " AND ts < " +
                          std::to_string(kT0 + 12 * kHour);
  EXPECT_EQ(Count("host = 'h1'" + all), 1200);
  EXPECT_EQ(Count("host = 'h2'" + all), 1200);
  EXPECT_EQ(Count("host = 'h3'" + all), 12 * 1200);
  EXPECT_EQ(ListedKeys("m"), 2u * 12 * 1200 + 2u * 1200);

  // No RunLifecycle here: the background pass the DELETEs poked (the fixture's interval is an
  // hour) must compact the deleted ranges. 22 of 48 partitions went: the bytes fall by more
  // than a third.
  uint64_t after = before;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    after = svc_->store().Stats().sst_bytes;
    if (svc_->store().Stats().space_reclaims > reclaims_before && after < before - before / 3) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  RecordProperty("sst_bytes_before", std::to_string(before));
  RecordProperty("sst_bytes_after", std::to_string(after));
  EXPECT_GT(svc_->store().Stats().space_reclaims, reclaims_before);
  EXPECT_LT(after, before - before / 3) << "before " << before << ", after " << after;
  EXPECT_EQ(Count("host = 'h1'" + all), 1200);
  EXPECT_EQ(ListedKeys("m"), 2u * 12 * 1200 + 2u * 1200);
}

TEST_F(LifecycleTest, DropTableUnderConcurrentWritesAndQueries) {
  const std::string create =
      "CREATE TABLE d (k VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, v SINT64, "
      "PRIMARY KEY ((k, QUANTUM(ts, 1, 's')), k, ts))";
  Exec(create);
  std::vector<schema::TableDefPtr> old_defs;
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> writes_ok{0}, reads_ok{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < 3; ++w) {
    threads.emplace_back([&, w] {
      int64_t i = 0;
      while (!stop.load()) {
        std::vector<Row> rows;
        for (int j = 0; j < 50; ++j, ++i) {
          rows.push_back({Value::Bytes("w" + std::to_string(w)), Value::Int(1 + (i % 5000)),
                          Value::Int(i)});
        }
        Status st = (i / 50) % 2 ? svc_->Put("d", std::move(rows))
                                 : Run("INSERT INTO d VALUES ('w" + std::to_string(w) + "', " +
                                       std::to_string(1 + i % 5000) + ", 1)");
        if (st.ok()) {
          writes_ok++;
        } else {
          EXPECT_EQ(st.code(), ErrorCode::kTableInactive) << st.ToString();
        }
      }
    });
  }
  for (int r = 0; r < 2; ++r) {
    threads.emplace_back([&, r] {
      while (!stop.load()) {
        QueryOutcome out;
        Status st = Run("SELECT COUNT(*), MAX(v) FROM d WHERE k = 'w" + std::to_string(r) +
                            "' AND ts >= 1 AND ts < 5001",
                        &out);
        if (st.ok()) {
          reads_ok++;
        } else {
          EXPECT_EQ(st.code(), ErrorCode::kTableInactive) << st.ToString();
        }
        st = svc_->ListKeys("d", [](std::vector<Row>&&) { return Status::OK(); });
        if (!st.ok()) {
          EXPECT_EQ(st.code(), ErrorCode::kTableInactive) << st.ToString();
        }
      }
    });
  }
  for (int round = 0; round < 100; ++round) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    auto def = svc_->FindTable("d");
    ASSERT_TRUE(def.ok());
    old_defs.push_back(*def);
    Exec("DROP TABLE d");
    Exec(create);
    auto fresh = svc_->FindTable("d");
    ASSERT_TRUE(fresh.ok());
    EXPECT_GT((*fresh)->id, (*def)->id);  // never an id used before
  }
  stop = true;
  for (auto& t : threads) t.join();
  EXPECT_GT(writes_ok.load(), 0u);
  EXPECT_GT(reads_ok.load(), 0u);
  RecordProperty("writes_ok", std::to_string(writes_ok.load()));
  RecordProperty("reads_ok", std::to_string(reads_ok.load()));

  // Dropped and created again with no writer left: empty, and it stays empty across a pass of
  // the lifecycle; no row is left under any dropped table's id.
  old_defs.push_back(*svc_->FindTable("d"));
  Exec("DROP TABLE d");
  Exec(create);
  ASSERT_TRUE(svc_->RunLifecycle().ok());
  EXPECT_EQ(ListedKeys("d"), 0u);
  QueryOutcome out;
  ASSERT_TRUE(Run("SELECT COUNT(*) FROM d WHERE k = 'w0' AND ts >= 1 AND ts < 5001", &out).ok());
  EXPECT_EQ(out.result.rows.at(0).at(0).as_int(), 0);
  size_t orphans = 0;
  for (const auto& def : old_defs) {
    ASSERT_TRUE(svc_->store()
                    .ListKeys(*def,
                              [&](std::vector<Row>&& keys) {
                                orphans += keys.size();
                                return Status::OK();
                              })
                    .ok());
  }
  EXPECT_EQ(orphans, 0u) << "rows written under a dropped table's id";
}

// A table dropped just before a crash-free restart keeps its name free and its id unused.
TEST_F(LifecycleTest, DroppedIdsAreNotReusedAfterRestart) {
  Exec("CREATE TABLE a1 (k VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, "
       "PRIMARY KEY ((k, QUANTUM(ts, 1, 's')), k, ts))");
  Exec("CREATE TABLE a2 (k VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, "
       "PRIMARY KEY ((k, QUANTUM(ts, 1, 's')), k, ts))");
  ASSERT_TRUE(svc_->Put("a2", {{Value::Bytes("x"), Value::Int(5)}}).ok());
  const uint32_t dropped_id = (*svc_->FindTable("a2"))->id;
  Exec("DROP TABLE a2");
  ASSERT_TRUE(svc_->Close().ok());
  svc_.reset();
  ServiceOptions o;
  o.data_dir = dir_.string();
  o.min_free_space_bytes = 0;
  auto s = TsService::Open(o);
  ASSERT_TRUE(s.ok());
  svc_ = std::move(s).value();
  Exec("CREATE TABLE a2 (k VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, "
       "PRIMARY KEY ((k, QUANTUM(ts, 1, 's')), k, ts))");
  EXPECT_GT((*svc_->FindTable("a2"))->id, dropped_id);
  EXPECT_EQ(ListedKeys("a2"), 0u);
}

}  // namespace
}  // namespace quanta::service
