// Internals of the storage engine shared by its parts (engine.cc, scan_cursor.cc, seal.cc,
// lifecycle.cc, row_estimate.cc): a table's layout, chunk records, column helpers. Not an
// interface: nothing outside src/storage/engine includes it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "common/value.h"
#include "schema/table_def.h"
#include "schema/time_slices.h"
#include "storage/backend/backend.h"
#include "storage/batch.h"
#include "storage/engine/chunk.h"
#include "storage/key_codec.h"
#include "storage/row_codec.h"
#include "storage/store.h"

namespace quanta::storage::internal {

inline constexpr char kChunkPrefix = 0x02;

// A table's definition as its keys are encoded: with time slices (schema/time_slices.h), the
// quantum is the slice, so that each slice of a quantum is a partition of its own.
schema::TableDef StorageDef(const schema::TableDef& def);

// One table's layout, computed once per definition.
struct TableLayout {
  explicit TableLayout(const schema::TableDef& def)
      : table(def), keys(StorageDef(def)), values(def) {
    for (const auto& c : def.columns) types.push_back(c.type);
    std::vector<bool> constant(def.columns.size(), false);
    for (size_t i = 0; i < keys.num_pk_plain(); ++i) constant[keys.partition()[i].column] = true;
    for (size_t c = 0; c < def.columns.size(); ++c) {
      if (!constant[c]) {
        chunk_columns.push_back(static_cast<int>(c));
        chunk_types.push_back(def.columns[c].type);
      }
    }
    time_column = keys.has_quantum() ? keys.suffix()[0].column : -1;
    if (const schema::Quantum* q = def.quantum()) {
      slices = schema::TimeSlices(def);
      partition_ms = q->Millis() / slices;
    }
  }

  schema::TableDef table;
  KeyCodec keys;
  RowCodec values;
  std::vector<ColumnType> types;         // every table column
  std::vector<int> chunk_columns;        // table columns a chunk stores (all but constant ones)
  std::vector<ColumnType> chunk_types;   // their types
  int time_column;                       // the quantum column (first suffix element), or -1
  // Partitions per table quantum (the time_slices property), and the time one covers (ms; 0
  // without a quantum). `keys` floors the quantum element to partition_ms, the table's
  // callers (ScanRange, ListPartitions) to the table's quantum.
  int64_t slices = 1;
  int64_t partition_ms = 0;
};
using LayoutPtr = std::shared_ptr<const TableLayout>;

// A chunk record: version u8 | rows varint | S_first (length-prefixed) | chunk bytes.
struct ChunkRecord {
  size_t rows = 0;
  std::string_view first;  // S_first
  std::string_view body;   // chunk codec bytes
};

// Inclusive time bounds of a scan; `empty` when nothing can match.
struct TimeBounds {
  std::optional<int64_t> lo, hi;
  bool empty = false;
};

// kCorruption naming what could not be decoded and in which table.
Status Corrupt(std::string_view what, const std::string& table);

// The chunk key of a head key (same bytes after the first).
std::string ChunkKeyOf(std::string_view head_key);

// Appends `v` to `col` n times (partition-key columns are constant within a partition).
void AppendRepeated(ColumnVector* col, const Value& v, size_t n);

// Appends entry i of `src` to `dst` (same type).
void AppendFrom(ColumnVector* dst, const ColumnVector& src, size_t i);

// Sets `dst` (its type taken from `src`) to entries [from, to) of `src`.
void CopyRange(ColumnVector* dst, const ColumnVector& src, size_t from, size_t to);

// Keeps entries [from, to) of a filled column.
void Slice(ColumnVector* col, size_t from, size_t to);

// Appends the record header of a chunk of `rows` rows whose first row has suffix `first`; the
// chunk's bytes follow it.
void EncodeChunkRecord(size_t rows, std::string_view first, std::string* out);
// Parses a chunk record (views into `value`); false if it is malformed.
bool DecodeChunkRecord(std::string_view value, ChunkRecord* r);

// Decodes every filled column of `batch` (prepared for all table columns) from a chunk,
// appending its rows, and fills the constant partition columns from `partition`. With
// `dictionary_form` (only for an empty batch, so that no column mixes the two forms),
// dictionary-encoded VARCHAR/BLOB columns and string partition columns are handed over as
// dictionary + codes (batch.h).
Status DecodeChunkRows(const TableLayout& l, const ChunkRecord& rec, const Row& partition,
                       RowBatch* batch, bool dictionary_form = false);
// The same from an opened chunk (OpenChunk), so that one open serves its statistics and its
// rows.
Status DecodeChunkRows(const TableLayout& l, const ChunkReader& reader, const Row& partition,
                       RowBatch* batch, bool dictionary_form = false);
// Opens a chunk record's chunk with the table's column types; kCorruption when it does not
// decode or its row count differs from the record's.
Result<ChunkReader> OpenChunk(const TableLayout& l, const ChunkRecord& rec);

// Partition values (one per PK element, natural values) of a head key's partition prefix.
Status DecodePartition(const TableLayout& l, std::string_view key, Row* partition);

// Decoded size (an estimate) of one column of one row, besides its string bytes.
inline constexpr uint64_t kRowBytes = 16;
// The decoded size at which a chunk is cut (rows of long strings).
inline constexpr uint64_t kChunkBytes = 8ull << 20;

// Cuts `rows` (in key order, every table column filled) into balanced chunks of at most
// `chunk_rows` rows, each cut early once its rows take kChunkBytes decoded, and adds their puts
// (keys under `head_prefix`'s partition) to `batch`. Returns the number of chunks.
size_t AppendChunks(const TableLayout& l, const std::string& head_prefix, const RowBatch& rows,
                    size_t chunk_rows, WriteBatch* batch);

// Where the engine's key `key` splits into space | partition | rest for a backend that stores
// partitions apart (backend.h, KeySplitter): the space is the first byte (head rows and chunks
// of a partition share their group), the family is the table id, the group id the table id
// and partition. Catalog and format keys are shared. `l` is the table's layout (nullptr when
// unknown: the group is then left open).
KeyPlacement PlaceKey(std::string_view key, const TableLayout* l);

// The chunk row with head key `key`, if a chunk holds it: the decoded chunk and the row (as
// of `snapshot`, or the latest data when null).
Result<std::optional<std::pair<RowBatch, size_t>>> FindInChunk(Backend& backend,
                                                               const TableLayout& l,
                                                               std::string_view key,
                                                               const Snapshot* snapshot);

// Store::ListKeys from the first key after `*after` (from the start when empty), through one
// snapshot, noting in `*after` the last key taken and sending `*out` to `sink` in batches of
// kListKeysBatch (the last one too).
Status ListKeysAfter(Backend& backend, const TableLayout& l, std::string* after,
                     std::vector<Row>* out,
                     const std::function<Status(std::vector<Row>&&)>& sink);
inline constexpr size_t kListKeysBatch = 1000;

// Full head keys of every row of a chunk (ListKeys).
Result<std::vector<std::string>> ChunkRowKeys(const TableLayout& l, std::string_view chunk_key,
                                              std::string_view value);
// Store::ListPartitions over one snapshot of `backend` (head entries and chunks both).
Result<std::vector<Row>> ListPartitionsIn(Backend& backend, const TableLayout& l,
                                          int64_t quantum_lo, int64_t quantum_hi, size_t max,
                                          size_t max_steps);

// The inclusive time bounds of a scan range.
TimeBounds BoundsOf(const ScanRange& r);

// A head entry's value: empty = a tombstone (hides a sealed row).
inline bool IsTombstone(std::string_view value) { return value.empty(); }

}  // namespace quanta::storage::internal
