#include "storage/key_codec.h"

#include <cstring>

#include "common/coding.h"

namespace quanta::storage {

namespace {

constexpr uint64_t kSignBit = 0x8000000000000000ull;

inline void AppendU64(uint64_t u, bool desc, std::string* out) {
  if (desc) u = ~u;
  char buf[8];
  for (int i = 7; i >= 0; --i) {
    buf[i] = static_cast<char>(u & 0xff);
    u >>= 8;
  }
  out->append(buf, 8);
}

inline bool ConsumeU64(std::string_view* in, bool desc, uint64_t* u) {
  if (in->size() < 8) return false;
  uint64_t v = coding::DecodeFixed64BE(in->data());
  in->remove_prefix(8);
  *u = desc ? ~v : v;
  return true;
}

inline uint64_t DoubleToKey(double d) {
  if (d == 0) d = 0.0;  // -0.0 and +0.0 are one key
  uint64_t b = coding::DoubleBits(d);
  return (b & kSignBit) ? ~b : (b ^ kSignBit);
}

inline double KeyToDouble(uint64_t u) {
  uint64_t b = (u & kSignBit) ? (u ^ kSignBit) : ~u;
  return coding::BitsToDouble(b);
}

void AppendString(std::string_view s, bool desc, std::string* out) {
  size_t start = out->size();
  out->reserve(start + s.size() + 2);
  // Copy runs between zero bytes in one append each; a zero byte becomes 00 FF.
  const char* p = s.data();
  const char* end = p + s.size();
  while (p < end) {
    const char* z = static_cast<const char*>(std::memchr(p, 0, end - p));
    if (z == nullptr) {
      out->append(p, end - p);
      break;
    }
    out->append(p, z - p);
    out->push_back('\x00');
    out->push_back('\xff');
    p = z + 1;
  }
  out->push_back('\x00');
  out->push_back('\x00');
  if (desc) {
    for (size_t i = start; i < out->size(); ++i) (*out)[i] = static_cast<char>(~(*out)[i]);
  }
}

// Decodes an escaped string. `mark` is the byte that starts an escape or the terminator (0x00
// ASC, 0xFF DESC); `term` and `esc` the byte that follows it for the terminator / escaped zero.
bool ConsumeString(std::string_view* in, bool desc, std::string* out) {
  out->clear();
  const char mark = desc ? '\xff' : '\x00';
  const char term = desc ? '\xff' : '\x00';
  const char esc = desc ? '\x00' : '\xff';
  const char* p = in->data();
  const char* end = p + in->size();
  while (true) {
    const char* z = static_cast<const char*>(std::memchr(p, mark, end - p));
    if (z == nullptr || z + 1 >= end) return false;
    size_t run_start = out->size();
    out->append(p, z - p);
    if (desc) {
      for (size_t i = run_start; i < out->size(); ++i) (*out)[i] = static_cast<char>(~(*out)[i]);
    }
    if (z[1] == term) {
      in->remove_prefix(z + 2 - in->data());
      return true;
    }
    if (z[1] != esc) return false;
    out->push_back('\x00');
    p = z + 2;
  }
}

// Skips an escaped string without materialising it.
bool SkipString(std::string_view* in, bool desc) {
  const char mark = desc ? '\xff' : '\x00';
  const char term = mark;
  const char esc = static_cast<char>(~mark);
  const char* p = in->data();
  const char* end = p + in->size();
  while (true) {
    const char* z = static_cast<const char*>(std::memchr(p, mark, end - p));
    if (z == nullptr || z + 1 >= end) return false;
    if (z[1] == term) {
      in->remove_prefix(z + 2 - in->data());
      return true;
    }
    if (z[1] != esc) return false;
    p = z + 2;
  }
}

Status Invalid(std::string msg) { return Status(ErrorCode::kInvalidArgument, std::move(msg)); }

}  // namespace

void AppendKeyInt(int64_t v, bool desc, std::string* out) {
  AppendU64(static_cast<uint64_t>(v) ^ kSignBit, desc, out);
}

void AppendKeyElement(ColumnType type, const Value& v, bool desc, std::string* out) {
  switch (type) {
    case ColumnType::kSint64:
    case ColumnType::kTimestamp:
      AppendKeyInt(v.as_int(), desc, out);
      return;
    case ColumnType::kDouble:
      AppendU64(DoubleToKey(v.as_double()), desc, out);
      return;
    case ColumnType::kBoolean: {
      char b = v.as_bool() ? 1 : 0;
      out->push_back(desc ? static_cast<char>(~b) : b);
      return;
    }
    case ColumnType::kVarchar:
    case ColumnType::kBlob:
      AppendString(v.as_bytes(), desc, out);
      return;
  }
}

bool ConsumeKeyElement(ColumnType type, bool desc, std::string_view* in, Value* out) {
  switch (type) {
    case ColumnType::kSint64:
    case ColumnType::kTimestamp: {
      uint64_t u;
      if (!ConsumeU64(in, desc, &u)) return false;
      *out = Value::Int(static_cast<int64_t>(u ^ kSignBit));
      return true;
    }
    case ColumnType::kDouble: {
      uint64_t u;
      if (!ConsumeU64(in, desc, &u)) return false;
      *out = Value::Double(KeyToDouble(u));
      return true;
    }
    case ColumnType::kBoolean: {
      if (in->empty()) return false;
      uint8_t b = static_cast<uint8_t>((*in)[0]);
      if (desc) b = static_cast<uint8_t>(~b);
      if (b > 1) return false;
      in->remove_prefix(1);
      *out = Value::Bool(b != 0);
      return true;
    }
    case ColumnType::kVarchar:
    case ColumnType::kBlob: {
      std::string s;
      if (!ConsumeString(in, desc, &s)) return false;
      *out = Value::Bytes(std::move(s));
      return true;
    }
  }
  return false;
}

bool ConsumeKeyElementInto(ColumnType type, bool desc, std::string_view* in, ColumnVector* col) {
  switch (type) {
    case ColumnType::kSint64:
    case ColumnType::kTimestamp: {
      uint64_t u;
      if (!ConsumeU64(in, desc, &u)) return false;
      if (col) {
        col->ints.push_back(static_cast<int64_t>(u ^ kSignBit));
        col->nulls.push_back(0);
      }
      return true;
    }
    case ColumnType::kDouble: {
      uint64_t u;
      if (!ConsumeU64(in, desc, &u)) return false;
      if (col) {
        col->doubles.push_back(KeyToDouble(u));
        col->nulls.push_back(0);
      }
      return true;
    }
    case ColumnType::kBoolean: {
      if (in->empty()) return false;
      uint8_t b = static_cast<uint8_t>((*in)[0]);
      if (desc) b = static_cast<uint8_t>(~b);
      if (b > 1) return false;
      in->remove_prefix(1);
      if (col) {
        col->bools.push_back(b);
        col->nulls.push_back(0);
      }
      return true;
    }
    case ColumnType::kVarchar:
    case ColumnType::kBlob: {
      if (!col) return SkipString(in, desc);
      col->strings.emplace_back();
      if (!ConsumeString(in, desc, &col->strings.back())) {
        col->strings.pop_back();
        return false;
      }
      col->nulls.push_back(0);
      return true;
    }
  }
  return false;
}

std::string PrefixSuccessor(std::string_view prefix) {
  std::string s(prefix);
  while (!s.empty()) {
    uint8_t last = static_cast<uint8_t>(s.back());
    if (last != 0xff) {
      s.back() = static_cast<char>(last + 1);
      return s;
    }
    s.pop_back();
  }
  return s;
}

std::string MetaKey(std::string_view key) {
  std::string k;
  k.reserve(key.size() + 1);
  k.push_back(kMetaPrefix);
  k.append(key);
  return k;
}

std::string TablePrefix(uint32_t table_id) {
  std::string k;
  k.push_back(kRowPrefix);
  coding::PutFixed32BE(&k, table_id);
  return k;
}

// ---- KeyCodec -------------------------------------------------------------------------------

KeyCodec::KeyCodec(const schema::TableDef& table) : table_prefix_(TablePrefix(table.id)) {
  for (const auto& pk : table.partition_key) {
    partition_.push_back(Elem{pk.column, table.columns[pk.column].type, false});
    if (pk.quantum) {
      quantum_ = *pk.quantum;
    } else {
      ++pk_plain_;
    }
  }
  lk_size_ = table.local_key.size();
  for (size_t i = pk_plain_; i < table.local_key.size(); ++i) {
    const auto& lk = table.local_key[i];
    suffix_.push_back(Elem{lk.column, table.columns[lk.column].type, lk.desc()});
  }
  if (quantum_ && !suffix_.empty()) time_desc_ = suffix_[0].desc;
}

std::string KeyCodec::EncodeRow(const Row& row) const {
  std::string key;
  key.reserve(64);
  key.append(table_prefix_);
  for (size_t i = 0; i < partition_.size(); ++i) {
    const Elem& e = partition_[i];
    if (i == pk_plain_) {  // the quantum element
      AppendKeyInt(quantum_->StartOf(row[e.column].as_int()), false, &key);
    } else {
      AppendKeyElement(e.type, row[e.column], false, &key);
    }
  }
  for (const Elem& e : suffix_) AppendKeyElement(e.type, row[e.column], e.desc, &key);
  return key;
}

Result<std::string> KeyCodec::EncodeLocalKey(const Row& lk) const {
  if (lk.size() != lk_size_) {
    return Invalid("local key has " + std::to_string(lk.size()) + " elements, table needs " +
                   std::to_string(lk_size_));
  }
  std::string key;
  key.reserve(64);
  key.append(table_prefix_);
  for (size_t i = 0; i < pk_plain_; ++i) {
    if (!lk[i].MatchesType(partition_[i].type)) return Invalid("local key value of wrong type");
    AppendKeyElement(partition_[i].type, lk[i], false, &key);
  }
  if (quantum_) {
    const Value& t = lk[pk_plain_];
    if (!t.is_int()) return Invalid("local key value of wrong type");
    AppendKeyInt(quantum_->StartOf(t.as_int()), false, &key);
  }
  for (size_t j = 0; j < suffix_.size(); ++j) {
    const Value& v = lk[pk_plain_ + j];
    if (!v.MatchesType(suffix_[j].type)) return Invalid("local key value of wrong type");
    AppendKeyElement(suffix_[j].type, v, suffix_[j].desc, &key);
  }
  return key;
}

Result<std::string> KeyCodec::EncodePartition(const Row& partition) const {
  if (partition.size() != partition_.size()) {
    return Invalid("partition has " + std::to_string(partition.size()) +
                   " values, table needs " + std::to_string(partition_.size()));
  }
  std::string key;
  key.reserve(48);
  key.append(table_prefix_);
  for (size_t i = 0; i < partition_.size(); ++i) {
    const Elem& e = partition_[i];
    if (!partition[i].MatchesType(e.type)) return Invalid("partition value of wrong type");
    if (i == pk_plain_) {
      AppendKeyInt(quantum_->StartOf(partition[i].as_int()), false, &key);
    } else {
      AppendKeyElement(e.type, partition[i], false, &key);
    }
  }
  return key;
}

Status KeyCodec::DecodeLocalKey(std::string_view key, Row* lk) const {
  auto corrupt = [] { return Status(ErrorCode::kCorruption, "corrupt row key"); };
  if (key.substr(0, table_prefix_.size()) != table_prefix_) return corrupt();
  key.remove_prefix(table_prefix_.size());
  lk->clear();
  lk->resize(lk_size_);
  for (size_t i = 0; i < pk_plain_; ++i) {
    if (!ConsumeKeyElement(partition_[i].type, false, &key, &(*lk)[i])) return corrupt();
  }
  if (quantum_) {
    if (key.size() < 8) return corrupt();
    key.remove_prefix(8);
  }
  for (size_t j = 0; j < suffix_.size(); ++j) {
    if (!ConsumeKeyElement(suffix_[j].type, suffix_[j].desc, &key, &(*lk)[pk_plain_ + j])) {
      return corrupt();
    }
  }
  if (!key.empty()) return corrupt();
  return Status::OK();
}

bool KeyCodec::DecodeSuffixInto(std::string_view key, size_t prefix_len, RowBatch* batch) const {
  if (key.size() < prefix_len) return false;
  key.remove_prefix(prefix_len);
  for (const Elem& e : suffix_) {
    ColumnVector& col = batch->columns[e.column];
    if (!ConsumeKeyElementInto(e.type, e.desc, &key, col.filled ? &col : nullptr)) return false;
  }
  return key.empty();
}

size_t KeyCodec::PartitionPrefixLength(std::string_view key) const {
  if (key.substr(0, table_prefix_.size()) != table_prefix_) return 0;
  std::string_view rest = key.substr(table_prefix_.size());
  for (const Elem& e : partition_) {
    if (!ConsumeKeyElementInto(e.type, false, &rest, nullptr)) return 0;
  }
  return key.size() - rest.size();
}

void KeyCodec::AppendSuffixFrom(const RowBatch& batch, size_t row, size_t first,
                                std::string* out) const {
  for (size_t i = first; i < suffix_.size(); ++i) {
    const Elem& e = suffix_[i];
    const ColumnVector& col = batch.columns[e.column];
    switch (e.type) {
      case ColumnType::kSint64:
      case ColumnType::kTimestamp: AppendKeyInt(col.ints[row], e.desc, out); break;
      case ColumnType::kDouble:
        AppendKeyElement(e.type, Value::Double(col.doubles[row]), e.desc, out);
        break;
      case ColumnType::kVarchar:
      case ColumnType::kBlob: AppendString(col.strings[row], e.desc, out); break;
      case ColumnType::kBoolean:
        AppendKeyElement(e.type, Value::Bool(col.bools[row] != 0), e.desc, out);
        break;
    }
  }
}

}  // namespace quanta::storage
