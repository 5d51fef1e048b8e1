// quanta_bench: in-process ingest and query benchmark on the ../shared/bench cpu data set.
//
// For each layout (A `cpu`: PRIMARY KEY ((hostname, QUANTUM(ts, 1, 'h')), hostname, ts);
// B `cpu_t`: PRIMARY KEY ((QUANTUM(ts, 1, 'h')), ts, hostname)) it
//   1. ingests the data set through TsService::Put in fixed-size batches from N writer threads
//      (rows are built before the clock starts, like tsgen.py's pre-serialised batches, in
//      waves of 2M rows for large sets; the building thread's CPU is not counted), and
//      reports rows/s, process CPU seconds per 1M rows (getrusage: includes RocksDB's background
//      flush/compaction threads while the load runs) and batch latencies;
//   2. flushes (Store::Flush), seals every head row (Store::Compact; flush_s includes it),
//      waits for the data directory size to settle, and reports bytes on disk per row
//      (allocated blocks, as `du`, and the apparent file sizes);
//   3. runs the tsbench.py query set with the same SQL text (Q1 MAX one host 1 h, Q1b by minute,
//      Q2 MAX per host over 12 h, Q3 AVG per host per hour, Q4 high-cpu rows, Q5 AVG of the 10
//      metrics per host over the whole data set); layout A answers the cross-host ones with 100
//      per-host statements fanned out over --query-workers threads, layout B with one GROUP BY.
//      Each query: --warmup runs, then --runs timed runs; medians, rows scanned (service
//      stats().rows_scanned) per second of wall time and per CPU second (= per core).
// Output: one JSON object per line on stdout (also appended to --json FILE), a summary on stderr.
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cpu_dataset.h"
#include "service/stats.h"
#include "service/ts_service.h"
#include "storage/store.h"

namespace fs = std::filesystem;
using namespace quanta;
using namespace quanta::bench;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  CpuDataSetOptions data;
  int batch = 10000;
  int writers = 4;
  std::vector<std::string> layouts = {"A", "B"};
  int runs = 5;
  int warmup = 1;
  int query_workers = 4;
  std::string dir;
  bool keep = false;
  bool sync = false;
  bool skip_ingest = false;  // reuse the data already in --dir (query-only runs, profiling)
  bool skip_queries = false;
  bool presort = false;      // sort each batch in the layout's key order before Put (experiment)
  double settle_max_s = 60;
  uint64_t query_seed = 7;
  std::string only;          // comma list of query ids
  std::string json_path;
  int dump = 0;
  size_t write_buffer_mb = 32;  // quantad's default
  size_t block_cache_mb = 256;
  std::string compression = "zstd";
  int scan_threads = 0;      // query.scan_threads (0 = cores)
};

const char* kUsage = R"(usage: quanta_bench [options]
  --dir DIR             data directory root (layouts go to DIR/A, DIR/B; default: a temp dir)
  --keep                keep the data directory afterwards
  --skip-ingest         reuse the data in --dir (query phase only)
  --skip-queries        ingest and disk phases only
  --layouts A,B         layouts to run (default A,B)
  --hosts N --points N  data set shape (default 100 x 10000 = 1M rows)
  --batch N             rows per Put (default 10000)
  --writers N           ingest threads (default 4)
  --sync                storage.sync = on (fsync per acknowledged batch)
  --presort             sort each batch in the table's key order before Put (an experiment: how
                        much the memtable insert gains from key-ordered batches)
  --runs N --warmup N   timed runs / warm-up runs per query (default 5 / 1)
  --query-workers N     fan-out threads for layout A cross-host queries (default 4)
  --only q1,q2,...      query ids (q1_max_1h_1host, q1b_max_1h_1host_by_1m, q2_max_12h_by_host,
                        q3_avg_12h_by_host_by_1h, q4_high_cpu_12h_1host, q5_avg10_all_by_host)
  --settle-max S        seconds to wait for the directory size to settle (default 60)
  --write-buffer-mb N --block-cache-mb N --compression zstd|lz4|snappy|none
  --scan-threads N      query.scan_threads: threads one SELECT scans its quanta with (default: cores)
  --json FILE           also append the JSON lines to FILE
  --dump N              print the first N rows as tsgen.py's JSON and exit (model check)
)";

