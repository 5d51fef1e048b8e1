#include "server/config.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>

#include "schema/expiry.h"

namespace quanta::server {

namespace {

Status Bad(const std::string& msg) { return Status(ErrorCode::kInvalidArgument, msg); }

std::string Trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  std::string out = s.substr(b, e - b);
  if (out.size() >= 2 && ((out.front() == '"' && out.back() == '"') ||
                          (out.front() == '\'' && out.back() == '\''))) {
    out = out.substr(1, out.size() - 2);
  }
  return out;
}

Result<int64_t> ParseInt(const std::string& key, const std::string& v, int64_t min, int64_t max) {
  int64_t out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || p != v.data() + v.size() || out < min || out > max) {
    return Bad("invalid value '" + v + "' for " + key + " (expected an integer from " +
               std::to_string(min) + " to " + std::to_string(max) + ")");
  }
  return out;
}

Result<bool> ParseBool(const std::string& key, const std::string& v) {
  if (v == "on" || v == "true" || v == "yes" || v == "1") return true;
  if (v == "off" || v == "false" || v == "no" || v == "0") return false;
  return Bad("invalid value '" + v + "' for " + key + " (expected on or off)");
}

Result<int> ParseTimezone(const std::string& v) {
  if (v == "Z" || v == "UTC" || v == "utc" || v == "+00" || v == "+00:00") return 0;
  if (v.size() >= 3 && (v[0] == '+' || v[0] == '-')) {
    int sign = v[0] == '-' ? -1 : 1;
    std::string digits;
    for (char c : v.substr(1)) {
      if (c != ':') digits += c;
    }
    if ((digits.size() == 2 || digits.size() == 4) &&
        std::all_of(digits.begin(), digits.end(), ::isdigit)) {
      int h = std::stoi(digits.substr(0, 2));
      int m = digits.size() == 4 ? std::stoi(digits.substr(2)) : 0;
      if (h <= 23 && m <= 59) return sign * (h * 60 + m);
    }
  }
  return Bad("invalid timezone '" + v + "' (expected e.g. +00:00 or -05:00)");
}

}  // namespace

Result<int64_t> ParseDurationMs(const std::string& text, int64_t default_unit_ms) {
  std::string t = Trim(text);
  size_t i = 0;
  while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) ++i;
  if (i == 0) return Bad("invalid duration '" + text + "'");
  int64_t n = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + i, n);
  if (ec != std::errc()) return Bad("invalid duration '" + text + "'");
  std::string unit = t.substr(i);
  int64_t mult;
  if (unit.empty()) mult = default_unit_ms;
  else if (unit == "ms") mult = 1;
  else if (unit == "s") mult = 1000;
  else if (unit == "m") mult = 60000;
  else if (unit == "h") mult = 3600000;
  else if (unit == "d") mult = 86400000;
  else return Bad("invalid duration unit in '" + text + "' (use ms, s, m, h or d)");
  // 2^40 ms (about 34 years): the seconds fit an int and the nanoseconds of a deadline
  // (steady_clock::now() + the duration) fit int64.
  if (n > (int64_t{1} << 40) / mult) return Bad("duration '" + text + "' is too long");
  return n * mult;
}

Result<int64_t> ParseBytes(const std::string& text) {
  std::string t = Trim(text);
  size_t i = 0;
  while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) ++i;
  if (i == 0) return Bad("invalid size '" + text + "'");
  int64_t n = 0;
  auto [np, nec] = std::from_chars(t.data(), t.data() + i, n);
  if (nec != std::errc()) return Bad("invalid size '" + text + "'");
  std::string unit = t.substr(i);
  for (auto& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  int64_t mult;
  if (unit.empty() || unit == "B") mult = 1;
  else if (unit == "KB" || unit == "K") mult = 1024;
  else if (unit == "MB" || unit == "M") mult = 1024 * 1024;
  else if (unit == "GB" || unit == "G") mult = 1024LL * 1024 * 1024;
  else return Bad("invalid size unit in '" + text + "' (use B, KB, MB or GB)");
  if (n > (int64_t{1} << 50) / mult) return Bad("size '" + text + "' is too large");
  return n * mult;
}

