#include "wire/pb/proto_wire.h"

#include <gtest/gtest.h>

#include "hex.h"

namespace quanta::wire::pb {
namespace {

using testing::FromHex;
using testing::ToHex;

TEST(ProtoWireTest, WritesScalars) {
  std::string out;
  ProtoWriter w(&out);
  w.WriteSint64Field(3, 1420113600000);
  EXPECT_EQ(ToHex(out), "18 80 F8 EE D5 D4 52");
  out.clear();
  w.WriteVarintField(2, 0);
  EXPECT_EQ(ToHex(out), "10 00");
  out.clear();
  w.WriteDoubleField(5, 1.5);
  EXPECT_EQ(ToHex(out), "29 00 00 00 00 00 00 F8 3F");
  out.clear();
  w.WriteBoolField(4, true);
  w.WriteBytesField(1, "a");
  EXPECT_EQ(ToHex(out), "20 01 0A 01 61");
  out.clear();
  w.WriteSint64Field(2, -1);
  EXPECT_EQ(ToHex(out), "10 01");
  out.clear();
  w.WriteSint64Field(2, INT64_MIN);
  EXPECT_EQ(ToHex(out), "10 FF FF FF FF FF FF FF FF FF 01");
}

TEST(ProtoWireTest, ReadsAllWireTypes) {
  std::string in = FromHex("08 96 01 11 01 02 03 04 05 06 07 08 1A 02 68 69 25 01 00 00 00");
  ProtoReader r(in);
  ProtoField f;
  ASSERT_TRUE(r.Next(&f).ok());
  EXPECT_EQ(f.number, 1u);
  EXPECT_EQ(f.varint, 150u);
  ASSERT_TRUE(r.Next(&f).ok());
  EXPECT_EQ(f.type, WireType::kFixed64);
  EXPECT_EQ(f.fixed, 0x0807060504030201ull);
  ASSERT_TRUE(r.Next(&f).ok());
  EXPECT_EQ(f.bytes, "hi");
  ASSERT_TRUE(r.Next(&f).ok());
  EXPECT_EQ(f.type, WireType::kFixed32);
  EXPECT_EQ(f.fixed, 1u);
  EXPECT_FALSE(r.HasNext());
}

TEST(ProtoWireTest, RejectsMalformed) {
  for (const char* hex : {
           "08",                             // missing varint
           "08 80",                          // truncated varint
           "08 80 80 80 80 80 80 80 80 80 80 01",  // 11-byte varint
           "0A 05 61",                       // length past end
           "09 01 02",                       // truncated fixed64
           "0D 01",                          // truncated fixed32
           "0B",                             // start group
           "0C",                             // end group
           "0E 00",                          // wire type 6
           "00 00",                          // field number 0
       }) {
    std::string in = FromHex(hex);
    ProtoReader r(in);
    ProtoField f;
    Status st = r.Next(&f);
    EXPECT_FALSE(st.ok()) << hex;
    EXPECT_EQ(st.riak_code(), 0);
  }
}

TEST(ProtoWireTest, TypedAccessorsCheckWireType) {
  ProtoField f;
  f.type = WireType::kLengthDelimited;
  uint64_t u;
  double d;
  EXPECT_FALSE(f.AsUint64(&u).ok());
  EXPECT_FALSE(f.AsDouble(&d).ok());
  f.type = WireType::kVarint;
  std::string_view s;
  EXPECT_FALSE(f.AsBytes(&s).ok());
}

}  // namespace
}  // namespace quanta::wire::pb