bool ParseArgs(int argc, char** argv, Options* o) {
  auto split = [](const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ',')) {
      if (!item.empty()) out.push_back(item);
    }
    return out;
  };
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error("option " + a + " needs a value");
      return argv[++i];
    };
    if (a == "--dir") o->dir = next();
    else if (a == "--keep") o->keep = true;
    else if (a == "--skip-ingest") o->skip_ingest = o->keep = true;
    else if (a == "--skip-queries") o->skip_queries = true;
    else if (a == "--layouts") o->layouts = split(next());
    else if (a == "--hosts") o->data.hosts = std::stoi(next());
    else if (a == "--points") o->data.points = std::stoi(next());
    else if (a == "--batch") o->batch = std::stoi(next());
    else if (a == "--writers") o->writers = std::stoi(next());
    else if (a == "--sync") o->sync = true;
    else if (a == "--presort") o->presort = true;
    else if (a == "--runs") o->runs = std::stoi(next());
    else if (a == "--warmup") o->warmup = std::stoi(next());
    else if (a == "--query-workers") o->query_workers = std::stoi(next());
    else if (a == "--only") o->only = next();
    else if (a == "--settle-max") o->settle_max_s = std::stod(next());
    else if (a == "--write-buffer-mb") o->write_buffer_mb = std::stoul(next());
    else if (a == "--block-cache-mb") o->block_cache_mb = std::stoul(next());
    else if (a == "--compression") o->compression = next();
    else if (a == "--json") o->json_path = next();
    else if (a == "--scan-threads") o->scan_threads = std::stoi(next());
    else if (a == "--dump") o->dump = std::stoi(next());
    else if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      std::exit(0);
    } else {
      std::cerr << "unknown option " << a << "\n" << kUsage;
      return false;
    }
  }
  if (o->skip_ingest && o->dir.empty()) {
    std::cerr << "--skip-ingest needs --dir\n";
    return false;
  }
  return true;
}

// ---- measurement helpers ----------------------------------------------------------------------

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

double ThreadCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

double ProcessCpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

long PeakRssMb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024;
}

// Busy CPU seconds of the whole machine (all cores), from /proc/stat: user..steal minus idle.
double MachineBusySeconds() {
  std::ifstream f("/proc/stat");
  std::string cpu;
  std::vector<uint64_t> v(8, 0);
  f >> cpu;
  for (auto& x : v) f >> x;
  double tck = static_cast<double>(sysconf(_SC_CLK_TCK));
  return static_cast<double>(v[0] + v[1] + v[2] + v[5] + v[6]) / tck;
}

double LoadAvg1() {
  std::ifstream f("/proc/loadavg");
  double l = 0;
  f >> l;
  return l;
}

struct DirSize {
  uint64_t allocated = 0;  // st_blocks * 512, as du
  uint64_t apparent = 0;
  uint64_t sst = 0;        // apparent bytes of *.sst
  int files = 0;
};

DirSize MeasureDir(const fs::path& dir) {
  DirSize d;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    d.allocated += static_cast<uint64_t>(st.st_blocks) * 512;
    d.apparent += static_cast<uint64_t>(st.st_size);
    if (it->path().extension() == ".sst") d.sst += static_cast<uint64_t>(st.st_size);
    ++d.files;
  }
  return d;
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t k = static_cast<size_t>(std::lround(p / 100.0 * static_cast<double>(v.size() - 1)));
  return v[std::min(k, v.size() - 1)];
}

