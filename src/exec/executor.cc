#include "exec/executor.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "common/coding.h"
#include "exec/aggregate.h"
#include "exec/expr_eval.h"

namespace quanta::exec {

using storage::ColumnVector;
using storage::RowBatch;

namespace {

Status Timeout() { return Status(ErrorCode::kTimeout, "no response from backend"); }

// Approximate Erlang external-term size of a value, the unit Riak's result-size guard uses.
size_t TermSize(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull: return 1;
    case Value::Kind::kInt: return 9;
    case Value::Kind::kDouble: return 9;
    case Value::Kind::kBytes: return 5 + v.as_bytes().size();
    case Value::Kind::kBool: return 7;
  }
  return 1;
}

size_t RowTermSize(const Row& r) {
  size_t n = 5;
  for (const auto& v : r) n += TermSize(v);
  return n;
}

// A total order on doubles, so that sorting is a strict weak order whatever the data: -0.0 and
// 0.0 are equal (as in WHERE), every NaN is equal to every other NaN and greater than any
// number (NaNs sort last ascending, first descending).
int CompareDoubles(double a, double b) {
  const bool an = std::isnan(a), bn = std::isnan(b);
  if (an || bn) return an == bn ? 0 : (an ? 1 : -1);
  return a < b ? -1 : a > b;
}

// Total order on non-NULL values; values of different representations (never in one column)
// order by representation so that the comparator stays a strict weak order.
int CompareValues(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return a.kind() < b.kind() ? -1 : 1;
  switch (a.kind()) {
    case Value::Kind::kInt: return a.as_int() < b.as_int() ? -1 : a.as_int() > b.as_int();
    case Value::Kind::kDouble: return CompareDoubles(a.as_double(), b.as_double());
    case Value::Kind::kBytes: {
      int c = a.as_bytes().compare(b.as_bytes());
      return c < 0 ? -1 : c > 0;
    }
    case Value::Kind::kBool:
      return static_cast<int>(a.as_bool()) - static_cast<int>(b.as_bool());
    case Value::Kind::kNull: return 0;
  }
  return 0;
}

// GROUP BY key form of a double: -0.0 is 0.0 and all NaNs are one NaN, so that values that
// compare equal (and every NaN) fall into one group.
double GroupKeyDouble(double d) {
  if (d == 0.0) return 0.0;
  if (std::isnan(d)) return std::numeric_limits<double>::quiet_NaN();
  return d;
}

int64_t SaturatingAdd(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) return b > 0 ? INT64_MAX : INT64_MIN;
  return r;
}

// ---- memory estimates (what the containers hold; see common/memory.h) ----------------------
constexpr int64_t kAllocOverhead = 16;  // malloc header and rounding per allocation

int64_t ValueHeapBytes(const Value& v) {
  if (!v.is_bytes()) return 0;
  size_t cap = v.as_bytes().capacity();
  // Short strings live inside the Value (small-string optimisation).
  return cap > 15 ? static_cast<int64_t>(cap) + 1 + kAllocOverhead : 0;
}

// One row: its slot in the enclosing vector (twice, for the vector's growth slack), its value
// array and every string payload.
int64_t RowBytes(const Row& r) {
  int64_t n = 2 * static_cast<int64_t>(sizeof(Row)) + kAllocOverhead +
              static_cast<int64_t>(r.capacity() * sizeof(Value));
  for (const auto& v : r) n += ValueHeapBytes(v);
  return n;
}

// Grows and shrinks the request's reservation for one SELECT. Growth is gathered in chunks
// (one atomic update per chunk, not per row); whatever the run still holds is released when
// it ends, except the bytes of the result handed to the caller (Retain).
class MemoryTracker {
 public:
  explicit MemoryTracker(MemoryReservation* r) : r_(r) {}
  ~MemoryTracker() {
    if (r_) r_->Shrink(held_);
  }
  MemoryTracker(const MemoryTracker&) = delete;
  MemoryTracker& operator=(const MemoryTracker&) = delete;

  Status Grow(int64_t bytes, std::string_view what) {
    if (r_ == nullptr || bytes <= 0) return Status::OK();
    pending_ += bytes;
    if (pending_ < kChunk) return Status::OK();
    return Flush(what);
  }

