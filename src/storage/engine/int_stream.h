// Int streams: the integer coder under every column of a chunk (docs/formats/chunk.md, "Int
// stream"). n int64 values, known to the reader from the context, become a transform (none,
// delta, delta of delta, delta against the previous value of the same series, one constant, or
// one period repeated)
// and blocks of 128 residuals, each block coded by whichever of frame-of-reference bit packing,
// patched bit packing (with exceptions) or Rice coding is smallest for it.
//
// Arithmetic is modulo 2^64, so every int64 (INT64_MIN next to INT64_MAX) round-trips.
// Thread-safe (no state).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace quanta::storage::intstream {

constexpr size_t kBlockSize = 128;

enum class Mode : uint8_t {
  kConst = 0,
  kPlain = 1,
  kDelta = 2,
  kDelta2 = 3,
  kSeriesDelta = 4,
  kCycle = 5,  // the values repeat with a period p: its first p values, then copies
};

// Series, as each row's predecessor: the previous row of the same series, or the row just
// before it when it is the first row of its series (pred[i] < i for i >= 1; row 0 has none).
// Under kSeriesDelta, value i is coded against value pred[i] (0 for row 0). Empty when the
// chunk has no series.
struct Series {
  const uint32_t* pred = nullptr;
  bool empty() const { return pred == nullptr; }
};

// Predecessors of rows whose series ids are dense in first-seen order (row 0 has id 0; an id
// is at most one more than every id before it), all below `count`.
std::vector<uint32_t> Predecessors(const uint32_t* ids, size_t n, uint32_t count);
// The same from ids read off a chunk, into pred[0, n): false unless they are dense in
// first-seen order and exactly `count` distinct ids appear.
bool CheckedPredecessors(const int64_t* ids, size_t n, uint32_t count, uint32_t* pred);

// Appends the encoding of values[0, n), choosing the transform (kSeriesDelta only when
// `series` is not empty). Returns the mode chosen.
Mode Encode(const int64_t* values, size_t n, Series series, std::string* out);

// The smallest period p <= n / 2 that starts with the first repetition of values[0]
// (values[i] == values[i - p] for every i >= p), or 0.
size_t Period(const int64_t* values, size_t n);

// Encodes with a given mode (for tests and golden vectors). REQUIRES: the mode applies (kConst:
// all values equal; kDelta: n >= 1; kDelta2: n >= 2; kSeriesDelta: series given; kCycle:
// Period(values, n) != 0).
void EncodeWithMode(const int64_t* values, size_t n, Series series, Mode mode, std::string* out);

// Decodes n values from the front of *in into out[0, n), consuming them. False on malformed
// input (then *out holds unspecified values). `series` must be what the writer used.
bool Decode(std::string_view* in, size_t n, Series series, int64_t* out);

}  // namespace quanta::storage::intstream