// Minimal JSON object writer (flat objects of numbers/strings).
class JsonLine {
 public:
  JsonLine& Str(const std::string& k, const std::string& v) {
    Key(k);
    s_ += '"';
    for (char c : v) {
      if (c == '"' || c == '\\') {
        s_ += '\\';
        s_ += c;
      } else if (static_cast<unsigned char>(c) < 0x20) {
        s_ += ' ';
      } else {
        s_ += c;
      }
    }
    s_ += '"';
    return *this;
  }
  JsonLine& Num(const std::string& k, double v, int decimals = 3) {
    Key(k);
    if (!std::isfinite(v)) {
      s_ += "null";
      return *this;
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    s_ += buf;
    return *this;
  }
  JsonLine& Int(const std::string& k, int64_t v) {
    Key(k);
    s_ += std::to_string(v);
    return *this;
  }
  std::string Done() const { return s_ + "}"; }

 private:
  void Key(const std::string& k) {
    s_ += s_.size() > 1 ? ",\"" : "\"";
    s_ += k + "\":";
  }
  std::string s_ = "{";
};

class Emitter {
 public:
  explicit Emitter(const std::string& path) {
    if (!path.empty()) file_.open(path, std::ios::app);
  }
  void Emit(const JsonLine& j) {
    std::string line = j.Done();
    std::cout << line << std::endl;
    if (file_) file_ << line << std::endl;
  }

 private:
  std::ofstream file_;
};

// ---- layouts and queries ----------------------------------------------------------------------

std::string Ddl(const std::string& layout, const std::string& table) {
  std::string cols;
  for (int m = 0; m < kMetrics; ++m) cols += std::string(", ") + kMetricNames[m] + " DOUBLE";
  std::string pk = layout == "A" ? "PRIMARY KEY ((hostname, QUANTUM(ts, 1, 'h')), hostname, ts)"
                                 : "PRIMARY KEY ((QUANTUM(ts, 1, 'h')), ts, hostname)";
  return "CREATE TABLE " + table + " (hostname VARCHAR NOT NULL, ts TIMESTAMP NOT NULL" + cols +
         ", " + pk + ")";
}

struct QueryDef {
  std::string id;
  int64_t duration_s;  // 0 = the whole data set
  bool cross_host;
};

const std::vector<QueryDef> kQueries = {
    {"q1_max_1h_1host", 3600, false},          {"q1b_max_1h_1host_by_1m", 3600, false},
    {"q2_max_12h_by_host", 43200, true},       {"q3_avg_12h_by_host_by_1h", 43200, true},
    {"q4_high_cpu_12h_1host", 43200, false},   {"q5_avg10_all_by_host", 0, true},
};

struct QueryParams {
  std::string host;
  int64_t s = 0, e = 0;  // seconds
};

std::vector<QueryParams> MakeParams(const CpuDataSet& ds, const QueryDef& q, int n,
                                    uint64_t seed) {
  std::mt19937_64 rng(seed ^ std::hash<std::string>()(q.id));
  const int64_t t0 = ds.options.start_s, t1 = ds.end_s_exclusive();
  std::vector<QueryParams> out;
  for (int i = 0; i < n; ++i) {
    QueryParams p;
    p.host = ds.hostnames[rng() % ds.hostnames.size()];
    if (q.duration_s == 0 || q.duration_s >= t1 - t0) {
      p.s = t0;
      p.e = t1;
    } else {
      int64_t slots = (t1 - t0 - q.duration_s) / 60 + 1;
      p.s = t0 + static_cast<int64_t>(rng() % static_cast<uint64_t>(slots)) * 60;
      p.e = p.s + q.duration_s;
    }
    out.push_back(p);
  }
  return out;
}

// The statements of one query instance, phrased as tsbench.py's riak-* targets phrase them.
std::vector<std::string> Render(const QueryDef& q, const QueryParams& p, const std::string& layout,
                                const std::string& table, const CpuDataSet& ds) {
  const std::string tw =
      "ts >= " + std::to_string(p.s * 1000) + " AND ts < " + std::to_string(p.e * 1000);
  std::string avg10;
  for (int m = 0; m < kMetrics; ++m) {
    avg10 += std::string(m ? ", " : "") + "AVG(" + kMetricNames[m] + ")";
  }
  auto per_host = [&](const std::string& h) -> std::string {
    const std::string where = " FROM " + table + " WHERE hostname = '" + h + "' AND " + tw;
    if (q.id == "q1_max_1h_1host" || q.id == "q2_max_12h_by_host") {
      return "SELECT MAX(usage_user)" + where;
    }
    if (q.id == "q1b_max_1h_1host_by_1m") return "SELECT MAX(usage_user)" + where + " GROUP BY time(ts, 1m)";
    if (q.id == "q4_high_cpu_12h_1host") return "SELECT *" + where + " AND usage_user > 90.0";
    if (q.id == "q3_avg_12h_by_host_by_1h") return "SELECT AVG(usage_user)" + where + " GROUP BY time(ts, 1h)";
    return "SELECT " + avg10 + where;  // q5
  };
  if (q.cross_host && layout == "B") {
    const std::string from = " FROM " + table + " WHERE " + tw;
    if (q.id == "q2_max_12h_by_host") return {"SELECT hostname, MAX(usage_user)" + from + " GROUP BY hostname"};
    if (q.id == "q3_avg_12h_by_host_by_1h") {
      return {"SELECT hostname, AVG(usage_user)" + from + " GROUP BY hostname, time(ts, 1h)"};
    }
    return {"SELECT hostname, " + avg10 + from + " GROUP BY hostname"};
  }
  if (q.cross_host) {
    std::vector<std::string> out;
    for (const auto& h : ds.hostnames) out.push_back(per_host(h));
    return out;
  }
  return {per_host(p.host)};
}

struct RunResult {
  double wall_s = 0;
  double cpu_s = 0;
  uint64_t rows_scanned = 0;
  uint64_t rows_returned = 0;
  double check = 0;      // sum of the last column of every result row (tsbench's check value)
  std::string error;
};

RunResult RunStatements(service::TsService& svc, const std::vector<std::string>& sqls,
                        int workers) {
  RunResult r;
  std::mutex mu;
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (;;) {
      size_t i = next.fetch_add(1);
      if (i >= sqls.size()) return;
      service::QueryOutcome out;
      Status st = svc.Query(sqls[i], {}, &out);
      std::lock_guard lock(mu);
      if (!st.ok()) {
        if (r.error.empty()) r.error = st.ToString() + " in: " + sqls[i];
        continue;
      }
      r.rows_returned += out.result.rows.size();
      for (const auto& row : out.result.rows) {
        if (!row.empty() && row.back().is_double()) r.check += row.back().as_double();
      }
    }
  };
  const uint64_t scanned0 = svc.stats().rows_scanned.load();
  const double cpu0 = ProcessCpuSeconds();
  const auto t0 = Clock::now();
  if (sqls.size() == 1 || workers <= 1) {
    work();
  } else {
    std::vector<std::thread> ts;
    for (int w = 0; w < std::min<int>(workers, static_cast<int>(sqls.size())); ++w) ts.emplace_back(work);
    for (auto& t : ts) t.join();
  }
  r.wall_s = Seconds(Clock::now() - t0);
  r.cpu_s = ProcessCpuSeconds() - cpu0;
  r.rows_scanned = svc.stats().rows_scanned.load() - scanned0;
  return r;
}

