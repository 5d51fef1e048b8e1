// TEMPORARY local placeholder (raw encoding) until the codec branch is merged. Not committed.
#pragma once
#include <span>
#include <string>
#include <string_view>
#include <vector>
#include "common/exact_sum.h"
#include "common/status.h"
#include "storage/batch.h"
namespace quanta::storage {
struct ChunkColumnStats {
  uint32_t null_count = 0;
  uint32_t value_count = 0;
  int64_t imin = 0, imax = 0;
  __int128 isum = 0;
  double dmin = 0, dmax = 0;
  ExactSum dsum;
  uint32_t true_count = 0;
};
struct ChunkEncodeOptions {
  std::span<const uint32_t> series_of_row;
};
void EncodeChunk(std::span<const ColumnVector* const> columns, size_t num_rows, std::string* out,
                 const ChunkEncodeOptions& options = {});
class ChunkReader {
 public:
  static Result<ChunkReader> Open(std::string_view bytes, std::span<const ColumnType> types);
  size_t num_rows() const { return rows_; }
  size_t num_columns() const { return cols_.size(); }
  const ChunkColumnStats& stats(size_t c) const { return stats_[c]; }
  Status DecodeColumn(size_t column, ColumnVector* out) const;
 private:
  size_t rows_ = 0;
  std::vector<std::string_view> cols_;
  std::vector<ColumnType> types_;
  std::vector<ChunkColumnStats> stats_;
};
}  // namespace quanta::storage
