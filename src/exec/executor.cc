#include "exec/executor.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "common/coding.h"
#include "exec/aggregate.h"
#include "exec/expr_eval.h"
#include "exec/group_update.h"
#include "exec/memory_tracker.h"
#include "exec/planner.h"
#include "exec/scan_pool.h"

namespace quanta::exec {

using storage::ColumnVector;
using storage::RowBatch;

namespace {

using internal::MemoryCounter;
using internal::MemoryTracker;
using internal::kAllocOverhead;
using internal::RowBytes;

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

// Rows kept for ORDER BY, with what they count against the sort budget.
struct SortBuffer {
  std::vector<SortRow> rows;
  size_t term_bytes = 0;  // SortRowTermBytes of `rows`

  // Keeps the first k rows in sort order; stable, so that equal rows keep arrival order (the
  // stable top k of A ++ B is the stable top k of topk(A) ++ topk(B): partials may truncate).
  void Truncate(const std::vector<OrderKey>& keys, uint64_t k, MemoryCounter* mem) {
    if (rows.size() <= k) return;
    std::stable_sort(rows.begin(), rows.end(), RowSorter(keys));
    int64_t dropped = 0;
    for (size_t i = k; i < rows.size(); ++i) {
      dropped += SortRowBytes(rows[i]);
      term_bytes -= SortRowTermBytes(rows[i]);
    }
    rows.resize(k);
    mem->Shrink(dropped);
  }
};

struct Group {
  std::string key;  // GroupKeyOf's encoding of the GROUP BY values
  Row key_row;      // table-width row with the GROUP BY columns set
  std::vector<AggState> states;
};

// Groups in first-seen order. A deque, so that the index's views of the keys stay valid.
struct GroupTable {
  std::deque<Group> groups;
  std::unordered_map<std::string_view, size_t> index;
};

// One sub-query's result. Built by one worker, then merged into the query's in plan order.
struct Partial {
  explicit Partial(MemoryTracker* t) : mem(t) {}

  // Stops the scan: a sub-query before this one failed, or the query has all it needs.
  std::atomic<bool> cancel{false};
  bool done = false;      // the worker has finished (guarded by the run's mutex)
  Status status;
  MemoryCounter mem;      // what the data below holds
  size_t rows_seen = 0;   // kSort, kGroup, kAggregate: rows that passed the filter
  size_t term_bytes = 0;  // kSort: RowTermSize of every projected row
  bool full = false;      // kStream: holds every row the LIMIT can still take
  // kStream: projected rows in scan order. A row whose projection failed is an empty Row whose
  // error is listed in `row_errors` (an OFFSET may yet skip it); the partial ends at such a row
  // once no OFFSET can skip it.
  std::vector<Row> rows;
  std::vector<std::pair<size_t, Status>> row_errors;
  SortBuffer sort;                // kSort
  std::vector<AggState> states;   // kAggregate
  GroupTable groups;              // kGroup
};

bool HasAggregate(const BoundExpr& e) {
  if (e.kind == BoundExpr::Kind::kAggregate) return true;
  return std::any_of(e.children.begin(), e.children.end(),
                     [](const BoundExpr& c) { return HasAggregate(c); });
}

// What a failed projection placeholder holds (kStream).
int64_t ErrorRowBytes(const Status& st) {
  return RowBytes(Row{}) + static_cast<int64_t>(sizeof(std::pair<size_t, Status>)) +
         static_cast<int64_t>(st.message().size() + st.detail().size()) + 2 * kAllocOverhead;
}

Status Cancelled() { return Status(ErrorCode::kInternal, "sub-query cancelled"); }

// The state helper tasks share with their query. A helper may start after the query ended; it
// then finds `closed` and returns without touching the query.
struct RunShared {
  std::mutex mu;
  std::condition_variable cv;
  bool closed = false;      // GUARDED_BY(mu)
  int running = 0;          // helpers inside the query; GUARDED_BY(mu)
  class SelectRun* run = nullptr;
};

class SelectRun {
 public:
  SelectRun(const BoundSelect& s, const std::vector<SubQuery>& plan, storage::Store& store,
            const ExecOptions& o)
      : sel_(s), plan_(plan), store_(store), opts_(o), tracker_(o.memory),
        shared_(std::make_shared<RunShared>()), mem_(&tracker_) {
    shared_->run = this;
    for (const auto& agg : sel_.aggregates) agg_heap_bytes_ += AggStateHeapBytes(agg);
  }

