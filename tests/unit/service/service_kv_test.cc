// Key/value semantics of TsService (riak_ts.md section 9): validation before any write,
// key-length and key-type errors, not-found rules, list keys, restart persistence.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "service/ts_service.h"
#include "storage/store.h"

namespace quanta::service {
namespace {

class ServiceKvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("quanta_svc_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++));
    std::filesystem::remove_all(dir_);
    Open();
    Exec("CREATE TABLE t1 (k VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, v DOUBLE, "
         "PRIMARY KEY ((k, QUANTUM(ts, 15, 'm')), k, ts))");
    Exec("CREATE TABLE d1 (a SINT64 NOT NULL, b VARCHAR NOT NULL, c TIMESTAMP NOT NULL, "
         "PRIMARY KEY ((a, b, QUANTUM(c, 1, 's')), a, b DESC, c))");
  }
  void TearDown() override {
    svc_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Open(int64_t min_free_space_bytes = 0) {
    ServiceOptions o;
    o.data_dir = dir_.string();
    o.min_free_space_bytes = min_free_space_bytes;
    auto s = TsService::Open(o);
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    svc_ = std::move(s).value();
  }
  QueryOutcome Exec(const std::string& sql) {
    QueryOutcome out;
    Status st = svc_->Query(sql, {}, &out);
    EXPECT_TRUE(st.ok()) << sql << " -> " << st.ToString();
    return out;
  }
  static Row R(const char* k, int64_t ts, std::optional<double> v) {
    return {Value::Bytes(k), Value::Int(ts), v ? Value::Double(*v) : Value()};
  }

  static inline int counter_ = 0;
  std::filesystem::path dir_;
  std::unique_ptr<TsService> svc_;
};

TEST_F(ServiceKvTest, PutGetDelete) {
  ASSERT_TRUE(svc_->Put("t1", {R("a", 1420113600000, 1.5), R("a", 1420113600001, {})}).ok());
  auto got = svc_->Get("t1", {Value::Bytes("a"), Value::Int(1420113600000)});
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(**got, R("a", 1420113600000, 1.5));
  // Upsert: last write wins.
  ASSERT_TRUE(svc_->Put("t1", {R("a", 1420113600000, 2.5)}).ok());
  got = svc_->Get("t1", {Value::Bytes("a"), Value::Int(1420113600000)});
  EXPECT_EQ(**got, R("a", 1420113600000, 2.5));
  ASSERT_TRUE(svc_->Delete("t1", {Value::Bytes("a"), Value::Int(1420113600000)}).ok());
  got = svc_->Get("t1", {Value::Bytes("a"), Value::Int(1420113600000)});
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->has_value());
  Status st = svc_->Delete("t1", {Value::Bytes("a"), Value::Int(1420113600000)});
  EXPECT_EQ(st.riak_code(), 1021);
  EXPECT_EQ(st.message(), "notfound");
}

TEST_F(ServiceKvTest, InvalidBatchWritesNothing) {
  std::vector<Row> rows = {R("a", 1, 1.0), {Value::Bytes("a"), Value::Bytes("x"), Value()},
                           R("a", 3, 1.0), {Value::Bytes("a"), Value::Int(4)},
                           {Value::Bytes("a"), Value::Int(5), Value::Int(7)},
                           R("a", 0, 1.0)};
  Status st = svc_->Put("t1", rows);
  EXPECT_EQ(st.riak_code(), 1003);
  EXPECT_EQ(st.message(), "Invalid data found at row index(es) 2, 4, 5, 6");
  auto got = svc_->Get("t1", {Value::Bytes("a"), Value::Int(1)});
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->has_value());
}