// ---- phases -----------------------------------------------------------------------------------

struct LayoutSummary {
  std::string layout, table;
  double rows_per_s = 0, cpu_per_mrows = 0, bytes_per_row = 0, sst_bytes_per_row = 0;
  std::map<std::string, double> q_ms;             // median
  std::map<std::string, double> q_scan_per_cpu_s;  // rows scanned per CPU second
  std::map<std::string, double> q_scan_per_s;      // rows scanned per wall second
};

// The batches of rows [from, to) of the data set.
std::vector<std::vector<Row>> BuildBatches(const CpuDataSet& ds, int batch, bool presort,
                                           const std::string& layout, size_t from, size_t to) {
  std::vector<std::vector<Row>> batches;
  const size_t n = to;
  for (size_t start = from; start < n; start += static_cast<size_t>(batch)) {
    size_t end = std::min(n, start + static_cast<size_t>(batch));
    std::vector<Row> rows;
    rows.reserve(end - start);
    for (size_t r = start; r < end; ++r) {
      Row row;
      row.reserve(2 + kMetrics);
      row.push_back(Value::Bytes(ds.hostnames[ds.host_of(r)]));
      row.push_back(Value::Int(ds.ts_ms_of(r)));
      const double* v = ds.metrics_of(r);
      for (int m = 0; m < kMetrics; ++m) row.push_back(Value::Double(v[m]));
      rows.push_back(std::move(row));
    }
    if (presort) {
      // Layout A keys are (hostname, quantum, ts), layout B keys (quantum, ts, hostname); within a
      // batch (< 1 quantum apart) sorting by (hostname, ts) or (ts, hostname) gives key order.
      const bool host_first = layout == "A";
      std::sort(rows.begin(), rows.end(), [host_first](const Row& a, const Row& b) {
        const auto& ha = a[0].as_bytes();
        const auto& hb = b[0].as_bytes();
        int64_t ta = a[1].as_int(), tb = b[1].as_int();
        if (host_first) return ha != hb ? ha < hb : ta < tb;
        return ta != tb ? ta < tb : ha < hb;
      });
    }
    batches.push_back(std::move(rows));
  }
  return batches;
}

