// abuse_test: the acceptance suite of "no client can exhaust the server" (docs/testing.md,
// "Abuse suite"). Each case starts its own quantad with default settings, prepares data, runs
// one attack bounded in time while two canaries (PB and HTTP) query a small table every 200 ms,
// and then asserts:
//   * quantad never exited (and was never past the harness's hard RSS cap of 3 GiB),
//   * VmHWM stayed under the case's bound (1 GiB for every case; for request decoding also
//     RSS-before-attack + 2 x body size + 16 MiB),
//   * every canary was answered within 1 s (the right rows, or a quick refusal: Riak 1001 on PB,
//     503 on HTTP), and both canaries return the right rows after the attack,
//   * every row whose write was acknowledged during the case is readable at the end,
//   * the case's own assertions (answers are clean Riak errors or right results, in bounded
//     time).
//
// Usage: abuse_test --quantad PATH --case NAME [--keep] [--port-base N]
//        abuse_test --list
// Exit status: 0 pass, 1 fail, 77 skipped (the environment cannot run the case).
// Ports: free ephemeral ports, or port-base and port-base+1 (also from $QUANTA_ABUSE_PORT_BASE).
#include <sys/resource.h>

#include <algorithm>
#include <cinttypes>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include "abuse_harness.h"

namespace fs = std::filesystem;
using namespace quanta;
using namespace quanta::abuse;
using wire::pb::PbClient;

namespace {

constexpr long kHardCapKb = 3 * kGiB;  // the harness kills quantad past this RSS

struct Options {
  std::string quantad;
  std::string case_name;
  bool keep = false;
  int port_base = 0;
};

uint16_t FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
  socklen_t len = sizeof sa;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  ::close(fd);
  return ntohs(sa.sin_port);
}

std::string Mb(long kb) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(kb) / kMiB);
  return buf;
}
std::string Secs(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", s);
  return buf;
}

// Everything a case needs.
struct Ctx {
  Options opt;
  Server srv;
  Failures fail;
  std::unique_ptr<Monitor> mon;
  std::unique_ptr<Canary> canary;
  long rss_before_kb = 0;     // VmRSS when the attack starts
  long growth_bound_kb = -1;  // peak growth allowed over rss_before_kb (decoding cases)
  long hwm_bound_kb = kGiB;

  void Phase(const std::string& p) {
    if (mon) {
      Log("phase: %s (VmRSS %s, VmHWM so far %s)", p.c_str(), Mb(mon->rss_kb()).c_str(),
          Mb(mon->hwm_kb()).c_str());
    } else {
      Log("phase: %s", p.c_str());
    }
    if (canary) canary->SetPhase(p);
  }
  bool Alive() { return srv.Alive(); }
  void Check(bool ok, const std::string& what) {
    if (!ok) fail.Add(what);
  }

  std::unique_ptr<PbClient> Pb(int timeout_ms = 120000) {
    wire::pb::PbClientOptions o;
    o.io_timeout_ms = timeout_ms;
    o.max_frame_bytes = size_t{1} << 30;
    auto c = PbClient::Connect("127.0.0.1", srv.pb_port, o);
    if (!c.ok()) {
      fail.Add("PB connect: " + c.status().message());
      return nullptr;
    }
    return std::move(*c);
  }
  bool Exec(const std::string& sql) {
    auto c = Pb();
    if (!c) return false;
    auto rs = c->Query(sql);
    if (!rs.ok()) fail.Add("setup '" + sql.substr(0, 80) + "': " + rs.status().message());
    return rs.ok();
  }
  // Writes n rows made by make(i) in batches; false (and a failure) on the first error.
  bool PutRows(const std::string& table, int64_t n, const std::function<Row(int64_t)>& make,
               int batch = 1000) {
    auto c = Pb();
    if (!c) return false;
    auto t0 = Clock::now();
    std::vector<Row> rows;
    for (int64_t i = 0; i < n; i += batch) {
      rows.clear();
      for (int64_t j = i; j < std::min(n, i + batch); ++j) rows.push_back(make(j));
      Status st = c->Put(table, rows);
      if (!st.ok()) {
        fail.Add("setup: put into " + table + " at row " + std::to_string(i) + ": " +
                 st.message());
        return false;
      }
    }
    Log("setup: %" PRId64 " rows into %s in %s", n, table.c_str(), Secs(Since(t0)).c_str());
    return true;
  }
};

// Holds the PB/HTTP ports of a fresh attack connection list and closes them at scope exit.
struct Fds {
  std::vector<int> fds;
  ~Fds() { CloseAll(&fds); }
};

// ---- 1: HTTP put of 8 MB `[{},{},...]` to a 22-column table ---------------------------------

const char* kT22Ddl =
    "CREATE TABLE t22 (h VARCHAR NOT NULL, t TIMESTAMP NOT NULL, c1 DOUBLE, c2 DOUBLE, "
    "c3 DOUBLE, c4 DOUBLE, c5 DOUBLE, c6 SINT64, c7 SINT64, c8 SINT64, c9 SINT64, c10 SINT64, "
    "c11 VARCHAR, c12 VARCHAR, c13 VARCHAR, c14 VARCHAR, c15 VARCHAR, c16 BOOLEAN, "
    "c17 BOOLEAN, c18 BOOLEAN, c19 TIMESTAMP, c20 TIMESTAMP, "
    "PRIMARY KEY ((h, QUANTUM(t, 1, 'd')), h, t))";

void Prepare01(Ctx& c) { c.Exec(kT22Ddl); }

void Attack01(Ctx& c) {
  const size_t objects = 2700000;
  std::string body = "[{}";
  body.reserve(objects * 3 + 2);
  for (size_t i = 1; i < objects; ++i) body += ",{}";
  body += "]";
  c.growth_bound_kb = static_cast<long>(2 * body.size() / 1024) + 16 * kMiB;
  c.Phase("HTTP put of " + std::to_string(body.size()) + " bytes of [{},{},...] to t22");
  auto t0 = Clock::now();
  RawHttpAnswer a = HttpRequestLargeBody(c.srv.http_port, "POST", "/ts/v1/tables/t22/keys", body,
                                         "application/json", 60);
  double dt = Since(t0);
  Log("answer %d after %s: %s", a.status, Secs(dt).c_str(), a.body.substr(0, 200).c_str());
  c.Check(a.status >= 400 && a.status < 500,
          "put of empty objects: want a 4xx, got " + std::to_string(a.status) + " after " +
              Secs(dt) + " " + a.body.substr(0, 200));
  c.Check(dt <= 10, "put of empty objects: answered after " + Secs(dt) + " (bound 10 s)");
}

