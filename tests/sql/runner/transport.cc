#include "transport.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <optional>
#include <utility>

#include "alternating.h"
#include "schema/expiry.h"

#ifdef QUANTA_SQLTEST_PB
#include "wire/pb/pb_client.h"
#include "wire/pb/pb_server.h"
#endif
#ifdef QUANTA_SQLTEST_HTTP
#include "http/http_server.h"
#include "http_client.h"
#endif

namespace quanta::sqltest {

namespace {

// inproc: the service facade, exactly as every network front end calls it.
class InprocTransport final : public Transport {
 public:
  explicit InprocTransport(service::TsService& service) : service_(service) {}
  std::string_view name() const override { return "inproc"; }
  Response Execute(std::string_view sql, const std::vector<ColumnType>*) override {
    Response r;
    service::QueryOutcome outcome;
    Status st = service_.Query(sql, service::QueryOptions{}, &outcome);
    if (!st.ok()) {
      r.ok = false;
      r.code = st.riak_code();
      r.message = st.message();
      return r;
    }
    r.result = std::move(outcome.result);
    return r;
  }

 private:
  service::TsService& service_;
};

#ifdef QUANTA_SQLTEST_PB
// pb / ttb: one PbClient connection to the in-process PbServer, reconnected after an I/O error.
class PbTransport final : public Transport {
 public:
  PbTransport(uint16_t port, bool ttb) : port_(port), ttb_(ttb) {}
  std::string_view name() const override { return ttb_ ? "ttb" : "pb"; }
  bool columns_when_empty() const override { return false; }
  Response Execute(std::string_view sql, const std::vector<ColumnType>*) override {
    Response r;
    if (!client_) {
      wire::pb::PbClientOptions o;
      o.use_ttb = ttb_;
      auto c = wire::pb::PbClient::Connect("127.0.0.1", port_, o);
      if (!c.ok()) return Failure(c.error());
      client_ = std::move(c).value();
    }
    auto rs = client_->Query(sql);
    if (!rs.ok()) {
      if (rs.error().code() == ErrorCode::kIoError) client_.reset();
      return Failure(rs.error());
    }
    r.result = std::move(rs).value();
    return r;
  }

 private:
  static Response Failure(const Status& st) {
    Response r;
    r.ok = false;
    r.code = st.riak_code();
    r.message = st.code() == ErrorCode::kIoError ? "[transport] " + st.message() : st.message();
    return r;
  }
  uint16_t port_;
  bool ttb_;
  std::unique_ptr<wire::pb::PbClient> client_;
};
#endif

#ifdef QUANTA_SQLTEST_HTTP
// http: POST /ts/v1/query. No Riak codes and no column types on this front end: errors are
// checked for occurrence only, cells are decoded with the declared types.
class HttpTransport final : public Transport {
 public:
  explicit HttpTransport(uint16_t port) : port_(port) {}
  std::string_view name() const override { return "http"; }
  Response Execute(std::string_view sql, const std::vector<ColumnType>* declared) override {
    Response r;
    r.code_known = false;
    r.types_known = false;
    auto reply = HttpPost(port_, "/ts/v1/query", sql);
    if (!reply.ok()) return Failure(r, "[transport] " + reply.error().message());
    if (reply->status != 200) {
      return Failure(r, "HTTP " + std::to_string(reply->status) + " " + reply->body);
    }
    auto json = ParseJson(reply->body);
    if (!json.ok()) return Failure(r, "[transport] bad JSON: " + reply->body);
    const Json* columns = json->Get("columns");
    const Json* rows = json->Get("rows");
    if (columns == nullptr || rows == nullptr) return r;  // {"success":true}
    for (const auto& c : columns->items) r.result.columns.push_back({c.text, ColumnType::kVarchar});
    for (const auto& row : rows->items) {
      Row out;
      for (size_t i = 0; i < row.items.size(); ++i) {
        std::optional<ColumnType> type;
        if (declared != nullptr && i < declared->size()) type = (*declared)[i];
        out.push_back(Cell(row.items[i], type));
      }
      r.result.rows.push_back(std::move(out));
    }
    return r;
  }

