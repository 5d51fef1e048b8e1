// Chunk codec micro benchmarks (docs/formats/chunk.md): encode and per-column decode speed, and
// bytes per value, on the benchmark data set's shape: 100 hosts x 10 double metrics, each a
// Gaussian random walk in [0, 100] (sigma 1) rounded to 2 decimals, one reading every 10 s.
//
//   chunk_bench --benchmark_filter=Decode
//   CHUNK_BENCH_TSV=<dir of tsgen.py's ch/*.tsv> chunk_bench   # the real data instead
//
// Layout A: a chunk per (host, hour) = 360 rows in time order. Layout B: rows of one hour
// ordered by (time, hostname), cut into chunks of `rows` rows, with the hostname as the series
// (per-series deltas). Counters: bytes_per_value of the decoded column and bytes_per_row of the
// whole chunk; items/s = values decoded per second.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "storage/engine/chunk.h"

namespace quanta::storage {
namespace {

constexpr size_t kHosts = 100;
constexpr size_t kMetrics = 10;
constexpr size_t kPointsPerHour = 360;
constexpr int64_t kStart = 1451606400000;

// series[host][metric][point]
struct DataSet {
  size_t points = 0;
  std::vector<std::vector<std::vector<double>>> v;
};

DataSet Synthetic(size_t points) {
  DataSet d;
  d.points = points;
  std::mt19937_64 rng(123);
  std::normal_distribution<double> g(0, 1);
  d.v.assign(kHosts, std::vector<std::vector<double>>(kMetrics, std::vector<double>(points)));
  std::vector<std::vector<double>> state(kHosts, std::vector<double>(kMetrics));
  for (auto& h : state) {
    for (auto& x : h) x = std::uniform_real_distribution<double>(0, 100)(rng);
  }
  for (size_t p = 0; p < points; ++p) {
    for (size_t h = 0; h < kHosts; ++h) {
      for (size_t m = 0; m < kMetrics; ++m) {
        double& x = state[h][m];
        x = std::clamp(x + g(rng), 0.0, 100.0);
        d.v[h][m][p] = std::round(x * 100) / 100;
      }
    }
  }
  return d;
}

// tsgen.py's TabSeparated output: hostname, time, 10 metrics; rows time-major.
DataSet FromTsv(const std::string& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".tsv") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::map<std::string, size_t> hosts;
  DataSet d;
  d.v.assign(kHosts, std::vector<std::vector<double>>(kMetrics));
  for (const auto& f : files) {
    std::ifstream in(f);
    std::string line;
    while (std::getline(in, line)) {
      size_t a = line.find('\t'), b = line.find('\t', a + 1);
      auto [it, added] = hosts.try_emplace(line.substr(0, a), hosts.size());
      if (it->second >= kHosts) continue;
      const char* p = line.c_str() + b + 1;
      for (size_t m = 0; m < kMetrics; ++m) {
        char* end;
        d.v[it->second][m].push_back(std::strtod(p, &end));
        p = end + 1;
      }
    }
  }
  d.points = d.v[0][0].size();
  return d;
}

const DataSet& Data() {
  static const DataSet d = [] {
    const char* dir = std::getenv("CHUNK_BENCH_TSV");
    return dir ? FromTsv(dir) : Synthetic(10000);
  }();
  return d;
}

std::string HostName(size_t h) { return "host_" + std::to_string(h); }

// Columns: hostname, ts, 10 metrics.
struct Chunk {
  std::vector<ColumnVector> cols;
  std::vector<uint32_t> series;
  size_t rows = 0;
};

Chunk Start() {
  Chunk c;
  c.cols.resize(2 + kMetrics);
  c.cols[0].type = ColumnType::kVarchar;
  c.cols[1].type = ColumnType::kTimestamp;
  for (size_t m = 0; m < kMetrics; ++m) c.cols[2 + m].type = ColumnType::kDouble;
  return c;
}

void AddRow(Chunk* c, size_t host, size_t point) {
  const DataSet& d = Data();
  c->cols[0].strings.push_back(HostName(host));
  c->cols[1].ints.push_back(kStart + static_cast<int64_t>(point) * 10000);
  for (size_t m = 0; m < kMetrics; ++m) c->cols[2 + m].doubles.push_back(d.v[host][m][point]);
  for (auto& col : c->cols) col.nulls.push_back(0);
  c->series.push_back(static_cast<uint32_t>(host));
  ++c->rows;
}

// Every chunk of the data set in one layout. B: hostnames sorted as strings (host_0, host_1,
// host_10, ...), as the local key orders them.
std::vector<Chunk> Chunks(int layout, size_t rows_b) {
  const DataSet& d = Data();
  std::vector<Chunk> out;
  if (layout == 0) {
    for (size_t h = 0; h < kHosts; ++h) {
      for (size_t p0 = 0; p0 < d.points; p0 += kPointsPerHour) {
        Chunk c = Start();
        for (size_t p = p0; p < std::min(d.points, p0 + kPointsPerHour); ++p) AddRow(&c, h, p);
        out.push_back(std::move(c));
      }
    }
    return out;
  }
  std::vector<size_t> order(kHosts);
  for (size_t h = 0; h < kHosts; ++h) order[h] = h;
  std::sort(order.begin(), order.end(),
            [](size_t a, size_t b) { return HostName(a) < HostName(b); });
  for (size_t p0 = 0; p0 < d.points; p0 += kPointsPerHour) {
    Chunk c = Start();
    for (size_t p = p0; p < std::min(d.points, p0 + kPointsPerHour); ++p) {
      for (size_t h : order) {
        AddRow(&c, h, p);
        if (c.rows == rows_b) {
          out.push_back(std::move(c));
          c = Start();
        }
      }
    }
    if (c.rows > 0) out.push_back(std::move(c));
  }
  return out;
}

std::string EncodeOne(const Chunk& c, bool use_series) {
  std::vector<const ColumnVector*> p;
  for (const auto& col : c.cols) p.push_back(&col);
  ChunkEncodeOptions opt;
  if (use_series) opt.series_of_row = c.series;
  std::string out;
  EncodeChunk(p, c.rows, &out, opt);
  return out;
}

std::vector<ColumnType> Types() {
  std::vector<ColumnType> t = {ColumnType::kVarchar, ColumnType::kTimestamp};
  for (size_t m = 0; m < kMetrics; ++m) t.push_back(ColumnType::kDouble);
  return t;
}

// Args: layout (0 = A, 1 = B), rows per chunk in B, series (0/1) in B.
void BM_ChunkEncode(benchmark::State& state) {
  auto chunks = Chunks(static_cast<int>(state.range(0)), static_cast<size_t>(state.range(1)));
  const bool series = state.range(2) != 0;
  size_t i = 0, rows = 0, bytes = 0;
  for (auto _ : state) {
    const Chunk& c = chunks[i++ % chunks.size()];
    std::string out = EncodeOne(c, series);
    rows += c.rows;
    bytes += out.size();
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(static_cast<int64_t>(rows * (2 + kMetrics)));
  state.counters["bytes_per_row"] = static_cast<double>(bytes) / static_cast<double>(rows);
}
BENCHMARK(BM_ChunkEncode)->Args({0, 0, 0})->Args({1, 4096, 1})->Args({1, 4096, 0});

// Args: layout, rows per chunk in B, series, column (0 hostname, 1 ts, 2.. metrics), whether
// each iteration also opens the chunk (checksum, header, statistics).
void BM_ChunkDecodeColumn(benchmark::State& state) {
  auto chunks = Chunks(static_cast<int>(state.range(0)), static_cast<size_t>(state.range(1)));
  const bool series = state.range(2) != 0;
  const auto column = static_cast<size_t>(state.range(3));
  chunks.resize(std::min<size_t>(chunks.size(), 64));
  std::vector<std::string> encoded;
  size_t total_bytes = 0, total_rows = 0, col_bytes = 0;
  const auto types = Types();
  for (const auto& c : chunks) {
    encoded.push_back(EncodeOne(c, series));
    total_bytes += encoded.back().size();
    total_rows += c.rows;
    col_bytes += ChunkReader::Open(encoded.back(), types)->payload_size(column);
  }
  ColumnVector out;
  out.type = types[column];
  size_t i = 0, values = 0;
  const bool open_each = state.range(4) != 0;
  std::vector<ChunkReader> readers;
  for (const auto& e : encoded) readers.push_back(*ChunkReader::Open(e, types));
  for (auto _ : state) {
    const size_t k = i++ % encoded.size();
    out.Clear();
    if (open_each) {
      auto r = ChunkReader::Open(encoded[k], types);
      if (!r.ok() || !r->DecodeColumn(column, &out).ok()) state.SkipWithError("decode failed");
    } else if (!readers[k].DecodeColumn(column, &out).ok()) {
      state.SkipWithError("decode failed");
    }
    values += readers[k].num_rows();
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(static_cast<int64_t>(values));
  state.counters["bytes_per_value"] =
      static_cast<double>(col_bytes) / static_cast<double>(total_rows);
  state.counters["bytes_per_row"] =
      static_cast<double>(total_bytes) / static_cast<double>(total_rows);
}
BENCHMARK(BM_ChunkDecodeColumn)
    ->Args({0, 0, 0, 0, 0})
    ->Args({0, 0, 0, 1, 0})
    ->Args({0, 0, 0, 2, 0})
    ->Args({0, 0, 0, 2, 1})
    ->Args({1, 4096, 1, 0, 0})
    ->Args({1, 4096, 1, 1, 0})
    ->Args({1, 4096, 1, 2, 0})
    ->Args({1, 4096, 1, 2, 1})
    ->Args({1, 4096, 0, 2, 0})
    ->Args({1, 32768, 1, 2, 0});

// Opening a chunk alone: checksum, header and every column's statistics.
void BM_ChunkOpen(benchmark::State& state) {
  auto chunks = Chunks(static_cast<int>(state.range(0)), static_cast<size_t>(state.range(1)));
  chunks.resize(std::min<size_t>(chunks.size(), 64));
  std::vector<std::string> encoded;
  for (const auto& c : chunks) encoded.push_back(EncodeOne(c, state.range(0) == 1));
  const auto types = Types();
  size_t i = 0;
  for (auto _ : state) {
    auto r = ChunkReader::Open(encoded[i++ % encoded.size()], types);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_ChunkOpen)->Args({0, 0})->Args({1, 4096});

// The whole data set in each layout: bytes per row of every column and of the chunks.
void BM_ChunkDataSetSize(benchmark::State& state) {
  const int layout = static_cast<int>(state.range(0));
  auto chunks = Chunks(layout, static_cast<size_t>(state.range(1)));
  const bool series = state.range(2) != 0;
  const auto types = Types();
  std::vector<size_t> col(2 + kMetrics, 0);
  size_t total = 0, rows = 0;
  for (auto _ : state) {
    total = rows = 0;
    std::fill(col.begin(), col.end(), 0);
    for (const auto& c : chunks) {
      std::string e = EncodeOne(c, series);
      auto r = ChunkReader::Open(e, types);
      for (size_t k = 0; k < col.size(); ++k) col[k] += r->payload_size(k);
      total += e.size();
      rows += c.rows;
    }
  }
  auto per_row = [&](size_t b) { return static_cast<double>(b) / static_cast<double>(rows); };
  state.counters["chunk_B_per_row"] = per_row(total);
  state.counters["host_B_per_row"] = per_row(col[0]);
  state.counters["ts_B_per_row"] = per_row(col[1]);
  size_t metrics = 0;
  for (size_t m = 0; m < kMetrics; ++m) metrics += col[2 + m];
  state.counters["metric_bits_per_value"] = per_row(metrics) * 8 / kMetrics;
  state.counters["overhead_B_per_row"] =
      per_row(total - metrics - col[0] - col[1]);  // header, stats, lengths, checksum
}
BENCHMARK(BM_ChunkDataSetSize)
    ->Args({0, 0, 0})
    ->Args({1, 4096, 1})
    ->Args({1, 4096, 0})
    ->Args({1, 36000, 1})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace quanta::storage
