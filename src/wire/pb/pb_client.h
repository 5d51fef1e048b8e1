// PbClient: a small synchronous client for the Riak PB port (port 8087), speaking both Protocol
// Buffers and TTB (code 104) the way the official clients do (spec wire_protocol.md). Used by the
// tests and by quanta-shell.
//
//   auto c = PbClient::Connect("127.0.0.1", 8087);
//   if (!c.ok()) ...;
//   auto rs = (*c)->Query("SELECT * FROM t WHERE ...");   // Result<ResultSet>
//   if (!rs.ok()) std::cerr << rs.error().riak_code() << " " << rs.error().message();
//
// Errors:
//  * A reply RpbErrorResp{errmsg, errcode} (or a TTB {rpberrorresp, Msg, Code}) becomes a Status
//    whose message() is errmsg exactly and whose riak_code() is errcode: the ErrorCode is the
//    numeric Riak code when it is in 1000..1999, kGeneric (riak_code() 0) otherwise.
//  * Connection problems (refused, timeout, closed by the server, unexpected reply code,
//    undecodable reply) are kIoError; the client is unusable afterwards (reconnect).
//
// Thread safety: none; use one client per thread. Requests are strictly one at a time
// (lockstep), like every official client.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result_set.h"
#include "common/status.h"
#include "common/value.h"
#include "wire/pb/pb_messages.h"

namespace quanta::wire::pb {

struct PbClientOptions {
  int connect_timeout_ms = 5000;
  int io_timeout_ms = 60000;        // per read/write; <= 0 waits forever
  size_t max_frame_bytes = 256u << 20;
  // Encoding for Query/Put/Get: false = PB (codes 90/92/96, as Node and Go), true = TTB
  // (code 104, as the Python, Java and Erlang clients by default). Delete, ListKeys and
  // Coverage are always PB, as in every client.
  bool use_ttb = false;
};

// Riak security from the client's side (docs/security.md): RpbStartTls, a TLS handshake on the
// same socket, then RpbAuthReq, as the official clients do it.
struct PbTlsOptions {
  // PEM CA certificates the server's certificate must chain to; empty: the system's store.
  std::string ca_file;
  // The name the server's certificate must carry (DNS name or IP address); empty: the host
  // given to Connect.
  std::string server_name;
  // A client certificate and its key (PEM), for a `certificate` source; empty: none.
  std::string cert_file, key_file;
};

// One received frame.
struct PbFrame {
  uint8_t code = 0;
  std::string payload;
};

class PbClient {
 public:
  // Opens a TCP connection. kIoError when the address cannot be resolved or reached in time.
  static Result<std::unique_ptr<PbClient>> Connect(const std::string& host, uint16_t port,
                                                   const PbClientOptions& options = {});
  ~PbClient();
  PbClient(const PbClient&) = delete;
  PbClient& operator=(const PbClient&) = delete;

  // ---- typed requests ----

  // RpbPingReq -> RpbPingResp.
  Status Ping();
  // RpbGetServerInfoReq -> {node, server_version}.
  Result<RpbGetServerInfoResp> ServerInfo();
  Result<std::string> GetClientId();
  Status SetClientId(std::string_view client_id);

  // Any SQL statement. Zero rows (also CREATE TABLE, INSERT) gives an empty ResultSet.
  Result<ResultSet> Query(std::string_view sql);
  // Full rows in table column order.
  Status Put(std::string_view table, const std::vector<Row>& rows);
  // Row by full local key: columns + one row when found, an empty ResultSet when not found.
  Result<ResultSet> Get(std::string_view table, const Row& key);
  // Delete by full local key; a missing key is an error with riak_code() 1021.
  Status Delete(std::string_view table, const Row& key);
  // All local keys (streamed by the server; `on_batch` sees each batch as it arrives).
  Status ListKeys(std::string_view table,
                  const std::function<void(std::vector<Row>&&)>& on_batch);
  Result<std::vector<Row>> ListKeys(std::string_view table);
  // Coverage plan of a SELECT.
  Result<TsCoverageResp> Coverage(std::string_view sql, std::string_view table);
  // A SELECT limited to one coverage entry's context.
  Result<ResultSet> QueryWithCoverContext(std::string_view sql, std::string_view cover_context);

  // ---- security ----

  // RpbStartTls, then a TLS handshake that verifies the server's certificate (chain and name).
  // Every later frame goes through TLS. kIoError for a handshake or certificate failure (the
  // client is unusable afterwards), the server's error reply otherwise.
  Status StartTls(const PbTlsOptions& tls);
  // RpbAuthReq (after StartTls): the server's error reply when it refuses the credentials.
  Status Auth(std::string_view user, std::string_view password);

  // ---- raw frames (tests, tools) ----

  // Writes one frame.
  Status SendFrame(uint8_t code, std::string_view payload);
  // Writes arbitrary bytes (no framing), e.g. to test the server against garbage.
  Status SendRaw(std::string_view bytes);
  // Reads one frame. kIoError on timeout, EOF ("connection closed by peer") or a bad length.
  Result<PbFrame> ReadFrame();
  // SendFrame + ReadFrame.
  Result<PbFrame> Call(uint8_t code, std::string_view payload);
  // True if the server has closed the connection (EOF within `timeout_ms`, no data pending).
  bool WaitForClose(int timeout_ms);

  const PbClientOptions& options() const { return options_; }
  void set_use_ttb(bool use_ttb) { options_.use_ttb = use_ttb; }

 private:
  struct Tls;  // pb_client_tls.cc

  PbClient(int fd, std::string host, PbClientOptions options);
  Status ReadExact(char* dst, size_t n);
  // Call, then turns an error frame into a Status and checks the reply code.
  Result<PbFrame> Expect(uint8_t code, std::string_view payload, uint8_t want);
  Result<ResultSet> TtbTableCall(std::string payload, bool get);

  // Over TLS once StartTls succeeded.
  Status TlsSend(std::string_view bytes);
  Status TlsRead(char* dst, size_t n);

  int fd_;
  std::string host_;
  PbClientOptions options_;
  std::unique_ptr<Tls> tls_;
};

// The Status for a Riak error reply (see the header comment).
Status RiakReplyError(std::string_view errmsg, int errcode);

}  // namespace quanta::wire::pb
