#include "wire/pb/pb_client.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>

#include "common/coding.h"
#include "wire/pb/pb_convert.h"
#include "wire/pb/pb_frame.h"
#include "wire/ttb/ttb_messages.h"

namespace quanta::wire::pb {

namespace {

Status IoErr(std::string what) { return Status(ErrorCode::kIoError, std::move(what)); }

Status Errno(const std::string& what) { return IoErr(what + ": " + std::strerror(errno)); }

// Waits until fd is readable/writable. False on timeout.
bool WaitFd(int fd, short events, int timeout_ms) {
  pollfd p{fd, events, 0};
  for (;;) {
    int r = ::poll(&p, 1, timeout_ms <= 0 ? -1 : timeout_ms);
    if (r < 0 && errno == EINTR) continue;
    return r > 0;
  }
}

}  // namespace

Status RiakReplyError(std::string_view errmsg, int errcode) {
  ErrorCode code = (errcode >= 1000 && errcode < 2000) ? static_cast<ErrorCode>(errcode)
                                                       : ErrorCode::kGeneric;
  return Status(code, std::string(errmsg));
}

Result<std::unique_ptr<PbClient>> PbClient::Connect(const std::string& host, uint16_t port,
                                                    const PbClientOptions& options) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  std::string service = std::to_string(port);
  int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &res);
  if (rc != 0) return IoErr("cannot resolve " + host + ": " + ::gai_strerror(rc));
  Status last = IoErr("no address for " + host);
  for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      last = Errno("socket");
      continue;
    }
    int flags = ::fcntl(fd, F_GETFL, 0);
    ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    int r = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (r != 0 && errno == EINPROGRESS) {
      if (!WaitFd(fd, POLLOUT, options.connect_timeout_ms)) {
        ::close(fd);
        last = IoErr("connect to " + host + ":" + service + " timed out");
        continue;
      }
      int err = 0;
      socklen_t len = sizeof(err);
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      r = err == 0 ? 0 : -1;
      errno = err;
    }
    if (r != 0) {
      last = Errno("connect to " + host + ":" + service);
      ::close(fd);
      continue;
    }
    ::fcntl(fd, F_SETFL, flags);  // back to blocking; reads and writes poll for timeouts
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    ::freeaddrinfo(res);
    return std::unique_ptr<PbClient>(new PbClient(fd, host, options));
  }
  ::freeaddrinfo(res);
  return last;
}

Status PbClient::SendRaw(std::string_view bytes) {
  if (tls_) return TlsSend(bytes);
  size_t off = 0;
  while (off < bytes.size()) {
    if (!WaitFd(fd_, POLLOUT, options_.io_timeout_ms)) return IoErr("write timed out");
    ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return Errno("write");
    }
    off += static_cast<size_t>(n);
  }
  return Status::OK();
}

Status PbClient::SendFrame(uint8_t code, std::string_view payload) {
  return SendRaw(EncodeFrame(code, payload));
}

Status PbClient::ReadExact(char* dst, size_t n) {
  if (tls_) return TlsRead(dst, n);
  size_t off = 0;
  while (off < n) {
    if (!WaitFd(fd_, POLLIN, options_.io_timeout_ms)) return IoErr("read timed out");
    ssize_t r = ::recv(fd_, dst + off, n - off, 0);
    if (r == 0) return IoErr("connection closed by peer");
    if (r < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return Errno("read");
    }
    off += static_cast<size_t>(r);
  }
  return Status::OK();
}

Result<PbFrame> PbClient::ReadFrame() {
  char header[4];
  QUANTA_RETURN_IF_ERROR(ReadExact(header, 4));
  uint32_t length = coding::DecodeFixed32BE(header);
  if (length == 0) return IoErr("zero-length frame");
  if (length - 1 > options_.max_frame_bytes) {
    return IoErr("frame of " + std::to_string(length) + " bytes is too large");
  }
  std::string body(length, '\0');
  QUANTA_RETURN_IF_ERROR(ReadExact(body.data(), length));
  PbFrame f;
  f.code = static_cast<uint8_t>(body[0]);
  f.payload = body.substr(1);
  return f;
}

