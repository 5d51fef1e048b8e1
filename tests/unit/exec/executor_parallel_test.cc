// Executor: sub-queries run in parallel on a ScanPool give the same bytes as one after the
// other (random tables and queries, DESC keys, NULLs, NaN, -0.0, errors), LIMIT stops early,
// the first failure in plan order wins, deadlines and cancellation stop every worker, a busy
// pool cannot deadlock a query, memory accounting ends where it began; and summary batches
// (aggregate pushdown) give the same results as the rows they stand for.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <future>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "common/memory.h"
#include "exec/analyzer.h"
#include "exec/executor.h"
#include "exec/planner.h"
#include "exec/scan_pool.h"
#include "exec_test_store.h"
#include "sql/parser.h"

namespace quanta::exec {
namespace {

using testing::TestStore;

// A result (or error) rendered so that equal strings mean equal bytes: doubles by their bits.
std::string Render(const Result<ResultSet>& rs) {
  if (!rs.ok()) return "error " + std::to_string(static_cast<int>(rs.error().code())) + ": " +
                       rs.error().message();
  std::string out;
  for (const auto& c : rs->columns) out += c.name + "|";
  out += "\n";
  for (const auto& row : rs->rows) {
    for (const auto& v : row) {
      switch (v.kind()) {
        case Value::Kind::kNull: out += "N"; break;
        case Value::Kind::kInt: out += "i" + std::to_string(v.as_int()); break;
        case Value::Kind::kDouble: {
          char buf[64];
          std::snprintf(buf, sizeof(buf), "d%016llx(%.17g)",
                        static_cast<unsigned long long>(std::bit_cast<uint64_t>(v.as_double())),
                        v.as_double());
          out += buf;
          break;
        }
        case Value::Kind::kBytes: out += "s'" + v.as_bytes() + "'"; break;
        case Value::Kind::kBool: out += v.as_bool() ? "T" : "F"; break;
      }
      out += ",";
    }
    out += "\n";
  }
  return out;
}

schema::TableDefPtr MakeTable(const std::string& ddl, uint32_t id) {
  auto parsed = sql::Parse(ddl);
  EXPECT_TRUE(parsed.ok()) << parsed.error().ToString();
  auto def = std::get<sql::CreateTableStmt>(std::move(parsed).value()).def;
  def.id = id;
  return std::make_shared<const schema::TableDef>(std::move(def));
}

class ExecutorParallelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::make_unique<TestStore>(
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    ASSERT_TRUE(store_->ok());
  }

  // k in {'a', 'b'}; t over [1, span_ms) (1 s quanta); v, d, s, b random with NULLs, zeros
  // (for "Divide by zero"), -0.0 next to 0.0, and magnitudes from 2^-24 to 1e300 (stored
  // doubles are finite; sums of them may not be).
  schema::TableDefPtr RandomTable(uint32_t id, bool desc, int rows_per_key, int64_t span_ms,
                                  std::mt19937* rng) {
    auto table = MakeTable(
        "CREATE TABLE t" + std::to_string(id) +
            " (k varchar not null, t timestamp not null, v sint64, d double, s varchar, "
            "b boolean, PRIMARY KEY ((k, quantum(t, 1, 's')), k, t" + (desc ? " DESC" : "") +
            "))",
        id);
    std::uniform_int_distribution<int> pct(0, 99);
    std::vector<Row> rows;
    for (const char* k : {"a", "b"}) {
      std::vector<int64_t> ts;
      std::uniform_int_distribution<int64_t> tdist(1, span_ms - 1);
      for (int i = 0; i < rows_per_key; ++i) ts.push_back(tdist(*rng));
      for (int64_t t : ts) {
        Row r(6);
        r[0] = Value::Bytes(k);
        r[1] = Value::Int(t);
        int p = pct(*rng);
        r[2] = p < 10 ? Value() : p < 15 ? Value::Int(0)
                                         : Value::Int(static_cast<int64_t>((*rng)() % 2001) - 1000);
        p = pct(*rng);
        if (p < 8) {
          r[3] = Value();
        } else if (p < 12) {
          r[3] = Value::Double(-0.0);
        } else if (p < 16) {
          r[3] = Value::Double(0.0);
        } else if (p < 18) {
          r[3] = Value::Double(pct(*rng) < 50 ? 1e300 : -1e300);
        } else {
          std::uniform_real_distribution<double> m(-1, 1);
          std::uniform_int_distribution<int> e(-8, 12);
          r[3] = Value::Double(std::ldexp(m(*rng), e(*rng) * 3));
        }
        p = pct(*rng);
        r[4] = p < 10 ? Value() : Value::Bytes("s" + std::to_string((*rng)() % 7));
        p = pct(*rng);
        r[5] = p < 10 ? Value() : Value::Bool(p % 2 == 0);
        rows.push_back(std::move(r));
      }
    }
    EXPECT_TRUE(store_->Put(*table, rows).ok());
    // Odd tables sealed into chunks (the engine answers plain aggregates from their
    // statistics), even ones left in the head.
    store_->AttachTable(*table);
    if (id % 2 == 1) EXPECT_TRUE(store_->Compact().ok());
    return table;
  }

