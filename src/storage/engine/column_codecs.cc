#include "storage/engine/column_codecs.h"

#include <zstd.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <memory>
#include <unordered_map>
#include <vector>

#include "common/coding.h"
#include "storage/engine/bitpack.h"

namespace quanta::storage::codecs {
namespace {

using coding::GetVarint64;
using coding::PutVarint64;

constexpr double kPow10[kMaxDecimalExp + 1] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};

// Per-thread scratch for int streams decoded before conversion (up to kMaxChunkRows values:
// 512 KiB, kept so that a scan does not map and unmap it for every column it decodes).
int64_t* Scratch(size_t n) {
  thread_local std::vector<int64_t> buf;
  if (buf.size() < n) buf.resize(n);
  return buf.data();
}

// NULL rows and decimal exceptions ("holes") take the value the decoder predicts for them, so
// that their residual is zero: the previous value of the same series when the chunk has series,
// else the previous row's value.
void FillHoles(int64_t* v, const uint8_t* hole, size_t n, intstream::Series series) {
  for (size_t i = 0; i < n; ++i) {
    if (hole[i]) v[i] = i == 0 ? 0 : v[series.empty() ? i - 1 : series.pred[i]];
  }
}

// out[i] = v[i] / scale, correctly rounded (the division the encoder verified against), with
// the widest vectors the CPU has: this loop is most of a decimal column's decode time.
void ScaleScalar(const int64_t* v, size_t n, double scale, double* out) {
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<double>(v[i]) / scale;
}

#if defined(__x86_64__)
__attribute__((target("avx512f,avx512dq"))) void ScaleAvx512(const int64_t* v, size_t n,
                                                             double scale, double* out) {
  const __m512d s = _mm512_set1_pd(scale);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m512i x = _mm512_loadu_si512(v + i);
    _mm512_storeu_pd(out + i, _mm512_div_pd(_mm512_cvtepi64_pd(x), s));
  }
  ScaleScalar(v + i, n - i, scale, out + i);
}

// Without AVX-512 there is no int64 -> double instruction; |d| < 2^51 (kMaxDecimalMagnitude)
// converts exactly as the bits of 1.5 * 2^52 + d minus 1.5 * 2^52. Larger values only come from
// corrupt input, which may decode to anything but undefined behaviour.
__attribute__((target("avx2"))) void ScaleAvx2(const int64_t* v, size_t n, double scale,
                                               double* out) {
  const __m256d s = _mm256_set1_pd(scale);
  const __m256i magic_i = _mm256_set1_epi64x(0x4338000000000000);
  const __m256d magic_d = _mm256_set1_pd(6755399441055744.0);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(v + i));
    const __m256d d = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_add_epi64(x, magic_i)), magic_d);
    _mm256_storeu_pd(out + i, _mm256_div_pd(d, s));
  }
  ScaleScalar(v + i, n - i, scale, out + i);
}
#endif

void Scale(const int64_t* v, size_t n, double scale, double* out) {
#if defined(__x86_64__)
  static const int level = __builtin_cpu_supports("avx512dq") ? 2
                           : __builtin_cpu_supports("avx2")   ? 1
                                                              : 0;
  if (level == 2) return ScaleAvx512(v, n, scale, out);
  if (level == 1) return ScaleAvx2(v, n, scale, out);
#endif
  ScaleScalar(v, n, scale, out);
}

template <typename T>
void MaskNulls(T* v, const uint8_t* nulls, size_t n) {
  for (size_t i = 0; i < n; ++i) v[i] = nulls[i] ? T{} : v[i];
}

// ---------------------------------------------------------------------------------------------
// Integers

EncodeResult EncodeInts(const ColumnVector& col, size_t n, const ChunkColumnStats& st,
                        intstream::Series series, std::string* out) {
  std::vector<int64_t> v(col.ints.begin(), col.ints.begin() + static_cast<ptrdiff_t>(n));
  if (st.null_count > 0) FillHoles(v.data(), col.nulls.data(), n, series);
  const auto mode = intstream::Encode(v.data(), n, series, out);
  return {ColumnEncoding::kInts, mode == intstream::Mode::kSeriesDelta};
}

// ---------------------------------------------------------------------------------------------
// Doubles

