// idle_compaction_bench: write amplification of a bursty writer (bench/README.md).
//
// Writes `--bursts` bursts of `--rows` rows (100 series, 1 row per 10 s each, the newest
// quantum of every series, as a metrics agent does) into a fresh store, pausing `--pause-ms`
// after each burst, longer than storage.idle_compaction (`--idle-ms`), so that the idle-time
// maintenance runs between bursts. Reports:
//   - bytes the process wrote to files (/proc/self/io wchar: WAL, flushes, compactions) per
//     byte of the final database, the write amplification a disk sees;
//   - flush and compaction output bytes and idle-time full merges (Store::Stats);
//   - sorted runs (L0 files + non-empty levels, what a range scan merges) after each pause:
//     the read side;
//   - the time of 200 one-partition scans at the end.
//
// Usage: idle_compaction_bench [--bursts 50] [--rows 10000] [--idle-ms 100] [--pause-ms 300]
//                              [--write-buffer-mb 64] [--dir DIR] [--keep]
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "storage/embedded.h"

using namespace quanta;
using namespace quanta::storage;
using Clock = std::chrono::steady_clock;

namespace {

std::string Arg(int argc, char** argv, const std::string& name, const std::string& def) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (argv[i] == name) return argv[i + 1];
  }
  return def;
}

uint64_t WrittenChars() {
  std::ifstream f("/proc/self/io");
  std::string key;
  uint64_t value = 0;
  while (f >> key >> value) {
    if (key == "wchar:") return value;
  }
  return 0;
}

schema::TableDef CpuTable() {
  schema::TableDef t;
  t.name = "cpu";
  t.id = 1;
  t.columns = {{"host", ColumnType::kVarchar, false},
               {"t", ColumnType::kTimestamp, false},
               {"usage", ColumnType::kDouble, true},
               {"load", ColumnType::kDouble, true},
               {"procs", ColumnType::kSint64, true}};
  schema::PartitionKeyElem host;
  host.column = 0;
  schema::PartitionKeyElem time;
  time.column = 1;
  time.quantum = schema::Quantum{1, 'h'};
  t.partition_key = {host, time};
  schema::LocalKeyElem lk_host;
  lk_host.column = 0;
  schema::LocalKeyElem lk_time;
  lk_time.column = 1;
  t.local_key = {lk_host, lk_time};
  return t;
}

constexpr int kSeries = 100;
constexpr int64_t kBaseTs = 1451606400000;  // 2016-01-01
constexpr int64_t kStepMs = 10000;

}  // namespace