TEST_F(ServiceKvTest, KeyErrors) {
  auto got = svc_->Get("t1", {Value::Bytes("a")});
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().riak_code(), 1011);
  EXPECT_EQ(got.error().message(), "Key element count mismatch (key has 2 elements but 1 supplied)");
  Status st = svc_->Delete("t1", {Value::Bytes("a"), Value::Int(1), Value::Int(2), Value::Int(3)});
  EXPECT_EQ(st.message(), "Key element count mismatch (key has 2 elements but 4 supplied)");
  // A wrong type in a DESC column is 1026; elsewhere it is simply not found.
  got = svc_->Get("d1", {Value::Int(1), Value::Int(5), Value::Int(5)});
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().riak_code(), 1026);
  EXPECT_EQ(got.error().message(), "Value of inappropriate type in compound key");
  got = svc_->Get("d1", {Value::Bytes("x"), Value::Bytes("5"), Value::Int(5)});
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->has_value());
  got = svc_->Get("nosuch", {Value::Int(1)});
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().riak_code(), 1019);
  EXPECT_EQ(got.error().message(), "nosuch is not an active table");
}

TEST_F(ServiceKvTest, DescKeysAreNatural) {
  std::vector<Row> rows;
  for (int n = 1; n <= 50; ++n) {
    rows.push_back({Value::Int(1), Value::Bytes(std::string(1, static_cast<char>(n))), Value::Int(n)});
  }
  ASSERT_TRUE(svc_->Put("d1", rows).ok());
  auto got = svc_->Get("d1", {Value::Int(1), Value::Bytes("\x05"), Value::Int(5)});
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ(**got, rows[4]);
  std::vector<Row> keys;
  ASSERT_TRUE(svc_->ListKeys("d1", [&](std::vector<Row>&& batch) {
                    for (auto& k : batch) keys.push_back(std::move(k));
                    return Status::OK();
                  }).ok());
  ASSERT_EQ(keys.size(), 50u);
  std::sort(keys.begin(), keys.end(), [](const Row& a, const Row& b) {
    return a[2].as_int() < b[2].as_int();
  });
  for (size_t i = 0; i < keys.size(); ++i) EXPECT_EQ(keys[i], rows[i]);
}

