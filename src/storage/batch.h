// RowBatch: a batch of rows in columnar form, the unit the storage scan hands to the executor.
//
// One ColumnVector per table column (indexed by the table's column index). Only the columns the
// scan was asked for are filled; the others have size 0. Within a filled vector, entry i belongs
// to row i. Integers (SINT64, TIMESTAMP) live in `ints`, doubles in `doubles`, VARCHAR/BLOB in
// `strings`, booleans in `bools` (0/1); `nulls[i]` is 1 when row i is NULL in that column.
// Only the vector matching the column type is used.
//
// Dictionary form (VARCHAR/BLOB, optional): a producer that keeps a column dictionary-encoded
// may hand it over as is: `dict` holds the distinct strings (shared by every batch cut from the
// same encoded column, so that consumers can cache work per dictionary entry), `codes[i]` is row
// i's index into it, and `strings` stays empty. The producer guarantees codes[i] < dict->size()
// for every row, NULL rows included (their code is any valid one, e.g. 0). Get, StringAt and
// every consumer in the executor read both forms; Append needs the plain form.
//
// Summary batches (aggregate pushdown): when the scan was asked with
// ScanOptions::allow_summaries, a cursor may describe a run of rows by their statistics instead
// of their values: `summary` is set, `num_rows` is the number of rows in the run, no column
// vector holds values, and `summaries[c]` describes column c for every column the scan was asked
// to fill. The executor folds such a batch into its aggregates exactly as it would fold those
// rows one by one.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/exact_sum.h"
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
  // Dictionary form (see above): set only by producers that choose it.
  std::shared_ptr<const std::vector<std::string>> dict;
  std::vector<uint32_t> codes;

  void Clear() {
    ints.clear();
    doubles.clear();
    strings.clear();
    bools.clear();
    nulls.clear();
    dict.reset();
    codes.clear();
  }
  // Row i's string in either form. REQUIRES: VARCHAR/BLOB, row i not NULL.
  const std::string& StringAt(size_t i) const { return dict ? (*dict)[codes[i]] : strings[i]; }
  // Appends one value (REQUIRES: v is NULL or matches `type`; the plain form).
  void Append(const Value& v);
  // Value of row i as a Value (slow path; for results and tests).
  Value Get(size_t i) const;
};

// Statistics of the non-NULL values of one column over the `num_rows` rows of a summary batch.
// Only the fields of the column's type are meaningful (COUNT works for every type).
struct ColumnSummary {
  uint64_t count = 0;              // non-NULL values
  int64_t imin = 0, imax = 0;      // SINT64/TIMESTAMP (when count > 0)
  __int128 isum = 0;               // SINT64/TIMESTAMP, exact
  // DOUBLE (when count > 0), ordered as MIN/MAX order them: NaN above every number, and among
  // values that compare equal (-0.0 and 0.0, or two NaNs) the first in row order.
  double dmin = 0, dmax = 0;
  ExactSum dsum;                   // DOUBLE, exact
};

struct RowBatch {
  size_t num_rows = 0;
  std::vector<ColumnVector> columns;
  // A summary batch (see the top of this file): no values, one summary per table column, valid
  // for the columns the scan was asked to fill. Reset clears the flag, not the summaries.
  bool summary = false;
  std::vector<ColumnSummary> summaries;

  // Prepares an empty batch for a table with these column types; `wanted[i]` says whether
  // column i is to be filled (an empty `wanted` fills every column). Filled columns keep one
  // entry per row in their typed vector, NULL rows included (0 / empty placeholder).
  void Reset(const std::vector<ColumnType>& types, const std::vector<bool>& wanted);
  // After Reset: turns the batch into a summary of `rows` rows with every summary zeroed
  // (the cursor then fills the wanted columns' summaries).
  void MakeSummary(size_t rows);
  void Clear();
  // Row i with every filled column (NULL for unfilled ones).
  Row GetRow(size_t i) const;
};

}  // namespace quanta::storage
