#include "storage/row_codec.h"

#include <gtest/gtest.h>

#include <random>

#include "common/coding.h"
#include "test_tables.h"

namespace quanta::storage {
namespace {

using testing::MakeTable;

// a, t are key columns; the rest are values, some nullable.
schema::TableDef ValueTable() {
  return MakeTable("v", 1,
                   {{"a", ColumnType::kVarchar},
                    {"t", ColumnType::kTimestamp},
                    {"i", ColumnType::kSint64, true},
                    {"d", ColumnType::kDouble, true},
                    {"s", ColumnType::kVarchar, true},
                    {"b", ColumnType::kBoolean, true},
                    {"x", ColumnType::kBlob, true},
                    {"ts", ColumnType::kTimestamp, true},
                    {"nn", ColumnType::kSint64, false},
                    {"nb", ColumnType::kBoolean, false}},
                   {"a", "t"}, {{"a"}, {"t"}});
}

TEST(RowCodecTest, DocumentedExample) {
  auto t = MakeTable("t", 1,
                     {{"a", ColumnType::kVarchar},
                      {"time", ColumnType::kTimestamp},
                      {"temp", ColumnType::kDouble, true},
                      {"note", ColumnType::kVarchar, true},
                      {"ok", ColumnType::kBoolean}},
                     {"a", "time"}, {{"a"}, {"time"}}, true, 1, 'd');
  RowCodec codec(t);
  std::string out;
  codec.Encode({Value::Bytes("x"), Value::Int(1), Value::Double(20.5), Value(), Value::Bool(true)},
               &out);
  EXPECT_EQ(HexEncode(out), "0102000000000080344001");
}

TEST(RowCodecTest, RoundTripsWithRandomNulls) {
  auto t = ValueTable();
  RowCodec codec(t);
  EXPECT_EQ(codec.fields().size(), 8u);
  EXPECT_EQ(codec.bitmap_bytes(), 1u);  // 6 nullable value columns
  std::mt19937_64 rng(5);
  for (int iter = 0; iter < 2000; ++iter) {
    auto maybe = [&](Value v) { return rng() % 3 == 0 ? Value() : v; };
    int64_t big = static_cast<int64_t>(rng());
    Row row = {Value::Bytes("key"),
               Value::Int(1 + static_cast<int64_t>(rng() % 1000000)),
               maybe(Value::Int(iter % 2 ? big : -static_cast<int64_t>(iter))),
               maybe(Value::Double(static_cast<double>(big) / 7.0)),
               maybe(Value::Bytes(std::string(rng() % 40, static_cast<char>(rng())))),
               maybe(Value::Bool(rng() % 2)),
               maybe(Value::Bytes(std::string("\x00\xff", 2))),
               maybe(Value::Int(1470000000000)),
               Value::Int(std::numeric_limits<int64_t>::min() + iter),
               Value::Bool(iter % 2)};
    std::string enc;
    codec.Encode(row, &enc);

    Row back(row.size());
    back[0] = row[0];
    back[1] = row[1];
    ASSERT_TRUE(codec.Decode(enc, &back).ok());
    EXPECT_EQ(back, row);

    // Columnar path: all columns wanted except the key columns (filled elsewhere) and `s`.
    RowBatch batch;
    std::vector<ColumnType> types;
    for (const auto& c : t.columns) types.push_back(c.type);
    std::vector<bool> wanted(types.size(), true);
    wanted[0] = wanted[1] = wanted[4] = false;
    batch.Reset(types, wanted);
    ASSERT_TRUE(codec.DecodeInto(enc, &batch));
    ASSERT_TRUE(codec.DecodeInto(enc, &batch));  // twice: two rows
    batch.num_rows = 2;
    for (size_t r = 0; r < 2; ++r) {
      Row got = batch.GetRow(r);
      for (size_t c = 0; c < row.size(); ++c) {
        EXPECT_EQ(got[c], wanted[c] ? row[c] : Value()) << "column " << c;
      }
    }
    EXPECT_TRUE(batch.columns[4].strings.empty());

    // AppendInto (direct chunks: no bytes in between) appends exactly what DecodeInto does,
    // placeholders of NULL rows included.
    RowBatch direct;
    direct.Reset(types, wanted);
    codec.AppendInto(row, &direct);
    codec.AppendInto(row, &direct);
    direct.num_rows = 2;
    for (size_t c = 0; c < types.size(); ++c) {
      const ColumnVector& a = batch.columns[c];
      const ColumnVector& b = direct.columns[c];
      EXPECT_EQ(a.ints, b.ints) << "column " << c;
      EXPECT_EQ(a.strings, b.strings) << "column " << c;
      EXPECT_EQ(a.bools, b.bools) << "column " << c;
      EXPECT_EQ(a.nulls, b.nulls) << "column " << c;
      ASSERT_EQ(a.doubles.size(), b.doubles.size()) << "column " << c;
      for (size_t i = 0; i < a.doubles.size(); ++i) {
        EXPECT_EQ(coding::DoubleBits(a.doubles[i]), coding::DoubleBits(b.doubles[i]));
      }
    }
  }
}

TEST(RowCodecTest, AllKeyColumnsGiveAOneByteValue) {
  auto t = MakeTable("k", 1, {{"a", ColumnType::kVarchar}, {"t", ColumnType::kTimestamp}},
                     {"a", "t"}, {{"a"}, {"t"}});
  RowCodec codec(t);
  std::string enc;
  codec.Encode({Value::Bytes("a"), Value::Int(5)}, &enc);
  EXPECT_EQ(HexEncode(enc), "01");
}

TEST(RowCodecTest, RejectsCorruptValues) {
  auto t = ValueTable();
  RowCodec codec(t);
  Row row = {Value::Bytes("k"), Value::Int(1), Value::Int(5), Value::Double(1),
             Value::Bytes("hello"), Value::Bool(true), Value(), Value(), Value::Int(3),
             Value::Bool(false)};
  std::string enc;
  codec.Encode(row, &enc);
  Row back(row.size());
  for (size_t cut = 0; cut < enc.size(); ++cut) {
    EXPECT_EQ(codec.Decode(enc.substr(0, cut), &back).code(), ErrorCode::kCorruption) << cut;
  }
  EXPECT_EQ(codec.Decode(enc + "x", &back).code(), ErrorCode::kCorruption);
  std::string bad_version = enc;
  bad_version[0] = 9;
  EXPECT_EQ(codec.Decode(bad_version, &back).code(), ErrorCode::kCorruption);
  RowBatch batch;
  batch.Reset({ColumnType::kVarchar}, {});
  batch.Reset(std::vector<ColumnType>(row.size(), ColumnType::kVarchar),
              std::vector<bool>(row.size(), false));
  EXPECT_FALSE(codec.DecodeInto(enc.substr(0, enc.size() - 1), &batch));
}

}  // namespace
}  // namespace quanta::storage
