#include "exec/group_update.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>

namespace quanta::exec {

namespace {

constexpr uint64_t kFraction = (uint64_t{1} << 52) - 1;
constexpr uint32_t kExpSpecial = 0x7ff;

uint32_t ExponentOf(uint64_t bits) { return static_cast<uint32_t>(bits >> 52) & kExpSpecial; }

// The column's NULL flags, or nullptr when it has none (a column without NULLs may still
// carry its flags, all zero).
const uint8_t* NullFlags(const storage::ColumnVector& col) {
  const uint8_t* p = col.nulls.data();
  const size_t n = col.nulls.size();
  uint64_t any = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    any |= w;
  }
  for (; i < n; ++i) any |= p[i];
  return any != 0 ? p : nullptr;
}

// Calls f(k, r) for every k whose row rows[k] is not NULL.
template <typename F>
void ForNonNull(const uint8_t* nulls, std::span<const uint32_t> rows, F&& f) {
  if (nulls == nullptr) {
    for (size_t k = 0; k < rows.size(); ++k) f(k, rows[k]);
  } else {
    for (size_t k = 0; k < rows.size(); ++k) {
      if (!nulls[rows[k]]) f(k, rows[k]);
    }
  }
}

// Adds the significand of each non-NULL value v[rows[k]] to bin (sign, exponent - base) of
// group gid[k] (bins of kGroupStride per group), for the values of the first `staged` groups
// whose exponent is in the window; lists the k of every other non-NULL value in miss[] and
// returns how many. Normal numbers only reach a bin (base >= 1), so each has its hidden bit.
template <bool kNulls>
size_t BinValues(const double* __restrict v, const uint8_t* __restrict nulls,
                 const uint32_t* __restrict rows, const uint32_t* __restrict gid, size_t n,
                 uint32_t base, uint32_t staged, uint64_t* __restrict bins,
                 uint32_t* __restrict miss) {
  constexpr uint32_t kWindow = GroupedUpdate::kWindow;
  constexpr size_t kStride = GroupedUpdate::kGroupStride;
  size_t m = 0;
  for (size_t k = 0; k < n; ++k) {
    const uint32_t r = rows[k];
    if (kNulls && nulls[r]) continue;
    const uint32_t g = gid[k];
    const uint64_t bits = std::bit_cast<uint64_t>(v[r]);
    const uint32_t off = ExponentOf(bits) - base;  // wraps below base
    if (off < kWindow && g < staged) {
      bins[g * kStride + (bits >> 63) * kWindow + off] += (bits & kFraction) | (kFraction + 1);
    } else {
      miss[m++] = static_cast<uint32_t>(k);
    }
  }
  return m;
}

// AggUpdateDouble for MIN and MAX, with plain comparisons for numbers: NaN orders above every
// number there, so a number replaces a NaN minimum (!(v >= min)) and never a NaN maximum
// (max < v); equal values (-0.0 and 0.0 too) keep the earlier one, as there.
inline void MinMaxDouble(const BoundAggregate& agg, double v, AggState* s) {
  if (v != v || !s->has_minmax) {
    AggUpdateDouble(agg, v, s);
    return;
  }
  s->count++;
  if (!(v >= s->dmin)) s->dmin = v;
  if (s->dmax < v) s->dmax = v;
}

// MIN and MAX of the values v[rows[k]] of group gid[k] into lo[g] / hi[g], which the caller
// set to +inf / -inf: without branches (minsd / maxsd), an earlier value kept over an equal
// later one as MinMaxDouble does. False, with lo / hi undefined, when a value is NaN: NaN
// orders above every number there, which these comparisons do not do.
bool MinMaxRun(const double* __restrict v, const uint32_t* __restrict rows,
               const uint32_t* __restrict gid, size_t n, double* __restrict lo,
               double* __restrict hi) {
  bool nan = false;
  for (size_t k = 0; k < n; ++k) {
    const double x = v[rows[k]];
    const uint32_t g = gid[k];
    nan |= x != x;
    lo[g] = x < lo[g] ? x : lo[g];
    hi[g] = hi[g] < x ? x : hi[g];
  }
  return !nan;
}

bool IsStaged(const BoundAggregate& agg) {
  return (agg.fn == AggFn::kSum || agg.fn == AggFn::kAvg) &&
         agg.arg.kind == BoundExpr::Kind::kColumn && agg.arg.type == ColumnType::kDouble;
}

}  // namespace