TEST_F(ServiceKvTest, SurvivesRestart) {
  ASSERT_TRUE(svc_->Put("t1", {R("a", 1420113600000, 1.5)}).ok());
  ASSERT_TRUE(svc_->Close().ok());
  svc_.reset();
  Open();
  auto got = svc_->Get("t1", {Value::Bytes("a"), Value::Int(1420113600000)});
  ASSERT_TRUE(got.ok() && got->has_value());
  auto out = Exec("SHOW TABLES");
  ASSERT_EQ(out.result.rows.size(), 2u);
  EXPECT_EQ(out.result.rows[0][0], Value::Bytes("d1"));
  // New tables after a restart get fresh ids: their rows do not mix with old tables'.
  Exec("CREATE TABLE t2 (k VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, v DOUBLE, "
       "PRIMARY KEY ((k, QUANTUM(ts, 15, 'm')), k, ts))");
  auto none = svc_->Get("t2", {Value::Bytes("a"), Value::Int(1420113600000)});
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST_F(ServiceKvTest, CompactionKeepsEveryRow) {
  std::vector<Row> rows;
  for (int i = 0; i < 5000; ++i) rows.push_back(R(i % 2 ? "b" : "a", 1000 + (i / 2) * 1000, i));
  // Arrival order differs from key order; the last of two writes to one key wins.
  rows.push_back(R("a", 1000, -1.0));
  ASSERT_TRUE(svc_->Put("t1", rows).ok());
  ASSERT_TRUE(svc_->store().Compact().ok());
  auto got = svc_->Get("t1", {Value::Bytes("a"), Value::Int(1000)});
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ(**got, R("a", 1000, -1.0));
  auto out = Exec("SELECT COUNT(*) FROM t1 WHERE k = 'b' AND ts >= 1000 AND ts < 2501000");
  ASSERT_EQ(out.result.rows.size(), 1u);
  EXPECT_EQ(out.result.rows[0][0], Value::Int(2500));
}

TEST_F(ServiceKvTest, CreateTwiceIs1014) {
  QueryOutcome out;
  Status st = svc_->Query("CREATE TABLE t1 (k VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, "
                          "PRIMARY KEY ((k, QUANTUM(ts, 15, 'm')), k, ts))",
                          {}, &out);
  EXPECT_EQ(st.riak_code(), 1014);
  EXPECT_EQ(st.message(), "Failed to create table t1: already_active");
  EXPECT_EQ(out.kind, StatementKind::kCreateTable);
}

TEST_F(ServiceKvTest, ObjectSizeLimit) {
  std::string big(600 * 1024, 'x');
  Status st = svc_->Put("t1", {{Value::Bytes(big), Value::Int(1), Value()}});
  EXPECT_EQ(st.riak_code(), 1004);
  EXPECT_EQ(st.message(), "Failed to put 1 record(s)");
  QueryOutcome out;
  st = svc_->Query("INSERT INTO t1 VALUES ('" + big + "', 1, 1.0)", {}, &out);
  EXPECT_EQ(st.riak_code(), 1001);
  EXPECT_EQ(st.message(), "Failed to put 1 record(s)");
}

// Below storage.min_free_space (here: more than any disk has) writes are refused with a clean
// "disk full" (no path): 1004 for a put, 1001 for INSERT; reads keep working.
TEST_F(ServiceKvTest, DiskFullRefusesWritesCleanly) {
  ASSERT_TRUE(svc_->Put("t1", {R("a", 1, 1.0)}).ok());
  svc_.reset();
  Open(int64_t{1} << 62);
  Status st = svc_->Put("t1", {R("a", 2, 2.0), R("a", 3, 3.0)});
  EXPECT_EQ(st.code(), ErrorCode::kNoSpace);
  EXPECT_EQ(st.riak_code(), 1004);
  EXPECT_EQ(st.message(), "Failed to put 2 record(s): disk full");
  QueryOutcome out;
  st = svc_->Query("INSERT INTO t1 VALUES ('a', 4, 4.0)", {}, &out);
  EXPECT_EQ(st.riak_code(), 1001);
  EXPECT_EQ(st.message(), "Failed to put 1 record(s): disk full");
  auto got = svc_->Get("t1", {Value::Bytes("a"), Value::Int(1)});
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->has_value());
  out = Exec("SELECT v FROM t1 WHERE k = 'a' AND ts >= 0 AND ts < 10");
  EXPECT_EQ(out.result.rows.size(), 1u);
}

// The console's row estimates (GET /console/api/tables): every table, counted exactly when
// small; a table the caller may not read has no estimate.
TEST_F(ServiceKvTest, TableRowsJson) {
  std::vector<Row> rows;
  for (int64_t i = 0; i < 250; ++i) rows.push_back(R("a", 1420113600000 + i, 1.0));
  ASSERT_TRUE(svc_->Put("t1", rows).ok());
  EXPECT_EQ(svc_->TableRowsJson(nullptr),
            "{\"tables\":[{\"name\":\"d1\",\"rows\":0,\"exact\":true,\"at_least\":false},"
            "{\"name\":\"t1\",\"rows\":250,\"exact\":true,\"at_least\":false}]}");
  auto only_t1 = [](const std::string& table) {
    return table == "t1" ? Status::OK() : Status(ErrorCode::kGeneric, "Permission denied");
  };
  EXPECT_EQ(svc_->TableRowsJson(only_t1),
            "{\"tables\":[{\"name\":\"d1\",\"rows\":null},"
            "{\"name\":\"t1\",\"rows\":250,\"exact\":true,\"at_least\":false}]}");
}