  struct Config {
    ScanPool* pool = nullptr;
    size_t batch_rows = 1024;
    int64_t max_returned_data_size = 10000000;
    int64_t sort_budget = 256LL << 20;
    MemoryReservation* memory = nullptr;
    std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
    const std::atomic<bool>* cancelled = nullptr;
  };

  Result<ResultSet> Run(const schema::TableDefPtr& table, const std::string& sql,
                        const Config& c, ExecCounters* counters = nullptr) {
    auto parsed = sql::Parse(sql);
    if (!parsed.ok()) return parsed.error();
    auto& stmt = std::get<sql::SelectStmt>(parsed.value());
    QUANTA_ASSIGN_OR_RETURN(BoundSelect bound, AnalyzeSelect(stmt, table, AnalyzerOptions{}));
    QUANTA_ASSIGN_OR_RETURN(std::vector<SubQuery> plan, PlanSubQueries(bound, PlannerOptions{}));
    ExecOptions eo;
    eo.pool = c.pool;
    eo.batch_rows = c.batch_rows;
    eo.max_returned_data_size = c.max_returned_data_size;
    eo.sort_memory_budget_bytes = c.sort_budget;
    eo.memory = c.memory;
    eo.deadline = c.deadline;
    eo.cancelled = c.cancelled;
    return ExecuteSelect(bound, plan, *store_, eo, counters);
  }

  // A random SELECT over table `name`, spanning many quanta.
  static std::string RandomQuery(const std::string& name, std::mt19937* rng) {
    auto pick = [&](int n) { return static_cast<int>((*rng)() % n); };
    int64_t lo = pick(5000), hi = lo + 1000 + pick(45000);
    std::string where = " FROM " + name + " WHERE k = '" + (pick(2) ? "a" : "b") +
                        "' AND t >= " + std::to_string(lo) + " AND t < " + std::to_string(hi);
    const char* filters[] = {"", "", " AND v > 0", " AND d IS NOT NULL", " AND s = 's3'",
                             " AND (v < -500 OR d > 1.0)", " AND b = true", " AND s != 's1'"};
    where += filters[pick(8)];
    auto limit = [&]() -> std::string {
      int p = pick(4);
      if (p == 0) return "";
      std::string l = " LIMIT " + std::to_string(1 + pick(p == 1 ? 5 : 300));
      if (pick(2)) l += " OFFSET " + std::to_string(pick(p == 3 ? 600 : 20));
      return l;
    };
    switch (pick(10)) {
      case 0: return "SELECT t, v, d, s, b" + where + limit();
      case 1: return "SELECT t, v * 2, d + v, 100 / v" + where + limit();
      case 2: return "SELECT t, d, s" + where + " ORDER BY d" + (pick(2) ? " DESC" : "") + limit();
      case 3: return "SELECT t, s, v" + where + " ORDER BY s" + (pick(2) ? " DESC" : "") +
                     ", v NULLS FIRST" + limit();
      case 4: return "SELECT t, 100 / v" + where + " ORDER BY v" + limit();
      case 5:
        return "SELECT COUNT(*), COUNT(v), SUM(v), AVG(v), MIN(v), MAX(v), SUM(d), AVG(d), "
               "MIN(d), MAX(d), STDDEV(d), STDDEV_POP(v), MIN(t), MAX(t)" + where;
      case 6: return "SELECT SUM(d * 3), AVG(v + d), STDDEV_SAMP(d), COUNT(s) / 2" + where;
      case 7:
        return "SELECT s, COUNT(*), SUM(d), AVG(d), MIN(d), MAX(d), STDDEV(d), STDDEV_POP(d), "
               "SUM(v)" + where + " GROUP BY s";
      case 8: return "SELECT v, b, COUNT(*), AVG(d), MAX(t)" + where + " GROUP BY v, b";
      default: return "SELECT s, SUM(100 / v), COUNT(d)" + where + " GROUP BY s";
    }
  }

