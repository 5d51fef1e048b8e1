// durability_server: the crash test against a real quantad process, through the HTTP API.
//
// Each cycle starts `quantad --data-dir D --pb-listen 127.0.0.1:P --http-listen 127.0.0.1:H
// [--sync] --set storage.chunk_rows=256 --set storage.seal_idle=1ms` (the sealer folds rows into
// the smallest chunks all the time), verifies what the previous cycle acknowledged, then runs
// operations from several client threads (dur_model.h): batches of new rows and updates of rows
// of the writer's earlier (mostly sealed) batches with POST /ts/v1/tables/dur/keys (a JSON array
// of row objects), deletes of such rows with DELETE /ts/v1/tables/dur/keys/host/<h>/ts/<t>. An
// operation counts as acknowledged only once its answers have been read. The server is killed
// with SIGKILL at a random moment and restarted; replaying each writer's acknowledged operations
// then says what every row must hold, checked with one SELECT per batch (POST /ts/v1/query) and
// a GET of its first row: nothing acknowledged lost, nothing deleted back, no row twice, values
// of the last acknowledged write. The operation a writer had in flight when the server died must
// be all-or-nothing (a delete: per row). A final start verifies every cycle's batches, then
// stops the server with SIGTERM and expects a clean exit.
//
// Usage: durability_server --quantad PATH [--cycles N] [--max-seconds S] [--sync on|off|both]
//                          [--writers W] [--seed N] [--dir DIR] [--keep] [--mutations on|off]
//                          [--chunk-rows N] [--seal-idle-ms N]
// Ports: QUANTA_TEST_PORTS=lo-hi keeps quantad to that range (server_harness.h).
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fcntl.h>
#include <iostream>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "dur_model.h"
#include "mini_http.h"
#include "server_harness.h"

namespace fs = std::filesystem;
using namespace quanta;
using namespace quanta::durability;

