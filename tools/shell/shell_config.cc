// Config file and command-line parsing; see shell_config.h.
#include "shell_config.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>

namespace quanta::shell {
namespace {

std::string Trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

std::string Unquote(const std::string& s) {
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) {
    return s.substr(1, s.size() - 2);
  }
  return s;
}

bool ParseBool(const std::string& v, bool* out) {
  std::string l;
  for (char c : v) l.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (l == "on" || l == "true" || l == "yes" || l == "1") {
    *out = true;
    return true;
  }
  if (l == "off" || l == "false" || l == "no" || l == "0") {
    *out = false;
    return true;
  }
  return false;
}

bool ParseInt(const std::string& v, int64_t lo, int64_t hi, int64_t* out) {
  int64_t n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || p != v.data() + v.size() || n < lo || n > hi) return false;
  *out = n;
  return true;
}

}  // namespace

bool ParseEndpoint(const std::string& text, uint16_t default_port, Endpoint* out) {
  std::string t = text;
  size_t at = t.find('@');
  if (at != std::string::npos) t = t.substr(at + 1);  // riak node name: name@host
  std::string host = t;
  std::string port;
  if (!t.empty() && t.front() == '[') {
    size_t close = t.find(']');
    if (close == std::string::npos) return false;
    host = t.substr(1, close - 1);
    if (close + 1 < t.size()) {
      if (t[close + 1] != ':') return false;
      port = t.substr(close + 2);
    }
  } else {
    size_t colon = t.rfind(':');
    if (colon != std::string::npos && t.find(':') == colon) {
      host = t.substr(0, colon);
      port = t.substr(colon + 1);
    }
  }
  if (host.empty()) return false;
  int64_t p = default_port;
  if (!port.empty() && !ParseInt(port, 1, 65535, &p)) return false;
  out->host = host;
  out->port = static_cast<uint16_t>(p);
  return true;
}

std::vector<Endpoint> ShellConfig::AllNodes() const {
  std::vector<Endpoint> all{endpoint};
  for (const Endpoint& e : nodes) {
    if (std::find(all.begin(), all.end(), e) == all.end()) all.push_back(e);
  }
  return all;
}

std::string ShellConfig::Describe() const {
  std::ostringstream o;
  if (!config_file.empty()) o << "# from " << config_file << " and the command line\n";
  o << "host = " << endpoint.host << "\n";
  o << "port = " << endpoint.port << "\n";
  o << "nodes = ";
  for (size_t i = 0; i < nodes.size(); ++i) o << (i ? ", " : "") << nodes[i].ToString();
  o << "\n";
  o << "logging = " << (logging ? "on" : "off") << "\n";
  o << "date_log = " << (date_log ? "on" : "off") << "\n";
  o << "logfile = " << logfile << "\n";
  o << "show_connection_status = " << (show_connection_status ? "true" : "false") << "\n";
  o << "format = " << OutputFormatName(format) << "\n";
  o << "history_file = " << history_file << "\n";
  o << "history_size = " << history_size << "\n";
  o << "connect_timeout_ms = " << connect_timeout_ms;
  return o.str();
}

std::string ApplyConfigSetting(ShellConfig* c, const std::string& key_in,
                               const std::string& value_in) {
  const std::string key = Trim(key_in);
  const std::string value = Unquote(Trim(value_in));
  auto bad = [&] { return "invalid value '" + value + "' for " + key; };
  int64_t n = 0;
  if (key == "host") {
    if (value.empty()) return bad();
    c->endpoint.host = value;
  } else if (key == "port") {
    if (!ParseInt(value, 1, 65535, &n)) return bad();
    c->endpoint.port = static_cast<uint16_t>(n);
  } else if (key == "nodes") {
    c->nodes.clear();
    std::string item;
    std::istringstream in(value);
    while (std::getline(in, item, ',')) {
      item = Unquote(Trim(item));
      if (item.empty()) continue;
      Endpoint e;
      if (!ParseEndpoint(item, c->endpoint.port, &e)) return "invalid node '" + item + "'";
      c->nodes.push_back(e);
    }
  } else if (key == "logging") {
    if (!ParseBool(value, &c->logging)) return bad();
  } else if (key == "date_log") {
    if (!ParseBool(value, &c->date_log)) return bad();
  } else if (key == "logfile") {
    if (value.empty()) return bad();
    c->logfile = value;
  } else if (key == "show_connection_status") {
    if (!ParseBool(value, &c->show_connection_status)) return bad();
  } else if (key == "format") {
    auto f = ParseOutputFormat(value);
    if (!f) return bad();
    c->format = *f;
  } else if (key == "history_file") {
    c->history_file = value;
  } else if (key == "history_size") {
    if (!ParseInt(value, 0, 10000000, &n)) return bad();
    c->history_size = static_cast<int>(n);
  } else if (key == "debug") {
    if (!ParseBool(value, &c->debug)) return bad();
  } else if (key == "connect_timeout_ms") {
    if (!ParseInt(value, 1, 3600000, &n)) return bad();
    c->connect_timeout_ms = static_cast<int>(n);
  } else {
    return "unknown setting '" + key + "'";
  }
  return "";
}