  std::unique_ptr<TestStore> store_;
};

TEST_F(ExecutorParallelTest, ParallelEqualsSequentialOnRandomTablesAndQueries) {
  std::mt19937 rng(20261207);
  ScanPool pool1(1), pool3(3);
  int errors = 0, rows = 0;
  for (uint32_t id : {1u, 2u}) {
    const bool desc = id == 2;
    auto table = RandomTable(id, desc, 3000, 50000, &rng);
    for (int q = 0; q < 70; ++q) {
      std::string sql = RandomQuery(table->name, &rng);
      store_->max_delay_us = 0;
      Config seq;
      seq.batch_rows = q % 3 == 0 ? 7 : 1024;
      std::string want = Render(Run(table, sql, seq));
      if (want.rfind("error", 0) == 0) {
        ++errors;
      } else {
        rows += static_cast<int>(std::count(want.begin(), want.end(), '\n'));
      }
      for (ScanPool* pool : {&pool1, &pool3}) {
        for (int jitter : {0, 200}) {
          store_->max_delay_us = jitter;
          store_->seed = static_cast<uint32_t>(q * 31 + jitter);
          Config par = seq;
          par.pool = pool;
          EXPECT_EQ(Render(Run(table, sql, par)), want)
              << sql << " (pool " << pool->threads() << ", jitter " << jitter << ")";
        }
      }
    }
  }
  // The random queries exercise both outcomes.
  EXPECT_GT(errors, 5);
  EXPECT_GT(rows, 1000);
}

TEST_F(ExecutorParallelTest, ConcurrentQueriesShareOnePool) {
  std::mt19937 rng(7);
  auto table = RandomTable(3, false, 2000, 30000, &rng);
  std::vector<std::string> sqls;
  std::vector<std::string> want;
  for (int q = 0; q < 24; ++q) {
    sqls.push_back(RandomQuery(table->name, &rng));
    want.push_back(Render(Run(table, sqls.back(), Config{})));
  }
  store_->max_delay_us = 100;
  ScanPool pool(2);
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int th = 0; th < 4; ++th) {
    threads.emplace_back([&, th] {
      for (size_t q = th; q < sqls.size(); q += 2) {
        Config c;
        c.pool = &pool;
        if (Render(Run(table, sqls[q], c)) != want[q]) mismatches++;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

// 100 quanta of 500 rows each.
schema::TableDefPtr FillQuanta(TestStore* store, uint32_t id, int quanta = 100, int per = 500) {
  auto table = MakeTable(
      "CREATE TABLE q" + std::to_string(id) +
          " (k varchar not null, t timestamp not null, v sint64, d double, "
          "PRIMARY KEY ((k, quantum(t, 1, 's')), k, t))",
      id);
  std::vector<Row> rows;
  for (int q = 0; q < quanta; ++q) {
    for (int i = 0; i < per; ++i) {
      int64_t t = q * 1000 + i + 1;
      rows.push_back({Value::Bytes("a"), Value::Int(t), Value::Int(t % 97),
                      Value::Double(static_cast<double>(t) / 8)});
    }
  }
  EXPECT_TRUE(store->Put(*table, rows).ok());
  store->AttachTable(*table);
  if (id % 2 == 1) EXPECT_TRUE(store->Compact().ok());
  return table;
}

TEST_F(ExecutorParallelTest, LimitWithoutOrderByStopsEarly) {
  auto table = FillQuanta(store_.get(), 10);
  ScanPool pool(3);  // the query's thread and 3 helpers: at most 4 sub-queries ahead
  for (ScanPool* p : {static_cast<ScanPool*>(nullptr), &pool}) {
    store_->scans = 0;
    store_->rows_served = 0;
    Config c;
    c.pool = p;
    auto rs = Run(table, "SELECT t FROM q10 WHERE k = 'a' AND t >= 0 AND t < 100000 LIMIT 10", c);
    ASSERT_TRUE(rs.ok()) << rs.error().ToString();
    ASSERT_EQ(rs->rows.size(), 10u);
    EXPECT_EQ(rs->rows[9][0].as_int(), 10);
    // The first quantum fills the LIMIT: nothing runs ahead of it.
    EXPECT_EQ(store_->scans.load(), 1u);
    EXPECT_LE(store_->rows_served.load(), 500u);

    // With small batches, the first sub-query stops once it holds the 10 rows: after one batch,
    // which is 10 head rows or one whole chunk (at most chunk_rows = 256: a put of 500 rows to
    // a partition writes them as chunks at once, and the sealer may have sealed the others),
    // not the quantum's 500.
    store_->scans = 0;
    store_->rows_served = 0;
    Config small = c;
    small.batch_rows = 10;
    ASSERT_TRUE(Run(table, "SELECT t FROM q10 WHERE k = 'a' AND t >= 0 AND t < 100000 LIMIT 10",
                    small).ok());
    EXPECT_LE(store_->rows_served.load(), 256u);

    // An OFFSET that reaches into the third quantum.
    store_->scans = 0;
    auto off = Run(table,
                   "SELECT t FROM q10 WHERE k = 'a' AND t >= 0 AND t < 100000 LIMIT 5 OFFSET 1200",
                   c);
    ASSERT_TRUE(off.ok());
    ASSERT_EQ(off->rows.size(), 5u);
    EXPECT_EQ(off->rows[0][0].as_int(), 2201);
    EXPECT_LE(store_->scans.load(), p ? 3u + 4u : 3u);
  }
}

TEST_F(ExecutorParallelTest, FirstFailureInPlanOrderWins) {
  auto table = FillQuanta(store_.get(), 11, 20, 50);
  // Quantum 3 fails late, quantum 7 at once: 7 fails first in time, 3 first in plan order.
  store_->fail = [](const storage::ScanRange& r, int batch) -> Status {
    int64_t q = r.time_lo.value_or(0) / 1000;
    if (q == 3) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      return Status(ErrorCode::kIoError, "boom 3");
    }
    if (q == 7 && batch == 0) return Status(ErrorCode::kIoError, "boom 7");
    return Status::OK();
  };
  ScanPool pool(3);
  for (int i = 0; i < 5; ++i) {
    for (ScanPool* p : {static_cast<ScanPool*>(nullptr), &pool}) {
      for (const char* sql :
           {"SELECT t FROM q11 WHERE k = 'a' AND t >= 0 AND t < 20000",
            "SELECT COUNT(*) FROM q11 WHERE k = 'a' AND t >= 0 AND t < 20000",
            "SELECT v, COUNT(*) FROM q11 WHERE k = 'a' AND t >= 0 AND t < 20000 GROUP BY v",
            "SELECT t FROM q11 WHERE k = 'a' AND t >= 0 AND t < 20000 ORDER BY v"}) {
        Config c;
        c.pool = p;
        auto rs = Run(table, sql, c);
        ASSERT_FALSE(rs.ok()) << sql;
        EXPECT_EQ(rs.error().message(), "boom 3") << sql;
      }
    }
  }
  // A LIMIT met before the failing quantum never sees it.
  Config c;
  c.pool = &pool;
  auto rs = Run(table, "SELECT t FROM q11 WHERE k = 'a' AND t >= 0 AND t < 20000 LIMIT 60", c);
  ASSERT_TRUE(rs.ok()) << rs.error().ToString();
  EXPECT_EQ(rs->rows.size(), 60u);
}

TEST_F(ExecutorParallelTest, DataErrorsAreTheSequentialOnes) {
  // 100 / (v mod 7) fails with "Divide by zero" on every seventh value of v, unless OFFSET skips
  // the row unprojected or LIMIT stops before it. The expected answer is worked out here from
  // the plain rows, as a sequential scan meets them.
  auto table = FillQuanta(store_.get(), 12, 20, 50);
  ScanPool pool(3);
  const std::string w = " FROM q12 WHERE k = 'a' AND t >= 1 AND t < 20000";
  auto plain = Run(table, "SELECT t, v" + w, Config{});
  ASSERT_TRUE(plain.ok());
  ASSERT_EQ(plain->rows.size(), 1000u);
  struct Case {
    int64_t limit, offset;  // limit -1: none
  } cases[] = {{-1, 0}, {10, 0}, {3, 0}, {10, 40}, {10, 45}, {200, 40}, {3, 96}, {1, 999},
               {5, 998}, {100000, 990}, {2, 500}, {1, 14}, {1, 13}, {6, 1}};
  int errors = 0;
  for (const auto& k : cases) {
    std::string sql = "SELECT t, 100 / (v - v / 7 * 7)" + w;
    if (k.limit >= 0) sql += " LIMIT " + std::to_string(k.limit);
    if (k.offset > 0) sql += " OFFSET " + std::to_string(k.offset);
    ResultSet expected_rows;
    expected_rows.columns = {{"t", ColumnType::kTimestamp}, {"(100/(v-((v/7)*7)))", ColumnType::kSint64}};
    Result<ResultSet> expected = expected_rows;
    for (size_t i = static_cast<size_t>(k.offset); i < plain->rows.size(); ++i) {
      if (k.limit >= 0 && static_cast<int64_t>(expected->rows.size()) >= k.limit) break;
      int64_t v = plain->rows[i][1].as_int();
      if (v % 7 == 0) {
        expected = SubmitError("Divide by zero");
        ++errors;
        break;
      }
      expected->rows.push_back({plain->rows[i][0], Value::Int(100 / (v % 7))});
    }
    auto seq = Run(table, sql, Config{});
    if (seq.ok() && expected.ok()) expected->columns = seq->columns;  // the derived name
    const std::string want = Render(expected);
    EXPECT_EQ(Render(seq), want) << sql;
    store_->max_delay_us = 300;
    for (int i = 0; i < 4; ++i) {
      Config c;
      c.pool = &pool;
      c.batch_rows = i % 2 ? 3 : 1024;
      EXPECT_EQ(Render(Run(table, sql, c)), want) << sql;
    }
    store_->max_delay_us = 0;
  }
  EXPECT_GT(errors, 3);
  EXPECT_LT(errors, static_cast<int>(std::size(cases)) - 3);
}

TEST_F(ExecutorParallelTest, DeadlineAndCancellationStopEveryWorker) {
  auto table = FillQuanta(store_.get(), 13, 40, 200);
  // Every batch takes at least 5 ms: 40 quanta take at least 50 ms on 4 threads.
  store_->fail = [](const storage::ScanRange&, int) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return Status::OK();
  };
  ScanPool pool(3);
  for (ScanPool* p : {static_cast<ScanPool*>(nullptr), &pool}) {
    Config c;
    c.pool = p;
    c.batch_rows = 10;
    c.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(20);
    auto start = std::chrono::steady_clock::now();
    auto rs = Run(table, "SELECT MAX(v + 1) FROM q13 WHERE k = 'a' AND t >= 0 AND t < 40000", c);
    ASSERT_FALSE(rs.ok());
    EXPECT_EQ(rs.error().code(), ErrorCode::kTimeout);
    // Every worker noticed within about one batch.
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));

    std::atomic<bool> cancelled{false};
    Config k;
    k.pool = p;
    k.batch_rows = 10;
    k.cancelled = &cancelled;
    std::thread canceller([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      cancelled = true;
    });
    auto cr = Run(table, "SELECT t FROM q13 WHERE k = 'a' AND t >= 0 AND t < 40000 ORDER BY v", k);
    canceller.join();
    ASSERT_FALSE(cr.ok());
    EXPECT_EQ(cr.error().code(), ErrorCode::kTimeout);
  }
  // The pool is idle and usable again.
  store_->fail = nullptr;
  Config c;
  c.pool = &pool;
  auto rs = Run(table, "SELECT COUNT(*) FROM q13 WHERE k = 'a' AND t >= 0 AND t < 40000", c);
  ASSERT_TRUE(rs.ok());
  EXPECT_EQ(rs->rows[0][0].as_int(), 8000);
}

TEST_F(ExecutorParallelTest, BusyPoolDoesNotDeadlockAQuery) {
  auto table = FillQuanta(store_.get(), 14, 30, 100);
  ScanPool pool(1);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> started;
  pool.Submit([&started, released] {
    started.set_value();
    released.wait();
  });
  started.get_future().wait();
  // Its only thread is taken: the query's own thread runs every sub-query.
  Config c;
  c.pool = &pool;
  auto rs = Run(table, "SELECT COUNT(*), SUM(v) FROM q14 WHERE k = 'a' AND t >= 0 AND t < 30000", c);
  ASSERT_TRUE(rs.ok()) << rs.error().ToString();
  EXPECT_EQ(rs->rows[0][0].as_int(), 3000);
  auto want = Run(table, "SELECT COUNT(*), SUM(v) FROM q14 WHERE k = 'a' AND t >= 0 AND t < 30000",
                  Config{});
  EXPECT_EQ(Render(rs), Render(want));
  // The helpers it queued run after the query ended and find nothing to do.
  release.set_value();
  auto again = Run(table, "SELECT v, COUNT(*) FROM q14 WHERE k = 'a' AND t >= 0 AND t < 30000 GROUP BY v", c);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->rows.size(), 97u);
}

