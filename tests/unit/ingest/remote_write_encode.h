// Test helper: encodes a prometheus.WriteRequest (remote write 1.0) the way Prometheus does,
// for the decoder tests, the HTTP tests and the fuzz seeds.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace quanta::ingest::testing {

struct TestSeries {
  std::vector<std::pair<std::string, std::string>> labels;
  std::vector<std::pair<double, int64_t>> samples;  // value, timestamp ms
};

inline void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

inline void PutLengthDelimited(uint32_t field, const std::string& bytes, std::string* out) {
  PutVarint((field << 3) | 2, out);
  PutVarint(bytes.size(), out);
  out->append(bytes);
}

inline std::string EncodeWriteRequest(const std::vector<TestSeries>& series) {
  std::string out;
  for (const TestSeries& s : series) {
    std::string ts;
    for (const auto& [name, value] : s.labels) {
      std::string label;
      PutLengthDelimited(1, name, &label);
      PutLengthDelimited(2, value, &label);
      PutLengthDelimited(1, label, &ts);
    }
    for (const auto& [value, t] : s.samples) {
      std::string sample;
      sample.push_back(static_cast<char>((1 << 3) | 1));
      uint64_t bits = 0;
      std::memcpy(&bits, &value, sizeof bits);
      for (int i = 0; i < 8; ++i) sample.push_back(static_cast<char>(bits >> (8 * i)));
      PutVarint(2 << 3, &sample);
      PutVarint(static_cast<uint64_t>(t), &sample);
      PutLengthDelimited(2, sample, &ts);
    }
    PutLengthDelimited(1, ts, &out);
  }
  return out;
}

}  // namespace quanta::ingest::testing