bool Ingest(service::TsService& svc, const Options& o, const CpuDataSet& ds,
            const std::string& layout, const std::string& table, Emitter& em,
            LayoutSummary* sum) {
  service::QueryOutcome out;
  Status st = svc.Query(Ddl(layout, table), {}, &out);
  if (!st.ok()) {
    std::cerr << "CREATE TABLE failed: " << st.ToString() << "\n";
    return false;
  }
  // The rows are built before the clock runs, in waves of kWaveRows (a wave's Rows take about
  // 0.5 KB each: 50M at once would not fit in memory). The wall time is that of the ingest
  // phases alone; the CPU is the process's over the whole load (so background work during a
  // build counts) less what the building thread spent building.
  constexpr size_t kWaveRows = 2'000'000;
  const size_t wave = std::max<size_t>(static_cast<size_t>(o.batch),
                                       kWaveRows / static_cast<size_t>(o.batch) * o.batch);
  double build_s = 0, build_cpu = 0, secs = 0;
  std::vector<double> lat;
  std::mutex mu;
  std::atomic<int> errors{0};
  std::string first_error;
  const double cpu0 = ProcessCpuSeconds(), mc0 = MachineBusySeconds();
  for (size_t w0 = 0; w0 < ds.rows(); w0 += wave) {
    const auto tb0 = Clock::now();
    const double bc0 = ThreadCpuSeconds();
    auto batches = BuildBatches(ds, o.batch, o.presort, layout, w0, std::min(ds.rows(), w0 + wave));
    build_cpu += ThreadCpuSeconds() - bc0;
    build_s += Seconds(Clock::now() - tb0);
    std::atomic<size_t> next{0};
    const auto t0 = Clock::now();
    std::vector<std::thread> ts;
    for (int w = 0; w < o.writers; ++w) {
      ts.emplace_back([&] {
        std::vector<double> my;
        for (;;) {
          size_t i = next.fetch_add(1);
          if (i >= batches.size()) break;
          auto s = Clock::now();
          Status put = svc.Put(table, std::move(batches[i]));
          my.push_back(Seconds(Clock::now() - s));
          std::vector<Row>().swap(batches[i]);
          if (!put.ok()) {
            std::lock_guard lock(mu);
            if (errors++ == 0) first_error = put.ToString();
          }
        }
        std::lock_guard lock(mu);
        lat.insert(lat.end(), my.begin(), my.end());
      });
    }
    for (auto& t : ts) t.join();
    secs += Seconds(Clock::now() - t0);
  }
  const double cpu = ProcessCpuSeconds() - cpu0 - build_cpu;
  const double mc = MachineBusySeconds() - mc0 - build_cpu;
  const double rows = static_cast<double>(ds.rows());
  sum->rows_per_s = rows / secs;
  sum->cpu_per_mrows = cpu / (rows / 1e6);
  JsonLine j;
  j.Str("bench", "quanta_bench").Str("phase", "ingest").Str("layout", layout).Str("table", table)
      .Int("rows", static_cast<int64_t>(ds.rows())).Int("batch_rows", o.batch)
      .Int("writers", o.writers).Int("sync", o.sync).Int("presort", o.presort).Num("seconds", secs)
      .Num("rows_per_s", rows / secs, 0).Num("values_per_s", rows * kMetrics / secs, 0)
      .Num("cpu_s", cpu, 2).Num("cpu_s_per_Mrows", sum->cpu_per_mrows, 2)
      .Num("batch_latency_ms_p50", Percentile(lat, 50) * 1e3, 1)
      .Num("batch_latency_ms_p99", Percentile(lat, 99) * 1e3, 1)
      .Num("row_build_s_untimed", build_s, 2)
      .Num("machine_busy_cpu_s", mc, 2).Num("foreign_cpu_s_approx", mc - cpu, 2)
      .Num("loadavg_1m_after", LoadAvg1(), 2).Int("peak_rss_MB", PeakRssMb())
      .Int("errors", errors.load()).Str("first_error", first_error);
  em.Emit(j);
  std::cerr << "[" << layout << "] ingest: " << static_cast<int64_t>(rows / secs) << " rows/s, "
            << sum->cpu_per_mrows << " CPU-s per 1M rows, batch p50 "
            << Percentile(lat, 50) * 1e3 << " ms" << (errors ? ", ERRORS: " + first_error : "")
            << std::endl;
  return errors == 0;
}

