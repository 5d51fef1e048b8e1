#include "common/log.h"

#include <atomic>
#include <cstdio>
#include <memory>
#include <mutex>

#include <spdlog/logger.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace quanta::log {
namespace {

constexpr const char* kTimestamp = "%Y-%m-%dT%H:%M:%S.%eZ";

struct State {
  std::mutex mu;  // guards logger, options
  std::shared_ptr<spdlog::logger> logger;
  Options options;
  std::atomic<int> level{static_cast<int>(Level::kInfo)};
};

State& S() {
  static State* state = new State();  // never destroyed: threads may log during exit
  return *state;
}

spdlog::level::level_enum ToSpd(Level level) {
  switch (level) {
    case Level::kDebug: return spdlog::level::debug;
    case Level::kInfo: return spdlog::level::info;
    case Level::kWarning: return spdlog::level::warn;
    case Level::kError: return spdlog::level::err;
  }
  return spdlog::level::info;
}

// A logger writing `format` lines to `file` (stderr when empty). spdlog reports a file it
// cannot open with an exception; it stops here and becomes a Status.
Result<std::shared_ptr<spdlog::logger>> MakeLogger(const Options& options) {
  spdlog::sink_ptr sink;
  try {
    if (options.file.empty()) {
      sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    } else {
      sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(options.file, false);
    }
  } catch (const std::exception& e) {
    return Status(ErrorCode::kInvalidArgument,
                  "cannot open log file '" + options.file + "': " + e.what());
  }
  auto logger = std::make_shared<spdlog::logger>("quanta", std::move(sink));
  const std::string ts = kTimestamp;
  // The level is filtered before formatting (Enabled()); spdlog writes whatever it gets.
  logger->set_level(spdlog::level::trace);
  logger->flush_on(spdlog::level::trace);  // every line reaches the file at once
  if (options.format == Format::kJson) {
    logger->set_pattern("{\"ts\":\"" + ts + "\",\"level\":\"%l\",%v}",
                        spdlog::pattern_time_type::utc);
  } else {
    logger->set_pattern(ts + " %l %v", spdlog::pattern_time_type::utc);
  }
  return logger;
}

// The logger and format lines are written with now; the logger is made on first use (stderr,
// text) when Configure() was never called.
std::shared_ptr<spdlog::logger> Current(Format* format) {
  State& s = S();
  std::lock_guard lock(s.mu);
  if (!s.logger) {
    auto made = MakeLogger(s.options);
    if (made.ok()) s.logger = std::move(made).value();
  }
  *format = s.options.format;
  return s.logger;
}

// Appends `v` as a JSON string body (without quotes). Bytes that are not valid UTF-8 become
// U+FFFD so that every line stays valid JSON whatever a client sent.
void AppendJsonEscaped(std::string_view v, std::string* out) {
  for (size_t i = 0; i < v.size();) {
    unsigned char c = static_cast<unsigned char>(v[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': *out += "\\\""; break;
        case '\\': *out += "\\\\"; break;
        case '\n': *out += "\\n"; break;
        case '\r': *out += "\\r"; break;
        case '\t': *out += "\\t"; break;
        default:
          if (c < 0x20 || c == 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            *out += buf;
          } else {
            out->push_back(static_cast<char>(c));
          }
      }
      ++i;
      continue;
    }
    size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    bool valid = len > 0 && c <= 0xF4 && i + len <= v.size();
    for (size_t k = 1; valid && k < len; ++k) {
      valid = (static_cast<unsigned char>(v[i + k]) & 0xC0) == 0x80;
    }
    if (valid) {
      out->append(v.substr(i, len));
      i += len;
    } else {
      *out += "\\ufffd";
      ++i;
    }
  }
}

// Text values: control characters are escaped so that one call is always one line; values
// with spaces, quotes or '=' are quoted.
void AppendTextValue(std::string_view v, bool quote_if_needed, std::string* out) {
  bool quote = quote_if_needed && (v.empty() || v.find_first_of(" \"=") != std::string_view::npos);
  if (quote) out->push_back('"');
  for (char ch : v) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c == '\n') *out += "\\n";
    else if (c == '\r') *out += "\\r";
    else if (c == '\t') *out += "\\t";
    else if (quote && (c == '"' || c == '\\')) { out->push_back('\\'); out->push_back(ch); }
    else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      *out += buf;
    } else {
      out->push_back(ch);
    }
  }
  if (quote) out->push_back('"');
}

}  // namespace

