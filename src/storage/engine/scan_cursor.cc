// The scan cursor of the storage engine: a partition's head entries and chunks merged in
// local-key order, read through one backend snapshot (docs/architecture.md).
#include "storage/engine/scan_cursor.h"

#include <algorithm>
#include <atomic>
#include <limits>

#include "storage/engine/chunk.h"

namespace quanta::storage::internal {

namespace {

constexpr size_t kDefaultBatchRows = 1024;
// Reads of one batch before a kConflict is returned (see Next).
constexpr int kReadAttempts = 16;


// Merges a partition's head entries and chunks in local-key order, from one snapshot.
class EngineCursor final : public ScanCursor {
 public:
  EngineCursor(LayoutPtr layout, std::string head_prefix, Row partition, TimeBounds bounds,
               const ScanOptions& options)
      : l_(std::move(layout)),
        head_prefix_(std::move(head_prefix)),
        partition_(std::move(partition)),
        bounds_(bounds),
        batch_rows_(options.batch_rows ? options.batch_rows : kDefaultBatchRows),
        cancelled_(options.cancelled) {
    wanted_ = options.columns;
    if (wanted_.empty()) wanted_.assign(l_->types.size(), true);
    wanted_.resize(l_->types.size(), false);
    for (size_t i = 0; i < l_->keys.num_pk_plain(); ++i) {
      int column = l_->keys.partition()[i].column;
      if (wanted_[column]) constant_columns_.emplace_back(column, partition_[i]);
    }
    allow_summaries_ = options.allow_summaries;
    allow_dictionary_ = options.allow_dictionary;
    skip_unless_ = options.skip_unless;
    chunk_index_.assign(l_->types.size(), -1);
    for (size_t i = 0; i < l_->chunk_columns.size(); ++i) {
      chunk_index_[l_->chunk_columns[i]] = static_cast<int>(i);
    }
    // Merging needs the suffix columns of chunk rows; decode them into a private batch.
    merge_wanted_ = wanted_;
    for (const auto& e : l_->keys.suffix()) merge_wanted_[e.column] = true;
  }

  // Opens the head and chunk iterators over [lower, upper) (head keys) from one snapshot.
  void Start(Backend& backend, std::string lower, std::string upper) {
    backend_ = &backend;
    lower_ = lower;
    upper_ = upper;
    Open(std::move(lower), std::move(upper));
  }

  // A backend whose snapshots hold per partition (backend.h) reports a seal met between two
  // reads of the partition as kConflict. The batch being filled is dropped and the scan
  // resumes, through a new snapshot, after the last key the batches returned so far took:
  // every row is returned once, as it was before or after the seal.
  Result<bool> Next(RowBatch* batch) override {
    for (int attempt = 1;; ++attempt) {
      auto r = NextOnce(batch);
      if (r.ok()) {
        resume_ = pending_;
        has_resume_ = has_pending_;
        return r;
      }
      if (r.status().code() != ErrorCode::kConflict || attempt == kReadAttempts) return r;
      merging_ = chunk_loaded_ = chunks_done_ = false;
      head_.reset();
      chunks_.reset();
      snapshot_.reset();
      pending_ = resume_;
      has_pending_ = has_resume_;
      restarted_ = true;
      std::string lower = lower_;
      if (has_resume_) lower = std::max(lower, head_prefix_ + resume_ + '\0');
      Open(std::move(lower), upper_);
    }
  }

 private:
  void Open(std::string lower, std::string upper) {
    Backend& backend = *backend_;
    if (bounds_.empty || lower >= upper) {
      done_ = true;
      return;
    }
    snapshot_ = backend.NewSnapshot();
    IteratorOptions ho;
    ho.lower = lower;
    ho.upper = upper;
    head_ = backend.NewIterator(ho, snapshot_.get());
    head_->Seek(lower);
    // Chunks: the first one whose S_last >= the range start, then on while S_first <= end.
    IteratorOptions co;
    co.lower = ChunkKeyOf(lower);
    co.upper = ChunkKeyOf(PrefixSuccessor(head_prefix_));
    chunks_ = backend.NewIterator(co, snapshot_.get());
    chunks_->Seek(co.lower);
    // An upper bound outside the partition's prefix (the partition's successor) ends nothing
    // early; otherwise chunks starting at or after its suffix hold no rows of the range.
    upper_is_partition_end_ = !std::string_view(upper).starts_with(head_prefix_);
    if (!upper_is_partition_end_) upper_suffix_ = upper.substr(head_prefix_.size());
  }