  Result<ResultSet> Run(uint64_t* rows_scanned) {
    ResultSet rs;
    for (size_t i = 0; i < sel_.names.size(); ++i) rs.columns.push_back({sel_.names[i], sel_.types[i]});
    mode_ = !sel_.group_by.empty() ? Mode::kGroup
            : sel_.is_aggregate    ? Mode::kAggregate
            : !sel_.order_by.empty() ? Mode::kSort
                                     : Mode::kStream;
    if (sel_.limit && *sel_.limit <= 0) return rs;  // LIMIT 0 or negative: no rows
    if (mode_ == Mode::kAggregate) total_states_.resize(sel_.aggregates.size());
    skip_ = std::max<int64_t>(sel_.offset.value_or(0), 0);
    // Rows a sort (or a stream) with LIMIT must keep: limit + offset, saturated (both are
    // client numbers).
    if (sel_.limit) keep_ = static_cast<uint64_t>(SaturatingAdd(*sel_.limit, skip_));
    if (mode_ == Mode::kStream && sel_.limit) stream_room_.store(keep_);
    skip_bound_.store(static_cast<uint64_t>(skip_));
    summaries_ = mode_ == Mode::kAggregate && sel_.filter.kind == BoundCond::Kind::kTrue &&
                 std::all_of(sel_.aggregates.begin(), sel_.aggregates.end(), AggTakesSummaries);
    CollectScanBounds(sel_.filter, &skip_unless_);

    n_ = plan_.size();
    fail_at_ = n_;
    partials_.resize(n_);
    const size_t pool_threads = opts_.pool ? opts_.pool->threads() : 0;
    max_helpers_ = n_ > 1 ? std::min(pool_threads, n_ - 1) : 0;
    // Sub-queries claimed but not yet merged. Stream mode keeps it to one per thread so that a
    // LIMIT never has the query scan far past it; the others allow some slack for a slow head.
    window_ = (mode_ == Mode::kStream ? 1 : 2) * (1 + max_helpers_);
    // A LIMIT without ORDER BY is most often filled by the first sub-query: run that one alone
    // and fan out only if it falls short (a sub-query running ahead decodes at least a batch,
    // up to a whole chunk, that would be thrown away).
    if (mode_ == Mode::kStream && sel_.limit) {
      full_window_ = window_;
      window_ = 1;
    }
    {
      std::unique_lock lock(shared_->mu);
      TopUpHelpers();
      Work(lock, /*caller=*/true);
      Close(lock);
    }
    *rows_scanned = rows_scanned_.load(std::memory_order_relaxed);
    if (!final_status_.ok()) return final_status_;
    return Finish(std::move(rs));
  }

 private:
  enum class Mode { kStream, kSort, kAggregate, kGroup };

  // ---- scheduling (all under shared_->mu) --------------------------------------------------

  bool Finished() const { return halted_ || merged_ == n_; }

  // Sub-queries that may be claimed now.
  size_t Claimable() const {
    if (halted_) return 0;
    size_t end = std::min({n_, merged_ + window_, fail_at_});
    return next_ < end ? end - next_ : 0;
  }

  // Queues helpers for the pool while there is work for them: each runs one sub-query and
  // returns its pool thread (queuing a successor if there is more), so queries sharing the pool
  // take turns.
  void TopUpHelpers() {
    if (opts_.pool == nullptr || shared_->closed) return;
    while (helpers_queued_ + static_cast<size_t>(shared_->running) < max_helpers_ &&
           helpers_queued_ < Claimable()) {
      ++helpers_queued_;
      opts_.pool->Submit([sh = shared_] { Help(sh); });
    }
  }

  static void Help(const std::shared_ptr<RunShared>& sh) {
    std::unique_lock lock(sh->mu);
    if (sh->closed) return;
    SelectRun* run = sh->run;
    run->helpers_queued_--;
    sh->running++;
    run->Work(lock, /*caller=*/false);
    sh->running--;
    run->TopUpHelpers();
    sh->cv.notify_all();
  }

  // The caller runs sub-queries (and waits for the helpers') until the query is finished; a
  // helper runs at most one. Merging is done by whichever thread completes the next partial in
  // plan order.
  void Work(std::unique_lock<std::mutex>& lock, bool caller) {
    for (;;) {
      if (Finished()) return;
      if (Claimable() > 0) {
        const size_t i = next_++;
        partials_[i] = std::make_unique<Partial>(&tracker_);
        Partial* p = partials_[i].get();
        lock.unlock();
        RunPartial(plan_[i], p);
        lock.lock();
        p->done = true;
        if (!p->status.ok() && i < fail_at_) {
          // What comes after a failure cannot matter: stop it. What comes before still can
          // (an earlier failure wins), so it runs on.
          fail_at_ = i;
          CancelFrom(i + 1);
        }
        MergeReady(lock);
        TopUpHelpers();
        shared_->cv.notify_all();
        if (!caller) return;
        continue;
      }
      if (!caller) return;
      shared_->cv.wait(lock);
    }
  }

