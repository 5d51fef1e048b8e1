// Sealing (engine internals, see partition.h): folding the head entries of one partition into
// its chunks (docs/architecture.md).
//
// A seal takes at most 65,536 entries, rewrites at most 8 * chunk_rows chunk rows and decodes
// about 64 MiB (the first entry is always taken), so that its memory and batch stay bounded
// however big the head has grown (a row-store directory, or sealing that fell behind). Only the
// chunks that hold an entry's key are rewritten (plus small neighbours, so that partitions
// sealed a few rows at a time do not end up as many tiny chunks); entries between chunks
// become new chunks of their own. Each seal's batch leaves a consistent partition: the entries
// it did not take still win over any chunk row.
//
// The engine builds a seal with the partition's stripe held exclusively and writes its batch
// before releasing it.
#pragma once

#include <cstddef>
#include <string>

#include "common/status.h"
#include "storage/backend/backend.h"
#include "storage/engine/partition.h"

namespace quanta::storage::internal {

// What one seal writes.
struct SealPlan {
  // Deletes of the entries taken and of the chunks rewritten, puts of the new chunks, and (when
  // guarded) the entries as read, expected unchanged.
  WriteBatch batch;
  size_t entries = 0;         // head entries taken; 0: nothing to seal, `batch` is empty
  size_t chunks_written = 0;  // new chunks in `batch`
  bool more = false;          // entries were left for another seal
};

// Reads partition `head_prefix` of `l` through `snapshot` and plans its seal into `plan`.
// With `guard`, the batch expects every head entry taken to be as read (WriteBatch::Expect),
// for a backend that other processes write too.
Status BuildSeal(Backend& backend, const Snapshot& snapshot, const TableLayout& l,
                 const std::string& head_prefix, size_t chunk_rows, bool guard, SealPlan* plan);

}  // namespace quanta::storage::internal