TEST_F(ExecutorParallelTest, LimitsKeepTheirMeaning) {
  auto table = FillQuanta(store_.get(), 15, 50, 100);
  ScanPool pool(3);
  const std::string w = " FROM q15 WHERE k = 'a' AND t >= 0 AND t < 50000";
  struct Case {
    std::string sql;
    int64_t max_size;
    int64_t sort_budget;
  } cases[] = {
      {"SELECT t, d" + w, 20000, 256LL << 20},                      // 1022
      {"SELECT t, d" + w + " LIMIT 10", 20000, 256LL << 20},        // a LIMIT under the bound
      {"SELECT t, v" + w + " GROUP BY t, v", 20000, 256LL << 20},    // 1022 for groups
      {"SELECT t" + w + " ORDER BY d", 10000000, 64 << 10},           // 1023 without LIMIT
      {"SELECT t" + w + " ORDER BY d DESC LIMIT 5", 10000000, 64 << 10},
      {"SELECT t" + w + " ORDER BY d DESC LIMIT 100000", 10000000, 64 << 10},
  };
  for (const auto& k : cases) {
    Config seq;
    seq.max_returned_data_size = k.max_size;
    seq.sort_budget = k.sort_budget;
    std::string want = Render(Run(table, k.sql, seq));
    for (int i = 0; i < 4; ++i) {
      Config par = seq;
      par.pool = &pool;
      store_->max_delay_us = i * 100;
      EXPECT_EQ(Render(Run(table, k.sql, par)), want) << k.sql;
    }
    store_->max_delay_us = 0;
  }
  EXPECT_EQ(Render(Run(table, cases[0].sql, Config{.max_returned_data_size = 20000})).substr(0, 10),
            "error 1022");
  EXPECT_EQ(Render(Run(table, cases[3].sql, Config{.sort_budget = 64 << 10})).substr(0, 10),
            "error 1023");
}