// ---- 2: PB TsPutReq of 8M empty rows (16 MB) -----------------------------------------------

void Attack02(Ctx& c) {
  const size_t rows = 8u << 20;
  std::string payload = "\x0a\x03t22";
  payload.reserve(payload.size() + rows * 2);
  for (size_t i = 0; i < rows; ++i) payload.append("\x1a\x00", 2);  // field 3 (rows), empty TsRow
  std::string frame = PbFrameBytes(wire::pb::code::kTsPutReq, payload);
  c.growth_bound_kb = static_cast<long>(2 * frame.size() / 1024) + 16 * kMiB;
  c.Phase("PB TsPutReq of " + std::to_string(rows) + " empty rows (" +
          std::to_string(frame.size()) + " bytes)");
  Fds f;
  int fd = ConnectTcp(c.srv.pb_port);
  f.fds.push_back(fd);
  if (fd < 0) return c.fail.Add("cannot connect to PB");
  auto t0 = Clock::now();
  bool sent = SendAll(fd, frame, 60000);
  if (!sent) Log("send stopped after %s (server closed or stopped reading)", Secs(Since(t0)).c_str());
  PbReply r = ReadPbReply(fd, t0 + std::chrono::seconds(60), false, 256u << 20);
  double dt = Since(t0);
  if (r.io != Io::kOk) {
    return c.fail.Add(std::string("put of empty rows: no reply (") +
                      (r.io == Io::kTimeout ? "none within 60 s" : "connection closed") +
                      ") after " + Secs(dt));
  }
  Log("reply code %u, %zu bytes, errcode %d after %s: %s", r.code, r.frame_bytes, r.errcode,
      Secs(dt).c_str(), r.errmsg.substr(0, 200).c_str());
  c.Check(r.code == wire::pb::code::kErrorResp && r.errcode >= 1000 && r.errcode <= 1999,
          "put of empty rows: want a Riak error reply, got code " + std::to_string(r.code) +
              " errcode " + std::to_string(r.errcode));
  c.Check(r.frame_bytes <= 64 * 1024, "put of empty rows: the error reply is " +
                                           std::to_string(r.frame_bytes) +
                                           " bytes (bound 64 KiB)");
  c.Check(dt <= 10, "put of empty rows: answered after " + Secs(dt) + " (bound 10 s)");
}

// ---- 3: huge SQL text ----------------------------------------------------------------------

const char* kTDdl =
    "CREATE TABLE t (h VARCHAR NOT NULL, t TIMESTAMP NOT NULL, v DOUBLE, "
    "PRIMARY KEY ((h, QUANTUM(t, 1, 'd')), h, t))";

std::string NestedSql(size_t bytes) {
  std::string head = "SELECT v FROM t WHERE ";
  std::string mid = "v > 0";
  size_t depth = (bytes - head.size() - mid.size()) / 2;
  std::string sql = head;
  sql.reserve(bytes);
  sql.append(depth, '(');
  sql += mid;
  sql.append(depth, ')');
  return sql;
}

void Prepare03(Ctx& c) { c.Exec(kTDdl); }

// n concurrent PB statements of `bytes` each; each must be answered within `bound_s`
// (`error_only`: the answer must be a Riak error).
void ConcurrentStatements(Ctx& c, int n, size_t bytes, double bound_s, bool error_only) {
  std::string frame = QueryFrame(NestedSql(bytes));
  std::vector<std::thread> threads;
  std::mutex mu;
  std::map<std::string, int> outcomes;
  double worst = 0;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&] {
      int fd = ConnectTcp(c.srv.pb_port);
      std::string outcome;
      auto t0 = Clock::now();
      if (fd < 0) {
        outcome = "no connection";
      } else {
        SendAll(fd, frame, 60000);
        PbReply r = ReadPbReply(fd, t0 + std::chrono::seconds(60));
        if (r.io != Io::kOk) outcome = r.io == Io::kTimeout ? "no reply in 60 s" : "closed";
        else if (r.code == wire::pb::code::kErrorResp) outcome = "error " + std::to_string(r.errcode);
        else outcome = error_only ? "a result (code " + std::to_string(r.code) + ")" : "result";
        ::close(fd);
      }
      double dt = Since(t0);
      std::lock_guard<std::mutex> lock(mu);
      ++outcomes[outcome];
      worst = std::max(worst, dt);
    });
  }
  for (auto& t : threads) t.join();
  std::string summary;
  bool clean = true;
  for (auto& [k, v] : outcomes) {
    summary += k + " x" + std::to_string(v) + "; ";
    bool riak_error = k.rfind("error 1", 0) == 0 && k.size() == 10;
    if (!(riak_error || (!error_only && k == "result"))) clean = false;
  }
  Log("%d statements of %zu bytes: %sslowest %s", n, bytes, summary.c_str(), Secs(worst).c_str());
  c.Check(clean, std::to_string(n) + " statements of " + std::to_string(bytes) +
                     " bytes: want " + (error_only ? "Riak errors" : "Riak errors or results") +
                     ", got " + summary);
  c.Check(worst <= bound_s, std::to_string(n) + " statements of " + std::to_string(bytes) +
                                " bytes: slowest answer after " + Secs(worst) + " (bound " +
                                Secs(bound_s) + ")");
}

