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

// Every key, its aliases, default and meaning: the source of --help and of the keys
// docs/configuration.md must list (config_test.cc checks both ways).
const std::vector<KeyDoc>& ConfigKeys() {
  static const std::vector<KeyDoc> keys = {
      {"data_dir", {"platform_data_dir"}, "./data", "data directory (created if missing)"},
      {"pb_listen", {"listener.protobuf.internal"}, "127.0.0.1:8087", "PB/TTB listener HOST:PORT"},
      {"http_listen", {"listener.http.internal"}, "127.0.0.1:8098", "HTTP listener HOST:PORT"},
      {"pb_enabled", {}, "on", "on/off: the PB/TTB listener"},
      {"http_enabled", {}, "on", "on/off: the HTTP listener"},
      {"riak_kv.query.timeseries.timeout", {"query_timeout", "timeseries_query_timeout_ms"}, "10s",
       "query timeout (1013); unitless = ms"},
      {"riak_kv.query.timeseries.max_quanta_span",
       {"max_quanta_span", "timeseries_query_max_quanta_span"}, "5000",
       "quanta a query may span (1025)"},
      {"riak_kv.query.timeseries.max_concurrent_queries",
       {"max_concurrent_queries", "timeseries_max_concurrent_queries"}, "3",
       "SQL requests running at once"},
      {"riak_kv.query.maximum_query_queue_length",
       {"query_queue_length", "riak_kv.query.timeseries.maximum_query_queue_length",
        "timeseries_query_queue_length"},
       "15", "SQL requests waiting for a slot; beyond: overload"},
      {"riak_kv.query.timeseries.max_returned_data_size",
       {"max_returned_data_size", "timeseries_query_max_returned_data_size"}, "10000000",
       "projected result size limit in bytes (1022)"},
      {"riak_kv.query.timeseries.max_running_fsms",
       {"max_running_fsms", "timeseries_query_max_running_fsms"}, "20",
       "accepted for compatibility (single node)"},
      {"object.size.maximum", {"max_object_size"}, "500KB", "largest row accepted"},
      {"sort_memory_budget", {"riak_kv.query.timeseries.qbuf_soft_watermark"}, "256MB",
       "memory an ORDER BY may buffer (1023 beyond)"},
      {"timezone", {}, "+00:00", "zone for ISO 8601 strings without one"},
      {"storage.sync", {"sync"}, "off", "fsync every acknowledged write (group commit)"},
      {"storage.block_cache_mb", {}, "256", "RocksDB block cache, MB"},
      {"storage.write_buffer_mb", {}, "32", "RocksDB memtable size, MB"},
      {"storage.idle_compaction", {}, "2s", "merge into one sorted run once writes pause this long (0 = never)"},
      {"storage.min_free_space", {}, "128MB", "writes refused with 'disk full' below this free space (0 = off)"},
      {"storage.chunk_rows", {}, "8192", "rows per sealed chunk at most (256 to 65536)"},
      {"storage.seal_idle", {}, "1s", "seal a partition's head rows after this long without a write"},
      {"storage.seal_threads", {}, "0", "partitions sealed at once (0 = 1 embedded, 4 on RADOS; up to 64)"},
      {"storage.compression", {}, "zstd", "zstd, lz4, snappy or none"},
      {"storage.backend", {}, "rocksdb", "rocksdb (embedded) or rados (Ceph pool)"},
      {"rados.conf", {}, "(librados' default search)", "path of the ceph.conf naming the monitors"},
      {"rados.pool", {}, "(none; required with rados)", "the RADOS pool the data lives in"},
      {"rados.user", {}, "admin", "the cephx id (without client.)"},
      {"rados.namespace", {}, "(empty)", "RADOS namespace inside the pool"},
      {"rados.op_timeout", {}, "10s", "bound on every RADOS operation (1013 beyond)"},
      {"cluster.peers", {}, "(empty)", "PB HOST:PORT of every coordinator (coverage API)"},
      {"leveldb.expiration", {}, "off", "expiry for tables whose expiration property does not say otherwise"},
      {"leveldb.expiration.retention_time", {}, "unlimited", "how long rows are kept (e.g. 5h, 8d9h, 2w)"},
      {"leveldb.expiration.mode", {}, "whole_file", "whole_file or normal (accepted for compatibility)"},
      {"storage.expiry_interval", {}, "1m", "how often expired quanta are removed"},
      {"nodename", {}, "quanta@127.0.0.1", "node name shown in EXPLAIN's coverage plan"},
      {"pb.max_frame_bytes", {}, "64MB", "larger PB frames: error, connection closed"},
      {"pb.idle_timeout", {}, "3600s", "idle PB connections are closed"},
      {"pb.read_timeout", {}, "30s", "a started PB frame must be complete within this"},
      {"pb.write_timeout", {}, "30s", "a PB client taking none of a reply this long is disconnected"},
      {"http.max_body_bytes", {}, "64MB", "larger HTTP bodies get 413"},
      {"http.request_timeout", {}, "60s", "an HTTP request must arrive within this of its first byte"},
      {"http.write_timeout", {}, "30s", "an HTTP client taking none of a response this long is disconnected"},
      {"tls.certfile", {"ssl.certfile"}, "(none)", "PEM certificate chain for PB STARTTLS and HTTPS"},
      {"tls.keyfile", {"ssl.keyfile"}, "(none)", "its PEM private key"},
      {"tls.cacertfile", {"ssl.cacertfile"}, "(none)", "CA certificates for client certificates"},
      {"https.listen", {"listener.https.internal"}, "off", "HOST:PORT of the HTTPS listener, or off"},
      {"ingest.quantum", {}, "1d", "QUANTUM of tables created by Influx line protocol writes"},
      {"ingest.prometheus_table", {}, "prometheus_samples", "table Prometheus remote write fills"},
      {"memory.limit", {}, "512MB", "memory all requests together may hold"},
      {"memory.request_limit", {}, "256MB", "memory one request may hold"},
      {"memory.malloc_arenas", {}, "0 (2 x cores)", "most malloc arenas (MALLOC_ARENA_MAX wins)"},
      {"memory.trim_threshold", {}, "64MB", "give free heap back to the OS after this much was released (0 = never)"},
      {"query.scan_threads", {}, "0 (cores)", "threads one SELECT scans its quanta with (1 = serial)"},
      {"query.max_statement_bytes", {}, "1MB", "longest SQL statement"},
      {"list_keys.max_concurrent", {}, "4", "key listings streaming at once; beyond: overload"},
      {"threads", {}, "0 (cores)", "I/O threads per listener"},
      {"log.level", {"log_level", "log.console.level"}, "info", "debug, info, warning or error (SIGHUP reloads)"},
      {"log.format", {}, "text", "text or json (one JSON object a line)"},
      {"log.file", {}, "(empty: standard error)", "file the log is appended to; reopened on SIGHUP"},
      {"log.slow_query", {}, "1s", "log statements running at least this long (0 = off; SIGHUP reloads)"},
  };
  return keys;
}

