// exec_parallel_bench: one SELECT over many quanta, its sub-queries run one after the other
// (no pool) and in parallel (a ScanPool of --threads - 1), alternately, on the same RocksDB
// store in a temporary directory. Prints the median wall time and the median process CPU time
// of each (so that a loaded machine shows up as CPU time, not as a lost speed-up).
//
//   exec_parallel_bench [--quanta 100] [--rows-per-quantum 10000] [--hosts 100] [--runs 11]
//                       [--threads N (default: cores)]
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "exec/analyzer.h"
#include "exec/executor.h"
#include "exec/planner.h"
#include "exec/scan_pool.h"
#include "sql/parser.h"
#include "storage/embedded.h"
#include "storage/store.h"

using namespace quanta;
using Clock = std::chrono::steady_clock;

namespace {

double CpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int quanta = 100, per_quantum = 10000, hosts = 100, runs = 11;
  int threads = static_cast<int>(exec::ScanPool::DefaultScanThreads());
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    int v = std::atoi(argv[i + 1]);
    if (a == "--quanta") quanta = v;
    else if (a == "--rows-per-quantum") per_quantum = v;
    else if (a == "--hosts") hosts = v;
    else if (a == "--runs") runs = v;
    else if (a == "--threads") threads = v;
  }
  auto dir = std::filesystem::temp_directory_path() /
             ("quanta_exec_parallel_bench_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  storage::EmbeddedOptions so;
  so.backend.data_dir = dir.string();
  so.backend.idle_compaction_ms = 0;
  auto opened = storage::OpenEmbeddedStore(so);
  if (!opened.ok()) {
    std::fprintf(stderr, "open: %s\n", opened.error().ToString().c_str());
    return 1;
  }
  auto store = std::move(opened).value();
  auto parsed = sql::Parse(
      "CREATE TABLE cpu (hostname varchar not null, ts timestamp not null, usage_user double, "
      "usage_system double, usage_idle double, usage_nice double, "
      "PRIMARY KEY ((quantum(ts, 1, 'h')), ts, hostname))");
  auto def = std::get<sql::CreateTableStmt>(std::move(parsed).value()).def;
  def.id = 1;
  auto table = std::make_shared<const schema::TableDef>(std::move(def));

  // Rows: `hosts` hosts reporting together; 2-decimal values, as the cpu data set.
  const int64_t hour = 3600 * 1000;
  const int64_t step = hour / (per_quantum / hosts);
  uint64_t x = 88172645463325252ull;
  auto rnd = [&] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return static_cast<double>(x % 10000) / 100;
  };
  std::vector<Row> batch;
  for (int q = 0; q < quanta; ++q) {
    for (int i = 0; i < per_quantum; ++i) {
      int64_t ts = hour + q * hour + (i / hosts) * step;
      batch.push_back({Value::Bytes("host_" + std::to_string(i % hosts)), Value::Int(ts),
                       Value::Double(rnd()), Value::Double(rnd()), Value::Double(rnd()),
                       Value::Double(rnd())});
    }
    if (!store->Put(*table, batch).ok()) return 1;
    batch.clear();
  }
  store->AttachTable(*table);
  if (!store->Compact().ok()) return 1;

  const std::string where = " FROM cpu WHERE ts >= " + std::to_string(hour) + " AND ts < " +
                            std::to_string(hour + quanta * hour);
  const std::vector<std::pair<std::string, std::string>> queries = {
      {"aggregate", "SELECT COUNT(*), AVG(usage_user), MAX(usage_system), SUM(usage_idle)" + where},
      {"group by host", "SELECT hostname, AVG(usage_user), MAX(usage_system)" + where +
                            " GROUP BY hostname"},
      {"order by limit", "SELECT ts, hostname, usage_user" + where + " ORDER BY usage_user DESC LIMIT 10"},
      {"limit", "SELECT *" + where + " LIMIT 10"},
  };
  exec::ScanPool pool(static_cast<size_t>(std::max(threads - 1, 0)));
  std::printf("%d quanta x %d rows, %d hosts; sequential vs %d threads; medians of %d runs\n",
              quanta, per_quantum, hosts, threads, runs);
  std::printf("%-16s %12s %12s %12s %12s %8s\n", "query", "seq ms", "seq CPU ms", "par ms",
              "par CPU ms", "speed-up");
  for (const auto& [name, text] : queries) {
    auto stmt = sql::Parse(text);
    auto bound = exec::AnalyzeSelect(std::get<sql::SelectStmt>(stmt.value()), table, {});
    if (!bound.ok()) {
      std::fprintf(stderr, "%s: %s\n", name.c_str(), bound.error().ToString().c_str());
      return 1;
    }
    exec::PlannerOptions po;
    auto plan = exec::PlanSubQueries(*bound, po);
    if (!plan.ok()) return 1;
    std::vector<double> wall[2], cpu[2];
    std::string first[2];
    for (int r = 0; r < runs + 1; ++r) {
      for (int par = 0; par < 2; ++par) {
        exec::ExecOptions eo;
        eo.pool = par ? &pool : nullptr;
        double c0 = CpuSeconds();
        auto t0 = Clock::now();
        auto rs = exec::ExecuteSelect(*bound, *plan, *store, eo, nullptr);
        double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        double cms = (CpuSeconds() - c0) * 1000;
        if (!rs.ok()) {
          std::fprintf(stderr, "%s: %s\n", name.c_str(), rs.error().ToString().c_str());
          return 1;
        }
        if (r == 0) {  // warm-up; keep one value to check both agree
          first[par] = rs->rows.empty() ? "" : rs->rows[0][rs->rows[0].size() - 1].DebugString();
          continue;
        }
        wall[par].push_back(ms);
        cpu[par].push_back(cms);
      }
    }
    if (first[0] != first[1]) std::fprintf(stderr, "%s: results differ\n", name.c_str());
    std::printf("%-16s %12.1f %12.1f %12.1f %12.1f %7.2fx\n", name.c_str(), Median(wall[0]),
                Median(cpu[0]), Median(wall[1]), Median(cpu[1]), Median(wall[0]) / Median(wall[1]));
  }
  store.reset();
  std::filesystem::remove_all(dir);
  return 0;
}
