// Router: maps a method and request target to one of the API's endpoints (riak_ts.md section 11),
// decoding the table name and key path elements on the way.
//
// Route table (only API version "v1" exists; any other version on a known route -> 412):
//   GET    /ping                              -> kPing
//   GET    /stats                             -> kStats      (JSON counters)
//   GET    /metrics                           -> kMetrics    (Prometheus text)
//   POST   /ts/<v>/query                      -> kQuery
//   POST   /ts/<v>/tables/<t>/keys            -> kPutRows
//   GET    /ts/<v>/tables/<t>/keys/<c>/<v>... -> kGetKey
//   DELETE /ts/<v>/tables/<t>/keys/<c>/<v>... -> kDeleteKey
//   GET    /ts/<v>/tables/<t>/list_keys       -> kListKeys
//   POST   /write                             -> kInfluxWrite   (Influx 1.x line protocol)
//   POST   /api/v2/write                      -> kInfluxWrite   (Influx 2.x line protocol)
//   POST   /api/v1/write                      -> kRemoteWrite   (Prometheus remote write)
//   GET    /                                  -> kRoot       (redirect to the web console)
//   GET    /console[/<asset path>]            -> kConsole    (the web console's files)
//   GET    /console/api/tables                -> kConsoleTables (row estimates; other paths
//                                                under /console/api/ -> 404)
// (kRoot and kConsole also answer HEAD.)
//   POST   /admin/v1/<command>                -> kAdmin      (quanta-admin; table = command)
// Any other method on these paths -> 405; any other path -> 404.
//
// Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/error_map.h"
#include "http/url_codec.h"

namespace quanta::http {

enum class Method : uint8_t { kGet, kHead, kPost, kPut, kDelete, kOther };

enum class RouteKind : uint8_t {
  kPing,
  kStats,
  kMetrics,
  kQuery,
  kPutRows,
  kGetKey,
  kDeleteKey,
  kListKeys,
  kInfluxWrite,  // Quanta extension (docs/ingest.md)
  kRemoteWrite,  // Quanta extension (docs/ingest.md)
  kRoot,
  kConsole,
  kConsoleTables,  // Quanta extension (docs/console.md)
  kAdmin,
};

struct Route {
  RouteKind kind = RouteKind::kPing;
  std::string table;                  // percent-decoded; empty for kPing/kStats/kMetrics/kQuery;
                                      // the command for kAdmin
  std::vector<std::string> key_path;  // percent-decoded path elements after ".../keys/"
  QueryParams params;                 // decoded query-string parameters, in order
  std::string asset;                  // kConsole: the percent-decoded path after "/console/"
};

// Fills *route, or returns the error response to send (404, 405, 412, or 400 for a malformed
// percent-escape).
std::optional<HttpError> ParseRoute(Method method, std::string_view target, Route* route);

}  // namespace quanta::http
