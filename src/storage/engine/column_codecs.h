// Value codecs of the chunk format, one per column encoding (docs/formats/chunk.md, "Column
// payloads"). chunk.cc frames them; this is where each type's candidates are tried and where
// the decoders write straight into a ColumnVector's typed vector.
// Thread-safe (no state but per-thread scratch buffers).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "storage/batch.h"
#include "storage/engine/chunk.h"
#include "storage/engine/int_stream.h"

namespace quanta::storage::codecs {

// Decimal scaling: v == (double)d / 10^k bit-exactly, 0 <= k <= kMaxDecimalExp,
// |d| <= kMaxDecimalMagnitude (so that d converts to double exactly, by vector instructions
// that handle |d| < 2^51).
constexpr int kMaxDecimalExp = 6;
constexpr int64_t kMaxDecimalMagnitude = (int64_t{1} << 51) - 1;

// True with *d when v is d / 10^k exactly (false for NaN, infinities and -0.0).
bool DecimalAt(double v, int k, int64_t* d);
double FromDecimal(int64_t d, int k);

// n flags (0/1 bytes) as ceil(n/8) bytes, least significant bit first.
void PutBitmap(const uint8_t* flags, size_t n, std::string* out);
bool GetBitmap(std::string_view* in, size_t n, uint8_t* flags);

struct EncodeResult {
  ColumnEncoding encoding;
  bool used_series;  // some int stream uses the chunk's series ids
};
// Appends the values of rows [0, n) of `col` (which has NULLs iff st.null_count > 0, but not
// only NULLs), choosing the encoding.
EncodeResult EncodeValues(const ColumnVector& col, size_t n, const ChunkColumnStats& st,
                          intstream::Series series, std::string* out);

// Replaces *payload by varint(raw size) + a zstd frame when that is at least 1/8 smaller and the
// encoding is one that zstd helps (byte planes, strings). Returns whether it did.
bool MaybeCompress(ColumnEncoding encoding, std::string* payload);
// Inverse of MaybeCompress: the whole of *in is consumed. False on malformed input or a raw
// size above kMaxInflatedPayload.
constexpr size_t kMaxInflatedPayload = size_t{256} << 20;
bool Decompress(std::string_view* in, std::string* out);

struct DecodeInput {
  ColumnEncoding encoding;
  size_t n;              // rows
  const uint8_t* nulls;  // n flags, already decoded
  size_t null_count;
  const ChunkColumnStats* stats;
  intstream::Series series;  // decoded ids when the chunk has them
};
// Appends n values to out's typed vector (NULL rows hold the placeholder). False on malformed
// input; the caller restores *out.
bool DecodeValues(const DecodeInput& d, std::string_view* in, ColumnVector* out);
// A kDict payload (VARCHAR/BLOB) as its dictionary and one code per row (NULL rows included,
// each code < dict->size()), with the same checks as DecodeValues. False on malformed input or
// another encoding.
bool DecodeDictionary(const DecodeInput& d, std::string_view* in, std::vector<std::string>* dict,
                      std::vector<uint32_t>* codes);

}  // namespace quanta::storage::codecs