  void Shrink(int64_t bytes) {
    if (r_ == nullptr || bytes <= 0) return;
    int64_t from_pending = std::min(bytes, pending_);
    pending_ -= from_pending;
    bytes -= from_pending;
    bytes = std::min(bytes, held_);
    held_ -= bytes;
    r_->Shrink(bytes);
  }

  // Leaves exactly `bytes` (the result's) in the reservation, owned by the caller from now on.
  Status Retain(int64_t bytes, std::string_view what) {
    if (r_ == nullptr) return Status::OK();
    pending_ = 0;
    if (bytes > held_) {
      QUANTA_RETURN_IF_ERROR(r_->Grow(bytes - held_, what));
    } else {
      r_->Shrink(held_ - bytes);
    }
    held_ = 0;
    return Status::OK();
  }

 private:
  static constexpr int64_t kChunk = 64 << 10;

  Status Flush(std::string_view what) {
    Status st = r_->Grow(pending_, what);
    if (!st.ok()) {
      pending_ = 0;
      return st;
    }
    held_ += pending_;
    pending_ = 0;
    return Status::OK();
  }

  MemoryReservation* r_;
  int64_t held_ = 0;     // in the reservation
  int64_t pending_ = 0;  // counted here, not yet in the reservation (< kChunk)
};

struct SortRow {
  Row out;    // projected row
  Row keys;   // ORDER BY values
};

int64_t SortRowBytes(const SortRow& r) { return RowBytes(r.out) + RowBytes(r.keys); }
size_t SortRowTermBytes(const SortRow& r) { return RowTermSize(r.out) + RowTermSize(r.keys) + 64; }

class RowSorter {
 public:
  explicit RowSorter(const std::vector<OrderKey>& keys) : keys_(keys) {}
  bool operator()(const SortRow& a, const SortRow& b) const {
    for (size_t i = 0; i < keys_.size(); ++i) {
      const Value& x = a.keys[i];
      const Value& y = b.keys[i];
      if (x.is_null() || y.is_null()) {
        if (x.is_null() && y.is_null()) continue;
        bool x_first = x.is_null() ? keys_[i].nulls_first : !keys_[i].nulls_first;
        return x_first;
      }
      int c = CompareValues(x, y);
      if (c == 0) continue;
      return keys_[i].desc ? c > 0 : c < 0;
    }
    return false;
  }

 private:
  const std::vector<OrderKey>& keys_;
};

struct Group {
  Row key_row;  // table-width row with the GROUP BY columns set
  std::vector<AggState> states;
};

class SelectRun {
 public:
  SelectRun(const BoundSelect& s, storage::Store& store, const ExecOptions& o, ExecCounters* c)
      : sel_(s), store_(store), opts_(o), counters_(c), mem_(o.memory) {}

  Result<ResultSet> Run(const std::vector<SubQuery>& plan) {
    ResultSet rs;
    for (size_t i = 0; i < sel_.names.size(); ++i) rs.columns.push_back({sel_.names[i], sel_.types[i]});
    mode_ = !sel_.group_by.empty() ? Mode::kGroup
            : sel_.is_aggregate    ? Mode::kAggregate
            : !sel_.order_by.empty() ? Mode::kSort
                                     : Mode::kStream;
    if (sel_.limit && *sel_.limit <= 0) return rs;  // LIMIT 0 or negative: no rows
    if (mode_ == Mode::kAggregate) total_states_.resize(sel_.aggregates.size());
    skip_ = std::max<int64_t>(sel_.offset.value_or(0), 0);
    // Rows a sort with LIMIT must keep: limit + offset, saturated (both are client numbers).
    if (sel_.limit) keep_ = static_cast<uint64_t>(SaturatingAdd(*sel_.limit, skip_));

    size_t done_bytes = 0;
    for (size_t q = 0; q < plan.size(); ++q) {
      size_t before = bytes_;
      QUANTA_RETURN_IF_ERROR(RunSubQuery(plan[q]));
      done_bytes += bytes_ - before;
      if (stop_) break;
      size_t n_done = q + 1, n_remaining = plan.size() - n_done;
      if (mode_ != Mode::kAggregate && n_done >= 2 && n_remaining > 0) {
        unsigned __int128 projected = static_cast<unsigned __int128>(done_bytes) +
                                      static_cast<unsigned __int128>(done_bytes / n_done) *
                                          n_remaining;
        const auto max_bytes = static_cast<unsigned __int128>(
            std::max<int64_t>(opts_.max_returned_data_size, 0));
        bool too_big = projected > max_bytes;
        if (too_big && sel_.limit && rows_seen_ > 0) {
          size_t avg_row = done_bytes / std::max<size_t>(rows_seen_, 1);
          too_big = static_cast<unsigned __int128>(*sel_.limit) * avg_row > max_bytes;
        }
        if (too_big) {
          return Status(ErrorCode::kResultTooBig, "Projected result of a SELECT query is too big");
        }
      }
    }
    return Finish(std::move(rs));
  }

