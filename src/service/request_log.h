// The service's log lines about requests (docs/operations.md, "Logs"): one line per failed
// request, written where TsService sees the error, and the slow-query log.
//
// Failures the server is responsible for or a client cannot fix by changing its request
// (timeouts, overload, memory, disk full, storage errors) are logged at warning; errors in the
// request itself (syntax 1020, no such table 1019, invalid rows 1003, ...) at debug, so that a
// misbehaving client cannot flood the log at the default level.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/log.h"
#include "common/status.h"
#include "service/stats.h"

namespace quanta::service {

// The level a failed request is logged at.
log::Level FailureLevel(const Status& status);

// One line for a failed request: "request failed" with op, code (the Riak code the client
// gets), error, ms, transport and peer.
void LogRequestFailure(Op op, const Status& status, double ms);

// Longest statement text a slow-query line carries.
inline constexpr size_t kSlowQueryTextBytes = 1024;

// "slow query" at warning, with ms, rows, the statement (truncated), transport and peer.
void LogSlowQuery(std::string_view sql, double ms, size_t rows, const Status& status);

}  // namespace quanta::service