// Decimal: a common exponent k, the integers d, and the values that are not d / 10^k (NaN,
// infinities, -0.0, more digits) as exceptions. False when too many values are exceptions.
bool EncodeDecimal(const ColumnVector& col, size_t n, const ChunkColumnStats& st,
                   intstream::Series series, std::string* out, bool* used_series) {
  const double* v = col.doubles.data();
  const uint8_t* nulls = col.nulls.data();
  // The smallest k that makes every decimal value exact: exactness at k implies exactness at
  // every larger k (the same rational number, rounded once), so k only grows.
  int k = 0;
  size_t exceptions = 0;
  const size_t limit = st.value_count / 4;
  for (size_t i = 0; i < n; ++i) {
    if (nulls[i]) continue;
    int64_t d;
    if (DecimalAt(v[i], k, &d)) continue;
    bool found = false;
    for (int kk = k + 1; kk <= kMaxDecimalExp && !found; ++kk) {
      if (DecimalAt(v[i], kk, &d)) {
        k = kk;
        found = true;
      }
    }
    if (!found && ++exceptions > limit) return false;
  }
  std::vector<int64_t> d(n, 0);
  std::vector<uint8_t> hole(nulls, nulls + n);
  std::vector<int64_t> exc_pos;
  std::string exc_bits;
  for (size_t i = 0; i < n; ++i) {
    if (nulls[i] || DecimalAt(v[i], k, &d[i])) continue;
    hole[i] = 1;
    exc_pos.push_back(static_cast<int64_t>(i));
    coding::PutFixed64LE(&exc_bits, std::bit_cast<uint64_t>(v[i]));
  }
  FillHoles(d.data(), hole.data(), n, series);
  out->push_back(static_cast<char>(k));
  PutVarint64(out, exc_pos.size());
  if (!exc_pos.empty()) {
    intstream::Encode(exc_pos.data(), exc_pos.size(), {}, out);
    out->append(exc_bits);
  }
  *used_series = intstream::Encode(d.data(), n, series, out) == intstream::Mode::kSeriesDelta;
  return true;
}

// Gorilla (Pelkonen et al., VLDB 2015): XOR with the previous value; a zero XOR is one bit,
// else the meaningful bits inside the previous leading/trailing-zero window, or a new window.
void EncodeGorilla(const ColumnVector& col, size_t n, std::string* out) {
  std::string bits;
  bitpack::BitWriter bw(&bits);
  uint64_t prev = 0;
  int wlead = -1, wtrail = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint64_t x = col.nulls[i] ? prev : std::bit_cast<uint64_t>(col.doubles[i]);
    if (i == 0) {
      bw.Put(x, 64);
      prev = x;
      continue;
    }
    const uint64_t d = x ^ prev;
    prev = x;
    if (d == 0) {
      bw.Put(0, 1);
      continue;
    }
    bw.Put(1, 1);
    const int lead = std::min(std::countl_zero(d), 31);
    const int trail = std::countr_zero(d);
    if (wlead >= 0 && lead >= wlead && trail >= wtrail) {
      bw.Put(0, 1);
      bw.Put(d >> wtrail, 64 - wlead - wtrail);
    } else {
      const int sig = 64 - lead - trail;
      bw.Put(1, 1);
      bw.Put(static_cast<uint64_t>(lead), 5);
      bw.Put(static_cast<uint64_t>(sig - 1), 6);
      bw.Put(d >> trail, sig);
      wlead = lead;
      wtrail = trail;
    }
  }
  bw.Finish();
  PutVarint64(out, bits.size());
  out->append(bits);
}

bool DecodeGorilla(std::string_view* in, size_t n, double* out) {
  uint64_t len;
  if (!GetVarint64(in, &len) || len > in->size()) return false;
  bitpack::BitReader br(reinterpret_cast<const uint8_t*>(in->data()), len);
  uint64_t prev = 0;
  int wlead = -1, wtrail = 0;
  for (size_t i = 0; i < n; ++i) {
    if (i == 0) {
      prev = br.Get(64);
    } else if (br.Get(1) != 0) {
      uint64_t d;
      if (br.Get(1) == 0) {
        if (wlead < 0) return false;
        d = br.Get(64 - wlead - wtrail) << wtrail;
      } else {
        const int lead = static_cast<int>(br.Get(5));
        const int sig = static_cast<int>(br.Get(6)) + 1;
        if (lead + sig > 64) return false;
        wlead = lead;
        wtrail = 64 - lead - sig;
        d = br.Get(sig) << wtrail;
      }
      prev ^= d;
    }
    out[i] = std::bit_cast<double>(prev);
    if (br.overrun()) return false;
  }
  if ((br.pos() + 7) / 8 != len) return false;
  in->remove_prefix(len);
  return true;
}

