// The transports of `sql_runner --coordinators N` (docs/testing.md "Several coordinators"):
// N independent services over one RADOS pool and namespace, each with its own backend
// connection, catalog and watch, as N quantad processes of a cluster have. A transport name
// (inproc, pb, ...) stands for that front end of every coordinator; each statement goes to the
// next coordinator in turn, one turn shared by all names, so a file's statements alternate
// between the coordinators whatever transports it uses.
//
// A statement that changed the catalog (CREATE, ALTER or DROP TABLE) reaches the other
// coordinators through RADOS watch/notify, not at once. After one succeeds, the transport
// waits, as a client of a cluster would, until every other coordinator answers SHOW CREATE
// TABLE for that table as the one that ran it (polling every 10 ms, at most
// kCatalogSettleTimeout); past that the statement fails with a "[cluster]" message.
#pragma once

#include <chrono>
#include <memory>
#include <vector>

#include "transport.h"

namespace quanta::sqltest {

inline constexpr std::chrono::milliseconds kCatalogSettleTimeout{5000};

// `members`: the same front end of each coordinator (not owned; they outlive the result).
// `turn` is shared by the transports that alternate together.
std::unique_ptr<Transport> NewAlternatingTransport(std::vector<Transport*> members,
                                                   std::shared_ptr<size_t> turn);

}  // namespace quanta::sqltest