Field::Field(std::string_view k, double v) : key(k), number(true) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  value = buf;
}

Result<Level> ParseLevel(std::string_view t) {
  if (t == "debug") return Level::kDebug;
  if (t == "info" || t == "notice") return Level::kInfo;
  if (t == "warning" || t == "warn") return Level::kWarning;
  if (t == "error" || t == "critical" || t == "alert" || t == "emergency") return Level::kError;
  return Status(ErrorCode::kInvalidArgument,
                "invalid log level '" + std::string(t) + "' (debug, info, warning or error)");
}

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarning: return "warning";
    case Level::kError: return "error";
  }
  return "info";
}

Result<Format> ParseFormat(std::string_view t) {
  if (t == "text") return Format::kText;
  if (t == "json") return Format::kJson;
  return Status(ErrorCode::kInvalidArgument,
                "invalid log format '" + std::string(t) + "' (text or json)");
}

Status Configure(const Options& options) {
  QUANTA_ASSIGN_OR_RETURN(auto logger, MakeLogger(options));
  State& s = S();
  std::lock_guard lock(s.mu);
  s.logger = std::move(logger);
  s.options = options;
  s.level.store(static_cast<int>(options.level), std::memory_order_relaxed);
  return Status::OK();
}

Status Reopen() {
  State& s = S();
  Options options;
  {
    std::lock_guard lock(s.mu);
    if (s.options.file.empty()) return Status::OK();
    options = s.options;
  }
  QUANTA_ASSIGN_OR_RETURN(auto logger, MakeLogger(options));
  std::lock_guard lock(s.mu);
  s.logger = std::move(logger);  // the old file is closed once no thread writes to it
  return Status::OK();
}

void SetLevel(Level level) {
  State& s = S();
  std::lock_guard lock(s.mu);
  s.options.level = level;
  s.level.store(static_cast<int>(level), std::memory_order_relaxed);
}

Level CurrentLevel() { return static_cast<Level>(S().level.load(std::memory_order_relaxed)); }

std::string FormatBody(Format format, std::string_view msg, std::initializer_list<Field> fields) {
  std::string out;
  out.reserve(msg.size() + 32 * fields.size());
  if (format == Format::kJson) {
    out += "\"msg\":\"";
    AppendJsonEscaped(msg, &out);
    out.push_back('"');
    for (const Field& f : fields) {
      out += ",\"";
      AppendJsonEscaped(f.key, &out);
      out += "\":";
      if (f.number) {
        out += f.value;
      } else {
        out.push_back('"');
        AppendJsonEscaped(f.value, &out);
        out.push_back('"');
      }
    }
    return out;
  }
  AppendTextValue(msg, /*quote_if_needed=*/false, &out);
  for (const Field& f : fields) {
    out.push_back(' ');
    out += f.key;
    out.push_back('=');
    AppendTextValue(f.value, /*quote_if_needed=*/!f.number, &out);
  }
  return out;
}

void Write(Level level, std::string_view msg, std::initializer_list<Field> fields) {
  if (!Enabled(level)) return;
  Format format = Format::kText;
  auto logger = Current(&format);
  if (!logger) return;
  std::string body = FormatBody(format, msg, fields);
  logger->log(ToSpd(level), spdlog::string_view_t(body.data(), body.size()));
}

std::string Truncate(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t end = max_bytes;
  // Back off continuation bytes so that a multi-byte character is not split.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end)) + "...";
}

}  // namespace quanta::log
