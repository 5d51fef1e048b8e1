// libFuzzer target for the chunk codec (docs/formats/chunk.md).
//
// Input: byte 0 = mode (bit 7) and a column count (bits 0-2); then one type byte per column.
//  - Decode mode (bit 7 clear): the rest is a chunk. It is opened as is and with its checksum
//    recomputed (so that mutations reach the decoder proper), and every column is decoded.
//    Invariants: errors are kCorruption (a wrong type given to DecodeColumn is not tried); a
//    failed decode leaves the output vector as it was; a successful one appends num_rows
//    entries; whatever decodes re-encodes to a chunk that decodes to the same values, bit for
//    bit.
//  - Encode mode (bit 7 set): byte 1 = rows, byte 2 = flags (bit 0: series); the rest feeds the
//    column values. Invariant: encode then decode gives the values back.
#include <bit>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "storage/engine/chunk.h"
#include "storage/engine/crc32c.h"

namespace {

using namespace quanta;
using namespace quanta::storage;

void Fail(const char* what) {
  std::fprintf(stderr, "chunk_decode_fuzz: %s\n", what);
  std::abort();
}

constexpr ColumnType kTypes[] = {ColumnType::kVarchar,   ColumnType::kSint64,  ColumnType::kDouble,
                                 ColumnType::kTimestamp, ColumnType::kBoolean, ColumnType::kBlob};

bool SameColumn(const ColumnVector& a, const ColumnVector& b) {
  if (a.nulls != b.nulls || a.ints != b.ints || a.strings != b.strings || a.bools != b.bools ||
      a.doubles.size() != b.doubles.size()) {
    return false;
  }
  for (size_t i = 0; i < a.doubles.size(); ++i) {
    if (std::bit_cast<uint64_t>(a.doubles[i]) != std::bit_cast<uint64_t>(b.doubles[i])) {
      return false;
    }
  }
  return true;
}

// Decodes every column of `bytes`; on success, fills *decoded.
bool DecodeAll(std::string_view bytes, const std::vector<ColumnType>& types,
               std::vector<ColumnVector>* decoded, size_t* rows) {
  auto r = ChunkReader::Open(bytes, types);
  if (!r.ok()) {
    if (r.status().code() != ErrorCode::kCorruption) Fail("Open: error other than kCorruption");
    return false;
  }
  *rows = r->num_rows();
  bool all = true;
  decoded->clear();
  for (size_t c = 0; c < r->num_columns(); ++c) {
    ColumnVector out;
    out.type = types[c];
    out.nulls.push_back(1);  // something already there: decoding appends
    out.ints.push_back(0);
    out.doubles.push_back(0);
    out.strings.emplace_back();
    out.bools.push_back(0);
    const ColumnVector before = out;
    Status st = r->DecodeColumn(c, &out);
    if (!st.ok()) {
      if (st.code() != ErrorCode::kCorruption) Fail("DecodeColumn: error other than kCorruption");
      if (!SameColumn(out, before)) Fail("failed decode changed the output");
      all = false;
      continue;
    }
    if (out.nulls.size() != 1 + r->num_rows()) Fail("decode appended the wrong row count");
    // Drop the entry that was there before.
    ColumnVector v;
    v.type = types[c];
    v.nulls.assign(out.nulls.begin() + 1, out.nulls.end());
    auto tail = [](auto& vec) { return std::vector(vec.begin() + 1, vec.end()); };
    v.ints = tail(out.ints);
    v.doubles = tail(out.doubles);
    v.strings = tail(out.strings);
    v.bools = tail(out.bools);
    decoded->push_back(std::move(v));
  }
  return all;
}

void ReEncode(const std::vector<ColumnVector>& cols, size_t rows,
              const std::vector<ColumnType>& types, bool series) {
  std::vector<const ColumnVector*> p;
  for (const auto& c : cols) p.push_back(&c);
  std::vector<uint32_t> ids(rows);
  for (size_t i = 0; i < rows; ++i) ids[i] = static_cast<uint32_t>(i % 3);
  ChunkEncodeOptions opt;
  if (series) opt.series_of_row = ids;
  std::string again;
  EncodeChunk(p, rows, &again, opt);
  std::vector<ColumnVector> back;
  size_t rows2 = 0;
  if (!DecodeAll(again, types, &back, &rows2)) Fail("re-encoded chunk does not decode");
  if (rows2 != rows || back.size() != cols.size()) Fail("re-encoded chunk: shape differs");
  for (size_t c = 0; c < cols.size(); ++c) {
    // NULL rows decode to the placeholder, so compare against the placeholders.
    ColumnVector want = cols[c];
    for (size_t i = 0; i < rows; ++i) {
      if (!want.nulls[i]) continue;
      if (!want.ints.empty()) want.ints[i] = 0;
      if (!want.doubles.empty()) want.doubles[i] = 0.0;
      if (!want.strings.empty()) want.strings[i].clear();
      if (!want.bools.empty()) want.bools[i] = 0;
    }
    if (!SameColumn(want, back[c])) Fail("round trip changed a column");
  }
}

// A byte source that cycles through the input.
struct Bytes {
  std::string_view s;
  size_t at = 0;
  uint8_t Next() { return s.empty() ? 0 : static_cast<uint8_t>(s[at++ % s.size()]); }
  uint64_t Next64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | Next();
    return v;
  }
};

