// libFuzzer target for the HTTP put-body decoder: the input is a JSON body decoded against two
// tables. Invariants checked (abort on violation):
//  - decoding never crashes; every error is a 400 with a body;
//  - every decoded row has one value per column, NULL only in nullable columns;
//  - a decoded row encodes (EncodeRowObject succeeds: varchars were validated as UTF-8), and a
//    row without NULLs decodes back from its encoding unchanged.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "http/json_codec.h"
#include "http_fuzz_tables.h"

namespace {

using quanta::Row;

void Fail(const char* what, std::string_view input) {
  std::fprintf(stderr, "http_json_rows_fuzz: %s for input (%zu bytes): %.*s\n", what, input.size(),
               static_cast<int>(input.size()), input.data());
  std::abort();
}

void CheckTable(const quanta::schema::TableDef& table, std::string_view input) {
  std::vector<Row> rows;
  if (auto error = quanta::http::DecodeRows(table, input, &rows)) {
    if (error->status != 400 || error->body.empty()) Fail("decode error is not 400", input);
    return;
  }
  for (const Row& row : rows) {
    if (row.size() != table.columns.size()) Fail("row has the wrong arity", input);
    bool has_null = false;
    for (size_t i = 0; i < row.size(); ++i) {
      if (row[i].is_null()) {
        if (!table.columns[i].nullable) Fail("NULL in a NOT NULL column", input);
        has_null = true;
      } else if (!row[i].MatchesType(table.columns[i].type)) {
        Fail("value does not match its column type", input);
      }
    }
    std::string json;
    if (!quanta::http::EncodeRowObject(table, row, &json)) Fail("decoded row does not encode", input);
    if (has_null) continue;
    std::vector<Row> again;
    if (quanta::http::DecodeRows(table, json, &again)) Fail("encoded row does not decode", json);
    if (again.size() != 1 || again[0] != row) Fail("row changed across encode/decode", json);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  CheckTable(quanta::http::fuzz::Bob(), input);
  CheckTable(quanta::http::fuzz::AllTypes(), input);
  return 0;
}
