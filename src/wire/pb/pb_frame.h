// PB port framing: `u32 BE length | u8 code | payload` (docs/formats/pb_framing.md), the message
// code table, and an incremental reassembler for byte streams that split or coalesce frames.
//
// Thread safety: FrameReassembler is used by one connection at a time; the free functions are
// stateless.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace quanta::wire::pb {

// Message codes (riak_pb `riak_pb_messages.csv`).
namespace code {
inline constexpr uint8_t kErrorResp = 0;
inline constexpr uint8_t kPingReq = 1;
inline constexpr uint8_t kPingResp = 2;
inline constexpr uint8_t kGetClientIdReq = 3;
inline constexpr uint8_t kGetClientIdResp = 4;
inline constexpr uint8_t kSetClientIdReq = 5;
inline constexpr uint8_t kSetClientIdResp = 6;
inline constexpr uint8_t kGetServerInfoReq = 7;
inline constexpr uint8_t kGetServerInfoResp = 8;
inline constexpr uint8_t kGetReq = 9;
inline constexpr uint8_t kGetResp = 10;
inline constexpr uint8_t kGetBucketReq = 19;
inline constexpr uint8_t kGetBucketResp = 20;
inline constexpr uint8_t kGetBucketTypeReq = 31;
inline constexpr uint8_t kTsQueryReq = 90;
inline constexpr uint8_t kTsQueryResp = 91;
inline constexpr uint8_t kTsPutReq = 92;
inline constexpr uint8_t kTsPutResp = 93;
inline constexpr uint8_t kTsDelReq = 94;
inline constexpr uint8_t kTsDelResp = 95;
inline constexpr uint8_t kTsGetReq = 96;
inline constexpr uint8_t kTsGetResp = 97;
inline constexpr uint8_t kTsListKeysReq = 98;
inline constexpr uint8_t kTsListKeysResp = 99;
inline constexpr uint8_t kTsCoverageReq = 100;
inline constexpr uint8_t kTsCoverageResp = 101;
inline constexpr uint8_t kTsTtbMsg = 104;
inline constexpr uint8_t kAuthReq = 253;
inline constexpr uint8_t kAuthResp = 254;
inline constexpr uint8_t kStartTls = 255;
}  // namespace code

// Riak's message name for a code ("TsQueryReq"), or "" when unknown.
std::string_view MessageName(uint8_t code);

inline constexpr size_t kFrameHeaderBytes = 4;

// Appends one frame to `out`. REQUIRES: payload.size() < 2^32 - 1.
void AppendFrame(std::string* out, uint8_t code, std::string_view payload);
std::string EncodeFrame(uint8_t code, std::string_view payload);

// A decoded frame; `payload` views the reassembler's buffer and stays valid until the next call
// to Append() or Next().
struct FrameView {
  uint8_t code = 0;
  std::string_view payload;
};

// Collects bytes from a stream and cuts them into frames.
class FrameReassembler {
 public:
  enum class Result {
    kNeedMore,    // no complete frame buffered
    kFrame,       // *frame is set
    kEmptyFrame,  // length prefix 0: protocol violation, close without reply
    kTooLarge,    // length - 1 > max_payload_bytes: error reply, then close
  };

  explicit FrameReassembler(size_t max_payload_bytes) : max_payload_(max_payload_bytes) {}

  // Appends bytes. The buffer grows geometrically but never past the end of the frame being
  // assembled (once its header is known), so a frame of N bytes costs about N bytes of buffer.
  void Append(std::string_view bytes);
  // The buffer capacity Append() of `n` more bytes would leave, so that callers can charge it
  // to a memory account before the allocation happens.
  size_t CapacityFor(size_t n) const;
  // Current buffer capacity (what the reassembler holds in memory).
  size_t capacity() const { return buf_.capacity(); }
  // Gives back a large buffer once no large frame is being assembled (call between requests).
  void ShrinkIfLarge(size_t keep_bytes);
  // Extracts the next complete frame, if any. After kEmptyFrame/kTooLarge the stream is
  // unusable; the reassembler keeps returning the same result.
  Result Next(FrameView* frame);
  // The offending length after kTooLarge.
  uint64_t bad_length() const { return bad_length_; }
  // Bytes buffered but not yet returned as frames.
  size_t buffered() const { return buf_.size() - pos_; }

 private:
  size_t max_payload_;
  std::string buf_;
  size_t pos_ = 0;
  uint64_t bad_length_ = 0;
  Result sticky_ = Result::kNeedMore;
};

}  // namespace quanta::wire::pb
