#include "storage/engine/slices.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <utility>

namespace quanta::storage::internal {

namespace {

int64_t Clamp(__int128 v) {
  return static_cast<int64_t>(std::clamp<__int128>(v, std::numeric_limits<int64_t>::min(),
                                                   std::numeric_limits<int64_t>::max()));
}

class Concat final : public ScanCursor {
 public:
  Concat(std::vector<ScanRange> ranges, OpenCursorFn open)
      : ranges_(std::move(ranges)), open_(std::move(open)) {}

  Result<bool> Next(RowBatch* batch) override {
    while (true) {
      if (!current_) {
        if (next_ == ranges_.size()) return false;  // the last cursor left `batch` empty
        QUANTA_ASSIGN_OR_RETURN(current_, open_(ranges_[next_]));
        ++next_;
      }
      QUANTA_ASSIGN_OR_RETURN(bool more, current_->Next(batch));
      if (more) return true;
      current_.reset();
    }
  }

 private:
  const std::vector<ScanRange> ranges_;
  const OpenCursorFn open_;
  size_t next_ = 0;
  std::unique_ptr<ScanCursor> current_;
};

}  // namespace

std::vector<ScanRange> SliceRanges(const TableLayout& l, const ScanRange& range) {
  const schema::Quantum* tq = l.table.quantum();
  if (l.slices <= 1 || tq == nullptr || range.partition.empty() ||
      !range.partition.back().is_int()) {
    return {range};
  }
  const __int128 whole = tq->Millis();
  const int64_t slice = l.partition_ms;
  const int64_t start = tq->StartOf(range.partition.back().as_int());
  // The times the table quantum holds (Quantum::StartOf truncates towards zero, as Riak).
  __int128 tmin, tmax;
  if (start > 0) {
    tmin = start;
    tmax = static_cast<__int128>(start) + whole - 1;
  } else if (start == 0) {
    tmin = 1;  // and not below: a TIMESTAMP is positive (schema::RowIsValid)
    tmax = whole - 1;
  } else {
    tmin = static_cast<__int128>(start) - whole + 1;
    tmax = start;
  }
  if (range.time_lo) {
    tmin = std::max<__int128>(tmin, static_cast<__int128>(*range.time_lo) +
                                        (range.time_lo_inclusive ? 0 : 1));
  }
  if (range.time_hi) {
    tmax = std::min<__int128>(tmax, static_cast<__int128>(*range.time_hi) -
                                        (range.time_hi_inclusive ? 0 : 1));
  }
  if (tmin > tmax) return {range};  // nothing can match: one (empty) scan says so
  auto slice_start = [&](int64_t t) { return t - t % slice; };
  const int64_t first = slice_start(Clamp(tmin));
  const int64_t last = slice_start(Clamp(tmax));
  std::vector<ScanRange> out;
  for (__int128 s = first; s <= last; s += slice) {
    ScanRange r = range;
    r.partition.back() = Value::Int(static_cast<int64_t>(s));
    out.push_back(std::move(r));
  }
  if (l.keys.time_desc()) std::reverse(out.begin(), out.end());
  return out;
}

std::unique_ptr<ScanCursor> ConcatCursor(std::vector<ScanRange> ranges, OpenCursorFn open) {
  return std::make_unique<Concat>(std::move(ranges), std::move(open));
}

Result<std::vector<Row>> ListTableQuanta(const TableLayout& l, int64_t quantum_lo,
                                         int64_t quantum_hi, size_t max, size_t max_steps,
                                         const ListFn& list) {
  const schema::Quantum* tq = l.table.quantum();
  if (l.slices <= 1 || tq == nullptr) return list(quantum_lo, quantum_hi, max, max_steps);
  // A table quantum starting at s holds the partitions starting at s, s + slice, ... up to
  // s + quantum - slice (a TIMESTAMP is positive: schema::RowIsValid), at most `slices`; so a
  // walk that finds more than (max + 1) * slices partitions found more than max + 1 quanta.
  const size_t per = static_cast<size_t>(l.slices);
  const size_t sat = std::numeric_limits<size_t>::max();
  const size_t sub_max = max >= sat / per - 1 ? sat - 1 : (max + 1) * per;
  const size_t sub_steps = max_steps >= sat / per ? sat : max_steps * per;
  const int64_t lo = quantum_lo;
  const int64_t hi = Clamp(static_cast<__int128>(quantum_hi) + (tq->Millis() - l.partition_ms));
  QUANTA_ASSIGN_OR_RETURN(std::vector<Row> parts, list(lo, hi, sub_max, sub_steps));
  // In key order, the slices of one table quantum of one series are neighbours.
  std::vector<Row> out;
  for (Row& p : parts) {
    const int64_t start = tq->StartOf(p.back().as_int());
    if (start < quantum_lo || start > quantum_hi) continue;
    p.back() = Value::Int(start);
    if (!out.empty() && out.back() == p) continue;
    out.push_back(std::move(p));
    if (out.size() > max) break;
  }
  return out;
}

}  // namespace quanta::storage::internal