  Result<bool> NextOnce(RowBatch* batch) {
    batch->Reset(l_->types, wanted_);
    while (!done_) {
      if (cancelled_ != nullptr && cancelled_->load(std::memory_order_relaxed)) {
        Finish();
        return false;
      }
      if (merging_) {
        QUANTA_RETURN_IF_ERROR(EmitMerged(batch));
        if (batch->num_rows > 0) break;
        continue;
      }
      QUANTA_RETURN_IF_ERROR(LoadChunk());
      const bool have_chunk = chunk_loaded_;
      const bool have_head = head_->Valid();
      if (!have_head) QUANTA_RETURN_IF_ERROR(head_->status());
      if (!have_chunk && !have_head) {
        Finish();
        break;
      }
      std::string_view head_suffix;
      if (have_head) head_suffix = head_->key().substr(head_prefix_.size());
      // After a restart, a chunk holding rows already returned is merged (which skips them).
      const bool seen = have_chunk && has_resume_ && chunk_.first <= resume_;
      if (have_head && (!have_chunk || head_suffix < chunk_.first)) {
        QUANTA_RETURN_IF_ERROR(EmitHeadRows(batch, have_chunk, chunk_.first));
      } else if (!seen && (!have_head || head_suffix > chunk_last_)) {
        QUANTA_RETURN_IF_ERROR(EmitChunk(batch));
      } else {
        QUANTA_RETURN_IF_ERROR(EmitMerged(batch));
      }
      if (batch->num_rows > 0) break;
    }
    return batch->num_rows > 0;
  }

  void Finish() {
    done_ = true;
    head_.reset();
    chunks_.reset();
    snapshot_.reset();
  }

  // Positions chunk_ at the next chunk that may hold rows of the range.
  Status LoadChunk() {
    if (chunk_loaded_ || chunks_done_) return Status::OK();
    if (!chunks_->Valid()) {
      QUANTA_RETURN_IF_ERROR(chunks_->status());
      chunks_done_ = true;
      return Status::OK();
    }
    chunk_value_.assign(chunks_->value());
    chunk_key_.assign(chunks_->key());
    if (!DecodeChunkRecord(chunk_value_, &chunk_)) return Corrupt("chunk record", l_->table.name);
    chunk_last_ = std::string_view(chunk_key_).substr(head_prefix_.size());
    // Past the end of the range: no later chunk can hold rows of it either.
    if (!upper_is_partition_end_ && chunk_.first >= upper_suffix_) {
      chunks_done_ = true;
      return Status::OK();
    }
    chunks_->Next();
    chunk_loaded_ = true;
    return Status::OK();
  }

  // Head rows up to a batch, before `stop` (the next chunk's first suffix) when `has_stop`.
  Status EmitHeadRows(RowBatch* batch, bool has_stop, std::string_view stop) {
    size_t n = 0;
    while (n < batch_rows_ && head_->Valid()) {
      std::string_view key = head_->key();
      if (has_stop && key.substr(head_prefix_.size()) >= stop) break;
      pending_.assign(key.substr(head_prefix_.size()));
      has_pending_ = true;
      std::string_view value = head_->value();
      if (!IsTombstone(value)) {
        if (!l_->keys.DecodeSuffixInto(key, head_prefix_.size(), batch) ||
            !l_->values.DecodeInto(value, batch)) {
          return Corrupt("row", l_->table.name);
        }
        ++n;
      }
      head_->Next();
    }
    if (!head_->Valid()) QUANTA_RETURN_IF_ERROR(head_->status());
    for (auto& [column, value] : constant_columns_) {
      AppendRepeated(&batch->columns[column], value, n);
    }
    batch->num_rows += n;
    return Status::OK();
  }