TEST_F(ExecutorParallelTest, MemoryAccountingEndsWithTheResult) {
  std::mt19937 rng(99);
  auto table = RandomTable(16, false, 2000, 30000, &rng);
  ScanPool pool(3);
  MemoryAccount account(0);
  for (int q = 0; q < 30; ++q) {
    std::string sql = RandomQuery(table->name, &rng);
    int64_t held[2];
    for (int par = 0; par < 2; ++par) {
      MemoryReservation r(&account, 0);
      Config c;
      c.memory = &r;
      c.pool = par ? &pool : nullptr;
      store_->max_delay_us = par ? 100 : 0;
      auto rs = Run(table, sql, c);
      held[par] = r.held();
      if (!rs.ok()) {
        EXPECT_EQ(r.held(), 0) << sql;
      }
    }
    // Exactly the result's bytes stay reserved, whichever way it was computed.
    EXPECT_EQ(held[0], held[1]) << sql;
    EXPECT_EQ(account.used(), 0);
  }
  // Over a cap, the failure leaves nothing behind.
  MemoryReservation small(&account, 64 << 10);
  Config c;
  c.memory = &small;
  c.pool = &pool;
  auto rs = Run(table, "SELECT t, v, d, s FROM t16 WHERE k = 'a' AND t >= 0 AND t < 30000", c);
  ASSERT_FALSE(rs.ok());
  EXPECT_EQ(rs.error().code(), ErrorCode::kMemoryLimit);
  EXPECT_EQ(small.held(), 0);
  EXPECT_EQ(account.used(), 0);
}

