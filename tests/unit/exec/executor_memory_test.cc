// Executor: memory accounting against the request's reservation (sorts, groups, results),
// the sort budget with LIMIT, huge LIMIT/OFFSET, and GROUP BY/ORDER BY of -0.0 and NaN.
// Runs the real analyzer, planner and executor over a small in-memory store.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "common/memory.h"
#include "exec/analyzer.h"
#include "exec/executor.h"
#include "exec/planner.h"
#include "sql/parser.h"
#include "scan_only_store.h"
#include "storage/store.h"

namespace quanta::exec {
namespace {

// Rows of one table, kept in local-key order (callers insert in time order). Scan returns the
// rows of the range's partition whose quantum column lies in the range.
class FakeStore : public testing_support::ScanOnlyStore {
 public:
  std::vector<Row> rows;

  Status Put(const schema::TableDef&, std::span<const Row> in) override {
    rows.insert(rows.end(), in.begin(), in.end());
    return Status::OK();
  }
  Result<std::unique_ptr<storage::ScanCursor>> Scan(const schema::TableDef& table,
                                                    const storage::ScanRange& range,
                                                    const storage::ScanOptions& options) override {
    std::vector<const Row*> hits;
    int qcol = table.quantum_column();
    for (const Row& r : rows) {
      bool match = true;
      size_t vi = 0;
      for (const auto& pk : table.partition_key) {
        if (pk.quantum) break;
        if (!(r[pk.column] == range.partition[vi++])) match = false;
      }
      if (match && qcol >= 0) {
        int64_t t = r[qcol].as_int();
        if (range.time_lo && (range.time_lo_inclusive ? t < *range.time_lo : t <= *range.time_lo)) match = false;
        if (range.time_hi && (range.time_hi_inclusive ? t > *range.time_hi : t >= *range.time_hi)) match = false;
      }
      if (match) hits.push_back(&r);
    }
    return std::unique_ptr<storage::ScanCursor>(new Cursor(table, std::move(hits), options));
  }

 private:
  class Cursor : public storage::ScanCursor {
   public:
    Cursor(const schema::TableDef& table, std::vector<const Row*> hits,
           const storage::ScanOptions& o)
        : hits_(std::move(hits)), wanted_(o.columns), batch_rows_(o.batch_rows) {
      for (const auto& c : table.columns) types_.push_back(c.type);
    }
    Result<bool> Next(storage::RowBatch* batch) override {
      batch->Reset(types_, wanted_);
      size_t n = std::min(batch_rows_, hits_.size() - pos_);
      for (size_t i = 0; i < n; ++i) {
        const Row& r = *hits_[pos_ + i];
        for (size_t c = 0; c < types_.size(); ++c) {
          if (wanted_.empty() || wanted_[c]) batch->columns[c].Append(r[c]);
        }
      }
      batch->num_rows = n;
      pos_ += n;
      return pos_ < hits_.size();
    }

   private:
    std::vector<const Row*> hits_;
    std::vector<ColumnType> types_;
    std::vector<bool> wanted_;
    size_t batch_rows_;
    size_t pos_ = 0;
  };
};

class ExecutorMemoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto parsed = sql::Parse(
        "CREATE TABLE m (k varchar not null, t timestamp not null, v sint64, d double, s varchar, "
        "PRIMARY KEY ((k, quantum(t, 1, 's')), k, t))");
    ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
    auto def = std::get<sql::CreateTableStmt>(std::move(parsed).value()).def;
    table_ = std::make_shared<const schema::TableDef>(std::move(def));
  }

  // Rows t = 1..n (spread over n/1000 + 1 quanta): v = i, d = i / 2.0, s = 100-byte text.
  void Fill(int n) {
    for (int i = 1; i <= n; ++i) {
      store_.rows.push_back({Value::Bytes("a"), Value::Int(i), Value::Int(i),
                             Value::Double(i / 2.0), Value::Bytes(std::string(100, 'x'))});
    }
  }

