// json_value: a small, strict JSON reader shared by the test harnesses that talk to the HTTP API
// (the golden SQL runner's http transport, the durability test against quantad). Numbers keep
// their text so the caller chooses int64 or double. Not for production code (src/http has its
// own RapidJSON-based codec).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace quanta::testing {

struct Json {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool b = false;
  std::string text;  // number text or decoded string (UTF-8)
  std::vector<Json> items;
  std::vector<std::pair<std::string, Json>> fields;
  // The member `key` of an object, or nullptr.
  const Json* Get(std::string_view key) const;
};

// Parses one JSON document (surrounding whitespace allowed); an error for anything else.
Result<Json> ParseJson(std::string_view text);

}  // namespace quanta::testing
