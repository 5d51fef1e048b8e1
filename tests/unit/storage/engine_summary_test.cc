// Summary batches (aggregate pushdown): a scan that accepts them must describe exactly the rows
// a plain scan returns, whatever mix of sealed chunks, head rows and range cuts it meets.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <random>

#include "temp_store.h"
#include "test_tables.h"

namespace quanta::storage {
namespace {

using testing::MakeTable;

// What the executor would compute from a scan: per column count, int sum/min/max, exact
// double sum, double min/max (NaN greatest, first of equals kept).
struct Folded {
  uint64_t rows = 0;
  std::vector<uint64_t> count;
  std::vector<__int128> isum;
  std::vector<int64_t> imin, imax;
  std::vector<ExactSum> dsum;
  std::vector<double> dmin, dmax;
  explicit Folded(size_t n)
      : count(n), isum(n), imin(n, INT64_MAX), imax(n, INT64_MIN), dsum(n), dmin(n), dmax(n) {}
};

bool DoubleLess(double a, double b) { return std::isnan(b) ? !std::isnan(a) : a < b; }

void FoldDouble(Folded* f, size_t c, double v) {
  if (f->count[c] == 0 || DoubleLess(v, f->dmin[c])) f->dmin[c] = v;
  if (f->count[c] == 0 || DoubleLess(f->dmax[c], v)) f->dmax[c] = v;
  f->dsum[c].Add(v);
}

Folded Fold(Store& store, const schema::TableDef& t, const ScanRange& range, bool summaries,
            size_t* summary_batches) {
  Folded f(t.columns.size());
  ScanOptions so;
  so.allow_summaries = summaries;
  so.batch_rows = 100;
  auto cursor = store.Scan(t, range, so);
  EXPECT_TRUE(cursor.ok());
  RowBatch b;
  while (true) {
    auto more = (*cursor)->Next(&b);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok()) break;
    f.rows += b.num_rows;
    for (size_t c = 0; c < t.columns.size(); ++c) {
      const ColumnType type = t.columns[c].type;
      if (b.summary) {
        const ColumnSummary& s = b.summaries[c];
        if (s.count == 0) continue;
        if (type == ColumnType::kDouble) {
          if (f.count[c] == 0 || DoubleLess(s.dmin, f.dmin[c])) f.dmin[c] = s.dmin;
          if (f.count[c] == 0 || DoubleLess(f.dmax[c], s.dmax)) f.dmax[c] = s.dmax;
          f.dsum[c].Merge(s.dsum);
        } else if (type == ColumnType::kSint64 || type == ColumnType::kTimestamp) {
          f.imin[c] = std::min(f.imin[c], s.imin);
          f.imax[c] = std::max(f.imax[c], s.imax);
          f.isum[c] += s.isum;
        }
        f.count[c] += s.count;
        continue;
      }
      const ColumnVector& col = b.columns[c];
      for (size_t i = 0; i < b.num_rows; ++i) {
        if (col.nulls[i]) continue;
        if (type == ColumnType::kDouble) {
          FoldDouble(&f, c, col.doubles[i]);
        } else if (type == ColumnType::kSint64 || type == ColumnType::kTimestamp) {
          f.imin[c] = std::min(f.imin[c], col.ints[i]);
          f.imax[c] = std::max(f.imax[c], col.ints[i]);
          f.isum[c] += col.ints[i];
        }
        f.count[c]++;
      }
    }
    if (b.summary) ++*summary_batches;
    if (!*more) break;
  }
  return f;
}

void ExpectSame(const Folded& a, const Folded& b, const schema::TableDef& t) {
  ASSERT_EQ(a.rows, b.rows);
  for (size_t c = 0; c < t.columns.size(); ++c) {
    SCOPED_TRACE(t.columns[c].name);
    EXPECT_EQ(a.count[c], b.count[c]);
    if (a.count[c] == 0) continue;
    if (t.columns[c].type == ColumnType::kDouble) {
      EXPECT_TRUE(a.dsum[c] == b.dsum[c]);
      EXPECT_EQ(std::bit_cast<uint64_t>(a.dmin[c]), std::bit_cast<uint64_t>(b.dmin[c]));
      EXPECT_EQ(std::bit_cast<uint64_t>(a.dmax[c]), std::bit_cast<uint64_t>(b.dmax[c]));
    } else if (t.columns[c].type != ColumnType::kVarchar) {
      EXPECT_TRUE(a.isum[c] == b.isum[c]);
      EXPECT_EQ(a.imin[c], b.imin[c]);
      EXPECT_EQ(a.imax[c], b.imax[c]);
    }
  }
}

TEST(EngineSummaryTest, SummariesDescribeExactlyTheScannedRows) {
  testing::TempStore temp("summary", 256);
  ASSERT_NE(temp.store(), nullptr);
  Store& store = *temp.store();
  for (bool desc : {false, true}) {
    SCOPED_TRACE(desc ? "time DESC" : "time ASC");
    schema::TableDef t = MakeTable("m", desc ? 2 : 1,
                                   {{"host", ColumnType::kVarchar},
                                    {"ts", ColumnType::kTimestamp},
                                    {"v", ColumnType::kDouble, true},
                                    {"n", ColumnType::kSint64, true}},
                                   {"host", "ts"}, {{"host"}, {"ts", desc}}, true, 1, 'h');
    store.AttachTable(t);
    std::mt19937_64 rng(desc ? 2 : 1);
    // Stored doubles are finite (NaN and infinities are refused at the door).
    const double specials[] = {0.0, -0.0, 5e-324, -1e-300, 1e300, -1e300, -5.25};
    auto row = [&](int64_t ts) {
      Row r{Value::Bytes("h1"), Value::Int(ts), Value::Null(), Value::Null()};
      if (rng() % 10) {
        r[2] = Value::Double(rng() % 7 == 0 ? specials[rng() % 7]
                                             : static_cast<double>(rng() % 10000) / 100);
      }
      if (rng() % 10) r[3] = Value::Int(static_cast<int64_t>(rng()) >> (rng() % 64));
      return r;
    };
    // 3000 rows in one hour, sealed; then upserts, deletes and new rows in the head.
    std::vector<Row> rows;
    for (int64_t i = 0; i < 3000; ++i) rows.push_back(row(1000 + i * 1000));
    { Status st = store.Put(t, rows); ASSERT_TRUE(st.ok()) << st.ToString(); }
    ASSERT_TRUE(store.Compact().ok());
    rows.clear();
    for (int i = 0; i < 40; ++i) rows.push_back(row(1000 + static_cast<int64_t>(rng() % 4000) * 1000));
    { Status st = store.Put(t, rows); ASSERT_TRUE(st.ok()) << st.ToString(); }
    for (int i = 0; i < 20; ++i) {
      auto deleted = store.Delete(t, {Value::Bytes("h1"),
                                      Value::Int(1000 + static_cast<int64_t>(rng() % 3000) * 1000)});
      ASSERT_TRUE(deleted.ok());
    }
    size_t summaries = 0;
    for (int round = 0; round < 60; ++round) {
      ScanRange r;
      r.partition = {Value::Bytes("h1"), Value::Int(0)};
      if (round > 0) {
        int64_t a = static_cast<int64_t>(rng() % 4100) * 1000, b = static_cast<int64_t>(rng() % 4100) * 1000;
        if (a > b) std::swap(a, b);
        r.time_lo = a;
        r.time_hi = b + static_cast<int64_t>(rng() % 3);
        r.time_lo_inclusive = rng() % 2;
        r.time_hi_inclusive = rng() % 2;
      }
      size_t ignored = 0;
      Folded plain = Fold(store, t, r, false, &ignored);
      Folded pushed = Fold(store, t, r, true, &summaries);
      ExpectSame(plain, pushed, t);
      if (round == 10) ASSERT_TRUE(store.Compact().ok());  // tombstones and upserts sealed
    }
    EXPECT_GT(summaries, 0u);  // whole chunks were answered from statistics
  }
}

// ScanOptions::skip_unless: a scan may leave out sealed chunks whose statistics rule out
// every row, never a row that meets the conditions, and never rows a chunk shares with the
// head (upserts over it).
bool Meets(const ColumnBound& b, const Value& v) {
  using Op = ColumnBound::Op;
  if (b.op == Op::kIsNull) return v.is_null();
  if (b.op == Op::kIsNotNull) return !v.is_null();
  if (v.is_null()) return false;
  int c;
  if (v.is_double()) {
    const double x = v.as_double(), y = b.value.as_double();
    c = x < y ? -1 : (x > y ? 1 : 0);
  } else if (v.is_int()) {
    c = v.as_int() < b.value.as_int() ? -1 : (v.as_int() > b.value.as_int() ? 1 : 0);
  } else {
    c = static_cast<int>(v.as_bool()) - static_cast<int>(b.value.as_bool());
  }
  switch (b.op) {
    case Op::kEq: return c == 0;
    case Op::kNe: return c != 0;
    case Op::kLt: return c < 0;
    case Op::kLe: return c <= 0;
    case Op::kGt: return c > 0;
    case Op::kGe: return c >= 0;
    default: return true;
  }
}

// The rows a scan returns, and of them those that meet every bound.
std::pair<size_t, std::vector<Row>> ScanMeeting(Store& store, const schema::TableDef& t,
                                                const ScanRange& range,
                                                const std::vector<ColumnBound>& bounds,
                                                bool skip) {
  ScanOptions so;
  so.batch_rows = 100;
  if (skip) so.skip_unless = bounds;
  auto cursor = store.Scan(t, range, so);
  EXPECT_TRUE(cursor.ok());
  size_t returned = 0;
  std::vector<Row> kept;
  RowBatch b;
  while (true) {
    auto more = (*cursor)->Next(&b);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok()) break;
    returned += b.num_rows;
    for (size_t i = 0; i < b.num_rows; ++i) {
      Row r = b.GetRow(i);
      bool all = true;
      for (const ColumnBound& bound : bounds) all = all && Meets(bound, r[bound.column]);
      if (all) kept.push_back(std::move(r));
    }
    if (!*more) break;
  }
  return {returned, kept};
}