// Byte planes: plane j holds byte j of every value's bits, so that the sign/exponent planes,
// which vary little, compress well under zstd.
void EncodeSplit(const ColumnVector& col, size_t n, std::string* out) {
  const size_t at = out->size();
  out->resize(at + n * 8);
  auto* p = reinterpret_cast<uint8_t*>(out->data() + at);
  for (size_t i = 0; i < n; ++i) {
    const uint64_t x = col.nulls[i] ? 0 : std::bit_cast<uint64_t>(col.doubles[i]);
    for (size_t j = 0; j < 8; ++j) p[j * n + i] = static_cast<uint8_t>(x >> (8 * j));
  }
}

size_t ZstdSize(const std::string& s) {
  std::string z(ZSTD_compressBound(s.size()), '\0');
  const size_t r = ZSTD_compress(z.data(), z.size(), s.data(), s.size(), 3);
  return ZSTD_isError(r) ? s.size() : r + 4;
}

EncodeResult EncodeDoubles(const ColumnVector& col, size_t n, const ChunkColumnStats& st,
                           intstream::Series series, std::string* out) {
  std::string dec;
  bool used_series = false;
  const bool have_dec = EncodeDecimal(col, n, st, series, &dec, &used_series);
  // Decimal data at a few bytes per value: the others (8 bytes per value at best for
  // non-repeating values, and slower to decode) cannot win.
  if (have_dec && dec.size() <= n * 4) {
    out->append(dec);
    return {ColumnEncoding::kDecimal, used_series};
  }
  std::string gorilla, split;
  EncodeGorilla(col, n, &gorilla);
  EncodeSplit(col, n, &split);
  const size_t split_cost = std::min(split.size(), ZstdSize(split));
  if (have_dec && dec.size() <= gorilla.size() && dec.size() <= split_cost) {
    out->append(dec);
    return {ColumnEncoding::kDecimal, used_series};
  }
  if (gorilla.size() <= split_cost) {
    out->append(gorilla);
    return {ColumnEncoding::kGorilla, false};
  }
  out->append(split);
  return {ColumnEncoding::kSplit, false};
}

// ---------------------------------------------------------------------------------------------
// Strings

EncodeResult EncodeStrings(const ColumnVector& col, size_t n, const ChunkColumnStats& st,
                           intstream::Series series, std::string* out) {
  const uint8_t* nulls = col.nulls.data();
  // Plain: lengths (0 for NULL rows) and the bytes.
  std::string plain;
  {
    std::vector<int64_t> lens(n);
    for (size_t i = 0; i < n; ++i) {
      lens[i] = nulls[i] ? 0 : static_cast<int64_t>(col.strings[i].size());
    }
    intstream::Encode(lens.data(), n, {}, &plain);
    for (size_t i = 0; i < n; ++i) {
      if (!nulls[i]) plain.append(col.strings[i]);
    }
  }
  // Dictionary, sorted bytewise, when values repeat.
  std::unordered_map<std::string_view, uint32_t> index;
  std::vector<std::string_view> entries;
  std::vector<int64_t> codes(n, 0);
  const size_t max_entries = st.value_count / 2 + 1;
  bool dict = true;
  for (size_t i = 0; i < n && dict; ++i) {
    if (nulls[i]) continue;
    auto [it, added] = index.try_emplace(col.strings[i], static_cast<uint32_t>(entries.size()));
    if (added) {
      entries.push_back(col.strings[i]);
      dict = entries.size() <= max_entries;
    }
    codes[i] = it->second;
  }
  if (dict) {
    std::vector<uint32_t> order(entries.size());
    for (uint32_t j = 0; j < order.size(); ++j) order[j] = j;
    std::sort(order.begin(), order.end(),
              [&](uint32_t a, uint32_t b) { return entries[a] < entries[b]; });
    std::vector<int64_t> rank(entries.size());
    for (size_t j = 0; j < order.size(); ++j) rank[order[j]] = static_cast<int64_t>(j);
    for (size_t i = 0; i < n; ++i) {
      if (!nulls[i]) codes[i] = rank[static_cast<size_t>(codes[i])];
    }
    if (st.null_count > 0) FillHoles(codes.data(), nulls, n, series);
    std::string d;
    PutVarint64(&d, entries.size());
    std::vector<int64_t> lens(entries.size());
    for (size_t j = 0; j < order.size(); ++j) {
      lens[j] = static_cast<int64_t>(entries[order[j]].size());
    }
    intstream::Encode(lens.data(), lens.size(), {}, &d);
    for (uint32_t j : order) d.append(entries[j]);
    const auto mode = intstream::Encode(codes.data(), n, series, &d);
    if (d.size() < plain.size()) {
      out->append(d);
      return {ColumnEncoding::kDict, mode == intstream::Mode::kSeriesDelta};
    }
  }
  out->append(plain);
  return {ColumnEncoding::kPlain, false};
}