void EncodeMode(std::string_view in, const std::vector<ColumnType>& types) {
  if (in.size() < 2) return;
  const size_t rows = static_cast<uint8_t>(in[0]);
  const bool series = (in[1] & 1) != 0;
  Bytes src{in.substr(2)};
  std::vector<ColumnVector> cols(types.size());
  for (size_t c = 0; c < types.size(); ++c) {
    ColumnVector& col = cols[c];
    col.type = types[c];
    const uint8_t style = src.Next();
    for (size_t i = 0; i < rows; ++i) {
      const uint8_t b = src.Next();
      const bool null = (style & 1) && (b & 7) == 0;
      col.nulls.push_back(null ? 1 : 0);
      switch (col.type) {
        case ColumnType::kSint64:
        case ColumnType::kTimestamp:
          col.ints.push_back(null          ? 0
                             : (style & 2) ? static_cast<int64_t>(src.Next64())
                                           : static_cast<int64_t>(i) * (b % 4) + (b >> 4));
          break;
        case ColumnType::kDouble: {
          double d = (style & 2) ? std::bit_cast<double>(src.Next64())
                                 : static_cast<double>(static_cast<int8_t>(b)) / 100;
          col.doubles.push_back(null ? 0.0 : d);
          break;
        }
        case ColumnType::kBoolean:
          col.bools.push_back(null ? 0 : (b >> 3) & 1);
          break;
        default: {
          std::string s;
          const size_t len = (style & 2) ? b % 9 : b % 3;
          for (size_t k = 0; k < len; ++k) s.push_back(static_cast<char>(src.Next()));
          col.strings.push_back(null ? std::string() : s);
        }
      }
    }
  }
  ReEncode(cols, rows, types, series);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  if (input.empty()) return 0;
  const auto head = static_cast<uint8_t>(input[0]);
  const size_t ncols = head & 7;
  if (input.size() < 1 + ncols) return 0;
  std::vector<ColumnType> types;
  for (size_t c = 0; c < ncols; ++c)
    types.push_back(kTypes[static_cast<uint8_t>(input[1 + c]) % 6]);
  std::string_view rest = input.substr(1 + ncols);
  if (head & 0x80) {
    EncodeMode(rest, types);
    return 0;
  }
  std::vector<ColumnVector> decoded;
  size_t rows = 0;
  DecodeAll(rest, types, &decoded, &rows);
  // The same bytes with a valid checksum, so that mutations get past it.
  std::string sealed(rest);
  if (sealed.size() >= 4) {
    const uint32_t crc = Crc32c(sealed.data(), sealed.size() - 4);
    for (int i = 0; i < 4; ++i) sealed[sealed.size() - 4 + i] = static_cast<char>(crc >> (8 * i));
    // Re-encoding is checked on small chunks only: a header may claim 65,536 rows of a
    // constant, and encoding that under the sanitizers would slow the search down for nothing
    // the encode mode does not already cover.
    if (DecodeAll(sealed, types, &decoded, &rows) && rows <= 4096) {
      ReEncode(decoded, rows, types, rows % 2 == 1);
    }
  }
  return 0;
}