void Attack03(Ctx& c) {
  const size_t big = 60u << 20;
  {
    c.Phase("one 60 MiB nested-parenthesis SELECT over PB");
    std::string frame = QueryFrame(NestedSql(big));
    Fds f;
    int fd = ConnectTcp(c.srv.pb_port);
    f.fds.push_back(fd);
    auto t0 = Clock::now();
    if (fd >= 0) SendAll(fd, frame, 60000);
    PbReply r = ReadPbReply(fd, t0 + std::chrono::seconds(60));
    double dt = Since(t0);
    Log("60 MiB statement over PB: io %d code %u errcode %d after %s: %s", static_cast<int>(r.io),
        r.code, r.errcode, Secs(dt).c_str(), r.errmsg.substr(0, 160).c_str());
    c.Check(r.io == Io::kOk && r.code == wire::pb::code::kErrorResp && r.errcode >= 1000,
            "60 MiB statement over PB: want a Riak error reply");
    c.Check(dt <= 10, "60 MiB statement over PB: answered after " + Secs(dt) + " (bound 10 s)");
  }
  if (!c.Alive()) return;
  {
    c.Phase("one 60 MiB nested-parenthesis SELECT over HTTP");
    std::string sql = NestedSql(big);
    auto t0 = Clock::now();
    RawHttpAnswer a = HttpRequestLargeBody(c.srv.http_port, "POST", "/ts/v1/query", sql,
                                           "text/plain", 60);
    double dt = Since(t0);
    Log("60 MiB statement over HTTP: %d after %s: %s", a.status, Secs(dt).c_str(),
        a.body.substr(0, 160).c_str());
    c.Check(a.status >= 400 && a.status < 600,
            "60 MiB statement over HTTP: want an error status, got " + std::to_string(a.status));
    c.Check(dt <= 10, "60 MiB statement over HTTP: answered after " + Secs(dt) + " (bound 10 s)");
  }
  if (!c.Alive()) return;
  c.Phase("16 concurrent 2 MiB statements over PB");
  ConcurrentStatements(c, 16, 2u << 20, 10, true);
  if (!c.Alive()) return;
  // Just under query.max_statement_bytes (1 MiB): the size cap alone must not be the defence.
  c.Phase("16 concurrent statements of 1,000,000 bytes (under the statement cap) over PB");
  ConcurrentStatements(c, 16, 1000000, 30, false);
}

// ---- 4: a result of ~120 MB within two sub-queries ----------------------------------------

// Many small cells, as in the issue (the in-memory form of a row is several times its encoding):
// 8 columns, ~100 bytes a row on the wire, 1.2M rows, all in one quantum.
constexpr int64_t kBigRows = 1200000;

void Prepare04(Ctx& c) {
  if (!c.Exec("CREATE TABLE big (h VARCHAR NOT NULL, t TIMESTAMP NOT NULL, a SINT64, b DOUBLE, "
              "s VARCHAR, d BOOLEAN, e DOUBLE, f SINT64, "
              "PRIMARY KEY ((h, QUANTUM(t, 1, 'd')), h, t))")) {
    return;
  }
  c.PutRows("big", kBigRows, [](int64_t i) {
    std::string s(40, static_cast<char>('a' + i % 26));
    return Row{Value::Bytes("x"),         Value::Int(i + 1),   Value::Int(i * 1000003),
               Value::Double(i * 0.25),   Value::Bytes(std::move(s)), Value::Bool(i % 2 == 0),
               Value::Double(i * 1.5e10), Value::Int(-i)};
  }, 5000);
}