TEST_F(ServiceKvTest, CoverageContextsRestrictAQuery) {
  std::vector<Row> rows;
  for (int i = 0; i < 30; ++i) rows.push_back(R("a", 1000 + i * 60000, i));
  ASSERT_TRUE(svc_->Put("t1", rows).ok());
  const std::string sql = "SELECT * FROM t1 WHERE k = 'a' AND ts >= 1000 AND ts < 1801000";
  auto cover = svc_->Coverage(sql, "t1");
  ASSERT_TRUE(cover.ok()) << cover.error().ToString();
  ASSERT_EQ(cover->size(), 3u);  // 15-minute quanta over 30 minutes starting at 1000
  size_t total = 0;
  for (const auto& e : *cover) {
    QueryOptions qo;
    qo.cover_context = e.cover_context;
    QueryOutcome out;
    ASSERT_TRUE(svc_->Query(sql, qo, &out).ok());
    total += out.result.rows.size();
  }
  EXPECT_EQ(total, rows.size());
  QueryOptions bad;
  bad.cover_context = (*cover)[0].cover_context;
  bad.cover_context->back() ^= 1;
  QueryOutcome out;
  Status st = svc_->Query(sql, bad, &out);
  EXPECT_EQ(st.riak_code(), 1001);
  EXPECT_EQ(st.message(), "Query coverage context fails checksum");
  bad.cover_context = "garbage";
  st = svc_->Query(sql, bad, &out);
  EXPECT_EQ(st.message(), "Bad coverage context");
}

TEST_F(ServiceKvTest, CoverageGoesRoundTheClusterPeers) {
  svc_.reset();
  ServiceOptions o;
  o.data_dir = dir_.string();
  o.cluster_peers = {"10.0.0.1:8087", "10.0.0.2:18087"};
  auto s = TsService::Open(o);
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  svc_ = std::move(s).value();
  auto cover = svc_->Coverage("SELECT * FROM t1 WHERE k = 'a' AND ts >= 1000 AND ts < 1801000", "t1");
  ASSERT_TRUE(cover.ok()) << cover.error().ToString();
  ASSERT_EQ(cover->size(), 3u);
  EXPECT_EQ((*cover)[0].ip, "10.0.0.1");
  EXPECT_EQ((*cover)[0].port, 8087);
  EXPECT_EQ((*cover)[1].ip, "10.0.0.2");
  EXPECT_EQ((*cover)[1].port, 18087);
  EXPECT_EQ((*cover)[2].ip, "10.0.0.1");
}

TEST_F(ServiceKvTest, CoverageHasTheStatementBoundsOfQuery) {
  // A TsCoverageReq's SQL is as long as a PB frame allows: Coverage() must cap it and charge
  // its parse like Query() does, never parse it unbounded.
  std::string sql = "SELECT * FROM t1 WHERE k = 'a' AND ts >= 1000 AND ts < 1801000";
  std::string too_long = sql + std::string(svc_->options().max_statement_bytes, ' ');
  auto cover = svc_->Coverage(too_long, "t1");
  ASSERT_FALSE(cover.ok());
  EXPECT_EQ(cover.error().code(), ErrorCode::kMemoryLimit);
  QueryOutcome out;
  EXPECT_EQ(svc_->Query(too_long, {}, &out).code(), ErrorCode::kMemoryLimit);

  // Within the text cap but over the request's memory limit: refused before parsing.
  svc_.reset();
  ServiceOptions o;
  o.data_dir = dir_.string();
  o.min_free_space_bytes = 0;
  o.request_memory_limit_bytes = 1 << 20;
  auto s = TsService::Open(o);
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  svc_ = std::move(s).value();
  std::string big = sql + std::string(64 << 10, ' ');  // 64 KiB * 224 > 1 MiB
  cover = svc_->Coverage(big, "t1");
  ASSERT_FALSE(cover.ok());
  EXPECT_EQ(cover.error().code(), ErrorCode::kMemoryLimit);
  EXPECT_EQ(svc_->Query(big, {}, &out).code(), ErrorCode::kMemoryLimit);
  EXPECT_EQ(svc_->memory().used(), 0);
  EXPECT_TRUE(svc_->Coverage(sql, "t1").ok());
}

}  // namespace
}  // namespace quanta::service
