// Deleting many rows at once (engine internals, see partition.h): a key range of one partition
// (a range DELETE), whole partitions (expiry). Whole chunks inside the range are deleted by
// their key without being read; only a chunk that straddles a bound of the range is decoded
// and rewritten without the rows inside. Keys are deleted one by one (no backend range
// deletions): RocksDB re-fragments every range deletion in the memtable for each new
// iterator, so many of them would slow every read (see seal.cc).
//
// The engine calls these with the partition's stripe held exclusively, so no seal or write of
// the partition runs between what they read and the batch it writes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "storage/backend/backend.h"
#include "storage/engine/partition.h"

namespace quanta::storage::internal {

struct RangeDeletion {
  uint64_t head_entries = 0;     // head rows and tombstones deleted
  uint64_t chunks_deleted = 0;   // chunks wholly inside the range, deleted unread
  uint64_t chunks_rewritten = 0; // chunks that straddled a bound, rewritten without the range
};

// Adds to `batch` the deletions that remove every row of the partition `head_prefix` whose head
// key lies in [lower, upper) (both head keys under `head_prefix`).
Status AppendRangeDeletion(Backend& backend, const TableLayout& l, const std::string& head_prefix,
                           const std::string& lower, const std::string& upper, size_t chunk_rows,
                           WriteBatch* batch, RangeDeletion* done);

// The head key bounds [lower, upper) of a scan range's rows inside partition `prefix`, as a
// scan reads them; false when the range holds no key.
bool KeyBoundsOf(const TableLayout& l, const std::string& prefix, const ScanRange& range,
                 std::string* lower, std::string* upper);

// Head prefixes of the partitions of a table (with a quantum) whose whole quantum lies at or
// before `cutoff` (ms). Walks the head and chunk keys of the table, skipping from a series'
// first unexpired quantum to the next series, so the walk costs one seek per series plus one
// per expired partition. At most `limit` prefixes (the rest are found by the next call).
Result<std::vector<std::string>> ExpiredPartitions(Backend& backend, const TableLayout& l,
                                                   int64_t cutoff, size_t limit);

}  // namespace quanta::storage::internal
