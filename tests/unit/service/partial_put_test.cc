// A put whose batch is written on some partitions and refused on others (a backend that
// applies a batch per partition, as RADOS does): Riak's 1004 "Failed to put N record(s)" for a
// PB put, 1001 with the same text for INSERT, N = the rows not written, and the rows of the
// other partitions kept (riak_ts.md 9.1: rows are not atomic across partitions). A put that
// fails on every partition keeps its own error. The backend here is RocksDB behind a wrapper
// that writes a batch partition by partition and refuses the partitions whose key holds a
// chosen word.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "service/ingest_writer.h"
#include "service/ts_service.h"
#include "storage/backend/rocksdb_backend.h"
#include "storage/store.h"

namespace quanta::service {
namespace {

using storage::Backend;
using storage::WriteBatch;

class PartitionFailingBackend final : public Backend {
 public:
  explicit PartitionFailingBackend(std::unique_ptr<Backend> inner) : inner_(std::move(inner)) {}

  // Partitions (groups) whose id contains `word` are refused with `error`.
  void FailPartitionsWith(std::string word, Status error) {
    word_ = std::move(word);
    error_ = std::move(error);
  }

  // Groups the entries by partition, as RADOS groups them by object, and writes each group
  // apart; a refused group writes nothing.
  Status WriteReporting(const WriteBatch& batch, bool sync, std::vector<bool>* applied) override {
    std::map<std::string, std::vector<uint32_t>> groups;
    const auto& entries = batch.entries();
    for (uint32_t i = 0; i < entries.size(); ++i) {
      std::string_view key = batch.key(entries[i]);
      storage::KeyPlacement p = splitter_->Place(key);
      std::string group = p.shared || p.group_end == storage::KeyPlacement::kUnknown
                              ? std::string()
                              : std::string(key.substr(p.space_end, p.group_end - p.space_end));
      groups[group].push_back(i);
    }
    applied->assign(entries.size(), false);
    Status first;
    for (const auto& [group, indexes] : groups) {
      Status st;
      if (!word_.empty() && group.find(word_) != std::string::npos) {
        st = error_;
      } else {
        WriteBatch part;
        for (uint32_t i : indexes) {
          const WriteBatch::Entry& e = entries[i];
          switch (e.op) {
            case WriteBatch::Op::kPut: part.Put(batch.key(e), batch.value(e)); break;
            case WriteBatch::Op::kDelete: part.Delete(batch.key(e)); break;
            case WriteBatch::Op::kDeleteRange: part.DeleteRange(batch.key(e), batch.value(e)); break;
            case WriteBatch::Op::kExpect: part.Expect(batch.key(e), batch.value(e)); break;
          }
        }
        st = inner_->Write(part, sync);
      }
      if (st.ok()) {
        for (uint32_t i : indexes) (*applied)[i] = true;
      } else if (first.ok()) {
        first = st;
      }
    }
    return first;
  }

  Status Write(const WriteBatch& batch, bool sync) override { return inner_->Write(batch, sync); }
  Result<std::optional<std::string>> Get(std::string_view key,
                                         const storage::Snapshot* snapshot = nullptr) override {
    return inner_->Get(key, snapshot);
  }
  std::unique_ptr<storage::Iterator> NewIterator(const storage::IteratorOptions& options,
                                                 const storage::Snapshot* snapshot = nullptr) override {
    return inner_->NewIterator(options, snapshot);
  }
  std::unique_ptr<storage::Snapshot> NewSnapshot() override { return inner_->NewSnapshot(); }
  Status Flush() override { return inner_->Flush(); }
  Status Compact() override { return inner_->Compact(); }
  uint64_t ApproximateDiskBytes() override { return inner_->ApproximateDiskBytes(); }
  storage::BackendStats Stats() override { return inner_->Stats(); }
  void SetKeySplitter(const storage::KeySplitter* splitter) override { splitter_ = splitter; }