// Counts the rows of a TsQueryResp without decoding them (field 2, length-delimited); done is
// field 3. False when the bytes are not a well-formed sequence of fields.
bool ScanQueryResp(std::string_view p, size_t* rows, bool* done) {
  *done = true;
  size_t i = 0;
  auto varint = [&](uint64_t* v) {
    *v = 0;
    for (int shift = 0; shift < 64 && i < p.size(); shift += 7) {
      uint8_t b = static_cast<uint8_t>(p[i++]);
      *v |= uint64_t{b & 0x7fu} << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  };
  while (i < p.size()) {
    uint64_t key, v;
    if (!varint(&key)) return false;
    if ((key & 7) == 2) {
      if (!varint(&v) || v > p.size() - i) return false;
      i += v;
      if ((key >> 3) == 2) ++*rows;
    } else if ((key & 7) == 0) {
      if (!varint(&v)) return false;
      if ((key >> 3) == 3) *done = v != 0;
    } else {
      return false;
    }
  }
  return true;
}

// Rows of a /ts/v1/query answer whose rows all start with "x" (the big tables here), counted
// without building a JSON tree of millions of cells.
long CountJsonRows(const std::string& body) {
  if (body.find("\"rows\"") == std::string::npos) return -1;
  long n = 0;
  for (size_t pos = body.find("[\"x\","); pos != std::string::npos; pos = body.find("[\"x\",", pos + 1)) ++n;
  return n;
}

void Attack04(Ctx& c) {
  const std::string sql = "SELECT * FROM big WHERE h = 'x' AND t >= 1 AND t <= " +
                          std::to_string(kBigRows);
  {
    c.Phase("SELECT of 1.2M rows (~120 MB) over PB");
    Fds f;
    int fd = ConnectTcp(c.srv.pb_port);
    f.fds.push_back(fd);
    auto t0 = Clock::now();
    if (fd >= 0) SendAll(fd, QueryFrame(sql), 10000);
    size_t rows = 0, bytes = 0;
    std::string outcome;
    for (int frames = 0; frames < 100000; ++frames) {
      PbReply r = ReadPbReply(fd, t0 + std::chrono::seconds(120), true);
      if (r.io != Io::kOk) {
        outcome = r.io == Io::kTimeout ? "no complete answer in 120 s" : "connection closed";
        break;
      }
      bytes += r.frame_bytes;
      if (r.code == wire::pb::code::kErrorResp) {
        outcome = (r.errcode >= 1000 && r.errcode <= 1999) ? "refused" : "bad error";
        Log("PB: error %d %s", r.errcode, r.errmsg.substr(0, 200).c_str());
        break;
      }
      if (r.code != wire::pb::code::kTsQueryResp) {
        outcome = "unexpected reply code " + std::to_string(r.code);
        break;
      }
      bool done = true;
      if (!ScanQueryResp(r.payload, &rows, &done)) {
        outcome = "undecodable reply";
        break;
      }
      if (done) {
        outcome = rows == static_cast<size_t>(kBigRows) ? "result" : "wrong row count " +
                                                                         std::to_string(rows);
        break;
      }
    }
    Log("PB: %s, %zu rows, %zu bytes, %s", outcome.c_str(), rows, bytes,
        Secs(Since(t0)).c_str());
    c.Check(outcome == "result" || outcome == "refused",
            "120 MB SELECT over PB: want the rows or a clean Riak error, got " + outcome);
  }
  if (!c.Alive()) return;
  {
    c.Phase("SELECT of 1.2M rows (~120 MB) over HTTP");
    HttpClient h("127.0.0.1", c.srv.http_port, 120);
    auto t0 = Clock::now();
    HttpAnswer a = h.Request("POST", "/ts/v1/query", sql, "text/plain");
    double dt = Since(t0);
    long rows = a.status == 200 ? CountJsonRows(a.body) : -1;
    Log("HTTP: status %d, %zu bytes, %ld rows, %s %s", a.status, a.body.size(), rows,
        Secs(dt).c_str(), a.status == 200 ? "" : a.body.substr(0, 200).c_str());
    c.Check((a.status == 200 && rows == kBigRows) || (a.status >= 400 && a.status < 600),
            "120 MB SELECT over HTTP: want the rows or a clean error, got status " +
                std::to_string(a.status) + " with " + std::to_string(rows) + " rows");
  }
}

// ---- 5: 100 PB clients that never read a ~60k-row result -----------------------------------

void Prepare05(Ctx& c) {
  if (!c.Exec("CREATE TABLE mid (h VARCHAR NOT NULL, t TIMESTAMP NOT NULL, v DOUBLE, "
              "s VARCHAR, PRIMARY KEY ((h, QUANTUM(t, 1, 'd')), h, t))")) {
    return;
  }
  c.PutRows("mid", 60000, [](int64_t i) {
    return Row{Value::Bytes("x"), Value::Int(i + 1), Value::Double(i * 0.5),
               Value::Bytes(std::string(64, static_cast<char>('a' + i % 26)))};
  });
}

void Attack05(Ctx& c) {
  const long margin_kb = 256 * kMiB;
  std::string frame = QueryFrame("SELECT * FROM mid WHERE h = 'x' AND t >= 1 AND t <= 60000");
  {
    c.Phase("100 PB clients send a 60k-row SELECT and never read");
    Fds f;
    for (int i = 0; i < 100; ++i) {
      int fd = ConnectTcp(c.srv.pb_port, 4096);
      if (fd < 0) {
        c.fail.Add("connection " + std::to_string(i) + " refused");
        continue;
      }
      f.fds.push_back(fd);
      SendAll(fd, frame, 5000);
    }
    for (int i = 0; i < 150 && c.Alive(); ++i) SleepMs(100);
    Log("while held: VmRSS %s, peak %s", Mb(c.mon->rss_kb()).c_str(), Mb(c.mon->hwm_kb()).c_str());
    c.Phase("closing the 100 clients");
  }
  auto t0 = Clock::now();
  long rss = 0;
  while (c.Alive() && Since(t0) < 10) {
    SleepMs(500);
    MemSample m;
    if (ReadMem(c.srv.pid, &m)) rss = m.rss_kb;
    if (rss <= c.rss_before_kb + margin_kb) break;
  }
  Log("VmRSS %s after close (%s later; before the attack %s)", Mb(rss).c_str(),
      Secs(Since(t0)).c_str(), Mb(c.rss_before_kb).c_str());
  if (c.Alive()) {
    c.Check(rss <= c.rss_before_kb + margin_kb,
            "RSS after the clients closed: " + Mb(rss) + " after 10 s, want <= " +
                Mb(c.rss_before_kb) + " + " + Mb(margin_kb));
  }
}

// ---- 6: ORDER BY ... LIMIT n OFFSET m with huge values -------------------------------------

constexpr int64_t kObRows = 2000000;
constexpr int64_t kObStep = 360;  // ms: 2M rows over 200 one-hour quanta

void Prepare06(Ctx& c) {
  if (!c.Exec("CREATE TABLE ob (h VARCHAR NOT NULL, t TIMESTAMP NOT NULL, v DOUBLE, "
              "PRIMARY KEY ((h, QUANTUM(t, 1, 'h')), h, t))")) {
    return;
  }
  c.PutRows("ob", kObRows, [](int64_t i) {
    return Row{Value::Bytes("x"), Value::Int((i + 1) * kObStep),
               Value::Double(static_cast<double>((i * 7919) % kObRows))};
  }, 5000);
}

void Attack06(Ctx& c) {
  const std::string base = "SELECT * FROM ob WHERE h = 'x' AND t >= 1 AND t <= " +
                           std::to_string(kObRows * kObStep) + " ";
  const std::string kMax = "9223372036854775807";
  struct Q {
    std::string tail;
    int64_t want_rows;      // -1: any count is fine as long as the rows are right
    int64_t first_t;        // expected t of the first row when want_rows > 0, else -1
  };
  std::vector<Q> queries = {
      {"ORDER BY v LIMIT " + kMax, kObRows, -1},
      {"ORDER BY v LIMIT 10 OFFSET " + kMax, 0, -1},
      {"ORDER BY v LIMIT " + kMax + " OFFSET " + kMax, 0, -1},
      {"ORDER BY v LIMIT 1 OFFSET 9223372036854775000", 0, -1},
      {"ORDER BY t DESC LIMIT 5 OFFSET " + std::to_string(kObRows - 10), 5, 10 * kObStep},
      {"ORDER BY v DESC LIMIT 500000 OFFSET 1000000", 500000, -1},
  };
  for (const Q& q : queries) {
    if (!c.Alive()) return;
    c.Phase(q.tail);
    auto pb = c.Pb(120000);
    if (!pb) return;
    auto t0 = Clock::now();
    auto rs = pb->Query(base + q.tail);
    double dt = Since(t0);
    if (!rs.ok()) {
      int code = rs.status().riak_code();
      Log("%s -> error %d %s (%s)", q.tail.c_str(), code, rs.status().message().substr(0, 160).c_str(),
          Secs(dt).c_str());
      c.Check(code >= 1000 && code <= 1999,
              q.tail + ": want the right rows or a clean Riak error, got " +
                  std::to_string(code) + " " + rs.status().message().substr(0, 160));
    } else {
      Log("%s -> %zu rows (%s)", q.tail.c_str(), rs->rows.size(), Secs(dt).c_str());
      bool right = static_cast<int64_t>(rs->rows.size()) == q.want_rows;
      if (right && q.first_t >= 0 && !rs->rows.empty()) {
        right = rs->rows[0][1].as_int() == q.first_t;
      }
      c.Check(right, q.tail + ": wrong answer: " + std::to_string(rs->rows.size()) + " rows");
    }
    c.Check(dt <= 60, q.tail + ": answered after " + Secs(dt) + " (bound 60 s)");
  }
}

// ---- 7 and 8: list_keys clients that never read --------------------------------------------

constexpr int64_t kLkRows = 200000;

void PrepareListKeys(Ctx& c) {
  if (!c.Exec("CREATE TABLE lk (h VARCHAR NOT NULL, t TIMESTAMP NOT NULL, v DOUBLE, "
              "PRIMARY KEY ((h, QUANTUM(t, 1, 'd')), h, t))")) {
    return;
  }
  c.PutRows("lk", kLkRows, [](int64_t i) {
    return Row{Value::Bytes(std::string(100, 'k')), Value::Int(i + 1), Value::Double(1)};
  }, 5000);
}

void Attack07(Ctx& c) {
  wire::pb::TsListKeysReq req;
  req.table = "lk";
  std::string frame = PbFrameBytes(wire::pb::code::kTsListKeysReq, wire::pb::Encode(req));
  {
    c.Phase("8 PB list_keys clients that never read (20 s)");
    Fds f;
    for (int i = 0; i < 8; ++i) {
      int fd = ConnectTcp(c.srv.pb_port, 4096);
      if (fd < 0) continue;
      f.fds.push_back(fd);
      SendAll(fd, frame, 5000);
    }
    for (int i = 0; i < 200 && c.Alive(); ++i) SleepMs(100);
    c.Phase("closing the list_keys clients");
  }
  SleepMs(500);
  if (!c.Alive()) return;
  c.Phase("list_keys by a reading client");
  auto pb = c.Pb(60000);
  if (!pb) return;
  auto t0 = Clock::now();
  size_t keys = 0;
  Status st = pb->ListKeys("lk", [&](std::vector<Row>&& batch) { keys += batch.size(); });
  Log("list_keys afterwards: %s, %zu keys, %s", st.ok() ? "ok" : st.message().c_str(), keys,
      Secs(Since(t0)).c_str());
  c.Check(st.ok() && keys == static_cast<size_t>(kLkRows),
          "list_keys after the attack: " + (st.ok() ? std::to_string(keys) + " keys" : st.message()));
}

void Attack08(Ctx& c) {
  const std::string req = "GET /ts/v1/tables/lk/list_keys HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  for (int round = 1; round <= 3 && c.Alive(); ++round) {
    c.Phase("round " + std::to_string(round) + "/3: 16 HTTP list_keys clients that never read (12 s)");
    Fds f;
    for (int i = 0; i < 16; ++i) {
      int fd = ConnectTcp(c.srv.http_port, 4096);
      if (fd < 0) continue;
      f.fds.push_back(fd);
      SendAll(fd, req, 5000);
    }
    for (int i = 0; i < 120 && c.Alive(); ++i) SleepMs(100);
  }
  c.Phase("list_keys by a reading HTTP client");
  if (!c.Alive()) return;
  HttpClient h("127.0.0.1", c.srv.http_port, 60);
  auto t0 = Clock::now();
  HttpAnswer a = h.Request("GET", "/ts/v1/tables/lk/list_keys");
  Log("HTTP list_keys afterwards: %d, %zu bytes, %s", a.status, a.body.size(),
      Secs(Since(t0)).c_str());
  c.Check(a.status == 200 && a.body.size() > static_cast<size_t>(kLkRows) * 100,
          "HTTP list_keys after the attack: status " + std::to_string(a.status) + ", " +
              std::to_string(a.body.size()) + " bytes");
}

