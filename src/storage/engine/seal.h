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
#include <cstdint>
#include <span>
#include <string>
#include <vector>

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

// Direct chunks: the rows a put brings to one partition, written as new chunks at once instead
// of head rows that a seal folds later (the same chunks a seal of them would write), when no
// head entry and no chunk of the partition lies within the rows' key range, so that chunks stay
// disjoint and nothing in the head can win over them. Saves writing, reading and deleting every
// row in the head: for bulk loads, where a batch brings thousands of rows to a partition.
//
// `order` lists, in key order (stably sorted: of equal keys the last one wins), the indexes
// into `keys` (encoded head keys) and `source` (the valid rows, table column order) of the rows
// of partition `head_prefix`. Adds the chunks to `batch` and returns how many, adding the rows they hold
// (distinct keys) to *rows_written; 0 (nothing added) when the range is not free, and the caller writes the rows to the head. REQUIRES: the partition's
// stripe held exclusively until `batch` is written, and a backend no other process writes.
Result<size_t> AppendDirectChunks(Backend& backend, const TableLayout& l,
                                  const std::string& head_prefix,
                                  const std::vector<std::string>& keys,
                                  std::span<const Row> source,
                                  std::span<const uint32_t> order, size_t chunk_rows,
                                  WriteBatch* batch, uint64_t* rows_written);

}  // namespace quanta::storage::internal