  Result<ResultSet> Run(const std::string& sql, MemoryReservation* memory,
                        int64_t sort_budget = 256LL << 20,
                        int64_t max_returned_data_size = INT64_MAX) {
    auto parsed = sql::Parse(sql);
    if (!parsed.ok()) return parsed.error();
    auto& stmt = std::get<sql::SelectStmt>(parsed.value());
    QUANTA_ASSIGN_OR_RETURN(BoundSelect bound, AnalyzeSelect(stmt, table_, AnalyzerOptions{}));
    QUANTA_ASSIGN_OR_RETURN(std::vector<SubQuery> plan, PlanSubQueries(bound, PlannerOptions{}));
    ExecOptions eo;
    eo.memory = memory;
    eo.sort_memory_budget_bytes = sort_budget;
    eo.max_returned_data_size = max_returned_data_size;
    return ExecuteSelect(bound, plan, store_, eo, nullptr);
  }

  schema::TableDefPtr table_;
  FakeStore store_;
};

constexpr const char* kAll = "FROM m WHERE k = 'a' AND t >= 1 AND t <= 20000";

TEST_F(ExecutorMemoryTest, ResultStaysReservedUntilTheReservationGoes) {
  Fill(5000);
  MemoryAccount account(0);
  {
    MemoryReservation r(&account, 0);
    auto rs = Run(std::string("SELECT t, s ") + kAll, &r);
    ASSERT_TRUE(rs.ok()) << rs.error().ToString();
    EXPECT_EQ(rs->rows.size(), 5000u);
    // 5000 rows of two values and a 100-byte string: at least the payload is counted.
    EXPECT_GT(r.held(), 5000 * 100);
    EXPECT_EQ(account.used(), r.held());
  }
  EXPECT_EQ(account.used(), 0);
}

TEST_F(ExecutorMemoryTest, BigResultFailsCleanlyOverTheCap) {
  Fill(20000);
  MemoryAccount account(0);
  MemoryReservation r(&account, 1 << 20);  // 20000 rows x >100 bytes > 1 MiB
  auto rs = Run(std::string("SELECT t, s ") + kAll, &r);
  ASSERT_FALSE(rs.ok());
  EXPECT_EQ(rs.error().code(), ErrorCode::kMemoryLimit);
  EXPECT_NE(rs.error().message().find("the result"), std::string::npos) << rs.error().message();
  EXPECT_EQ(r.held(), 0);
  EXPECT_EQ(account.used(), 0);
}

TEST_F(ExecutorMemoryTest, ResultOfTwoSubQueriesIsBoundedToo) {
  // Riak checks the projected size (1022) only with more than two sub-queries: a result from
  // two quanta is never size-checked, and only the reservation bounds it.
  for (int i = 0; i < 30000; ++i) {
    store_.rows.push_back({Value::Bytes("a"), Value::Int(1 + i % 1999), Value::Int(i),
                           Value::Double(0), Value::Bytes(std::string(100, 'x'))});
  }
  MemoryAccount account(0);
  MemoryReservation r(&account, 2 << 20);
  auto rs = Run("SELECT t, s FROM m WHERE k = 'a' AND t >= 1 AND t < 2000", &r, 256LL << 20,
                10000000);
  ASSERT_FALSE(rs.ok());
  EXPECT_EQ(rs.error().code(), ErrorCode::kMemoryLimit);
  EXPECT_EQ(account.used(), 0);
  MemoryReservation big(&account, 64 << 20);
  auto ok = Run("SELECT t, s FROM m WHERE k = 'a' AND t >= 1 AND t < 2000", &big, 256LL << 20,
                10000000);
  ASSERT_TRUE(ok.ok()) << ok.error().ToString();
  EXPECT_EQ(ok->rows.size(), 30000u);
  EXPECT_GT(big.held(), 30000 * 100);
}

TEST_F(ExecutorMemoryTest, SortFailsCleanlyOverTheCap) {
  Fill(20000);
  MemoryAccount account(0);
  MemoryReservation r(&account, 1 << 20);
  auto rs = Run(std::string("SELECT t, s ") + kAll + " ORDER BY v DESC", &r);
  ASSERT_FALSE(rs.ok());
  EXPECT_EQ(rs.error().code(), ErrorCode::kMemoryLimit);
  EXPECT_NE(rs.error().message().find("sorting"), std::string::npos) << rs.error().message();
  EXPECT_EQ(r.held(), 0);
  EXPECT_EQ(account.used(), 0);
}