bool IsKnownKey(const std::string& key) {
  for (const KeyDoc& k : ConfigKeys()) {
    if (key == k.key) return true;
    for (const char* a : k.aliases) {
      if (key == a) return true;
    }
  }
  return false;
}

bool IsIgnoredRiakKey(const std::string& key) {
  // Whole names and namespaces of Riak KV 2.x / Riak TS 1.x riak.conf (cuttlefish schemas of
  // riak, riak_kv, riak_core, riak_api, eleveldb, bitcask, yokozuna, lager, riak_control,
  // riak_sysmon, erlang vm, riak_repl). Quanta's own namespaces (storage., memory., query.,
  // pb., http., rados., log. other than Riak's log.console/error/syslog/crash) are not here:
  // an unknown key there is a typo and an error.
  static const char* const kNames[] = {
      "anti_entropy", "bitcask", "buckets", "check_crl", "dtrace", "distributed_cookie",
      "handoff", "honor_cipher_order", "jmx", "leveled", "metadata_cache_size", "nodename",
      "platform_bin_dir", "platform_data_dir", "platform_etc_dir", "platform_lib_dir",
      "platform_log_dir", "riak_control", "ring_size", "sasl", "search", "secure_referer_check",
      "storage_backend", "strong_consistency", "transfer_limit", "vnode_management_timer",
      "max_concurrent_requests", "tictacaae_active", "delete_mode", "ring", "mdc",
      "retry_put_coordinator_failure", "background_manager", "consistent", "ssl",
      "tls_protocols", "protobuf", "listener", "object", "riak_kv", "leveldb", "erlang",
      "runtime_health", "multi_backend", "datatypes", "javascript", "ensemble", "cluster.job",
      "log.console", "log.error", "log.syslog", "log.crash", "log.journal", "sysmon",
      "riak_repl", "yokozuna", "handoff_concurrency", "write_once_path", "hinted_handoff",
      "fallback", "ttaaefs", "node_confirms", "participate_in_coverage", "warn_on_ring_resize",
      "vm", "aae", "worker_pool_size", "counters", "bucket_types", "netsplit_detection"};
  for (const char* n : kNames) {
    const size_t len = std::char_traits<char>::length(n);
    if (key.compare(0, len, n) == 0 && (key.size() == len || key[len] == '.' || key[len] == '_')) {
      return true;
    }
  }
  return false;
}

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
  // The table (ConfigKeys) decides which keys exist, so that --help and the docs cannot miss one.
  if (!IsKnownKey(key)) return Bad("unknown setting '" + key + "'");
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
  if (key == "storage.seal_threads") return set_int(&s.seal_threads, 0, 64);
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
  if (key == "tls.certfile" || key == "ssl.certfile") { c->tls_certfile = v; return Status::OK(); }
  if (key == "tls.keyfile" || key == "ssl.keyfile") { c->tls_keyfile = v; return Status::OK(); }
  if (key == "tls.cacertfile" || key == "ssl.cacertfile") { c->tls_cacertfile = v; return Status::OK(); }
  if (key == "https.listen" || key == "listener.https.internal") {
    c->https_enabled = v != "off";
    if (!c->https_enabled) return Status::OK();
    return ParseListen(v, &c->https_host, &c->https_port);
  }
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
  if (key == "log.level" || key == "log_level" || key == "log.console.level") {
    QUANTA_ASSIGN_OR_RETURN(c->log.level, log::ParseLevel(v));
    return Status::OK();
  }
  if (key == "log.format") { QUANTA_ASSIGN_OR_RETURN(c->log.format, log::ParseFormat(v)); return Status::OK(); }
  if (key == "log.file") { c->log.file = v; return Status::OK(); }
  if (key == "log.slow_query") {
    QUANTA_ASSIGN_OR_RETURN(int64_t ms, ParseDurationMs(v));
    s.slow_query_ms = ms;
    return Status::OK();
  }
  return Bad("unknown setting '" + key + "'");
}

