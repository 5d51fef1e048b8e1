// disk_full: quantad with its data directory on a small, full file system.
//
// Mounts a 64 MiB tmpfs in a private mount namespace (as root, or as an unprivileged user in a
// user namespace; where neither is permitted the test prints why and exits 77, which ctest
// reports as skipped), puts a ballast file on it, and runs `quantad --sync` with
// storage.min_free_space = 8 MiB on it. Then:
//   1. writers POST batches until the server refuses them: every refusal must be HTTP 507
//      "... disk full" without a file path, the server must not exit, a refused batch must be
//      absent (all or nothing);
//   2. while the disk is full every acknowledged batch is read back (SELECT and GET), and the
//      PB port answers a put with 1004 and an INSERT with 1001 "... disk full" (PB and TTB);
//   3. the ballast is deleted: writes must succeed again within 20 s, without a restart;
//   4. the server is stopped, the file system filled to the last byte, and the server started
//      again: it must start (read-only, and say so in its log), serve every acknowledged row
//      and refuse writes with 507; once the filler is deleted, writes must resume within 20 s, without a restart;
//   5. a final check of every acknowledged batch and a clean SIGTERM exit.
//
// Usage: disk_full --quantad PATH [--max-seconds S] [--keep]
#include <sched.h>
#include <sys/mount.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "dur_model.h"
#include "mini_http.h"
#include "server_harness.h"
#include "tmpfs.h"
#include "wire/pb/pb_client.h"

namespace fs = std::filesystem;
using namespace quanta;
using namespace quanta::durability;

