// ExactSum: the exact sum of any number of doubles, rounded once when read.
//
// SUM and AVG over DOUBLE columns use it so that their results do not depend on the order the
// rows arrive in (chunk boundaries, sub-queries run in parallel, statistics kept per chunk):
// the sum is kept exactly, as a fixed-point number covering every double (2^-1074 .. 2^1024),
// and Value() rounds it to the nearest double (ties to even). NaN and infinities are counted
// apart: any NaN, or both +inf and -inf, give NaN; otherwise an infinity gives itself. A finite
// sum beyond the double range rounds to an infinity.
//
// Cost: Add is a few integer operations on three 32-bit digits (no loops); the state is 536
// bytes. Not thread-safe (one per aggregate state; Merge combines them).
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace quanta {

class ExactSum {
 public:
  ExactSum() { std::memset(digits_, 0, sizeof(digits_)); }

  void Add(double v) {
    uint64_t bits = std::bit_cast<uint64_t>(v);
    const uint64_t exp = (bits >> 52) & 0x7ff;
    uint64_t mant = bits & ((uint64_t{1} << 52) - 1);
    if (exp == 0x7ff) {
      AddSpecial(v);
      return;
    }
    if (mant == 0 && exp == 0) return;  // +-0.0 adds nothing
    // v = mant * 2^(pos - 1074) with pos the exponent of mant's lowest bit above 2^-1074.
    uint64_t pos = exp == 0 ? 0 : exp - 1;
    if (exp != 0) mant |= uint64_t{1} << 52;
    const unsigned __int128 shifted = static_cast<unsigned __int128>(mant) << (pos % kDigitBits);
    const size_t i = pos / kDigitBits;
    const auto d0 = static_cast<int64_t>(static_cast<uint64_t>(shifted) & kDigitMask);
    const auto d1 = static_cast<int64_t>(static_cast<uint64_t>(shifted >> 32) & kDigitMask);
    const auto d2 = static_cast<int64_t>(static_cast<uint64_t>(shifted >> 64));
    if (bits >> 63) {
      digits_[i] -= d0;
      digits_[i + 1] -= d1;
      digits_[i + 2] -= d2;
    } else {
      digits_[i] += d0;
      digits_[i + 1] += d1;
      digits_[i + 2] += d2;
    }
    if (++pending_ == kMaxPending) Normalize();
  }

  // Adds (negative ? -u : u) * 2^(pos - 1074) exactly: the sum of doubles of one sign and one
  // exponent, given as the sum `u` of their integer significands (Add of a normal double with
  // biased exponent e is AddScaled(2^52 | fraction, e - 1, sign); of a subnormal,
  // AddScaled(fraction, 0, sign)). REQUIRES: pos <= 2045.
  void AddScaled(uint64_t u, uint32_t pos, bool negative) {
    const unsigned __int128 shifted = static_cast<unsigned __int128>(u) << (pos % kDigitBits);
    const size_t i = pos / kDigitBits;
    const auto d0 = static_cast<int64_t>(static_cast<uint64_t>(shifted) & kDigitMask);
    const auto d1 = static_cast<int64_t>(static_cast<uint64_t>(shifted >> 32) & kDigitMask);
    const auto d2 = static_cast<int64_t>(static_cast<uint64_t>(shifted >> 64));
    if (negative) {
      digits_[i] -= d0;
      digits_[i + 1] -= d1;
      digits_[i + 2] -= d2;
    } else {
      digits_[i] += d0;
      digits_[i + 1] += d1;
      digits_[i + 2] += d2;
    }
    if (++pending_ == kMaxPending) Normalize();
  }

  void Merge(const ExactSum& other);

  // The sum rounded to the nearest double (ties to even).
  double Value() const;

  // True when nothing but zeros was added.
  bool IsZero() const;

  // Equal sums (same exact value and the same NaN/infinity counts).
  bool operator==(const ExactSum& other) const;

  // Compact serialization (a few bytes for typical sums; at most ~600).
  void AppendTo(std::string* out) const;
  // Consumes what AppendTo wrote from the front of *in. False on malformed input.
  static bool ConsumeFrom(std::string_view* in, ExactSum* out);

 private:
  static constexpr int kDigitBits = 32;
  static constexpr uint64_t kDigitMask = 0xffffffffu;
  // Bits 0 .. 2097 hold any double's mantissa (the lowest at 2^-1074); the sum of up to 2^31
  // doubles needs 31 more, and the top digit keeps the sign.
  static constexpr size_t kDigits = 67;
  // Each digit absorbs at most one value below 2^32 per Add; normalizing before 2^31 Adds keeps
  // every int64 digit far from overflow.
  static constexpr uint32_t kMaxPending = 1u << 30;

  void AddSpecial(double v);
  // Propagates carries: digits 0..kDigits-2 in [0, 2^32), the top digit signed.
  void Normalize();

  int64_t digits_[kDigits];
  uint32_t pending_ = 0;  // Adds since the last Normalize
  uint64_t nan_ = 0, pos_inf_ = 0, neg_inf_ = 0;
};

}  // namespace quanta
