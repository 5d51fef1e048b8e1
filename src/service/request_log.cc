#include "service/request_log.h"

#include <string>

#include "service/request_context.h"

namespace quanta::service {

log::Level FailureLevel(const Status& status) {
  switch (status.code()) {
    case ErrorCode::kTimeout:
    case ErrorCode::kMemoryLimit:
    case ErrorCode::kNoSpace:
    case ErrorCode::kIoError:
    case ErrorCode::kCorruption:
    case ErrorCode::kInternal:
    case ErrorCode::kConflict:
    case ErrorCode::kGet:        // storage failures, wrapped in the operation's Riak code
    case ErrorCode::kDelete:
    case ErrorCode::kListKeys:
    case ErrorCode::kQbufIo:
    case ErrorCode::kQbufInternal:
      return log::Level::kWarning;
    case ErrorCode::kPut:
      // Storage kept part of a batch (the cause in detail); without a cause, rows too big.
      return status.detail().empty() ? log::Level::kDebug : log::Level::kWarning;
    case ErrorCode::kSubmit: {
      // 1001 is mostly the client's query; "overload" and an INSERT refused for a full disk
      // are the server's state.
      const std::string& m = status.message();
      const std::string_view full = "disk full";
      bool disk_full = m.size() >= full.size() && m.compare(m.size() - full.size(), full.size(), full) == 0;
      return m == "overload" || disk_full ? log::Level::kWarning : log::Level::kDebug;
    }
    default:
      return log::Level::kDebug;
  }
}

void LogRequestFailure(Op op, const Status& status, double ms) {
  log::Level level = FailureLevel(status);
  if (!log::Enabled(level)) return;
  const RequestContext& rc = CurrentRequest();
  if (status.code() == ErrorCode::kPut && !status.detail().empty()) {
    // Storage kept part of a batch: why it refused the rest (clients get only the count).
    log::Write(level, "request failed",
               {{"op", OpName(op)},
                {"code", status.riak_code()},
                {"error", status.message()},
                {"cause", status.detail()},
                {"ms", ms},
                {"transport", TransportName(rc.transport)},
                {"peer", rc.peer}});
    return;
  }
  log::Write(level, "request failed",
             {{"op", OpName(op)},
              {"code", status.riak_code()},
              {"error", status.message()},
              {"ms", ms},
              {"transport", TransportName(rc.transport)},
              {"peer", rc.peer}});
}

void LogSlowQuery(std::string_view sql, double ms, size_t rows, const Status& status) {
  if (!log::Enabled(log::Level::kWarning)) return;
  const RequestContext& rc = CurrentRequest();
  log::Write(log::Level::kWarning, "slow query",
             {{"ms", ms},
              {"rows", static_cast<uint64_t>(rows)},
              {"code", status.ok() ? 0 : status.riak_code()},
              {"transport", TransportName(rc.transport)},
              {"peer", rc.peer},
              {"statement", log::Truncate(sql, kSlowQueryTextBytes)}});
}

}  // namespace quanta::service
