// RowBatch: a batch of rows in columnar form, the unit the storage scan hands to the executor.
//
// One ColumnVector per table column (indexed by the table's column index). Only the columns the
// scan was asked for are filled; the others have size 0. Within a filled vector, entry i belongs
// to row i. Integers (SINT64, TIMESTAMP) live in `ints`, doubles in `doubles`, VARCHAR/BLOB in
// `strings`, booleans in `bools` (0/1); `nulls[i]` is 1 when row i is NULL in that column.
// Only the vector matching the column type is used.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/value.h"

namespace quanta::storage {

struct ColumnVector {
  ColumnType type = ColumnType::kVarchar;
  bool filled = false;
  std::vector<int64_t> ints;
  std::vector<double> doubles;
  std::vector<std::string> strings;
  std::vector<uint8_t> bools;
  std::vector<uint8_t> nulls;

  void Clear() {
    ints.clear();
    doubles.clear();
    strings.clear();
    bools.clear();
    nulls.clear();
  }
  // Appends one value (REQUIRES: v is NULL or matches `type`).
  void Append(const Value& v);
  // Value of row i as a Value (slow path; for results and tests).
  Value Get(size_t i) const;
};

struct RowBatch {
  size_t num_rows = 0;
  std::vector<ColumnVector> columns;

  // Prepares an empty batch for a table with these column types; `wanted[i]` says whether
  // column i is to be filled (an empty `wanted` fills every column). Filled columns keep one
  // entry per row in their typed vector, NULL rows included (0 / empty placeholder).
  void Reset(const std::vector<ColumnType>& types, const std::vector<bool>& wanted);
  void Clear();
  // Row i with every filled column (NULL for unfilled ones).
  Row GetRow(size_t i) const;
};

}  // namespace quanta::storage