// ---- 9: 300 concurrent SELECTs ---------------------------------------------------------------

constexpr int64_t kQRows = 300000;

void Prepare09(Ctx& c) {
  if (!c.Exec(kTDdl)) return;
  c.PutRows("t", kQRows, [](int64_t i) {
    return Row{Value::Bytes("x"), Value::Int(i + 1), Value::Double(static_cast<double>(i % 1000))};
  }, 5000);
}

// The assertions of case 9 over one storm: every request answered (an outcome in `allowed`),
// none later than the query timeout + 5 s, at least one `refusal`, each within 1 s.
void CheckStorm(Ctx& c, const std::string& label, const std::vector<std::string>& outcome,
                const std::vector<double>& latency, const std::set<std::string>& allowed,
                const std::string& refusal) {
  const double bound = 10 + 5;  // default query timeout + slack
  std::map<std::string, std::pair<int, double>> by;  // outcome -> count, slowest
  for (size_t i = 0; i < outcome.size(); ++i) {
    std::string o = outcome[i].empty() ? "no answer" : outcome[i];
    auto& e = by[o];
    ++e.first;
    e.second = std::max(e.second, latency[i]);
  }
  std::string summary;
  for (auto& [k, v] : by) {
    summary += k + " x" + std::to_string(v.first) + " (slowest " + Secs(v.second) + "); ";
  }
  Log("%s: %s", label.c_str(), summary.c_str());
  for (auto& [k, v] : by) {
    if (!allowed.count(k)) {
      c.fail.Add(label + ": " + std::to_string(v.first) + " got '" + k + "'");
    }
    if (k != "no answer" && v.second > bound) {
      c.fail.Add(label + ": a '" + k + "' answer came after " + Secs(v.second) +
                 " (bound: query timeout 10 s + 5 s)");
    }
  }
  c.Check(by.count(refusal) > 0, label + ": nobody got '" + refusal + "' (overload)");
  if (by.count(refusal)) {
    c.Check(by[refusal].second <= 1.0, label + ": the slowest '" + refusal + "' came after " +
                                           Secs(by[refusal].second) + " (bound 1 s)");
  }
}

