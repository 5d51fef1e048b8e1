// Estimating a table's row count with bounded work (row_estimate.h).
#include "storage/engine/row_estimate.h"

#include <algorithm>
#include <optional>
#include <string>

#include "storage/key_codec.h"

namespace quanta::storage::internal {

namespace {

// What the walk of one key space found.
struct SpaceCount {
  int64_t rows = 0;         // chunk rows, or head rows minus tombstones
  bool complete = false;    // the walk reached the end of the space
  std::string stopped_at;   // the first key not read (when not complete)
  uint64_t bytes = 0;       // bytes of the keys and values read
  // The backend's approximate size of what was read, once it is at least kResolvedBytes.
  std::optional<uint64_t> sized;
};

// The backend sizes a range coarsely (RocksDB from its index, a block of about 4 KiB at a time,
// and the memtables from a sample), and on disk the data is compressed: tiny chunks of similar
// series compress several times over. So a walk reads on, past its sample of records, until
// the backend sizes what it read at this many bytes, which then compares with the size of the
// rest in the same unit, within a few percent.
constexpr uint64_t kResolvedBytes = 256 << 10;
// Records between two asks for the size of what was read (each costs an index lookup).
constexpr size_t kSizeEvery = 64;

// Walks the keys of [lower, upper) (one space of one table): at least `sample` records (when
// there are that many), then on until the backend sizes what was read at kResolvedBytes (or
// cannot size it), never past `*budget` bytes of values (which it lowers by what it read).
Status CountSpace(Backend& backend, const Snapshot* snapshot, const TableLayout& l, bool chunks,
                  const std::string& lower, const std::string& upper, size_t sample,
                  uint64_t* budget, SpaceCount* out, RowEstimate* estimate) {
  IteratorOptions o;
  o.lower = lower;
  o.upper = upper;
  o.fill_cache = false;  // a look over the table must not evict what queries read
  auto it = backend.NewIterator(o, snapshot);
  size_t records = 0;
  for (it->Seek(lower); it->Valid(); it->Next()) {
    bool stop = sample == 0 || *budget == 0;
    if (!stop && records >= sample && (records - sample) % kSizeEvery == 0) {
      out->sized = backend.ApproximateRangeBytes(lower, it->key());
      stop = !out->sized || *out->sized >= kResolvedBytes;
    }
    if (stop) {
      if (out->sized && *out->sized < kResolvedBytes) out->sized.reset();
      out->stopped_at = std::string(it->key());
      return Status::OK();
    }
    const std::string_view value = it->value();
    ++records;
    out->bytes += it->key().size() + value.size();
    estimate->records_read++;
    estimate->bytes_read += value.size();
    *budget -= std::min<uint64_t>(*budget, value.size());
    if (chunks) {
      ChunkRecord rec;
      if (!DecodeChunkRecord(value, &rec)) return Corrupt("chunk record", l.table.name);
      out->rows += static_cast<int64_t>(rec.rows);
    } else {
      out->rows += IsTombstone(value) ? -1 : 1;
    }
  }
  QUANTA_RETURN_IF_ERROR(it->status());
  out->complete = true;
  return Status::OK();
}

// The rows of the part of [lower, upper) a walk did not read, from its approximate size at the
// rows per byte of the part it read; nullopt when the backend cannot size ranges or nothing
// was read.
std::optional<double> Extrapolate(Backend& backend, const std::string& upper,
                                  const SpaceCount& counted) {
  const std::optional<uint64_t> rest = backend.ApproximateRangeBytes(counted.stopped_at, upper);
  if (!rest) return std::nullopt;
  // Unresolved (the byte budget ran out first): the bytes read stand for their size, which
  // overstates it by the backend's compression.
  const uint64_t read = counted.sized ? *counted.sized : counted.bytes;
  if (read == 0) return std::nullopt;
  return static_cast<double>(counted.rows) * static_cast<double>(*rest) /
         static_cast<double>(read);
}

}  // namespace

Result<RowEstimate> EstimateTableRows(Backend& backend, const TableLayout& l,
                                      const RowEstimateLimits& limits) {
  RowEstimate estimate;
  // One snapshot, so that a seal moving rows from the head to the chunks meanwhile is seen
  // before or after, never counted twice or missed.
  auto snapshot = backend.NewSnapshot();
  const std::string head_lower = l.keys.table_prefix();
  const std::string head_upper = PrefixSuccessor(head_lower);
  const std::string chunk_lower = ChunkKeyOf(head_lower);
  const std::string chunk_upper = ChunkKeyOf(head_upper);
  // A quarter of the bytes is kept for the head entries, so that chunks the backend cannot size
  // (all in a memtable) leave something to sample the head with.
  uint64_t budget = limits.max_bytes - limits.max_bytes / 4;
  SpaceCount chunks, head;
  QUANTA_RETURN_IF_ERROR(CountSpace(backend, snapshot.get(), l, /*chunks=*/true, chunk_lower,
                                    chunk_upper, limits.sample_chunks, &budget, &chunks, &estimate));
  budget += limits.max_bytes / 4;
  QUANTA_RETURN_IF_ERROR(CountSpace(backend, snapshot.get(), l, /*chunks=*/false, head_lower,
                                    head_upper, limits.sample_head_entries, &budget, &head,
                                    &estimate));
  double rows = static_cast<double>(chunks.rows + head.rows);
  estimate.exact = chunks.complete && head.complete;
  if (!chunks.complete) {
    std::optional<double> more = Extrapolate(backend, chunk_upper, chunks);
    if (more) rows += *more;
    estimate.at_least = estimate.at_least || !more;
  }
  if (!head.complete) {
    std::optional<double> more = Extrapolate(backend, head_upper, head);
    if (more) rows += *more;
    estimate.at_least = estimate.at_least || !more;
  }
  // Tombstones read without the sealed rows they hide (or an extrapolation from them) can
  // take the sum below zero.
  estimate.rows = rows > 0 ? static_cast<uint64_t>(rows + 0.5) : 0;
  return estimate;
}

}  // namespace quanta::storage::internal