TEST_F(ExecutorParallelTest, DictionaryStringsGiveTheSameResults) {
  // GROUP BY, filters, ORDER BY and projections of a VARCHAR column handed over in dictionary
  // form (shared dictionaries that grow, batch-private shuffled ones) give the same bytes.
  std::mt19937 rng(515);
  auto table = RandomTable(21, false, 3000, 40000, &rng);
  ScanPool pool(2);
  for (int q = 0; q < 60; ++q) {
    std::string sql = RandomQuery(table->name, &rng);
    if (q % 3 == 0) {
      sql = "SELECT s, COUNT(*), MIN(t), SUM(v) FROM t21 WHERE k = 'a' AND t >= 1 AND t < 40000" +
            std::string(q % 2 ? " AND s != 's3'" : "") + " GROUP BY s";
    }
    store_->dictionary = false;
    std::string want = Render(Run(table, sql, Config{}));
    store_->dictionary = true;
    for (ScanPool* p : {static_cast<ScanPool*>(nullptr), &pool}) {
      store_->seed = static_cast<uint32_t>(q + 7);
      Config c;
      c.pool = p;
      c.batch_rows = q % 4 == 1 ? 1024 : 16;
      EXPECT_EQ(Render(Run(table, sql, c)), want) << sql;
    }
  }
  store_->dictionary = false;
}

