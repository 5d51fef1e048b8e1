#include "wire/pb/pb_frame.h"

#include <algorithm>

#include "common/coding.h"

namespace quanta::wire::pb {

std::string_view MessageName(uint8_t c) {
  switch (c) {
    case code::kErrorResp: return "RpbErrorResp";
    case code::kPingReq: return "RpbPingReq";
    case code::kPingResp: return "RpbPingResp";
    case code::kGetClientIdReq: return "RpbGetClientIdReq";
    case code::kGetClientIdResp: return "RpbGetClientIdResp";
    case code::kSetClientIdReq: return "RpbSetClientIdReq";
    case code::kSetClientIdResp: return "RpbSetClientIdResp";
    case code::kGetServerInfoReq: return "RpbGetServerInfoReq";
    case code::kGetServerInfoResp: return "RpbGetServerInfoResp";
    case code::kGetReq: return "RpbGetReq";
    case code::kGetResp: return "RpbGetResp";
    case code::kGetBucketReq: return "RpbGetBucketReq";
    case code::kGetBucketResp: return "RpbGetBucketResp";
    case code::kGetBucketTypeReq: return "RpbGetBucketTypeReq";
    case code::kTsQueryReq: return "TsQueryReq";
    case code::kTsQueryResp: return "TsQueryResp";
    case code::kTsPutReq: return "TsPutReq";
    case code::kTsPutResp: return "TsPutResp";
    case code::kTsDelReq: return "TsDelReq";
    case code::kTsDelResp: return "TsDelResp";
    case code::kTsGetReq: return "TsGetReq";
    case code::kTsGetResp: return "TsGetResp";
    case code::kTsListKeysReq: return "TsListKeysReq";
    case code::kTsListKeysResp: return "TsListKeysResp";
    case code::kTsCoverageReq: return "TsCoverageReq";
    case code::kTsCoverageResp: return "TsCoverageResp";
    case code::kTsTtbMsg: return "TsTtbMsg";
    case code::kAuthReq: return "RpbAuthReq";
    case code::kAuthResp: return "RpbAuthResp";
    case code::kStartTls: return "RpbStartTls";
    default: return "";
  }
}

void AppendFrame(std::string* out, uint8_t c, std::string_view payload) {
  coding::PutFixed32BE(out, static_cast<uint32_t>(payload.size() + 1));
  out->push_back(static_cast<char>(c));
  out->append(payload.data(), payload.size());
}

std::string EncodeFrame(uint8_t c, std::string_view payload) {
  std::string out;
  out.reserve(payload.size() + 5);
  AppendFrame(&out, c, payload);
  return out;
}

namespace {
constexpr size_t kMinBufferBytes = 4 << 10;
// Consumed bytes are dropped once they dominate the buffer, so it does not grow without bound.
constexpr size_t kCompactAfterBytes = 64 << 10;
}  // namespace

size_t FrameReassembler::CapacityFor(size_t n) const {
  size_t cap = buf_.capacity();
  if (buf_.size() + n <= cap) return cap;
  size_t live = buf_.size() - pos_;
  size_t need = live + n;
  if (need <= cap) return cap;  // compacting in place is enough
  size_t grown = std::max({need, 2 * cap, kMinBufferBytes});
  // The frame being assembled bounds the growth: no doubling past its last byte.
  if (live >= kFrameHeaderBytes) {
    uint64_t length = coding::DecodeFixed32BE(buf_.data() + pos_);
    if (length > 0 && length - 1 <= max_payload_) {
      size_t frame_end = kFrameHeaderBytes + static_cast<size_t>(length);
      if (need <= frame_end) grown = std::min(grown, frame_end);
    }
  }
  return std::max(grown, need);
}

void FrameReassembler::Append(std::string_view bytes) {
  if (buf_.size() + bytes.size() > buf_.capacity()) {
    size_t cap = CapacityFor(bytes.size());
    if (cap == buf_.capacity()) {
      buf_.erase(0, pos_);
    } else {
      // Rebuild at exactly `cap` (std::string::reserve may round up to twice the old size).
      std::string next;
      next.reserve(cap);
      next.append(buf_, pos_, std::string::npos);
      buf_.swap(next);
    }
    pos_ = 0;
  }
  buf_.append(bytes.data(), bytes.size());
}

void FrameReassembler::ShrinkIfLarge(size_t keep_bytes) {
  if (buf_.capacity() <= keep_bytes) return;
  size_t live = buf_.size() - pos_;
  if (live > keep_bytes / 2) return;
  std::string next;
  next.reserve(std::max(live, kMinBufferBytes));
  next.append(buf_, pos_, std::string::npos);
  buf_.swap(next);
  pos_ = 0;
}

FrameReassembler::Result FrameReassembler::Next(FrameView* frame) {
  if (sticky_ != Result::kNeedMore) return sticky_;
  // The previous frame's view ends here: drop consumed bytes once they dominate the buffer.
  if (pos_ > 0 && (pos_ >= buf_.size() || pos_ > kCompactAfterBytes)) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  size_t avail = buf_.size() - pos_;
  if (avail < kFrameHeaderBytes) return Result::kNeedMore;
  uint32_t length = coding::DecodeFixed32BE(buf_.data() + pos_);
  if (length == 0) return sticky_ = Result::kEmptyFrame;
  if (static_cast<uint64_t>(length) - 1 > max_payload_) {
    bad_length_ = length;
    return sticky_ = Result::kTooLarge;
  }
  if (avail - kFrameHeaderBytes < length) return Result::kNeedMore;
  const char* p = buf_.data() + pos_ + kFrameHeaderBytes;
  frame->code = static_cast<uint8_t>(p[0]);
  frame->payload = std::string_view(p + 1, length - 1);
  pos_ += kFrameHeaderBytes + length;
  return Result::kFrame;
}

}  // namespace quanta::wire::pb
