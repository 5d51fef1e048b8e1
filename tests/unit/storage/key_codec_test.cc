#include "storage/key_codec.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "test_tables.h"

namespace quanta::storage {
namespace {

using testing::Col;
using testing::MakeTable;

// Natural order of two values of the same column type: -1, 0, 1.
int CompareValues(ColumnType type, const Value& a, const Value& b) {
  switch (type) {
    case ColumnType::kSint64:
    case ColumnType::kTimestamp:
      return a.as_int() < b.as_int() ? -1 : a.as_int() > b.as_int() ? 1 : 0;
    case ColumnType::kDouble:
      return a.as_double() < b.as_double() ? -1 : a.as_double() > b.as_double() ? 1 : 0;
    case ColumnType::kBoolean:
      return static_cast<int>(a.as_bool()) - static_cast<int>(b.as_bool());
    case ColumnType::kVarchar:
    case ColumnType::kBlob: {
      int c = a.as_bytes().compare(b.as_bytes());
      return c < 0 ? -1 : c > 0 ? 1 : 0;
    }
  }
  return 0;
}

int Sign(int c) { return c < 0 ? -1 : c > 0 ? 1 : 0; }

std::string Enc(ColumnType type, const Value& v, bool desc) {
  std::string s;
  AppendKeyElement(type, v, desc, &s);
  return s;
}

// Random values biased towards edge cases: shared prefixes, zero bytes, 0xFF bytes, extremes.
class ValueGen {
 public:
  explicit ValueGen(uint32_t seed) : rng_(seed) {}

  Value Make(ColumnType type) {
    switch (type) {
      case ColumnType::kSint64:
      case ColumnType::kTimestamp: {
        static const int64_t kEdges[] = {0, 1, -1, std::numeric_limits<int64_t>::min(),
                                         std::numeric_limits<int64_t>::max(), 255, 256, -256};
        if (Pick(4) == 0) return Value::Int(kEdges[Pick(8)]);
        if (Pick(2) == 0) return Value::Int(static_cast<int64_t>(Pick(2000)) - 1000);
        return Value::Int(static_cast<int64_t>(rng_()));
      }
      case ColumnType::kDouble: {
        static const double kEdges[] = {0.0, -0.0, 1.0, -1.0, 1e-310, -1e-310,
                                        std::numeric_limits<double>::max(),
                                        -std::numeric_limits<double>::max(),
                                        std::numeric_limits<double>::min(), 0.5, -0.5};
        if (Pick(4) == 0) return Value::Double(kEdges[Pick(11)]);
        std::uniform_real_distribution<double> d(-1e6, 1e6);
        if (Pick(2) == 0) return Value::Double(d(rng_));
        double x;
        do {
          uint64_t bits = rng_();
          std::memcpy(&x, &bits, 8);
        } while (!std::isfinite(x));
        return Value::Double(x);
      }
      case ColumnType::kBoolean:
        return Value::Bool(Pick(2) == 1);
      case ColumnType::kVarchar:
      case ColumnType::kBlob: {
        static const char kAlphabet[] = {'\x00', '\x01', 'a', 'b', '\x7f', '\x80', '\xfe', '\xff'};
        std::string s;
        size_t n = Pick(6);
        for (size_t i = 0; i < n; ++i) s.push_back(kAlphabet[Pick(8)]);
        return Value::Bytes(s);
      }
    }
    return Value();
  }

  uint64_t Pick(uint64_t n) { return rng_() % n; }

