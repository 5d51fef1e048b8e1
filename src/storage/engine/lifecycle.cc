// Deleting many rows at once (lifecycle.h).
#include "storage/engine/lifecycle.h"

#include <set>

#include "storage/key_codec.h"

namespace quanta::storage::internal {

Status AppendRangeDeletion(Backend& backend, const TableLayout& l, const std::string& head_prefix,
                           const std::string& lower, const std::string& upper, size_t chunk_rows,
                           WriteBatch* batch, RangeDeletion* done) {
  // Head entries (rows and tombstones) inside the range.
  {
    IteratorOptions o;
    o.lower = lower;
    o.upper = upper;
    auto it = backend.NewIterator(o);
    for (it->Seek(lower); it->Valid(); it->Next()) {
      batch->Delete(it->key());
      done->head_entries++;
    }
    QUANTA_RETURN_IF_ERROR(it->status());
  }
  // Chunks overlapping the range: keyed by their last row, so the first candidate is the first
  // chunk whose last key is >= lower; the walk ends at the first chunk starting at or after
  // upper.
  IteratorOptions co;
  co.lower = ChunkKeyOf(lower);
  co.upper = ChunkKeyOf(PrefixSuccessor(head_prefix));
  auto it = backend.NewIterator(co);
  Row partition;
  bool have_partition = false;
  for (it->Seek(co.lower); it->Valid(); it->Next()) {
    ChunkRecord rec;
    if (!DecodeChunkRecord(it->value(), &rec)) return Corrupt("chunk record", l.table.name);
    std::string first = head_prefix;
    first.append(rec.first);
    if (first >= upper) break;
    std::string last(it->key());
    last[0] = kRowPrefix;
    batch->Delete(it->key());
    if (first >= lower && last < upper) {
      done->chunks_deleted++;
      continue;
    }
    // A chunk straddling a bound: its rows outside the range become new chunks.
    if (!have_partition) {
      QUANTA_RETURN_IF_ERROR(DecodePartition(l, head_prefix, &partition));
      have_partition = true;
    }
    RowBatch rows;
    rows.Reset(l.types, {});
    QUANTA_RETURN_IF_ERROR(DecodeChunkRows(l, rec, partition, &rows));
    RowBatch kept;
    kept.Reset(l.types, {});
    std::string key;
    for (size_t r = 0; r < rows.num_rows; ++r) {
      key.assign(head_prefix);
      l.keys.AppendSuffix(rows, r, &key);
      if (key >= lower && key < upper) continue;
      for (size_t c = 0; c < l.types.size(); ++c) {
        AppendFrom(&kept.columns[c], rows.columns[c], r);
      }
      kept.num_rows++;
    }
    AppendChunks(l, head_prefix, kept, chunk_rows, batch);
    done->chunks_rewritten++;
  }
  return it->status();
}

bool KeyBoundsOf(const TableLayout& l, const std::string& prefix, const ScanRange& range,
                 std::string* lower, std::string* upper) {
  *lower = prefix;
  *upper = PrefixSuccessor(prefix);
  if (!l.keys.has_quantum() || (!range.time_lo && !range.time_hi)) return true;
  TimeBounds bounds = BoundsOf(range);
  if (bounds.empty || (bounds.lo && bounds.hi && *bounds.lo > *bounds.hi)) return false;
  // In key order the start of the range is the smallest t (ASC) or the largest t (DESC).
  const bool desc = l.keys.time_desc();
  const std::optional<int64_t>& first = desc ? bounds.hi : bounds.lo;
  const std::optional<int64_t>& last = desc ? bounds.lo : bounds.hi;
  if (first) AppendKeyInt(*first, desc, lower);
  if (last) {
    std::string bound = prefix;
    AppendKeyInt(*last, desc, &bound);
    *upper = PrefixSuccessor(bound);
  }
  return true;
}

namespace {

// The head key space (kRowPrefix) or the chunk key space of a head key.
std::string InSpace(std::string_view head_key, char space) {
  std::string k(head_key);
  if (!k.empty()) k[0] = space;
  return k;
}

}  // namespace

Result<std::vector<std::string>> ExpiredPartitions(Backend& backend, const TableLayout& l,
                                                   int64_t cutoff, size_t limit) {
  std::vector<std::string> out;
  if (!l.keys.has_quantum()) return out;
  const __int128 qms = l.partition_ms;  // a time slice with time_slices
  // The quantum start is the partition's last element, 8 bytes (docs/formats/key_encoding.md).
  constexpr size_t kQuantumBytes = 8;
  std::set<std::string> found;
  for (char space : {kRowPrefix, kChunkPrefix}) {
    IteratorOptions o;
    o.lower = InSpace(l.keys.table_prefix(), space);
    o.upper = PrefixSuccessor(o.lower);
    o.fill_cache = false;
    auto it = backend.NewIterator(o);
    it->Seek(o.lower);
    while (it->Valid() && found.size() < limit) {
      const std::string head_key = InSpace(it->key(), kRowPrefix);
      const size_t len = l.keys.PartitionPrefixLength(head_key);
      if (len < l.keys.table_prefix().size() + kQuantumBytes) {
        it->Next();  // undecodable: left for reads to report
        continue;
      }
      std::string prefix = head_key.substr(0, len);
      std::string_view qbytes = std::string_view(prefix).substr(len - kQuantumBytes);
      Value start;
      if (!ConsumeKeyElement(ColumnType::kTimestamp, false, &qbytes, &start)) {
        it->Next();
        continue;
      }
      std::string next;
      if (static_cast<__int128>(start.as_int()) + qms - 1 <= cutoff) {
        next = PrefixSuccessor(prefix);
        found.insert(std::move(prefix));
      } else {
        // Quanta are in ascending order within a series: the rest of it is newer still.
        next = PrefixSuccessor(std::string_view(prefix).substr(0, len - kQuantumBytes));
      }
      if (next.empty()) break;
      it->Seek(InSpace(next, space));
    }
    QUANTA_RETURN_IF_ERROR(it->status());
  }
  out.assign(found.begin(), found.end());
  if (out.size() > limit) out.resize(limit);
  return out;
}

}  // namespace quanta::storage::internal
