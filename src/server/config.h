// Server configuration: defaults, a riak.conf-style file (`key = value` lines, `#` comments)
// and command-line flags, applied in that order (docs/configuration.md lists every key).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/log.h"
#include "common/status.h"
#include "service/ts_service.h"

namespace quanta::server {

struct ServerConfig {
  service::ServiceOptions service;
  std::string pb_host = "127.0.0.1";
  uint16_t pb_port = 8087;
  std::string http_host = "127.0.0.1";
  uint16_t http_port = 8098;
  bool pb_enabled = true;
  bool http_enabled = true;
  size_t pb_max_frame_bytes = 64 << 20;
  int pb_idle_timeout_seconds = 3600;
  int pb_read_timeout_seconds = 30;    // a started frame must arrive within this
  int pb_write_timeout_seconds = 30;   // a reply must be taken by the client within this
  size_t http_max_body_bytes = 64 << 20;
  int http_request_timeout_seconds = 60;
  int http_write_timeout_seconds = 30;  // a response (or chunk) must be taken within this
  int64_t memory_trim_threshold_bytes = 64LL << 20;  // malloc_trim after this much is released
  int malloc_arenas = 0;                             // glibc malloc arenas; 0 = 2 x cores
  int threads = 0;  // 0 = hardware concurrency
  // Security (docs/security.md): PEM files for STARTTLS on PB and for the HTTPS listener.
  std::string tls_certfile;    // tls.certfile (Riak: ssl.certfile)
  std::string tls_keyfile;     // tls.keyfile (Riak: ssl.keyfile)
  std::string tls_cacertfile;  // tls.cacertfile (Riak: ssl.cacertfile)
  bool https_enabled = false;  // https.listen (Riak: listener.https.internal)
  std::string https_host = "127.0.0.1";
  uint16_t https_port = 8443;
  // Logging (common/log.h): log.level, log.format, log.file.
  log::Options log;
  // Keys of Riak's riak.conf the configuration file held that Quanta does not use, in file
  // order without repeats (logged once at start).
  std::vector<std::string> ignored_riak_keys;
  // Keys the file held that are neither Quanta's, nor in one of its namespaces, nor known Riak
  // keys (another Riak version's, a backend's, a typo): ignored, logged once as a warning.
  std::vector<std::string> ignored_unknown_keys;
};

// Applies one `key = value` setting. Unknown keys and bad values are errors (kInvalidArgument).
Status ApplySetting(ServerConfig* config, const std::string& key, const std::string& value);

// One configuration key as --help and docs/configuration.md list it (the one table both are
// checked against: config_test.cc compares it with the docs and with ApplySetting).
struct KeyDoc {
  const char* key;
  std::vector<const char*> aliases;
  const char* default_text;  // as shown; not always a value (e.g. "(empty)")
  const char* meaning;       // one line
};
const std::vector<KeyDoc>& ConfigKeys();
// True for a key or alias of ConfigKeys().
bool IsKnownKey(const std::string& key);

// True for a key of Riak's riak.conf that Quanta does not use (a known Riak namespace such as
// `ring_size`, `anti_entropy`, `search.*`, `riak_kv.*`, `leveldb.*`, `log.console.*`): a
// configuration file that holds one is accepted and the key reported as ignored. Any other
// unknown key is an error, so that a typo in a Quanta key still stops the server.
bool IsIgnoredRiakKey(const std::string& key);

// One `key = value` line of a configuration file (trimmed), with its line number.
struct FileSetting {
  std::string key;
  std::string value;
  int line = 0;
};

// Reads a config file's settings without applying them.
Result<std::vector<FileSetting>> ReadConfigFile(const std::string& path);

// Applies settings read from `path` (errors name the file and line).
Status ApplyFileSettings(ServerConfig* config, const std::string& path,
                         const std::vector<FileSetting>& settings);

// Reads a config file and applies every setting in it.
Status LoadConfigFile(ServerConfig* config, const std::string& path);

// True for the keys a running server takes from its configuration file on SIGHUP
// (docs/operations.md, "SIGHUP"); every other key needs a restart.
bool IsReloadableKey(const std::string& key);

// Parses "host:port" (IPv4, hostname, or [IPv6]:port).
Status ParseListen(const std::string& text, std::string* host, uint16_t* port);

// Parses a duration such as "10s", "500ms", "2m" or a unitless number of `default_unit_ms`.
Result<int64_t> ParseDurationMs(const std::string& text, int64_t default_unit_ms = 1);

// Parses a byte size such as "500KB", "10MB", "1GB" or a plain number of bytes.
Result<int64_t> ParseBytes(const std::string& text);

// Result of command-line parsing.
struct CommandLine {
  bool help = false;
  bool version = false;
  std::string config_file;
  std::vector<std::pair<std::string, std::string>> settings;  // applied after the file
};

// Parses argv. Errors (unknown flag, missing value) are kInvalidArgument with a clear message.
Result<CommandLine> ParseCommandLine(int argc, char** argv);

// The --help text.
std::string UsageText();

}  // namespace quanta::server
