// RequestHandler's security states (docs/security.md): STARTTLS, then RpbAuthReq, then every
// request checked against the user's grants. As Riak's riak_api_pb_server: wait_for_tls ->
// wait_for_auth -> connected.
#include "security/security.h"
#include "service/ts_service.h"
#include "wire/error_map.h"
#include "wire/pb/pb_frame.h"
#include "wire/pb/proto_wire.h"
#include "wire/pb/request_handler.h"

namespace quanta::wire::pb {

namespace {

using After = RequestHandler::After;

After Refuse(FrameSink& sink, std::string text) {
  sink.Send(ErrorReplyFrame(Status(ErrorCode::kGeneric, std::move(text)), RequestEncoding::kPb));
  return After::kKeepOpen;
}

// RpbAuthReq { required bytes user = 1; required bytes password = 2; }
Status DecodeAuthReq(std::string_view payload, std::string* user, std::string* password) {
  ProtoReader r(payload);
  bool has_user = false, has_password = false;
  while (r.HasNext()) {
    ProtoField f;
    QUANTA_RETURN_IF_ERROR(r.Next(&f));
    std::string_view v;
    if (f.number == 1 || f.number == 2) {
      QUANTA_RETURN_IF_ERROR(f.AsBytes(&v));
      (f.number == 1 ? *user : *password) = std::string(v);
      (f.number == 1 ? has_user : has_password) = true;
    }
  }
  if (!has_user || !has_password) return MalformedProto("RpbAuthReq: missing user or password");
  return Status::OK();
}

}  // namespace

std::string RequestHandler::AuthFailedFrame() {
  return ErrorReplyFrame(Status(ErrorCode::kGeneric, "Authentication failed"), RequestEncoding::kPb);
}

After RequestHandler::Security(uint8_t c, std::string_view payload, Session& session,
                               FrameSink& sink) {
  if (c == code::kStartTls) {
    if (!session.secure) {
      return Refuse(sink, "Security not enabled; STARTTLS not allowed.");
    }
    if (session.tls) return Refuse(sink, "TLS is already started on this connection");
    if (!session.tls_available) {
      // Security is on but the listener has no certificate: nobody can log in over PB.
      return Refuse(sink, "Security is enabled, but this listener has no TLS certificate "
                          "(tls.certfile, tls.keyfile)");
    }
    sink.Send(EncodeFrame(code::kStartTls, ""));
    return After::kStartTls;
  }
  if (!session.tls) return Refuse(sink, "Security is enabled, please STARTTLS first");
  if (c != code::kAuthReq) return Refuse(sink, "Security is enabled, please authenticate first");
  std::string user, password;
  Status st = DecodeAuthReq(payload, &user, &password);
  if (!st.ok()) {
    sink.Send(ErrorReplyFrame(ProcessingError(st.message()), RequestEncoding::kPb));
    return After::kClose;
  }
  std::optional<std::string_view> cert;
  if (session.cert_name) cert = *session.cert_name;
  if (!service_.security().Authenticate(user, password, session.peer_ip, cert).ok()) {
    ++session.auth_failures;
    return After::kAuthFailed;
  }
  session.authenticated = true;
  session.user = std::move(user);
  sink.Send(EncodeFrame(code::kAuthResp, ""));
  return After::kKeepOpen;
}

Status RequestHandler::Allowed(const Session& session, std::string_view permission,
                               std::string_view table) const {
  if (!session.secure) return Status::OK();
  return service_.security().Check(session.user, permission, table);
}

}  // namespace quanta::wire::pb
