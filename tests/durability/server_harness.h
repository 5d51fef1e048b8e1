// The pieces of the durability tests that run a real quantad: process start/stop, the row
// model rendered as JSON, and a verifier that reads acknowledged batches back over HTTP.
// Shared by durability_server (kill -9 cycles) and disk_full (a small tmpfs).
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "dur_model.h"
#include "mini_http.h"
#include "../support/spawn.h"

namespace quanta::durability {

using Clock = std::chrono::steady_clock;

inline const ColumnType kTypes[kColumns] = {ColumnType::kVarchar, ColumnType::kTimestamp,
                                     ColumnType::kDouble,  ColumnType::kSint64,
                                     ColumnType::kVarchar, ColumnType::kBoolean};
inline const char* const kNames[kColumns] = {"host", "ts", "v", "n", "s", "b"};

inline double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

inline std::string Arg(int argc, char** argv, const std::string& name, const std::string& def) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (argv[i] == name) return argv[i + 1];
  }
  return def;
}
inline bool Flag(int argc, char** argv, const std::string& name) {
  for (int i = 1; i < argc; ++i) {
    if (argv[i] == name) return true;
  }
  return false;
}

// A free local port: from the range in QUANTA_TEST_PORTS ("lo-hi", for machines where tests
// must keep to some ports), else one the kernel picks.
inline uint16_t FreePort() {
  auto try_bind = [](uint16_t port) -> uint16_t {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = htons(port);
    uint16_t got = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0) {
      socklen_t len = sizeof sa;
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
      got = ntohs(sa.sin_port);
    }
    ::close(fd);
    return got;
  };
  unsigned lo = 0, hi = 0;
  if (const char* range = std::getenv("QUANTA_TEST_PORTS");
      range != nullptr && std::sscanf(range, "%u-%u", &lo, &hi) == 2 && lo > 0 && lo <= hi &&
      hi <= 65535) {
    // Round robin through the range (a port just handed out is not bound yet, so the next
    // call must not return it again).
    static unsigned next = 0;
    for (unsigned k = 0; k <= hi - lo; ++k) {
      uint16_t port = static_cast<uint16_t>(lo + (next++ % (hi - lo + 1)));
      if (try_bind(port) == port) return port;
    }
    return 0;
  }
  return try_bind(0);
}

inline std::string JsonValue(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull: return "null";
    case Value::Kind::kInt: return std::to_string(v.as_int());
    case Value::Kind::kDouble: {
      char buf[40];
      std::snprintf(buf, sizeof buf, "%.17g", v.as_double());
      return buf;
    }
    case Value::Kind::kBool: return v.as_bool() ? "true" : "false";
    case Value::Kind::kBytes: return "\"" + v.as_bytes() + "\"";  // the model's text needs no escaping
  }
  return "null";
}

// Rows of the model table as the JSON array POST /ts/v1/tables/dur/keys takes.
inline std::string RowsJson(const std::vector<Row>& rows) {
  std::string out = "[";
  for (size_t i = 0; i < rows.size(); ++i) {
    out += i ? ",{" : "{";
    for (int c = 0; c < kColumns; ++c) {
      out += (c ? ",\"" : "\"") + std::string(kNames[c]) + "\":" + JsonValue(rows[i][c]);
    }
    out += "}";
  }
  return out + "]";
}

inline std::string BatchJson(const BatchId& b) {
  std::vector<Row> rows;
  for (int i = 0, n = BatchRows(b); i < n; ++i) rows.push_back(MakeRow(b, i));
  return RowsJson(rows);
}

// GET/DELETE path of row i of batch b.
inline std::string KeyPath(const BatchId& b, int i) {
  return "/ts/v1/tables/dur/keys/host/" + Host(b) + "/ts/" + std::to_string(Ts(b, i));
}

inline bool CellMatches(const Json& cell, const Value& want, ColumnType type) {
  if (want.is_null()) {
    return cell.kind == Json::Kind::kNull ||
           (cell.kind == Json::Kind::kArray && cell.items.empty());
  }
  switch (type) {
    case ColumnType::kVarchar:
    case ColumnType::kBlob:
      return cell.kind == Json::Kind::kString && cell.text == want.as_bytes();
    case ColumnType::kSint64:
    case ColumnType::kTimestamp:
      return cell.kind == Json::Kind::kNumber &&
             std::strtoll(cell.text.c_str(), nullptr, 10) == want.as_int();
    case ColumnType::kDouble:
      return cell.kind == Json::Kind::kNumber &&
             std::strtod(cell.text.c_str(), nullptr) == want.as_double();
    case ColumnType::kBoolean:
      return cell.kind == Json::Kind::kBool && cell.b == want.as_bool();
  }
  return false;
}

