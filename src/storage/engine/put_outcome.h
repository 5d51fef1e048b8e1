// What a put answers when its batch failed (engine internals).
//
// On a backend that applies a batch per partition (RADOS: one atomic object operation each,
// backend.h), a put spanning several partitions may fail on some and be kept on the others,
// as a Riak TS put was (its rows went to their vnodes in batches per partition). The client is
// then told how many rows were not written, with Riak's own words, and can retry them: a
// retried put writes the same keys again.
#pragma once

#include <cstddef>

#include "common/status.h"

namespace quanta::storage::internal {

// The answer to a put of `rows` rows whose batch failed with `cause` after `written` of them
// were kept: Riak's 1004 "Failed to put N record(s)" with N = rows - written and `cause` (as
// "code: message") in detail() when some were kept; `cause` itself when none were, so that a
// put that failed as a whole keeps its own error (a timeout stays 1013, a full disk "disk full").
Status FailedPut(const Status& cause, size_t rows, size_t written);

}  // namespace quanta::storage::internal
