// The ../shared/bench "cpu" data set, generated in C++ with the model of tsgen.py so that the
// in-process benchmark ingests the very rows the network harness sends:
//
//   hosts "host_0".."host_{H-1}", timestamps start + i * interval (seconds; stored as ms),
//   10 DOUBLE metrics per row following a clamped Gaussian random walk in [0, 100], rounded to
//   2 decimals, rows emitted time-major (for each timestamp, every host).
//
// The random numbers come from a Mersenne Twister seeded and used exactly as CPython's
// random.Random(seed) (init_by_array, random() from two 32-bit draws, gauss() by Box-Muller with a
// cached second value), so the values are bit-identical to tsgen.py's (check: --dump).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace quanta::bench {

inline constexpr int kMetrics = 10;
extern const char* const kMetricNames[kMetrics];

// CPython-compatible random.Random for an integer seed.
class PyRandom {
 public:
  explicit PyRandom(uint64_t seed);
  double Random();              // random.random()
  double Gauss(double mu, double sigma);  // random.gauss()

 private:
  uint32_t Next();
  uint32_t mt_[624];
  int index_ = 624;
  bool has_gauss_next_ = false;
  double gauss_next_ = 0;
};

struct CpuDataSetOptions {
  int hosts = 100;
  int points = 10000;
  int64_t interval_s = 10;
  int64_t start_s = 1451606400;  // 2016-01-01T00:00:00Z
  uint64_t seed = 123;
};

struct CpuDataSet {
  CpuDataSetOptions options;
  std::vector<std::string> hostnames;
  // values[(point * hosts + host) * kMetrics + metric], already rounded to 2 decimals.
  std::vector<double> values;

  size_t rows() const { return static_cast<size_t>(options.hosts) * options.points; }
  // Row r in emission order (time-major).
  int host_of(size_t r) const { return static_cast<int>(r % options.hosts); }
  int64_t ts_ms_of(size_t r) const {
    return (options.start_s + static_cast<int64_t>(r / options.hosts) * options.interval_s) * 1000;
  }
  const double* metrics_of(size_t r) const { return &values[r * kMetrics]; }
  int64_t end_s_exclusive() const {
    return options.start_s + static_cast<int64_t>(options.points) * options.interval_s;
  }
};

CpuDataSet GenerateCpuDataSet(const CpuDataSetOptions& options);

// Row r as tsgen.py's JSON format prints it ({"hostname":...,"ts":...,"usage_user":12.34,...}).
std::string RowJson(const CpuDataSet& ds, size_t r);

}  // namespace quanta::bench
