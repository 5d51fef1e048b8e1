// group_by_bench: the executor alone (no storage) on Q2-like GROUP BY queries: a store that
// hands out prepared batches of (hostname VARCHAR, ts, usage_user DOUBLE) rows, 100 hosts,
// 432k rows over 12 quanta, with the hostname column as plain strings (one per row, as a row
// store decodes them) or in dictionary form (codes into the chunk's dictionary, as a columnar
// engine can hand them over). Prints the median wall time of each query over --runs runs.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "exec/analyzer.h"
#include "exec/executor.h"
#include "exec/planner.h"
#include "sql/parser.h"
#include "scan_only_store.h"
#include "storage/store.h"

using namespace quanta;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int64_t kHour = 3600 * 1000;

// Batches per quantum, made once; Next copies one out (as a cursor fills its batch).
class PreparedStore : public testing_support::ScanOnlyStore {
 public:
  bool dictionary = false;
  std::vector<std::vector<storage::RowBatch>> plain;  // per quantum
  std::vector<std::vector<storage::RowBatch>> dict;

  Result<std::unique_ptr<storage::ScanCursor>> Scan(const schema::TableDef&,
                                                    const storage::ScanRange& range,
                                                    const storage::ScanOptions&) override {
    size_t q = static_cast<size_t>(*range.time_lo / kHour - 1);
    const auto& batches = dictionary ? dict : plain;
    if (q >= batches.size()) q = batches.size();
    return std::unique_ptr<storage::ScanCursor>(
        new Cursor(q < batches.size() ? &batches[q] : nullptr));
  }

 private:
  class Cursor : public storage::ScanCursor {
   public:
    explicit Cursor(const std::vector<storage::RowBatch>* b) : batches_(b) {}
    Result<bool> Next(storage::RowBatch* batch) override {
      if (batches_ == nullptr || pos_ >= batches_->size()) {
        batch->num_rows = 0;
        for (auto& c : batch->columns) c.Clear();
        return false;
      }
      *batch = (*batches_)[pos_++];
      return true;
    }

   private:
    const std::vector<storage::RowBatch>* batches_;
    size_t pos_ = 0;
  };
};

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int runs = argc > 1 ? std::atoi(argv[1]) : 15;
  const int quanta = 12, hosts = 100, per_quantum = 36000, batch_rows = 1024;
  auto parsed = sql::Parse(
      "CREATE TABLE cpu (hostname varchar not null, ts timestamp not null, usage_user double, "
      "PRIMARY KEY ((quantum(ts, 1, 'h')), ts, hostname))");
  auto def = std::get<sql::CreateTableStmt>(std::move(parsed).value()).def;
  auto table = std::make_shared<const schema::TableDef>(std::move(def));

  PreparedStore store;
  auto names = std::make_shared<std::vector<std::string>>();
  for (int h = 0; h < hosts; ++h) names->push_back("host_" + std::to_string(h));
  std::vector<ColumnType> types = {ColumnType::kVarchar, ColumnType::kTimestamp, ColumnType::kDouble};
  uint64_t x = 88172645463325252ull;
  for (int q = 0; q < quanta; ++q) {
    store.plain.emplace_back();
    store.dict.emplace_back();
    for (int start = 0; start < per_quantum; start += batch_rows) {
      int n = std::min(batch_rows, per_quantum - start);
      storage::RowBatch p, d;
      p.Reset(types, {});
      d.Reset(types, {});
      for (int i = start; i < start + n; ++i) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        int h = i % hosts;
        p.columns[0].Append(Value::Bytes((*names)[h]));
        d.columns[0].nulls.push_back(0);
        d.columns[0].codes.push_back(static_cast<uint32_t>(h));
        for (auto* b : {&p, &d}) {
          b->columns[1].Append(Value::Int(kHour * (q + 1) + i * 100));
          b->columns[2].Append(Value::Double(static_cast<double>(x % 10000) / 100));
        }
      }
      d.columns[0].dict = names;
      p.num_rows = d.num_rows = static_cast<size_t>(n);
      store.plain.back().push_back(std::move(p));
      store.dict.back().push_back(std::move(d));
    }
  }
  const std::string where = " FROM cpu WHERE ts >= " + std::to_string(kHour) + " AND ts < " +
                            std::to_string(kHour * (quanta + 1));
  const std::vector<std::string> queries = {
      "SELECT MAX(usage_user)" + where,
      "SELECT hostname, MAX(usage_user)" + where + " GROUP BY hostname",
      "SELECT hostname, AVG(usage_user)" + where + " GROUP BY hostname",
      "SELECT MAX(usage_user)" + where + " AND hostname = 'host_7'",
  };
  std::printf("%d rows (%d quanta, %d hosts), executor only, medians of %d runs\n",
              quanta * per_quantum, quanta, hosts, runs);
  for (const auto& text : queries) {
    auto stmt = sql::Parse(text);
    auto bound = exec::AnalyzeSelect(std::get<sql::SelectStmt>(stmt.value()), table, {});
    auto plan = exec::PlanSubQueries(*bound, {});
    if (!bound.ok() || !plan.ok()) return 1;
    std::vector<double> ms[2];
    std::string check[2];
    for (int r = 0; r <= runs; ++r) {
      for (int dict = 0; dict < 2; ++dict) {
        store.dictionary = dict == 1;
        auto t0 = Clock::now();
        auto rs = exec::ExecuteSelect(*bound, *plan, store, exec::ExecOptions{}, nullptr);
        double t = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        if (!rs.ok()) {
          std::fprintf(stderr, "%s\n", rs.error().ToString().c_str());
          return 1;
        }
        if (r == 0) {
          for (const auto& row : rs->rows) {
            for (const auto& v : row) check[dict] += v.DebugString() + ",";
          }
          continue;
        }
        ms[dict].push_back(t);
      }
    }
    std::printf("%-70.70s strings %7.1f ms  dictionary %7.1f ms%s\n", text.c_str(), Median(ms[0]),
                Median(ms[1]), check[0] == check[1] ? "" : "  RESULTS DIFFER");
  }
  return 0;
}