Status ParseListen(const std::string& text, std::string* host, uint16_t* port) {
  std::string t = Trim(text);
  size_t colon;
  std::string h;
  if (!t.empty() && t[0] == '[') {
    size_t close = t.find(']');
    if (close == std::string::npos || close + 1 >= t.size() || t[close + 1] != ':') {
      return Bad("invalid listen address '" + text + "' (expected HOST:PORT)");
    }
    h = t.substr(1, close - 1);
    colon = close + 1;
  } else {
    colon = t.rfind(':');
    if (colon == std::string::npos || colon == 0) {
      return Bad("invalid listen address '" + text + "' (expected HOST:PORT)");
    }
    h = t.substr(0, colon);
  }
  auto p = ParseInt("port", t.substr(colon + 1), 0, 65535);
  if (!p.ok()) return Bad("invalid port in listen address '" + text + "'");
  *host = h;
  *port = static_cast<uint16_t>(*p);
  return Status::OK();
}

Status ApplySetting(ServerConfig* c, const std::string& raw_key, const std::string& raw_value) {
  const std::string key = Trim(raw_key);
  const std::string v = Trim(raw_value);
  auto& s = c->service;
  auto set_int = [&](auto* field, int64_t min, int64_t max) -> Status {
    QUANTA_ASSIGN_OR_RETURN(int64_t n, ParseInt(key, v, min, max));
    *field = static_cast<std::remove_reference_t<decltype(*field)>>(n);
    return Status::OK();
  };
  auto set_duration = [&](int64_t* field) -> Status {
    QUANTA_ASSIGN_OR_RETURN(int64_t ms, ParseDurationMs(v));
    if (ms <= 0) return Bad(key + " must be positive");
    *field = ms;
    return Status::OK();
  };
  auto set_bytes = [&](auto* field) -> Status {
    QUANTA_ASSIGN_OR_RETURN(int64_t n, ParseBytes(v));
    *field = static_cast<std::remove_reference_t<decltype(*field)>>(n);
    return Status::OK();
  };

  if (key == "data_dir" || key == "platform_data_dir") { s.data_dir = v; return Status::OK(); }
  if (key == "pb_listen" || key == "listener.protobuf.internal") {
    return ParseListen(v, &c->pb_host, &c->pb_port);
  }
  if (key == "http_listen" || key == "listener.http.internal") {
    return ParseListen(v, &c->http_host, &c->http_port);
  }
  if (key == "pb_enabled") { QUANTA_ASSIGN_OR_RETURN(c->pb_enabled, ParseBool(key, v)); return Status::OK(); }
  if (key == "http_enabled") { QUANTA_ASSIGN_OR_RETURN(c->http_enabled, ParseBool(key, v)); return Status::OK(); }
  if (key == "riak_kv.query.timeseries.timeout" || key == "timeseries_query_timeout_ms" ||
      key == "query_timeout") {
    return set_duration(&s.query_timeout_ms);
  }
  if (key == "riak_kv.query.timeseries.max_quanta_span" ||
      key == "timeseries_query_max_quanta_span" || key == "max_quanta_span") {
    return set_int(&s.max_quanta_span, 1, 1000000000);
  }
  if (key == "riak_kv.query.timeseries.max_concurrent_queries" ||
      key == "timeseries_max_concurrent_queries" || key == "max_concurrent_queries") {
    return set_int(&s.max_concurrent_queries, 1, 1000);
  }
  if (key == "riak_kv.query.maximum_query_queue_length" ||
      key == "riak_kv.query.timeseries.maximum_query_queue_length" ||
      key == "timeseries_query_queue_length" || key == "query_queue_length") {
    return set_int(&s.query_queue_length, 0, 100000);
  }
  if (key == "riak_kv.query.timeseries.max_returned_data_size" ||
      key == "timeseries_query_max_returned_data_size" || key == "max_returned_data_size") {
    return set_bytes(&s.max_returned_data_size);
  }
  if (key == "riak_kv.query.timeseries.max_running_fsms" ||
      key == "timeseries_query_max_running_fsms" || key == "max_running_fsms") {
    return set_int(&s.max_running_fsms, 1, 100000);
  }
  if (key == "object.size.maximum" || key == "max_object_size") return set_bytes(&s.max_object_size);
  if (key == "sort_memory_budget" || key == "riak_kv.query.timeseries.qbuf_soft_watermark") {
    return set_bytes(&s.sort_memory_budget_bytes);
  }
  if (key == "timezone") {
    QUANTA_ASSIGN_OR_RETURN(s.timezone_offset_minutes, ParseTimezone(v));
    return Status::OK();
  }
  if (key == "storage.sync" || key == "sync") { QUANTA_ASSIGN_OR_RETURN(s.sync, ParseBool(key, v)); return Status::OK(); }
  if (key == "storage.block_cache_mb") return set_int(&s.block_cache_mb, 1, 1 << 20);
  if (key == "storage.write_buffer_mb") return set_int(&s.write_buffer_mb, 1, 1 << 16);
  if (key == "storage.compression") {
    if (v != "zstd" && v != "lz4" && v != "snappy" && v != "none") {
      return Bad("invalid value '" + v + "' for " + key + " (zstd, lz4, snappy or none)");
    }
    s.compression = v;
    return Status::OK();
  }
  if (key == "storage.idle_compaction") {
    QUANTA_ASSIGN_OR_RETURN(int64_t ms, ParseDurationMs(v));
    s.idle_compaction_ms = static_cast<int>(std::min<int64_t>(ms, 1LL << 30));
    return Status::OK();
  }
  if (key == "storage.min_free_space") return set_bytes(&s.min_free_space_bytes);
  if (key == "storage.chunk_rows") return set_int(&s.chunk_rows, 256, 65536);
  if (key == "storage.seal_idle") {
    QUANTA_ASSIGN_OR_RETURN(int64_t ms, ParseDurationMs(v));
    s.seal_idle_ms = static_cast<int>(std::min<int64_t>(ms, 1LL << 30));
    return Status::OK();
  }
  if (key == "storage.backend") {
    if (v != "rocksdb" && v != "rados") {
      return Bad("invalid value '" + v + "' for " + key + " (rocksdb or rados)");
    }
    s.storage_backend = v;
    return Status::OK();
  }
  if (key == "rados.conf") { s.rados_conf = v; return Status::OK(); }
  if (key == "rados.pool") { s.rados_pool = v; return Status::OK(); }
  if (key == "rados.user") {
    if (v.empty()) return Bad(key + " must not be empty");
    s.rados_user = v;
    return Status::OK();
  }
  if (key == "rados.namespace") { s.rados_namespace = v; return Status::OK(); }
  if (key == "rados.op_timeout") return set_duration(&s.rados_op_timeout_ms);
  if (key == "cluster.peers") {
    // Comma- or space-separated PB addresses, each HOST:PORT.
    std::vector<std::string> peers;
    std::string item;
    for (size_t i = 0; i <= v.size(); ++i) {
      if (i == v.size() || v[i] == ',' || v[i] == ' ') {
        if (!item.empty()) {
          std::string host;
          uint16_t port = 0;
          QUANTA_RETURN_IF_ERROR(ParseListen(item, &host, &port));
          peers.push_back(item);
        }
        item.clear();
      } else {
        item.push_back(v[i]);
      }
    }
    s.cluster_peers = std::move(peers);
    return Status::OK();
  }
  // Expiry (schema/expiry.h), with Riak's riak.conf names.
  if (key == "leveldb.expiration") {
    QUANTA_ASSIGN_OR_RETURN(s.expiry.enabled, ParseBool(key, v));
    return Status::OK();
  }
  if (key == "leveldb.expiration.retention_time") {
    auto d = schema::ParseDuration(v);
    if (!d.ok()) {
      return Bad("invalid value '" + v + "' for " + key +
                 " (expected unlimited or a duration such as 5h, 8d9h or 2w)");
    }
    s.expiry.retention_ms = *d;
    return Status::OK();
  }
  if (key == "leveldb.expiration.mode") {
    if (v != "whole_file" && v != "normal") {
      return Bad("invalid value '" + v + "' for " + key + " (whole_file or normal)");
    }
    s.expiry.mode = v;
    return Status::OK();
  }
  if (key == "storage.expiry_interval") {
    QUANTA_ASSIGN_OR_RETURN(int64_t ms, ParseDurationMs(v));
    if (ms <= 0) return Bad("invalid value '" + v + "' for " + key + " (expected more than 0)");
    s.expiry_interval_ms = std::min<int64_t>(ms, 1LL << 30);
    return Status::OK();
  }
  if (key == "nodename") { s.node_name = v; return Status::OK(); }
  if (key == "ingest.quantum") {
    // <n>d, <n>h, <n>m or <n>s, as QUANTUM(time, n, 'u').
    int64_t n = 0;
    bool ok = v.size() >= 2 && v.size() <= 10 && std::string_view("dhms").find(v.back()) !=
                                                     std::string_view::npos;
    for (size_t i = 0; ok && i + 1 < v.size(); ++i) {
      ok = v[i] >= '0' && v[i] <= '9';
      n = n * 10 + (v[i] - '0');
    }
    if (!ok || n <= 0) return Bad("invalid value '" + v + "' for " + key + " (e.g. 1d, 6h, 15m)");
    s.ingest_quantum_size = n;
    s.ingest_quantum_unit = v.back();
    return Status::OK();
  }
  if (key == "ingest.prometheus_table") {
    if (v.empty()) return Bad(key + " must not be empty");
    s.prometheus_table = v;
    return Status::OK();
  }
  if (key == "pb.max_frame_bytes") return set_bytes(&c->pb_max_frame_bytes);
  if (key == "pb.idle_timeout") {
    QUANTA_ASSIGN_OR_RETURN(int64_t ms, ParseDurationMs(v, 1000));
    c->pb_idle_timeout_seconds = static_cast<int>(std::max<int64_t>(1, ms / 1000));
    return Status::OK();
  }
  if (key == "http.max_body_bytes") return set_bytes(&c->http_max_body_bytes);
  if (key == "http.request_timeout") {
    QUANTA_ASSIGN_OR_RETURN(int64_t ms, ParseDurationMs(v, 1000));
    c->http_request_timeout_seconds = static_cast<int>(std::max<int64_t>(1, ms / 1000));
    return Status::OK();
  }
  // Resource bounds (docs/operations.md).
  if (key == "memory.limit") return set_bytes(&s.memory_limit_bytes);
  if (key == "memory.request_limit") return set_bytes(&s.request_memory_limit_bytes);
  if (key == "memory.trim_threshold") return set_bytes(&c->memory_trim_threshold_bytes);
  if (key == "memory.malloc_arenas") return set_int(&c->malloc_arenas, 0, 1024);
  if (key == "query.max_statement_bytes") return set_bytes(&s.max_statement_bytes);
  if (key == "list_keys.max_concurrent") return set_int(&s.max_concurrent_list_keys, 1, 1000);
  if (key == "query.scan_threads") return set_int(&s.scan_threads, 0, 1024);
  if (key == "pb.read_timeout") {
    QUANTA_ASSIGN_OR_RETURN(int64_t ms, ParseDurationMs(v, 1000));
    c->pb_read_timeout_seconds = static_cast<int>(std::max<int64_t>(1, ms / 1000));
    return Status::OK();
  }
  if (key == "pb.write_timeout") {
    QUANTA_ASSIGN_OR_RETURN(int64_t ms, ParseDurationMs(v, 1000));
    c->pb_write_timeout_seconds = static_cast<int>(std::max<int64_t>(1, ms / 1000));
    return Status::OK();
  }
  if (key == "http.write_timeout") {
    QUANTA_ASSIGN_OR_RETURN(int64_t ms, ParseDurationMs(v, 1000));
    c->http_write_timeout_seconds = static_cast<int>(std::max<int64_t>(1, ms / 1000));
    return Status::OK();
  }
  if (key == "threads") return set_int(&c->threads, 0, 1024);
  if (key == "log_level") { c->log_level = v; return Status::OK(); }
  return Bad("unknown setting '" + key + "'");
}

