// Time slices (a Quanta extension): the `time_slices` table property stores each quantum of a
// table as that many partitions, each covering an equal, contiguous part of the quantum's time.
//
// What it is for: a partition is the unit of storage placement. In cluster mode it is one RADOS
// object, which one placement group (one primary OSD) serves; Ceph warns about objects past
// 200,000 omap keys or 1 GiB of values. A table whose series write very many rows per quantum
// (a long quantum, a high rate) splits each quantum into slices so that no object grows past
// that. Queries see no difference: the quantum stays what CREATE TABLE says (the quanta limit,
// the coverage API and the sub-queries count table quanta); a sub-query reads its slices in
// order, one after the other.
//
// Set at CREATE TABLE only (it decides where rows are stored): ALTER TABLE may repeat the
// value but not change it. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "schema/table_def.h"

namespace quanta::schema {

inline constexpr std::string_view kTimeSlicesProp = "time_slices";
inline constexpr int64_t kMaxTimeSlices = 1000;

// The number of slices per quantum: the property's value, 1 when absent (or for a table
// without a quantum).
int64_t TimeSlices(const TableDef& table);

// The quantum partitions are stored by: the table's quantum divided by TimeSlices (in
// seconds), or the table's quantum itself; nullopt for a table without a quantum.
std::optional<Quantum> StorageQuantum(const TableDef& table);

// Checks `time_slices` among `table`'s properties: an integer from 1 to kMaxTimeSlices, on a
// table with a quantum, dividing the quantum into whole seconds. 1020 naming the property.
Status ValidateTimeSlices(const TableDef& table);

// ALTER TABLE: `time_slices` among `changes` must equal the table's current value (1020).
Status CheckTimeSlicesUnchanged(const TableDef& table,
                                const std::vector<std::pair<std::string, PropValue>>& changes);

}  // namespace quanta::schema
