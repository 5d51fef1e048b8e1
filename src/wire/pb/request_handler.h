// RequestHandler: turns one request frame (code + payload) into its reply frame(s), calling
// TsService. It knows nothing about sockets, so it is unit-testable and shared by every
// connection; the PbServer owns framing, threads and I/O.
//
// Behaviour follows spec wire_protocol.md sections 1.2, 2.5, 3, 5 and 12 (see
// docs/formats/pb_framing.md for the code table). Errors go through wire/error_map.h.
//
// Thread safety: Handle() may run concurrently for different sessions; a Session is used by one
// request at a time (requests on a connection are served in order).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/memory.h"
#include "common/status.h"

namespace quanta::service {
class TsService;
class QuerySlot;
}

namespace quanta::wire::pb {

// Per-connection state.
struct Session {
  std::string client_id;  // RpbGetClientIdResp / RpbSetClientIdReq
  // Security (docs/security.md). `secure` is fixed when the connection opens: security was
  // enabled then, so the client must STARTTLS and authenticate before anything else.
  bool secure = false;
  bool tls_available = false;  // the listener has a certificate and key
  bool tls = false;            // the TLS handshake is done
  bool authenticated = false;
  std::string user;            // once authenticated
  std::string peer_ip;
  std::optional<std::string> cert_name;  // the verified client certificate's common name
  int auth_failures = 0;
  std::string peer;       // "ip:port" of the client, for the service's log lines
};

// Receives the complete frames (header included) of one reply, in order.
class FrameSink {
 public:
  virtual ~FrameSink() = default;
  // Queues a frame for the client. May block for flow control (list keys streams). Returns
  // false when the connection is gone; the handler then stops producing frames.
  virtual bool Send(std::string frame) = 0;
  // The same for a frame whose bytes are charged to `charge` (a memory reservation): the sink
  // holds the charge until the frame has been written or dropped.
  virtual bool SendCharged(std::string frame, MemoryReservation charge) {
    (void)charge;
    return Send(std::move(frame));
  }
};

struct RequestHandlerOptions {
  // RpbGetServerInfoResp.server_version: three integers >= 2.1.0 (checklist item 8).
  std::string server_version = "2.1.4";
};

class RequestHandler {
 public:
  // kStartTls: the STARTTLS acknowledgement was sent; the transport starts the TLS handshake
  // once it is written. kAuthFailed: nothing was sent; the transport answers
  // AuthFailedFrame() after a delay (Riak waits 5 s) and closes after kMaxAuthFailures.
  enum class After { kKeepOpen, kClose, kStartTls, kAuthFailed };
  static constexpr int kMaxAuthFailures = 3;
  static std::string AuthFailedFrame();

  // `service` must outlive the handler.
  RequestHandler(service::TsService& service, RequestHandlerOptions options = {});

  // Serves one request. Exactly one reply (or one complete list-keys stream) goes to `sink`
  // unless the sink reports the connection gone. kClose after a request that could not be
  // decoded or crashed ("Error processing incoming message: ..."), as Riak does.
  // `slot`: for SQL queries (IsQuery), the slot the transport got from TsService::AdmitQuery
  // before it queued the request; null makes the query wait for one on the calling thread.
  After Handle(uint8_t code, std::string_view payload, Session& session, FrameSink& sink,
               service::QuerySlot* slot = nullptr);

  // True for requests that run SQL (TsQueryReq and TTB tsqueryreq): transports admit them
  // through TsService::AdmitQuery before they queue them for a worker.
  static bool IsQuery(uint8_t code, std::string_view payload);

  // True for requests answered without touching storage or running SQL (ping, server info,
  // client id, STARTTLS, unknown codes, bucket-type probes). The server may run them on its I/O
  // threads; everything else should run on worker threads.
  static bool IsCheap(uint8_t code);

  // A fresh client id for a new session (4 bytes, unique per process).
  static std::string NewClientId();

 private:
  After HandleUnsafe(uint8_t code, std::string_view payload, Session& session, FrameSink& sink,
                     service::QuerySlot* slot);
  After TsQuery(const Session& session, std::string_view payload, FrameSink& sink, service::QuerySlot* slot);
  After TsPut(const Session& session, std::string_view payload, FrameSink& sink);
  After TsGet(const Session& session, std::string_view payload, FrameSink& sink);
  After TsDel(const Session& session, std::string_view payload, FrameSink& sink);
  After TsListKeys(const Session& session, std::string_view payload, FrameSink& sink);
  After TsCoverage(const Session& session, std::string_view payload, FrameSink& sink);
  After Ttb(const Session& session, std::string_view payload, FrameSink& sink, service::QuerySlot* slot);
  After TtbPut(const Session& session, std::string_view payload, FrameSink& sink);
  After Security(uint8_t code, std::string_view payload, Session& session, FrameSink& sink);
  // OK when the session's user holds `permission` on `table` (always OK without security).
  Status Allowed(const Session& session, std::string_view permission, std::string_view table) const;
  After BucketProps(uint8_t code, std::string_view payload, FrameSink& sink);

  service::TsService& service_;
  RequestHandlerOptions options_;
};

}  // namespace quanta::wire::pb