  void CancelFrom(size_t from) {
    for (size_t k = std::max(from, merged_); k < next_; ++k) {
      if (partials_[k]) partials_[k]->cancel.store(true, std::memory_order_relaxed);
    }
  }

  void Halt(Status st) {
    halted_ = true;
    final_status_ = std::move(st);
    CancelFrom(merged_);
  }

  // Merges finished partials in plan order, one thread at a time.
  void MergeReady(std::unique_lock<std::mutex>& lock) {
    if (merging_) return;  // the merging thread will find this partial ready too
    merging_ = true;
    while (!halted_ && merged_ < n_ && partials_[merged_] && partials_[merged_]->done) {
      const size_t i = merged_;
      std::unique_ptr<Partial> p = std::move(partials_[i]);
      lock.unlock();
      bool stop = false;
      Status st = p->status.ok() ? Merge(i, p.get(), &stop) : p->status;
      p->mem.ReleaseAll();  // what was not handed over to the merged result
      p.reset();
      lock.lock();
      merged_ = i + 1;
      if (!st.ok()) {
        Halt(std::move(st));
      } else if (stop) {
        Halt(Status::OK());
      } else {
        window_ = std::max(window_, full_window_);
      }
    }
    merging_ = false;
  }

  // Waits for the helpers still inside the query and drops what was never merged.
  void Close(std::unique_lock<std::mutex>& lock) {
    shared_->closed = true;
    CancelFrom(merged_);
    shared_->cv.wait(lock, [&] { return shared_->running == 0; });
    for (auto& p : partials_) {
      if (p) p->mem.ReleaseAll();
    }
    partials_.clear();
  }

  // ---- one sub-query ------------------------------------------------------------------------

  void RunPartial(const SubQuery& sq, Partial* p) {
    p->status = Scan(sq, p);
    if (p->status.ok()) {
      p->status = p->mem.Settle(mode_ == Mode::kSort    ? "sorting"
                                : mode_ == Mode::kGroup ? "grouping"
                                                        : "the result");
    }
    if (!p->status.ok()) {
      // Dropped now rather than at the merge, so that it does not hold memory meanwhile.
      p->mem.ReleaseAll();
      p->rows = {};
      p->sort.rows = {};
      p->groups = {};
    }
  }

  bool Stopped(const Partial* p) const {
    return p->cancel.load(std::memory_order_relaxed) ||
           (opts_.cancelled && opts_.cancelled->load(std::memory_order_relaxed));
  }

