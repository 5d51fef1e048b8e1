// Prometheus remote write 1.0: a decoder for the protobuf `prometheus.WriteRequest` (already
// snappy-decompressed), written by hand for the four messages it needs:
//
//   WriteRequest { repeated TimeSeries timeseries = 1; ... metadata = 3 (skipped) }
//   TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2;
//                  exemplars = 3, histograms = 4 (skipped) }
//   Label        { string name = 1; string value = 2; }
//   Sample       { double value = 1; int64 timestamp = 2; }
//
// Unknown fields of any wire type are skipped, as protobuf requires. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace quanta::ingest {

struct Sample {
  double value = 0;
  int64_t timestamp_ms = 0;
};

struct Series {
  std::vector<std::pair<std::string, std::string>> labels;  // as sent
  std::vector<Sample> samples;
};

// Prometheus's staleness marker: a NaN with this exact bit pattern.
inline constexpr uint64_t kStaleNaNBits = 0x7ff0000000000002ULL;
bool IsStaleMarker(double value);

// Calls `sink` for each TimeSeries in order (the Series is reused: move out what is kept).
// Errors: kGeneric "invalid remote write request: ..." for a malformed message; whatever the
// sink returns stops the decoding and is returned.
Status DecodeWriteRequest(std::string_view message,
                          const std::function<Status(Series&)>& sink);

// The `labels` column of docs/ingest.md: every label but __name__, sorted by name, as
// name="value" joined by ',', with \ " and newline escaped in values. *metric gets __name__.
void CanonicalLabels(std::vector<std::pair<std::string, std::string>>* labels,
                     std::string* metric, std::string* out);

}  // namespace quanta::ingest