struct Server {
  pid_t pid = -1;
  uint16_t http_port = 0;
  uint16_t pb_port = 0;
};

// Starts quantad on `dir` with `extra_args` (e.g. "--sync", "--set", "k=v"), its output appended
// to `log`, and waits until it answers /ping (false with `why` when it exits or does not answer
// within 60 s).
inline bool StartServer(const std::string& quantad, const std::string& dir,
                        const std::vector<std::string>& extra_args, const std::string& log,
                        Server* s, std::string* why) {
  uint16_t pb = FreePort(), http = FreePort();
  std::vector<std::string> args = {quantad, "--data-dir", dir, "--pb-listen",
                                   "127.0.0.1:" + std::to_string(pb), "--http-listen",
                                   "127.0.0.1:" + std::to_string(http)};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  pid_t pid = ::quanta::testing::SpawnChild(args, log);
  if (pid < 0) {
    *why = "fork failed";
    return false;
  }
  s->pid = pid;
  s->http_port = http;
  s->pb_port = pb;
  auto t0 = Clock::now();
  while (Seconds(Clock::now() - t0) < 60) {
    int st;
    if (::waitpid(pid, &st, WNOHANG) == pid) {
      *why = "quantad exited during start-up (status " + std::to_string(st) + "), see " + log;
      s->pid = -1;
      return false;
    }
    HttpClient c("127.0.0.1", http, 5);
    if (c.Request("GET", "/ping").status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  s->pid = -1;
  *why = "quantad did not answer /ping within 60 s, see " + log;
  return false;
}

class Verifier {
 public:
  explicit Verifier(uint16_t port) : c_("127.0.0.1", port) {}

  // Returns the number of rows of batch b found; failures as in durability_inproc.
  int CheckBatch(const BatchId& b, bool require_all, std::vector<std::string>* failures) {
    ++queries_;
    int n = BatchRows(b);
    std::string id = Host(b) + " seq " + std::to_string(b.seq) + " (" + std::to_string(n) +
                     " rows)";
    std::string sql = "SELECT * FROM dur WHERE host = '" + Host(b) + "' AND ts >= " +
                      std::to_string(Ts(b, 0)) + " AND ts < " + std::to_string(Ts(b, kMaxBatch));
    HttpAnswer a = c_.Request("POST", "/ts/v1/query", sql, "text/plain");
    if (a.status != 200) {
      failures->push_back("query for batch " + id + " -> " + std::to_string(a.status) + " " +
                          a.body.substr(0, 200));
      return 0;
    }
    auto parsed = testing::ParseJson(a.body);
    const Json* j = parsed.ok() ? &*parsed : nullptr;
    const Json* rows = j ? j->Get("rows") : nullptr;
    if (!rows || rows->kind != Json::Kind::kArray) {
      failures->push_back("query for batch " + id + ": unreadable answer " + a.body.substr(0, 200));
      return 0;
    }
    int present = 0;
    for (const Json& r : rows->items) {
      if (r.kind != Json::Kind::kArray || r.items.size() != kColumns ||
          r.items[1].kind != Json::Kind::kNumber) {
        failures->push_back("batch " + id + ": malformed row in answer");
        continue;
      }
      int64_t ts = std::strtoll(r.items[1].text.c_str(), nullptr, 10);
      int i = static_cast<int>((ts - Ts(b, 0)) / 1000);
      if (i < 0 || i >= n || Ts(b, i) != ts) {
        failures->push_back("batch " + id + ": unexpected row with ts " + r.items[1].text);
        continue;
      }
      ++present;
      Row want = MakeRow(b, i);
      for (int c = 0; c < kColumns; ++c) {
        if (!CellMatches(r.items[c], want[c], kTypes[c])) {
          failures->push_back("batch " + id + " row " + std::to_string(i) + " column " +
                              kNames[c] + ": read " +
                              (r.items[c].kind == Json::Kind::kString ? r.items[c].text
                                                                      : r.items[c].text) +
                              ", written " + want[c].DebugString());
        }
      }
    }
    if (require_all && present != n) {
      failures->push_back("acknowledged batch " + id + ": " + std::to_string(n - present) +
                          " rows missing");
    } else if (!require_all && present != 0 && present != n) {
      failures->push_back("in-flight batch " + id + " is partial: " + std::to_string(present) +
                          " of " + std::to_string(n));
    }
    return present;
  }

  // Checks the rows of insert batch `seq` of writer history h against the versions they may
  // hold (one SELECT over the batch's key range, and a GET of its first row, which must agree).
  // Returns the number of rows the in-flight operation was found applied to.
  int Check(const WriterHistory& h, int seq, std::vector<std::string>* failures) {
    ++queries_;
    const BatchExpect e = h.Expect(seq);
    const BatchId& b = e.b;
    const std::string id = Host(b) + " seq " + std::to_string(b.seq);
    std::string sql = "SELECT * FROM dur WHERE host = '" + Host(b) + "' AND ts >= " +
                      std::to_string(Ts(b, 0)) + " AND ts < " + std::to_string(Ts(b, kMaxBatch));
    HttpAnswer a = c_.Request("POST", "/ts/v1/query", sql, "text/plain");
    if (a.status != 200) {
      failures->push_back("query for batch " + id + " -> " + std::to_string(a.status) + " " +
                          a.body.substr(0, 200));
      return 0;
    }
    auto parsed = testing::ParseJson(a.body);
    const Json* j = parsed.ok() ? &*parsed : nullptr;
    const Json* rows = j ? j->Get("rows") : nullptr;
    if (!rows || rows->kind != Json::Kind::kArray) {
      failures->push_back("query for batch " + id + ": unreadable answer " + a.body.substr(0, 200));
      return 0;
    }
    std::vector<int> found(static_cast<size_t>(e.n), kAbsent);
    for (const Json& r : rows->items) {
      if (r.kind != Json::Kind::kArray || r.items.size() != kColumns ||
          r.items[1].kind != Json::Kind::kNumber) {
        failures->push_back("batch " + id + ": malformed row in answer");
        continue;
      }
      int64_t ts = std::strtoll(r.items[1].text.c_str(), nullptr, 10);
      int i = static_cast<int>((ts - Ts(b, 0)) / 1000);
      if (i < 0 || i >= e.n || Ts(b, i) != ts) {
        failures->push_back("batch " + id + ": unexpected row with ts " + r.items[1].text);
        continue;
      }
      if (found[i] != kAbsent) {
        failures->push_back("batch " + id + ": row with ts " + r.items[1].text + " returned twice");
        continue;
      }
      found[i] = MatchVersion(h, e, i, [&](const Row& want) {
        for (int c = 0; c < kColumns; ++c) {
          if (!CellMatches(r.items[c], want[c], kTypes[c])) return false;
        }
        return true;
      });
    }
    // The key path must agree with the scan.
    HttpAnswer g = c_.Request("GET", KeyPath(b, 0));
    if (found[0] == kAbsent ? g.status != 404 : g.status != 200) {
      failures->push_back("GET " + KeyPath(b, 0) + " -> " + std::to_string(g.status) +
                          ", the scan found " + (found[0] == kAbsent ? "no row" : "the row"));
    } else if (found[0] >= 0) {
      auto got = testing::ParseJson(g.body);
      Row want = MakeRowVersion(b, 0, found[0]);
      for (int c = 0; c < kColumns; ++c) {
        const Json* cell = got.ok() ? got->Get(kNames[c]) : nullptr;
        if (!cell || !CellMatches(*cell, want[c], kTypes[c])) {
          failures->push_back("GET " + KeyPath(b, 0) + " disagrees with the scan: " +
                              g.body.substr(0, 300));
          break;
        }
      }
    }
    return JudgeBatch(e, found, failures);
  }

  // Fetches row i of batch b by key and compares it.
  void CheckGet(const BatchId& b, int i, std::vector<std::string>* failures) {
    std::string path = "/ts/v1/tables/dur/keys/host/" + Host(b) + "/ts/" + std::to_string(Ts(b, i));
    HttpAnswer a = c_.Request("GET", path);
    if (a.status != 200) {
      failures->push_back("GET " + path + " -> " + std::to_string(a.status) + " " +
                          a.body.substr(0, 200));
      return;
    }
    auto parsed = testing::ParseJson(a.body);
    const Json* j = parsed.ok() ? &*parsed : nullptr;
    Row want = MakeRow(b, i);
    for (int c = 0; c < kColumns; ++c) {
      const Json* cell = j ? j->Get(kNames[c]) : nullptr;
      if (!cell || !CellMatches(*cell, want[c], kTypes[c])) {
        failures->push_back("GET " + path + ": column " + kNames[c] + " differs: " +
                            a.body.substr(0, 300));
        return;
      }
    }
  }
  uint64_t queries() const { return queries_; }

 private:
  HttpClient c_;
  uint64_t queries_ = 0;
};

// Sends `sig` and reaps the server.
inline void StopServer(Server* s, int sig) {
  if (s->pid <= 0) return;
  ::kill(s->pid, sig);
  ::waitpid(s->pid, nullptr, 0);
  s->pid = -1;
}

}  // namespace quanta::durability
