// Deleting many rows at once (storage/engine/lifecycle.h): range deletions over head rows and
// sealed chunks (whole chunks inside the range, chunks straddling a bound), and expiry by whole
// partitions, checked against a model of the rows, and the bytes on disk after ReclaimSpace.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "storage/store.h"
#include "temp_store.h"
#include "test_tables.h"

namespace quanta::storage {
namespace {

// A fixed expiry cutoff (Store::DropExpired asks for it).
storage::Store::ExpiryCutoffFn At(int64_t cutoff) {
  return [cutoff] { return std::optional<int64_t>(cutoff); };
}

using testing::Col;
using testing::LkCol;
using testing::MakeTable;
using testing::TempStore;

// k VARCHAR, t TIMESTAMP, v SINT64; PRIMARY KEY ((k, QUANTUM(t, 10, 's')), k, t [DESC])
schema::TableDef Table(bool desc) {
  return MakeTable("lt", 7,
                   {{"k", ColumnType::kVarchar}, {"t", ColumnType::kTimestamp},
                    {"v", ColumnType::kSint64, true}},
                   {"k", "t"}, {{"k"}, {"t", desc}}, true, 10, 's');
}

Row R(const std::string& k, int64_t t, int64_t v) {
  return {Value::Bytes(k), Value::Int(t), Value::Int(v)};
}

// Every (k, t) -> v of the table, read with ListKeys and Get.
std::map<std::pair<std::string, int64_t>, int64_t> ReadAll(Store& s, const schema::TableDef& t) {
  std::map<std::pair<std::string, int64_t>, int64_t> out;
  Status st = s.ListKeys(t, [&](std::vector<Row>&& keys) {
    for (const Row& k : keys) {
      auto got = s.Get(t, k);
      EXPECT_TRUE(got.ok() && got->has_value());
      if (got.ok() && got->has_value()) {
        out[{std::string(k[0].as_bytes()), k[1].as_int()}] = (**got)[2].as_int();
      }
    }
    return Status::OK();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

// The rows a scan of the whole time range of one series returns, in order.
std::vector<int64_t> ScanTimes(Store& s, const schema::TableDef& t, const std::string& k,
                               int64_t quantum_start) {
  ScanRange r;
  r.partition = {Value::Bytes(k), Value::Int(quantum_start)};
  r.time_lo = quantum_start;
  r.time_hi = quantum_start + 10000;
  auto cursor = s.Scan(t, r, {});
  EXPECT_TRUE(cursor.ok());
  std::vector<int64_t> out;
  RowBatch b;
  while (true) {
    auto more = (*cursor)->Next(&b);
    EXPECT_TRUE(more.ok());
    if (!more.ok() || !*more) break;
    for (size_t i = 0; i < b.num_rows; ++i) out.push_back(b.columns[1].ints[i]);
  }
  return out;
}

class EngineLifecycleTest : public ::testing::TestWithParam<bool> {};

// One partition of 2,000 sealed rows (chunks of 256), some upserted and deleted in the head;
// ranges that cover whole chunks and cut others, inclusive and exclusive bounds.
TEST_P(EngineLifecycleTest, DeleteRangeMatchesModel) {
  TempStore ts("lifecycle_range_" + std::to_string(GetParam()), 256);
  Store& s = *ts.store();
  const schema::TableDef t = Table(GetParam());
  std::map<std::pair<std::string, int64_t>, int64_t> model;
  std::vector<Row> rows;
  for (int64_t i = 0; i < 2000; ++i) {
    rows.push_back(R("a", 1 + i * 4, i));  // t = 1 .. 7997, one quantum (0 .. 9999)
    model[{"a", 1 + i * 4}] = i;
    rows.push_back(R("b", 1 + i * 4, -i));
    model[{"b", 1 + i * 4}] = -i;
  }
  ASSERT_TRUE(s.Put(t, rows).ok());
  ASSERT_TRUE(s.Compact().ok());  // sealed into chunks
  // Head entries over sealed rows: an upsert and a tombstone inside the next range, and one
  // outside it.
  ASSERT_TRUE(s.Put(t, std::vector<Row>{R("a", 2001, 99)}).ok());
  ASSERT_TRUE(s.Delete(t, {Value::Bytes("a"), Value::Int(2005)}).ok());
  ASSERT_TRUE(s.Put(t, std::vector<Row>{R("a", 401, 77)}).ok());
  model[{"a", 401}] = 77;
  model.erase({"a", 2005});

  struct Case {
    int64_t lo;
    bool lo_incl;
    int64_t hi;
    bool hi_incl;
  };
  const Case cases[] = {{1001, false, 5001, true}, {5001, true, 5001, true},
                        {0, true, 101, false},     {7000, true, 9999, true}};
  for (const Case& c : cases) {
    ScanRange r;
    r.partition = {Value::Bytes("a"), Value::Int(0)};
    r.time_lo = c.lo;
    r.time_lo_inclusive = c.lo_incl;
    r.time_hi = c.hi;
    r.time_hi_inclusive = c.hi_incl;
    ASSERT_TRUE(s.DeleteRange(t, r).ok());
    for (auto it = model.begin(); it != model.end();) {
      const int64_t tt = it->first.second;
      const bool in = it->first.first == "a" && (c.lo_incl ? tt >= c.lo : tt > c.lo) &&
                      (c.hi_incl ? tt <= c.hi : tt < c.hi);
      it = in ? model.erase(it) : std::next(it);
    }
    EXPECT_EQ(ReadAll(s, t), model) << "after deleting " << c.lo << ".." << c.hi;
  }
  EXPECT_GT(s.Stats().chunks_deleted, 0u);
  RecordProperty("chunks_deleted", std::to_string(s.Stats().chunks_deleted));
  // A scan agrees, in key order, and after sealing again too.
  std::vector<int64_t> expected;
  for (const auto& [key, v] : model) {
    if (key.first == "a") expected.push_back(key.second);
  }
  if (GetParam()) std::reverse(expected.begin(), expected.end());
  EXPECT_EQ(ScanTimes(s, t, "a", 0), expected);
  ASSERT_TRUE(s.Compact().ok());
  EXPECT_EQ(ScanTimes(s, t, "a", 0), expected);
  EXPECT_EQ(ReadAll(s, t), model);
}

// Expiry by whole partitions: quanta wholly at or before the cutoff go, the quantum holding
// the cutoff stays whole, other series and tables are untouched; the bytes leave the disk.
TEST_P(EngineLifecycleTest, DropExpiredRemovesWholeQuantaAndReclaimsSpace) {
  TempStore ts("lifecycle_expiry_" + std::to_string(GetParam()), 256);
  Store& s = *ts.store();
  const schema::TableDef t = Table(GetParam());
  schema::TableDef other = Table(GetParam());
  other.id = 8;
  // 3 series x 20 quanta x 500 rows, with incompressible values.
  std::vector<Row> rows;
  uint64_t x = 88172645463325252ull;
  for (const char* k : {"a", "b", "c"}) {
    for (int64_t q = 0; q < 20; ++q) {
      for (int64_t i = 0; i < 500; ++i) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        rows.push_back(R(k, 1 + q * 10000 + i * 20, static_cast<int64_t>(x >> 1)));
      }
    }
  }
  ASSERT_TRUE(s.Put(t, rows).ok());
  ASSERT_TRUE(s.Put(other, rows).ok());
  ASSERT_TRUE(s.Compact().ok());
  // A head row in an expired quantum (written after the seal) goes too.
  ASSERT_TRUE(s.Put(t, std::vector<Row>{R("a", 5, 1)}).ok());
  ASSERT_TRUE(s.Flush().ok());
  const uint64_t before = s.Stats().sst_bytes;

  // Cutoff 125000: quanta 0..11 (ending at 119999) expire; quantum 12 holds the cutoff.
  auto removed = s.DropExpired(t, At(125000), 1000);
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_EQ(*removed, 36u);
  EXPECT_EQ(s.Stats().partitions_expired, 36u);
  auto left = ReadAll(s, t);
  EXPECT_EQ(left.size(), 3u * 8 * 500);
  EXPECT_EQ(left.begin()->first.second, 120001);  // the quantum holding the cutoff, whole
  EXPECT_EQ(ReadAll(s, other).size(), rows.size());
  // Nothing more to remove at the same cutoff; a bounded call removes at most its limit.
  EXPECT_EQ(*s.DropExpired(t, At(125000), 1000), 0u);
  EXPECT_EQ(*s.DropExpired(t, At(139999), 2), 2u);
  // Expiry ended (ALTER TABLE) or the retention lengthened after the partitions were listed:
  // a partition is removed only while the cutoff asked under its lock is still as far.
  int asked = 0;
  auto ended = [&asked]() -> std::optional<int64_t> {
    return asked++ == 0 ? std::optional<int64_t>(200000) : std::nullopt;
  };
  EXPECT_EQ(*s.DropExpired(t, ended, 1000), 0u);
  EXPECT_EQ(asked, 2);  // once to list, once under the first partition's lock
  asked = 0;
  auto shorter = [&asked]() -> std::optional<int64_t> { return asked++ == 0 ? 200000 : 150000; };
  EXPECT_EQ(*s.DropExpired(t, shorter, 1000), 0u);
  EXPECT_EQ(ReadAll(s, t).size(), 3u * 8 * 500 - 2 * 500);

  ASSERT_TRUE(s.ReclaimSpace().ok());
  EXPECT_GT(s.Stats().space_reclaims, 0u);
  ASSERT_TRUE(s.Flush().ok());
  const uint64_t after = s.Stats().sst_bytes;
  RecordProperty("sst_bytes_before", std::to_string(before));
  RecordProperty("sst_bytes_after", std::to_string(after));
  // Half the data was two tables' worth; 38 of 60 partitions of one table went.
  EXPECT_LT(after, before - before / 5) << "before " << before << " after " << after;
}

// With time slices, expiry removes whole slices, so the quantum holding the cutoff loses the
// slices that ended before it; a range deletion and a scan cross the slices of a quantum.
TEST_P(EngineLifecycleTest, TimeSlicesExpireAndDeleteBySlice) {
  TempStore ts("lifecycle_slices_" + std::to_string(GetParam()), 256);
  Store& s = *ts.store();
  schema::TableDef t = Table(GetParam());
  t.properties.emplace_back("time_slices", schema::PropValue::Int(5));  // 2-second slices
  std::vector<Row> rows;
  for (int64_t q = 0; q < 20; ++q) {
    for (int64_t i = 0; i < 500; ++i) rows.push_back(R("a", 1 + q * 10000 + i * 20, i));
  }
  ASSERT_TRUE(s.Put(t, rows).ok());
  ASSERT_TRUE(s.Compact().ok());
  // Cutoff 125000: quanta 0..11, and the slices of quantum 12 ending at 121999 and 123999.
  auto removed = s.DropExpired(t, At(125000), 1000);
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_EQ(*removed, 12u * 5 + 2);
  auto left = ReadAll(s, t);
  EXPECT_EQ(left.size(), 8u * 500 - 2 * 100);
  EXPECT_EQ(left.begin()->first.second, 124001);
  // A range deletion from the middle of one slice to the middle of another.
  ScanRange r;
  r.partition = {Value::Bytes("a"), Value::Int(130000)};
  r.time_lo = 131001;
  r.time_hi = 137001;
  ASSERT_TRUE(s.DeleteRange(t, r).ok());
  std::vector<int64_t> expected;
  for (int64_t i = 0; i < 500; ++i) {
    const int64_t tt = 130001 + i * 20;
    if (tt < 131001 || tt >= 137001) expected.push_back(tt);
  }
  if (GetParam()) std::reverse(expected.begin(), expected.end());
  EXPECT_EQ(ScanTimes(s, t, "a", 130000), expected);
  EXPECT_EQ(ReadAll(s, t).size(), 8u * 500 - 2 * 100 - 300);
}

// DropTableData empties the table; ReclaimSpace takes its bytes off the disk.
TEST_P(EngineLifecycleTest, DropTableDataReclaimsSpace) {
  TempStore ts("lifecycle_drop_" + std::to_string(GetParam()), 256);
  Store& s = *ts.store();
  const schema::TableDef t = Table(GetParam());
  std::vector<Row> rows;
  uint64_t x = 2463534242ull;
  for (int64_t i = 0; i < 30000; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    rows.push_back(R(i % 2 ? "a" : "b", 1 + i * 7, static_cast<int64_t>(x)));
  }
  ASSERT_TRUE(s.Put(t, rows).ok());
  ASSERT_TRUE(s.Compact().ok());
  const uint64_t before = s.Stats().sst_bytes;
  ASSERT_TRUE(s.DropTableData(t).ok());
  EXPECT_TRUE(ReadAll(s, t).empty());
  ASSERT_TRUE(s.ReclaimSpace().ok());
  ASSERT_TRUE(s.Flush().ok());
  RecordProperty("sst_bytes_before", std::to_string(before));
  RecordProperty("sst_bytes_after", std::to_string(s.Stats().sst_bytes));
  EXPECT_LT(s.Stats().sst_bytes, before / 4) << "before " << before;
}

INSTANTIATE_TEST_SUITE_P(AscDesc, EngineLifecycleTest, ::testing::Bool());

}  // namespace
}  // namespace quanta::storage