 private:
  std::unique_ptr<Backend> inner_;
  const storage::KeySplitter* splitter_ = nullptr;
  std::string word_;
  Status error_;
};

class PartialPutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("quanta_partial_put_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    storage::RocksDbOptions ro;
    ro.data_dir = dir_.string();
    ro.min_free_space_bytes = 0;
    auto inner = storage::OpenRocksDbBackend(ro);
    ASSERT_TRUE(inner.ok()) << inner.error().ToString();
    auto backend = std::make_unique<PartitionFailingBackend>(std::move(inner).value());
    backend_ = backend.get();
    auto store = storage::OpenStore(std::move(backend), storage::StoreOptions{});
    ASSERT_TRUE(store.ok()) << store.error().ToString();
    ServiceOptions o;
    o.data_dir = dir_.string();
    auto svc = TsService::OpenWithStore(o, std::move(store).value());
    ASSERT_TRUE(svc.ok()) << svc.error().ToString();
    svc_ = std::move(svc).value();
    // Partition key (site, 15-minute quantum): each site and quantum is a partition.
    Exec("CREATE TABLE t (site VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, v SINT64, "
         "PRIMARY KEY ((site, QUANTUM(ts, 15, 'm')), site, ts))");
  }
  void TearDown() override {
    svc_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Exec(const std::string& sql) {
    QueryOutcome out;
    Status st = svc_->Query(sql, {}, &out);
    ASSERT_TRUE(st.ok()) << sql << " -> " << st.ToString();
  }
  static Row R(const char* site, int64_t ts, int64_t v) {
    return {Value::Bytes(site), Value::Int(ts), Value::Int(v)};
  }
  // The rows of `site` in the first hour, as "ts=v".
  std::vector<std::string> Rows(const std::string& site) {
    QueryOutcome out;
    Status st = svc_->Query("SELECT ts, v FROM t WHERE site = '" + site +
                                "' AND ts >= 1 AND ts < 3600000",
                            {}, &out);
    EXPECT_TRUE(st.ok()) << st.ToString();
    std::vector<std::string> got;
    for (const Row& r : out.result.rows) {
      got.push_back(std::to_string(r[0].as_int()) + "=" + std::to_string(r[1].as_int()));
    }
    return got;
  }

  std::filesystem::path dir_;
  PartitionFailingBackend* backend_ = nullptr;
  std::unique_ptr<TsService> svc_;
};

constexpr int64_t kQuantum = 15 * 60 * 1000;

TEST_F(PartialPutTest, PutFailingOnSomePartitionsIs1004WithTheRowsNotWritten) {
  backend_->FailPartitionsWith("down", Status(ErrorCode::kTimeout, "storage: RADOS write timed out"));
  // Five partitions: "up" in two quanta (3 rows), "down" in two quanta (4 rows), "also" (1).
  Status st = svc_->Put("t", {R("up", 1, 1), R("down", 2, 2), R("up", kQuantum + 1, 3),
                              R("down", kQuantum + 2, 4), R("down", kQuantum + 3, 5),
                              R("also", 4, 6), R("up", 5, 7), R("down", 6, 8)});
  EXPECT_EQ(st.code(), ErrorCode::kPut);
  EXPECT_EQ(st.riak_code(), 1004);
  EXPECT_EQ(st.message(), "Failed to put 4 record(s)");
  EXPECT_NE(st.detail().find("timed out"), std::string::npos) << st.detail();
  // What was written is kept; nothing of the refused partitions is there.
  EXPECT_EQ(Rows("up"), (std::vector<std::string>{"1=1", "5=7", std::to_string(kQuantum + 1) + "=3"}));
  EXPECT_EQ(Rows("also"), std::vector<std::string>{"4=6"});
  EXPECT_TRUE(Rows("down").empty());
  auto got = svc_->Get("t", {Value::Bytes("up"), Value::Int(5)});
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((**got)[2], Value::Int(7));
}

// A partition bringing many rows at once is written as chunks (direct chunks): its rows count
// as kept or refused like head rows.
TEST_F(PartialPutTest, PartitionsWrittenAsChunksCountTheirRows) {
  backend_->FailPartitionsWith("down", Status(ErrorCode::kIoError, "storage: injected"));
  std::vector<Row> rows;
  for (int i = 0; i < 5000; ++i) rows.push_back(R("up", 1 + i, i));
  for (int i = 0; i < 5000; ++i) rows.push_back(R("down", 1 + i, i));
  rows.push_back(R("also", 1, 1));
  Status st = svc_->Put("t", rows);
  EXPECT_EQ(st.riak_code(), 1004);
  EXPECT_EQ(st.message(), "Failed to put 5000 record(s)");
  EXPECT_EQ(Rows("up").size(), 5000u);
  EXPECT_EQ(Rows("also").size(), 1u);
  EXPECT_TRUE(Rows("down").empty());
  EXPECT_GT(svc_->store().Stats().rows_direct, 0u) << "no partition was written as chunks";
}

TEST_F(PartialPutTest, InsertFailingOnSomePartitionsIs1001WithTheSameText) {
  backend_->FailPartitionsWith("down", Status(ErrorCode::kIoError, "storage: injected"));
  QueryOutcome out;
  Status st = svc_->Query("INSERT INTO t VALUES ('up', 1, 1), ('down', 2, 2), ('down', 3, 3)",
                          {}, &out);
  EXPECT_EQ(st.riak_code(), 1001);
  EXPECT_EQ(st.message(), "Failed to put 2 record(s)");
  EXPECT_EQ(Rows("up"), std::vector<std::string>{"1=1"});
  EXPECT_TRUE(Rows("down").empty());
}

TEST_F(PartialPutTest, PutFailingOnEveryPartitionKeepsItsOwnError) {
  backend_->FailPartitionsWith("down", Status(ErrorCode::kTimeout, "storage: RADOS write timed out"));
  Status st = svc_->Put("t", {R("down", 1, 1), R("down", kQuantum + 1, 2)});
  EXPECT_EQ(st.code(), ErrorCode::kTimeout);
  EXPECT_EQ(st.riak_code(), 1013);
  // A full pool: the "disk full" answer of a put refused as a whole.
  backend_->FailPartitionsWith("down", Status(ErrorCode::kNoSpace, "disk full"));
  st = svc_->Put("t", {R("down", 1, 1), R("down", 2, 2)});
  EXPECT_EQ(st.riak_code(), 1004);
  EXPECT_EQ(st.message(), "Failed to put 2 record(s): disk full");
  EXPECT_TRUE(Rows("down").empty());
}

TEST_F(PartialPutTest, ARetriedPutWritesTheRest) {
  backend_->FailPartitionsWith("down", Status(ErrorCode::kIoError, "storage: injected"));
  std::vector<Row> rows = {R("up", 1, 1), R("down", 2, 2)};
  EXPECT_EQ(svc_->Put("t", rows).riak_code(), 1004);
  backend_->FailPartitionsWith("", Status::OK());
  ASSERT_TRUE(svc_->Put("t", rows).ok());
  EXPECT_EQ(Rows("up"), std::vector<std::string>{"1=1"});
  EXPECT_EQ(Rows("down"), std::vector<std::string>{"2=2"});
}

// Line protocol: a batch kept in part is the server's failure, not bad lines: the request fails
// (and may be retried) instead of reporting the lines as dropped.
TEST_F(PartialPutTest, IngestFailsTheRequestInsteadOfDroppingLines) {
  IngestReport report;
  MemoryReservation memory = svc_->NewReservation();
  ASSERT_TRUE(IngestLineProtocol(*svc_, "cpu,host=up v=1 1000\n", ingest::Precision::kMilliseconds,
                                 &memory, &report).ok());
  backend_->FailPartitionsWith("down", Status(ErrorCode::kTimeout, "storage: RADOS write timed out"));
  report = IngestReport{};
  Status st = IngestLineProtocol(*svc_, "cpu,host=up v=2 2000\ncpu,host=down v=3 3000\n",
                                 ingest::Precision::kMilliseconds, &memory, &report);
  EXPECT_EQ(st.code(), ErrorCode::kPut);
  EXPECT_EQ(st.message(), "Failed to put 1 record(s)");
  EXPECT_EQ(report.dropped, 0u);
}

}  // namespace
}  // namespace quanta::service
