// durability_inproc: crash-consistency test of acknowledged writes through TsService.
//
// Each cycle re-executes this binary as a child (`--child`) that opens TsService on the data
// directory, creates the table (first time) and runs operations through TsService from several
// writer threads: batches of new rows (Put), updates of rows of the writer's earlier batches
// (Put of new values) and deletes of such rows (Delete), while a reader thread runs SELECTs and
// a compactor thread calls Store::Compact() (seal everything, then compact the backend) now and
// then. The store runs with the smallest chunks and a 1 ms seal delay, so the background sealer
// folds rows into chunks all the time and most updates and deletes hit sealed rows. After each
// acknowledged operation the writer appends a record "A <writer> <seq>" to a pipe (a single
// write() of less than PIPE_BUF bytes, so records from several threads never interleave). The
// parent kills the child with SIGKILL at a random moment - while rows are being sealed and
// compacted - reopens the directory in-process and checks, by replaying each writer's
// acknowledged operations (dur_model.h), that
//   - every row is present exactly when its last acknowledged write put it there, with the
//     values of that write: nothing acknowledged is lost, no deleted row comes back, no row is
//     duplicated, no stale version shows;
//   - the one operation each writer may have had in flight is all-or-nothing (a delete: per row);
//   - a sample of the batches of earlier cycles is still intact,
// and at the end verifies every batch of every cycle.
//
// A process kill (not a machine crash) only needs the WAL to have been handed to the OS before
// the acknowledgement, so both storage.sync modes must pass; cycles alternate between them
// unless --sync says otherwise. The memtable size alternates too (small memtables make the child
// flush and compact while it is killed).
//
// The child is started with fork+exec (not a bare fork) so that it never inherits the parent's
// RocksDB thread pools.
//
// Usage: durability_inproc [--cycles N] [--max-seconds S] [--sync on|off|both] [--writers W]
//                          [--seed N] [--dir DIR] [--keep] [--fault ack-before-put]
//                          [--mutations on|off] [--chunk-rows N] [--seal-idle-ms N]
//                          [--compact-ms N]   (0: no explicit Compact() calls)
// --fault ack-before-put makes the child acknowledge each batch before writing it: a self-test
// showing that the checker catches lost acknowledged writes (the run must fail).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "dur_model.h"
#include "service/ts_service.h"
#include "storage/backend/rocksdb_backend.h"
#include "storage/key_codec.h"
#include "storage/store.h"

namespace fs = std::filesystem;
using namespace quanta;
using namespace quanta::durability;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kAckFd = 3;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

std::string Arg(int argc, char** argv, const std::string& name, const std::string& def) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (argv[i] == name) return argv[i + 1];
  }
  return def;
}
bool Flag(int argc, char** argv, const std::string& name) {
  for (int i = 1; i < argc; ++i) {
    if (argv[i] == name) return true;
  }
  return false;
}

void WriteRecord(const std::string& line) {
  // One write() per record: atomic on a pipe for < PIPE_BUF bytes.
  ssize_t n = ::write(kAckFd, line.data(), line.size());
  if (n != static_cast<ssize_t>(line.size())) _exit(4);
}

// ---- child --------------------------------------------------------------------------------

struct StoreKnobs {
  size_t chunk_rows = 256;
  int seal_idle_ms = 1;
};

StoreKnobs Knobs(int argc, char** argv) {
  StoreKnobs k;
  k.chunk_rows = static_cast<size_t>(std::stoul(Arg(argc, argv, "--chunk-rows", "256")));
  k.seal_idle_ms = std::stoi(Arg(argc, argv, "--seal-idle-ms", "1"));
  return k;
}

