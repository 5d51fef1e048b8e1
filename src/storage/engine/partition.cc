// Internals of the storage engine shared by its parts (partition.h).
#include "storage/engine/partition.h"

#include <limits>
#include <map>
#include <unordered_map>

#include "common/coding.h"
#include "storage/engine/chunk.h"

namespace quanta::storage::internal {

constexpr uint8_t kChunkRecordVersion = 1;

schema::TableDef StorageDef(const schema::TableDef& def) {
  if (schema::TimeSlices(def) == 1) return def;
  schema::TableDef storage = def;
  for (auto& e : storage.partition_key) {
    if (e.quantum) e.quantum = schema::StorageQuantum(def);
  }
  return storage;
}

Status Corrupt(std::string_view what, const std::string& table) {
  return Status(ErrorCode::kCorruption,
                "storage: undecodable " + std::string(what) + " in table " + table);
}


// The chunk key of a head key (same bytes after the first).
std::string ChunkKeyOf(std::string_view head_key) {
  std::string k(head_key);
  k[0] = kChunkPrefix;
  return k;
}

// Appends `v` to `col` n times (partition-key columns are constant within a partition).
void AppendRepeated(ColumnVector* col, const Value& v, size_t n) {
  col->nulls.insert(col->nulls.end(), n, 0);
  switch (col->type) {
    case ColumnType::kSint64:
    case ColumnType::kTimestamp: col->ints.insert(col->ints.end(), n, v.as_int()); break;
    case ColumnType::kDouble: col->doubles.insert(col->doubles.end(), n, v.as_double()); break;
    case ColumnType::kVarchar:
    case ColumnType::kBlob: col->strings.insert(col->strings.end(), n, v.as_bytes()); break;
    case ColumnType::kBoolean:
      col->bools.insert(col->bools.end(), n, v.as_bool() ? 1 : 0);
      break;
  }
}

// Appends entry i of `src` to `dst` (same type).
void AppendFrom(ColumnVector* dst, const ColumnVector& src, size_t i) {
  dst->nulls.push_back(src.nulls[i]);
  switch (dst->type) {
    case ColumnType::kSint64:
    case ColumnType::kTimestamp: dst->ints.push_back(src.ints[i]); break;
    case ColumnType::kDouble: dst->doubles.push_back(src.doubles[i]); break;
    case ColumnType::kVarchar:
    case ColumnType::kBlob: dst->strings.push_back(src.strings[i]); break;
    case ColumnType::kBoolean: dst->bools.push_back(src.bools[i]); break;
  }
}

// Sets `dst` (its type taken from `src`) to entries [from, to) of `src`.
void CopyRange(ColumnVector* dst, const ColumnVector& src, size_t from, size_t to) {
  dst->Clear();
  dst->type = src.type;
  dst->filled = true;
  auto copy = [&](auto& d, const auto& s) {
    if (!s.empty()) d.assign(s.begin() + static_cast<std::ptrdiff_t>(from),
                             s.begin() + static_cast<std::ptrdiff_t>(to));
  };
  copy(dst->nulls, src.nulls);
  copy(dst->ints, src.ints);
  copy(dst->doubles, src.doubles);
  copy(dst->strings, src.strings);
  copy(dst->bools, src.bools);
}

// Keeps entries [from, to) of a filled column.
void Slice(ColumnVector* col, size_t from, size_t to) {
  auto cut = [&](auto& v) {
    if (v.empty()) return;
    v.erase(v.begin() + static_cast<std::ptrdiff_t>(to), v.end());
    v.erase(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(from));
  };
  cut(col->nulls);
  cut(col->ints);
  cut(col->doubles);
  cut(col->strings);
  cut(col->bools);
  cut(col->codes);  // dictionary form: the dictionary itself stays shared
}

// Sets a filled, empty VARCHAR/BLOB column to n copies of the non-NULL `v` in dictionary form
// (one entry, every code 0), so that a partition-key column costs no string per row.
void SetRepeatedDictionary(ColumnVector* col, const Value& v, size_t n) {
  col->dict = std::make_shared<const std::vector<std::string>>(1, v.as_bytes());
  col->codes.assign(n, 0);
  col->nulls.assign(n, 0);
}




void EncodeChunkRecord(size_t rows, std::string_view first, std::string* out) {
  out->push_back(static_cast<char>(kChunkRecordVersion));
  coding::PutVarint64(out, rows);
  coding::PutLengthPrefixed(out, first);
}

bool DecodeChunkRecord(std::string_view value, ChunkRecord* r) {
  if (value.empty() || static_cast<uint8_t>(value[0]) != kChunkRecordVersion) return false;
  value.remove_prefix(1);
  uint64_t rows = 0;
  if (!coding::GetVarint64(&value, &rows) || rows == 0 || rows > 65536) return false;
  if (!coding::GetLengthPrefixed(&value, &r->first)) return false;
  r->rows = rows;
  r->body = value;
  return true;
}

Result<ChunkReader> OpenChunk(const TableLayout& l, const ChunkRecord& rec) {
  QUANTA_ASSIGN_OR_RETURN(ChunkReader reader, ChunkReader::Open(rec.body, l.chunk_types));
  if (reader.num_rows() != rec.rows) return Corrupt("chunk", l.table.name);
  return reader;
}

Status DecodeChunkRows(const TableLayout& l, const ChunkRecord& rec, const Row& partition,
                       RowBatch* batch, bool dictionary_form) {
  QUANTA_ASSIGN_OR_RETURN(ChunkReader reader, OpenChunk(l, rec));
  return DecodeChunkRows(l, reader, partition, batch, dictionary_form);
}

Status DecodeChunkRows(const TableLayout& l, const ChunkReader& reader, const Row& partition,
                       RowBatch* batch, bool dictionary_form) {
  const size_t rows = reader.num_rows();
  dictionary_form = dictionary_form && batch->num_rows == 0;
  for (size_t i = 0; i < l.chunk_columns.size(); ++i) {
    ColumnVector& col = batch->columns[l.chunk_columns[i]];
    if (!col.filled) continue;
    if (dictionary_form && reader.encoding(i) == ColumnEncoding::kDict) {
      QUANTA_RETURN_IF_ERROR(reader.DecodeDictionary(i, &col));
    } else {
      QUANTA_RETURN_IF_ERROR(reader.DecodeColumn(i, &col));
    }
  }
  for (size_t i = 0; i < l.keys.num_pk_plain(); ++i) {
    ColumnVector& col = batch->columns[l.keys.partition()[i].column];
    if (!col.filled) continue;
    if (dictionary_form && partition[i].is_bytes()) {
      SetRepeatedDictionary(&col, partition[i], rows);
    } else {
      AppendRepeated(&col, partition[i], rows);
    }
  }
  batch->num_rows += rows;
  return Status::OK();
}

KeyPlacement PlaceKey(std::string_view key, const TableLayout* l) {
  KeyPlacement p;
  if (key.empty() || (key[0] != kRowPrefix && key[0] != kChunkPrefix)) {
    p.shared = true;
    return p;
  }
  p.space_end = 1;
  constexpr size_t kTablePrefix = 5;  // space byte, table id (u32 BE)
  if (key.size() < kTablePrefix) return p;
  p.family_end = kTablePrefix;
  if (l == nullptr) return p;
  size_t len;
  if (key[0] == kRowPrefix) {
    len = l->keys.PartitionPrefixLength(key);
  } else {
    std::string head(key);
    head[0] = kRowPrefix;
    len = l->keys.PartitionPrefixLength(head);
  }
  if (len != 0) p.group_end = len;
  return p;
}

// Partition values (one per PK element, natural values) of a head key's partition prefix.
Status DecodePartition(const TableLayout& l, std::string_view key, Row* partition) {
  std::string_view in = key.substr(l.keys.table_prefix().size());
  partition->clear();
  for (const auto& e : l.keys.partition()) {
    Value v;
    if (!ConsumeKeyElement(e.type, false, &in, &v)) return Corrupt("row key", l.table.name);
    partition->push_back(std::move(v));
  }
  return Status::OK();
}


namespace {

// One key space (head entries, or chunks when `chunk_space`) of ListPartitionsIn: adds the
// encoded prefix of every partition in range to `found`.
Status WalkPartitions(Iterator& it, const TableLayout& l, bool chunk_space, int64_t quantum_lo,
                      int64_t quantum_hi, size_t max, size_t max_steps, size_t* steps,
                      std::map<std::string, Row>* found) {
  auto space = [&](std::string key) { return chunk_space ? ChunkKeyOf(key) : key; };
  std::string lower = space(l.keys.table_prefix());
  it.Seek(lower);
  Row p;
  while (it.Valid()) {
    if (++*steps > max_steps) {
      return Status(ErrorCode::kQuantaLimit,
                    "Query spans too many partitions (gave up listing them after " +
                        std::to_string(max_steps) + " steps)");
    }
    QUANTA_RETURN_IF_ERROR(DecodePartition(l, it.key(), &p));
    const int64_t q = p.back().as_int();
    std::string target;
    if (q < quantum_lo) {
      p.back() = Value::Int(quantum_lo);
      QUANTA_ASSIGN_OR_RETURN(target, l.keys.EncodePartition(p));
    } else {
      if (q <= quantum_hi) {
        QUANTA_ASSIGN_OR_RETURN(std::string key, l.keys.EncodePartition(p));
        found->emplace(key, p);
        if (found->size() > max) return Status::OK();
      } else {
        // Past the range: on to the next series (its greatest quantum, then beyond).
        p.back() = Value::Int(std::numeric_limits<int64_t>::max());
      }
      QUANTA_ASSIGN_OR_RETURN(std::string key, l.keys.EncodePartition(p));
      target = PrefixSuccessor(key);
    }
    it.Seek(space(std::move(target)));
  }
  return it.status();
}

}  // namespace

Result<std::vector<Row>> ListPartitionsIn(Backend& backend, const TableLayout& l,
                                          int64_t quantum_lo, int64_t quantum_hi, size_t max,
                                          size_t max_steps) {
  if (!l.keys.has_quantum()) {
    return Status(ErrorCode::kInvalidArgument, "only tables with a quantum list partitions");
  }
  auto snapshot = backend.NewSnapshot();
  IteratorOptions ho;
  ho.lower = l.keys.table_prefix();
  ho.upper = PrefixSuccessor(ho.lower);
  ho.fill_cache = false;
  IteratorOptions co = ho;
  co.lower = ChunkKeyOf(ho.lower);
  co.upper = ChunkKeyOf(ho.upper);
  // Keyed by the head-space prefix, so the two spaces merge in key order without duplicates.
  std::map<std::string, Row> found;
  size_t steps = 0;
  auto head = backend.NewIterator(ho, snapshot.get());
  QUANTA_RETURN_IF_ERROR(
      WalkPartitions(*head, l, false, quantum_lo, quantum_hi, max, max_steps, &steps, &found));
  auto chunks = backend.NewIterator(co, snapshot.get());
  QUANTA_RETURN_IF_ERROR(
      WalkPartitions(*chunks, l, true, quantum_lo, quantum_hi, max, max_steps, &steps, &found));
  std::vector<Row> out;
  for (auto& [key, row] : found) {
    if (out.size() > max) break;
    out.push_back(std::move(row));
  }
  return out;
}

TimeBounds BoundsOf(const ScanRange& r) {
  TimeBounds b;
  if (r.time_lo) {
    if (r.time_lo_inclusive) {
      b.lo = *r.time_lo;
    } else if (*r.time_lo == std::numeric_limits<int64_t>::max()) {
      b.empty = true;
    } else {
      b.lo = *r.time_lo + 1;
    }
  }
  if (r.time_hi) {
    if (r.time_hi_inclusive) {
      b.hi = *r.time_hi;
    } else if (*r.time_hi == std::numeric_limits<int64_t>::min()) {
      b.empty = true;
    } else {
      b.hi = *r.time_hi - 1;
    }
  }
  if (b.lo && b.hi && *b.lo > *b.hi) b.empty = true;
  return b;
}

size_t AppendChunks(const TableLayout& l, const std::string& head_prefix, const RowBatch& rows,
                  size_t chunk_rows, WriteBatch* batch) {
  const size_t n = rows.num_rows;
  if (n == 0) return 0;
  // Balanced pieces of at most chunk_rows rows, each cut early once its rows take
  // kChunkBytes in memory (rows of long strings), so that decoding a chunk stays bounded.
  const size_t pieces_by_rows = (n + chunk_rows - 1) / chunk_rows;
  const size_t target_rows = (n + pieces_by_rows - 1) / pieces_by_rows;
  std::vector<size_t> cuts;  // piece ends
  {
    std::vector<const ColumnVector*> strings;
    for (int c : l.chunk_columns) {
      if (!rows.columns[c].strings.empty()) strings.push_back(&rows.columns[c]);
    }
    size_t in_piece = 0;
    uint64_t piece_bytes = 0;
    for (size_t r = 0; r < n; ++r) {
      uint64_t row_bytes = kRowBytes * l.types.size();
      for (const ColumnVector* col : strings) row_bytes += col->strings[r].size();
      if (in_piece > 0 && (in_piece == target_rows || piece_bytes + row_bytes > kChunkBytes)) {
        cuts.push_back(r);
        in_piece = 0;
        piece_bytes = 0;
      }
      ++in_piece;
      piece_bytes += row_bytes;
    }
    cuts.push_back(n);
  }
  const size_t pieces = cuts.size();
  // Rows of different series (the local-key columns after the time column: the hosts of a
  // table keyed by time then host) interleave in key order; telling the codec which row
  // belongs to which series lets it code each value against the same series' previous one.
  std::vector<uint32_t> series;
  if (l.keys.has_quantum() && l.keys.suffix().size() > 1) {
    series.resize(n);
    std::unordered_map<std::string, uint32_t> ids;
    std::string tail;
    for (size_t r = 0; r < n; ++r) {
      tail.clear();
      l.keys.AppendSuffixFrom(rows, r, 1, &tail);
      series[r] = ids.try_emplace(tail, static_cast<uint32_t>(ids.size())).first->second;
    }
  }
  std::vector<ColumnVector> cols(pieces > 1 ? l.chunk_columns.size() : 0);
  std::vector<const ColumnVector*> col_ptrs(l.chunk_columns.size());
  std::string value, first_suffix, chunk_key;
  for (size_t p = 0, from = 0; p < pieces; ++p) {
    const size_t to = cuts[p];
    for (size_t c = 0; c < col_ptrs.size(); ++c) {
      const ColumnVector& src = rows.columns[l.chunk_columns[c]];
      if (pieces == 1) {
        col_ptrs[c] = &src;
        continue;
      }
      CopyRange(&cols[c], src, from, to);
      col_ptrs[c] = &cols[c];
    }
    first_suffix.clear();
    l.keys.AppendSuffix(rows, from, &first_suffix);
    chunk_key = ChunkKeyOf(head_prefix);
    l.keys.AppendSuffix(rows, to - 1, &chunk_key);
    value.clear();
    EncodeChunkRecord(to - from, first_suffix, &value);
    ChunkEncodeOptions eo;
    if (!series.empty()) {
      eo.series_of_row = std::span<const uint32_t>(series).subspan(from, to - from);
    }
    EncodeChunk(col_ptrs, to - from, &value, eo);
    batch->Put(chunk_key, value);
    from = to;
  }
  return pieces;
}

Result<std::optional<std::pair<RowBatch, size_t>>> FindInChunk(Backend& backend,
                                                               const TableLayout& l,
                                                               std::string_view key,
                                                               const Snapshot* snapshot) {
  using Found = std::optional<std::pair<RowBatch, size_t>>;
  const size_t prefix_len = l.keys.PartitionPrefixLength(key);
  if (prefix_len == 0) return Corrupt("row key", l.table.name);
  IteratorOptions o;
  o.lower = ChunkKeyOf(key);
  o.upper = ChunkKeyOf(PrefixSuccessor(key.substr(0, prefix_len)));
  auto it = backend.NewIterator(o, snapshot);
  it->Seek(o.lower);
  if (!it->Valid()) {
    QUANTA_RETURN_IF_ERROR(it->status());
    return Found();
  }
  ChunkRecord rec;
  if (!DecodeChunkRecord(it->value(), &rec)) return Corrupt("chunk record", l.table.name);
  const std::string_view suffix = key.substr(prefix_len);
  if (suffix < rec.first) return Found();
  Row partition;
  QUANTA_RETURN_IF_ERROR(DecodePartition(l, key, &partition));
  RowBatch batch;
  batch.Reset(l.types, {});
  QUANTA_RETURN_IF_ERROR(DecodeChunkRows(l, rec, partition, &batch));
  // Rows are in key order: binary search on their rebuilt suffixes.
  size_t lo = 0, hi = batch.num_rows;
  std::string s;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    s.clear();
    l.keys.AppendSuffix(batch, mid, &s);
    int c = std::string_view(s).compare(suffix);
    if (c == 0) return Found(std::in_place, std::move(batch), mid);
    if (c < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return Found();
}

Result<std::vector<std::string>> ChunkRowKeys(const TableLayout& l, std::string_view chunk_key,
                                              std::string_view value) {
  ChunkRecord rec;
  if (!DecodeChunkRecord(value, &rec)) return Corrupt("chunk record", l.table.name);
  std::string head_key(chunk_key);
  head_key[0] = kRowPrefix;
  const size_t prefix_len = l.keys.PartitionPrefixLength(head_key);
  if (prefix_len == 0) return Corrupt("chunk key", l.table.name);
  Row partition;
  QUANTA_RETURN_IF_ERROR(DecodePartition(l, head_key, &partition));
  std::vector<bool> wanted(l.types.size(), false);
  for (const auto& e : l.keys.suffix()) wanted[e.column] = true;
  RowBatch batch;
  batch.Reset(l.types, wanted);
  QUANTA_RETURN_IF_ERROR(DecodeChunkRows(l, rec, partition, &batch));
  std::vector<std::string> keys(batch.num_rows);
  for (size_t i = 0; i < batch.num_rows; ++i) {
    keys[i].assign(head_key, 0, prefix_len);
    l.keys.AppendSuffix(batch, i, &keys[i]);
  }
  return keys;
}

// Store::ListKeys from the first key after `*after` (from the start when empty), noting in
// `*after` the last key taken.
Status ListKeysAfter(Backend& backend, const TableLayout& l, std::string* after,
                   std::vector<Row>* out,
                   const std::function<Status(std::vector<Row>&&)>& sink) {
  auto snapshot = backend.NewSnapshot();
  IteratorOptions ho;
  ho.lower = l.keys.table_prefix();
  ho.upper = PrefixSuccessor(ho.lower);
  ho.fill_cache = false;  // a full-table walk should not evict the working set
  IteratorOptions co = ho;
  co.lower = ChunkKeyOf(ho.lower);
  co.upper = ChunkKeyOf(ho.upper);
  auto head = backend.NewIterator(ho, snapshot.get());
  auto chunks = backend.NewIterator(co, snapshot.get());
  const std::string from = after->empty() ? ho.lower : *after + '\0';
  head->Seek(from);
  chunks->Seek(ChunkKeyOf(from));
  auto emit = [&](std::string_view key) -> Status {
    Row lk;
    if (!l.keys.DecodeLocalKey(key, &lk).ok()) return Corrupt("row key", l.table.name);
    out->push_back(std::move(lk));
    after->assign(key);
    if (out->size() == kListKeysBatch) {
      QUANTA_RETURN_IF_ERROR(sink(std::move(*out)));
      out->clear();
      out->reserve(kListKeysBatch);
    }
    return Status::OK();
  };
  // Head entries and chunk rows, merged by key (chunk rows' keys rebuilt from their values).
  std::vector<std::string> chunk_keys;
  size_t next = 0;
  while (true) {
    if (next == chunk_keys.size() && chunks->Valid()) {
      QUANTA_ASSIGN_OR_RETURN(chunk_keys, ChunkRowKeys(l, chunks->key(), chunks->value()));
      next = 0;
      while (next < chunk_keys.size() && !after->empty() && chunk_keys[next] <= *after) ++next;
      chunks->Next();
      continue;
    }
    const bool have_chunk_row = next < chunk_keys.size();
    if (!head->Valid()) QUANTA_RETURN_IF_ERROR(head->status());
    if (!chunks->Valid()) QUANTA_RETURN_IF_ERROR(chunks->status());
    if (!head->Valid() && !have_chunk_row) break;
    int c = !head->Valid() ? 1 : !have_chunk_row ? -1 : head->key().compare(chunk_keys[next]);
    if (c <= 0) {
      if (!IsTombstone(head->value())) {
        QUANTA_RETURN_IF_ERROR(emit(head->key()));
      } else {
        after->assign(head->key());
      }
      head->Next();
      if (c == 0) ++next;
    } else {
      QUANTA_RETURN_IF_ERROR(emit(chunk_keys[next++]));
    }
  }
  if (!out->empty()) QUANTA_RETURN_IF_ERROR(sink(std::move(*out)));
  out->clear();
  return Status::OK();
}

}  // namespace quanta::storage::internal