namespace {

constexpr int kSkip = 77;
constexpr int kWriters = 4;

bool Alive(Server* s, std::string* why) {
  if (s->pid <= 0) return false;
  int st = 0;
  if (::waitpid(s->pid, &st, WNOHANG) == s->pid) {
    *why = WIFSIGNALED(st) ? "killed by signal " + std::to_string(WTERMSIG(st))
                           : "exited with status " + std::to_string(WEXITSTATUS(st));
    s->pid = -1;
    return false;
  }
  return true;
}

// A refusal must be the documented one: 507, "disk full", no file path.
void CheckRefusal(const HttpAnswer& a, const std::string& what, std::vector<std::string>* f) {
  if (a.status != 507 || a.body.find("disk full") == std::string::npos ||
      a.body.find('/') != std::string::npos) {
    f->push_back(what + ": expected 507 \"... disk full\" without a path, got " +
                 std::to_string(a.status) + " " + a.body.substr(0, 300));
  }
}

struct Ledger {
  std::mutex mu;
  int next[kWriters] = {};  // per writer: the next seq to send (all below are acknowledged)
  uint64_t acked_rows = 0;
  uint64_t refusals = 0;
};

// On the PB port, with the disk full: puts (PB and TTB) get 1004, INSERT 1001, both "Failed to
// put N record(s): disk full"; a SELECT works. Background work (a flush retiring its WAL, a
// compaction) can free some space after the HTTP writers were refused, so each check first
// writes (PB puts of a host no HTTP writer uses) until refused.
bool IsDiskFull(const Status& st, int riak_code) {
  const std::string& m = st.message();
  const std::string tail = " record(s): disk full";
  return st.riak_code() == riak_code && m.rfind("Failed to put ", 0) == 0 &&
         m.size() > tail.size() && m.compare(m.size() - tail.size(), tail.size(), tail) == 0;
}

void CheckPbWhileFull(uint16_t port, std::vector<std::string>* f) {
  for (bool ttb : {false, true}) {
    const std::string enc = ttb ? "TTB" : "PB";
    wire::pb::PbClientOptions o;
    o.use_ttb = ttb;
    o.io_timeout_ms = 20000;
    auto c = wire::pb::PbClient::Connect("127.0.0.1", port, o);
    if (!c.ok()) {
      f->push_back(enc + " connect: " + c.error().message());
      return;
    }
    BatchId b{0, ttb ? 9 : 8, 0};  // writers the HTTP writers never use
    // Puts until refused (bounded).
    auto fill = [&]() -> Status {
      for (int k = 0; k < 2000; ++k, ++b.seq) {
        std::vector<Row> rows;
        for (int i = 0; i < kMaxBatch; ++i) rows.push_back(MakeRow(b, i));
        Status st = (*c)->Put(kTable, rows);
        if (!st.ok()) return st;
      }
      return Status::OK();
    };
    Status st = fill();
    if (!IsDiskFull(st, 1004) || st.message().find('/') != std::string::npos) {
      f->push_back(enc + " put on a full disk: expected 1004 \"Failed to put N record(s): disk "
                   "full\", got " + std::to_string(st.riak_code()) + " " + st.message());
      continue;
    }
    bool insert_refused = false;
    for (int attempt = 0; attempt < 20 && !insert_refused; ++attempt) {
      auto ins = (*c)->Query("INSERT INTO dur (host, ts) VALUES ('" + Host(b) + "', " +
                             std::to_string(Ts(b, attempt)) + ")");
      if (ins.ok()) {  // space came back meanwhile: fill again
        ++b.seq;
        fill().IgnoreError();
        continue;
      }
      insert_refused = true;
      if (!IsDiskFull(ins.error(), 1001) || ins.error().message() !=
                                                "Failed to put 1 record(s): disk full") {
        f->push_back(enc + " INSERT on a full disk: expected 1001 \"Failed to put 1 record(s): "
                     "disk full\", got " + std::to_string(ins.error().riak_code()) + " " +
                     ins.error().message());
      }
    }
    if (!insert_refused) f->push_back(enc + " INSERT on a full disk was never refused");
    auto sel = (*c)->Query("SELECT host FROM dur WHERE host = 'c0w0' AND ts >= " +
                           std::to_string(kBaseTs) + " AND ts < " +
                           std::to_string(kBaseTs + 60000));
    if (!sel.ok()) f->push_back(enc + " SELECT on a full disk: " + sel.error().message());
  }
}

// Sends batch `next` of writer w once; true when acknowledged.
bool SendOnce(HttpClient& c, Ledger* ledger, int w, std::vector<std::string>* f,
              HttpAnswer* answer) {
  int seq;
  {
    std::lock_guard l(ledger->mu);
    seq = ledger->next[w];
  }
  BatchId b{0, w, seq};
  *answer = c.Request("POST", "/ts/v1/tables/dur/keys", BatchJson(b));
  std::lock_guard l(ledger->mu);
  if (answer->status == 200) {
    ledger->next[w] = seq + 1;
    ledger->acked_rows += static_cast<uint64_t>(BatchRows(b));
    return true;
  }
  ++ledger->refusals;
  return false;
}

// Writers until every writer has been refused `refusals` times in a row (or time runs out).
void FillUntilRefused(uint16_t port, Ledger* ledger, double max_s, std::vector<std::string>* f) {
  std::mutex fmu;
  std::vector<std::thread> threads;
  const auto t0 = Clock::now();
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      HttpClient c("127.0.0.1", port, 20);
      std::vector<std::string> mine;
      int refused_in_a_row = 0;
      while (refused_in_a_row < 10 && Seconds(Clock::now() - t0) < max_s) {
        HttpAnswer a;
        if (SendOnce(c, ledger, w, &mine, &a)) {
          refused_in_a_row = 0;
          continue;
        }
        if (a.status == 0) {
          mine.push_back("writer " + std::to_string(w) + ": connection failed");
          break;
        }
        CheckRefusal(a, "put while filling", &mine);
        ++refused_in_a_row;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      if (refused_in_a_row < 10) {
        mine.push_back("writer " + std::to_string(w) + " was not refused within " +
                       std::to_string(static_cast<int>(max_s)) + " s");
      }
      std::lock_guard l(fmu);
      f->insert(f->end(), mine.begin(), mine.end());
    });
  }
  for (auto& t : threads) t.join();
}