  // Row range [from, to) of a decoded chunk whose time column lies within the bounds.
  std::pair<size_t, size_t> RowsInRange(const ColumnVector& t, size_t rows) const {
    if (l_->time_column < 0) return {0, rows};
    const bool desc = l_->keys.time_desc();
    const int64_t* v = t.ints.data();
    const int64_t lo = bounds_.lo.value_or(std::numeric_limits<int64_t>::min());
    const int64_t hi = bounds_.hi.value_or(std::numeric_limits<int64_t>::max());
    size_t from, to;
    if (!desc) {
      from = std::lower_bound(v, v + rows, lo) - v;
      to = std::upper_bound(v, v + rows, hi) - v;
    } else {
      from = std::lower_bound(v, v + rows, hi, std::greater<int64_t>()) - v;
      to = std::upper_bound(v, v + rows, lo, std::greater<int64_t>()) - v;
    }
    return {from, std::max(from, to)};
  }

  // A whole chunk with no head entry inside its key range: its rows in the range, or, when
  // the caller accepts summaries and every row of the chunk is in the range, its statistics.
  Status EmitChunk(RowBatch* batch) {
    chunk_loaded_ = false;
    pending_.assign(chunk_last_);
    has_pending_ = true;
    QUANTA_ASSIGN_OR_RETURN(ChunkReader reader, OpenChunk(*l_, chunk_));
    if (!MayMatch(reader)) return Status::OK();  // no row meets the filter: none decoded
    if (allow_summaries_ && EmitSummary(reader, batch)) return Status::OK();
    // Decode the time column too when it is needed to cut the chunk to the range.
    const bool need_time = l_->time_column >= 0 && (bounds_.lo || bounds_.hi);
    const bool time_wanted = need_time && wanted_[l_->time_column];
    if (need_time && !time_wanted) batch->columns[l_->time_column].filled = true;
    QUANTA_RETURN_IF_ERROR(DecodeChunkRows(*l_, reader, partition_, batch, allow_dictionary_));
    size_t from = 0, to = batch->num_rows;
    if (need_time) {
      std::tie(from, to) = RowsInRange(batch->columns[l_->time_column], batch->num_rows);
    }
    if (from != 0 || to != batch->num_rows) {
      for (auto& col : batch->columns) {
        if (col.filled) Slice(&col, from, to);
      }
      batch->num_rows = to - from;
    }
    if (need_time && !time_wanted) {
      ColumnVector& t = batch->columns[l_->time_column];
      t.Clear();
      t.filled = false;
    }
    return Status::OK();
  }

  // False when the chunk's statistics show that none of its rows meets every condition of
  // ScanOptions::skip_unless. Only what the statistics decide: anything else may match.
  bool MayMatch(const ChunkReader& reader) const {
    for (const ColumnBound& b : skip_unless_) {
      if (b.column < 0 || static_cast<size_t>(b.column) >= chunk_index_.size()) continue;
      const int ci = chunk_index_[b.column];
      if (ci < 0) continue;  // a partition-key column: the same value in every row
      if (!StatsMayMatch(b, l_->types[b.column], reader.stats(static_cast<size_t>(ci)))) {
        return false;
      }
    }
    return true;
  }

  template <typename T>
  static bool RangeMayMatch(ColumnBound::Op op, T lo, T hi, T c) {
    switch (op) {
      case ColumnBound::Op::kEq: return lo <= c && c <= hi;
      case ColumnBound::Op::kNe: return !(lo == c && hi == c);
      case ColumnBound::Op::kLt: return lo < c;
      case ColumnBound::Op::kLe: return lo <= c;
      case ColumnBound::Op::kGt: return hi > c;
      case ColumnBound::Op::kGe: return hi >= c;
      default: return true;
    }
  }

