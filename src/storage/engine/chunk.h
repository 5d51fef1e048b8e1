// Chunk codec: a partition's rows as one immutable, compressed, columnar chunk (format:
// docs/formats/chunk.md).
//
// EncodeChunk turns up to kMaxChunkRows rows, given as one ColumnVector per column, into bytes;
// ChunkReader opens those bytes (checksum, header, per-column statistics) and decodes any
// column on demand straight into a ColumnVector, so a scan decodes only the columns it
// projects and an aggregate over a whole chunk can be answered from stats() alone.
//
// Every column's encoding is chosen by trying candidates on its data and keeping the smallest:
// integers and timestamps by delta / delta-of-delta / per-series delta plus block bit packing
// or Rice coding; doubles by decimal scaling to integers, Gorilla XOR, or byte planes (with
// zstd); strings by a sorted dictionary or plain; booleans and NULLs by bitmaps.
//
// Decoding never trusts the bytes: anything malformed gives kCorruption, never undefined
// behaviour, and every allocation is bounded by the row count and the chunk's own size (one
// exception, stated in the format: a zstd-compressed column payload is at most 256 MiB).
//
// Thread safety: EncodeChunk is reentrant; a ChunkReader's const methods may be called
// concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/exact_sum.h"
#include "common/status.h"
#include "common/value.h"
#include "storage/batch.h"

namespace quanta::storage {

// Rows per chunk, at most (the row count is part of every bound the decoder checks).
constexpr size_t kMaxChunkRows = 65536;

struct ChunkColumnStats {
  uint32_t null_count = 0;
  uint32_t value_count = 0;  // non-NULL rows
  // SINT64/TIMESTAMP: min/max/sum of the non-NULL values (the sum exact).
  int64_t imin = 0, imax = 0;
  __int128 isum = 0;
  // DOUBLE: min/max in the executor's order: NaN is greater than every number; among values
  // that compare equal (-0.0 == 0.0, or two NaNs) the first in row order is kept.
  double dmin = 0, dmax = 0;
  ExactSum dsum;  // exact sum of the non-NULL doubles
  // BOOLEAN: number of true values.
  uint32_t true_count = 0;
  // VARCHAR/BLOB: total length in bytes of the non-NULL values (what decoding the column
  // allocates for its strings).
  uint64_t total_bytes = 0;
};

struct ChunkEncodeOptions {
  // Optional: row -> series (any ids; rows of one series share an id). Numeric columns may then
  // be coded as deltas against the previous value of the same series, which pays when rows of
  // different series interleave (rows ordered by time, then by host). Empty: no series. When
  // given, it has num_rows entries.
  std::span<const uint32_t> series_of_row;
};

// Appends the encoding of rows [0, num_rows) of `columns` to *out, choosing each column's
// encoding. REQUIRES: num_rows <= kMaxChunkRows; each column's `type` set and its typed vector
// and `nulls` holding at least num_rows entries (NULL rows with any placeholder).
void EncodeChunk(std::span<const ColumnVector* const> columns, size_t num_rows, std::string* out,
                 const ChunkEncodeOptions& options = {});

// Per-column encodings (the `encoding` byte of a column descriptor, docs/formats/chunk.md).
enum class ColumnEncoding : uint8_t {
  kAllNull = 0,    // every row NULL (or no rows): no payload
  kInts = 1,       // SINT64/TIMESTAMP: one int stream
  kDecimal = 2,    // DOUBLE: decimal scaling to integers, plus exceptions
  kGorilla = 3,    // DOUBLE: XOR with the previous value
  kSplit = 4,      // DOUBLE: eight byte planes (usually with zstd)
  kDict = 5,       // VARCHAR/BLOB: sorted dictionary + codes
  kPlain = 6,      // VARCHAR/BLOB: lengths + bytes
  kBitmap = 7,     // BOOLEAN: one bit per row
  kConstBool = 8,  // BOOLEAN: every non-NULL value equal (which one: true_count)
};
// Flag on the encoding byte: the payload is zstd-compressed.
constexpr uint8_t kZstdFlag = 0x80;

class ChunkReader {
 public:
  // Validates the checksum, the header and that the column types equal `types`; kCorruption
  // otherwise. `bytes` must outlive the reader (nothing is copied).
  static Result<ChunkReader> Open(std::string_view bytes, std::span<const ColumnType> types);

  size_t num_rows() const { return num_rows_; }
  size_t num_columns() const { return columns_.size(); }
  // REQUIRES: column < num_columns().
  const ChunkColumnStats& stats(size_t column) const { return columns_[column].stats; }
  // The encoding chosen for a column (without kZstdFlag), and whether it is zstd-compressed.
  ColumnEncoding encoding(size_t column) const { return columns_[column].encoding; }
  bool compressed(size_t column) const { return columns_[column].zstd; }
  // Bytes of the column's payload in the chunk.
  size_t payload_size(size_t column) const { return columns_[column].payload.size(); }

  // Appends all num_rows() values of column `column` to *out (out->type set by the caller, equal
  // to the column's type): one entry per row in the typed vector and in `nulls`, exactly as
  // ColumnVector::Append would (NULL rows hold 0 / 0.0 / "" / false). Bit-exact for doubles
  // (NaN payloads, -0.0). kCorruption on malformed bytes (then *out is as before the call);
  // kInvalidArgument when `column` or out->type do not match.
  Status DecodeColumn(size_t column, ColumnVector* out) const;

  // Decodes a kDict column (encoding(column) == kDict) into the dictionary form of batch.h
  // without building one string per row: out->dict holds the chunk's sorted dictionary,
  // out->codes one code per row (every code < out->dict->size(), NULL rows included) and
  // out->nulls the NULL flags; out->strings stays empty. REQUIRES: *out holds no values yet
  // (a column is either wholly in dictionary form or wholly plain). kInvalidArgument for
  // another encoding or type, or a non-empty *out; kCorruption on malformed bytes (then *out
  // is left empty).
  Status DecodeDictionary(size_t column, ColumnVector* out) const;

 private:
  struct Column {
    ColumnType type = ColumnType::kVarchar;
    ColumnEncoding encoding = ColumnEncoding::kAllNull;
    bool zstd = false;
    ChunkColumnStats stats;
    std::string_view payload;
  };

  // The series section decoded into row predecessors, once, on first use by a column that
  // needs it (call_once keeps the const methods thread-safe; copies of a reader share it).
  struct SeriesCache {
    std::once_flag once;
    Status status;
    std::vector<uint32_t> pred;
  };

  Status DecodeValues(const Column& col, std::string_view in, ColumnVector* out) const;
  // The column's NULL flags into nulls[0, num_rows) and the payload past the NULL section.
  Status DecodeNullSection(const Column& col, std::string_view* in, uint8_t* nulls) const;
  Status DecodeSeries(std::vector<uint32_t>* pred) const;
  Status SeriesPredecessors(const uint32_t** pred) const;

  size_t num_rows_ = 0;
  uint32_t num_series_ = 0;
  std::string_view series_;  // the series section's int stream (empty when none)
  std::shared_ptr<SeriesCache> series_cache_;
  std::vector<Column> columns_;
};

}  // namespace quanta::storage