 private:
  enum class Mode { kStream, kSort, kAggregate, kGroup };

  Status RunSubQuery(const SubQuery& sq) {
    storage::ScanRange range;
    range.partition = sq.partition;
    range.time_lo = sq.start;
    range.time_lo_inclusive = sq.start_inclusive;
    range.time_hi = sq.end;
    range.time_hi_inclusive = sq.end_inclusive;
    storage::ScanOptions so;
    so.columns = sel_.needed_columns;
    so.batch_rows = opts_.batch_rows;
    so.cancelled = opts_.cancelled;
    QUANTA_ASSIGN_OR_RETURN(auto cursor, store_.Scan(*sel_.table, range, so));
    std::vector<AggState> partial;
    if (mode_ == Mode::kAggregate) partial.resize(sel_.aggregates.size());
    RowBatch batch;
    std::vector<uint32_t> rows;
    while (true) {
      if (std::chrono::steady_clock::now() > opts_.deadline) return Timeout();
      if (opts_.cancelled && opts_.cancelled->load(std::memory_order_relaxed)) return Timeout();
      QUANTA_ASSIGN_OR_RETURN(bool more, cursor->Next(&batch));
      if (batch.num_rows > 0) {
        counters_->rows_scanned += batch.num_rows;
        SelectRows(sel_.filter, batch, &rows);
        if (!rows.empty()) {
          switch (mode_) {
            case Mode::kStream: QUANTA_RETURN_IF_ERROR(Stream(batch, rows)); break;
            case Mode::kSort: QUANTA_RETURN_IF_ERROR(Sort(batch, rows)); break;
            case Mode::kAggregate: QUANTA_RETURN_IF_ERROR(Aggregate(batch, rows, &partial)); break;
            case Mode::kGroup: QUANTA_RETURN_IF_ERROR(GroupRows(batch, rows)); break;
          }
        }
      }
      if (!more || stop_) break;
    }
    // A cancelled cursor ends early without an error: never return its partial result.
    if (opts_.cancelled && opts_.cancelled->load(std::memory_order_relaxed)) return Timeout();
    if (mode_ == Mode::kAggregate) {
      for (size_t i = 0; i < partial.size(); ++i) AggCombine(sel_.aggregates[i], partial[i], &total_states_[i]);
    }
    return Status::OK();
  }

  Result<Row> Project(const RowBatch& b, uint32_t r) {
    Row out;
    out.reserve(sel_.items.size());
    for (const auto& item : sel_.items) {
      if (item.kind == BoundExpr::Kind::kColumn) {
        out.push_back(b.columns[item.column].Get(r));
      } else {
        QUANTA_ASSIGN_OR_RETURN(Value v, EvalExpr(item, &b, r, nullptr));
        out.push_back(std::move(v));
      }
    }
    return out;
  }

  Status Stream(const RowBatch& b, const std::vector<uint32_t>& rows) {
    for (uint32_t r : rows) {
      rows_seen_++;
      if (skip_ > 0) {
        skip_--;
        continue;
      }
      QUANTA_ASSIGN_OR_RETURN(Row out, Project(b, r));
      QUANTA_RETURN_IF_ERROR(mem_.Grow(RowBytes(out), "the result"));
      bytes_ += RowTermSize(out);
      out_rows_.push_back(std::move(out));
      if (sel_.limit && static_cast<int64_t>(out_rows_.size()) >= *sel_.limit) {
        stop_ = true;
        return Status::OK();
      }
    }
    return Status::OK();
  }

