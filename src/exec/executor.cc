#include "exec/executor.h"

#include <algorithm>
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

int CompareValues(const Value& a, const Value& b) {
  if (a.is_int() && b.is_int()) return a.as_int() < b.as_int() ? -1 : a.as_int() > b.as_int();
  if (a.is_double() && b.is_double()) {
    return a.as_double() < b.as_double() ? -1 : a.as_double() > b.as_double();
  }
  if (a.is_bytes() && b.is_bytes()) {
    int c = a.as_bytes().compare(b.as_bytes());
    return c < 0 ? -1 : c > 0;
  }
  if (a.is_bool() && b.is_bool()) return static_cast<int>(a.as_bool()) - static_cast<int>(b.as_bool());
  return 0;
}

struct SortRow {
  Row out;    // projected row
  Row keys;   // ORDER BY values
};

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
      : sel_(s), store_(store), opts_(o), counters_(c) {}

  Result<ResultSet> Run(const std::vector<SubQuery>& plan) {
    ResultSet rs;
    for (size_t i = 0; i < sel_.names.size(); ++i) rs.columns.push_back({sel_.names[i], sel_.types[i]});
    mode_ = !sel_.group_by.empty() ? Mode::kGroup
            : sel_.is_aggregate    ? Mode::kAggregate
            : !sel_.order_by.empty() ? Mode::kSort
                                     : Mode::kStream;
    if (sel_.limit && *sel_.limit <= 0) return rs;  // LIMIT 0 or negative: no rows
    if (mode_ == Mode::kAggregate) total_states_.resize(sel_.aggregates.size());
    skip_ = sel_.offset.value_or(0);

    size_t done_bytes = 0;
    for (size_t q = 0; q < plan.size(); ++q) {
      size_t before = bytes_;
      QUANTA_RETURN_IF_ERROR(RunSubQuery(plan[q]));
      done_bytes += bytes_ - before;
      if (stop_) break;
      size_t n_done = q + 1, n_remaining = plan.size() - n_done;
      if (mode_ != Mode::kAggregate && n_done >= 2 && n_remaining > 0) {
        size_t projected = done_bytes + (done_bytes / n_done) * n_remaining;
        bool too_big = projected > static_cast<size_t>(opts_.max_returned_data_size);
        if (too_big && sel_.limit && n_done > 0 && rows_seen_ > 0) {
          size_t avg_row = done_bytes / std::max<size_t>(rows_seen_, 1);
          too_big = static_cast<size_t>(*sel_.limit) * avg_row >
                    static_cast<size_t>(opts_.max_returned_data_size);
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
      bytes_ += RowTermSize(out);
      out_rows_.push_back(std::move(out));
      if (sel_.limit && static_cast<int64_t>(out_rows_.size()) >= *sel_.limit) {
        stop_ = true;
        return Status::OK();
      }
    }
    return Status::OK();
  }

  Status Sort(const RowBatch& b, const std::vector<uint32_t>& rows) {
    for (uint32_t r : rows) {
      rows_seen_++;
      SortRow sr;
      QUANTA_ASSIGN_OR_RETURN(sr.out, Project(b, r));
      for (const auto& k : sel_.order_by) sr.keys.push_back(b.columns[k.column].Get(r));
      size_t sz = RowTermSize(sr.out);
      bytes_ += sz;
      sort_bytes_ += sz + RowTermSize(sr.keys) + 64;
      sorted_.push_back(std::move(sr));
    }
    if (sel_.limit) {
      // Bounded top-k: keep only the first offset+limit rows once the buffer doubles.
      size_t k = static_cast<size_t>(*sel_.limit + sel_.offset.value_or(0));
      if (sorted_.size() >= std::max<size_t>(2 * k, 4096)) Truncate(k);
    } else if (sort_bytes_ > static_cast<size_t>(opts_.sort_memory_budget_bytes)) {
      return Status(ErrorCode::kQbufCreate,
                    "Failed to set up query buffer for an ORDER BY query (the sort exceeds the "
                    "memory budget of " + std::to_string(opts_.sort_memory_budget_bytes) +
                    " bytes; add a LIMIT or raise sort_memory_budget)");
    }
    return Status::OK();
  }

  void Truncate(size_t k) {
    if (sorted_.size() <= k) return;
    RowSorter less(sel_.order_by);
    // Stable selection of the k smallest: stable_sort keeps arrival order among equals.
    std::stable_sort(sorted_.begin(), sorted_.end(), less);
    sorted_.resize(k);
    sort_bytes_ = 0;
    for (const auto& r : sorted_) sort_bytes_ += RowTermSize(r.out) + RowTermSize(r.keys) + 64;
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
          coding::PutFixed64BE(key, coding::DoubleBits(col.doubles[r]));
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
        gi = groups_.size();
        group_index_.emplace(key, gi);
        Group g;
        g.key_row.resize(sel_.table->columns.size());
        for (int c : sel_.group_by) g.key_row[c] = b.columns[c].Get(r);
        g.states.resize(sel_.aggregates.size());
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
    for (size_t a = 0; a < sel_.aggregates.size(); ++a) {
      aggs.push_back(AggFinalize(sel_.aggregates[a], states[a]));
    }
    Row out;
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
        rs.rows.push_back(std::move(r));
        break;
      }
      case Mode::kGroup:
        for (const auto& g : groups_) {
          QUANTA_ASSIGN_OR_RETURN(Row r, FinalRow(g.states, &g.key_row));
          rs.rows.push_back(std::move(r));
        }
        break;
      case Mode::kSort: {
        RowSorter less(sel_.order_by);
        std::stable_sort(sorted_.begin(), sorted_.end(), less);
        size_t begin = std::min<size_t>(sorted_.size(), static_cast<size_t>(sel_.offset.value_or(0)));
        size_t end = sorted_.size();
        if (sel_.limit) end = std::min<size_t>(end, begin + static_cast<size_t>(*sel_.limit));
        for (size_t i = begin; i < end; ++i) rs.rows.push_back(std::move(sorted_[i].out));
        break;
      }
    }
    return rs;
  }

  const BoundSelect& sel_;
  storage::Store& store_;
  const ExecOptions& opts_;
  ExecCounters* counters_;
  Mode mode_ = Mode::kStream;
  bool stop_ = false;
  int64_t skip_ = 0;
  size_t bytes_ = 0;
  size_t rows_seen_ = 0;
  size_t sort_bytes_ = 0;
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
