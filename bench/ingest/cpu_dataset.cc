#include "cpu_dataset.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace quanta::bench {

const char* const kMetricNames[kMetrics] = {
    "usage_user", "usage_system", "usage_idle",    "usage_nice",  "usage_iowait",
    "usage_irq",  "usage_softirq", "usage_steal", "usage_guest", "usage_guest_nice"};

// ---- PyRandom: MT19937 (Matsumoto & Nishimura) with CPython's seeding -----------------------

PyRandom::PyRandom(uint64_t seed) {
  // CPython turns a non-negative int seed into its 32-bit little-endian words and calls the
  // reference init_by_array with them.
  std::vector<uint32_t> key;
  do {
    key.push_back(static_cast<uint32_t>(seed & 0xffffffffu));
    seed >>= 32;
  } while (seed != 0);

  constexpr int n = 624;
  mt_[0] = 19650218u;
  for (int i = 1; i < n; ++i) {
    mt_[i] = 1812433253u * (mt_[i - 1] ^ (mt_[i - 1] >> 30)) + static_cast<uint32_t>(i);
  }
  int i = 1;
  size_t j = 0;
  for (int k = std::max<int>(n, static_cast<int>(key.size())); k > 0; --k) {
    mt_[i] = (mt_[i] ^ ((mt_[i - 1] ^ (mt_[i - 1] >> 30)) * 1664525u)) + key[j] +
             static_cast<uint32_t>(j);
    ++i;
    ++j;
    if (i >= n) {
      mt_[0] = mt_[n - 1];
      i = 1;
    }
    if (j >= key.size()) j = 0;
  }
  for (int k = n - 1; k > 0; --k) {
    mt_[i] = (mt_[i] ^ ((mt_[i - 1] ^ (mt_[i - 1] >> 30)) * 1566083941u)) -
             static_cast<uint32_t>(i);
    ++i;
    if (i >= n) {
      mt_[0] = mt_[n - 1];
      i = 1;
    }
  }
  mt_[0] = 0x80000000u;
  index_ = n;
}

uint32_t PyRandom::Next() {
  constexpr int n = 624, m = 397;
  constexpr uint32_t upper = 0x80000000u, lower = 0x7fffffffu, matrix = 0x9908b0dfu;
  if (index_ >= n) {
    for (int k = 0; k < n; ++k) {
      uint32_t y = (mt_[k] & upper) | (mt_[(k + 1) % n] & lower);
      mt_[k] = mt_[(k + m) % n] ^ (y >> 1) ^ ((y & 1u) ? matrix : 0u);
    }
    index_ = 0;
  }
  uint32_t y = mt_[index_++];
  y ^= y >> 11;
  y ^= (y << 7) & 0x9d2c5680u;
  y ^= (y << 15) & 0xefc60000u;
  y ^= y >> 18;
  return y;
}

double PyRandom::Random() {
  uint32_t a = Next() >> 5, b = Next() >> 6;
  return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
}

double PyRandom::Gauss(double mu, double sigma) {
  double z;
  if (has_gauss_next_) {
    z = gauss_next_;
    has_gauss_next_ = false;
  } else {
    double x2pi = Random() * (2.0 * std::numbers::pi);
    double g2rad = std::sqrt(-2.0 * std::log(1.0 - Random()));
    z = std::cos(x2pi) * g2rad;
    gauss_next_ = std::sin(x2pi) * g2rad;
    has_gauss_next_ = true;
  }
  return mu + z * sigma;
}

// ---- data set -------------------------------------------------------------------------------

namespace {

// Python's round(v, 2): the double nearest to the correctly rounded 2-decimal text.
double Round2(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 2);
  double out = 0;
  std::from_chars(buf, r.ptr, out);
  return out;
}

}  // namespace

CpuDataSet GenerateCpuDataSet(const CpuDataSetOptions& o) {
  CpuDataSet ds;
  ds.options = o;
  PyRandom rng(o.seed);
  const int nh = o.hosts;
  std::vector<double> state(static_cast<size_t>(nh) * kMetrics);
  for (auto& s : state) s = rng.Random() * 100.0;
  for (int h = 0; h < nh; ++h) ds.hostnames.push_back("host_" + std::to_string(h));
  ds.values.resize(ds.rows() * kMetrics);
  size_t out = 0;
  for (int i = 0; i < o.points; ++i) {
    for (int h = 0; h < nh; ++h) {
      double* st = &state[static_cast<size_t>(h) * kMetrics];
      for (int m = 0; m < kMetrics; ++m) {
        double v = st[m] + rng.Gauss(0.0, 1.0);
        if (v < 0.0) v = 0.0;
        else if (v > 100.0) v = 100.0;
        st[m] = v;
        ds.values[out++] = Round2(v);
      }
    }
  }
  return ds;
}

std::string RowJson(const CpuDataSet& ds, size_t r) {
  std::string s = "{\"hostname\":\"" + ds.hostnames[ds.host_of(r)] +
                  "\",\"ts\":" + std::to_string(ds.ts_ms_of(r));
  const double* v = ds.metrics_of(r);
  for (int m = 0; m < kMetrics; ++m) {
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, v[m], std::chars_format::fixed, 2);
    s += ",\"" + std::string(kMetricNames[m]) + "\":" + std::string(buf, res.ptr);
  }
  return s + "}";
}

}  // namespace quanta::bench