// The dictionary and the codes of a kDict payload, checked: every code (NULL rows included)
// names an entry, and the non-NULL rows' strings add up to the total_bytes statistic. `entries`
// point into *in; `codes` into the thread's scratch buffer (valid until its next use).
bool ParseDictionary(const DecodeInput& d, std::string_view* in,
                     std::vector<std::string_view>* entries, const int64_t** codes_out) {
  const size_t n = d.n;
  uint64_t count;
  if (!GetVarint64(in, &count) || count == 0 || count > n) return false;
  std::vector<int64_t> lens(count);
  if (!intstream::Decode(in, count, {}, lens.data())) return false;
  entries->resize(count);
  for (size_t j = 0; j < count; ++j) {
    if (lens[j] < 0 || static_cast<uint64_t>(lens[j]) > in->size()) return false;
    (*entries)[j] = in->substr(0, static_cast<size_t>(lens[j]));
    in->remove_prefix(static_cast<size_t>(lens[j]));
  }
  int64_t* codes = Scratch(n);
  if (!intstream::Decode(in, n, d.series, codes)) return false;
  uint64_t total = 0;
  for (size_t i = 0; i < n; ++i) {
    if (static_cast<uint64_t>(codes[i]) >= count) return false;
    if (!d.nulls[i]) total += (*entries)[static_cast<size_t>(codes[i])].size();
  }
  // The statistic bounds what decoding allocates; a chunk that lies about it is corrupt.
  if (total != d.stats->total_bytes) return false;
  *codes_out = codes;
  return true;
}

bool DecodeStrings(const DecodeInput& d, std::string_view* in, ColumnVector* out) {
  const size_t n = d.n;
  if (d.encoding == ColumnEncoding::kPlain) {
    int64_t* lens = Scratch(n);
    if (!intstream::Decode(in, n, {}, lens)) return false;
    uint64_t total = 0;
    for (size_t i = 0; i < n; ++i) {
      if (lens[i] < 0 || (d.nulls[i] && lens[i] != 0)) return false;
      total += static_cast<uint64_t>(lens[i]);
      if (total > in->size()) return false;
    }
    if (total != d.stats->total_bytes) return false;
    const size_t old = out->strings.size();
    out->strings.resize(old + n);
    std::string* s = out->strings.data() + old;
    for (size_t i = 0; i < n; ++i) {
      s[i].assign(in->data(), static_cast<size_t>(lens[i]));
      in->remove_prefix(static_cast<size_t>(lens[i]));
    }
    return true;
  }
  std::vector<std::string_view> entries;
  const int64_t* codes = nullptr;
  if (!ParseDictionary(d, in, &entries, &codes)) return false;
  const size_t old = out->strings.size();
  out->strings.resize(old + n);
  std::string* s = out->strings.data() + old;
  for (size_t i = 0; i < n; ++i) {
    if (!d.nulls[i]) s[i].assign(entries[static_cast<size_t>(codes[i])]);
  }
  return true;
}