// ---- summary batches ------------------------------------------------------------------------

TEST_F(ExecutorParallelTest, SummariesGiveTheSameResultsAsRows) {
  std::mt19937 rng(4242);
  auto table = RandomTable(17, false, 3000, 40000, &rng);
  auto desc = RandomTable(18, true, 3000, 40000, &rng);
  ScanPool pool(2);
  const std::string aggs =
      "SELECT COUNT(*), COUNT(v), COUNT(s), COUNT(b), SUM(v), AVG(v), MIN(v), MAX(v), SUM(d), "
      "AVG(d), MIN(d), MAX(d), MIN(t), MAX(t), AVG(t), SUM(d) / COUNT(*), MAX(d) - MIN(v)";
  uint64_t summary_batches = 0;
  for (int q = 0; q < 40; ++q) {
    const auto& t = q % 2 ? desc : table;
    int64_t lo = rng() % 5000, hi = lo + 500 + rng() % 35000;
    std::string sql = aggs + " FROM " + t->name + " WHERE k = '" + (q % 3 ? "a" : "b") +
                      "' AND t >= " + std::to_string(lo) + " AND t <= " + std::to_string(hi);
    store_->summaries = store_->inner_summaries = false;
    std::string want = Render(Run(t, sql, Config{}));
    ASSERT_EQ(want.find("error"), std::string::npos) << want;
    store_->summaries = store_->inner_summaries = true;
    for (ScanPool* p : {static_cast<ScanPool*>(nullptr), &pool}) {
      store_->seed = static_cast<uint32_t>(q + 1);
      uint64_t before = store_->summary_batches.load();
      Config c;
      c.pool = p;
      c.batch_rows = q % 4 == 0 ? 13 : 1024;
      EXPECT_EQ(Render(Run(t, sql, c)), want) << sql;
      summary_batches += store_->summary_batches.load() - before;
    }
  }
  EXPECT_GT(summary_batches, 100u);
}