Result<PbFrame> PbClient::Call(uint8_t code, std::string_view payload) {
  QUANTA_RETURN_IF_ERROR(SendFrame(code, payload));
  return ReadFrame();
}

bool PbClient::WaitForClose(int timeout_ms) {
  char c;
  for (;;) {
    if (!WaitFd(fd_, POLLIN, timeout_ms)) return false;
    ssize_t r = ::recv(fd_, &c, 1, 0);
    if (r == 0) return true;
    if (r < 0) return errno == ECONNRESET;
    // Data before EOF: not closed yet (caller did not read a reply); keep draining.
  }
}

Result<PbFrame> PbClient::Expect(uint8_t code, std::string_view payload, uint8_t want) {
  auto f = Call(code, payload);
  if (!f.ok()) return f;
  if (f->code == code::kErrorResp) {
    RpbErrorResp e;
    if (!Decode(f->payload, &e).ok()) return IoErr("undecodable RpbErrorResp");
    return RiakReplyError(e.errmsg, static_cast<int>(e.errcode));
  }
  if (f->code == code::kTsTtbMsg && want == code::kTsTtbMsg) return f;
  if (f->code != want) {
    return IoErr("unexpected message code " + std::to_string(f->code) + " (wanted " +
                 std::to_string(want) + ")");
  }
  return f;
}

Status PbClient::Ping() { return Expect(code::kPingReq, "", code::kPingResp).status(); }

Result<RpbGetServerInfoResp> PbClient::ServerInfo() {
  auto f = Expect(code::kGetServerInfoReq, "", code::kGetServerInfoResp);
  if (!f.ok()) return f.error();
  RpbGetServerInfoResp m;
  if (!Decode(f->payload, &m).ok()) return IoErr("undecodable RpbGetServerInfoResp");
  return m;
}

Result<std::string> PbClient::GetClientId() {
  auto f = Expect(code::kGetClientIdReq, "", code::kGetClientIdResp);
  if (!f.ok()) return f.error();
  RpbClientId m;
  if (!Decode(f->payload, &m).ok()) return IoErr("undecodable RpbGetClientIdResp");
  return m.client_id;
}

Status PbClient::SetClientId(std::string_view client_id) {
  return Expect(code::kSetClientIdReq, Encode(RpbClientId{std::string(client_id)}),
                code::kSetClientIdResp)
      .status();
}

Result<ResultSet> PbClient::TtbTableCall(std::string payload, bool get) {
  auto f = Expect(code::kTsTtbMsg, payload, code::kTsTtbMsg);
  if (!f.ok()) return f.error();
  auto r = ttb::DecodeTtbResponse(f->payload);
  if (!r.ok()) return IoErr(r.error().message());
  if (r->kind == ttb::TtbResponse::Kind::kError) return RiakReplyError(r->errmsg, r->errcode);
  auto want = get ? ttb::TtbResponse::Kind::kGetResp : ttb::TtbResponse::Kind::kQueryResp;
  if (r->kind != want) return IoErr("unexpected TTB response");
  return std::move(r->result);
}

Result<ResultSet> PbClient::Query(std::string_view sql) {
  if (options_.use_ttb) return TtbTableCall(ttb::EncodeTtbQueryReq(sql), false);
  TsQueryReq req;
  req.query = TsInterpolation{std::string(sql), {}};
  auto f = Expect(code::kTsQueryReq, Encode(req), code::kTsQueryResp);
  if (!f.ok()) return f.error();
  TsQueryResp resp;
  if (!Decode(f->payload, &resp).ok()) return IoErr("undecodable TsQueryResp");
  return ResultSetFromPb(resp.columns, resp.rows);
}

Result<ResultSet> PbClient::QueryWithCoverContext(std::string_view sql,
                                                  std::string_view cover_context) {
  if (options_.use_ttb) {
    return TtbTableCall(ttb::EncodeTtbQueryReq(sql, std::string(cover_context)), false);
  }
  TsQueryReq req;
  req.query = TsInterpolation{std::string(sql), {}};
  req.cover_context = std::string(cover_context);
  auto f = Expect(code::kTsQueryReq, Encode(req), code::kTsQueryResp);
  if (!f.ok()) return f.error();
  TsQueryResp resp;
  if (!Decode(f->payload, &resp).ok()) return IoErr("undecodable TsQueryResp");
  return ResultSetFromPb(resp.columns, resp.rows);
}

