// Row codec: the stored value of a row = its non-key columns (docs/formats/row_encoding.md).
//
//   value = version u8 (1) | NULL bitmap of the nullable non-key columns | fields
//
// RowCodec holds one table's layout, computed once; it is immutable after construction and may
// be shared between threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/value.h"
#include "schema/table_def.h"
#include "storage/batch.h"

namespace quanta::storage {

inline constexpr uint8_t kRowFormatVersion = 1;

class RowCodec {
 public:
  struct Field {
    int column = 0;                 // table column index
    ColumnType type = ColumnType::kVarchar;
    int null_bit = -1;              // bit in the NULL bitmap, -1 for NOT NULL columns
  };

  explicit RowCodec(const schema::TableDef& table);

  // Appends the value bytes of `row` (table column order) to `*out`.
  // REQUIRES: schema::RowIsValid(table, row).
  void Encode(const Row& row, std::string* out) const;

  // Sets the non-key columns of `*row` (which must have one entry per table column) from
  // `value`. Key columns are left untouched. kCorruption if `value` does not decode.
  Status Decode(std::string_view value, Row* row) const;

  // Appends the non-key columns of one row to the filled columns of `batch` (unfilled columns
  // are skipped). Returns false if `value` does not decode (the batch is then inconsistent).
  bool DecodeInto(std::string_view value, RowBatch* batch) const;

  // Appends the non-key columns of `row` (table column order) to the filled columns of
  // `batch` exactly as DecodeInto appends them from Encode(row): without the bytes in between.
  // REQUIRES: schema::RowIsValid(table, row).
  void AppendInto(const Row& row, RowBatch* batch) const;

  const std::vector<Field>& fields() const { return fields_; }
  size_t bitmap_bytes() const { return bitmap_bytes_; }

 private:
  std::vector<Field> fields_;
  size_t bitmap_bytes_ = 0;
};

}  // namespace quanta::storage