// Calls `answer(i)` once for each socket of `fds` as it becomes readable (or closed), until all
// have answered, `limit_s` seconds have passed or the server is gone.
void AwaitEach(Ctx& c, const std::vector<int>& fds, double limit_s,
               const std::function<void(size_t)>& answer) {
  std::vector<bool> done(fds.size(), false);
  size_t pending = fds.size();
  auto t0 = Clock::now();
  while (pending > 0 && Since(t0) < limit_s && c.Alive()) {
    std::vector<pollfd> pfds;
    std::vector<size_t> idx;
    for (size_t i = 0; i < fds.size(); ++i) {
      if (!done[i]) {
        pfds.push_back({fds[i], POLLIN, 0});
        idx.push_back(i);
      }
    }
    if (::poll(pfds.data(), pfds.size(), 100) <= 0) continue;
    for (size_t k = 0; k < pfds.size(); ++k) {
      if (!(pfds[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      answer(idx[k]);
      done[idx[k]] = true;
      --pending;
    }
  }
}

// The same storm over HTTP: 300 connections each POST the SELECT at once.
void AttackHttp09(Ctx& c) {
  const int n = 300;
  const std::string sql = "SELECT COUNT(*), AVG(v) FROM t WHERE h = 'x' AND t >= 1 AND t <= " +
                          std::to_string(kQRows);
  const std::string req = "POST /ts/v1/query HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "Content-Type: text/plain\r\nContent-Length: " +
                          std::to_string(sql.size()) + "\r\n\r\n" + sql;
  c.Phase("300 concurrent SELECTs over HTTP");
  Fds f;
  for (int i = 0; i < n; ++i) {
    int fd = ConnectTcp(c.srv.http_port);
    if (fd < 0) {
      c.fail.Add("HTTP connection " + std::to_string(i) + " refused");
      continue;
    }
    f.fds.push_back(fd);
  }
  std::vector<Clock::time_point> sent(f.fds.size());
  for (size_t i = 0; i < f.fds.size(); ++i) {
    sent[i] = Clock::now();
    SendAll(f.fds[i], req, 5000);
  }
  std::vector<std::string> outcome(f.fds.size());
  std::vector<double> latency(f.fds.size(), -1);
  AwaitEach(c, f.fds, 20, [&](size_t i) {
    latency[i] = std::chrono::duration<double>(Clock::now() - sent[i]).count();
    RawHttpAnswer a = ReadHttpAnswer(f.fds[i], std::string(), Clock::now() + std::chrono::seconds(5));
    if (a.status == 200) outcome[i] = Canary::RowCount(a.body) == 1 ? "200" : "200 (wrong rows)";
    else if (a.status == 0) outcome[i] = "closed";
    else outcome[i] = std::to_string(a.status);
  });
  CheckStorm(c, "300 HTTP SELECTs", outcome, latency, {"200", "503"}, "503");
}

void Attack09(Ctx& c) {
  const int n = 300;
  const double query_timeout = 10, slack = 5;
  const std::string frame = QueryFrame("SELECT COUNT(*), AVG(v) FROM t WHERE h = 'x' AND t >= 1 AND t <= " +
                                 std::to_string(kQRows));
  c.Phase("300 concurrent SELECTs over PB");
  Fds f;
  for (int i = 0; i < n; ++i) {
    int fd = ConnectTcp(c.srv.pb_port);
    if (fd < 0) {
      c.fail.Add("connection " + std::to_string(i) + " refused");
      continue;
    }
    f.fds.push_back(fd);
  }
  std::vector<Clock::time_point> sent(f.fds.size());
  for (size_t i = 0; i < f.fds.size(); ++i) {
    sent[i] = Clock::now();
    SendAll(f.fds[i], frame, 5000);
  }
  std::vector<std::string> outcome(f.fds.size());
  std::vector<double> latency(f.fds.size(), -1);
  AwaitEach(c, f.fds, query_timeout + slack + 5, [&](size_t i) {
    PbReply r = ReadPbReply(f.fds[i], Clock::now() + std::chrono::seconds(5));
    latency[i] = std::chrono::duration<double>(Clock::now() - sent[i]).count();
    if (r.io != Io::kOk) outcome[i] = "closed";
    else if (r.code == wire::pb::code::kTsQueryResp) outcome[i] = "result";
    else if (r.code == wire::pb::code::kErrorResp) outcome[i] = "error " + std::to_string(r.errcode);
    else outcome[i] = "code " + std::to_string(r.code);
  });
  CheckStorm(c, "300 PB SELECTs", outcome, latency, {"result", "error 1001", "error 1013"},
             "error 1001");
  if (!c.Alive()) return;
  SleepMs(1000);
  AttackHttp09(c);
}

// ---- 10: HTTP headers trickled one byte at a time --------------------------------------------

void Attack10(Ctx& c) {
  const int n = 300;
  const double request_timeout = 5, slack = 3;
  std::string header = "GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Trickle: " + std::string(200, 'a');
  c.Phase("300 HTTP connections trickling headers, 1 byte/s per connection");
  Fds f;
  for (int i = 0; i < n; ++i) {
    int fd = ConnectTcp(c.srv.http_port);
    if (fd < 0) {
      c.fail.Add("connection " + std::to_string(i) + " refused");
      continue;
    }
    f.fds.push_back(fd);
  }
  size_t m = f.fds.size();
  std::vector<Clock::time_point> first(m);
  std::vector<double> closed_after(m, -1);
  std::vector<size_t> pos(m, 0);
  auto t0 = Clock::now();
  size_t open = m;
  for (int tick = 0; open > 0 && Since(t0) < 20 && c.Alive(); ++tick) {
    if (tick % 10 == 0) {  // one byte per connection per second
      for (size_t i = 0; i < m; ++i) {
        if (closed_after[i] >= 0 || pos[i] >= header.size()) continue;
        if (pos[i] == 0) first[i] = Clock::now();
        ssize_t n = ::send(f.fds[i], header.data() + pos[i], 1, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n == 1) {
          ++pos[i];
        } else if (n < 0 && (errno == EPIPE || errno == ECONNRESET)) {
          closed_after[i] = std::chrono::duration<double>(Clock::now() - first[i]).count();
          --open;
        }
      }
    }
    for (size_t i = 0; i < m; ++i) {
      if (closed_after[i] < 0 && pos[i] > 0 && PeerClosed(f.fds[i])) {
        closed_after[i] = std::chrono::duration<double>(Clock::now() - first[i]).count();
        --open;
      }
    }
    SleepMs(100);
  }
  double worst = 0;
  for (size_t i = 0; i < m; ++i) worst = std::max(worst, closed_after[i]);
  Log("%zu of %zu trickling connections still open after %s; the slowest cut after %s", open, m,
      Secs(Since(t0)).c_str(), open == m ? "(none cut)" : Secs(worst).c_str());
  c.Check(open == 0, std::to_string(open) + " of " + std::to_string(m) +
                         " trickling connections were not cut within 20 s "
                         "(http.request_timeout = 5 s)");
  c.Check(worst <= request_timeout + slack,
          "a trickling connection was cut only after " + Secs(worst) + " (bound 5 s + 3 s)");
}

// ---- 1,000 PB + 1,000 HTTP idle connections ----------------------------------------------

bool PbPing(int fd) {
  if (!SendAll(fd, PbFrameBytes(wire::pb::code::kPingReq, ""), 5000)) return false;
  PbReply r = ReadPbReply(fd, Clock::now() + std::chrono::seconds(5));
  return r.io == Io::kOk && r.code == wire::pb::code::kPingResp;
}

void AttackConnections(Ctx& c) {
  const int n = 1000;
  c.Phase("opening 1,000 PB and 1,000 HTTP connections");
  Fds pb;
  std::vector<std::unique_ptr<HttpClient>> http;
  int pb_ok = 0, http_ok = 0;
  for (int i = 0; i < n && c.Alive(); ++i) {
    int fd = ConnectTcp(c.srv.pb_port);
    if (fd >= 0) pb.fds.push_back(fd);
    if (fd >= 0 && PbPing(fd)) ++pb_ok;
    auto h = std::make_unique<HttpClient>("127.0.0.1", c.srv.http_port, 5);
    if (h->Request("GET", "/ping").status == 200) ++http_ok;
    http.push_back(std::move(h));
  }
  Log("opened: %d PB answered a ping, %d HTTP answered /ping", pb_ok, http_ok);
  c.Check(pb_ok == n && http_ok == n, "opening: " + std::to_string(pb_ok) + " PB and " +
                                          std::to_string(http_ok) + " HTTP connections of " +
                                          std::to_string(n) + " each answered");
  c.Phase("holding 2,000 idle connections (10 s)");
  for (int i = 0; i < 100 && c.Alive(); ++i) SleepMs(100);
  c.Phase("pinging every held connection again");
  pb_ok = http_ok = 0;
  for (int fd : pb.fds) pb_ok += PbPing(fd) ? 1 : 0;
  for (auto& h : http) http_ok += h->Request("GET", "/ping").status == 200 ? 1 : 0;
  Log("still held: %d PB, %d HTTP", pb_ok, http_ok);
  c.Check(pb_ok == n && http_ok == n, "after 10 s: " + std::to_string(pb_ok) + " PB and " +
                                          std::to_string(http_ok) + " HTTP connections of " +
                                          std::to_string(n) + " each still answered");
}

// ---- the cases -----------------------------------------------------------------------------

struct Case {
  const char* name;
  const char* what;
  std::vector<std::string> extra_args;
  std::function<void(Ctx&)> prepare;
  std::function<void(Ctx&)> attack;
  int min_nofile = 0;
};

std::vector<Case> Cases() {
  return {
      {"01_http_put_empty_objects", "HTTP put of 8 MB [{},{},...] to a 22-column table", {},
       Prepare01, Attack01},
      {"02_pb_put_empty_rows", "PB TsPutReq of 8M empty rows (16 MB)", {}, Prepare01, Attack02},
      {"03_sql_text_size", "60 MiB nested SELECT over PB and HTTP, 16 x 2 MiB and 16 x 1 MB",
       {}, Prepare03, Attack03},
      {"04_big_result_two_subqueries", "~120 MB result (1.2M rows) within two sub-queries, PB and HTTP", {},
       Prepare04, Attack04},
      {"05_unread_select_results", "100 PB clients send a 60k-row SELECT and never read", {},
       Prepare05, Attack05},
      {"06_order_by_limit_offset", "ORDER BY with huge and overflowing LIMIT/OFFSET", {},
       Prepare06, Attack06},
      {"07_pb_list_keys_unread", "8 PB list_keys clients that never read", {},
       PrepareListKeys, Attack07},
      {"08_http_list_keys_unread", "16 HTTP list_keys clients that never read, 3 rounds", {},
       PrepareListKeys, Attack08},
      {"09_concurrent_selects", "300 concurrent SELECTs at the default limits, over PB then HTTP", {}, Prepare09,
       Attack09},
      {"10_http_trickled_headers", "300 HTTP connections trickling headers",
       {"--set", "http.request_timeout=5s"}, nullptr, Attack10, 1024},
      {"connections_1000_pb_1000_http", "1,000 PB + 1,000 HTTP connections held", {}, nullptr,
       AttackConnections, 4500},
  };
}

// Raises the soft RLIMIT_NOFILE to the hard limit (quantad inherits it). Returns the new soft
// limit.
rlim_t RaiseNoFile() {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return 0;
  rl.rlim_cur = rl.rlim_max == RLIM_INFINITY ? 1 << 20 : rl.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &rl);
  ::getrlimit(RLIMIT_NOFILE, &rl);
  return rl.rlim_cur;
}

// Reads every acknowledged canary row back.
void VerifyAcked(Ctx& c) {
  auto check = [&](const std::string& h, std::vector<int64_t> acked) {
    if (acked.empty()) {
      c.fail.Add("no " + h + " write was acknowledged during the case");
      return;
    }
    int64_t hi = *std::max_element(acked.begin(), acked.end());
    auto pb = c.Pb(60000);
    if (!pb) return;
    auto rs = pb->Query("SELECT t FROM acked WHERE h = '" + h + "' AND t >= 1 AND t <= " +
                        std::to_string(hi));
    if (!rs.ok()) return c.fail.Add("reading acked rows: " + rs.status().message());
    std::set<int64_t> have;
    for (const Row& r : rs->rows) have.insert(r[0].as_int());
    size_t missing = 0;
    for (int64_t t : acked) missing += have.count(t) ? 0 : 1;
    Log("acknowledged %s writes: %zu, missing %zu", h.c_str(), acked.size(), missing);
    c.Check(missing == 0, std::to_string(missing) + " of " + std::to_string(acked.size()) +
                              " acknowledged " + h + " rows are missing");
  };
  check("pb", c.canary->acked_pb());
  check("http", c.canary->acked_http());
}

int Run(const Options& opt, const Case& cs) {
  rlim_t nofile = RaiseNoFile();
  if (cs.min_nofile > 0 && nofile < static_cast<rlim_t>(cs.min_nofile)) {
    std::printf("SKIP: needs RLIMIT_NOFILE >= %d, the hard limit is %lu\n", cs.min_nofile,
                static_cast<unsigned long>(nofile));
    return 77;
  }
  const char* tmp = std::getenv("TMPDIR");
  std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/quanta-abuse-XXXXXX";
  if (!::mkdtemp(templ.data())) {
    std::perror("mkdtemp");
    return 1;
  }
  std::string dir = templ;
  Log("case %s: %s (dir %s)", cs.name, cs.what, dir.c_str());

  Ctx c;
  c.opt = opt;
  uint16_t pb = opt.port_base ? static_cast<uint16_t>(opt.port_base) : FreePort();
  uint16_t http = opt.port_base ? static_cast<uint16_t>(opt.port_base + 1) : FreePort();
  std::string why;
  if (!c.srv.Start(opt.quantad, dir, pb, http, cs.extra_args, &why)) {
    std::printf("FAIL: %s\n", why.c_str());
    return 1;
  }
  c.mon = std::make_unique<Monitor>(&c.srv, &c.fail, kHardCapKb);
  c.mon->Start();

  // Setup: the canary's table and rows, the acked table, the case's data.
  c.Exec(kCanaryDdl);
  c.Exec(kAckedDdl);
  c.PutRows("canary", 10, [](int64_t i) {
    return Row{Value::Bytes("c"), Value::Int(i + 1), Value::Double(static_cast<double>(i))};
  });
  if (cs.prepare && c.fail.size() == 0) cs.prepare(c);
  bool setup_ok = c.fail.size() == 0;

  MemSample before;
  ReadMem(c.srv.pid, &before);
  c.rss_before_kb = before.rss_kb;
  Log("before the attack: VmRSS %s, VmHWM %s", Mb(before.rss_kb).c_str(),
      Mb(before.hwm_kb).c_str());

  c.canary = std::make_unique<Canary>(pb, http, &c.fail);
  auto started = Clock::now();
  if (setup_ok) {
    c.canary->Start();
    c.Phase("before the attack");
    SleepMs(1000);
    cs.attack(c);
    c.Phase("after the attack");
    SleepMs(1000);
    c.canary->Stop();
  }
  double attack_s = Since(started);

  bool alive = c.Alive();
  if (alive && setup_ok) {
    std::string e = Canary::CheckPb(pb);
    c.Check(e.empty(), "after the attack: " + e);
    e = Canary::CheckHttp(http);
    c.Check(e.empty(), "after the attack: " + e);
    VerifyAcked(c);
  }
  MemSample end;
  if (alive) ReadMem(c.srv.pid, &end);
  long hwm = std::max(end.hwm_kb, c.mon->hwm_kb());
  c.mon->Stop();
  c.Check(hwm <= c.hwm_bound_kb,
          "peak RSS (VmHWM) " + Mb(hwm) + " is over the bound " + Mb(c.hwm_bound_kb));
  if (c.growth_bound_kb >= 0) {
    c.Check(hwm - c.rss_before_kb <= c.growth_bound_kb,
            "peak RSS grew by " + Mb(hwm - c.rss_before_kb) + " over the " +
                Mb(c.rss_before_kb) + " before the attack; the bound is 2 x body + 16 MiB = " +
                Mb(c.growth_bound_kb));
  }
  if (!alive && !c.mon->exited()) {
    c.fail.Add("quantad exited: " + c.srv.ExitText() + " (log " + c.srv.log_path + ")");
  }
  bool clean_stop = alive ? c.srv.Stop() : false;
  if (alive && !clean_stop) Log("note: quantad did not stop cleanly on SIGTERM");

  CanaryStats p = c.canary->pb(), h = c.canary->http();
  size_t failures = c.fail.size();
  std::printf(
      "RESULT %s %s: attack %.1f s, VmHWM %s (before attack VmRSS %s, bound %s%s), "
      "PB canary %d sent/%d ok/%d refused/%d failed max %.3f s, "
      "HTTP canary %d sent/%d ok/%d refused/%d failed max %.3f s, server %s\n",
      cs.name, failures == 0 ? "PASS" : "FAIL", attack_s, Mb(hwm).c_str(),
      Mb(c.rss_before_kb).c_str(), Mb(c.hwm_bound_kb).c_str(),
      c.growth_bound_kb >= 0 ? (", growth bound " + Mb(c.growth_bound_kb)).c_str() : "", p.sent,
      p.ok, p.refused, p.failed, p.max_latency, h.sent, h.ok, h.refused, h.failed, h.max_latency,
      alive ? "alive" : "EXITED");
  if (failures == 0 && !opt.keep) {
    std::error_code ec;
    fs::remove_all(dir, ec);
  } else {
    std::printf("data directory and server log kept in %s\n", dir.c_str());
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  bool list = false;
  if (const char* b = std::getenv("QUANTA_ABUSE_PORT_BASE")) opt.port_base = std::atoi(b);
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--quantad" && i + 1 < argc) opt.quantad = argv[++i];
    else if (a == "--case" && i + 1 < argc) opt.case_name = argv[++i];
    else if (a == "--port-base" && i + 1 < argc) opt.port_base = std::atoi(argv[++i]);
    else if (a == "--keep") opt.keep = true;
    else if (a == "--list") list = true;
    else {
      std::fprintf(stderr, "usage: abuse_test --quantad PATH --case NAME [--keep] [--port-base N] | --list\n");
      return 2;
    }
  }
  std::signal(SIGPIPE, SIG_IGN);
  for (const Case& cs : Cases()) {
    if (list) {
      std::printf("%s\t%s\n", cs.name, cs.what);
    } else if (opt.case_name == cs.name) {
      if (opt.quantad.empty()) {
        std::fprintf(stderr, "--quantad is required\n");
        return 2;
      }
      return Run(opt, cs);
    }
  }
  if (list) return 0;
  std::fprintf(stderr, "unknown case '%s' (see --list)\n", opt.case_name.c_str());
  return 2;
}
