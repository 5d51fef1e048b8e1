// Dictionary form (batch.h): a scan that accepts it must return exactly the rows and values a
// plain scan returns, whatever mix of sealed chunks, head rows, merges and range cuts it meets,
// and every column it hands over in dictionary form must keep the form's contract.
#include <gtest/gtest.h>

#include <random>

#include "temp_store.h"
#include "test_tables.h"

namespace quanta::storage {
namespace {

using testing::MakeTable;

struct Scanned {
  std::vector<Row> rows;
  size_t dictionary_columns = 0;  // (batch, column) pairs handed over in dictionary form
  std::vector<size_t> per_column;  // the same, per column
};

Scanned Scan(Store& store, const schema::TableDef& t, const ScanRange& range,
             const std::vector<bool>& columns, bool dictionary) {
  Scanned s;
  ScanOptions so;
  so.columns = columns;
  so.allow_dictionary = dictionary;
  so.batch_rows = 100;
  auto cursor = store.Scan(t, range, so);
  EXPECT_TRUE(cursor.ok());
  if (!cursor.ok()) return s;
  RowBatch b;
  s.per_column.assign(t.columns.size(), 0);
  while (true) {
    auto more = (*cursor)->Next(&b);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok()) break;
    for (size_t c = 0; c < b.columns.size(); ++c) {
      const ColumnVector& col = b.columns[c];
      if (!col.dict) {
        EXPECT_TRUE(col.codes.empty());
        continue;
      }
      EXPECT_TRUE(dictionary);  // never unasked
      EXPECT_TRUE(col.filled);
      EXPECT_TRUE(col.type == ColumnType::kVarchar || col.type == ColumnType::kBlob);
      EXPECT_TRUE(col.strings.empty());  // wholly in dictionary form
      EXPECT_EQ(col.codes.size(), b.num_rows);
      EXPECT_EQ(col.nulls.size(), b.num_rows);
      size_t bad = 0;
      for (uint32_t code : col.codes) bad += code >= col.dict->size();
      EXPECT_EQ(bad, 0u);
      ++s.dictionary_columns;
      ++s.per_column[c];
    }
    for (size_t i = 0; i < b.num_rows; ++i) s.rows.push_back(b.GetRow(i));
    if (!*more) break;
  }
  return s;
}

TEST(EngineDictionaryTest, DictionaryFormScansEqualPlainScans) {
  testing::TempStore temp("dictionary", 256);
  ASSERT_NE(temp.store(), nullptr);
  Store& store = *temp.store();
  for (bool desc : {false, true}) {
    SCOPED_TRACE(desc ? "time DESC" : "time ASC");
    schema::TableDef t = MakeTable("d", desc ? 2 : 1,
                                   {{"host", ColumnType::kVarchar},
                                    {"ts", ColumnType::kTimestamp},
                                    {"dc", ColumnType::kVarchar},
                                    {"note", ColumnType::kVarchar, true},
                                    {"raw", ColumnType::kBlob, true},
                                    {"v", ColumnType::kDouble, true}},
                                   {"host", "ts"}, {{"host"}, {"ts", desc}}, true, 1, 'h');
    store.AttachTable(t);
    std::mt19937_64 rng(desc ? 4 : 3);
    auto row = [&](int64_t ts) {
      Row r{Value::Bytes("h1"), Value::Int(ts), Value::Bytes("dc-" + std::to_string(rng() % 4)),
            Value::Null(), Value::Null(), Value::Null()};
      // Low cardinality in the first half hour (dictionary-encoded chunks), unique strings in
      // the second (plain chunks), empty strings and NULLs throughout.
      if (rng() % 5) {
        r[3] = Value::Bytes(ts < 1800000 ? (rng() % 6 ? "n" + std::to_string(rng() % 3) : "")
                                         : "unique-" + std::to_string(ts));
      }
      if (rng() % 3) r[4] = Value::Bytes(std::string(rng() % 3, static_cast<char>(rng() % 2)));
      if (rng() % 4) r[5] = Value::Double(static_cast<double>(rng() % 1000) / 10);
      return r;
    };
    std::vector<Row> rows;
    for (int64_t i = 0; i < 3000; ++i) rows.push_back(row(1000 + i * 1000));
    { Status st = store.Put(t, rows); ASSERT_TRUE(st.ok()) << st.ToString(); }
    ASSERT_TRUE(store.Compact().ok());
    // Upserts, deletes and new rows in the head: merged chunks stay plain.
    rows.clear();
    for (int i = 0; i < 40; ++i) rows.push_back(row(1000 + static_cast<int64_t>(rng() % 4000) * 1000));
    { Status st = store.Put(t, rows); ASSERT_TRUE(st.ok()) << st.ToString(); }
    for (int i = 0; i < 20; ++i) {
      auto deleted = store.Delete(t, {Value::Bytes("h1"),
                                      Value::Int(1000 + static_cast<int64_t>(rng() % 3000) * 1000)});
      ASSERT_TRUE(deleted.ok());
    }
    std::vector<size_t> dictionary_columns(t.columns.size(), 0);
    for (int round = 0; round < 60; ++round) {
      SCOPED_TRACE("round " + std::to_string(round));
      ScanRange r;
      r.partition = {Value::Bytes("h1"), Value::Int(0)};
      if (round > 0) {
        int64_t a = static_cast<int64_t>(rng() % 4100) * 1000, b = static_cast<int64_t>(rng() % 4100) * 1000;
        if (a > b) std::swap(a, b);
        r.time_lo = a;
        r.time_hi = b + static_cast<int64_t>(rng() % 3);
        r.time_lo_inclusive = rng() % 2;
        r.time_hi_inclusive = rng() % 2;
      }
      // Every column, or a random subset (the time column then often left out).
      std::vector<bool> columns;
      if (round % 2) {
        for (size_t c = 0; c < t.columns.size(); ++c) columns.push_back(rng() % 2);
      }
      Scanned plain = Scan(store, t, r, columns, false);
      Scanned dict = Scan(store, t, r, columns, true);
      EXPECT_EQ(plain.dictionary_columns, 0u);
      ASSERT_EQ(plain.rows.size(), dict.rows.size());
      for (size_t i = 0; i < plain.rows.size(); ++i) {
        ASSERT_TRUE(plain.rows[i] == dict.rows[i]) << "row " << i;
      }
      for (size_t c = 0; c < t.columns.size(); ++c) dictionary_columns[c] += dict.per_column[c];
      if (round == 30) {
        ASSERT_TRUE(store.Compact().ok());  // tombstones and upserts sealed
      }
    }
    EXPECT_GT(dictionary_columns[0], 0u);  // the partition column
    EXPECT_GT(dictionary_columns[2], 0u);  // a dictionary-encoded chunk column
    EXPECT_GT(dictionary_columns[3], 0u);  // with NULLs, where its chunks are dictionaries
  }
}

}  // namespace
}  // namespace quanta::storage