bool DecodeDoubles(const DecodeInput& d, std::string_view* in, double* out) {
  const size_t n = d.n;
  switch (d.encoding) {
    case ColumnEncoding::kDecimal: {
      if (in->empty()) return false;
      const auto k = static_cast<uint8_t>((*in)[0]);
      in->remove_prefix(1);
      uint64_t exc;
      if (k > kMaxDecimalExp || !GetVarint64(in, &exc) || exc > n) return false;
      std::vector<int64_t> pos(exc);
      const char* exc_bits = nullptr;
      if (exc > 0) {
        if (!intstream::Decode(in, exc, {}, pos.data()) || in->size() < exc * 8) return false;
        int64_t prev = -1;
        for (int64_t p : pos) {
          if (p <= prev || p >= static_cast<int64_t>(n)) return false;
          prev = p;
        }
        exc_bits = in->data();
        in->remove_prefix(exc * 8);
      }
      int64_t* v = Scratch(n);
      if (!intstream::Decode(in, n, d.series, v)) return false;
      Scale(v, n, kPow10[k], out);
      for (size_t j = 0; j < exc; ++j) {
        out[pos[j]] = std::bit_cast<double>(coding::DecodeFixed64LE(exc_bits + 8 * j));
      }
      return true;
    }
    case ColumnEncoding::kGorilla:
      return DecodeGorilla(in, n, out);
    case ColumnEncoding::kSplit: {
      if (in->size() / 8 < n) return false;
      const auto* p = reinterpret_cast<const uint8_t*>(in->data());
      for (size_t i = 0; i < n; ++i) {
        uint64_t x = 0;
        for (size_t j = 0; j < 8; ++j) x |= static_cast<uint64_t>(p[j * n + i]) << (8 * j);
        out[i] = std::bit_cast<double>(x);
      }
      in->remove_prefix(n * 8);
      return true;
    }
    default:
      return false;
  }
}

}  // namespace

bool DecimalAt(double v, int k, int64_t* d) {
  if (!std::isfinite(v)) return false;
  const double scaled = std::nearbyint(v * kPow10[k]);
  if (!(std::fabs(scaled) <= static_cast<double>(kMaxDecimalMagnitude))) return false;
  const auto di = static_cast<int64_t>(scaled);
  if (std::bit_cast<uint64_t>(static_cast<double>(di) / kPow10[k]) != std::bit_cast<uint64_t>(v)) {
    return false;
  }
  *d = di;
  return true;
}

double FromDecimal(int64_t d, int k) { return static_cast<double>(d) / kPow10[k]; }

void PutBitmap(const uint8_t* flags, size_t n, std::string* out) {
  const size_t at = out->size();
  out->resize(at + (n + 7) / 8, '\0');
  auto* p = reinterpret_cast<uint8_t*>(out->data() + at);
  for (size_t i = 0; i < n; ++i) p[i >> 3] |= static_cast<uint8_t>((flags[i] != 0) << (i & 7));
}

bool GetBitmap(std::string_view* in, size_t n, uint8_t* flags) {
  const size_t bytes = (n + 7) / 8;
  if (in->size() < bytes) return false;
  const auto* p = reinterpret_cast<const uint8_t*>(in->data());
  for (size_t i = 0; i < n; ++i) flags[i] = (p[i >> 3] >> (i & 7)) & 1;
  in->remove_prefix(bytes);
  return true;
}

EncodeResult EncodeValues(const ColumnVector& col, size_t n, const ChunkColumnStats& st,
                          intstream::Series series, std::string* out) {
  switch (col.type) {
    case ColumnType::kSint64:
    case ColumnType::kTimestamp:
      return EncodeInts(col, n, st, series, out);
    case ColumnType::kDouble:
      return EncodeDoubles(col, n, st, series, out);
    case ColumnType::kVarchar:
    case ColumnType::kBlob:
      return EncodeStrings(col, n, st, series, out);
    case ColumnType::kBoolean: {
      if (st.true_count == 0 || st.true_count == st.value_count) {
        return {ColumnEncoding::kConstBool, false};
      }
      std::vector<uint8_t> bits(n);
      for (size_t i = 0; i < n; ++i) bits[i] = !col.nulls[i] && col.bools[i] != 0;
      PutBitmap(bits.data(), n, out);
      return {ColumnEncoding::kBitmap, false};
    }
  }
  return {ColumnEncoding::kAllNull, false};
}

bool MaybeCompress(ColumnEncoding encoding, std::string* payload) {
  if (encoding != ColumnEncoding::kSplit && encoding != ColumnEncoding::kPlain &&
      encoding != ColumnEncoding::kDict) {
    return false;
  }
  if (payload->size() < 64 || payload->size() > kMaxInflatedPayload) return false;
  std::string z(ZSTD_compressBound(payload->size()), '\0');
  const size_t r = ZSTD_compress(z.data(), z.size(), payload->data(), payload->size(), 3);
  if (ZSTD_isError(r)) return false;
  std::string framed;
  PutVarint64(&framed, payload->size());
  framed.append(z.data(), r);
  if (framed.size() > payload->size() - payload->size() / 8) return false;
  payload->swap(framed);
  return true;
}