Result<std::vector<FileSetting>> ReadConfigFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Bad("cannot read config file '" + path + "'");
  std::vector<FileSetting> out;
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
    FileSetting fs{Trim(t.substr(0, eq)), Trim(t.substr(eq + 1)), lineno};
    // riak.conf's substitutions: `$(platform_data_dir)/leveldb` takes the value an earlier
    // line gave platform_data_dir (a name never set is left as written).
    for (size_t at = fs.value.find("$("); at != std::string::npos;
         at = fs.value.find("$(", at + 1)) {
      size_t close = fs.value.find(')', at);
      if (close == std::string::npos) break;
      const std::string name = fs.value.substr(at + 2, close - at - 2);
      for (auto it = out.rbegin(); it != out.rend(); ++it) {
        if (it->key == name) {
          fs.value.replace(at, close - at + 1, it->value);
          break;
        }
      }
    }
    out.push_back(std::move(fs));
  }
  return out;
}

// True when `key` lies in one of Quanta's own namespaces (the part before the first '.' of a
// dotted key of the table: storage, memory, query, log, ...): an unknown key there is a typo.
bool InQuantaNamespace(const std::string& key) {
  const size_t dot = key.find('.');
  if (dot == std::string::npos) return false;
  for (const KeyDoc& k : ConfigKeys()) {
    const std::string_view name(k.key);
    if (name.size() > dot && name[dot] == '.' && name.compare(0, dot, key, 0, dot) == 0) {
      return true;
    }
  }
  return false;
}