 private:
  std::mt19937_64 rng_;
};

constexpr ColumnType kAllTypes[] = {ColumnType::kVarchar, ColumnType::kSint64,
                                    ColumnType::kDouble,  ColumnType::kTimestamp,
                                    ColumnType::kBoolean, ColumnType::kBlob};

TEST(KeyElementTest, MemcmpOrderEqualsValueOrderForEveryTypeAndDirection) {
  ValueGen gen(42);
  for (ColumnType type : kAllTypes) {
    for (bool desc : {false, true}) {
      for (int i = 0; i < 3000; ++i) {
        Value a = gen.Make(type), b = gen.Make(type);
        int want = CompareValues(type, a, b);
        if (desc) want = -want;
        int got = Sign(Enc(type, a, desc).compare(Enc(type, b, desc)));
        ASSERT_EQ(got, want) << ColumnTypeName(type) << (desc ? " DESC " : " ASC ")
                             << HexEncode(a.is_bytes() ? a.as_bytes() : a.DebugString())
                             << " vs "
                             << HexEncode(b.is_bytes() ? b.as_bytes() : b.DebugString());
      }
    }
  }
}

TEST(KeyElementTest, RoundTripsEveryType) {
  ValueGen gen(7);
  for (ColumnType type : kAllTypes) {
    for (bool desc : {false, true}) {
      for (int i = 0; i < 2000; ++i) {
        Value v = gen.Make(type);
        std::string enc = Enc(type, v, desc);
        enc += "tail";
        std::string_view in = enc;
        Value out;
        ASSERT_TRUE(ConsumeKeyElement(type, desc, &in, &out));
        EXPECT_EQ(in, "tail");
        if (type == ColumnType::kDouble && v.as_double() == 0) {
          EXPECT_EQ(out, Value::Double(0.0));  // -0.0 is stored as 0.0
        } else {
          EXPECT_EQ(out, v);
        }
        // The columnar path agrees, and skipping consumes the same bytes.
        ColumnVector col;
        col.type = type;
        std::string_view in2 = enc;
        ASSERT_TRUE(ConsumeKeyElementInto(type, desc, &in2, &col));
        EXPECT_EQ(col.Get(0), out);
        std::string_view in3 = enc;
        ASSERT_TRUE(ConsumeKeyElementInto(type, desc, &in3, nullptr));
        EXPECT_EQ(in3, "tail");
      }
    }
  }
}

TEST(KeyElementTest, StringPrefixesSortFirstAscendingAndLastDescending) {
  auto asc = [](const char* s, size_t n = std::string::npos) {
    return Enc(ColumnType::kVarchar, Value::Bytes(n == std::string::npos ? std::string(s)
                                                                         : std::string(s, n)),
               false);
  };
  auto desc = [](const std::string& s) { return Enc(ColumnType::kVarchar, Value::Bytes(s), true); };
  EXPECT_LT(asc(""), asc("a"));
  EXPECT_LT(asc("a"), asc("a\0", 2));
  EXPECT_LT(asc("a\0", 2), asc("ab"));
  EXPECT_LT(asc("ab"), asc("b"));
  // Q11: true descending order, "ab" before "a".
  EXPECT_LT(desc("ab"), desc("a"));
  EXPECT_LT(desc("a"), desc(""));
  EXPECT_LT(desc("b"), desc("ab"));
  EXPECT_EQ(HexEncode(asc("ab")), "61620000");
  EXPECT_EQ(HexEncode(asc("a\0b", 3)), "6100ff620000");
  EXPECT_EQ(HexEncode(desc("a")), "9effff");
}

TEST(KeyElementTest, IntegerAndDoubleExamples) {
  EXPECT_EQ(HexEncode(Enc(ColumnType::kSint64, Value::Int(-1), false)), "7fffffffffffffff");
  EXPECT_EQ(HexEncode(Enc(ColumnType::kSint64, Value::Int(1), false)), "8000000000000001");
  EXPECT_EQ(HexEncode(Enc(ColumnType::kSint64, Value::Int(1), true)), "7ffffffffffffffe");
  EXPECT_EQ(Enc(ColumnType::kDouble, Value::Double(-0.0), false),
            Enc(ColumnType::kDouble, Value::Double(0.0), false));
  EXPECT_LT(Enc(ColumnType::kDouble, Value::Double(-2.5), false),
            Enc(ColumnType::kDouble, Value::Double(-1e-300), false));
}

TEST(KeyElementTest, RejectsMalformedInput) {
  Value v;
  std::string_view in = "ab\x00";  // no terminator
  EXPECT_FALSE(ConsumeKeyElement(ColumnType::kVarchar, false, &in, &v));
  std::string bad_escape("a\x00\x01", 3);
  in = bad_escape;
  EXPECT_FALSE(ConsumeKeyElement(ColumnType::kVarchar, false, &in, &v));
  in = "1234567";  // 7 bytes
  EXPECT_FALSE(ConsumeKeyElement(ColumnType::kSint64, false, &in, &v));
  in = "\x02";
  EXPECT_FALSE(ConsumeKeyElement(ColumnType::kBoolean, false, &in, &v));
}

TEST(KeyElementTest, PrefixSuccessor) {
  EXPECT_EQ(PrefixSuccessor("ab"), "ac");
  EXPECT_EQ(PrefixSuccessor(std::string("a\xff\xff")), "b");
  EXPECT_EQ(PrefixSuccessor(std::string("\xff")), "");
  EXPECT_EQ(PrefixSuccessor(std::string("\x01\x00", 2)), std::string("\x01\x01", 2));
}

// ---- Table level ----------------------------------------------------------------------------

TEST(KeyCodecTest, LayoutOfAQuantumTable) {
  auto t = testing::GeoTable(7, /*time_desc=*/true);
  KeyCodec codec(t);
  EXPECT_EQ(codec.num_pk_plain(), 2u);
  EXPECT_TRUE(codec.has_quantum());
  EXPECT_TRUE(codec.time_desc());
  ASSERT_EQ(codec.suffix().size(), 1u);
  Row row = {Value::Bytes("South"), Value::Bytes("FL"), Value::Int(1470000000123),
             Value::Bytes("sunny"), Value::Double(1.5)};
  std::string key = codec.EncodeRow(row);
  std::string want = std::string("\x01\x00\x00\x00\x07", 5) + std::string("South\0\0", 7) +
                     std::string("FL\0\0", 4);
  AppendKeyInt(1469999700000, false, &want);  // 15-minute quantum start
  AppendKeyInt(1470000000123, true, &want);
  EXPECT_EQ(HexEncode(key), HexEncode(want));

  auto from_lk = codec.EncodeLocalKey({row[0], row[1], row[2]});
  ASSERT_TRUE(from_lk.ok());
  EXPECT_EQ(*from_lk, key);

  Row lk;
  ASSERT_TRUE(codec.DecodeLocalKey(key, &lk).ok());
  EXPECT_EQ(lk, (Row{row[0], row[1], row[2]}));

  auto prefix = codec.EncodePartition({row[0], row[1], Value::Int(1469999700000)});
  ASSERT_TRUE(prefix.ok());
  EXPECT_EQ(key.substr(0, prefix->size()), *prefix);
}

TEST(KeyCodecTest, LocalKeyErrors) {
  auto t = testing::GeoTable(1);
  KeyCodec codec(t);
  EXPECT_EQ(codec.EncodeLocalKey({Value::Bytes("a")}).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(codec.EncodeLocalKey({Value::Bytes("a"), Value::Int(1), Value::Int(1)})
                .status()
                .code(),
            ErrorCode::kInvalidArgument);
  Row lk;
  EXPECT_EQ(codec.DecodeLocalKey("\x01\x00\x00\x00\x01zz", &lk).code(), ErrorCode::kCorruption);
  EXPECT_EQ(codec.DecodeLocalKey("\x02", &lk).code(), ErrorCode::kCorruption);
}

// Composite keys: memcmp order of full keys is the lexicographic order of the LK tuples, with
// DESC elements reversed.
TEST(KeyCodecTest, CompositeKeyOrderMatchesTupleOrder) {
  auto t = MakeTable("c", 3,
                     {{"k", ColumnType::kVarchar},
                      {"t", ColumnType::kTimestamp},
                      {"s", ColumnType::kVarchar},
                      {"n", ColumnType::kSint64},
                      {"d", ColumnType::kDouble},
                      {"b", ColumnType::kBoolean}},
                     {"k", "t"},
                     {{"k"}, {"t"}, {"s", true}, {"n"}, {"d"}, {"b"}}, true, 1, 'd');
  KeyCodec codec(t);
  ValueGen gen(99);
  std::vector<Row> rows;
  for (int i = 0; i < 600; ++i) {
    Row r;
    r.push_back(Value::Bytes("key"));
    r.push_back(Value::Int(86400000 + static_cast<int64_t>(gen.Pick(3))));  // one quantum
    r.push_back(gen.Make(ColumnType::kVarchar));
    r.push_back(Value::Int(static_cast<int64_t>(gen.Pick(3)) - 1));
    r.push_back(Value::Double(static_cast<double>(gen.Pick(3)) - 1.0));
    r.push_back(Value::Bool(gen.Pick(2) == 1));
    rows.push_back(std::move(r));
  }
  auto tuple_less = [&](const Row& a, const Row& b) {
    for (const auto& e : t.local_key) {
      ColumnType type = t.columns[e.column].type;
      int c = CompareValues(type, a[e.column], b[e.column]);
      if (e.desc()) c = -c;
      if (c != 0) return c < 0;
    }
    return false;
  };
  for (size_t i = 0; i + 1 < rows.size(); ++i) {
    const Row& a = rows[i];
    const Row& b = rows[i + 1];
    std::string ka = codec.EncodeRow(a), kb = codec.EncodeRow(b);
    EXPECT_EQ(ka < kb, tuple_less(a, b));
    EXPECT_EQ(kb < ka, tuple_less(b, a));
    Row lk;
    ASSERT_TRUE(codec.DecodeLocalKey(ka, &lk).ok());
    for (size_t j = 0; j < t.local_key.size(); ++j) EXPECT_EQ(lk[j], a[t.local_key[j].column]);
  }
}

TEST(KeyCodecTest, TableWithoutQuantum) {
  auto t = MakeTable("kv", 9,
                     {{"a", ColumnType::kSint64}, {"b", ColumnType::kBlob},
                      {"c", ColumnType::kSint64, true}},
                     {"a"}, {{"a"}, {"b", true}}, /*has_quantum=*/false);
  KeyCodec codec(t);
  EXPECT_FALSE(codec.has_quantum());
  EXPECT_FALSE(codec.time_desc());
  EXPECT_EQ(codec.num_pk_plain(), 1u);
  Row row = {Value::Int(-5), Value::Bytes(std::string("\x00\xff", 2)), Value()};
  std::string key = codec.EncodeRow(row);
  Row lk;
  ASSERT_TRUE(codec.DecodeLocalKey(key, &lk).ok());
  EXPECT_EQ(lk, (Row{row[0], row[1]}));
  EXPECT_EQ(*codec.EncodeLocalKey(lk), key);
}

}  // namespace
}  // namespace quanta::storage