  static bool StatsMayMatch(const ColumnBound& b, ColumnType type, const ChunkColumnStats& s) {
    if (b.op == ColumnBound::Op::kIsNull) return s.null_count > 0;
    if (b.op == ColumnBound::Op::kIsNotNull) return s.value_count > 0;
    if (s.value_count == 0) return false;  // only NULLs: no comparison is true
    switch (type) {
      case ColumnType::kSint64:
      case ColumnType::kTimestamp:
        if (!b.value.is_int()) return true;
        return RangeMayMatch(b.op, s.imin, s.imax, b.value.as_int());
      case ColumnType::kDouble: {
        if (!b.value.is_double()) return true;
        const double c = b.value.as_double();
        // NaN orders above every number in the statistics, not in comparisons: undecided.
        if (c != c || s.dmin != s.dmin || s.dmax != s.dmax) return true;
        return RangeMayMatch(b.op, s.dmin, s.dmax, c);
      }
      case ColumnType::kBoolean: {
        if (!b.value.is_bool()) return true;
        const bool any_true = s.true_count > 0, any_false = s.true_count < s.value_count;
        const bool c = b.value.as_bool();
        if (b.op == ColumnBound::Op::kEq) return c ? any_true : any_false;
        if (b.op == ColumnBound::Op::kNe) return c ? any_false : any_true;
        return true;
      }
      default:
        return true;  // no string minimum or maximum in the statistics
    }
  }

  // The chunk as a summary batch if all its rows lie in the time range; false otherwise.
  bool EmitSummary(const ChunkReader& reader, RowBatch* batch) {
    if (l_->time_column >= 0 && (bounds_.lo || bounds_.hi)) {
      const ChunkColumnStats& t = reader.stats(chunk_index_[l_->time_column]);
      if (t.value_count != chunk_.rows) return false;
      if (bounds_.lo && t.imin < *bounds_.lo) return false;
      if (bounds_.hi && t.imax > *bounds_.hi) return false;
    }
    batch->MakeSummary(chunk_.rows);
    for (size_t c = 0; c < wanted_.size(); ++c) {
      if (!wanted_[c]) continue;
      ColumnSummary& sum = batch->summaries[c];
      const int index = chunk_index_[c];
      if (index >= 0) {
        const ChunkColumnStats& st = reader.stats(index);
        sum.count = st.value_count;
        sum.imin = st.imin;
        sum.imax = st.imax;
        sum.isum = st.isum;
        sum.dmin = st.dmin;
        sum.dmax = st.dmax;
        sum.dsum = st.dsum;
        continue;
      }
      // A partition-key column: one value for every row.
      const Value* v = nullptr;
      for (const auto& [column, value] : constant_columns_) {
        if (column == static_cast<int>(c)) v = &value;
      }
      sum.count = chunk_.rows;
      if (v == nullptr) continue;
      if (v->is_int()) {
        sum.imin = sum.imax = v->as_int();
        sum.isum = static_cast<__int128>(v->as_int()) * static_cast<__int128>(chunk_.rows);
      } else if (v->is_double()) {
        sum.dmin = sum.dmax = v->as_double();
        for (size_t i = 0; i < chunk_.rows; ++i) sum.dsum.Add(v->as_double());
      }
    }
    return true;
  }

