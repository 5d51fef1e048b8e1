#include "wire/error_map.h"

#include "wire/pb/pb_frame.h"
#include "wire/pb/pb_messages.h"
#include "wire/ttb/ttb_messages.h"

namespace quanta::wire {

std::string ErrorReplyFrame(const Status& st, RequestEncoding encoding) {
  int riak_code = st.riak_code();
  std::string message = st.message().empty() ? st.ToString() : st.message();
  if (encoding == RequestEncoding::kTtb && riak_code != 0) {
    return pb::EncodeFrame(pb::code::kTsTtbMsg, ttb::EncodeTtbErrorResp(message, riak_code));
  }
  pb::RpbErrorResp resp{std::move(message), static_cast<uint32_t>(riak_code)};
  return pb::EncodeFrame(pb::code::kErrorResp, pb::Encode(resp));
}

Status UnknownMessageCode(int code) {
  return Status(ErrorCode::kGeneric, "Unknown message code: " + std::to_string(code));
}

Status TableNotActiveAtDecode(std::string_view table) {
  return Status(ErrorCode::kGeneric,
                "Message decoding error: \"Table " + std::string(table) + " is not active.\"",
                std::string(table));
}

Status ProcessingError(std::string_view reason) {
  return Status(ErrorCode::kGeneric,
                "Error processing incoming message: error:" + std::string(reason));
}

Status StartTlsRefused() {
  return Status(ErrorCode::kGeneric, "Security not enabled; STARTTLS not allowed.");
}

}  // namespace quanta::wire
