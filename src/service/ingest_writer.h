// Ingest: writes InfluxDB line protocol and Prometheus remote write requests into tables, as
// docs/ingest.md describes (the table layouts, table creation on first write, what is rejected).
// The protocol decoders live in src/ingest; this is the mapping from their points and samples
// to rows, which go through TsService::Put, grouped by table, at most kIngestBatchRows at a time.
//
// Thread safety: the functions may be called concurrently (TsService is thread-safe; two
// requests creating the same table race harmlessly: the loser finds the winner's table).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "common/memory.h"
#include "common/status.h"
#include "ingest/line_protocol.h"

namespace quanta::service {

class TsService;

inline constexpr size_t kIngestBatchRows = 10000;

struct IngestReport {
  size_t written = 0;         // lines / samples stored
  size_t dropped = 0;         // lines / samples that could not be stored (see first_problem)
  std::string first_problem;  // the first dropped line's problem, "line 3: ..." (line protocol)
  size_t stale_markers = 0;   // remote write: staleness markers skipped (not counted as dropped)
};

// With security enabled, the caller's check of a permission on a table (Security::Check for the
// authenticated user): "riak_ts.put" before rows go into a table, and "riak_ts.create_table"
// before a table is created for them. Empty: everything is allowed (security disabled). A
// refusal ends the request with the refusal's status; the tables of a batch are all checked
// before any of its rows is written.
using IngestAuthorizer =
    std::function<Status(std::string_view permission, const std::string& table)>;

// Writes the line protocol `body` (already decompressed). Lines that cannot be written (syntax,
// unknown column, type conflict, bad timestamp) are counted in *report and the others are
// written. A non-OK status is a request-level failure (memory refused, disk full, overload):
// the lines of earlier batches stay written; nothing after it is.
Status IngestLineProtocol(TsService& service, std::string_view body, ingest::Precision precision,
                          MemoryReservation* memory, IngestReport* report,
                          const IngestAuthorizer& authorize = {});

// Writes a decompressed remote write WriteRequest into ServiceOptions::prometheus_table.
// Errors: kGeneric for a malformed message (before or after some batches were written), and
// the request-level failures above.
Status IngestRemoteWrite(TsService& service, std::string_view message, MemoryReservation* memory,
                         IngestReport* report, const IngestAuthorizer& authorize = {});

}  // namespace quanta::service
