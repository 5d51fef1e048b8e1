// The one place where a Status becomes an error reply on the PB port (STYLE.md 8.4;
// spec wire_protocol.md section 5, checklist 6, 31, 36).
//
//  * TS-service errors (Riak code >= 1000) follow the request's encoding: RpbErrorResp{errmsg,
//    errcode} in a code-0 frame for PB requests, {rpberrorresp, <<Msg>>, Code} in a code-104
//    frame for TTB requests.
//  * Everything else (API-level errors such as "Unknown message code: N" or
//    `Message decoding error: "Table t2 is not active."`, crashes, internal and I/O errors) is a
//    code-0 RpbErrorResp with errcode 0, whatever the request's encoding.
//
// Thread safety: stateless.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace quanta::wire {

enum class RequestEncoding { kPb, kTtb };

// The complete reply frame (header included) for an error status. REQUIRES: !st.ok().
std::string ErrorReplyFrame(const Status& st, RequestEncoding encoding);

// Riak's riak_api texts, as kGeneric statuses (Riak errcode 0).
Status UnknownMessageCode(int code);
// `Message decoding error: "Table <t> is not active."` (put/get/delete/list keys/coverage on a
// missing table, PB or TTB).
Status TableNotActiveAtDecode(std::string_view table);
// `Error processing incoming message: error:<reason>`; Riak closes the connection after it.
Status ProcessingError(std::string_view reason);
// "Security not enabled; STARTTLS not allowed."
Status StartTlsRefused();

}  // namespace quanta::wire