Status LoadConfigFile(ServerConfig* config, const std::string& path) {
  std::ifstream in(path);
  if (!in) return Bad("cannot read config file '" + path + "'");
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    std::string t = Trim(line);
    if (t.empty() || t[0] == '#') continue;
    size_t eq = t.find('=');
    if (eq == std::string::npos) {
      return Bad(path + ":" + std::to_string(lineno) + ": expected 'key = value'");
    }
    Status st = ApplySetting(config, t.substr(0, eq), t.substr(eq + 1));
    if (!st.ok()) return Bad(path + ":" + std::to_string(lineno) + ": " + st.message());
  }
  return Status::OK();
}

std::string UsageText() {
  return R"(Usage: quantad [options]

Quanta: a Riak TS compatible time-series database server.

Options:
  --data-dir DIR          data directory (default ./data)
  --pb-listen HOST:PORT   Protocol Buffers listener (default 127.0.0.1:8087)
  --http-listen HOST:PORT HTTP listener (default 127.0.0.1:8098)
  --config FILE           configuration file (key = value lines; see docs/configuration.md)
  --set KEY=VALUE         any configuration setting (repeatable; overrides the file)
  --sync                  fsync every acknowledged write (group commit)
  --help                  show this help and exit
  --version               show the version and exit

Flags override the configuration file, which overrides the defaults.
)";
}

