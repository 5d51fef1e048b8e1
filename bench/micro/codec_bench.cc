// Key and row codec micro benchmarks (docs/formats/key_encoding.md, row_encoding.md).
//   codec_bench --benchmark_filter=Key
#include <benchmark/benchmark.h>

#include <vector>

#include "schema/table_def.h"
#include "storage/key_codec.h"
#include "storage/row_codec.h"

namespace quanta::storage {
namespace {

// GeoCheckin-like: (region, state, QUANTUM(time)), region, state, time [DESC];
// values: weather VARCHAR, temperature DOUBLE (nullable), humidity SINT64 (nullable).
schema::TableDef Geo(bool time_desc) {
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
                 {2, time_desc ? schema::SortOrder::kDesc : schema::SortOrder::kUnspecified}};
  return t;
}

Row GeoRow(int64_t i) {
  return {Value::Bytes("South Atlantic"), Value::Bytes("FL"), Value::Int(1470000000000 + i),
          Value::Bytes("sunny"), Value::Double(23.5 + static_cast<double>(i % 10)),
          Value::Int(40 + i % 50)};
}

std::vector<ColumnType> Types(const schema::TableDef& t) {
  std::vector<ColumnType> types;
  for (const auto& c : t.columns) types.push_back(c.type);
  return types;
}

void BM_KeyEncodeRow(benchmark::State& state) {
  auto t = Geo(state.range(0) != 0);
  KeyCodec codec(t);
  Row row = GeoRow(7);
  for (auto _ : state) {
    std::string k = codec.EncodeRow(row);
    benchmark::DoNotOptimize(k);
  }
}
BENCHMARK(BM_KeyEncodeRow)->Arg(0)->Arg(1)->ArgName("desc");

void BM_KeyDecodeLocalKey(benchmark::State& state) {
  auto t = Geo(state.range(0) != 0);
  KeyCodec codec(t);
  std::string key = codec.EncodeRow(GeoRow(7));
  Row lk;
  for (auto _ : state) {
    benchmark::DoNotOptimize(codec.DecodeLocalKey(key, &lk).ok());
  }
}
BENCHMARK(BM_KeyDecodeLocalKey)->Arg(0)->Arg(1)->ArgName("desc");

// The scan path: the suffix (time) of 1024 keys decoded into a column vector.
void BM_KeyDecodeSuffixIntoBatch(benchmark::State& state) {
  auto t = Geo(state.range(0) != 0);
  KeyCodec codec(t);
  std::vector<std::string> keys;
  for (int i = 0; i < 1024; ++i) keys.push_back(codec.EncodeRow(GeoRow(i)));
  size_t prefix_len = codec.EncodePartition({Value::Bytes("South Atlantic"), Value::Bytes("FL"),
                                             Value::Int(1470000000000)})
                          ->size();
  RowBatch batch;
  for (auto _ : state) {
    batch.Reset(Types(t), {});
    for (const auto& k : keys) benchmark::DoNotOptimize(codec.DecodeSuffixInto(k, prefix_len, &batch));
  }
  state.SetItemsProcessed(state.iterations() * keys.size());
}
BENCHMARK(BM_KeyDecodeSuffixIntoBatch)->Arg(0)->Arg(1)->ArgName("desc");

void BM_KeyElementString(benchmark::State& state) {
  Value v = Value::Bytes(std::string(static_cast<size_t>(state.range(0)), 'x'));
  std::string out;
  for (auto _ : state) {
    out.clear();
    AppendKeyElement(ColumnType::kVarchar, v, false, &out);
    std::string_view in = out;
    Value back;
    benchmark::DoNotOptimize(ConsumeKeyElement(ColumnType::kVarchar, false, &in, &back));
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_KeyElementString)->Arg(8)->Arg(64)->Arg(1024)->ArgName("len");

void BM_RowEncode(benchmark::State& state) {
  auto t = Geo(false);
  RowCodec codec(t);
  Row row = GeoRow(7);
  std::string out;
  for (auto _ : state) {
    out.clear();
    codec.Encode(row, &out);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_RowEncode);

void BM_RowDecode(benchmark::State& state) {
  auto t = Geo(false);
  RowCodec codec(t);
  std::string value;
  codec.Encode(GeoRow(7), &value);
  Row row(t.columns.size());
  for (auto _ : state) {
    benchmark::DoNotOptimize(codec.Decode(value, &row).ok());
  }
}
BENCHMARK(BM_RowDecode);

// The scan path: 1024 values decoded into a RowBatch (all value columns wanted).
void BM_RowDecodeIntoBatch(benchmark::State& state) {
  auto t = Geo(false);
  RowCodec codec(t);
  std::vector<std::string> values(1024);
  for (int i = 0; i < 1024; ++i) {
    Row r = GeoRow(i);
    if (i % 4 == 0) r[4] = Value();  // some NULLs
    codec.Encode(r, &values[i]);
  }
  RowBatch batch;
  for (auto _ : state) {
    batch.Reset(Types(t), {});
    for (const auto& v : values) benchmark::DoNotOptimize(codec.DecodeInto(v, &batch));
  }
  state.SetItemsProcessed(state.iterations() * values.size());
}
BENCHMARK(BM_RowDecodeIntoBatch);

}  // namespace
}  // namespace quanta::storage
