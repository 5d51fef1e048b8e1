// PbClient adapter; see pb_shell_connection.h.
#include "pb_shell_connection.h"

#include "wire/pb/pb_client.h"

namespace quanta::shell {
namespace {

class PbShellConnection : public ShellConnection {
 public:
  explicit PbShellConnection(int connect_timeout_ms) {
    options_.connect_timeout_ms = connect_timeout_ms;
    // Queries are bounded by the server's own timeout; wait a little longer than it does.
    options_.io_timeout_ms = 120000;
  }

  ShellError Open(const Endpoint& endpoint) override {
    client_.reset();
    auto c = wire::pb::PbClient::Connect(endpoint.host, endpoint.port, options_);
    if (!c.ok()) return ShellError::Transport(c.error().message());
    client_ = std::move(c).value();
    return {};
  }

  void Close() override { client_.reset(); }
  bool is_open() const override { return client_ != nullptr; }

  ShellError Query(const std::string& sql, ResultSet* result) override {
    if (!client_) return ShellError::Transport("not connected");
    auto r = client_->Query(sql);
    if (!r.ok()) return Failure(r.error());
    *result = std::move(r).value();
    return {};
  }

  ShellError Ping() override {
    if (!client_) return ShellError::Transport("not connected");
    Status st = client_->Ping();
    if (!st.ok()) return Failure(st);
    return {};
  }

  ShellError GetServerInfo(ServerInfo* info) override {
    if (!client_) return ShellError::Transport("not connected");
    auto r = client_->ServerInfo();
    if (!r.ok()) return Failure(r.error());
    info->node = r->node.value_or("");
    info->server_version = r->server_version.value_or("");
    return {};
  }

 private:
  ShellError Failure(const Status& st) {
    if (st.code() == ErrorCode::kIoError) {
      client_.reset();  // PbClient is unusable after an I/O error
      return ShellError::Transport(st.message());
    }
    return ShellError::Server(st.riak_code(), st.message());
  }

  wire::pb::PbClientOptions options_;
  std::unique_ptr<wire::pb::PbClient> client_;
};

class PbFactory : public ShellConnectionFactory {
 public:
  explicit PbFactory(int connect_timeout_ms) : connect_timeout_ms_(connect_timeout_ms) {}
  std::unique_ptr<ShellConnection> Create() override {
    return std::make_unique<PbShellConnection>(connect_timeout_ms_);
  }

 private:
  int connect_timeout_ms_;
};

}  // namespace

std::unique_ptr<ShellConnectionFactory> MakePbConnectionFactory(int connect_timeout_ms) {
  return std::make_unique<PbFactory>(connect_timeout_ms);
}

}  // namespace quanta::shell