// Every acknowledged batch complete, the next (refused) one absent.
void VerifyAll(uint16_t port, Ledger* ledger, std::vector<std::string>* f) {
  Verifier v(port);
  for (int w = 0; w < kWriters; ++w) {
    int next;
    {
      std::lock_guard l(ledger->mu);
      next = ledger->next[w];
    }
    for (int seq = 0; seq < next; ++seq) v.CheckBatch(BatchId{0, w, seq}, true, f);
    if (next > 0) v.CheckGet(BatchId{0, w, next - 1}, 0, f);
    if (v.CheckBatch(BatchId{0, w, next}, false, f) != 0) {
      f->push_back("refused batch seq " + std::to_string(next) + " of writer " +
                   std::to_string(w) + " is present");
    }
  }
}

// Retries one write every 200 ms until it is acknowledged; false after `max_s`.
bool WaitForWrites(uint16_t port, Ledger* ledger, double max_s, double* took,
                   std::vector<std::string>* f) {
  HttpClient c("127.0.0.1", port, 20);
  const auto t0 = Clock::now();
  while (Seconds(Clock::now() - t0) < max_s) {
    HttpAnswer a;
    if (SendOnce(c, ledger, 0, f, &a)) {
      *took = Seconds(Clock::now() - t0);
      return true;
    }
    if (a.status != 0) CheckRefusal(a, "put while space returns", f);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  ::signal(SIGPIPE, SIG_IGN);
  const std::string quantad = Arg(argc, argv, "--quantad", "");
  const double max_s = std::stod(Arg(argc, argv, "--max-seconds", "120"));
  const bool keep = Flag(argc, argv, "--keep");
  if (quantad.empty() || !fs::exists(quantad)) {
    std::cerr << "disk_full: --quantad PATH is required (got '" << quantad << "')\n";
    return 2;
  }
  std::string tmpl = (fs::temp_directory_path() / "quanta-diskfull-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) return 2;
  const std::string dir = tmpl, mnt = dir + "/mnt", data = mnt + "/data",
                    log = dir + "/quantad.log";
  fs::create_directories(mnt);
  if (std::string why = MountTmpfs(mnt, 64); !why.empty()) {
    std::cout << "disk_full: SKIPPED: cannot mount a tmpfs here (" << why
              << "); needs root or unprivileged user namespaces" << std::endl;
    fs::remove_all(dir);
    return kSkip;
  }
  std::cout << "disk_full: 64 MiB tmpfs on " << mnt << ", log " << log << std::endl;
  const uint64_t ballast = Ballast(mnt + "/ballast", 24ull << 20);
  const std::vector<std::string> args = {"--sync", "--set", "storage.min_free_space=8MB",
                                         "--set", "storage.write_buffer_mb=2",
                                         "--set", "storage.idle_compaction=500ms"};
  std::vector<std::string> failures;
  Ledger ledger;
  Server server;
  std::string why;
  // False (and a failure) once quantad has exited; the phases go on after other failures.
  auto check_alive = [&](const std::string& phase) {
    if (Alive(&server, &why)) return true;
    failures.push_back("quantad died during " + phase + ": " + why);
    return false;
  };

  [&] {
    if (!StartServer(quantad, data, args, log, &server, &why)) {
      failures.push_back("start: " + why);
      return;
    }
    {
      HttpClient hc("127.0.0.1", server.http_port);
      HttpAnswer a = hc.Request("POST", "/ts/v1/query", kCreateTable, "text/plain");
      if (a.status != 200) {
        failures.push_back("CREATE TABLE -> " + std::to_string(a.status) + " " + a.body);
        return;
      }
    }
    // 1. Fill.
    auto t = Clock::now();
    FillUntilRefused(server.http_port, &ledger, max_s / 2, &failures);
    std::cout << "filled: " << ledger.acked_rows << " rows acknowledged, " << ledger.refusals
              << " refusals, " << (FreeBytes(mnt) >> 10) << " KiB free, "
              << static_cast<int>(Seconds(Clock::now() - t) * 1000) << " ms (ballast "
              << (ballast >> 20) << " MiB)" << std::endl;
    if (!check_alive("the fill")) return;
    // 2. Reads on a full disk.
    VerifyAll(server.http_port, &ledger, &failures);
    CheckPbWhileFull(server.pb_port, &failures);
    if (!check_alive("reads on a full disk")) return;
    // 3. Space returns.
    fs::remove(mnt + "/ballast");
    double took = 0;
    if (!WaitForWrites(server.http_port, &ledger, 20, &took, &failures)) {
      failures.push_back("writes did not resume within 20 s of freeing space");
      return;
    }
    std::cout << "writes resumed " << static_cast<int>(took * 1000)
              << " ms after the ballast was deleted" << std::endl;
    for (int k = 0; k < 20; ++k) {
      HttpClient c("127.0.0.1", server.http_port);
      HttpAnswer a;
      if (!SendOnce(c, &ledger, 1 + k % (kWriters - 1), &failures, &a)) {
        failures.push_back("put after space returned -> " + std::to_string(a.status) + " " +
                           a.body.substr(0, 200));
        break;
      }
    }
    if (!check_alive("writes after space returned")) return;
    // 4. Restart on a full disk.
    StopServer(&server, SIGTERM);
    const uint64_t filler = Ballast(mnt + "/filler", 0);
    std::cout << "restarting with the disk full (" << (filler >> 20) << " MiB filler, "
              << FreeBytes(mnt) << " bytes free)" << std::endl;
    if (!StartServer(quantad, data, args, log, &server, &why)) {
      failures.push_back("start on a full disk: " + why);
      return;
    }
    {
      std::ifstream f(log);
      std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
      if (text.find("opened read-only") == std::string::npos) {
        failures.push_back("no 'disk is full ... opened read-only' notice in " + log);
      }
    }
    VerifyAll(server.http_port, &ledger, &failures);
    {
      HttpClient c("127.0.0.1", server.http_port);
      HttpAnswer a;
      if (SendOnce(c, &ledger, 0, &failures, &a)) {
        failures.push_back("a put was acknowledged with 0 bytes free");
      } else {
        CheckRefusal(a, "put after a start on a full disk", &failures);
      }
    }
    if (!check_alive("the start on a full disk")) return;
    fs::remove(mnt + "/filler");
    if (!WaitForWrites(server.http_port, &ledger, 20, &took, &failures)) {
      failures.push_back("writes did not resume within 20 s after a start on a full disk");
      return;
    }
    std::cout << "writes resumed " << static_cast<int>(took * 1000)
              << " ms after the filler was deleted (no restart)" << std::endl;
    // 5. Everything once more, then a clean stop.
    VerifyAll(server.http_port, &ledger, &failures);
    if (!check_alive("the final check")) return;
    ::kill(server.pid, SIGTERM);
    int st = 0;
    ::waitpid(server.pid, &st, 0);
    server.pid = -1;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
      failures.push_back("quantad did not stop cleanly on SIGTERM (status " +
                         std::to_string(st) + ")");
    }
  }();
  StopServer(&server, SIGKILL);

  std::cout << "disk_full: " << ledger.acked_rows << " rows acknowledged, " << ledger.refusals
            << " refusals" << std::endl;
  if (!failures.empty()) {
    // A crash first: it explains the failures that follow it.
    std::stable_partition(failures.begin(), failures.end(), [](const std::string& f) {
      return f.find("quantad died") != std::string::npos || f.find("start") == 0;
    });
    for (size_t i = 0; i < failures.size() && i < 30; ++i) {
      std::cout << "FAIL: " << failures[i] << "\n";
    }
    std::cout << failures.size() << " failure(s); quantad's log kept in " << log << std::endl;
    return 1;
  }
  std::cout << "disk_full: OK" << std::endl;
  if (!keep) {
    ::umount2(mnt.c_str(), MNT_DETACH);
    fs::remove_all(dir);
  }
  return 0;
}
