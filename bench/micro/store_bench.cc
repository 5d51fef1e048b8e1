// RocksDB store micro benchmarks on a temporary directory: batched puts, point gets, and
// full-partition scans into RowBatch (rows/s is the number to watch, see
// docs/design/storage-engine.md).
#include <benchmark/benchmark.h>

#include <filesystem>
#include <unistd.h>

#include "storage/embedded.h"
#include "storage/store.h"

namespace quanta::storage {
namespace {

constexpr int64_t kQ = 15 * 60 * 1000;
constexpr int64_t kBase = 1470000000000 - 1470000000000 % kQ;

schema::TableDef Geo() {
  schema::TableDef t;
  t.name = "geo";
  t.id = 1;
  t.columns = {{"region", ColumnType::kVarchar, false},
               {"state", ColumnType::kVarchar, false},
               {"time", ColumnType::kTimestamp, false},
               {"weather", ColumnType::kVarchar, false},
               {"temperature", ColumnType::kDouble, true},
               {"humidity", ColumnType::kSint64, true}};
  t.partition_key = {{0, std::nullopt}, {1, std::nullopt}, {2, schema::Quantum{15, 'm'}}};
  t.local_key = {{0, schema::SortOrder::kUnspecified},
                 {1, schema::SortOrder::kUnspecified},
                 {2, schema::SortOrder::kUnspecified}};
  return t;
}

Row GeoRow(int64_t i) {
  return {Value::Bytes("South Atlantic"), Value::Bytes("FL"), Value::Int(kBase + i),
          Value::Bytes("sunny"), Value::Double(23.5 + static_cast<double>(i % 10)),
          Value::Int(40 + i % 50)};
}

struct TempStore {
  TempStore() {
    dir = std::filesystem::temp_directory_path() /
          ("quanta_store_bench_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    EmbeddedOptions o;
    o.backend.data_dir = dir.string();
    store = OpenEmbeddedStore(o).value();
  }
  ~TempStore() {
    store.reset();
    std::filesystem::remove_all(dir);
  }
  std::filesystem::path dir;
  std::unique_ptr<Store> store;
};

void BM_StorePutBatch(benchmark::State& state) {
  TempStore ts;
  auto t = Geo();
  const int64_t n = state.range(0);
  int64_t next = 0;
  std::vector<Row> rows(n);
  for (auto _ : state) {
    for (int64_t i = 0; i < n; ++i) rows[i] = GeoRow(next++ % kQ);
    if (!ts.store->Put(t, rows).ok()) state.SkipWithError("put failed");
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_StorePutBatch)->Arg(1)->Arg(100)->Arg(1000);

void BM_StoreGet(benchmark::State& state) {
  TempStore ts;
  auto t = Geo();
  std::vector<Row> rows;
  for (int64_t i = 0; i < 100000; ++i) rows.push_back(GeoRow(i));
  (void)ts.store->Put(t, rows).ok();
  (void)ts.store->Flush().ok();
  int64_t i = 0;
  for (auto _ : state) {
    Row key = {Value::Bytes("South Atlantic"), Value::Bytes("FL"), Value::Int(kBase + (i++ * 7919) % 100000)};
    auto r = ts.store->Get(t, key);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_StoreGet);

void BM_StoreScanPartition(benchmark::State& state) {
  TempStore ts;
  auto t = Geo();
  const int64_t n = 200000;
  std::vector<Row> rows;
  for (int64_t i = 0; i < n; ++i) rows.push_back(GeoRow(i * 4));  // 800k ms < one quantum
  (void)ts.store->Put(t, rows).ok();
  (void)ts.store->Flush().ok();
  ScanRange range;
  range.partition = {Value::Bytes("South Atlantic"), Value::Bytes("FL"), Value::Int(kBase)};
  ScanOptions opts;
  if (state.range(0) == 1) opts.columns = {false, false, true, false, true, false};  // time, temp
  RowBatch batch;
  for (auto _ : state) {
    auto cur = ts.store->Scan(t, range, opts);
    size_t got = 0;
    while (true) {
      auto more = (*cur)->Next(&batch);
      if (!more.ok() || !*more) break;
      got += batch.num_rows;
    }
    if (got != static_cast<size_t>(n)) state.SkipWithError("short scan");
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_StoreScanPartition)->Arg(0)->Arg(1)->ArgName("two_columns")->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace quanta::storage
