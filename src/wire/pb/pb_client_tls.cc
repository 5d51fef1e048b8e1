// PbClient's security (pb_client.h): RpbStartTls, the TLS handshake over the connection's socket
// with OpenSSL, RpbAuthReq, and the reads and writes that go through TLS afterwards.
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "wire/pb/pb_client.h"
#include "wire/pb/pb_frame.h"
#include "wire/pb/proto_wire.h"

namespace quanta::wire::pb {

namespace {

Status TlsError(const std::string& what) {
  std::string text = what;
  if (unsigned long e = ERR_get_error(); e != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    text += ": " + std::string(buf);
  }
  ERR_clear_error();
  return Status(ErrorCode::kIoError, text);
}

// Bounds every blocking read and write of the socket (OpenSSL's included) by `ms`.
void SetSocketTimeouts(int fd, int ms) {
  timeval tv{};
  if (ms > 0) {
    tv.tv_sec = ms / 1000;
    tv.tv_usec = (ms % 1000) * 1000;
  }
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

}  // namespace

struct PbClient::Tls {
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  ~Tls() {
    if (ssl != nullptr) SSL_free(ssl);  // without a shutdown: the socket closes next
    if (ctx != nullptr) SSL_CTX_free(ctx);
  }
};

PbClient::PbClient(int fd, std::string host, PbClientOptions options)
    : fd_(fd), host_(std::move(host)), options_(options) {}

PbClient::~PbClient() {
  tls_.reset();
  if (fd_ >= 0) ::close(fd_);
}

Status PbClient::StartTls(const PbTlsOptions& options) {
  if (tls_) return Status(ErrorCode::kInvalidArgument, "TLS is already started");
  QUANTA_RETURN_IF_ERROR(Expect(code::kStartTls, "", code::kStartTls).status());
  auto tls = std::make_unique<Tls>();
  tls->ctx = SSL_CTX_new(TLS_client_method());
  if (tls->ctx == nullptr) return TlsError("TLS context");
  SSL_CTX_set_min_proto_version(tls->ctx, TLS1_2_VERSION);
  SSL_CTX_set_verify(tls->ctx, SSL_VERIFY_PEER, nullptr);
  if (options.ca_file.empty()) {
    if (SSL_CTX_set_default_verify_paths(tls->ctx) != 1) return TlsError("the system's CA store");
  } else if (SSL_CTX_load_verify_locations(tls->ctx, options.ca_file.c_str(), nullptr) != 1) {
    return TlsError("cannot load CA certificates from " + options.ca_file);
  }
  if (!options.cert_file.empty()) {
    if (SSL_CTX_use_certificate_chain_file(tls->ctx, options.cert_file.c_str()) != 1) {
      return TlsError("cannot load the client certificate " + options.cert_file);
    }
    const std::string& key = options.key_file.empty() ? options.cert_file : options.key_file;
    if (SSL_CTX_use_PrivateKey_file(tls->ctx, key.c_str(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(tls->ctx) != 1) {
      return TlsError("cannot load the client key " + key);
    }
  }
  tls->ssl = SSL_new(tls->ctx);
  if (tls->ssl == nullptr) return TlsError("TLS session");
  const std::string& name = options.server_name.empty() ? host_ : options.server_name;
  // The certificate must name the server: an IP address as such, else a DNS name (also SNI).
  ASN1_OCTET_STRING* ip = a2i_IPADDRESS(name.c_str());
  if (ip != nullptr) {
    ASN1_OCTET_STRING_free(ip);
    if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(tls->ssl), name.c_str()) != 1) {
      return TlsError("bad server address " + name);
    }
  } else {
    SSL_set_tlsext_host_name(tls->ssl, name.c_str());
    if (SSL_set1_host(tls->ssl, name.c_str()) != 1) return TlsError("bad server name " + name);
  }
  if (SSL_set_fd(tls->ssl, fd_) != 1) return TlsError("TLS on the socket");
  SetSocketTimeouts(fd_, options_.io_timeout_ms);
  if (SSL_connect(tls->ssl) != 1) {
    const long verify = SSL_get_verify_result(tls->ssl);
    if (verify != X509_V_OK) {
      ERR_clear_error();
      return Status(ErrorCode::kIoError, "TLS handshake with " + name + ": the server's certificate: " +
                                             X509_verify_cert_error_string(verify));
    }
    return TlsError("TLS handshake with " + name);
  }
  tls_ = std::move(tls);
  return Status::OK();
}

Status PbClient::Auth(std::string_view user, std::string_view password) {
  // RpbAuthReq { required bytes user = 1; required bytes password = 2; }
  std::string payload;
  ProtoWriter w(&payload);
  w.WriteBytesField(1, user);
  w.WriteBytesField(2, password);
  return Expect(code::kAuthReq, payload, code::kAuthResp).status();
}

Status PbClient::TlsSend(std::string_view bytes) {
  size_t off = 0;
  while (off < bytes.size()) {
    size_t n = 0;
    if (SSL_write_ex(tls_->ssl, bytes.data() + off, bytes.size() - off, &n) != 1) {
      return TlsError("TLS write");
    }
    off += n;
  }
  return Status::OK();
}

Status PbClient::TlsRead(char* dst, size_t n) {
  size_t off = 0;
  while (off < n) {
    size_t got = 0;
    if (SSL_read_ex(tls_->ssl, dst + off, n - off, &got) != 1) {
      const int e = SSL_get_error(tls_->ssl, 0);
      if (e == SSL_ERROR_ZERO_RETURN) return Status(ErrorCode::kIoError, "connection closed by peer");
      if (e == SSL_ERROR_SYSCALL && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        ERR_clear_error();
        return Status(ErrorCode::kIoError, "read timed out");
      }
      return TlsError("TLS read");
    }
    off += got;
  }
  return Status::OK();
}

}  // namespace quanta::wire::pb
