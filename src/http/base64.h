// Standard base64 (RFC 4648 section 4 alphabet, '=' padding), used for BLOB values in JSON bodies,
// JSON results, key URLs and list_keys output (riak_ts.md section 11).
//
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace quanta::http {

// Encodes with padding: "w1" -> "dzE=".
std::string Base64Encode(std::string_view bytes);

// Decodes standard base64. Padding may be present ("dzE=") or omitted ("dzE"); anything else
// (characters outside the alphabet, whitespace, '=' in the middle, a length of 4n+1) -> nullopt.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace quanta::http