  Status SortBudgetError() const {
    return Status(ErrorCode::kQbufCreate,
                  "Failed to set up query buffer for an ORDER BY query (the sort exceeds the "
                  "memory budget of " + std::to_string(opts_.sort_memory_budget_bytes) +
                      " bytes; " +
                      (sel_.limit ? "lower LIMIT/OFFSET" : "add a LIMIT") +
                      " or raise sort_memory_budget)");
  }

  Status Sort(const RowBatch& b, const std::vector<uint32_t>& rows) {
    for (uint32_t r : rows) {
      rows_seen_++;
      SortRow sr;
      QUANTA_ASSIGN_OR_RETURN(sr.out, Project(b, r));
      sr.keys.reserve(sel_.order_by.size());
      for (const auto& k : sel_.order_by) sr.keys.push_back(b.columns[k.column].Get(r));
      QUANTA_RETURN_IF_ERROR(mem_.Grow(SortRowBytes(sr), "sorting"));
      bytes_ += RowTermSize(sr.out);
      sort_bytes_ += SortRowTermBytes(sr);
      sorted_.push_back(std::move(sr));
    }
    const auto budget = static_cast<size_t>(std::max<int64_t>(opts_.sort_memory_budget_bytes, 0));
    if (sel_.limit) {
      // Bounded top-k: keep only the first offset+limit rows once the buffer doubles, or
      // sooner when it passes the byte budget.
      uint64_t k = keep_;
      uint64_t twice = k > UINT64_MAX / 2 ? UINT64_MAX : 2 * k;
      if (sorted_.size() >= std::max<uint64_t>(twice, 4096) ||
          (sort_bytes_ > budget && sorted_.size() > k)) {
        Truncate(k);
      }
    }
    // The budget holds with or without LIMIT: with one, only when the limit+offset rows the
    // client asked for do not fit.
    if (sort_bytes_ > budget) return SortBudgetError();
    return Status::OK();
  }

  void Truncate(uint64_t k) {
    if (sorted_.size() <= k) return;
    RowSorter less(sel_.order_by);
    // Stable selection of the k smallest: stable_sort keeps arrival order among equals.
    std::stable_sort(sorted_.begin(), sorted_.end(), less);
    int64_t dropped = 0;
    for (size_t i = k; i < sorted_.size(); ++i) {
      dropped += SortRowBytes(sorted_[i]);
      sort_bytes_ -= SortRowTermBytes(sorted_[i]);
    }
    sorted_.resize(k);
    mem_.Shrink(dropped);
  }

  Status UpdateAggregates(const RowBatch& b, const std::vector<uint32_t>& rows,
                          std::vector<AggState>* states) {
    for (size_t a = 0; a < sel_.aggregates.size(); ++a) {
      const BoundAggregate& agg = sel_.aggregates[a];
      AggState* s = &(*states)[a];
      if (agg.fn == AggFn::kCountStar) {
        AggUpdateCountStar(s, static_cast<int64_t>(rows.size()));
        continue;
      }
      if (agg.arg.kind == BoundExpr::Kind::kColumn) {
        // Typed fast path over the column vector.
        const ColumnVector& col = b.columns[agg.arg.column];
        const bool has_nulls = !col.nulls.empty();
        if (agg.fn == AggFn::kCount) {
          for (uint32_t r : rows) s->count += (has_nulls && col.nulls[r]) ? 0 : 1;
        } else if (IsIntegerType(col.type)) {
          for (uint32_t r : rows) {
            if (!(has_nulls && col.nulls[r])) AggUpdateInt(agg, col.ints[r], s);
          }
        } else if (col.type == ColumnType::kDouble) {
          for (uint32_t r : rows) {
            if (!(has_nulls && col.nulls[r])) AggUpdateDouble(agg, col.doubles[r], s);
          }
        } else {
          for (uint32_t r : rows) AggUpdate(agg, col.Get(r), s);
        }
        continue;
      }
      for (uint32_t r : rows) {
        QUANTA_ASSIGN_OR_RETURN(Value v, EvalExpr(agg.arg, &b, r, nullptr));
        AggUpdate(agg, v, s);
      }
    }
    return Status::OK();
  }

