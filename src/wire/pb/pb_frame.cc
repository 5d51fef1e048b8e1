#include "wire/pb/pb_frame.h"

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

void FrameReassembler::Append(std::string_view bytes) {
  // Drop consumed bytes once they dominate the buffer, so it does not grow without bound.
  if (pos_ > 0 && (pos_ >= buf_.size() || pos_ > (64 << 10))) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  buf_.append(bytes.data(), bytes.size());
}

FrameReassembler::Result FrameReassembler::Next(FrameView* frame) {
  if (sticky_ != Result::kNeedMore) return sticky_;
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
