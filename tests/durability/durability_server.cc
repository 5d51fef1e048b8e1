// durability_server: the crash test against a real quantad process, through the HTTP API.
//
// Each cycle starts `quantad --data-dir D --pb-listen 127.0.0.1:P --http-listen 127.0.0.1:H
// [--sync]`, verifies what the previous cycle acknowledged, then writes batches with
// POST /ts/v1/tables/dur/keys (a JSON array of row objects) from several client threads, each
// recording a batch as acknowledged only once the 200 answer has been read. The server is killed
// with SIGKILL at a random moment and restarted; the acknowledged batches are then checked with
// one SELECT per batch (POST /ts/v1/query) and a GET /ts/v1/tables/dur/keys/host/<h>/ts/<t> per
// writer. The batch a writer had in flight when the server died must be all-or-nothing. A final
// start verifies every cycle's batches, then stops the server with SIGTERM and expects a clean
// exit.
//
// Usage: durability_server --quantad PATH [--cycles N] [--max-seconds S] [--sync on|off|both]
//                          [--writers W] [--seed N] [--dir DIR] [--keep]
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

using Ledger = std::vector<std::vector<int>>;  // [cycle][writer] -> last acknowledged seq (-1)

void VerifyCycle(Verifier& v, const Ledger& ledger, int c, std::mt19937_64& rng,
                 uint64_t* inflight_present, std::vector<std::string>* failures) {
  std::vector<std::string> f;
  const auto& last = ledger[c];
  for (int w = 0; w < static_cast<int>(last.size()); ++w) {
    for (int seq = 0; seq <= last[w]; ++seq) v.CheckBatch(BatchId{c, w, seq}, true, &f);
    if (last[w] >= 0) v.CheckGet(BatchId{c, w, last[w]}, 0, &f);
    if (v.CheckBatch(BatchId{c, w, last[w] + 1}, false, &f) > 0) ++*inflight_present;
    if (v.CheckBatch(BatchId{c, w, last[w] + 2}, false, &f) > 0) {
      f.push_back("batch seq " + std::to_string(last[w] + 2) + " of " + Host(BatchId{c, w, 0}) +
                  " present but never sent");
    }
  }
  for (int k = 0; k < 20 && c > 0; ++k) {
    int pc = static_cast<int>(rng() % c);
    int w = static_cast<int>(rng() % ledger[pc].size());
    if (ledger[pc][w] < 0) continue;
    v.CheckBatch(BatchId{pc, w, static_cast<int>(rng() % (ledger[pc][w] + 1))}, true, &f);
  }
  for (auto& e : f) failures->push_back("cycle " + std::to_string(c) + ": " + e);
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
            << ", sync " << sync_mode << ", writers " << writers << std::endl;
  std::mt19937_64 rng(seed);
  const auto t_start = Clock::now();
  Ledger ledger;
  std::vector<std::string> failures;
  uint64_t total_batches = 0, total_rows = 0, inflight_present = 0;
  Server server;
  std::string why;

  for (int c = 0; c < cycles && failures.empty(); ++c) {
    if (c > 0 && Seconds(Clock::now() - t_start) > max_seconds) {
      std::cout << "time budget reached after " << c << " cycles" << std::endl;
      break;
    }
    const bool sync = sync_mode == "on" || (sync_mode == "both" && c % 2 == 1);
    const std::vector<std::string> args = sync ? std::vector<std::string>{"--sync"} : std::vector<std::string>{};
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
        for (int seq = 0;; ++seq) {
          BatchId b{c, w, seq};
          HttpAnswer a = hc.Request("POST", "/ts/v1/tables/dur/keys", BatchJson(b));
          if (a.status == 0) return;  // the server is gone; this batch is in flight
          if (a.status != 200) {
            std::lock_guard lock(mu);
            write_errors.push_back("writer " + std::to_string(w) + " seq " + std::to_string(seq) +
                                   " -> " + std::to_string(a.status) + " " + a.body.substr(0, 200));
            return;
          }
          last[w].store(seq);  // acknowledged: the 200 answer has been read
        }
      });
    }
    const int delay_ms = 200 + static_cast<int>(rng() % 1300);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    StopServer(&server, SIGKILL);
    for (auto& t : threads) t.join();
    std::vector<int> acked(writers);
    uint64_t batches = 0, rows = 0;
    for (int w = 0; w < writers; ++w) {
      acked[w] = last[w].load();
      for (int seq = 0; seq <= acked[w]; ++seq) {
        ++batches;
        rows += BatchRows(BatchId{c, w, seq});
      }
    }
    ledger.push_back(acked);
    total_batches += batches;
    total_rows += rows;
    for (auto& e : write_errors) failures.push_back("cycle " + std::to_string(c) + ": " + e);
    std::cout << "cycle " << c << ": sync " << (sync ? "on " : "off") << ", verified previous in "
              << static_cast<int>(verify_s * 1000) << " ms, killed after " << delay_ms
              << " ms of load, acknowledged " << batches << " batches / " << rows << " rows"
              << std::endl;
  }

  // Final start: the last cycle, then everything, then a clean stop.
  if (failures.empty() && !ledger.empty()) {
    if (!StartServer(quantad, data, {}, log, &server, &why)) {
      failures.push_back("final start: " + why);
    } else {
      Verifier v(server.http_port);
      VerifyCycle(v, ledger, static_cast<int>(ledger.size()) - 1, rng, &inflight_present,
                  &failures);
      auto t0 = Clock::now();
      for (size_t c = 0; c < ledger.size(); ++c) {
        for (int w = 0; w < writers; ++w) {
          for (int seq = 0; seq <= ledger[c][w]; ++seq) {
            v.CheckBatch(BatchId{static_cast<int>(c), w, seq}, true, &failures);
          }
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
            << total_rows << " rows, in-flight batches found whole " << inflight_present << ", "
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