  Status Aggregate(const RowBatch& b, const std::vector<uint32_t>& rows,
                   std::vector<AggState>* partial) {
    rows_seen_ += rows.size();
    return UpdateAggregates(b, rows, partial);
  }

  // Appends row r's GROUP BY values to `key` straight from the column vectors (no Value copies).
  void GroupKeyOf(const RowBatch& b, uint32_t r, std::string* key) const {
    key->clear();
    for (int g : sel_.group_by) {
      const ColumnVector& col = b.columns[g];
      if (!col.nulls.empty() && col.nulls[r]) {
        key->push_back(static_cast<char>(Value::Kind::kNull));
        continue;
      }
      switch (col.type) {
        case ColumnType::kSint64:
        case ColumnType::kTimestamp:
          key->push_back(static_cast<char>(Value::Kind::kInt));
          coding::PutFixed64BE(key, static_cast<uint64_t>(col.ints[r]));
          break;
        case ColumnType::kDouble:
          key->push_back(static_cast<char>(Value::Kind::kDouble));
          coding::PutFixed64BE(key, coding::DoubleBits(GroupKeyDouble(col.doubles[r])));
          break;
        case ColumnType::kVarchar:
        case ColumnType::kBlob:
          key->push_back(static_cast<char>(Value::Kind::kBytes));
          coding::PutLengthPrefixed(key, col.strings[r]);
          break;
        case ColumnType::kBoolean:
          key->push_back(static_cast<char>(Value::Kind::kBool));
          key->push_back(col.bools[r] ? 1 : 0);
          break;
      }
    }
  }

  // The bytes one group holds: its key in the index (hash node and string), its key row, its
  // aggregate states and its slot in the per-batch row lists.
  int64_t GroupBytes(const std::string& key, const Group& g) const {
    constexpr int64_t kIndexNode = sizeof(std::string) + sizeof(size_t) + 2 * sizeof(void*) +
                                   kAllocOverhead + sizeof(void*) /* bucket */;
    int64_t n = kIndexNode + (key.size() > 15 ? static_cast<int64_t>(key.size()) + 1 + kAllocOverhead : 0);
    n += RowBytes(g.key_row);
    n += static_cast<int64_t>(g.states.capacity() * sizeof(AggState)) + kAllocOverhead;
    n += 2 * static_cast<int64_t>(sizeof(Group) + sizeof(std::vector<uint32_t>));
    return n;
  }

  Status GroupRows(const RowBatch& b, const std::vector<uint32_t>& rows) {
    // Partition the selected rows by group key, then update each group with its rows.
    group_rows_.resize(groups_.size());
    std::vector<size_t> touched;
    std::string key;
    for (uint32_t r : rows) {
      rows_seen_++;
      GroupKeyOf(b, r, &key);
      auto it = group_index_.find(key);
      size_t gi;
      if (it == group_index_.end()) {
        Group g;
        g.key_row.resize(sel_.table->columns.size());
        for (int c : sel_.group_by) {
          const ColumnVector& col = b.columns[c];
          bool null = !col.nulls.empty() && col.nulls[r];
          g.key_row[c] = (col.type == ColumnType::kDouble && !null)
                             ? Value::Double(GroupKeyDouble(col.doubles[r]))
                             : col.Get(r);
        }
        g.states.resize(sel_.aggregates.size());
        int64_t gb = GroupBytes(key, g);
        QUANTA_RETURN_IF_ERROR(mem_.Grow(gb, "grouping"));
        group_bytes_ += gb;
        gi = groups_.size();
        group_index_.emplace(key, gi);
        groups_.push_back(std::move(g));
        bytes_ += 64 + key.size();
      } else {
        gi = it->second;
      }
      if (gi >= group_rows_.size()) group_rows_.resize(gi + 1);
      if (group_rows_[gi].empty()) touched.push_back(gi);
      group_rows_[gi].push_back(r);
    }
    for (size_t gi : touched) {
      QUANTA_RETURN_IF_ERROR(UpdateAggregates(b, group_rows_[gi], &groups_[gi].states));
      group_rows_[gi].clear();
    }
    return Status::OK();
  }