bool Decompress(std::string_view* in, std::string* out) {
  uint64_t raw;
  if (!GetVarint64(in, &raw) || raw > kMaxInflatedPayload) return false;
  // One decompression context per thread, kept: making one (about 100 KB, allocated and set
  // up) for every column of every chunk a scan reads cost more than many columns' decoding.
  thread_local std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> ctx(ZSTD_createDCtx(),
                                                                      ZSTD_freeDCtx);
  if (!ctx || ZSTD_isError(ZSTD_DCtx_reset(ctx.get(), ZSTD_reset_session_only))) return false;
  // Grow the output as the frame decodes, so that memory follows what the frame really holds
  // rather than what its header claims.
  out->assign(std::min<uint64_t>(raw, std::max<size_t>(4096, in->size() * 8)), '\0');
  ZSTD_inBuffer ib{in->data(), in->size(), 0};
  ZSTD_outBuffer ob{out->data(), out->size(), 0};
  for (;;) {
    const size_t r = ZSTD_decompressStream(ctx.get(), &ob, &ib);
    if (ZSTD_isError(r)) return false;
    if (r == 0) break;  // frame complete
    if (ob.pos == ob.size) {
      if (out->size() >= raw) return false;  // more than declared
      out->resize(std::min<uint64_t>(raw, out->size() * 2));
      ob.dst = out->data();
      ob.size = out->size();
    } else if (ib.pos == ib.size) {
      return false;  // truncated frame
    }
  }
  if (ib.pos != ib.size || ob.pos != raw) return false;
  out->resize(ob.pos);
  in->remove_prefix(in->size());
  return true;
}

bool DecodeValues(const DecodeInput& d, std::string_view* in, ColumnVector* out) {
  const size_t n = d.n;
  const ColumnType type = out->type;
  if (d.encoding == ColumnEncoding::kAllNull) {
    switch (type) {
      case ColumnType::kSint64:
      case ColumnType::kTimestamp:
        out->ints.resize(out->ints.size() + n, 0);
        break;
      case ColumnType::kDouble:
        out->doubles.resize(out->doubles.size() + n, 0.0);
        break;
      case ColumnType::kVarchar:
      case ColumnType::kBlob:
        out->strings.resize(out->strings.size() + n);
        break;
      case ColumnType::kBoolean:
        out->bools.resize(out->bools.size() + n, 0);
        break;
    }
    return true;
  }
  switch (type) {
    case ColumnType::kSint64:
    case ColumnType::kTimestamp: {
      const size_t old = out->ints.size();
      out->ints.resize(old + n);
      int64_t* v = out->ints.data() + old;
      if (!intstream::Decode(in, n, d.series, v)) return false;
      if (d.null_count > 0) MaskNulls(v, d.nulls, n);
      return true;
    }
    case ColumnType::kDouble: {
      const size_t old = out->doubles.size();
      out->doubles.resize(old + n);
      double* v = out->doubles.data() + old;
      if (!DecodeDoubles(d, in, v)) return false;
      if (d.null_count > 0) MaskNulls(v, d.nulls, n);
      return true;
    }
    case ColumnType::kVarchar:
    case ColumnType::kBlob:
      return DecodeStrings(d, in, out);
    case ColumnType::kBoolean: {
      const size_t old = out->bools.size();
      out->bools.resize(old + n);
      uint8_t* v = out->bools.data() + old;
      if (d.encoding == ColumnEncoding::kConstBool) {
        std::memset(v, d.stats->true_count > 0 ? 1 : 0, n);
      } else if (!GetBitmap(in, n, v)) {
        return false;
      }
      if (d.null_count > 0) MaskNulls(v, d.nulls, n);
      return true;
    }
  }
  return false;
}

bool DecodeDictionary(const DecodeInput& d, std::string_view* in, std::vector<std::string>* dict,
                      std::vector<uint32_t>* codes) {
  if (d.encoding != ColumnEncoding::kDict) return false;
  std::vector<std::string_view> entries;
  const int64_t* c = nullptr;
  if (!ParseDictionary(d, in, &entries, &c)) return false;
  dict->assign(entries.begin(), entries.end());
  codes->resize(d.n);
  // ParseDictionary checked every code against the dictionary's size (<= n <= 65536).
  for (size_t i = 0; i < d.n; ++i) (*codes)[i] = static_cast<uint32_t>(c[i]);
  return true;
}

}  // namespace quanta::storage::codecs
