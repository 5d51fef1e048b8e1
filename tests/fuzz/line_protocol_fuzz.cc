// libFuzzer target for the Influx line protocol parser (src/ingest/line_protocol.h): the input
// is a request body. Invariants checked (abort on violation):
//  - parsing terminates, the cursor always advances, line numbers never go backwards and stay
//    within the body's line count;
//  - every point has a measurement and at least one field; tags are sorted with unique keys;
//    field keys are unique and never "time"; floats are finite; strings are valid UTF-8;
//  - a timestamp converts to milliseconds or reports overflow, never crashes.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "ingest/line_protocol.h"

namespace {

using quanta::ingest::FieldType;

void Fail(const char* what, std::string_view input) {
  std::fprintf(stderr, "line_protocol_fuzz: %s for input (%zu bytes): %.*s\n", what, input.size(),
               static_cast<int>(input.size()), input.data());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  size_t newlines = 0;
  for (char c : body) newlines += c == '\n';
  size_t pos = 0, line = 0, last_line = 0;
  quanta::ingest::Point point;
  std::optional<quanta::ingest::LineError> error;
  for (size_t rounds = 0;; ++rounds) {
    if (rounds > size + 1) Fail("no progress", body);
    size_t before = pos;
    bool got = quanta::ingest::NextPoint(body, &pos, &line, &point, &error);
    if (pos < before || pos > size) Fail("cursor moved backwards or past the end", body);
    if (line < last_line || line > newlines + 1) Fail("bad line number", body);
    last_line = line;
    if (error) {
      if (error->line == 0 || error->line > newlines + 1) Fail("bad error line", body);
      if (error->message.empty()) Fail("empty error message", body);
      if (pos == before) Fail("error without progress", body);
      error.reset();
      continue;
    }
    if (!got) break;
    if (pos == before) Fail("point without progress", body);
    if (point.measurement.empty() || point.fields.empty()) Fail("empty point", body);
    for (size_t i = 1; i < point.tags.size(); ++i) {
      if (!(point.tags[i - 1].first < point.tags[i].first)) Fail("tags not sorted/unique", body);
    }
    std::set<std::string> keys;
    for (const auto& f : point.fields) {
      if (f.key.empty() || f.key == "time" || !keys.insert(f.key).second) Fail("bad field key", body);
      if (f.type == FieldType::kFloat && !std::isfinite(f.f)) Fail("non-finite float", body);
      if (f.type == FieldType::kString && !quanta::ingest::IsValidUtf8(f.s)) Fail("bad UTF-8", body);
    }
    for (const auto& [k, v] : point.tags) {
      if (k.empty() || v.empty() || !quanta::ingest::IsValidUtf8(v)) Fail("bad tag", body);
    }
    if (point.timestamp) {
      for (auto p : {quanta::ingest::Precision::kNanoseconds, quanta::ingest::Precision::kHours}) {
        (void)quanta::ingest::ToMillis(*point.timestamp, p);
      }
    }
  }
  return 0;
}
