// libFuzzer target for the HTTP key URL path: the input is appended to a key resource URL and
// routed, decoded and parsed against two tables. Invariants checked (abort on violation):
//  - routing and parsing never crash and every error is a 4xx;
//  - a parsed key renders back (KeyUrlPath) and that rendering routes and parses to the same key;
//  - PercentDecode(PercentEncode(x)) == x for the raw input.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/key_path.h"
#include "http/router.h"
#include "http/url_codec.h"
#include "http_fuzz_tables.h"

namespace {

using quanta::Row;
using quanta::http::HttpError;
using quanta::http::Method;
using quanta::http::Route;

void Fail(const char* what, std::string_view input) {
  std::fprintf(stderr, "http_key_path_fuzz: %s for input (%zu bytes): %.*s\n", what, input.size(),
               static_cast<int>(input.size()), input.data());
  std::abort();
}

void CheckTable(const quanta::schema::TableDef& table, std::string_view suffix,
                std::string_view input) {
  std::string target = "/ts/v1/tables/" + table.name + "/keys/" + std::string(suffix);
  Route route;
  if (auto error = quanta::http::ParseRoute(Method::kGet, target, &route)) {
    if (error->status < 400 || error->status >= 500) Fail("route error is not 4xx", input);
    return;
  }
  Row key;
  if (auto error = quanta::http::ParseKeyPath(table, route.key_path, &key)) {
    if (error->status != 400 || error->body.empty()) Fail("key path error is not 400", input);
    return;
  }
  auto rendered = quanta::http::KeyUrlPath(table, key);
  if (!rendered) Fail("parsed key does not render", input);
  Route again;
  std::string target2 = "/ts/v1/tables/" + table.name + "/keys/" + *rendered;
  if (quanta::http::ParseRoute(Method::kGet, target2, &again)) Fail("rendered path does not route", input);
  Row key2;
  if (quanta::http::ParseKeyPath(table, again.key_path, &key2)) Fail("rendered path does not parse", input);
  if (key2 != key) Fail("key changed across render/parse", input);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto decoded = quanta::http::PercentDecode(quanta::http::PercentEncode(input));
  if (!decoded || *decoded != input) Fail("percent encode/decode round trip", input);
  CheckTable(quanta::http::fuzz::Bob(), input, input);
  CheckTable(quanta::http::fuzz::AllTypes(), input, input);
  return 0;
}