Result<CommandLine> ParseCommandLine(int argc, char** argv) {
  CommandLine cl;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string value;
    bool has_inline = false;
    if (arg.rfind("--", 0) == 0) {
      size_t eq = arg.find('=');
      if (eq != std::string::npos && arg.rfind("--set", 0) != 0) {
        value = arg.substr(eq + 1);
        arg = arg.substr(0, eq);
        has_inline = true;
      }
    }
    auto need_value = [&](const std::string& flag) -> Result<std::string> {
      if (has_inline) return value;
      if (i + 1 >= argc) return Bad("option " + flag + " needs a value");
      return std::string(argv[++i]);
    };
    if (arg == "--help" || arg == "-h") {
      cl.help = true;
    } else if (arg == "--version") {
      cl.version = true;
    } else if (arg == "--sync") {
      cl.settings.emplace_back("storage.sync", "on");
    } else if (arg == "--data-dir" || arg == "--pb-listen" || arg == "--http-listen" ||
               arg == "--config" || arg == "-c") {
      QUANTA_ASSIGN_OR_RETURN(std::string v, need_value(arg));
      if (arg == "--config" || arg == "-c") cl.config_file = v;
      else if (arg == "--data-dir") cl.settings.emplace_back("data_dir", v);
      else if (arg == "--pb-listen") cl.settings.emplace_back("pb_listen", v);
      else cl.settings.emplace_back("http_listen", v);
    } else if (arg == "--set" || arg.rfind("--set=", 0) == 0) {
      std::string kv;
      if (arg == "--set") {
        if (i + 1 >= argc) return Bad("option --set needs KEY=VALUE");
        kv = argv[++i];
      } else {
        kv = arg.substr(6);
      }
      size_t eq = kv.find('=');
      if (eq == std::string::npos) return Bad("option --set needs KEY=VALUE, got '" + kv + "'");
      cl.settings.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
    } else {
      return Bad("unknown option '" + arg + "' (see --help)");
    }
  }
  return cl;
}

}  // namespace quanta::server