GroupedUpdate::GroupedUpdate(const std::vector<BoundAggregate>& aggs)
    : aggs_(aggs), handles_(aggs.size(), false) {
  for (size_t a = 0; a < aggs.size(); ++a) {
    const BoundAggregate& agg = aggs[a];
    const ColumnType t = agg.arg.type;
    handles_[a] = agg.fn == AggFn::kCountStar ||
                  (agg.arg.kind == BoundExpr::Kind::kColumn &&
                   (agg.fn == AggFn::kCount || t == ColumnType::kDouble ||
                    t == ColumnType::kSint64 || t == ColumnType::kTimestamp));
    handles_all_ = handles_all_ && handles_[a];
    if (handles_[a] && IsStaged(agg)) stages_.push_back(Stage{a, 0, 0, {}});
  }
  if (!stages_.empty()) {
    max_staged_groups_ = kMaxBinBytes / (stages_.size() * kGroupStride * sizeof(uint64_t));
  }
}

void GroupedUpdate::Grow(size_t groups) {
  run_rows_.resize(groups, 0);
  run_lo_.resize(groups, 0);
  run_hi_.resize(groups, 0);
  const size_t staged = std::min(groups, max_staged_groups_);
  if (staged > staged_groups_) {
    staged_rows_.resize(staged, 0);
    for (Stage& st : stages_) st.bins.resize(staged * kGroupStride, 0);
    staged_groups_ = staged;
  }
}

void GroupedUpdate::EmptyBins(Stage* st, size_t g, AggState* states) {
  uint64_t* bins = st->bins.data() + g * kGroupStride;
  for (uint32_t i = 0; i < 2 * kWindow; ++i) {
    if (bins[i] == 0) continue;
    // Bin i holds significands of exponent base + i % kWindow (normal numbers: the hidden bit
    // is in each), negative ones from kWindow on.
    states[st->agg].dsum().AddScaled(bins[i], st->base + i % kWindow - 1, i >= kWindow);
    bins[i] = 0;
  }
}

void GroupedUpdate::FlushGroup(size_t g, AggState* states) {
  for (Stage& st : stages_) EmptyBins(&st, g, states);
}

void GroupedUpdate::FlushStage(Stage* st, std::span<AggState* const> states) {
  for (size_t g = 0; g < staged_groups_; ++g) EmptyBins(st, g, states[g]);
}

void GroupedUpdate::Flush(std::span<AggState* const> states) {
  for (size_t g = 0; g < staged_groups_; ++g) {
    FlushGroup(g, states[g]);
    staged_rows_[g] = 0;
  }
}

void GroupedUpdate::StageRun(Stage* st, const storage::ColumnVector& col, const uint8_t* nulls,
                             std::span<const uint32_t> rows, std::span<const uint32_t> gid,
                             std::span<AggState* const> states) {
  const size_t a = st->agg;
  const double* v = col.doubles.data();
  if (st->base == 0) {
    // Place the window around the exponents of this run's non-zero normal numbers.
    uint32_t emin = kExpSpecial, emax = 0;
    ForNonNull(nulls, rows, [&](size_t, uint32_t r) {
      const uint32_t e = ExponentOf(std::bit_cast<uint64_t>(v[r]));
      if (e != 0 && e != kExpSpecial) {
        emin = std::min(emin, e);
        emax = std::max(emax, e);
      }
    });
    if (emax != 0) {
      // Centred when the exponents fit; otherwise the largest values win (what falls below
      // the window adds to the exact sum directly).
      const uint32_t span = emax - emin + 1;
      const uint32_t low = span <= kWindow ? emin - std::min(emin - 1, (kWindow - span) / 2)
                                           : emax - kWindow + 1;
      // Never above kExpSpecial - kWindow: infinities and NaN stay outside every window.
      st->base = std::clamp(low, 1u, kExpSpecial - kWindow);
    }
  }
  if (st->base == 0) {
    // Nothing to place a window by (zeros, subnormals, infinities, NaN): value by value.
    ForNonNull(nulls, rows, [&](size_t k, uint32_t r) {
      AggState& s = states[gid[k]][a];
      s.count++;
      s.dsum().Add(v[r]);
    });
    return;
  }
  // Binned in a tight loop over raw pointers; what does not fit the window is listed and
  // added to its group's exact sum after.
  miss_.resize(rows.size());
  const auto bin = nulls == nullptr ? BinValues<false> : BinValues<true>;
  const size_t n_miss = bin(v, nulls, rows.data(), gid.data(), rows.size(), st->base,
                            static_cast<uint32_t>(staged_groups_), st->bins.data(), miss_.data());
  size_t values = rows.size(), misses = 0;
  for (size_t m = 0; m < n_miss; ++m) {
    const uint32_t k = miss_[m];
    const double x = v[rows[k]];
    if ((std::bit_cast<uint64_t>(x) << 1) == 0) continue;  // +-0.0 adds nothing
    states[gid[k]][a].dsum().Add(x);
    // Only a value of a group with bins missed the window (the others have no bins to miss).
    misses += gid[k] < staged_groups_;
  }
  if (nulls == nullptr) {
    for (uint32_t g : touched_) states[g][a].count += run_rows_[g];
  } else {
    values = 0;
    ForNonNull(nulls, rows, [&](size_t k, uint32_t) {
      states[gid[k]][a].count++;
      ++values;
    });
  }
  if (misses <= values / 8) {
    st->rebases = 0;
  } else if (st->rebases < kMaxRebases) {
    // The values moved away from the window: empty it and place it again on the next run.
    // Values spread wider than any window would do that every run: after a few in a row the
    // window stays, and what misses it goes to the exact sums directly.
    FlushStage(st, states);
    st->base = 0;
    ++st->rebases;
  }
}