 private:
  static Response Failure(Response r, std::string message) {
    r.ok = false;
    r.message = std::move(message);
    return r;
  }
  // JSON cell -> Value: [] is NULL (riak_ts.md 11.1); numbers and strings follow `type`.
  static Value Cell(const Json& j, std::optional<ColumnType> type) {
    switch (j.kind) {
      case Json::Kind::kArray:
      case Json::Kind::kNull: return Value::Null();
      case Json::Kind::kBool: return Value::Bool(j.b);
      case Json::Kind::kString:
        if (type == ColumnType::kBlob) {
          auto bytes = Base64Decode(j.text);
          if (bytes.ok()) return Value::Bytes(std::move(bytes).value());
        }
        return Value::Bytes(j.text);
      case Json::Kind::kNumber: {
        bool integral = j.text.find_first_of(".eE") == std::string::npos;
        if (type == ColumnType::kDouble || (!type && !integral)) {
          return Value::Double(std::strtod(j.text.c_str(), nullptr));
        }
        int64_t v = 0;
        auto [p, ec] = std::from_chars(j.text.data(), j.text.data() + j.text.size(), v);
        if (ec == std::errc() && p == j.text.data() + j.text.size()) return Value::Int(v);
        return Value::Double(std::strtod(j.text.c_str(), nullptr));
      }
      case Json::Kind::kObject: return Value::Bytes("[object]");
    }
    return Value::Null();
  }
  uint16_t port_;
};
#endif

bool ParseInt64(std::string_view text, int64_t* out) {
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && p == text.data() + text.size();
}

// "+05:30", "-05:00", "Z", "+0530", "-05" -> minutes east of UTC.
bool ParseZone(std::string_view text, int* minutes) {
  if (text == "Z" || text == "z" || text == "UTC") {
    *minutes = 0;
    return true;
  }
  if (text.size() < 3 || (text[0] != '+' && text[0] != '-')) return false;
  int sign = text[0] == '-' ? -1 : 1;
  std::string digits;
  for (char c : text.substr(1)) {
    if (c == ':') continue;
    if (c < '0' || c > '9') return false;
    digits.push_back(c);
  }
  if (digits.size() != 2 && digits.size() != 4) return false;
  int h = std::stoi(digits.substr(0, 2));
  int m = digits.size() == 4 ? std::stoi(digits.substr(2, 2)) : 0;
  if (h > 23 || m > 59) return false;
  *minutes = sign * (h * 60 + m);
  return true;
}

}  // namespace

// Network front ends started over one service (docs/testing.md "Transports").
struct Harness::Servers {
#ifdef QUANTA_SQLTEST_PB
  std::unique_ptr<wire::pb::PbServer> pb;
#endif
#ifdef QUANTA_SQLTEST_HTTP
  std::unique_ptr<http::HttpServer> http;
#endif
  void Stop() {
#ifdef QUANTA_SQLTEST_HTTP
    if (http) http->Stop();
    http.reset();
#endif
#ifdef QUANTA_SQLTEST_PB
    if (pb) pb->Stop();
    pb.reset();
#endif
  }
};

const std::vector<std::string>& Harness::Known() {
  static const std::vector<std::string> kNames = {"inproc", "pb", "ttb", "http"};
  return kNames;
}

bool Harness::Compiled(std::string_view name) {
  if (name == "inproc") return true;
#ifdef QUANTA_SQLTEST_PB
  if (name == "pb" || name == "ttb") return true;
#endif
#ifdef QUANTA_SQLTEST_HTTP
  if (name == "http") return true;
#endif
  return false;
}

Harness::Harness(std::string data_dir) { options_.data_dir = std::move(data_dir); }

Harness::~Harness() { Stop().IgnoreError(); }

// Front ends first: they call into the service.
Harness::Coordinator::~Coordinator() {
  transports.clear();
  if (servers) servers->Stop();
}

Status Harness::Start() {
  if (coordinators_ > 1 && options_.storage_backend != "rados") {
    return Status(ErrorCode::kInvalidArgument,
                  "several coordinators need storage.backend = rados (they share its pool)");
  }
  for (int k = 0; k < std::max(coordinators_, 1); ++k) {
    service::ServiceOptions o = options_;
    if (k > 0) o.data_dir += "-" + std::to_string(k + 1);
    running_.push_back(std::make_unique<Coordinator>());
    QUANTA_RETURN_IF_ERROR(StartOne(o, running_.back().get()));
  }
  transports_.clear();
  if (running_.size() == 1) {
    for (auto& t : running_[0]->transports) transports_.push_back(t.get());
    return Status::OK();
  }
  auto turn = std::make_shared<size_t>(0);
  for (auto& first : running_[0]->transports) {
    std::vector<Transport*> members;
    for (auto& c : running_) {
      for (auto& t : c->transports) {
        if (t->name() == first->name()) members.push_back(t.get());
      }
    }
    alternating_.push_back(NewAlternatingTransport(std::move(members), turn));
    transports_.push_back(alternating_.back().get());
  }
  return Status::OK();
}

Status Harness::StartOne(const service::ServiceOptions& options, Coordinator* c) {
  auto opened = service::TsService::Open(options);
  if (!opened.ok()) return opened.error();
  c->service = std::move(opened).value();
  c->servers = std::make_unique<Servers>();
  c->transports.push_back(std::make_unique<InprocTransport>(*c->service));
#ifdef QUANTA_SQLTEST_PB
  {
    wire::pb::PbServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.threads = 2;
    o.shutdown_grace_seconds = 5;
    c->servers->pb = std::make_unique<wire::pb::PbServer>(*c->service, o);
    Status st = c->servers->pb->Start();
    if (!st.ok()) return st;
    c->transports.push_back(std::make_unique<PbTransport>(c->servers->pb->port(), false));
    c->transports.push_back(std::make_unique<PbTransport>(c->servers->pb->port(), true));
  }
#endif
#ifdef QUANTA_SQLTEST_HTTP
  {
    http::HttpServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.threads = 1;
    o.worker_threads = 2;
    c->servers->http = std::make_unique<http::HttpServer>(*c->service, o);
    Status st = c->servers->http->Start();
    if (!st.ok()) return st;
    c->transports.push_back(std::make_unique<HttpTransport>(c->servers->http->port()));
  }
#endif
  return Status::OK();
}

Status Harness::Stop() {
  transports_.clear();
  alternating_.clear();
  Status st;
  for (auto& c : running_) {
    c->transports.clear();
    if (c->servers) c->servers->Stop();
    c->servers.reset();
    if (c->service) {
      Status closed = c->service->Close();
      if (st.ok()) st = closed;
    }
  }
  running_.clear();
  return st;
}

Status Harness::Restart() {
  Status st = Stop();
  if (!st.ok()) return st;
  return Start();
}

Status Harness::RunLifecycle() {
  for (auto& c : running_) {
    if (!c->service) continue;
    QUANTA_RETURN_IF_ERROR(c->service->RunLifecycle());
  }
  return Status::OK();
}

Status Harness::Configure(std::string_view key, std::string_view value) {
  QUANTA_RETURN_IF_ERROR(Set(key, value));
  return Restart();
}

Status Harness::Set(std::string_view key, std::string_view value) {
  service::ServiceOptions& o = options_;
  int64_t n = 0;
  bool is_int = ParseInt64(value, &n);
  auto need_int = [&](int64_t* field) -> Status {
    if (!is_int) {
      return Status(ErrorCode::kInvalidArgument,
                    "config " + std::string(key) + " needs an integer, got '" +
                        std::string(value) + "'");
    }
    *field = n;
    return Status::OK();
  };
  Status st;
  int64_t tmp = 0;
  if (key == "max_quanta_span") {
    st = need_int(&o.max_quanta_span);
  } else if (key == "query_timeout_ms" || key == "timeout") {
    st = need_int(&o.query_timeout_ms);
  } else if (key == "max_returned_data_size") {
    st = need_int(&o.max_returned_data_size);
  } else if (key == "max_running_fsms") {
    st = need_int(&o.max_running_fsms);
  } else if (key == "sort_memory_budget_bytes") {
    st = need_int(&o.sort_memory_budget_bytes);
  } else if (key == "max_object_size") {
    st = need_int(&o.max_object_size);
  } else if (key == "max_concurrent_queries") {
    st = need_int(&tmp);
    o.max_concurrent_queries = static_cast<int>(tmp);
  } else if (key == "query_queue_length") {
    st = need_int(&tmp);
    o.query_queue_length = static_cast<int>(tmp);
  } else if (key == "timezone_offset_minutes") {
    st = need_int(&tmp);
    o.timezone_offset_minutes = static_cast<int>(tmp);
  } else if (key == "timezone") {
    int minutes = 0;
    if (!ParseZone(value, &minutes)) {
      return Status(ErrorCode::kInvalidArgument,
                    "config timezone needs an offset like -05:00, got '" + std::string(value) + "'");
    }
    o.timezone_offset_minutes = minutes;
  } else if (key == "leveldb.expiration") {
    if (value != "on" && value != "off") {
      return Status(ErrorCode::kInvalidArgument, "config leveldb.expiration needs on or off");
    }
    o.expiry.enabled = value == "on";
  } else if (key == "leveldb.expiration.retention_time") {
    auto d = schema::ParseDuration(value);
    if (!d.ok()) return d.status();
    o.expiry.retention_ms = *d;
  } else if (key == "now_ms") {
    // The clock of NOW() and expiry (test-only hook, ServiceOptions::clock_ms).
    int64_t now = 0;
    st = need_int(&now);
    o.clock_ms = [now] { return now; };
  } else if (key == "node_name") {
    o.node_name = std::string(value);
  } else if (key == "storage.backend") {
    o.storage_backend = std::string(value);
  } else if (key == "rados.conf") {
    o.rados_conf = std::string(value);
  } else if (key == "rados.pool") {
    o.rados_pool = std::string(value);
  } else if (key == "rados.user") {
    o.rados_user = std::string(value);
  } else if (key == "rados.namespace") {
    o.rados_namespace = std::string(value);
  } else if (key == "rados.op_timeout_ms") {
    st = need_int(&o.rados_op_timeout_ms);
  } else if (key == "sync") {
    if (value != "true" && value != "false") {
      return Status(ErrorCode::kInvalidArgument, "config sync needs true or false");
    }
    o.sync = value == "true";
  } else {
    return Status(ErrorCode::kInvalidArgument, "unknown config key '" + std::string(key) + "'");
  }
  return st;
}

Transport* Harness::Get(std::string_view name) {
  for (Transport* t : transports_) {
    if (t->name() == name) return t;
  }
  return nullptr;
}

std::vector<Transport*> Harness::All() { return transports_; }

}  // namespace quanta::sqltest