std::string LoadConfigFile(ShellConfig* config, const std::string& path) {
  std::ifstream in(path);
  if (!in) return "cannot read config file '" + path + "'";
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    size_t hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    if (Trim(line).empty()) continue;
    size_t eq = line.find('=');
    if (eq == std::string::npos) {
      return path + ":" + std::to_string(number) + ": expected 'key = value'";
    }
    std::string err = ApplyConfigSetting(config, line.substr(0, eq), line.substr(eq + 1));
    if (!err.empty()) return path + ":" + std::to_string(number) + ": " + err;
  }
  config->config_file = path;
  return "";
}

std::string ParseCommandLine(int argc, const char* const* argv, CommandLine* out) {
  auto set_mode = [&](CommandLine::Mode m, const std::string& flag) -> std::string {
    if (out->mode != CommandLine::Mode::kInteractive && out->mode != m) {
      return "-f, -e and -r cannot be combined (at " + flag + ")";
    }
    out->mode = m;
    return "";
  };
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    std::string value;
    // --name=value form.
    size_t eq = a.find('=');
    bool has_inline = a.rfind("--", 0) == 0 && eq != std::string::npos;
    if (has_inline) {
      value = a.substr(eq + 1);
      a = a.substr(0, eq);
    }
    auto take = [&](std::string* v) -> bool {
      if (has_inline) {
        *v = value;
        return true;
      }
      if (i + 1 >= argc) return false;
      *v = argv[++i];
      return true;
    };
    static const std::pair<const char*, const char*> kValueFlags[] = {
        {"--host", "host"},
        {"--port", "port"},
        {"--nodes", "nodes"},
        {"--format", "format"},
        {"--logfile", "logfile"},
        {"--history-file", "history_file"},
        {"--history-size", "history_size"},
        {"--connect-timeout-ms", "connect_timeout_ms"},
    };
    bool matched = false;
    for (const auto& [flag, key] : kValueFlags) {
      if (a == flag) {
        std::string v;
        if (!take(&v)) return a + " needs a value";
        out->overrides.emplace_back(key, v);
        matched = true;
        break;
      }
    }
    if (matched) continue;
    std::string v, err;
    if (a == "-h" || a == "--help") {
      out->help = true;
    } else if (a == "-v" || a == "--version") {
      out->version = true;
    } else if (a == "-d" || a == "--debug") {
      out->overrides.emplace_back("debug", "on");
    } else if (a == "--echo") {
      out->echo = true;
    } else if (a == "--log") {
      out->overrides.emplace_back("logging", "on");
    } else if (a == "--connection-prompt") {
      out->overrides.emplace_back("show_connection_status", "true");
    } else if (a == "--csv" || a == "--json" || a == "--table") {
      out->overrides.emplace_back("format", a.substr(2));
    } else if (a == "-c" || a == "--config") {
      if (!take(&v)) return a + " needs a file name";
      out->config_file = v;
    } else if (a == "-f" || a == "--file") {
      if (!take(&v)) return a + " needs a file name";
      if (!(err = set_mode(CommandLine::Mode::kFile, a)).empty()) return err;
      out->file = v;
    } else if (a == "-r" || a == "--regression") {
      if (!take(&v)) return a + " needs a file name";
      if (!(err = set_mode(CommandLine::Mode::kRegression, a)).empty()) return err;
      out->file = v;
    } else if (a == "-e" || a == "--execute") {
      if (!take(&v)) return a + " needs a statement";
      if (!(err = set_mode(CommandLine::Mode::kEval, a)).empty()) return err;
      out->eval.push_back(v);
    } else {
      return "unknown option '" + std::string(argv[i]) + "'";
    }
  }
  return "";
}

std::string UsageText() {
  return "Usage: quanta-shell [options]\n"
         "\n"
         "Interactive riak-shell compatible SQL shell for Quanta (Riak TS 1.5.2 compatible).\n"
         "\n"
         "Options:\n"
         "  --host HOST             node to connect to (default 127.0.0.1)\n"
         "  --port PORT             its Protocol Buffers port (default 8087)\n"
         "  --nodes H:P,H:P         more nodes for reconnect and ping\n"
         "  -c, --config FILE       read settings from FILE (key = value lines)\n"
         "  -e, --execute STMT      run STMT (may repeat) and exit\n"
         "  -f, --file FILE         run FILE (statements, or a riak-shell session log to\n"
         "                          replay) and exit\n"
         "  -r, --regression FILE   replay the session log FILE and compare every answer with\n"
         "                          the recorded one; exit status 1 on any difference\n"
         "  --format table|csv|json output format (default table); also --csv, --json, --table\n"
         "  --echo                  with -f/-e: print each command before its answer\n"
         "  --log                   start with logging on\n"
         "  --logfile NAME          session log base name (default quanta_shell)\n"
         "  --history-file FILE     line-editing history (default ~/.quanta_shell_history)\n"
         "  --history-size N        entries kept in the history file (default 1000)\n"
         "  --connection-prompt     show the connection status in the prompt\n"
         "  --connect-timeout-ms N  connect timeout (default 5000)\n"
         "  -d, --debug             print connection details on errors\n"
         "  -v, --version           print the version and exit\n"
         "  -h, --help              print this help and exit\n"
         "\n"
         "Exit status: 0 on success, 1 when a statement of -f/-e/-r failed, 2 on bad usage.\n"
         "Type 'help;' in the shell for its commands.\n";
}

}  // namespace quanta::shell