Status ApplyFileSettings(ServerConfig* config, const std::string& path,
                         const std::vector<FileSetting>& settings) {
  auto note = [](std::vector<std::string>* list, const std::string& key) {
    if (std::find(list->begin(), list->end(), key) == list->end()) list->push_back(key);
  };
  for (const FileSetting& fs : settings) {
    if (!IsKnownKey(fs.key)) {
      if (IsIgnoredRiakKey(fs.key)) {
        note(&config->ignored_riak_keys, fs.key);
        continue;
      }
      if (!InQuantaNamespace(fs.key)) {
        note(&config->ignored_unknown_keys, fs.key);
        continue;
      }
    }
    Status st = ApplySetting(config, fs.key, fs.value);
    if (!st.ok()) return Bad(path + ":" + std::to_string(fs.line) + ": " + st.message());
  }
  return Status::OK();
}

Status LoadConfigFile(ServerConfig* config, const std::string& path) {
  QUANTA_ASSIGN_OR_RETURN(std::vector<FileSetting> settings, ReadConfigFile(path));
  return ApplyFileSettings(config, path, settings);
}

bool IsReloadableKey(const std::string& key) {
  static const char* const kKeys[] = {
      "log.level", "log_level", "log.console.level", "log.format", "log.file", "log.slow_query",
      "riak_kv.query.timeseries.timeout", "timeseries_query_timeout_ms", "query_timeout",
      "riak_kv.query.timeseries.max_returned_data_size",
      "timeseries_query_max_returned_data_size", "max_returned_data_size"};
  for (const char* k : kKeys) {
    if (key == k) return true;
  }
  return false;
}

std::string UsageText() {
  std::string out = R"(Usage: quantad [options]

Quanta: a Riak TS compatible time-series database server.

Options:
  --data-dir DIR          data directory (the key data_dir)
  --pb-listen HOST:PORT   Protocol Buffers listener (pb_listen)
  --http-listen HOST:PORT HTTP listener (http_listen)
  --config FILE, -c FILE  configuration file: key = value lines, # comments; a Riak riak.conf
                          works as it is (Riak keys Quanta does not use are listed once, ignored)
  --set KEY=VALUE         any configuration key below (repeatable; overrides the file)
  --sync                  fsync every acknowledged write (storage.sync = on)
  --help, -h              show this help and exit
  --version               show the version and exit

Flags override the configuration file, which overrides the defaults. SIGHUP reopens log.file
and reloads log.*, the query timeout and max_returned_data_size from the file.
Durations take ms, s, m, h or d; sizes B, KB, MB or GB.

Configuration keys (aliases in parentheses) [default]:
)";
  for (const KeyDoc& k : ConfigKeys()) {
    std::string line = "  " + std::string(k.key);
    if (!k.aliases.empty()) {
      line += " (";
      for (size_t i = 0; i < k.aliases.size(); ++i) line += (i ? ", " : "") + std::string(k.aliases[i]);
      line += ")";
    }
    line += " [" + std::string(k.default_text) + "]";
    out += line + "\n      " + k.meaning + "\n";
  }
  return out;
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