TEST_F(ExecutorMemoryTest, SortWithSmallLimitStaysWithinTheCap) {
  Fill(20000);
  MemoryAccount account(0);
  MemoryReservation r(&account, 4 << 20);
  auto rs = Run(std::string("SELECT t ") + kAll + " ORDER BY v DESC LIMIT 3 OFFSET 2", &r);
  ASSERT_TRUE(rs.ok()) << rs.error().ToString();
  ASSERT_EQ(rs->rows.size(), 3u);
  EXPECT_EQ(rs->rows[0][0].as_int(), 19998);
  EXPECT_EQ(rs->rows[2][0].as_int(), 19996);
  EXPECT_LT(r.held(), 4096);  // only the three result rows remain
}

TEST_F(ExecutorMemoryTest, GroupByFailsCleanlyOverTheCap) {
  Fill(20000);
  MemoryAccount account(0);
  MemoryReservation r(&account, 1 << 20);  // 20000 groups
  auto rs = Run(std::string("SELECT v, COUNT(*) ") + kAll + " GROUP BY v", &r);
  ASSERT_FALSE(rs.ok());
  EXPECT_EQ(rs.error().code(), ErrorCode::kMemoryLimit);
  EXPECT_NE(rs.error().message().find("grouping"), std::string::npos) << rs.error().message();
  EXPECT_EQ(r.held(), 0);
  EXPECT_EQ(account.used(), 0);
}

TEST_F(ExecutorMemoryTest, GroupByKeepsOnlyTheResult) {
  Fill(20000);
  MemoryAccount account(0);
  MemoryReservation r(&account, 64 << 20);
  auto rs = Run(std::string("SELECT v, COUNT(*) ") + kAll + " GROUP BY v", &r);
  ASSERT_TRUE(rs.ok()) << rs.error().ToString();
  EXPECT_EQ(rs->rows.size(), 20000u);
  int64_t result_only = r.held();
  auto again = Run(std::string("SELECT v ") + kAll, nullptr);  // null reservation: not counted
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(r.held(), result_only);
  r.ReleaseAll();
  EXPECT_EQ(account.used(), 0);
}

TEST_F(ExecutorMemoryTest, AccountLimitRefusesToo) {
  Fill(20000);
  MemoryAccount account(512 << 10);  // the process-wide limit is the smaller one
  MemoryReservation r(&account, 0);
  auto rs = Run(std::string("SELECT t, s ") + kAll, &r);
  ASSERT_FALSE(rs.ok());
  EXPECT_EQ(rs.error().code(), ErrorCode::kMemoryLimit);
  EXPECT_EQ(account.used(), 0);
  EXPECT_GT(account.refusals(), 0u);
}

TEST_F(ExecutorMemoryTest, SortBudgetAppliesWithLimit) {
  Fill(20000);
  // A LIMIT the client picks does not lift the budget...
  auto huge = Run(std::string("SELECT t ") + kAll + " ORDER BY v LIMIT 9223372036854775807", nullptr,
                  64 << 10);
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.error().code(), ErrorCode::kQbufCreate);
  EXPECT_EQ(huge.error().message().rfind("Failed to set up query buffer for an ORDER BY query (", 0),
            0u);
  // ...while a small one fits: only limit + offset rows are kept.
  auto small = Run(std::string("SELECT t ") + kAll + " ORDER BY v DESC LIMIT 5 OFFSET 5", nullptr,
                   64 << 10);
  ASSERT_TRUE(small.ok()) << small.error().ToString();
  ASSERT_EQ(small->rows.size(), 5u);
  EXPECT_EQ(small->rows[0][0].as_int(), 19995);
}

