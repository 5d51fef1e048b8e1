// http_client: the little HTTP/1.1 client and JSON reader the golden SQL runner needs to send
// `POST /ts/v1/query` to an in-process HttpServer (transport `http`, docs/testing.md).
//
// Deliberately small: one request per connection (Connection: close), Content-Length or chunked
// bodies, and a JSON parser for the shapes the query endpoint answers ({"columns":[...],
// "rows":[[...]]} and {"success":true}). Not a general-purpose client.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "json_value.h"

namespace quanta::sqltest {

struct HttpReply {
  int status = 0;
  std::string content_type;
  std::string body;
};

// POSTs `body` to http://127.0.0.1:<port><path>. kIoError on connection problems.
Result<HttpReply> HttpPost(uint16_t port, std::string_view path, std::string_view body,
                           int timeout_ms = 60000);

using testing::Json;
using testing::ParseJson;

// Standard base64 (with padding). Error on invalid input.
Result<std::string> Base64Decode(std::string_view text);

}  // namespace quanta::sqltest
