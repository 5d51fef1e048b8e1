#include "transport.h"

#include <charconv>
#include <utility>

namespace quanta::sqltest {

namespace {

// inproc: the service facade, exactly as every network front end calls it.
class InprocTransport final : public Transport {
 public:
  explicit InprocTransport(service::TsService& service) : service_(service) {}
  std::string_view name() const override { return "inproc"; }
  Response Execute(std::string_view sql) override {
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

// Network front ends started for one service. Empty until the PB client and the HTTP server
// exist in the tree (see docs/testing.md "Transports"): the extension point is here and in
// Harness::Start().
struct Harness::Servers {};

const std::vector<std::string>& Harness::Known() {
  static const std::vector<std::string> kNames = {"inproc", "pb", "ttb", "http"};
  return kNames;
}

bool Harness::Compiled(std::string_view name) { return name == "inproc"; }

Harness::Harness(std::string data_dir) { options_.data_dir = std::move(data_dir); }

Harness::~Harness() { Stop().IgnoreError(); }

Status Harness::Start() {
  auto opened = service::TsService::Open(options_);
  if (!opened.ok()) return opened.error();
  service_ = std::move(opened).value();
  servers_ = std::make_unique<Servers>();
  transports_.clear();
  transports_.push_back(std::make_unique<InprocTransport>(*service_));
  return Status::OK();
}

Status Harness::Stop() {
  transports_.clear();
  servers_.reset();
  Status st;
  if (service_) {
    st = service_->Close();
    service_.reset();
  }
  return st;
}

Status Harness::Restart() {
  Status st = Stop();
  if (!st.ok()) return st;
  return Start();
}

Status Harness::Configure(std::string_view key, std::string_view value) {
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
  } else if (key == "node_name") {
    o.node_name = std::string(value);
  } else if (key == "sync") {
    if (value != "true" && value != "false") {
      return Status(ErrorCode::kInvalidArgument, "config sync needs true or false");
    }
    o.sync = value == "true";
  } else {
    return Status(ErrorCode::kInvalidArgument, "unknown config key '" + std::string(key) + "'");
  }
  if (!st.ok()) return st;
  return Restart();
}

Transport* Harness::Get(std::string_view name) {
  for (auto& t : transports_) {
    if (t->name() == name) return t.get();
  }
  return nullptr;
}

std::vector<Transport*> Harness::All() {
  std::vector<Transport*> out;
  for (auto& t : transports_) out.push_back(t.get());
  return out;
}

}  // namespace quanta::sqltest
