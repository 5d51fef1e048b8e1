// Sealing: folding a partition's head entries into its chunks (engine internals, see
// partition.h and docs/architecture.md).
#include "storage/engine/seal.h"

#include <algorithm>

#include "storage/engine/chunk.h"

namespace quanta::storage::internal {

namespace {

// Bounds of one seal: head entries read, and rows of the chunks it rewrites (as a multiple of
// chunk_rows).
constexpr size_t kSealEntries = 65536;
constexpr size_t kSealRowsFactor = 8;
// Memory a seal may decode (head entries and chunks to rewrite): an estimate, with kRowBytes
// per column (partition.h).
constexpr uint64_t kSealBytes = 64ull << 20;

}  // namespace

Status BuildSeal(Backend& backend, const Snapshot& snapshot, const TableLayout& l,
                 const std::string& head_prefix, size_t chunk_rows, bool guard, SealPlan* plan) {
  *plan = SealPlan();
  Row partition;
  QUANTA_RETURN_IF_ERROR(DecodePartition(l, head_prefix, &partition));
  const size_t max_entries = std::max<size_t>(kSealEntries, chunk_rows);
  const size_t max_chunk_rows = kSealRowsFactor * chunk_rows;

  // The chunks of the partition: keys and record headers (values are read again only for
  // the chunks rewritten).
  struct ChunkMeta {
    std::string key;    // chunk key (ends with S_last)
    std::string first;  // S_first
    size_t rows = 0;
    uint64_t bytes = 0;  // what decoding it takes in memory (estimate)
    bool rewrite = false;
  };
  std::vector<ChunkMeta> chunks;
  // The head entries as read, which a guarded write expects unchanged.
  WriteBatch expects;
  {
    IteratorOptions co;
    co.lower = ChunkKeyOf(head_prefix);
    co.upper = ChunkKeyOf(PrefixSuccessor(head_prefix));
    auto it = backend.NewIterator(co, &snapshot);
    for (it->Seek(co.lower); it->Valid(); it->Next()) {
      ChunkRecord rec;
      if (!DecodeChunkRecord(it->value(), &rec)) return Corrupt("chunk record", l.table.name);
      QUANTA_ASSIGN_OR_RETURN(ChunkReader reader, ChunkReader::Open(rec.body, l.chunk_types));
      uint64_t bytes = static_cast<uint64_t>(rec.rows) * kRowBytes * l.types.size();
      for (size_t c = 0; c < l.chunk_types.size(); ++c) bytes += reader.stats(c).total_bytes;
      chunks.push_back(
          ChunkMeta{std::string(it->key()), std::string(rec.first), rec.rows, bytes});
    }
    QUANTA_RETURN_IF_ERROR(it->status());
  }
  auto last_of = [&](const ChunkMeta& c) {
    return std::string_view(c.key).substr(head_prefix.size());
  };

  // The head entries, in key order, until a bound: rows decoded into `head`, every entry's
  // suffix kept. `owner[i]` is the chunk whose key range holds entry i, or -1.
  RowBatch head;
  head.Reset(l.types, {});
  std::string arena;                 // the suffixes, back to back
  std::vector<uint32_t> suffix_end;  // end of entry i's suffix in `arena`
  std::vector<int32_t> head_row;     // entry i's row in `head`, -1 for a tombstone
  std::vector<int32_t> owner;
  size_t rewrite_rows = 0;
  uint64_t bytes = 0;  // head entries taken and chunks to rewrite, decoded (estimate)
  auto over = [&](size_t more_rows, uint64_t more_bytes) {
    return rewrite_rows + more_rows > max_chunk_rows || bytes + more_bytes > kSealBytes;
  };
  {
    IteratorOptions ho;
    ho.lower = head_prefix;
    ho.upper = PrefixSuccessor(head_prefix);
    // Read once, to be deleted: kept out of the block cache, where a load's head rows would
    // take the room of what queries read (and add to the process's memory).
    ho.fill_cache = false;
    auto it = backend.NewIterator(ho, &snapshot);
    size_t ci = 0;  // first chunk whose S_last >= the current entry
    for (it->Seek(ho.lower); it->Valid(); it->Next()) {
      std::string_view key = it->key();
      const std::string_view suffix = key.substr(head_prefix.size());
      while (ci < chunks.size() && last_of(chunks[ci]) < suffix) ++ci;
      const bool inside = ci < chunks.size() && std::string_view(chunks[ci].first) <= suffix;
      // Bounded work per call; the first entry is always taken.
      if (suffix_end.size() == max_entries) {
        plan->more = true;
        break;
      }
      const uint64_t entry_bytes = key.size() + it->value().size() + kRowBytes * l.types.size();
      const bool new_chunk = inside && !chunks[ci].rewrite;
      if (!suffix_end.empty() && over(new_chunk ? chunks[ci].rows : 0,
                                      entry_bytes + (new_chunk ? chunks[ci].bytes : 0))) {
        plan->more = true;
        break;
      }
      bytes += entry_bytes;
      if (new_chunk) {
        chunks[ci].rewrite = true;
        rewrite_rows += chunks[ci].rows;
        bytes += chunks[ci].bytes;
      }
      if (guard) expects.Expect(key, it->value());
      arena.append(suffix);
      suffix_end.push_back(static_cast<uint32_t>(arena.size()));
      owner.push_back(inside ? static_cast<int32_t>(ci) : -1);
      if (IsTombstone(it->value())) {
        head_row.push_back(-1);
        continue;
      }
      if (!l.keys.DecodeSuffixInto(key, head_prefix.size(), &head) ||
          !l.values.DecodeInto(it->value(), &head)) {
        return Corrupt("row", l.table.name);
      }
      head_row.push_back(static_cast<int32_t>(head.num_rows++));
    }
    QUANTA_RETURN_IF_ERROR(it->status());
  }
  const size_t num_entries = suffix_end.size();
  if (num_entries == 0) return Status::OK();
  for (size_t i = 0; i < l.keys.num_pk_plain(); ++i) {
    AppendRepeated(&head.columns[l.keys.partition()[i].column], partition[i], head.num_rows);
  }
  auto suffix_of = [&](size_t i) {
    const uint32_t from = i == 0 ? 0 : suffix_end[i - 1];
    return std::string_view(arena).substr(from, suffix_end[i] - from);
  };

  // Segments: maximal runs, in key order, of entries and rewritten chunks with no kept chunk
  // inside. Entry e lies at position `slot` = its owner chunk, or (for an entry between
  // chunks) just before chunk `gap` (the first chunk after it). A small chunk next to a
  // segment joins it.
  const size_t small = chunk_rows / 2;
  std::vector<size_t> gap(num_entries);
  {
    size_t ci = 0;
    for (size_t e = 0; e < num_entries; ++e) {
      const std::string_view suffix = suffix_of(e);
      while (ci < chunks.size() && last_of(chunks[ci]) < suffix) ++ci;
      gap[e] = ci;
    }
  }
  for (size_t e = 0; e < num_entries; ++e) {
    const size_t before = owner[e] >= 0 ? static_cast<size_t>(owner[e]) : gap[e];  // index
    // The chunk just before this entry's place and the one just after it.
    if (before > 0 && !chunks[before - 1].rewrite && chunks[before - 1].rows < small &&
        !over(chunks[before - 1].rows, chunks[before - 1].bytes)) {
      chunks[before - 1].rewrite = true;
      rewrite_rows += chunks[before - 1].rows;
      bytes += chunks[before - 1].bytes;
    }
    const size_t after = owner[e] >= 0 ? before + 1 : gap[e];
    if (after < chunks.size() && !chunks[after].rewrite && chunks[after].rows < small &&
        !over(chunks[after].rows, chunks[after].bytes)) {
      chunks[after].rewrite = true;
      rewrite_rows += chunks[after].rows;
      bytes += chunks[after].bytes;
    }
  }
  // Walk chunks and entries together; a kept chunk ends the current segment.
  struct Segment {
    size_t chunk_begin = 0, chunk_end = 0;  // rewritten chunks [begin, end)
    size_t entry_begin = 0, entry_end = 0;  // entries [begin, end)
  };
  std::vector<Segment> segments;
  {
    size_t e = 0;
    bool open = false;
    Segment seg;
    auto close = [&] {
      if (open && (seg.entry_end > seg.entry_begin || seg.chunk_end > seg.chunk_begin)) {
        segments.push_back(seg);
      }
      open = false;
    };
    for (size_t ci = 0; ci <= chunks.size(); ++ci) {
      // Entries before chunk ci (in the gap before it).
      while (e < num_entries && owner[e] < 0 && gap[e] == ci) {
        if (!open) {
          seg = Segment{ci, ci, e, e};
          open = true;
        }
        seg.entry_end = ++e;
      }
      if (ci == chunks.size()) break;
      if (!chunks[ci].rewrite) {
        close();
        continue;
      }
      if (!open) {
        seg = Segment{ci, ci, e, e};
        open = true;
      }
      seg.chunk_end = ci + 1;
      while (e < num_entries && owner[e] == static_cast<int32_t>(ci)) seg.entry_end = ++e;
    }
    close();
  }

  // Each segment: its chunks' rows merged with its entries (the head winning), cut into
  // balanced chunks. One batch for all of it: entries and rewritten chunks deleted, new
  // chunks written. Head entries are deleted one by one, in key order: a range deletion per
  // seal would be one write instead of many, but RocksDB re-fragments every range deletion in
  // the memtable for each new iterator, so thousands of seals (one per partition) made every
  // read slower and sealing quadratic (measured: 23% of the server's CPU after a
  // 2,800-partition load).
  WriteBatch batch;
  batch.Reserve(num_entries + 2 * chunks.size() + 4,
                arena.size() + num_entries * head_prefix.size());
  {
    std::string key = head_prefix;
    for (size_t i = 0; i < num_entries; ++i) {
      key.resize(head_prefix.size());
      key.append(suffix_of(i));
      batch.Delete(key);
    }
  }
  for (const Segment& seg : segments) {
    RowBatch merged_rows;
    const RowBatch* merged = &merged_rows;
    bool plain_head = seg.chunk_begin == seg.chunk_end;
    for (size_t e = seg.entry_begin; plain_head && e < seg.entry_end; ++e) {
      plain_head = head_row[e] >= 0;
    }
    if (plain_head && seg.entry_begin == 0 && seg.entry_end == num_entries) {
      merged = &head;  // the head rows as they are
    } else {
      merged_rows.Reset(l.types, {});
      size_t e = seg.entry_begin;
      auto take_head = [&](size_t entry) {
        if (head_row[entry] < 0) return;
        for (size_t c = 0; c < l.types.size(); ++c) {
          AppendFrom(&merged_rows.columns[c], head.columns[c], head_row[entry]);
        }
        merged_rows.num_rows++;
      };
      std::string suffix;
      for (size_t ci = seg.chunk_begin; ci < seg.chunk_end; ++ci) {
        batch.Delete(chunks[ci].key);
        QUANTA_ASSIGN_OR_RETURN(auto value, backend.Get(chunks[ci].key, &snapshot));
        ChunkRecord rec;
        if (!value || !DecodeChunkRecord(*value, &rec)) {
          return Corrupt("chunk record", l.table.name);
        }
        RowBatch rows;
        rows.Reset(l.types, {});
        QUANTA_RETURN_IF_ERROR(DecodeChunkRows(l, rec, partition, &rows));
        for (size_t r = 0; r < rows.num_rows; ++r) {
          suffix.clear();
          l.keys.AppendSuffix(rows, r, &suffix);
          bool replaced = false;
          while (e < seg.entry_end) {
            int c = suffix_of(e).compare(suffix);
            if (c > 0) break;
            take_head(e++);
            if (c == 0) {
              replaced = true;
              break;
            }
          }
          if (replaced) continue;
          for (size_t c = 0; c < l.types.size(); ++c) {
            AppendFrom(&merged_rows.columns[c], rows.columns[c], r);
          }
          merged_rows.num_rows++;
        }
      }
      for (; e < seg.entry_end; ++e) take_head(e);
    }
    plan->chunks_written += AppendChunks(l, head_prefix, *merged, chunk_rows, &batch);
  }
  if (guard) batch.Append(expects);
  plan->batch = std::move(batch);
  plan->entries = num_entries;
  return Status::OK();
}

Result<size_t> AppendDirectChunks(Backend& backend, const TableLayout& l,
                                  const std::string& head_prefix,
                                  const std::vector<std::string>& keys,
                                  std::span<const Row> source,
                                  std::span<const uint32_t> order, size_t chunk_rows,
                                  WriteBatch* batch, uint64_t* rows_written) {
  if (order.empty()) return size_t{0};
  const std::string_view first = std::string_view(keys[order.front()]).substr(head_prefix.size());
  const std::string_view last = std::string_view(keys[order.back()]).substr(head_prefix.size());
  // The first head entry at or after `first`, and the first chunk whose S_last is: either
  // inside [first, last] means the range is taken.
  {
    IteratorOptions ho;
    ho.lower = head_prefix;
    ho.lower.append(first);
    ho.upper = PrefixSuccessor(head_prefix);
    auto it = backend.NewIterator(ho);
    it->Seek(ho.lower);
    if (it->Valid() && it->key().substr(head_prefix.size()) <= last) return size_t{0};
    QUANTA_RETURN_IF_ERROR(it->status());
  }
  {
    IteratorOptions co;
    co.lower = ChunkKeyOf(head_prefix);
    co.lower.append(first);
    co.upper = ChunkKeyOf(PrefixSuccessor(head_prefix));
    auto it = backend.NewIterator(co);
    it->Seek(co.lower);
    if (it->Valid()) {
      ChunkRecord rec;
      if (!DecodeChunkRecord(it->value(), &rec)) return Corrupt("chunk record", l.table.name);
      if (rec.first <= last) return size_t{0};
    }
    QUANTA_RETURN_IF_ERROR(it->status());
  }
  // The rows as a seal would decode them from the head (the last of equal keys): the key
  // columns from the keys, the others straight from the rows (RowCodec::AppendInto).
  Row partition;
  QUANTA_RETURN_IF_ERROR(DecodePartition(l, head_prefix, &partition));
  RowBatch rows;
  rows.Reset(l.types, {});
  for (size_t n = 0; n < order.size(); ++n) {
    const uint32_t i = order[n];
    if (n + 1 < order.size() && keys[order[n + 1]] == keys[i]) continue;
    if (!l.keys.DecodeSuffixInto(keys[i], head_prefix.size(), &rows)) {
      return Corrupt("row", l.table.name);
    }
    l.values.AppendInto(source[i], &rows);
    rows.num_rows++;
  }
  for (size_t i = 0; i < l.keys.num_pk_plain(); ++i) {
    AppendRepeated(&rows.columns[l.keys.partition()[i].column], partition[i], rows.num_rows);
  }
  *rows_written += rows.num_rows;
  return AppendChunks(l, head_prefix, rows, chunk_rows, batch);
}

}  // namespace quanta::storage::internal
