// Golden frame files (tests/wire/golden/*.golden): each entry is a complete frame in hex and its
// canonical decoded text. Every entry must decode to exactly that text; entries marked
// `# dir: S->C` (what the server writes) must also re-encode to the same bytes.
//
// File format:
//   # name: <entry name>
//   # dir: C->S | S->C
//   bytes:
//   <hex, any whitespace>
//   decoded:
//   <canonical text, one or more lines>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "hex.h"
#include "wire/pb/pb_frame.h"
#include "wire/pb/pb_messages.h"
#include "wire/ttb/ttb_codec.h"

namespace quanta::wire {
namespace {

struct GoldenEntry {
  std::string file;
  std::string name;
  std::string dir;
  std::string hex;
  std::string decoded;
};

std::string TrimRight(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

std::vector<GoldenEntry> LoadGolden() {
  std::vector<GoldenEntry> out;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(QUANTA_WIRE_GOLDEN_DIR)) {
    if (e.path().extension() == ".golden") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    std::ifstream in(path);
    std::string line;
    enum { kNone, kBytes, kDecoded } section = kNone;
    while (std::getline(in, line)) {
      if (line.rfind("# name:", 0) == 0) {
        out.push_back(GoldenEntry{path.filename().string(), TrimRight(line.substr(8)), "", "", ""});
        section = kNone;
      } else if (out.empty()) {
        continue;  // preamble comments
      } else if (line.rfind("# dir:", 0) == 0) {
        out.back().dir = TrimRight(line.substr(7));
      } else if (line == "bytes:") {
        section = kBytes;
      } else if (line == "decoded:") {
        section = kDecoded;
      } else if (section == kBytes) {
        out.back().hex += line + " ";
      } else if (section == kDecoded) {
        out.back().decoded += line + "\n";
      }
    }
  }
  for (auto& e : out) e.decoded = TrimRight(e.decoded);
  return out;
}

// Canonical text of a frame payload by code.
std::string Describe(uint8_t code, std::string_view payload) {
  if (code == pb::code::kTsTtbMsg) {
    auto t = ttb::DecodeTerm(payload);
    return t.ok() ? "TTB " + t->ToString() : "ERROR " + t.error().message();
  }
  auto r = pb::DescribePbMessage(code, payload);
  return r.ok() ? *r : "ERROR " + r.error().message();
}

template <typename T>
std::string Reencode(std::string_view payload) {
  T m;
  if (!pb::Decode(payload, &m).ok()) return "<decode error>";
  return pb::Encode(m);
}

// Re-encodes a server-written payload from its decoded form.
std::string ReencodeServerPayload(uint8_t code, std::string_view payload) {
  switch (code) {
    case pb::code::kTsTtbMsg: {
      auto t = ttb::DecodeTerm(payload);
      return t.ok() ? ttb::EncodeTerm(*t) : "<decode error>";
    }
    case pb::code::kErrorResp: return Reencode<pb::RpbErrorResp>(payload);
    case pb::code::kGetServerInfoResp: return Reencode<pb::RpbGetServerInfoResp>(payload);
    case pb::code::kGetClientIdResp: return Reencode<pb::RpbClientId>(payload);
    case pb::code::kGetBucketResp: return Reencode<pb::RpbGetBucketResp>(payload);
    case pb::code::kTsQueryResp: return Reencode<pb::TsQueryResp>(payload);
    case pb::code::kTsGetResp: return Reencode<pb::TsGetResp>(payload);
    case pb::code::kTsListKeysResp: return Reencode<pb::TsListKeysResp>(payload);
    case pb::code::kTsCoverageResp: return Reencode<pb::TsCoverageResp>(payload);
    default: return std::string(payload);  // bodiless responses
  }
}

TEST(GoldenFrames, AllEntriesDecodeAndServerFramesReencode) {
  auto entries = LoadGolden();
  ASSERT_GE(entries.size(), 20u) << "golden files missing from " << QUANTA_WIRE_GOLDEN_DIR;
  for (const auto& e : entries) {
    SCOPED_TRACE(e.file + ": " + e.name);
    std::string bytes = testing::FromHex(e.hex);
    pb::FrameReassembler r(64 << 20);
    r.Append(bytes);
    pb::FrameView f;
    ASSERT_EQ(r.Next(&f), pb::FrameReassembler::Result::kFrame);
    EXPECT_EQ(r.buffered(), 0u) << "bytes after the frame";
    EXPECT_EQ(Describe(f.code, f.payload), e.decoded);
    ASSERT_TRUE(e.dir == "C->S" || e.dir == "S->C") << "bad dir '" << e.dir << "'";
    if (e.dir == "S->C") {
      EXPECT_EQ(testing::ToHex(pb::EncodeFrame(f.code, ReencodeServerPayload(f.code, f.payload))),
                testing::ToHex(bytes));
    }
  }
}

}  // namespace
}  // namespace quanta::wire
