// Key codec: order-preserving storage keys for rows and metadata (docs/formats/key_encoding.md).
//
//   row key  = 0x01 | table id u32 BE | partition (PK values, ASC, quantum floored) | LK[p..]
//   meta key = 0x00 | meta key bytes
//
// memcmp order of encoded keys equals the order of the values they encode (ASC), or its exact
// reverse (DESC). Every function here is pure; KeyCodec is immutable after construction and
// may be shared between threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/value.h"
#include "schema/table_def.h"
#include "storage/batch.h"

namespace quanta::storage {

inline constexpr char kMetaPrefix = 0x00;
inline constexpr char kRowPrefix = 0x01;

// ---- Element level ------------------------------------------------------------------------

// Appends the encoding of `v` as a key element of `type`. REQUIRES: v.MatchesType(type).
void AppendKeyElement(ColumnType type, const Value& v, bool desc, std::string* out);
void AppendKeyInt(int64_t v, bool desc, std::string* out);  // SINT64 / TIMESTAMP

// Consumes one element from the front of `*in`. Returns false on malformed input.
bool ConsumeKeyElement(ColumnType type, bool desc, std::string_view* in, Value* out);
// Same, appending the value to `col` (or only skipping it when col is null).
bool ConsumeKeyElementInto(ColumnType type, bool desc, std::string_view* in, ColumnVector* col);

// Smallest string greater than every string that starts with `prefix`, or "" if there is none
// (prefix empty or all 0xFF).
std::string PrefixSuccessor(std::string_view prefix);

// 0x00 | key
std::string MetaKey(std::string_view key);
// 0x01 | id (u32 BE)
std::string TablePrefix(uint32_t table_id);

// ---- Table level --------------------------------------------------------------------------

// The key layout of one table, computed once from its TableDef.
class KeyCodec {
 public:
  struct Elem {
    int column = 0;                         // table column index
    ColumnType type = ColumnType::kVarchar;
    bool desc = false;
  };

  explicit KeyCodec(const schema::TableDef& table);

  // Full key of a row given in table column order. REQUIRES: schema::RowIsValid(table, row).
  std::string EncodeRow(const Row& row) const;
  // Full key from local-key values (natural values, LK order). Fails with kInvalidArgument if
  // the count or a value's representation does not match.
  Result<std::string> EncodeLocalKey(const Row& lk) const;
  // Prefix of one partition: one value per PK element (quantum element already floored).
  // Fails with kInvalidArgument on a count or type mismatch.
  Result<std::string> EncodePartition(const Row& partition) const;

  // Local-key values (natural, LK order) of a full row key. kCorruption if undecodable.
  Status DecodeLocalKey(std::string_view key, Row* lk) const;
  // Decodes the suffix elements (LK[p..]) of a key whose partition prefix is `prefix_len`
  // bytes long, appending each to batch->columns[column] when that column is filled.
  bool DecodeSuffixInto(std::string_view key, size_t prefix_len, RowBatch* batch) const;

  // Length of the table prefix and partition elements at the front of a row key (the part a
  // partition's rows share), or 0 if the key does not start with this table's prefix or does
  // not decode.
  size_t PartitionPrefixLength(std::string_view key) const;
  // Appends the suffix elements (LK[p..]) of row `row` of `batch`, whose suffix columns must
  // all be filled and non-NULL.
  void AppendSuffix(const RowBatch& batch, size_t row, std::string* out) const {
    AppendSuffixFrom(batch, row, 0, out);
  }
  // The same for the suffix elements from the `first`-th on.
  void AppendSuffixFrom(const RowBatch& batch, size_t row, size_t first, std::string* out) const;

  const std::string& table_prefix() const { return table_prefix_; }
  const std::vector<Elem>& partition() const { return partition_; }  // PK elements
  const std::vector<Elem>& suffix() const { return suffix_; }        // LK[p..]
  // Number of leading LK elements that are non-quantum PK columns (p).
  size_t num_pk_plain() const { return pk_plain_; }
  bool has_quantum() const { return quantum_.has_value(); }
  // True if the quantum column is DESC in the local key.
  bool time_desc() const { return time_desc_; }

 private:
  std::string table_prefix_;
  std::vector<Elem> partition_;
  std::vector<Elem> suffix_;
  size_t pk_plain_ = 0;
  size_t lk_size_ = 0;
  std::optional<schema::Quantum> quantum_;
  bool time_desc_ = false;
};

}  // namespace quanta::storage