  Status Scan(const SubQuery& sq, Partial* p) {
    const storage::ScanRange range = ScanRangeOf(sq);
    storage::ScanOptions so;
    so.columns = sel_.needed_columns;
    so.batch_rows = opts_.batch_rows;
    so.cancelled = &p->cancel;
    so.allow_summaries = summaries_;
    so.allow_dictionary = true;  // every consumer below reads both forms
    so.skip_unless = skip_unless_;
    QUANTA_ASSIGN_OR_RETURN(auto cursor, store_.Scan(*sel_.table, range, so));
    if (mode_ == Mode::kAggregate) p->states.resize(sel_.aggregates.size());
    RowBatch batch;
    std::vector<uint32_t> rows;
    GroupScratch scratch;
    while (true) {
      if (std::chrono::steady_clock::now() > opts_.deadline) return Timeout();
      if (Stopped(p)) break;
      QUANTA_ASSIGN_OR_RETURN(bool more, cursor->Next(&batch));
      if (batch.num_rows > 0) {
        rows_scanned_.fetch_add(batch.num_rows, std::memory_order_relaxed);
        if (batch.summary) {
          p->rows_seen += batch.num_rows;  // summaries are only used without a filter
          QUANTA_RETURN_IF_ERROR(FoldSummary(batch, &p->states));
        } else {
          SelectRows(sel_.filter, batch, &rows);
          if (!rows.empty()) {
            switch (mode_) {
              case Mode::kStream: QUANTA_RETURN_IF_ERROR(Stream(batch, rows, p)); break;
              case Mode::kSort: QUANTA_RETURN_IF_ERROR(Sort(batch, rows, p)); break;
              case Mode::kAggregate:
                p->rows_seen += rows.size();
                QUANTA_RETURN_IF_ERROR(UpdateAggregates(batch, rows, &p->states));
                break;
              case Mode::kGroup: QUANTA_RETURN_IF_ERROR(GroupRows(batch, rows, p, &scratch)); break;
            }
          }
        }
      }
      if (!more || p->full) break;
    }
    if (scratch.update) scratch.update->Flush(scratch.states);  // before the states are read
    // A cursor stopped early ends without an error: never return its partial result.
    if (opts_.cancelled && opts_.cancelled->load(std::memory_order_relaxed)) return Timeout();
    if (p->cancel.load(std::memory_order_relaxed)) return Cancelled();
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

  Status Stream(const RowBatch& b, const std::vector<uint32_t>& rows, Partial* p) {
    for (uint32_t r : rows) {
      // The LIMIT takes at most `room` more rows from here on (it only shrinks as earlier
      // partials are merged).
      if (p->rows.size() >= stream_room_.load(std::memory_order_relaxed)) {
        p->full = true;
        return Status::OK();
      }
      auto out = Project(b, r);
      if (!out.ok()) {
        // Sequentially the row would be skipped by OFFSET unprojected, or fail the query.
        // Which one is known at the merge; past any OFFSET it fails, and nothing after it counts.
        const bool past_offset = p->rows.size() >= skip_bound_.load(std::memory_order_relaxed);
        QUANTA_RETURN_IF_ERROR(p->mem.Grow(ErrorRowBytes(out.error()), "the result"));
        p->row_errors.emplace_back(p->rows.size(), out.error());
        p->rows.emplace_back();
        if (past_offset) {
          p->full = true;
          return Status::OK();
        }
        continue;
      }
      QUANTA_RETURN_IF_ERROR(p->mem.Grow(RowBytes(*out), "the result"));
      p->rows.push_back(std::move(out).value());
    }
    // Without another batch when this one filled the room.
    if (p->rows.size() >= stream_room_.load(std::memory_order_relaxed)) p->full = true;
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

  size_t SortBudget() const {
    return static_cast<size_t>(std::max<int64_t>(opts_.sort_memory_budget_bytes, 0));
  }

  // Bounded top-k: keep only the first offset+limit rows once the buffer doubles, or sooner
  // when it passes the byte budget. The budget holds with or without LIMIT: with one, only when
  // the limit+offset rows the client asked for do not fit.
  Status BoundSort(SortBuffer* buf, MemoryCounter* mem) {
    if (sel_.limit) {
      uint64_t k = keep_;
      uint64_t twice = k > UINT64_MAX / 2 ? UINT64_MAX : 2 * k;
      if (buf->rows.size() >= std::max<uint64_t>(twice, 4096) ||
          (buf->term_bytes > SortBudget() && buf->rows.size() > k)) {
        buf->Truncate(sel_.order_by, k, mem);
      }
    }
    if (buf->term_bytes > SortBudget()) return SortBudgetError();
    return Status::OK();
  }

  Status Sort(const RowBatch& b, const std::vector<uint32_t>& rows, Partial* p) {
    size_t added = 0;
    for (uint32_t r : rows) {
      p->rows_seen++;
      SortRow sr;
      QUANTA_ASSIGN_OR_RETURN(sr.out, Project(b, r));
      sr.keys.reserve(sel_.order_by.size());
      for (const auto& k : sel_.order_by) sr.keys.push_back(b.columns[k.column].Get(r));
      QUANTA_RETURN_IF_ERROR(p->mem.Grow(SortRowBytes(sr), "sorting"));
      p->term_bytes += RowTermSize(sr.out);
      const size_t tb = SortRowTermBytes(sr);
      p->sort.term_bytes += tb;
      added += tb;
      p->sort.rows.push_back(std::move(sr));
    }
    if (!sel_.limit) {
      // Without LIMIT every row is kept, so the rows of all sub-queries together are what the
      // budget bounds: stop as soon as they pass it, whichever sub-query holds them.
      size_t total = sort_total_.fetch_add(added, std::memory_order_relaxed) + added;
      if (total > SortBudget()) return SortBudgetError();
    }
    return BoundSort(&p->sort, &p->mem);
  }

  Status UpdateAggregates(const RowBatch& b, std::span<const uint32_t> rows,
                          std::vector<AggState>* states) {
    for (size_t a = 0; a < sel_.aggregates.size(); ++a) {
      QUANTA_RETURN_IF_ERROR(UpdateAggregate(b, rows, a, &(*states)[a]));
    }
    return Status::OK();
  }

  Status UpdateAggregate(const RowBatch& b, std::span<const uint32_t> rows, size_t a,
                         AggState* s) {
    const BoundAggregate& agg = sel_.aggregates[a];
    if (agg.fn == AggFn::kCountStar) {
      AggUpdateCountStar(s, static_cast<int64_t>(rows.size()));
      return Status::OK();
    }
    if (agg.arg.kind == BoundExpr::Kind::kColumn) {
      // Typed kernels over the column vector.
      const ColumnVector& col = b.columns[agg.arg.column];
      if (agg.fn == AggFn::kCount) {
        AggUpdateCountColumn(col.nulls, rows, s);
      } else if (IsIntegerType(col.type)) {
        AggUpdateIntColumn(agg, col.ints, col.nulls, rows, s);
      } else if (col.type == ColumnType::kDouble) {
        AggUpdateDoubleColumn(agg, col.doubles, col.nulls, rows, s);
      } else {
        for (uint32_t r : rows) AggUpdate(agg, col.Get(r), s);
      }
      return Status::OK();
    }
    for (uint32_t r : rows) {
      QUANTA_ASSIGN_OR_RETURN(Value v, EvalExpr(agg.arg, &b, r, nullptr));
      AggUpdate(agg, v, s);
    }
    return Status::OK();
  }

  // A summary batch stands for its rows (only asked for when every aggregate takes summaries).
  Status FoldSummary(const RowBatch& b, std::vector<AggState>* states) {
    if (!summaries_ || b.summaries.size() != sel_.table->columns.size()) {
      return Status(ErrorCode::kInternal, "storage returned a summary batch that was not asked for");
    }
    static const storage::ColumnSummary kNone;
    for (size_t a = 0; a < sel_.aggregates.size(); ++a) {
      const BoundAggregate& agg = sel_.aggregates[a];
      const storage::ColumnSummary& col =
          agg.fn == AggFn::kCountStar ? kNone : b.summaries[agg.arg.column];
      AggUpdateSummary(agg, col, b.num_rows, &(*states)[a]);
    }
    return Status::OK();
  }

  // The value group item gi groups an integer by: itself, or for GROUP BY time(col, N)
  // (Riak TS 1.6) the start of its bucket, t - t rem N as Riak's quantum computes it.
  int64_t GroupInt(size_t gi, int64_t v) const {
    const int64_t width = gi < sel_.group_bucket_ms.size() ? sel_.group_bucket_ms[gi] : 0;
    return width > 0 ? v - v % width : v;
  }

  // Appends row r's GROUP BY values to `key` straight from the column vectors (no Value copies).
  void GroupKeyOf(const RowBatch& b, uint32_t r, std::string* key) const {
    key->clear();
    for (size_t gi = 0; gi < sel_.group_by.size(); ++gi) {
      const ColumnVector& col = b.columns[sel_.group_by[gi]];
      if (!col.nulls.empty() && col.nulls[r]) {
        key->push_back(static_cast<char>(Value::Kind::kNull));
        continue;
      }
      switch (col.type) {
        case ColumnType::kSint64:
        case ColumnType::kTimestamp:
          key->push_back(static_cast<char>(Value::Kind::kInt));
          coding::PutFixed64BE(key, static_cast<uint64_t>(GroupInt(gi, col.ints[r])));
          break;
        case ColumnType::kDouble:
          key->push_back(static_cast<char>(Value::Kind::kDouble));
          coding::PutFixed64BE(key, coding::DoubleBits(GroupKeyDouble(col.doubles[r])));
          break;
        case ColumnType::kVarchar:
        case ColumnType::kBlob:
          key->push_back(static_cast<char>(Value::Kind::kBytes));
          coding::PutLengthPrefixed(key, col.StringAt(r));
          break;
        case ColumnType::kBoolean:
          key->push_back(static_cast<char>(Value::Kind::kBool));
          key->push_back(col.bools[r] ? 1 : 0);
          break;
      }
    }
  }

  // The bytes one group holds: its key and its index entry, its key row, its aggregate states
  // (with their exact double sums), its slot in the per-batch row lists and in GroupedUpdate
  // (whose bins are bounded apart, GroupedUpdate::kMaxBinBytes per worker).
  int64_t GroupBytes(const Group& g) const {
    constexpr int64_t kIndexNode = sizeof(std::string_view) + sizeof(size_t) + 2 * sizeof(void*) +
                                   kAllocOverhead + sizeof(void*) /* bucket */;
    int64_t n = kIndexNode + static_cast<int64_t>(sizeof(Group)) +
                (g.key.size() > 15 ? static_cast<int64_t>(g.key.size()) + 1 + kAllocOverhead : 0);
    n += RowBytes(g.key_row);
    n += static_cast<int64_t>(g.states.capacity() * sizeof(AggState)) + kAllocOverhead +
         agg_heap_bytes_;
    n += 2 * static_cast<int64_t>(sizeof(std::vector<uint32_t>));
    n += static_cast<int64_t>(sizeof(AggState*) + 2 * sizeof(uint32_t));  // GroupedUpdate's
    return n;
  }

  // A worker's buffers for GroupRows, reused across batches.
  struct GroupScratch {
    // The aggregates that have column kernels over many groups, and what they stage.
    std::optional<GroupedUpdate> update;
    std::vector<AggState*> states;                  // per group: its states
    std::vector<uint32_t> gid;                      // per selected row: its group
    std::vector<std::vector<uint32_t>> group_rows;  // per group: this batch's rows (the others)
    std::vector<size_t> touched;
    std::string key;
    // GROUP BY one dictionary-form column: the group of each dictionary entry (-1: not seen
    // yet), kept while the batches share the dictionary; and the group of NULL.
    std::shared_ptr<const std::vector<std::string>> dict;
    std::vector<int64_t> code_group;
    int64_t null_group = -1;
  };

  // Dictionaries up to this size get a code -> group table (larger ones use the string keys).
  static constexpr size_t kMaxCodeTable = 1 << 16;

  // The group of row r, created on first sight (first-seen order).
  Result<size_t> GroupOf(const RowBatch& b, uint32_t r, GroupTable* t, Partial* p,
                         GroupScratch* sc) {
    GroupKeyOf(b, r, &sc->key);
    auto it = t->index.find(sc->key);
    if (it != t->index.end()) return it->second;
    Group g;
    g.key = sc->key;
    g.key_row.resize(sel_.table->columns.size());
    for (size_t gi = 0; gi < sel_.group_by.size(); ++gi) {
      const int c = sel_.group_by[gi];
      const ColumnVector& col = b.columns[c];
      bool null = !col.nulls.empty() && col.nulls[r];
      g.key_row[c] = (col.type == ColumnType::kDouble && !null)
                         ? Value::Double(GroupKeyDouble(col.doubles[r]))
                         : col.Get(r);
      // GROUP BY time(c, N): the group's value is its bucket start.
      if (!null && g.key_row[c].is_int()) g.key_row[c] = Value::Int(GroupInt(gi, col.ints[r]));
    }
    g.states.resize(sel_.aggregates.size());
    QUANTA_RETURN_IF_ERROR(p->mem.Grow(GroupBytes(g), "grouping"));
    const size_t gi = t->groups.size();
    t->groups.push_back(std::move(g));
    t->index.emplace(t->groups.back().key, gi);
    sc->group_rows.resize(gi + 1);
    sc->states.push_back(t->groups.back().states.data());  // stays put: the deque never moves it
    return gi;
  }

  Status GroupRows(const RowBatch& b, const std::vector<uint32_t>& rows, Partial* p,
                   GroupScratch* sc) {
    // The group of each selected row; then the aggregates with column kernels are updated a
    // column at a time over all the rows, and the others group by group with its rows.
    GroupTable& t = p->groups;
    const ColumnVector* by_code = nullptr;
    if (sel_.group_by.size() == 1) {
      const ColumnVector& col = b.columns[sel_.group_by[0]];
      if (col.dict && col.dict->size() <= kMaxCodeTable) by_code = &col;
    }
    if (by_code != nullptr && sc->dict != by_code->dict) {
      sc->dict = by_code->dict;
      sc->code_group.assign(sc->dict->size(), -1);
    }
    sc->gid.resize(rows.size());
    for (size_t k = 0; k < rows.size(); ++k) {
      const uint32_t r = rows[k];
      size_t gi;
      if (by_code != nullptr) {
        // One string key per dictionary entry (and per partial), not per row.
        const bool null = !by_code->nulls.empty() && by_code->nulls[r];
        int64_t* slot = null ? &sc->null_group : &sc->code_group[by_code->codes[r]];
        if (*slot < 0) {
          QUANTA_ASSIGN_OR_RETURN(size_t g, GroupOf(b, r, &t, p, sc));
          *slot = static_cast<int64_t>(g);
        }
        gi = static_cast<size_t>(*slot);
      } else {
        QUANTA_ASSIGN_OR_RETURN(gi, GroupOf(b, r, &t, p, sc));
      }
      sc->gid[k] = static_cast<uint32_t>(gi);
    }
    p->rows_seen += rows.size();
    if (!sc->update) sc->update.emplace(sel_.aggregates);
    sc->update->Update(b, rows, sc->gid, sc->states);
    if (sc->update->HandlesAll()) return Status::OK();
    sc->touched.clear();
    for (size_t k = 0; k < rows.size(); ++k) {
      const uint32_t gi = sc->gid[k];
      if (sc->group_rows[gi].empty()) sc->touched.push_back(gi);
      sc->group_rows[gi].push_back(rows[k]);
    }
    for (size_t gi : sc->touched) {
      for (size_t a = 0; a < sel_.aggregates.size(); ++a) {
        if (sc->update->Handles(a)) continue;
        QUANTA_RETURN_IF_ERROR(
            UpdateAggregate(b, sc->group_rows[gi], a, &t.groups[gi].states[a]));
      }
      sc->group_rows[gi].clear();
    }
    return Status::OK();
  }

  // ---- merging, in plan order (one thread at a time) ----------------------------------------

  Status Merge(size_t i, Partial* p, bool* stop) {
    size_t added_bytes = 0;  // toward the projected result size (1022)
    p->mem.TransferTo(&mem_);
    switch (mode_) {
      case Mode::kStream: {
        size_t e = 0;  // next entry of row_errors
        for (size_t k = 0; k < p->rows.size(); ++k) {
          Row& row = p->rows[k];
          const bool failed = e < p->row_errors.size() && p->row_errors[e].first == k;
          rows_seen_++;
          consumed_++;
          if (skip_ > 0) {
            skip_--;
            mem_.Shrink(failed ? ErrorRowBytes(p->row_errors[e].second) : RowBytes(row));
            if (failed) e++;
            continue;
          }
          if (failed) return p->row_errors[e].second;
          added_bytes += RowTermSize(row);
          out_rows_.push_back(std::move(row));
          if (sel_.limit && static_cast<int64_t>(out_rows_.size()) >= *sel_.limit) {
            // Done: what the partial holds beyond the limit goes.
            for (size_t rest = k + 1; rest < p->rows.size(); ++rest) {
              const bool f = e < p->row_errors.size() && p->row_errors[e].first == rest;
              mem_.Shrink(f ? ErrorRowBytes(p->row_errors[e].second) : RowBytes(p->rows[rest]));
              if (f) e++;
            }
            *stop = true;
            return Status::OK();
          }
        }
        if (sel_.limit) stream_room_.store(keep_ - std::min<uint64_t>(consumed_, keep_));
        skip_bound_.store(static_cast<uint64_t>(skip_));
        break;
      }
      case Mode::kSort: {
        rows_seen_ += p->rows_seen;
        added_bytes = p->term_bytes;
        sort_.term_bytes += p->sort.term_bytes;
        if (sort_.rows.empty()) {
          sort_.rows = std::move(p->sort.rows);
        } else {
          std::move(p->sort.rows.begin(), p->sort.rows.end(), std::back_inserter(sort_.rows));
        }
        QUANTA_RETURN_IF_ERROR(BoundSort(&sort_, &mem_));
        break;
      }
      case Mode::kAggregate:
        rows_seen_ += p->rows_seen;
        for (size_t a = 0; a < p->states.size(); ++a) {
          AggCombine(sel_.aggregates[a], p->states[a], &total_states_[a]);
        }
        break;
      case Mode::kGroup: {
        rows_seen_ += p->rows_seen;
        for (Group& g : p->groups.groups) {
          auto it = groups_.index.find(g.key);
          if (it == groups_.index.end()) {
            added_bytes += 64 + g.key.size();
            group_bytes_ += GroupBytes(g);
            const size_t gi = groups_.groups.size();
            groups_.groups.push_back(std::move(g));
            groups_.index.emplace(groups_.groups.back().key, gi);
          } else {
            Group& into = groups_.groups[it->second];
            for (size_t a = 0; a < g.states.size(); ++a) {
              AggCombine(sel_.aggregates[a], g.states[a], &into.states[a]);
            }
            mem_.Shrink(GroupBytes(g));
          }
        }
        break;
      }
    }
    return CheckProjectedSize(i, added_bytes);
  }

  // Riak's guard (1022): after each sub-query, the result size projected from the sub-queries
  // done so far over those still to run must stay under max_returned_data_size.
  Status CheckProjectedSize(size_t i, size_t added_bytes) {
    done_bytes_ += added_bytes;
    const size_t n_done = i + 1, n_remaining = n_ - n_done;
    if (mode_ == Mode::kAggregate || n_done < 2 || n_remaining == 0) return Status::OK();
    unsigned __int128 projected = static_cast<unsigned __int128>(done_bytes_) +
                                  static_cast<unsigned __int128>(done_bytes_ / n_done) *
                                      n_remaining;
    const auto max_bytes = static_cast<unsigned __int128>(
        std::max<int64_t>(opts_.max_returned_data_size, 0));
    bool too_big = projected > max_bytes;
    if (too_big && sel_.limit && rows_seen_ > 0) {
      size_t avg_row = done_bytes_ / std::max<size_t>(rows_seen_, 1);
      too_big = static_cast<unsigned __int128>(*sel_.limit) * avg_row > max_bytes;
    }
    if (too_big) {
      return Status(ErrorCode::kResultTooBig, "Projected result of a SELECT query is too big");
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
    // As in Riak, an item without an aggregate (a constant) takes its value from the rows: over
    // no rows it is NULL (`SELECT AVG(v), -1` over nothing is [NULL, NULL]).
    const bool no_rows = mode_ == Mode::kAggregate && rows_seen_ == 0;
    for (const auto& item : sel_.items) {
      if (no_rows && !HasAggregate(item)) {
        out.emplace_back();
        continue;
      }
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
        for (const auto& g : groups_.groups) {
          QUANTA_ASSIGN_OR_RETURN(Row r, FinalRow(g.states, &g.key_row));
          QUANTA_RETURN_IF_ERROR(mem_.Grow(RowBytes(r), "the result"));
          rs.rows.push_back(std::move(r));
        }
        groups_ = {};
        mem_.Shrink(group_bytes_);
        break;
      case Mode::kSort: {
        std::vector<SortRow>& sorted = sort_.rows;
        std::stable_sort(sorted.begin(), sorted.end(), RowSorter(sel_.order_by));
        const size_t size = sorted.size();
        // OFFSET and LIMIT are client numbers: clamp, never add them.
        const size_t begin = static_cast<uint64_t>(skip_) < size ? static_cast<size_t>(skip_) : size;
        size_t end = size;
        if (sel_.limit && static_cast<uint64_t>(*sel_.limit) < size - begin) {
          end = begin + static_cast<size_t>(*sel_.limit);
        }
        rs.rows.reserve(end - begin);
        for (size_t i = begin; i < end; ++i) rs.rows.push_back(std::move(sorted[i].out));
        break;
      }
    }
    // The result stays in the request's reservation until the caller has sent it; everything
    // else the run counted is released with it.
    int64_t result_bytes = 0;
    for (const auto& r : rs.rows) result_bytes += RowBytes(r);
    QUANTA_RETURN_IF_ERROR(tracker_.Retain(result_bytes, "the result"));
    return rs;
  }

  // Read by every thread, never written while sub-queries run.
  const BoundSelect& sel_;
  const std::vector<SubQuery>& plan_;
  storage::Store& store_;
  const ExecOptions& opts_;
  MemoryTracker tracker_;
  Mode mode_ = Mode::kStream;
  int64_t agg_heap_bytes_ = 0;   // AggStateHeapBytes of every aggregate (per group)
  uint64_t keep_ = 0;            // LIMIT: limit + offset rows, saturated
  bool summaries_ = false;       // the scans may return summary batches
  std::vector<storage::ColumnBound> skip_unless_;  // what the filter implies, for the scans

  // Shared by the workers.
  std::atomic<uint64_t> rows_scanned_{0};
  std::atomic<uint64_t> stream_room_{UINT64_MAX};  // kStream: rows the LIMIT may still take
  std::atomic<uint64_t> skip_bound_{0};            // kStream: OFFSET rows still to skip, at most
  std::atomic<size_t> sort_total_{0};              // kSort without LIMIT: budget bytes held

  // Scheduling, guarded by shared_->mu.
  std::shared_ptr<RunShared> shared_;
  size_t n_ = 0;                 // sub-queries
  size_t next_ = 0;              // next to claim
  size_t merged_ = 0;            // merged so far (a prefix of the plan)
  size_t fail_at_ = 0;           // first failed sub-query seen (n_: none)
  size_t window_ = 1;            // at most this many claimed and not merged
  size_t full_window_ = 0;       // kStream with LIMIT: the window once the first merge fell short
  size_t max_helpers_ = 0;
  size_t helpers_queued_ = 0;    // helper tasks in the pool's queue
  bool merging_ = false;         // a thread is in MergeReady's loop
  bool halted_ = false;          // finished early: an error, or the LIMIT reached
  Status final_status_;
  std::vector<std::unique_ptr<Partial>> partials_;  // claimed, not merged

  // The merged result, touched only by the merging thread (and the caller once it has finished).
  MemoryCounter mem_;
  int64_t skip_ = 0;
  uint64_t consumed_ = 0;        // kStream: rows taken or skipped
  size_t done_bytes_ = 0;
  size_t rows_seen_ = 0;
  int64_t group_bytes_ = 0;
  std::vector<Row> out_rows_;
  SortBuffer sort_;
  std::vector<AggState> total_states_;
  GroupTable groups_;
};

}  // namespace

Result<ResultSet> ExecuteSelect(const BoundSelect& select, const std::vector<SubQuery>& plan,
                                storage::Store& store, const ExecOptions& options,
                                ExecCounters* counters) {
  uint64_t rows_scanned = 0;
  Result<ResultSet> rs = [&] {
    SelectRun run(select, plan, store, options);
    return run.Run(&rows_scanned);
  }();
  if (counters) counters->rows_scanned += rows_scanned;
  return rs;
}

}  // namespace quanta::exec