int main(int argc, char** argv) {
  const int bursts = std::stoi(Arg(argc, argv, "--bursts", "50"));
  const int rows = std::stoi(Arg(argc, argv, "--rows", "10000"));
  const int idle_ms = std::stoi(Arg(argc, argv, "--idle-ms", "100"));
  const int pause_ms = std::stoi(Arg(argc, argv, "--pause-ms", "300"));
  const int write_buffer_mb = std::stoi(Arg(argc, argv, "--write-buffer-mb", "64"));
  std::string dir = Arg(argc, argv, "--dir", "");
  if (dir.empty()) {
    dir = (std::filesystem::temp_directory_path() /
           ("quanta-idle-bench-" + std::to_string(::getpid())))
              .string();
  }
  std::filesystem::remove_all(dir);
  EmbeddedOptions o;
  o.backend.data_dir = dir;
  o.backend.write_buffer_mb = static_cast<size_t>(write_buffer_mb);
  o.backend.idle_compaction_ms = idle_ms;
  o.backend.block_cache_mb = 64;
  o.backend.min_free_space_bytes = 0;
  auto opened = OpenEmbeddedStore(o);
  if (!opened.ok()) {
    std::cerr << opened.status().ToString() << "\n";
    return 1;
  }
  std::unique_ptr<Store> store = std::move(*opened);
  const schema::TableDef table = CpuTable();
  std::vector<std::string> hosts;
  for (int h = 0; h < kSeries; ++h) hosts.push_back("host_" + std::to_string(h));

  std::mt19937_64 rng(42);
  const uint64_t wchar0 = WrittenChars();
  uint64_t max_runs = 0, sum_runs = 0;
  int64_t step = 0;
  const auto t0 = Clock::now();
  for (int b = 0; b < bursts; ++b) {
    std::vector<Row> batch;
    batch.reserve(1000);
    for (int i = 0; i < rows; ++i) {
      const int h = i % kSeries;
      if (h == 0 && i > 0) ++step;
      const int64_t t = kBaseTs + step * kStepMs;
      batch.push_back({Value::Bytes(hosts[h]), Value::Int(t),
                       Value::Double(static_cast<double>(rng() % 10000) / 100.0),
                       Value::Double(static_cast<double>(rng() % 400) / 100.0),
                       Value::Int(static_cast<int64_t>(100 + rng() % 50))});
      if (batch.size() == 1000) {
        Status s = store->Put(table, batch);
        if (!s.ok()) {
          std::cerr << s.ToString() << "\n";
          return 1;
        }
        batch.clear();
      }
    }
    if (!batch.empty() && !store->Put(table, batch).ok()) return 1;
    ++step;
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
    const uint64_t runs = store->Stats().sorted_runs;
    max_runs = std::max(max_runs, runs);
    sum_runs += runs;
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  // Let a last idle-time pass run.
  std::this_thread::sleep_for(std::chrono::milliseconds(idle_ms + 1000));
  const uint64_t written = WrittenChars() - wchar0;
  StoreStats st = store->Stats();
  const uint64_t disk = store->ApproximateDiskBytes();

  // Read side: 200 scans of one partition (one host, one hour).
  const auto ts = Clock::now();
  uint64_t scanned = 0;
  for (int k = 0; k < 200; ++k) {
    ScanRange r;
    r.partition = {Value::Bytes(hosts[k % kSeries]), Value::Int(kBaseTs + (k % 10) * 3600000)};
    auto cur = store->Scan(table, r, ScanOptions{});
    if (!cur.ok()) return 1;
    RowBatch rb;
    while (true) {
      auto more = (*cur)->Next(&rb);
      if (!more.ok() || !*more) break;
      scanned += rb.num_rows;
    }
  }
  const double scan_ms = std::chrono::duration<double, std::milli>(Clock::now() - ts).count();

  const double mib = 1024.0 * 1024.0;
  std::printf("bursts %d x %d rows, idle %d ms, pause %d ms, write buffer %d MiB: %.1f s\n",
              bursts, rows, idle_ms, pause_ms, write_buffer_mb, seconds);
  std::printf("database on disk (SST + WAL)      %8.2f MiB (SST %.2f MiB)\n", disk / mib,
              st.sst_bytes / mib);
  std::printf("written to files (wchar)          %8.2f MiB = %.1f x the database\n",
              written / mib, disk ? static_cast<double>(written) / disk : 0.0);
  std::printf("flush output                      %8.2f MiB\n", st.flush_bytes_written / mib);
  std::printf("compaction output                 %8.2f MiB = %.1f x the SST bytes\n",
              st.compaction_bytes_written / mib,
              st.sst_bytes ? static_cast<double>(st.compaction_bytes_written) / st.sst_bytes
                           : 0.0);
  std::printf("idle-time full merges             %8llu\n",
              static_cast<unsigned long long>(st.idle_compactions));
  std::printf("sorted runs after pauses          max %llu, mean %.1f, at the end %llu\n",
              static_cast<unsigned long long>(max_runs),
              bursts ? static_cast<double>(sum_runs) / bursts : 0.0,
              static_cast<unsigned long long>(st.sorted_runs));
  std::printf("200 one-partition scans           %8.1f ms (%llu rows)\n", scan_ms,
              static_cast<unsigned long long>(scanned));
  store.reset();
  bool keep = false;
  for (int i = 1; i < argc; ++i) keep = keep || std::string(argv[i]) == "--keep";
  if (!keep) std::filesystem::remove_all(dir);
  return 0;
}
