// Conversions between wire cells (pb::TsCell) and quanta::Value / ResultSet.
//
// Requests: the server looks only at which field is set (a sint64_value cell is accepted for a
// TIMESTAMP column and vice versa). Responses: the cell field follows the column type
// (spec wire_protocol.md 2.4 rule 7): TIMESTAMP -> timestamp_value, SINT64 -> sint64_value,
// DOUBLE -> double_value, BOOLEAN -> boolean_value, VARCHAR/BLOB -> varchar_value, NULL -> empty.
//
// Thread safety: stateless.
#pragma once

#include <vector>

#include <string>

#include "common/memory.h"
#include "common/result_set.h"
#include "common/status.h"
#include "common/value.h"
#include "wire/pb/pb_messages.h"

namespace quanta::wire::pb {

Value ValueFromCell(const TsCell& cell);
Row RowFromCells(const TsRow& cells);
// The same, moving the cells' strings instead of copying them (the put path).
Row RowFromCells(TsRow&& cells);

// The cell for `v` in a column of type `type`. A value whose kind does not fit the type is
// written by its own kind (int -> sint64_value, ...).
TsCell CellFromValue(const Value& v, ColumnType type);
TsRow CellsFromRow(const Row& row, const std::vector<ColumnType>& types);
// Request cells chosen by value kind only (ints as sint64_value, as Python and Node send them).
TsRow CellsFromValues(const Row& row);

std::vector<TsColumnDescription> ColumnDescriptions(const std::vector<ColumnDesc>& columns);
std::vector<ColumnType> ColumnTypes(const std::vector<ColumnDesc>& columns);

// The complete TsQueryResp frame (header included) for `result`, written straight from its rows:
// the same bytes as EncodeFrame(kTsQueryResp, Encode(resp)) for the TsQueryResp built with
// ColumnDescriptions/CellsFromRow (no columns when there are no rows), without the
// intermediate message and string copies. The frame is charged to `memory` (may be null) as
// it fills and each row is freed (and its estimated size given back) once encoded, so the peak
// is about the result plus the frame; on return `memory` holds about the frame. On a refusal
// (kMemoryLimit) some rows may already be freed: the result is then only fit for an error.
Status EncodeQueryRespFrame(ResultSet* result, MemoryReservation* memory, std::string* frame);

// Estimated heap bytes a row holds (vector, values, out-of-line strings).
size_t ApproxRowMemory(const Row& row);

// A PB response (columns + rows) as a ResultSet.
ResultSet ResultSetFromPb(const std::vector<TsColumnDescription>& columns,
                          const std::vector<TsRow>& rows);

}  // namespace quanta::wire::pb