TEST_F(ExecutorMemoryTest, HugeLimitAndOffsetDoNotOverflow) {
  Fill(10);
  const char* cases[] = {
      " ORDER BY v LIMIT 9223372036854775807 OFFSET 9223372036854775807",
      " ORDER BY v LIMIT 1 OFFSET 9223372036854775807",
      " LIMIT 9223372036854775807 OFFSET 9223372036854775807",
  };
  for (const char* c : cases) {
    auto rs = Run(std::string("SELECT t ") + kAll + c, nullptr);
    ASSERT_TRUE(rs.ok()) << c << ": " << rs.error().ToString();
    EXPECT_TRUE(rs->rows.empty()) << c;
  }
  auto rs = Run(std::string("SELECT t ") + kAll + " ORDER BY v LIMIT 9223372036854775807 OFFSET 8",
                nullptr);
  ASSERT_TRUE(rs.ok());
  ASSERT_EQ(rs->rows.size(), 2u);
  EXPECT_EQ(rs->rows[1][0].as_int(), 10);
}

TEST_F(ExecutorMemoryTest, SignedZeroAndNanGroupTogether) {
  const double nan1 = std::numeric_limits<double>::quiet_NaN();
  const double nan2 = -std::numeric_limits<double>::quiet_NaN();
  const double nan3 = std::nan("7");
  const double ds[] = {-0.0, 0.0, nan1, 1.0, nan2, -0.0, nan3, 1.0};
  int t = 0;
  for (double d : ds) {
    ++t;
    store_.rows.push_back({Value::Bytes("a"), Value::Int(t), Value::Int(t), Value::Double(d),
                           Value::Bytes("s")});
  }
  auto rs = Run(std::string("SELECT d, COUNT(*) ") + kAll + " GROUP BY d", nullptr);
  ASSERT_TRUE(rs.ok()) << rs.error().ToString();
  ASSERT_EQ(rs->rows.size(), 3u);  // first-seen order: zero, NaN, one
  EXPECT_EQ(rs->rows[0][0].as_double(), 0.0);
  EXPECT_FALSE(std::signbit(rs->rows[0][0].as_double()));
  EXPECT_EQ(rs->rows[0][1].as_int(), 3);
  EXPECT_TRUE(std::isnan(rs->rows[1][0].as_double()));
  EXPECT_EQ(rs->rows[1][1].as_int(), 3);
  EXPECT_EQ(rs->rows[2][0].as_double(), 1.0);
  EXPECT_EQ(rs->rows[2][1].as_int(), 2);

  // ORDER BY: a total order. Zeros tie (arrival order kept), NaNs sort after every number.
  auto asc = Run(std::string("SELECT t ") + kAll + " ORDER BY d", nullptr);
  ASSERT_TRUE(asc.ok());
  std::vector<int64_t> got;
  for (const auto& r : asc->rows) got.push_back(r[0].as_int());
  EXPECT_EQ(got, (std::vector<int64_t>{1, 2, 6, 4, 8, 3, 5, 7}));
  auto desc = Run(std::string("SELECT t ") + kAll + " ORDER BY d DESC LIMIT 4", nullptr);
  ASSERT_TRUE(desc.ok());
  got.clear();
  for (const auto& r : desc->rows) got.push_back(r[0].as_int());
  EXPECT_EQ(got, (std::vector<int64_t>{3, 5, 7, 4}));
}

TEST_F(ExecutorMemoryTest, SortWithManyNansIsWellDefined) {
  // A comparator that is not a strict weak order is undefined behaviour for std::sort; with
  // many NaNs among numbers the result must still be sorted numbers followed by NaNs.
  for (int i = 1; i <= 5000; ++i) {
    double d = (i % 3 == 0) ? std::numeric_limits<double>::quiet_NaN() : (i * 7919) % 1000;
    store_.rows.push_back({Value::Bytes("a"), Value::Int(i), Value::Int(i), Value::Double(d),
                           Value::Bytes("s")});
  }
  auto rs = Run(std::string("SELECT d ") + kAll + " ORDER BY d LIMIT 4000", nullptr);
  ASSERT_TRUE(rs.ok());
  ASSERT_EQ(rs->rows.size(), 4000u);
  bool seen_nan = false;
  double prev = -1;
  for (const auto& r : rs->rows) {
    double d = r[0].as_double();
    if (std::isnan(d)) {
      seen_nan = true;
      continue;
    }
    EXPECT_FALSE(seen_nan) << "a number after a NaN";
    EXPECT_GE(d, prev);
    prev = d;
  }
}

}  // namespace
}  // namespace quanta::exec