int RunChild(int argc, char** argv) {
  const std::string dir = Arg(argc, argv, "--dir", "");
  const int cycle = std::stoi(Arg(argc, argv, "--cycle", "0"));
  const int writers = std::stoi(Arg(argc, argv, "--writers", "4"));
  const bool mutations = Arg(argc, argv, "--mutations", "on") == "on";
  const int compact_ms = std::stoi(Arg(argc, argv, "--compact-ms", "400"));
  // Self-test of the checker: acknowledge before writing (a broken server); must be caught.
  const bool ack_before_put = Arg(argc, argv, "--fault", "") == "ack-before-put";
  const StoreKnobs knobs = Knobs(argc, argv);
  service::ServiceOptions o;
  o.data_dir = dir;
  o.sync = Arg(argc, argv, "--sync", "off") == "on";
  o.write_buffer_mb = static_cast<size_t>(std::stoi(Arg(argc, argv, "--write-buffer-mb", "64")));
  o.block_cache_mb = 16;
  o.chunk_rows = knobs.chunk_rows;
  o.seal_idle_ms = knobs.seal_idle_ms;
  auto svc = service::TsService::Open(o);
  if (!svc.ok()) {
    std::cerr << "child: open failed: " << svc.error().ToString() << "\n";
    return 3;
  }
  service::TsService& s = **svc;
  if (!s.FindTable(kTable).ok()) {
    service::QueryOutcome out;
    Status st = s.Query(kCreateTable, {}, &out);
    if (!st.ok()) {
      std::cerr << "child: create table failed: " << st.ToString() << "\n";
      return 3;
    }
  }
  WriteRecord("T\n");

  // Never outlive a parent that died without killing us.
  std::thread watchdog([] {
    std::this_thread::sleep_for(std::chrono::seconds(120));
    _exit(5);
  });
  watchdog.detach();

  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&s, cycle, w, ack_before_put, mutations] {
      WriterHistory h(cycle, w, mutations);
      for (;;) {
        const int seq = h.next();
        const Op op = h.NextOp();
        const BatchId target = h.Id(op.target);
        if (ack_before_put) {
          WriteRecord("A " + std::to_string(w) + " " + std::to_string(seq) + "\n");
          // Widen the window between the false acknowledgement and the write, so that the
          // kill lands in it for some writer in (almost) every cycle.
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        Status st;
        if (op.kind == OpKind::kDelete) {
          for (int i = op.first; i < op.first + op.count && st.ok(); ++i) {
            // The writer knows whether the row is there: a delete must find exactly those.
            const bool there = h.Version(op.target, i) != kAbsent;
            st = s.Delete(kTable, KeyOf(target, i));
            if (!there && st.code() == ErrorCode::kNotFound) {
              st = Status::OK();
            } else if (there && st.code() == ErrorCode::kNotFound) {
              st = Status(ErrorCode::kInternal, "delete of present row " + RowText(KeyOf(target, i)) +
                                                    " found nothing");
            } else if (!there && st.ok()) {
              st = Status(ErrorCode::kInternal, "delete of absent row " + RowText(KeyOf(target, i)) +
                                                    " found a row");
            }
          }
        } else {
          std::vector<Row> rows;
          rows.reserve(op.count);
          const int version = op.kind == OpKind::kUpdate ? seq : 0;
          for (int i = op.first; i < op.first + op.count; ++i) {
            rows.push_back(MakeRowVersion(target, i, version));
          }
          st = s.Put(kTable, std::move(rows));
        }
        if (!st.ok()) {
          WriteRecord("E " + std::to_string(w) + " " + std::to_string(seq) + " " +
                      st.ToString().substr(0, 200) + "\n");
          _exit(6);
        }
        // The acknowledgement record is written only after the operation returned OK.
        if (!ack_before_put) {
          WriteRecord("A " + std::to_string(w) + " " + std::to_string(seq) + "\n");
        }
        h.ApplyNext();
      }
    });
  }
  // A reader adds query load on the same partitions.
  threads.emplace_back([&s, cycle, writers] {
    std::mt19937_64 rng(cycle);
    for (;;) {
      BatchId b{cycle, static_cast<int>(rng() % writers), static_cast<int>(rng() % 200)};
      std::string sql = "SELECT * FROM dur WHERE host = '" + Host(b) + "' AND ts >= " +
                        std::to_string(Ts(b, 0)) + " AND ts < " +
                        std::to_string(Ts(b, kMaxBatch)) + " AND v > 0.0";
      service::QueryOutcome out;
      Status st = s.Query(sql, {}, &out);
      if (!st.ok()) {
        WriteRecord("E r 0 " + st.ToString().substr(0, 200) + "\n");
        _exit(6);
      }
    }
  });
  // Explicit compactions (seal everything, then compact the backend), so that kills land in
  // them too.
  if (compact_ms > 0) {
    threads.emplace_back([&s, cycle, compact_ms] {
      std::mt19937_64 rng(cycle * 7 + 1);
      for (;;) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20 + rng() % compact_ms));
        Status st = s.store().Compact();
        if (!st.ok()) {
          WriteRecord("E c 0 compact: " + st.ToString().substr(0, 200) + "\n");
          _exit(6);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  return 0;
}

// ---- parent -------------------------------------------------------------------------------

struct CycleResult {
  bool table_acked = false;
  std::map<int, int> last_acked;  // writer -> highest acknowledged seq (absent: none)
  std::vector<std::string> errors;
};

// Operations are acknowledged per writer in seq order; replaying them gives every row's state.
struct Ledger {
  std::vector<std::vector<WriterHistory>> cycles;  // per cycle and writer
  bool table_acked = false;
};

class Verifier {
 public:
  explicit Verifier(service::TsService& s) : s_(s) {}

  // Checks the rows of batch e.b against what they may hold (one SELECT over the batch's key
  // range, which belongs to it alone, plus a Get of its first row). Returns the number of rows
  // the in-flight operation was found applied to.
  int Check(const WriterHistory& h, int seq, std::vector<std::string>* failures) {
    const BatchExpect e = h.Expect(seq);
    const BatchId& b = e.b;
    const std::string id = Host(b) + " seq " + std::to_string(b.seq);
    std::string sql = "SELECT * FROM dur WHERE host = '" + Host(b) + "' AND ts >= " +
                      std::to_string(Ts(b, 0)) + " AND ts < " + std::to_string(Ts(b, kMaxBatch));
    service::QueryOutcome out;
    Status st = s_.Query(sql, {}, &out);
    if (!st.ok()) {
      failures->push_back("query for batch " + id + " failed: " + st.ToString());
      return 0;
    }
    std::vector<int> found(static_cast<size_t>(e.n), kAbsent);
    for (const Row& got : out.result.rows) {
      rows_ += 1;
      if (got.size() != kColumns || !got[1].is_int()) {
        failures->push_back("batch " + id + ": malformed row " + RowText(got));
        continue;
      }
      int64_t off = got[1].as_int() - Ts(b, 0);
      int i = static_cast<int>(off / 1000);
      if (off % 1000 != 0 || i < 0 || i >= e.n) {
        failures->push_back("batch " + id + ": unexpected row " + RowText(got));
        continue;
      }
      if (found[i] != kAbsent) {
        failures->push_back("batch " + id + ": row " + RowText(KeyOf(b, i)) + " returned twice");
        continue;
      }
      found[i] = MatchVersion(h, e, i, [&](const Row& want) { return got == want; });
    }
    // The point-get path must agree with the scan.
    auto got = s_.Get(kTable, KeyOf(b, 0));
    if (!got.ok()) {
      failures->push_back("Get " + RowText(KeyOf(b, 0)) + " failed: " + got.error().ToString());
    } else if (got->has_value() != (found[0] != kAbsent) ||
               (got->has_value() && found[0] >= 0 && **got != MakeRowVersion(b, 0, found[0]))) {
      failures->push_back("Get " + RowText(KeyOf(b, 0)) + " disagrees with the scan");
    }
    return JudgeBatch(e, found, failures);
  }
  uint64_t rows() const { return rows_; }

 private:
  service::TsService& s_;
  uint64_t rows_ = 0;
};

// (chunk records, head entries) in a closed data directory.
std::pair<uint64_t, uint64_t> CountRecords(const std::string& dir) {
  storage::RocksDbOptions ro;
  ro.data_dir = dir;
  ro.min_free_space_bytes = 0;
  auto backend = storage::OpenRocksDbBackend(ro);
  if (!backend.ok()) return {0, 0};
  auto count = [&](std::string_view prefix) {
    storage::IteratorOptions io;
    io.lower = std::string(prefix);
    io.upper = storage::PrefixSuccessor(prefix);
    io.fill_cache = false;
    auto it = (*backend)->NewIterator(io);
    uint64_t n = 0;
    for (it->Seek(io.lower); it->Valid(); it->Next()) ++n;
    return n;
  };
  return {count("\x02"), count("\x01")};
}

int RunParent(int argc, char** argv) {
  const int cycles = std::stoi(Arg(argc, argv, "--cycles", "20"));
  const double max_seconds = std::stod(Arg(argc, argv, "--max-seconds", "80"));
  const std::string sync_mode = Arg(argc, argv, "--sync", "both");
  const int writers = std::stoi(Arg(argc, argv, "--writers", "4"));
  const uint64_t seed = std::stoull(Arg(argc, argv, "--seed", std::to_string(::time(nullptr))));
  const bool keep = Flag(argc, argv, "--keep");
  const std::string fault = Arg(argc, argv, "--fault", "");
  const std::string mutations_arg = Arg(argc, argv, "--mutations", "on");
  const bool mutations = mutations_arg == "on";
  const std::string compact_ms = Arg(argc, argv, "--compact-ms", "400");
  const StoreKnobs knobs = Knobs(argc, argv);
  std::string dir = Arg(argc, argv, "--dir", "");
  bool made_dir = false;
  if (dir.empty()) {
    std::string tmpl = (fs::temp_directory_path() / "quanta-durability-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) {
      std::perror("mkdtemp");
      return 2;
    }
    dir = tmpl;
    made_dir = true;
  }
  std::cout << "durability_inproc: dir " << dir << ", seed " << seed << ", cycles " << cycles
            << ", sync " << sync_mode << ", writers " << writers << ", mutations "
            << mutations_arg << ", chunk_rows " << knobs.chunk_rows << ", seal_idle "
            << knobs.seal_idle_ms << " ms, compact every <" << compact_ms << " ms" << std::endl;
  std::mt19937_64 rng(seed);
  const auto t_start = Clock::now();
  Ledger ledger;
  std::vector<std::string> failures;
  uint64_t total_rows_acked = 0, total_batches_acked = 0, inflight_present = 0,
           inflight_absent = 0, total_updates = 0, total_deletes = 0;
  int cycles_run = 0;

  for (int c = 0; c < cycles; ++c) {
    if (c > 0 && Seconds(Clock::now() - t_start) > max_seconds) {
      std::cout << "time budget reached after " << c << " cycles" << std::endl;
      break;
    }
    ++cycles_run;
    const bool sync = sync_mode == "on" || (sync_mode == "both" && c % 2 == 1);
    const int wbuf = (c % 3 == 2) ? 1 : 64;  // small memtables: flushes+compactions under kill
    // Mostly kill while writing; every 5th cycle at any moment from the start (open, recovery,
    // table creation).
    const bool early = c % 5 == 4;
    const int delay_ms = early ? static_cast<int>(rng() % 400)
                               : 50 + static_cast<int>(rng() % 1500);

    int fds[2];
    if (::pipe(fds) != 0) {
      std::perror("pipe");
      return 2;
    }
    std::string self = fs::read_symlink("/proc/self/exe").string();
    std::vector<std::string> args = {self, "--child", "--dir", dir, "--cycle", std::to_string(c),
                                     "--writers", std::to_string(writers), "--sync",
                                     sync ? "on" : "off", "--write-buffer-mb",
                                     std::to_string(wbuf), "--mutations", mutations_arg,
                                     "--chunk-rows", std::to_string(knobs.chunk_rows),
                                     "--seal-idle-ms", std::to_string(knobs.seal_idle_ms),
                                     "--compact-ms", compact_ms};
    if (!fault.empty()) {
      args.push_back("--fault");
      args.push_back(fault);
    }
    pid_t pid = ::fork();
    if (pid < 0) {
      std::perror("fork");
      return 2;
    }
    if (pid == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the parent
      ::dup2(fds[1], kAckFd);
      if (fds[0] != kAckFd) ::close(fds[0]);
      if (fds[1] != kAckFd) ::close(fds[1]);
      std::vector<char*> cargv;
      for (auto& a : args) cargv.push_back(a.data());
      cargv.push_back(nullptr);
      ::execv(self.c_str(), cargv.data());
      _exit(127);
    }
    ::close(fds[1]);
    const auto t_spawn = Clock::now();
    CycleResult cr;
    std::string buf;
    auto consume = [&](bool final_pass) {
      size_t pos;
      while ((pos = buf.find('\n')) != std::string::npos) {
        std::string line = buf.substr(0, pos);
        buf.erase(0, pos + 1);
        if (line == "T") {
          cr.table_acked = true;
        } else if (line.rfind("A ", 0) == 0) {
          std::istringstream is(line.substr(2));
          int w, seq;
          is >> w >> seq;
          auto it = cr.last_acked.find(w);
          if (it != cr.last_acked.end() && seq != it->second + 1) {
            cr.errors.push_back("acks out of order for writer " + std::to_string(w));
          }
          cr.last_acked[w] = seq;
        } else {
          cr.errors.push_back("child: " + line);
        }
      }
      (void)final_pass;
    };
    // Read acks until the kill moment (counted from the table acknowledgement, or from the
    // spawn for early kills).
    std::optional<Clock::time_point> kill_at;
    if (early) kill_at = t_spawn + std::chrono::milliseconds(delay_ms);
    bool eof = false;
    while (!eof) {
      auto now = Clock::now();
      if (!kill_at && cr.table_acked) kill_at = now + std::chrono::milliseconds(delay_ms);
      if (kill_at && now >= *kill_at) break;
      if (Seconds(now - t_spawn) > 60) {
        cr.errors.push_back("child did not acknowledge the table within 60 s");
        break;
      }
      int timeout = kill_at ? static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                   *kill_at - now).count()) + 1
                            : 50;
      pollfd p{fds[0], POLLIN, 0};
      int r = ::poll(&p, 1, timeout);
      if (r > 0) {
        char tmp[65536];
        ssize_t n = ::read(fds[0], tmp, sizeof tmp);
        if (n <= 0) {
          eof = true;
        } else {
          buf.append(tmp, static_cast<size_t>(n));
          consume(false);
        }
      }
    }
    ::kill(pid, SIGKILL);
    const double alive_s = Seconds(Clock::now() - t_spawn);
    // Drain what the child wrote before it died.
    for (;;) {
      char tmp[65536];
      ssize_t n = ::read(fds[0], tmp, sizeof tmp);
      if (n <= 0) break;
      buf.append(tmp, static_cast<size_t>(n));
    }
    consume(true);
    ::close(fds[0]);
    int wstatus = 0;
    ::waitpid(pid, &wstatus, 0);
    if (!(WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL)) {
      cr.errors.push_back("child ended on its own before the kill (status " +
                          std::to_string(wstatus) + ")");
    }
    if (cr.table_acked) ledger.table_acked = true;
    std::vector<WriterHistory> hist;
    for (int w = 0; w < writers; ++w) {
      auto it = cr.last_acked.find(w);
      hist.push_back(WriterHistory::Replayed(c, w, it == cr.last_acked.end() ? -1 : it->second,
                                             mutations));
    }
    ledger.cycles.push_back(hist);
    for (auto& e : cr.errors) failures.push_back("cycle " + std::to_string(c) + ": " + e);

    // What the child left: chunk records show that it sealed while it ran, head entries what
    // was not sealed yet.
    const auto [chunks, heads] = CountRecords(dir);

    // Reopen in-process (sealing as in the child) and verify.
    const auto t_verify = Clock::now();
    service::ServiceOptions o;
    o.data_dir = dir;
    o.block_cache_mb = 16;
    o.chunk_rows = knobs.chunk_rows;
    o.seal_idle_ms = knobs.seal_idle_ms;
    auto svc = service::TsService::Open(o);
    if (!svc.ok()) {
      failures.push_back("cycle " + std::to_string(c) + ": reopen failed: " +
                         svc.error().ToString());
      break;
    }
    uint64_t cycle_rows = 0, cycle_batches = 0, cycle_updates = 0, cycle_deletes = 0;
    if (ledger.table_acked && !(*svc)->FindTable(kTable).ok()) {
      failures.push_back("cycle " + std::to_string(c) + ": acknowledged table is missing");
    } else if ((*svc)->FindTable(kTable).ok()) {
      Verifier v(**svc);
      std::vector<std::string> f;
      for (const WriterHistory& h : hist) {
        const Op inflight = h.NextOp();
        for (int seq : h.InsertSeqs()) {
          int applied = v.Check(h, seq, &f);
          if (seq == inflight.target) (applied ? inflight_present : inflight_absent)++;
        }
        // Slots of operations that wrote no rows of their own (the in-flight one if it is no
        // insert, the one after it never issued) must be empty.
        if (inflight.kind != OpKind::kInsert) v.Check(h, h.next(), &f);
        v.Check(h, h.next() + 1, &f);
        for (int seq = 0; seq < h.next(); ++seq) {
          const Op op = OpOf(h.Id(seq), mutations);
          if (op.kind == OpKind::kInsert) {
            cycle_rows += op.count;
            ++cycle_batches;
          } else {
            (op.kind == OpKind::kUpdate ? cycle_updates : cycle_deletes)++;
          }
        }
      }
      // Earlier cycles: a random sample of their batches.
      for (int k = 0; k < 40 && c > 0; ++k) {
        const WriterHistory& h = ledger.cycles[rng() % c][rng() % writers];
        std::vector<int> seqs = h.InsertSeqs();
        v.Check(h, seqs[rng() % seqs.size()], &f);
      }
      for (auto& e : f) failures.push_back("cycle " + std::to_string(c) + ": " + e);
    }
    Status cst = (*svc)->Close();
    if (!cst.ok()) failures.push_back("close failed: " + cst.ToString());
    svc->reset();
    total_rows_acked += cycle_rows;
    total_batches_acked += cycle_batches;
    total_updates += cycle_updates;
    total_deletes += cycle_deletes;
    std::cout << "cycle " << c << ": sync " << (sync ? "on " : "off") << " memtable "
              << wbuf << " MB, killed " << (early ? "early " : "") << "after "
              << static_cast<int>(alive_s * 1000) << " ms, acknowledged " << cycle_batches
              << " batches / " << cycle_rows << " rows, " << cycle_updates << " updates, "
              << cycle_deletes << " deletes; left " << chunks << " chunks + " << heads
              << " head entries; verified in "
              << static_cast<int>(Seconds(Clock::now() - t_verify) * 1000) << " ms"
              << (failures.empty() ? "" : "  FAILURES SO FAR: " + std::to_string(failures.size()))
              << std::endl;
    if (failures.size() > 50) break;
  }

  // Final pass: every batch acknowledged in every cycle.
  if (failures.empty()) {
    const auto t0 = Clock::now();
    service::ServiceOptions o;
    o.data_dir = dir;
    auto svc = service::TsService::Open(o);
    if (!svc.ok()) {
      failures.push_back("final reopen failed: " + svc.error().ToString());
    } else {
      Verifier v(**svc);
      // Every batch of every cycle, unless that is more than kFinalFullBatches (each cycle was
      // already checked in full right after its crash); then a random sample of that size.
      constexpr uint64_t kFinalFullBatches = 8000;
      const double keep = total_batches_acked <= kFinalFullBatches
                              ? 1.0
                              : static_cast<double>(kFinalFullBatches) / total_batches_acked;
      std::uniform_real_distribution<double> coin(0.0, 1.0);
      for (const auto& cycle : ledger.cycles) {
        for (const WriterHistory& h : cycle) {
          for (int seq : h.InsertSeqs()) {
            if (keep < 1.0 && coin(rng) >= keep) continue;
            v.Check(h, seq, &failures);
          }
        }
      }
      if (keep < 1.0) std::cout << "final check samples " << static_cast<int>(keep * 100) << "% of the batches\n";
      std::cout << "final check: " << v.rows() << " rows of " << ledger.cycles.size()
                << " cycles in " << static_cast<int>(Seconds(Clock::now() - t0) * 1000) << " ms"
                << std::endl;
      (*svc)->Close().IgnoreError();
    }
  }

  std::cout << "cycles " << cycles_run << ", acknowledged " << total_batches_acked
            << " batches / " << total_rows_acked << " rows, " << total_updates << " updates, "
            << total_deletes << " deletes; in-flight operations found applied "
            << inflight_present << " / not applied " << inflight_absent << ", "
            << static_cast<int>(Seconds(Clock::now() - t_start)) << " s" << std::endl;
  if (!failures.empty()) {
    if (made_dir && !fault.empty() && !keep) {
      fs::remove_all(dir);  // an expected failure: nothing to inspect
      std::cout << "FAILED (" << failures.size() << " problems, as expected with --fault)\n";
    } else {
      std::cout << "FAILED (" << failures.size() << " problems; data kept in " << dir << ")\n";
    }
    for (size_t i = 0; i < failures.size() && i < 30; ++i) std::cout << "  " << failures[i] << "\n";
    return 1;
  }
  if (total_batches_acked == 0) {
    std::cout << "FAILED: no batch was acknowledged in any cycle\n";
    return 1;
  }
  if (made_dir && !keep) fs::remove_all(dir);
  std::cout << "OK" << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  ::signal(SIGPIPE, SIG_IGN);
  if (Flag(argc, argv, "--child")) return RunChild(argc, argv);
  return RunParent(argc, argv);
}