Status PbClient::Put(std::string_view table, const std::vector<Row>& rows) {
  if (options_.use_ttb) {
    auto f = Expect(code::kTsTtbMsg, ttb::EncodeTtbPutReq(table, rows), code::kTsTtbMsg);
    if (!f.ok()) return f.error();
    auto r = ttb::DecodeTtbResponse(f->payload);
    if (!r.ok()) return IoErr(r.error().message());
    if (r->kind == ttb::TtbResponse::Kind::kError) return RiakReplyError(r->errmsg, r->errcode);
    if (r->kind != ttb::TtbResponse::Kind::kPutResp) return IoErr("unexpected TTB response");
    return Status::OK();
  }
  TsPutReq req;
  req.table = std::string(table);
  for (const Row& r : rows) req.rows.push_back(CellsFromValues(r));
  return Expect(code::kTsPutReq, Encode(req), code::kTsPutResp).status();
}

Result<ResultSet> PbClient::Get(std::string_view table, const Row& key) {
  if (options_.use_ttb) return TtbTableCall(ttb::EncodeTtbGetReq(table, key), true);
  TsGetReq req;
  req.table = std::string(table);
  req.key = CellsFromValues(key);
  auto f = Expect(code::kTsGetReq, Encode(req), code::kTsGetResp);
  if (!f.ok()) return f.error();
  TsGetResp resp;
  if (!Decode(f->payload, &resp).ok()) return IoErr("undecodable TsGetResp");
  return ResultSetFromPb(resp.columns, resp.rows);
}

Status PbClient::Delete(std::string_view table, const Row& key) {
  TsDelReq req;
  req.table = std::string(table);
  req.key = CellsFromValues(key);
  return Expect(code::kTsDelReq, Encode(req), code::kTsDelResp).status();
}

Status PbClient::ListKeys(std::string_view table,
                          const std::function<void(std::vector<Row>&&)>& on_batch) {
  TsListKeysReq req;
  req.table = std::string(table);
  QUANTA_RETURN_IF_ERROR(SendFrame(code::kTsListKeysReq, Encode(req)));
  for (;;) {
    auto f = ReadFrame();
    if (!f.ok()) return f.error();
    if (f->code == code::kErrorResp) {
      RpbErrorResp e;
      if (!Decode(f->payload, &e).ok()) return IoErr("undecodable RpbErrorResp");
      return RiakReplyError(e.errmsg, static_cast<int>(e.errcode));
    }
    if (f->code != code::kTsListKeysResp) return IoErr("unexpected message code in key stream");
    TsListKeysResp resp;
    if (!Decode(f->payload, &resp).ok()) return IoErr("undecodable TsListKeysResp");
    if (!resp.keys.empty()) {
      std::vector<Row> batch;
      batch.reserve(resp.keys.size());
      for (const TsRow& k : resp.keys) batch.push_back(RowFromCells(k));
      on_batch(std::move(batch));
    }
    if (resp.done) return Status::OK();
  }
}

Result<std::vector<Row>> PbClient::ListKeys(std::string_view table) {
  std::vector<Row> keys;
  Status st = ListKeys(table, [&](std::vector<Row>&& batch) {
    for (Row& r : batch) keys.push_back(std::move(r));
  });
  if (!st.ok()) return st;
  return keys;
}

Result<TsCoverageResp> PbClient::Coverage(std::string_view sql, std::string_view table) {
  TsCoverageReq req;
  req.query = TsInterpolation{std::string(sql), {}};
  req.table = std::string(table);
  auto f = Expect(code::kTsCoverageReq, Encode(req), code::kTsCoverageResp);
  if (!f.ok()) return f.error();
  TsCoverageResp resp;
  if (!Decode(f->payload, &resp).ok()) return IoErr("undecodable TsCoverageResp");
  return resp;
}

}  // namespace quanta::wire::pb