TEST(EngineSummaryTest, ChunksThatNoRowOfCanMeetTheFilterAreSkipped) {
  testing::TempStore temp("skip", 256);
  ASSERT_NE(temp.store(), nullptr);
  Store& store = *temp.store();
  schema::TableDef t = MakeTable("k", 1,
                                 {{"host", ColumnType::kVarchar},
                                  {"ts", ColumnType::kTimestamp},
                                  {"v", ColumnType::kDouble, true},
                                  {"n", ColumnType::kSint64, true},
                                  {"b", ColumnType::kBoolean, true}},
                                 {"host", "ts"}, {{"host"}, {"ts"}}, true, 1, 'h');
  store.AttachTable(t);
  std::mt19937_64 rng(11);
  // v rises with time (chunks of 256 rows hold disjoint ranges of it), n is NULL in the
  // second thousand rows, b is true in the first half; -0.0 and 0.0 both occur.
  std::vector<Row> rows;
  for (int64_t i = 0; i < 3000; ++i) {
    Row r{Value::Bytes("h"), Value::Int(1000 + i * 1000),
          Value::Double(i == 700 ? -0.0 : static_cast<double>(i - 700) / 10),
          i >= 1000 && i < 2000 ? Value::Null() : Value::Int(i % 50), Value::Bool(i < 1500)};
    rows.push_back(std::move(r));
  }
  ASSERT_TRUE(store.Put(t, rows).ok());
  ASSERT_TRUE(store.Compact().ok());
  // Upserts over sealed rows: their chunks are merged with the head, never skipped.
  std::vector<Row> upserts;
  for (int64_t i : {5, 1200, 2900}) {
    upserts.push_back({Value::Bytes("h"), Value::Int(1000 + i * 1000), Value::Double(1e6),
                       Value::Int(-1), Value::Bool(false)});
  }
  ASSERT_TRUE(store.Put(t, upserts).ok());
  using Op = ColumnBound::Op;
  const std::vector<std::vector<ColumnBound>> cases = {
      {{2, Op::kGt, Value::Double(250)}},
      {{2, Op::kLt, Value::Double(-50)}},
      {{2, Op::kEq, Value::Double(0.0)}},
      {{2, Op::kLe, Value::Double(-0.0)}, {2, Op::kGe, Value::Double(0.0)}},
      {{2, Op::kGe, Value::Double(1e6)}},
      {{2, Op::kNe, Value::Double(3.5)}},
      {{3, Op::kIsNull, Value()}},
      {{3, Op::kIsNotNull, Value()}, {2, Op::kGt, Value::Double(40)}},
      {{3, Op::kEq, Value::Int(-1)}},
      {{3, Op::kNe, Value::Int(0)}},  // every chunk's minimum
      {{3, Op::kGt, Value::Int(48)}},
      {{4, Op::kEq, Value::Bool(true)}},
      {{4, Op::kNe, Value::Bool(true)}, {2, Op::kLt, Value::Double(100)}},
  };
  size_t skipped_rows = 0;
  for (size_t k = 0; k < cases.size(); ++k) {
    SCOPED_TRACE("case " + std::to_string(k));
    for (int round = 0; round < 4; ++round) {
      ScanRange r;
      r.partition = {Value::Bytes("h"), Value::Int(0)};
      if (round > 0) {
        int64_t a = static_cast<int64_t>(rng() % 3100) * 1000, c = static_cast<int64_t>(rng() % 3100) * 1000;
        if (a > c) std::swap(a, c);
        r.time_lo = a;
        r.time_hi = c;
      }
      auto [all_returned, want] = ScanMeeting(store, t, r, cases[k], false);
      auto [returned, got] = ScanMeeting(store, t, r, cases[k], true);
      ASSERT_EQ(got.size(), want.size());
      for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], want[i]) << "row " << i;
      EXPECT_LE(returned, all_returned);
      skipped_rows += all_returned - returned;
    }
  }
  EXPECT_GT(skipped_rows, 0u);
}

}  // namespace
}  // namespace quanta::storage