TEST_F(ExecutorParallelTest, SummaryMinMaxKeepTheFirstOfEquals) {
  // -0.0 and 0.0 compare equal: MIN and MAX show whichever came first.
  auto table = MakeTable(
      "CREATE TABLE z (k varchar not null, t timestamp not null, d double, "
      "PRIMARY KEY ((k, quantum(t, 1, 's')), k, t))",
      19);
  std::vector<Row> rows;
  const double seq[] = {-0.0, 0.0, -0.0, 1.0, -0.0, 0.0, 0.0, -0.0, -1.0};
  for (int rep = 0; rep < 50; ++rep) {
    for (size_t i = 0; i < std::size(seq); ++i) {
      rows.push_back({Value::Bytes(rep % 2 ? "a" : "b"), Value::Int(rep * 100 + static_cast<int>(i) + 1),
                      Value::Double(rep % 5 == 0 ? -seq[i] : seq[i])});
    }
  }
  ASSERT_TRUE(store_->Put(*table, rows).ok());
  store_->AttachTable(*table);
  ASSERT_TRUE(store_->Compact().ok());
  // Worked out by hand: rep 1 (k 'a') starts -0.0, 0.0; rep 5 (k 'a', negated) starts 0.0.
  for (bool summaries : {false, true}) {
    store_->summaries = store_->inner_summaries = summaries;
    auto a = Run(table, "SELECT MIN(d), MAX(d) FROM z WHERE k = 'a' AND t >= 101 AND t < 103",
                 Config{});
    ASSERT_TRUE(a.ok());
    EXPECT_TRUE(std::signbit(a->rows[0][0].as_double()));   // -0.0, the first
    EXPECT_TRUE(std::signbit(a->rows[0][1].as_double()));   // -0.0 again: 0.0 is not greater
    auto b = Run(table, "SELECT MIN(d), MAX(d) FROM z WHERE k = 'a' AND t >= 501 AND t < 503",
                 Config{});
    ASSERT_TRUE(b.ok());
    EXPECT_FALSE(std::signbit(b->rows[0][0].as_double()));  // 0.0 (negated -0.0), the first
    EXPECT_FALSE(std::signbit(b->rows[0][1].as_double()));
  }
  for (const char* k : {"a", "b"}) {
    for (int lo = 0; lo < 600; lo += 37) {
      std::string sql = std::string("SELECT MIN(d), MAX(d), SUM(d), COUNT(d) FROM z WHERE k = '") +
                        k + "' AND t >= " + std::to_string(lo) + " AND t < 5000";
      store_->summaries = store_->inner_summaries = false;
      std::string want = Render(Run(table, sql, Config{.batch_rows = 4}));
      store_->summaries = store_->inner_summaries = true;
      for (uint32_t seed = 1; seed < 6; ++seed) {
        store_->seed = seed;
        EXPECT_EQ(Render(Run(table, sql, Config{.batch_rows = 4})), want) << sql;
      }
    }
  }
}

TEST_F(ExecutorParallelTest, SummariesAreAskedForOnlyWhenTheyAnswerExactly) {
  auto table = FillQuanta(store_.get(), 20, 5, 100);
  const std::string w = " FROM q20 WHERE k = 'a' AND t >= 0 AND t < 5000";
  struct Case {
    std::string sql;
    bool allowed;
  } cases[] = {
      {"SELECT COUNT(*)" + w, true},
      {"SELECT COUNT(v), SUM(d), AVG(v), MIN(d), MAX(t), SUM(v) * 2" + w, true},
      {"SELECT STDDEV(d)" + w, false},
      {"SELECT SUM(v + 1)" + w, false},
      {"SELECT COUNT(*)" + w + " AND v > 3", false},
      {"SELECT v, COUNT(*)" + w + " GROUP BY v", false},
      {"SELECT t, v" + w, false},
      {"SELECT t" + w + " ORDER BY v LIMIT 3", false},
  };
  for (const auto& k : cases) {
    store_->summary_scans = 0;
    store_->scans = 0;
    ASSERT_TRUE(Run(table, k.sql, Config{}).ok()) << k.sql;
    EXPECT_EQ(store_->summary_scans.load(), k.allowed ? store_->scans.load() : 0u) << k.sql;
  }
  // An engine that sends summaries it was not asked for is caught, not misread.
  store_->force_summaries = true;
  auto rs = Run(table, "SELECT STDDEV(d)" + w, Config{});
  ASSERT_FALSE(rs.ok());
  EXPECT_EQ(rs.error().code(), ErrorCode::kInternal);
}

}  // namespace
}  // namespace quanta::exec