void GroupedUpdate::Update(const storage::RowBatch& b, std::span<const uint32_t> rows,
                           std::span<const uint32_t> gid, std::span<AggState* const> states) {
  if (states.size() > run_rows_.size()) Grow(states.size());
  for (size_t start = 0; start < rows.size(); start += kMaxStagedRows) {
    const size_t n = std::min<size_t>(kMaxStagedRows, rows.size() - start);
    const auto run = rows.subspan(start, n);
    const auto run_gid = gid.subspan(start, n);
    // Rows per group in this run; a group whose bins would pass kMaxStagedRows rows has them
    // emptied into its exact sums first.
    touched_.clear();
    for (uint32_t g : run_gid) {
      if (run_rows_[g]++ == 0) touched_.push_back(g);
    }
    if (!stages_.empty()) {
      for (uint32_t g : touched_) {
        if (g >= staged_groups_) continue;
        if (staged_rows_[g] + run_rows_[g] > kMaxStagedRows) {
          FlushGroup(g, states[g]);
          staged_rows_[g] = 0;
        }
        staged_rows_[g] += run_rows_[g];
      }
    }
    size_t stage = 0;
    for (size_t a = 0; a < aggs_.size(); ++a) {
      if (!handles_[a]) continue;
      const BoundAggregate& agg = aggs_[a];
      if (agg.fn == AggFn::kCountStar) {
        for (uint32_t g : touched_) states[g][a].count += run_rows_[g];
        continue;
      }
      const storage::ColumnVector& col = b.columns[agg.arg.column];
      const uint8_t* nulls = NullFlags(col);
      if (agg.fn == AggFn::kCount && nulls == nullptr) {
        for (uint32_t g : touched_) states[g][a].count += run_rows_[g];
      } else if (agg.fn == AggFn::kCount) {
        ForNonNull(nulls, run, [&](size_t k, uint32_t) { states[run_gid[k]][a].count++; });
      } else if (stage < stages_.size() && stages_[stage].agg == a) {
        StageRun(&stages_[stage++], col, nulls, run, run_gid, states);
      } else if (agg.arg.type == ColumnType::kDouble &&
                 (agg.fn == AggFn::kMin || agg.fn == AggFn::kMax)) {
        // Without NULLs: the run's MIN and MAX per group, then one update of each group's
        // state, which gives what updating it value by value does.
        bool done = false;
        if (nulls == nullptr) {
          for (uint32_t g : touched_) {
            run_lo_[g] = std::numeric_limits<double>::infinity();
            run_hi_[g] = -std::numeric_limits<double>::infinity();
          }
          done = MinMaxRun(col.doubles.data(), run.data(), run_gid.data(), run.size(),
                           run_lo_.data(), run_hi_.data());
          if (done) {
            for (uint32_t g : touched_) {
              AggState& s = states[g][a];
              s.count += run_rows_[g];
              const double lo = run_lo_[g], hi = run_hi_[g];
              if (!s.has_minmax) {
                s.dmin = lo;
                s.dmax = hi;
                s.has_minmax = true;
              } else {
                if (!(lo >= s.dmin)) s.dmin = lo;  // a number replaces a NaN minimum
                if (s.dmax < hi) s.dmax = hi;      // and never a NaN maximum
              }
            }
          }
        }
        if (!done) {
          ForNonNull(nulls, run, [&](size_t k, uint32_t r) {
            MinMaxDouble(agg, col.doubles[r], &states[run_gid[k]][a]);
          });
        }
      } else if (agg.arg.type == ColumnType::kDouble) {
        ForNonNull(nulls, run, [&](size_t k, uint32_t r) {
          AggUpdateDouble(agg, col.doubles[r], &states[run_gid[k]][a]);
        });
      } else {
        ForNonNull(nulls, run, [&](size_t k, uint32_t r) {
          AggUpdateInt(agg, col.ints[r], &states[run_gid[k]][a]);
        });
      }
    }
    for (uint32_t g : touched_) run_rows_[g] = 0;
  }
}

}  // namespace quanta::exec