namespace {

using Ledger = std::vector<std::vector<WriterHistory>>;  // [cycle][writer]

void VerifyCycle(Verifier& v, const Ledger& ledger, int c, std::mt19937_64& rng,
                 uint64_t* inflight_present, std::vector<std::string>* failures) {
  std::vector<std::string> f;
  for (const WriterHistory& h : ledger[c]) {
    const Op inflight = h.NextOp();
    for (int seq : h.InsertSeqs()) {
      int applied = v.Check(h, seq, &f);
      if (seq == inflight.target && applied > 0) ++*inflight_present;
    }
    // Slots of operations that wrote no rows of their own must be empty.
    if (inflight.kind != OpKind::kInsert) v.Check(h, h.next(), &f);
    v.Check(h, h.next() + 1, &f);
  }
  for (int k = 0; k < 20 && c > 0; ++k) {
    const WriterHistory& h = ledger[rng() % c][rng() % ledger[0].size()];
    std::vector<int> seqs = h.InsertSeqs();
    v.Check(h, seqs[rng() % seqs.size()], &f);
  }
  for (auto& e : f) failures->push_back("cycle " + std::to_string(c) + ": " + e);
}

// Runs operation h.next() of a writer against the server. Returns "" when it was acknowledged,
// "gone" when the server died meanwhile (the operation is in flight), else what went wrong.
std::string RunOp(HttpClient& hc, const WriterHistory& h) {
  const Op op = h.NextOp();
  const BatchId target = h.Id(op.target);
  if (op.kind == OpKind::kDelete) {
    for (int i = op.first; i < op.first + op.count; ++i) {
      const bool there = h.Version(op.target, i) != kAbsent;
      HttpAnswer a = hc.Request("DELETE", KeyPath(target, i));
      if (a.status == 0) return "gone";
      if (a.status != (there ? 200 : 404)) {
        return "DELETE " + KeyPath(target, i) + " of a" + (there ? " present" : "n absent") +
               " row -> " + std::to_string(a.status) + " " + a.body.substr(0, 200);
      }
    }
    return "";
  }
  std::vector<Row> rows;
  const int version = op.kind == OpKind::kUpdate ? h.next() : 0;
  for (int i = op.first; i < op.first + op.count; ++i) rows.push_back(MakeRowVersion(target, i, version));
  HttpAnswer a = hc.Request("POST", "/ts/v1/tables/dur/keys", RowsJson(rows));
  if (a.status == 0) return "gone";
  if (a.status != 200) return "-> " + std::to_string(a.status) + " " + a.body.substr(0, 200);
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  ::signal(SIGPIPE, SIG_IGN);
  const std::string quantad = Arg(argc, argv, "--quantad", "");
  const int cycles = std::stoi(Arg(argc, argv, "--cycles", "8"));
  const double max_seconds = std::stod(Arg(argc, argv, "--max-seconds", "60"));
  const std::string sync_mode = Arg(argc, argv, "--sync", "both");
  const int writers = std::stoi(Arg(argc, argv, "--writers", "4"));
  const uint64_t seed = std::stoull(Arg(argc, argv, "--seed", std::to_string(::time(nullptr))));
  const bool keep = Flag(argc, argv, "--keep");
  const std::string mutations_arg = Arg(argc, argv, "--mutations", "on");
  const bool mutations = mutations_arg == "on";
  const std::string chunk_rows = Arg(argc, argv, "--chunk-rows", "256");
  const std::string seal_idle_ms = Arg(argc, argv, "--seal-idle-ms", "1");
  if (quantad.empty() || !fs::exists(quantad)) {
    std::cerr << "durability_server: --quantad PATH is required (got '" << quantad << "')\n";
    return 2;
  }
  std::string dir = Arg(argc, argv, "--dir", "");
  bool made_dir = false;
  if (dir.empty()) {
    std::string tmpl = (fs::temp_directory_path() / "quanta-durability-srv-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) return 2;
    dir = tmpl;
    made_dir = true;
  }
  const std::string data = dir + "/data", log = dir + "/quantad.log";
  std::cout << "durability_server: dir " << dir << ", seed " << seed << ", cycles " << cycles
            << ", sync " << sync_mode << ", writers " << writers << ", mutations "
            << mutations_arg << ", chunk_rows " << chunk_rows << ", seal_idle " << seal_idle_ms
            << " ms" << std::endl;
  std::mt19937_64 rng(seed);
  const auto t_start = Clock::now();
  Ledger ledger;
  std::vector<std::string> failures;
  uint64_t total_batches = 0, total_rows = 0, total_updates = 0, total_deletes = 0,
           inflight_present = 0;
  Server server;
  std::string why;

  for (int c = 0; c < cycles && failures.empty(); ++c) {
    if (c > 0 && Seconds(Clock::now() - t_start) > max_seconds) {
      std::cout << "time budget reached after " << c << " cycles" << std::endl;
      break;
    }
    const bool sync = sync_mode == "on" || (sync_mode == "both" && c % 2 == 1);
    std::vector<std::string> args = {"--set", "storage.chunk_rows=" + chunk_rows, "--set",
                                     "storage.seal_idle=" + seal_idle_ms + "ms"};
    if (sync) args.push_back("--sync");
    if (!StartServer(quantad, data, args, log, &server, &why)) {
      failures.push_back("cycle " + std::to_string(c) + ": " + why);
      break;
    }
    const auto t_verify = Clock::now();
    if (c == 0) {
      HttpClient hc("127.0.0.1", server.http_port);
      HttpAnswer a = hc.Request("POST", "/ts/v1/query", kCreateTable, "text/plain");
      if (a.status != 200) {
        failures.push_back("CREATE TABLE -> " + std::to_string(a.status) + " " + a.body);
        break;
      }
    } else {
      Verifier v(server.http_port);
      VerifyCycle(v, ledger, c - 1, rng, &inflight_present, &failures);
    }
    const double verify_s = Seconds(Clock::now() - t_verify);

    // Load, then kill at a random moment.
    std::vector<std::atomic<int>> last(writers);
    std::vector<std::string> write_errors;
    std::mutex mu;
    std::vector<std::thread> threads;
    for (int w = 0; w < writers; ++w) {
      last[w] = -1;
      threads.emplace_back([&, w] {
        HttpClient hc("127.0.0.1", server.http_port);
        WriterHistory h(c, w, mutations);
        for (;;) {
          std::string err = RunOp(hc, h);
          if (err == "gone") return;  // the server is gone; this operation is in flight
          if (!err.empty()) {
            std::lock_guard lock(mu);
            write_errors.push_back("writer " + std::to_string(w) + " seq " +
                                   std::to_string(h.next()) + ": " + err);
            return;
          }
          last[w].store(h.next());  // acknowledged: every answer has been read
          h.ApplyNext();
        }
      });
    }
    const int delay_ms = 200 + static_cast<int>(rng() % 1300);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    StopServer(&server, SIGKILL);
    for (auto& t : threads) t.join();
    std::vector<WriterHistory> hist;
    uint64_t batches = 0, rows = 0, updates = 0, deletes = 0;
    for (int w = 0; w < writers; ++w) {
      hist.push_back(WriterHistory::Replayed(c, w, last[w].load(), mutations));
      for (int seq = 0; seq < hist.back().next(); ++seq) {
        const Op op = OpOf(BatchId{c, w, seq}, mutations);
        if (op.kind == OpKind::kInsert) {
          ++batches;
          rows += op.count;
        } else {
          (op.kind == OpKind::kUpdate ? updates : deletes)++;
        }
      }
    }
    ledger.push_back(std::move(hist));
    total_batches += batches;
    total_rows += rows;
    total_updates += updates;
    total_deletes += deletes;
    for (auto& e : write_errors) failures.push_back("cycle " + std::to_string(c) + ": " + e);
    std::cout << "cycle " << c << ": sync " << (sync ? "on " : "off") << ", verified previous in "
              << static_cast<int>(verify_s * 1000) << " ms, killed after " << delay_ms
              << " ms of load, acknowledged " << batches << " batches / " << rows << " rows, "
              << updates << " updates, " << deletes << " deletes" << std::endl;
  }

  // Final start: the last cycle, then everything, then a clean stop.
  if (failures.empty() && !ledger.empty()) {
    if (!StartServer(quantad, data,
                     {"--set", "storage.chunk_rows=" + chunk_rows, "--set",
                      "storage.seal_idle=" + seal_idle_ms + "ms"},
                     log, &server, &why)) {
      failures.push_back("final start: " + why);
    } else {
      Verifier v(server.http_port);
      VerifyCycle(v, ledger, static_cast<int>(ledger.size()) - 1, rng, &inflight_present,
                  &failures);
      auto t0 = Clock::now();
      for (const auto& cycle : ledger) {
        for (const WriterHistory& h : cycle) {
          for (int seq : h.InsertSeqs()) v.Check(h, seq, &failures);
        }
      }
      std::cout << "final check: " << v.queries() << " batch queries in "
                << static_cast<int>(Seconds(Clock::now() - t0) * 1000) << " ms" << std::endl;
      ::kill(server.pid, SIGTERM);
      int st = 0;
      ::waitpid(server.pid, &st, 0);
      server.pid = -1;
      if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0)) {
        failures.push_back("quantad did not stop cleanly on SIGTERM (status " +
                           std::to_string(st) + ")");
      }
    }
  }
  StopServer(&server, SIGKILL);

  std::cout << "cycles " << ledger.size() << ", acknowledged " << total_batches << " batches / "
            << total_rows << " rows, " << total_updates << " updates, " << total_deletes
            << " deletes, in-flight operations found applied " << inflight_present << ", "
            << static_cast<int>(Seconds(Clock::now() - t_start)) << " s" << std::endl;
  if (!failures.empty()) {
    std::cout << "FAILED (" << failures.size() << " problems; data and log kept in " << dir
              << ")\n";
    for (size_t i = 0; i < failures.size() && i < 30; ++i) std::cout << "  " << failures[i] << "\n";
    return 1;
  }
  if (total_batches == 0) {
    std::cout << "FAILED: no batch was acknowledged\n";
    return 1;
  }
  if (made_dir && !keep) fs::remove_all(dir);
  std::cout << "OK" << std::endl;
  return 0;
}
