#include "schema/time_slices.h"

namespace quanta::schema {

namespace {

const PropValue* FindSlices(const std::vector<std::pair<std::string, PropValue>>& props) {
  const PropValue* found = nullptr;
  for (const auto& [k, v] : props) {
    if (k == kTimeSlicesProp) found = &v;  // the last one given wins, as elsewhere
  }
  return found;
}

Status Invalid(const PropValue& v, const std::string& why) {
  return ParseError("Invalid value for table property " + std::string(kTimeSlicesProp) + ": '" +
                    v.Render() + "' (" + why + ")");
}

}  // namespace

int64_t TimeSlices(const TableDef& table) {
  const PropValue* p = FindSlices(table.properties);
  if (p == nullptr || p->kind != PropValue::Kind::kInt || table.quantum() == nullptr) return 1;
  if (p->i < 1 || p->i > kMaxTimeSlices) return 1;  // refused by ValidateTimeSlices
  return p->i;
}

std::optional<Quantum> StorageQuantum(const TableDef& table) {
  const Quantum* q = table.quantum();
  if (q == nullptr) return std::nullopt;
  const int64_t slices = TimeSlices(table);
  if (slices == 1) return *q;
  const int64_t ms = q->Millis() / slices;
  if (ms % 1000 != 0 || q->Millis() % slices != 0) return *q;  // refused by ValidateTimeSlices
  return Quantum{.size = ms / 1000, .unit = 's'};
}

Status ValidateTimeSlices(const TableDef& table) {
  const PropValue* p = FindSlices(table.properties);
  if (p == nullptr) return Status::OK();
  if (p->kind != PropValue::Kind::kInt || p->i < 1 || p->i > kMaxTimeSlices) {
    return Invalid(*p, "expected an integer from 1 to " + std::to_string(kMaxTimeSlices));
  }
  const Quantum* q = table.quantum();
  if (q == nullptr) {
    if (p->i == 1) return Status::OK();
    return Invalid(*p, "table " + table.name + " has no quantum to slice");
  }
  const int64_t ms = q->Millis();
  if (ms % p->i != 0 || (ms / p->i) % 1000 != 0) {
    return Invalid(*p, "the quantum of " + std::to_string(q->size) + q->unit +
                           " does not divide into that many whole seconds");
  }
  return Status::OK();
}

Status CheckTimeSlicesUnchanged(const TableDef& table,
                                const std::vector<std::pair<std::string, PropValue>>& changes) {
  const PropValue* p = FindSlices(changes);
  if (p == nullptr) return Status::OK();
  if (p->kind == PropValue::Kind::kInt && p->i == TimeSlices(table)) return Status::OK();
  return ParseError("Table property " + std::string(kTimeSlicesProp) +
                    " cannot be changed by ALTER TABLE: it decides where the rows of " +
                    table.name + " are stored (it is " + std::to_string(TimeSlices(table)) + ")");
}

}  // namespace quanta::schema
