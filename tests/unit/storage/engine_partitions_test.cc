// Store::ListPartitions: the partitions of a time range, from head rows and sealed chunks
// alike, in key order, bounded by `max` and by the seeks it may take.
#include <gtest/gtest.h>

#include <algorithm>

#include "schema/time_slices.h"
#include "temp_store.h"
#include "test_tables.h"

namespace quanta::storage {
namespace {

constexpr int64_t kQ = 15 * 60 * 1000;  // GeoTable's quantum

std::vector<Row> Rows(const std::vector<std::pair<std::string, int64_t>>& keys) {
  std::vector<Row> rows;
  for (const auto& [state, t] : keys) {
    rows.push_back({Value::Bytes("r"), Value::Bytes(state), Value::Int(t), Value::Bytes("w"),
                    Value::Double(1.0)});
  }
  return rows;
}

std::vector<std::string> Names(const std::vector<Row>& partitions) {
  std::vector<std::string> out;
  for (const Row& p : partitions) {
    out.push_back(p[1].as_bytes() + "@" + std::to_string(p[2].as_int() / kQ));
  }
  return out;
}

TEST(EnginePartitionsTest, ListsThePartitionsOfARange) {
  testing::TempStore temp("partitions");
  ASSERT_NE(temp.store(), nullptr);
  Store& store = *temp.store();
  schema::TableDef t = testing::GeoTable(1);
  store.AttachTable(t);
  // Series a: quanta 0, 1, 5; series b: quantum 2; series c: quantum 9 (outside 0..5).
  ASSERT_TRUE(store.Put(t, Rows({{"a", 10}, {"a", kQ + 1}, {"a", 5 * kQ}, {"b", 2 * kQ + 7},
                                 {"c", 9 * kQ}}))
                  .ok());
  // Sealed chunks for a and b, head rows on top for a.
  ASSERT_TRUE(store.Compact().ok());
  ASSERT_TRUE(store.Put(t, Rows({{"a", 3 * kQ}, {"d", 4 * kQ}})).ok());
  auto all = store.ListPartitions(t, 0, 5 * kQ, 100, 1000);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(Names(*all), (std::vector<std::string>{"a@0", "a@1", "a@3", "a@5", "b@2", "d@4"}));
  auto some = store.ListPartitions(t, kQ, 3 * kQ, 100, 1000);
  ASSERT_TRUE(some.ok());
  EXPECT_EQ(Names(*some), (std::vector<std::string>{"a@1", "a@3", "b@2"}));
  auto none = store.ListPartitions(t, 6 * kQ, 8 * kQ, 100, 1000);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  // At most max + 1: the caller can tell that there were more.
  auto capped = store.ListPartitions(t, 0, 5 * kQ, 2, 1000);
  ASSERT_TRUE(capped.ok());
  EXPECT_EQ(capped->size(), 3u);
  // A walk that would take too many seeks stops with 1025.
  auto steps = store.ListPartitions(t, 0, 5 * kQ, 100, 3);
  ASSERT_FALSE(steps.ok());
  EXPECT_EQ(steps.status().code(), ErrorCode::kQuantaLimit);
}

// With time slices the store keeps each quantum as several partitions, yet lists table quanta
// (once each), and a scan of a quantum reads its slices in time order.
TEST(EnginePartitionsTest, TimeSlicesListTableQuantaOnce) {
  testing::TempStore temp("partitions_slices");
  ASSERT_NE(temp.store(), nullptr);
  Store& store = *temp.store();
  for (bool desc : {false, true}) {
    schema::TableDef t = testing::GeoTable(desc ? 3 : 2, desc);
    t.properties.emplace_back("time_slices", schema::PropValue::Int(5));  // 3-minute slices
    ASSERT_TRUE(schema::ValidateTimeSlices(t).ok());
    store.AttachTable(t);
    constexpr int64_t kS = kQ / 5;
    // Series a: every slice of quantum 1, two of quantum 3; series b: the last slice of 2.
    std::vector<std::pair<std::string, int64_t>> keys;
    for (int64_t i = 0; i < 5; ++i) keys.push_back({"a", kQ + i * kS + 7});
    keys.push_back({"a", 3 * kQ});
    keys.push_back({"a", 4 * kQ - 1});
    keys.push_back({"b", 3 * kQ - 1});
    ASSERT_TRUE(store.Put(t, Rows(keys)).ok());
    ASSERT_TRUE(store.Compact().ok());  // some sealed, some in the head
    ASSERT_TRUE(store.Put(t, Rows({{"a", kQ + 2 * kS}})).ok());
    auto all = store.ListPartitions(t, 0, 5 * kQ, 100, 1000);
    ASSERT_TRUE(all.ok()) << all.status().ToString();
    EXPECT_EQ(Names(*all), (std::vector<std::string>{"a@1", "a@3", "b@2"}));
    for (const Row& p : *all) EXPECT_EQ(p[2].as_int() % kQ, 0);  // table quantum starts
    // More than max: max + 1 quanta, however many slices each has.
    auto capped = store.ListPartitions(t, 0, 5 * kQ, 1, 1000);
    ASSERT_TRUE(capped.ok());
    EXPECT_EQ(capped->size(), 2u);
    // A scan of quantum 1 returns its 6 rows in time order (newest first when DESC).
    ScanRange range;
    range.partition = {Value::Bytes("r"), Value::Bytes("a"), Value::Int(kQ)};
    auto cursor = store.Scan(t, range, {});
    ASSERT_TRUE(cursor.ok());
    std::vector<int64_t> times;
    RowBatch batch;
    while (true) {
      auto more = (*cursor)->Next(&batch);
      ASSERT_TRUE(more.ok());
      if (!*more) break;
      for (size_t i = 0; i < batch.num_rows; ++i) times.push_back(batch.columns[2].ints[i]);
    }
    std::vector<int64_t> want;
    for (int64_t i = 0; i < 5; ++i) want.push_back(kQ + i * kS + 7);
    want.insert(want.begin() + 3, kQ + 2 * kS);
    std::sort(want.begin(), want.end());
    if (desc) std::reverse(want.begin(), want.end());
    EXPECT_EQ(times, want) << (desc ? "DESC" : "ASC");
  }
}

}  // namespace
}  // namespace quanta::storage