void FlushAndMeasure(service::TsService& svc, const Options& o, const CpuDataSet& ds,
                     const std::string& layout, const fs::path& dir, Emitter& em,
                     LayoutSummary* sum) {
  const double cpu0 = ProcessCpuSeconds();
  const auto t0 = Clock::now();
  Status st = svc.store().Flush();
  if (!st.ok()) std::cerr << "flush failed: " << st.ToString() << "\n";
  // Seal every head row before measuring, so that the disk figure and the queries see the
  // columnar chunks rather than whatever the background sealer reached by then.
  st = svc.store().Compact();
  if (!st.ok()) std::cerr << "compact failed: " << st.ToString() << "\n";
  const double flush_s = Seconds(Clock::now() - t0);
  // Settle: background compactions change the directory; wait until three samples one second
  // apart agree (or the limit).
  DirSize last = MeasureDir(dir);
  int stable = 0;
  while (stable < 3 && Seconds(Clock::now() - t0) < o.settle_max_s) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    DirSize now = MeasureDir(dir);
    stable = (now.allocated == last.allocated && now.files == last.files) ? stable + 1 : 0;
    last = now;
  }
  const double rows = static_cast<double>(ds.rows());
  sum->bytes_per_row = static_cast<double>(last.allocated) / rows;
  sum->sst_bytes_per_row = static_cast<double>(last.sst) / rows;
  JsonLine j;
  j.Str("bench", "quanta_bench").Str("phase", "disk").Str("layout", layout)
      .Num("flush_s", flush_s, 2).Num("settle_s", Seconds(Clock::now() - t0), 1)
      .Num("flush_settle_cpu_s", ProcessCpuSeconds() - cpu0, 2)
      .Int("disk_bytes", static_cast<int64_t>(last.allocated))
      .Int("apparent_bytes", static_cast<int64_t>(last.apparent))
      .Int("sst_bytes", static_cast<int64_t>(last.sst)).Int("files", last.files)
      .Int("store_approx_bytes", static_cast<int64_t>(svc.store().ApproximateDiskBytes()))
      .Num("disk_bytes_per_row", sum->bytes_per_row, 2)
      .Num("sst_bytes_per_row", sum->sst_bytes_per_row, 2);
  em.Emit(j);
  std::cerr << "[" << layout << "] disk: " << sum->bytes_per_row << " B/row (du), "
            << sum->sst_bytes_per_row << " B/row in SST files, " << last.files << " files"
            << std::endl;
}