  // A chunk with head entries inside its key range: merged row by row (the head wins). At most
  // max(batch_rows, the chunk's rows) rows per batch, however many head rows lie inside the
  // chunk's range: the decoded chunk is kept and the merge resumes on the next call.
  Status EmitMerged(RowBatch* batch) {
    if (!merging_) {
      merge_rows_.Reset(l_->types, merge_wanted_);
      QUANTA_RETURN_IF_ERROR(DecodeChunkRows(*l_, chunk_, partition_, &merge_rows_));
      merge_pos_ = 0;
      merge_end_ = merge_rows_.num_rows;
      if (l_->time_column >= 0) {
        std::tie(merge_pos_, merge_end_) =
            RowsInRange(merge_rows_.columns[l_->time_column], merge_rows_.num_rows);
      }
      std::string seen;
      while (restarted_ && has_resume_ && merge_pos_ < merge_end_) {
        seen.clear();
        l_->keys.AppendSuffix(merge_rows_, merge_pos_, &seen);
        if (seen > resume_) break;
        ++merge_pos_;
      }
      merging_ = true;
    }
    const size_t limit = std::max(batch_rows_, merge_rows_.num_rows);
    std::string suffix;
    size_t n = 0;
    bool full = false;
    while (merge_pos_ < merge_end_ && !full) {
      const size_t i = merge_pos_;
      suffix.clear();
      l_->keys.AppendSuffix(merge_rows_, i, &suffix);
      // Head entries before this chunk row come first; one with the same key replaces it.
      bool replaced = false;
      while (head_->Valid()) {
        std::string_view key = head_->key();
        std::string_view hs = key.substr(head_prefix_.size());
        int c = hs.compare(suffix);
        if (c > 0) break;
        std::string_view value = head_->value();
        if (!IsTombstone(value)) {
          if (n == limit) {
            full = true;  // this head row starts the next batch
            break;
          }
          if (!l_->keys.DecodeSuffixInto(key, head_prefix_.size(), batch) ||
              !l_->values.DecodeInto(value, batch)) {
            return Corrupt("row", l_->table.name);
          }
          ++n;
        }
        if (c == 0) replaced = true;
        pending_.assign(hs);
        has_pending_ = true;
        head_->Next();
        if (c == 0) break;
      }
      if (!head_->Valid()) QUANTA_RETURN_IF_ERROR(head_->status());
      if (full) break;
      if (!replaced) {
        if (n == limit) break;  // the chunk row starts the next batch
        for (size_t c = 0; c < wanted_.size(); ++c) {
          if (!wanted_[c] || IsConstant(static_cast<int>(c))) continue;
          AppendFrom(&batch->columns[c], merge_rows_.columns[c], i);
        }
        ++n;
      }
      pending_ = suffix;
      has_pending_ = true;
      ++merge_pos_;
    }
    if (merge_pos_ == merge_end_) {
      merging_ = false;
      chunk_loaded_ = false;
    }
    for (auto& [column, value] : constant_columns_) {
      AppendRepeated(&batch->columns[column], value, n);
    }
    batch->num_rows += n;
    return Status::OK();
  }

  bool IsConstant(int column) const {
    for (size_t i = 0; i < l_->keys.num_pk_plain(); ++i) {
      if (l_->keys.partition()[i].column == column) return true;
    }
    return false;
  }

  LayoutPtr l_;
  Backend* backend_ = nullptr;
  std::string lower_, upper_;  // the head-key range of the scan
  // The suffix of the last key the returned batches took (resume_), and of the batch being
  // filled (pending_).
  std::string resume_, pending_;
  bool has_resume_ = false, has_pending_ = false, restarted_ = false;
  std::string head_prefix_;  // 0x01 | table id | P
  Row partition_;
  TimeBounds bounds_;
  size_t batch_rows_;
  const std::atomic<bool>* cancelled_;
  std::vector<bool> wanted_, merge_wanted_;
  bool allow_summaries_ = false;
  std::vector<ColumnBound> skip_unless_;
  bool allow_dictionary_ = false;
  std::vector<int> chunk_index_;  // table column -> its index in a chunk, -1 if constant
  std::vector<std::pair<int, Value>> constant_columns_;
  std::unique_ptr<Snapshot> snapshot_;
  std::unique_ptr<Iterator> head_, chunks_;
  std::string upper_suffix_;
  bool upper_is_partition_end_ = true;
  // The chunk at hand.
  bool chunk_loaded_ = false, chunks_done_ = false;
  // A chunk being merged with head rows: its decoded rows, the next one and the end of those
  // in the range.
  bool merging_ = false;
  RowBatch merge_rows_;
  size_t merge_pos_ = 0, merge_end_ = 0;
  std::string chunk_key_, chunk_value_;
  ChunkRecord chunk_;
  std::string_view chunk_last_;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<ScanCursor> NewScanCursor(Backend& backend, LayoutPtr layout,
                                          std::string head_prefix, Row partition,
                                          TimeBounds bounds, const ScanOptions& options,
                                          std::string lower, std::string upper) {
  auto cursor = std::make_unique<EngineCursor>(std::move(layout), std::move(head_prefix),
                                               std::move(partition), bounds, options);
  cursor->Start(backend, std::move(lower), std::move(upper));
  return cursor;
}

}  // namespace quanta::storage::internal
