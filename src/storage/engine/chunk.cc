// Chunk framing: header, column descriptors with statistics, payload dispatch and checksum
// (docs/formats/chunk.md). The per-type value codecs live in column_codecs.cc.
#include "storage/engine/chunk.h"

#include <bit>
#include <cassert>
#include <cmath>
#include <cstring>
#include <memory>
#include <unordered_map>

#include "common/coding.h"
#include "storage/engine/column_codecs.h"
#include "storage/engine/crc32c.h"
#include "storage/engine/int_stream.h"

namespace quanta::storage {
namespace {

using coding::GetVarint64;
using coding::PutVarint64;
using coding::ZigZagDecode;
using coding::ZigZagEncode;

constexpr uint8_t kMagic = 0x51;  // 'Q'
constexpr uint8_t kVersion = 1;
constexpr uint8_t kFlagSeries = 0x01;
constexpr uint8_t kNullBitmap = 1;
constexpr uint8_t kNullPositions = 2;
constexpr uint8_t kRawDouble = 15;  // double statistic form: 8 raw bytes

Status Corrupt(std::string_view what) {
  return Status(ErrorCode::kCorruption, "corrupt chunk: " + std::string(what));
}

void PutVarint128(std::string* out, unsigned __int128 v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((static_cast<uint8_t>(v) & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

bool GetVarint128(std::string_view* in, unsigned __int128* v) {
  unsigned __int128 result = 0;
  for (int shift = 0; shift <= 126 && !in->empty(); shift += 7) {
    const auto byte = static_cast<uint8_t>((*in)[0]);
    in->remove_prefix(1);
    if (shift == 126 && byte > 3) return false;
    result |= static_cast<unsigned __int128>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Exact sums
//
// The accumulator's own serialization writes each 32-bit digit of its fixed-point value as a
// varint (5 bytes for a typical digit) and a negative sum as dozens of 0xffffffff digits. A
// chunk stores the same value as the two's complement bytes of the fixed-point integer N (value
// N * 2^-1074), without its zero low bytes and its sign-extension high bytes: about half the
// size for the sums of a few hundred values, and short for negative sums too.

constexpr size_t kSumDigits = 67;                 // the accumulator's 32-bit digits
constexpr size_t kSumBytes = kSumDigits * 4 + 4;  // N with the top digit widened to 64 bits

bool ParseAccumulator(std::string_view in, uint64_t special[3], uint8_t n[kSumBytes]) {
  uint64_t lo, count;
  for (int i = 0; i < 3; ++i) {
    if (!GetVarint64(&in, &special[i])) return false;
  }
  if (!GetVarint64(&in, &lo) || !GetVarint64(&in, &count) || lo + count > kSumDigits) {
    return false;
  }
  int64_t digits[kSumDigits] = {};
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t z;
    if (!GetVarint64(&in, &z)) return false;
    digits[lo + i] = ZigZagDecode(z);
  }
  for (size_t j = 0; j + 1 < kSumDigits; ++j) {
    const auto u = static_cast<uint32_t>(digits[j]);  // normalized: in [0, 2^32)
    std::memcpy(n + 4 * j, &u, 4);
  }
  const auto top = static_cast<uint64_t>(digits[kSumDigits - 1]);
  std::memcpy(n + 4 * (kSumDigits - 1), &top, 8);
  return in.empty();
}

void PutSum(const ExactSum& sum, std::string* out) {
  std::string acc;
  sum.AppendTo(&acc);
  uint64_t special[3];
  uint8_t n[kSumBytes];
  const bool ok = ParseAccumulator(acc, special, n);
  assert(ok);
  (void)ok;
  uint8_t flags = 0;
  for (int i = 0; i < 3; ++i) flags |= special[i] != 0 ? 1 << i : 0;
  out->push_back(static_cast<char>(flags));
  for (int i = 0; i < 3; ++i) {
    if (special[i] != 0) PutVarint64(out, special[i]);
  }
  size_t lo = 0;
  while (lo < kSumBytes && n[lo] == 0) ++lo;
  if (lo == kSumBytes) {  // zero
    PutVarint64(out, 0);
    PutVarint64(out, 0);
    return;
  }
  // Drop high bytes that only repeat the sign of the byte below them.
  size_t hi = kSumBytes;
  while (hi > lo + 1) {
    const uint8_t top = n[hi - 1];
    const bool below_negative = (n[hi - 2] & 0x80) != 0;
    if (!((top == 0 && !below_negative) || (top == 0xff && below_negative))) break;
    --hi;
  }
  PutVarint64(out, lo);
  PutVarint64(out, hi - lo);
  out->append(reinterpret_cast<const char*>(n + lo), hi - lo);
}

bool GetSum(std::string_view* in, ExactSum* sum) {
  if (in->empty()) return false;
  const auto flags = static_cast<uint8_t>((*in)[0]);
  in->remove_prefix(1);
  if (flags > 7) return false;
  uint64_t special[3] = {};
  for (int i = 0; i < 3; ++i) {
    if ((flags >> i) & 1) {
      if (!GetVarint64(in, &special[i]) || special[i] == 0) return false;
    }
  }
  uint64_t lo, len;
  if (!GetVarint64(in, &lo) || !GetVarint64(in, &len) || lo > kSumBytes || len > kSumBytes - lo ||
      len > in->size()) {
    return false;
  }
  uint8_t n[kSumBytes + 4];
  const bool negative = len > 0 && ((*in)[len - 1] & 0x80) != 0;
  std::memset(n, negative ? 0xff : 0, sizeof(n));
  std::memset(n, 0, lo);
  std::memcpy(n + lo, in->data(), len);
  in->remove_prefix(len);
  // Back to the accumulator's form (only the digits the bytes reach, or up to the top digit
  // for a negative sum); the accumulator validates the range (a top digit within +-2^40).
  char acc[3 * 10 + 2 * 10 + kSumDigits * 10];
  char* p = acc;
  auto put = [&p](uint64_t v) {
    while (v >= 0x80) {
      *p++ = static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    *p++ = static_cast<char>(v);
  };
  for (int i = 0; i < 3; ++i) put(special[i]);
  auto digit = [&n](size_t j) -> int64_t {
    if (j + 1 < kSumDigits) {
      uint32_t u;
      std::memcpy(&u, n + 4 * j, 4);
      return u;
    }
    int64_t top;
    std::memcpy(&top, n + 4 * j, 8);
    return top;
  };
  size_t dlo = lo / 4;
  size_t dhi = negative ? kSumDigits : std::min(kSumDigits, (lo + len + 3) / 4);
  while (dlo < dhi && digit(dlo) == 0) ++dlo;
  while (dhi > dlo && digit(dhi - 1) == 0) --dhi;
  put(dlo);
  put(dhi - dlo);
  for (size_t j = dlo; j < dhi; ++j) put(ZigZagEncode(digit(j)));
  std::string_view view(acc, static_cast<size_t>(p - acc));
  return ExactSum::ConsumeFrom(&view, sum) && view.empty();
}

// ---------------------------------------------------------------------------------------------
// Statistics

ChunkColumnStats ComputeStats(const ColumnVector& c, size_t n) {
  ChunkColumnStats st;
  bool first = true;
  for (size_t i = 0; i < n; ++i) {
    if (c.nulls[i]) {
      ++st.null_count;
      continue;
    }
    ++st.value_count;
    switch (c.type) {
      case ColumnType::kSint64:
      case ColumnType::kTimestamp: {
        const int64_t x = c.ints[i];
        st.isum += x;
        if (first || x < st.imin) st.imin = x;
        if (first || x > st.imax) st.imax = x;
        break;
      }
      case ColumnType::kDouble: {
        const double d = c.doubles[i];
        st.dsum.Add(d);
        // NaN sorts above every number; ties keep the first value in row order.
        if (first || (std::isnan(st.dmin) ? !std::isnan(d) : d < st.dmin)) st.dmin = d;
        if (first || (std::isnan(d) ? !std::isnan(st.dmax) : d > st.dmax)) st.dmax = d;
        break;
      }
      case ColumnType::kBoolean:
        st.true_count += c.bools[i] != 0;
        break;
      case ColumnType::kVarchar:
      case ColumnType::kBlob:
        st.total_bytes += c.strings[i].size();
        break;
    }
    first = false;
  }
  return st;
}

// A double statistic as a short decimal (form k: zig-zag varint d, value d / 10^k) when one
// round-trips bit-exactly, else 8 raw bytes (form 15).
uint8_t DoubleForm(double v, int64_t* d) {
  for (int k = 0; k <= codecs::kMaxDecimalExp; ++k) {
    if (codecs::DecimalAt(v, k, d)) return static_cast<uint8_t>(k);
  }
  return kRawDouble;
}

void PutDoubleStat(std::string* out, uint8_t form, int64_t d, double v) {
  if (form == kRawDouble) {
    coding::PutFixed64LE(out, std::bit_cast<uint64_t>(v));
  } else {
    PutVarint64(out, ZigZagEncode(d));
  }
}

bool GetDoubleStat(std::string_view* in, uint8_t form, double* v) {
  if (form == kRawDouble) {
    if (in->size() < 8) return false;
    *v = std::bit_cast<double>(coding::DecodeFixed64LE(in->data()));
    in->remove_prefix(8);
    return true;
  }
  uint64_t z;
  if (form > codecs::kMaxDecimalExp || !GetVarint64(in, &z)) return false;
  const int64_t d = ZigZagDecode(z);
  if (d > codecs::kMaxDecimalMagnitude || d < -codecs::kMaxDecimalMagnitude) return false;
  *v = codecs::FromDecimal(d, form);
  return true;
}

void PutStats(ColumnType type, const ChunkColumnStats& st, std::string* out) {
  PutVarint64(out, st.null_count);
  if (st.value_count == 0) return;
  switch (type) {
    case ColumnType::kSint64:
    case ColumnType::kTimestamp: {
      PutVarint64(out, ZigZagEncode(st.imin));
      PutVarint64(out, static_cast<uint64_t>(st.imax) - static_cast<uint64_t>(st.imin));
      const auto u = static_cast<unsigned __int128>(st.isum);
      PutVarint128(out, (u << 1) ^ static_cast<unsigned __int128>(st.isum >> 127));
      break;
    }
    case ColumnType::kDouble: {
      int64_t dmin = 0, dmax = 0;
      const uint8_t fmin = DoubleForm(st.dmin, &dmin);
      const uint8_t fmax = DoubleForm(st.dmax, &dmax);
      out->push_back(static_cast<char>(fmin | (fmax << 4)));
      PutDoubleStat(out, fmin, dmin, st.dmin);
      PutDoubleStat(out, fmax, dmax, st.dmax);
      PutSum(st.dsum, out);
      break;
    }
    case ColumnType::kBoolean:
      PutVarint64(out, st.true_count);
      break;
    case ColumnType::kVarchar:
    case ColumnType::kBlob:
      PutVarint64(out, st.total_bytes);
      break;
  }
}

bool GetStats(ColumnType type, size_t num_rows, std::string_view* in, ChunkColumnStats* st) {
  uint64_t nulls;
  if (!GetVarint64(in, &nulls) || nulls > num_rows) return false;
  st->null_count = static_cast<uint32_t>(nulls);
  st->value_count = static_cast<uint32_t>(num_rows - nulls);
  if (st->value_count == 0) return true;
  switch (type) {
    case ColumnType::kSint64:
    case ColumnType::kTimestamp: {
      uint64_t zmin, span;
      unsigned __int128 zsum;
      if (!GetVarint64(in, &zmin) || !GetVarint64(in, &span) || !GetVarint128(in, &zsum)) {
        return false;
      }
      st->imin = ZigZagDecode(zmin);
      st->imax = static_cast<int64_t>(static_cast<uint64_t>(st->imin) + span);
      if (st->imax < st->imin) return false;
      st->isum = static_cast<__int128>((zsum >> 1) ^ (~(zsum & 1) + 1));
      return true;
    }
    case ColumnType::kDouble: {
      if (in->empty()) return false;
      const auto forms = static_cast<uint8_t>((*in)[0]);
      in->remove_prefix(1);
      return GetDoubleStat(in, forms & 15, &st->dmin) && GetDoubleStat(in, forms >> 4, &st->dmax) &&
             GetSum(in, &st->dsum);
    }
    case ColumnType::kBoolean: {
      uint64_t t;
      if (!GetVarint64(in, &t) || t > st->value_count) return false;
      st->true_count = static_cast<uint32_t>(t);
      return true;
    }
    case ColumnType::kVarchar:
    case ColumnType::kBlob:
      return GetVarint64(in, &st->total_bytes);
  }
  return false;
}

bool EncodingFits(ColumnType type, ColumnEncoding e) {
  if (e == ColumnEncoding::kAllNull) return true;
  switch (type) {
    case ColumnType::kSint64:
    case ColumnType::kTimestamp:
      return e == ColumnEncoding::kInts;
    case ColumnType::kDouble:
      return e == ColumnEncoding::kDecimal || e == ColumnEncoding::kGorilla ||
             e == ColumnEncoding::kSplit;
    case ColumnType::kVarchar:
    case ColumnType::kBlob:
      return e == ColumnEncoding::kDict || e == ColumnEncoding::kPlain;
    case ColumnType::kBoolean:
      return e == ColumnEncoding::kBitmap || e == ColumnEncoding::kConstBool;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// NULLs

void EncodeNulls(const uint8_t* nulls, size_t n, size_t null_count, std::string* out) {
  std::string bitmap;
  codecs::PutBitmap(nulls, n, &bitmap);
  std::vector<int64_t> pos;
  pos.reserve(null_count);
  for (size_t i = 0; i < n; ++i) {
    if (nulls[i]) pos.push_back(static_cast<int64_t>(i));
  }
  std::string positions;
  intstream::Encode(pos.data(), pos.size(), {}, &positions);
  if (positions.size() < bitmap.size()) {
    out->push_back(static_cast<char>(kNullPositions));
    out->append(positions);
  } else {
    out->push_back(static_cast<char>(kNullBitmap));
    out->append(bitmap);
  }
}

bool DecodeNulls(std::string_view* in, size_t n, size_t null_count, uint8_t* nulls) {
  if (in->empty()) return false;
  const auto kind = static_cast<uint8_t>((*in)[0]);
  in->remove_prefix(1);
  if (kind == kNullBitmap) {
    if (!codecs::GetBitmap(in, n, nulls)) return false;
    size_t count = 0;
    for (size_t i = 0; i < n; ++i) count += nulls[i];
    return count == null_count;
  }
  if (kind != kNullPositions) return false;
  std::vector<int64_t> pos(null_count);
  if (!intstream::Decode(in, null_count, {}, pos.data())) return false;
  std::memset(nulls, 0, n);
  int64_t prev = -1;
  for (int64_t p : pos) {
    if (p <= prev || p >= static_cast<int64_t>(n)) return false;
    nulls[p] = 1;
    prev = p;
  }
  return true;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Encoding

void EncodeChunk(std::span<const ColumnVector* const> columns, size_t num_rows, std::string* out,
                 const ChunkEncodeOptions& options) {
  assert(num_rows <= kMaxChunkRows);
  const size_t n = num_rows;

  // Series ids, renumbered densely in first-seen order.
  std::vector<uint32_t> series_ids;
  std::vector<uint32_t> pred;
  uint32_t num_series = 0;
  intstream::Series series;
  if (!options.series_of_row.empty() && n > 0) {
    assert(options.series_of_row.size() >= n);
    std::unordered_map<uint32_t, uint32_t> dense;
    series_ids.resize(n);
    for (size_t i = 0; i < n; ++i) {
      auto [it, added] =
          dense.try_emplace(options.series_of_row[i], static_cast<uint32_t>(dense.size()));
      series_ids[i] = it->second;
    }
    num_series = static_cast<uint32_t>(dense.size());
    pred = intstream::Predecessors(series_ids.data(), n, num_series);
    series = {pred.data()};
  }

  std::string directory;
  std::string payloads;
  bool used_series = false;
  for (const ColumnVector* col : columns) {
    const ChunkColumnStats st = ComputeStats(*col, n);
    std::string payload;
    ColumnEncoding enc = ColumnEncoding::kAllNull;
    bool zstd = false;
    if (st.null_count < n) {
      if (st.null_count > 0) EncodeNulls(col->nulls.data(), n, st.null_count, &payload);
      codecs::EncodeResult r = codecs::EncodeValues(*col, n, st, series, &payload);
      enc = r.encoding;
      used_series |= r.used_series;
      zstd = codecs::MaybeCompress(enc, &payload);
    }
    directory.push_back(static_cast<char>(col->type));
    directory.push_back(static_cast<char>(static_cast<uint8_t>(enc) | (zstd ? kZstdFlag : 0)));
    PutStats(col->type, st, &directory);
    PutVarint64(&directory, payload.size());
    payloads.append(payload);
  }

  const size_t start = out->size();
  out->push_back(static_cast<char>(kMagic));
  out->push_back(static_cast<char>(kVersion));
  out->push_back(static_cast<char>(used_series ? kFlagSeries : 0));
  PutVarint64(out, n);
  PutVarint64(out, columns.size());
  if (used_series) {
    std::vector<int64_t> ids(series_ids.begin(), series_ids.end());
    std::string stream;
    intstream::Encode(ids.data(), ids.size(), {}, &stream);
    PutVarint64(out, num_series);
    PutVarint64(out, stream.size());
    out->append(stream);
  }
  out->append(directory);
  out->append(payloads);
  const uint32_t crc = Crc32c(out->data() + start, out->size() - start);
  char le[4] = {static_cast<char>(crc), static_cast<char>(crc >> 8), static_cast<char>(crc >> 16),
                static_cast<char>(crc >> 24)};
  out->append(le, 4);
}

// ---------------------------------------------------------------------------------------------
// Reading

Result<ChunkReader> ChunkReader::Open(std::string_view bytes, std::span<const ColumnType> types) {
  if (bytes.size() < 9) return Corrupt("too short");
  const auto* tail = reinterpret_cast<const uint8_t*>(bytes.data() + bytes.size() - 4);
  const uint32_t stored =
      tail[0] | (tail[1] << 8) | (tail[2] << 16) | (static_cast<uint32_t>(tail[3]) << 24);
  std::string_view in = bytes.substr(0, bytes.size() - 4);
  if (Crc32c(in.data(), in.size()) != stored) return Corrupt("checksum mismatch");
  if (static_cast<uint8_t>(in[0]) != kMagic) return Corrupt("bad magic byte");
  if (static_cast<uint8_t>(in[1]) != kVersion) return Corrupt("unknown version");
  const auto flags = static_cast<uint8_t>(in[2]);
  if ((flags & ~kFlagSeries) != 0) return Corrupt("unknown flags");
  in.remove_prefix(3);

  ChunkReader r;
  uint64_t rows, cols;
  if (!GetVarint64(&in, &rows) || rows > kMaxChunkRows) return Corrupt("bad row count");
  if (!GetVarint64(&in, &cols) || cols != types.size()) return Corrupt("column count mismatch");
  r.num_rows_ = rows;
  if (flags & kFlagSeries) {
    uint64_t count, len;
    if (!GetVarint64(&in, &count) || count == 0 || count > rows) return Corrupt("bad series");
    if (!GetVarint64(&in, &len) || len > in.size()) return Corrupt("bad series");
    r.num_series_ = static_cast<uint32_t>(count);
    r.series_ = in.substr(0, len);
    r.series_cache_ = std::make_shared<SeriesCache>();
    in.remove_prefix(len);
  }
  r.columns_.resize(cols);
  std::vector<uint64_t> lengths(cols);
  uint64_t total = 0;
  for (size_t c = 0; c < cols; ++c) {
    Column& col = r.columns_[c];
    if (in.size() < 2) return Corrupt("truncated column descriptor");
    col.type = static_cast<ColumnType>(in[0]);
    const auto enc = static_cast<uint8_t>(in[1]);
    in.remove_prefix(2);
    if (col.type != types[c]) return Corrupt("column type mismatch");
    col.zstd = (enc & kZstdFlag) != 0;
    col.encoding = static_cast<ColumnEncoding>(enc & ~kZstdFlag);
    if (!EncodingFits(col.type, col.encoding)) return Corrupt("bad column encoding");
    if (!GetStats(col.type, rows, &in, &col.stats)) return Corrupt("bad column statistics");
    const bool all_null = col.stats.null_count == rows;
    if (all_null != (col.encoding == ColumnEncoding::kAllNull)) return Corrupt("bad null count");
    if (col.zstd && (all_null || col.encoding == ColumnEncoding::kConstBool)) {
      return Corrupt("bad column encoding");
    }
    if (!GetVarint64(&in, &lengths[c]) || lengths[c] > in.size()) {
      return Corrupt("bad payload length");
    }
    total += lengths[c];
  }
  if (total != in.size()) return Corrupt("payload lengths do not match the chunk size");
  for (size_t c = 0; c < cols; ++c) {
    r.columns_[c].payload = in.substr(0, lengths[c]);
    in.remove_prefix(lengths[c]);
  }
  return r;
}

Status ChunkReader::DecodeSeries(std::vector<uint32_t>* pred) const {
  // Read into a buffer nothing initialises: every entry is written by the decoder.
  auto raw = std::make_unique_for_overwrite<int64_t[]>(num_rows_);
  std::string_view in = series_;
  if (!intstream::Decode(&in, num_rows_, {}, raw.get()) || !in.empty()) {
    return Corrupt("bad series ids");
  }
  pred->resize(num_rows_);
  if (!intstream::CheckedPredecessors(raw.get(), num_rows_, num_series_, pred->data())) {
    return Corrupt("bad series ids");
  }
  return Status::OK();
}

Status ChunkReader::SeriesPredecessors(const uint32_t** pred) const {
  SeriesCache* cache = series_cache_.get();
  std::call_once(cache->once, [&] { cache->status = DecodeSeries(&cache->pred); });
  *pred = cache->pred.data();
  return cache->status;
}

Status ChunkReader::DecodeColumn(size_t column, ColumnVector* out) const {
  if (column >= columns_.size()) {
    return Status(ErrorCode::kInvalidArgument, "chunk column out of range");
  }
  const Column& col = columns_[column];
  if (out->type != col.type) return Status(ErrorCode::kInvalidArgument, "column type mismatch");
  std::string inflated;
  std::string_view in = col.payload;
  if (col.zstd) {
    if (!codecs::Decompress(&in, &inflated)) return Corrupt("bad zstd payload");
    in = inflated;
  }
  const size_t old_nulls = out->nulls.size();
  const size_t old_ints = out->ints.size(), old_doubles = out->doubles.size();
  const size_t old_strings = out->strings.size(), old_bools = out->bools.size();
  Status st = DecodeValues(col, in, out);
  if (!st.ok()) {
    out->nulls.resize(old_nulls);
    out->ints.resize(old_ints);
    out->doubles.resize(old_doubles);
    out->strings.resize(old_strings);
    out->bools.resize(old_bools);
  }
  return st;
}

Status ChunkReader::DecodeNullSection(const Column& col, std::string_view* in,
                                      uint8_t* nulls) const {
  const size_t n = num_rows_;
  const size_t null_count = col.stats.null_count;
  if (null_count == 0) {
    std::memset(nulls, 0, n);
  } else if (null_count == n) {
    std::memset(nulls, 1, n);
  } else if (!DecodeNulls(in, n, null_count, nulls)) {
    return Corrupt("bad null section");
  }
  return Status::OK();
}

Status ChunkReader::DecodeDictionary(size_t column, ColumnVector* out) const {
  if (column >= columns_.size()) {
    return Status(ErrorCode::kInvalidArgument, "chunk column out of range");
  }
  const Column& col = columns_[column];
  if (out->type != col.type || col.encoding != ColumnEncoding::kDict) {
    return Status(ErrorCode::kInvalidArgument, "not a dictionary-encoded column");
  }
  if (!out->nulls.empty() || !out->strings.empty() || !out->codes.empty() || out->dict) {
    return Status(ErrorCode::kInvalidArgument, "dictionary form needs an empty column");
  }
  std::string inflated;
  std::string_view in = col.payload;
  if (col.zstd) {
    if (!codecs::Decompress(&in, &inflated)) return Corrupt("bad zstd payload");
    in = inflated;
  }
  auto fail = [&](const char* what) {
    out->nulls.clear();
    out->codes.clear();
    return Corrupt(what);
  };
  out->nulls.resize(num_rows_);
  Status st = DecodeNullSection(col, &in, out->nulls.data());
  if (!st.ok()) {
    out->nulls.clear();
    return st;
  }
  intstream::Series series;
  if (series_cache_) {
    st = SeriesPredecessors(&series.pred);
    if (!st.ok()) {
      out->nulls.clear();
      return st;
    }
  }
  codecs::DecodeInput d{col.encoding, num_rows_, out->nulls.data(), col.stats.null_count,
                        &col.stats, series};
  auto dict = std::make_shared<std::vector<std::string>>();
  if (!codecs::DecodeDictionary(d, &in, dict.get(), &out->codes)) {
    return fail("bad column values");
  }
  if (!in.empty()) return fail("trailing bytes in a column payload");
  out->dict = std::move(dict);
  return Status::OK();
}

Status ChunkReader::DecodeValues(const Column& col, std::string_view in, ColumnVector* out) const {
  const size_t n = num_rows_;
  const size_t old = out->nulls.size();
  out->nulls.resize(old + n);
  uint8_t* nulls = out->nulls.data() + old;
  const size_t null_count = col.stats.null_count;
  QUANTA_RETURN_IF_ERROR(DecodeNullSection(col, &in, nulls));
  intstream::Series series;
  if (series_cache_ &&
      (col.encoding == ColumnEncoding::kInts || col.encoding == ColumnEncoding::kDecimal ||
       col.encoding == ColumnEncoding::kDict)) {
    QUANTA_RETURN_IF_ERROR(SeriesPredecessors(&series.pred));
  }
  codecs::DecodeInput d{col.encoding, n, nulls, null_count, &col.stats, series};
  if (!codecs::DecodeValues(d, &in, out)) return Corrupt("bad column values");
  if (!in.empty()) return Corrupt("trailing bytes in a column payload");
  return Status::OK();
}

}  // namespace quanta::storage