void RunQueries(service::TsService& svc, const Options& o, const CpuDataSet& ds,
                const std::string& layout, const std::string& table, Emitter& em,
                LayoutSummary* sum) {
  for (const auto& q : kQueries) {
    if (!o.only.empty() && ("," + o.only + ",").find("," + q.id + ",") == std::string::npos &&
        ("," + o.only + ",").find("," + q.id.substr(0, q.id.find('_')) + ",") ==
            std::string::npos) {
      continue;
    }
    auto params = MakeParams(ds, q, o.warmup + o.runs, o.query_seed);
    std::vector<double> ms, scan_cpu, scan_wall, scanned, cpu;
    double first_ms = 0, check = 0;
    size_t statements = 0;
    std::string error;
    for (size_t i = 0; i < params.size(); ++i) {
      auto sqls = Render(q, params[i], layout, table, ds);
      statements = sqls.size();
      RunResult r = RunStatements(svc, sqls, o.query_workers);
      if (!r.error.empty() && error.empty()) error = r.error;
      if (static_cast<int>(i) < o.warmup) continue;
      if (ms.empty()) {
        first_ms = r.wall_s * 1e3;
        check = r.check;
      }
      ms.push_back(r.wall_s * 1e3);
      cpu.push_back(r.cpu_s);
      scanned.push_back(static_cast<double>(r.rows_scanned));
      scan_wall.push_back(static_cast<double>(r.rows_scanned) / r.wall_s);
      // CPU time granularity is ~1-4 ms; short queries fall back to wall time (one thread).
      double c = r.cpu_s > 0.005 ? r.cpu_s : r.wall_s;
      scan_cpu.push_back(static_cast<double>(r.rows_scanned) / c);
    }
    // Riak TS 1.5.2 has no GROUP BY time(...) (a 1.6 development feature, riak_ts.md 16.2), so
    // q1b and q3 fail to parse: reported as unsupported, like tsbench.py does for peers.
    const bool unsupported = error.find("1020:") == 0;
    if (unsupported) {
      JsonLine j;
      j.Str("bench", "quanta_bench").Str("phase", "query").Str("layout", layout)
          .Str("query", q.id).Int("supported", 0).Str("error", error);
      em.Emit(j);
      std::cerr << "[" << layout << "] " << q.id << ": not supported (" << error << ")\n";
      continue;
    }
    const double med = Median(ms);
    sum->q_ms[q.id] = med;
    sum->q_scan_per_cpu_s[q.id] = Median(scan_cpu);
    sum->q_scan_per_s[q.id] = Median(scan_wall);
    JsonLine j;
    j.Str("bench", "quanta_bench").Str("phase", "query").Str("layout", layout).Str("query", q.id)
        .Int("supported", 1).Int("statements", static_cast<int64_t>(statements)).Int("runs", static_cast<int64_t>(ms.size()))
        .Num("ms_median", med, 2).Num("ms_first", first_ms, 2)
        .Num("ms_min", ms.empty() ? 0 : *std::min_element(ms.begin(), ms.end()), 2)
        .Num("ms_max", ms.empty() ? 0 : *std::max_element(ms.begin(), ms.end()), 2)
        .Num("cpu_s_median", Median(cpu), 4)
        .Num("rows_scanned_median", Median(scanned), 0)
        .Num("rows_scanned_per_s", Median(scan_wall), 0)
        .Num("rows_scanned_per_cpu_s", Median(scan_cpu), 0)
        .Num("check", check, 2).Str("error", error);
    em.Emit(j);
    std::cerr << "[" << layout << "] " << q.id << ": median " << med << " ms over " << ms.size()
              << " runs (" << statements << " statement" << (statements > 1 ? "s" : "")
              << "), " << Median(scanned) << " rows scanned, "
              << static_cast<int64_t>(Median(scan_cpu)) << " rows/CPU-s"
              << (error.empty() ? "" : "  ERROR: " + error) << std::endl;
  }
}

