#include "wire/pb/pb_frame.h"

#include <gtest/gtest.h>

#include "hex.h"

namespace quanta::wire::pb {
namespace {

using testing::FromHex;
using testing::ToHex;

TEST(PbFrameTest, EncodesBodilessFrame) {
  EXPECT_EQ(ToHex(EncodeFrame(code::kPingResp, "")), "00 00 00 01 02");
  EXPECT_EQ(ToHex(EncodeFrame(code::kTsQueryResp, "ab")), "00 00 00 03 5B 61 62");
}

TEST(PbFrameTest, ReassemblesSplitAndCoalescedFrames) {
  std::string stream = EncodeFrame(1, "") + EncodeFrame(90, "hello") + EncodeFrame(7, "");
  // Feed one byte at a time.
  FrameReassembler r(1 << 20);
  std::vector<std::pair<int, std::string>> got;
  for (char c : stream) {
    r.Append(std::string_view(&c, 1));
    FrameView f;
    while (r.Next(&f) == FrameReassembler::Result::kFrame) {
      got.emplace_back(f.code, std::string(f.payload));
    }
  }
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0], std::make_pair(1, std::string()));
  EXPECT_EQ(got[1], std::make_pair(90, std::string("hello")));
  EXPECT_EQ(got[2], std::make_pair(7, std::string()));
  EXPECT_EQ(r.buffered(), 0u);

  // All at once.
  FrameReassembler r2(1 << 20);
  r2.Append(stream);
  FrameView f;
  int n = 0;
  while (r2.Next(&f) == FrameReassembler::Result::kFrame) ++n;
  EXPECT_EQ(n, 3);
}

TEST(PbFrameTest, ZeroLengthIsAViolation) {
  FrameReassembler r(100);
  r.Append(FromHex("00 00 00 00"));
  FrameView f;
  EXPECT_EQ(r.Next(&f), FrameReassembler::Result::kEmptyFrame);
  EXPECT_EQ(r.Next(&f), FrameReassembler::Result::kEmptyFrame);
}

TEST(PbFrameTest, OversizedLengthIsRejectedBeforeBuffering) {
  FrameReassembler r(100);
  r.Append(FromHex("7F FF FF FF 5A"));
  FrameView f;
  EXPECT_EQ(r.Next(&f), FrameReassembler::Result::kTooLarge);
  EXPECT_EQ(r.bad_length(), 0x7FFFFFFFu);
  FrameReassembler ok(100);
  ok.Append(FromHex("00 00 00 65") + std::string(101, 'x'));  // code + exactly 100 payload bytes
  EXPECT_EQ(ok.Next(&f), FrameReassembler::Result::kFrame);
  FrameReassembler big(100);
  big.Append(FromHex("00 00 00 66"));
  EXPECT_EQ(big.Next(&f), FrameReassembler::Result::kTooLarge);
  FrameReassembler huge(100);
  huge.Append(FromHex("FF FF FF FF"));
  EXPECT_EQ(huge.Next(&f), FrameReassembler::Result::kTooLarge);
}

TEST(PbFrameTest, PartialHeaderNeedsMore) {
  FrameReassembler r(100);
  r.Append(FromHex("00 00"));
  FrameView f;
  EXPECT_EQ(r.Next(&f), FrameReassembler::Result::kNeedMore);
  r.Append(FromHex("00 02 5A"));
  EXPECT_EQ(r.Next(&f), FrameReassembler::Result::kNeedMore);
  r.Append(FromHex("41"));
  ASSERT_EQ(r.Next(&f), FrameReassembler::Result::kFrame);
  EXPECT_EQ(f.code, 0x5A);
  EXPECT_EQ(f.payload, "A");
}

TEST(PbFrameTest, MessageNames) {
  EXPECT_EQ(MessageName(90), "TsQueryReq");
  EXPECT_EQ(MessageName(104), "TsTtbMsg");
  EXPECT_EQ(MessageName(42), "");
}

}  // namespace
}  // namespace quanta::wire::pb
