// Internals of the storage engine shared by its parts (partition.h).
#include "storage/engine/partition.h"

#include <limits>
#include <unordered_map>

#include "common/coding.h"
#include "storage/engine/chunk.h"

namespace quanta::storage::internal {

constexpr uint8_t kChunkRecordVersion = 1;

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

}  // namespace quanta::storage::internal