std::string Fmt(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string Millions(double v) { return Fmt(v / 1e6, 2) + "M"; }

void PrintSummary(const std::vector<LayoutSummary>& sums, const Options& o) {
  std::cerr << "\n== quanta_bench summary (" << o.data.hosts << " hosts x " << o.data.points
            << " points, batch " << o.batch << ", " << o.writers << " writers, sync "
            << (o.sync ? "on" : "off") << ") ==\n";
  std::cerr << "layout | ingest rows/s | CPU-s/1M rows | B/row (du) | B/row (sst) | Q1 ms | Q2 ms "
               "| Q5 ms | Q5 rows scanned/CPU-s\n";
  for (const auto& s : sums) {
    auto q = [&](const char* id) {
      auto it = s.q_ms.find(id);
      return it == s.q_ms.end() ? std::string("-") : Fmt(it->second, 2);
    };
    auto scan = s.q_scan_per_cpu_s.find("q5_avg10_all_by_host");
    std::cerr << s.layout << " " << s.table << " | " << static_cast<int64_t>(s.rows_per_s) << " | "
              << Fmt(s.cpu_per_mrows, 2) << " | " << Fmt(s.bytes_per_row, 1) << " | "
              << Fmt(s.sst_bytes_per_row, 1) << " | " << q("q1_max_1h_1host") << " | "
              << q("q2_max_12h_by_host") << " | " << q("q5_avg10_all_by_host") << " | "
              << (scan == s.q_scan_per_cpu_s.end() ? "-" : Millions(scan->second)) << "\n";
  }
  std::cerr << "peers (../shared/bench/README.md): ClickHouse 667k rows/s, 2.9 CPU-s/1M, 42.3 "
               "B/row, Q1 2.1 ms, Q2 14.7 ms, Q5 70.6 ms; VictoriaMetrics 250k rows/s, 13.1 "
               "B/row, Q5 87.2 ms (network harness, not in-process)\n";
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  try {
    if (!ParseArgs(argc, argv, &o)) return 2;
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n" << kUsage;
    return 2;
  }
  const auto tg = Clock::now();
  CpuDataSet ds = GenerateCpuDataSet(o.data);
  if (o.dump > 0) {
    for (size_t r = 0; r < ds.rows() && r < static_cast<size_t>(o.dump); ++r) {
      std::cout << RowJson(ds, r) << "\n";
    }
    return 0;
  }
  std::cerr << "generated " << ds.rows() << " rows in " << Fmt(Seconds(Clock::now() - tg), 1)
            << " s" << std::endl;

  bool made_dir = false;
  if (o.dir.empty()) {
    std::string tmpl = (fs::temp_directory_path() / "quanta-bench-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) {
      std::perror("mkdtemp");
      return 2;
    }
    o.dir = tmpl;
    made_dir = true;
  }
  Emitter em(o.json_path);
  {
    JsonLine j;
    j.Str("bench", "quanta_bench").Str("phase", "setup").Str("dir", o.dir)
        .Int("hosts", o.data.hosts).Int("points", o.data.points).Int("rows", static_cast<int64_t>(ds.rows()))
        .Int("cores", std::thread::hardware_concurrency()).Num("loadavg_1m", LoadAvg1(), 2);
    em.Emit(j);
  }
  std::vector<LayoutSummary> sums;
  bool ok = true;
  for (const auto& layout : o.layouts) {
    if (layout != "A" && layout != "B") {
      std::cerr << "unknown layout " << layout << "\n";
      return 2;
    }
    LayoutSummary sum;
    sum.layout = layout;
    sum.table = layout == "A" ? "cpu" : "cpu_t";
    const fs::path dir = fs::path(o.dir) / layout;
    if (!o.skip_ingest) {
      fs::remove_all(dir);
      fs::create_directories(dir);
    }
    service::ServiceOptions so;
    so.data_dir = dir.string();
    so.sync = o.sync;
    so.write_buffer_mb = o.write_buffer_mb;
    so.block_cache_mb = o.block_cache_mb;
    so.compression = o.compression;
    so.scan_threads = o.scan_threads;
    so.query_timeout_ms = 600000;
    auto svc = service::TsService::Open(so);
    if (!svc.ok()) {
      std::cerr << "open " << dir << ": " << svc.error().ToString() << "\n";
      return 1;
    }
    if (!o.skip_ingest) {
      ok = Ingest(**svc, o, ds, layout, sum.table, em, &sum) && ok;
      FlushAndMeasure(**svc, o, ds, layout, dir, em, &sum);
    } else {
      DirSize d = MeasureDir(dir);
      sum.bytes_per_row = static_cast<double>(d.allocated) / static_cast<double>(ds.rows());
      sum.sst_bytes_per_row = static_cast<double>(d.sst) / static_cast<double>(ds.rows());
    }
    if (!o.skip_queries) RunQueries(**svc, o, ds, layout, sum.table, em, &sum);
    Status st = (*svc)->Close();
    if (!st.ok()) std::cerr << "close: " << st.ToString() << "\n";
    sums.push_back(sum);
  }
  PrintSummary(sums, o);
  if (made_dir && !o.keep) fs::remove_all(o.dir);
  return ok ? 0 : 1;
}