  Result<Row> FinalRow(const std::vector<AggState>& states, const Row* key_row) {
    std::vector<Value> aggs;
    aggs.reserve(sel_.aggregates.size());
    for (size_t a = 0; a < sel_.aggregates.size(); ++a) {
      QUANTA_ASSIGN_OR_RETURN(Value v, AggFinalize(sel_.aggregates[a], states[a]));
      aggs.push_back(std::move(v));
    }
    Row out;
    out.reserve(sel_.items.size());
    for (const auto& item : sel_.items) {
      QUANTA_ASSIGN_OR_RETURN(Value v, EvalExpr(item, nullptr, 0, &aggs, key_row));
      out.push_back(std::move(v));
    }
    return out;
  }

  Result<ResultSet> Finish(ResultSet rs) {
    switch (mode_) {
      case Mode::kStream: rs.rows = std::move(out_rows_); break;
      case Mode::kAggregate: {
        QUANTA_ASSIGN_OR_RETURN(Row r, FinalRow(total_states_, nullptr));
        QUANTA_RETURN_IF_ERROR(mem_.Grow(RowBytes(r), "the result"));
        rs.rows.push_back(std::move(r));
        break;
      }
      case Mode::kGroup:
        for (const auto& g : groups_) {
          QUANTA_ASSIGN_OR_RETURN(Row r, FinalRow(g.states, &g.key_row));
          QUANTA_RETURN_IF_ERROR(mem_.Grow(RowBytes(r), "the result"));
          rs.rows.push_back(std::move(r));
        }
        groups_.clear();
        groups_.shrink_to_fit();
        group_index_.clear();
        group_rows_.clear();
        mem_.Shrink(group_bytes_);
        break;
      case Mode::kSort: {
        RowSorter less(sel_.order_by);
        std::stable_sort(sorted_.begin(), sorted_.end(), less);
        const size_t size = sorted_.size();
        // OFFSET and LIMIT are client numbers: clamp, never add them.
        const size_t begin = static_cast<uint64_t>(skip_) < size ? static_cast<size_t>(skip_) : size;
        size_t end = size;
        if (sel_.limit && static_cast<uint64_t>(*sel_.limit) < size - begin) {
          end = begin + static_cast<size_t>(*sel_.limit);
        }
        rs.rows.reserve(end - begin);
        for (size_t i = begin; i < end; ++i) rs.rows.push_back(std::move(sorted_[i].out));
        break;
      }
    }
    // The result stays in the request's reservation until the caller has sent it; everything
    // else the run counted is released with it.
    int64_t result_bytes = 0;
    for (const auto& r : rs.rows) result_bytes += RowBytes(r);
    QUANTA_RETURN_IF_ERROR(mem_.Retain(result_bytes, "the result"));
    return rs;
  }

  const BoundSelect& sel_;
  storage::Store& store_;
  const ExecOptions& opts_;
  ExecCounters* counters_;
  MemoryTracker mem_;
  Mode mode_ = Mode::kStream;
  bool stop_ = false;
  int64_t skip_ = 0;
  uint64_t keep_ = 0;            // ORDER BY ... LIMIT: limit + offset rows, saturated
  size_t bytes_ = 0;
  size_t rows_seen_ = 0;
  size_t sort_bytes_ = 0;
  int64_t group_bytes_ = 0;
  std::vector<Row> out_rows_;
  std::vector<SortRow> sorted_;
  std::vector<AggState> total_states_;
  std::vector<Group> groups_;
  std::unordered_map<std::string, size_t> group_index_;
  std::vector<std::vector<uint32_t>> group_rows_;  // per group: this batch's rows (reused)
};

}  // namespace

Result<ResultSet> ExecuteSelect(const BoundSelect& select, const std::vector<SubQuery>& plan,
                                storage::Store& store, const ExecOptions& options,
                                ExecCounters* counters) {
  ExecCounters local;
  SelectRun run(select, store, options, counters ? counters : &local);
  return run.Run(plan);
}

}  // namespace quanta::exec
