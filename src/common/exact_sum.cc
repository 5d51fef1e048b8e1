#include "common/exact_sum.h"

#include <cmath>
#include <limits>

#include "common/coding.h"

namespace quanta {

using coding::GetVarint64;
using coding::PutVarint64;

void ExactSum::AddSpecial(double v) {
  if (std::isnan(v)) {
    ++nan_;
  } else if (v > 0) {
    ++pos_inf_;
  } else {
    ++neg_inf_;
  }
}

void ExactSum::Normalize() {
  int64_t carry = 0;
  for (size_t i = 0; i + 1 < kDigits; ++i) {
    int64_t d = digits_[i] + carry;
    carry = d >> kDigitBits;  // arithmetic shift: floor division by 2^32
    digits_[i] = d & static_cast<int64_t>(kDigitMask);
  }
  digits_[kDigits - 1] += carry;
  pending_ = 0;
}

void ExactSum::Merge(const ExactSum& other) {
  // Between normalizations every digit stays below (pending_ + 1) * 2^32 in magnitude, so the
  // digits of two sums can be added as they are while their pending counts together stay under
  // kMaxPending (the other sum's normalized part counts as one more add).
  if (uint64_t{pending_} + other.pending_ + 1 >= kMaxPending) {
    ExactSum o = other;
    o.Normalize();
    Normalize();
    for (size_t i = 0; i < kDigits; ++i) digits_[i] += o.digits_[i];
    pending_ = 1;
  } else {
    for (size_t i = 0; i < kDigits; ++i) digits_[i] += other.digits_[i];
    pending_ += other.pending_ + 1;
  }
  nan_ += other.nan_;
  pos_inf_ += other.pos_inf_;
  neg_inf_ += other.neg_inf_;
}

bool ExactSum::IsZero() const {
  ExactSum n = *this;
  n.Normalize();
  if (n.nan_ || n.pos_inf_ || n.neg_inf_) return false;
  for (int64_t d : n.digits_) {
    if (d != 0) return false;
  }
  return true;
}

bool ExactSum::operator==(const ExactSum& other) const {
  ExactSum a = *this, b = other;
  a.Normalize();
  b.Normalize();
  return std::memcmp(a.digits_, b.digits_, sizeof(digits_)) == 0 && a.nan_ == b.nan_ &&
         a.pos_inf_ == b.pos_inf_ && a.neg_inf_ == b.neg_inf_;
}

double ExactSum::Value() const {
  if (nan_ || (pos_inf_ && neg_inf_)) return std::numeric_limits<double>::quiet_NaN();
  if (pos_inf_) return std::numeric_limits<double>::infinity();
  if (neg_inf_) return -std::numeric_limits<double>::infinity();
  ExactSum n = *this;
  n.Normalize();
  // Magnitude as non-negative digits, and the sign.
  const bool negative = n.digits_[kDigits - 1] < 0;
  if (negative) {
    // Two's complement negation over the digits (all but the top are in [0, 2^32)).
    int64_t carry = 1;
    for (size_t i = 0; i + 1 < kDigits; ++i) {
      int64_t d = (~n.digits_[i] & static_cast<int64_t>(kDigitMask)) + carry;
      carry = d >> kDigitBits;
      n.digits_[i] = d & static_cast<int64_t>(kDigitMask);
    }
    n.digits_[kDigits - 1] = -n.digits_[kDigits - 1] - 1 + carry;
  }
  // Highest non-zero digit.
  int top = static_cast<int>(kDigits) - 1;
  while (top >= 0 && n.digits_[top] == 0) --top;
  if (top < 0) return 0.0;
  if (top == static_cast<int>(kDigits) - 1) {
    // At least 2^(66*32 - 1074) = 2^1038: beyond the largest double.
    return negative ? -std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::infinity();
  }
  auto digit = [&](int i) -> uint64_t {
    return i >= 0 ? static_cast<uint64_t>(n.digits_[i]) : 0;
  };
  // Highest set bit P of the magnitude (in units of 2^-1074); digits below the top one are < 2^32.
  const uint64_t top_digit = digit(top);
  const int top_bits = 64 - std::countl_zero(top_digit);
  const int p = top * kDigitBits + top_bits - 1;
  // The 64 bits [p-63, p] and whether anything below them is set.
  unsigned __int128 window = 0;
  for (int i = top; i >= top - 3; --i) window = (window << kDigitBits) | digit(i);
  // `window` holds digits top..top-3: bits [(top-3)*32, top*32 + top_bits).
  const int window_low = (top - 3) * kDigitBits;
  const int shift = (p - 63) - window_low;  // >= 0 since the window spans >= 96 + top_bits bits
  uint64_t high = static_cast<uint64_t>(window >> shift);
  bool sticky = shift > 0 && (window & ((static_cast<unsigned __int128>(1) << shift) - 1)) != 0;
  for (int i = top - 4; i >= 0 && !sticky; --i) sticky = n.digits_[i] != 0;
  double result;
  if (p < 53) {
    // Exact: fewer than 54 significant bits from 2^-1074 up.
    result = std::ldexp(static_cast<double>(high >> (63 - p)), -1074);
  } else {
    uint64_t mant = high >> 11;
    const uint64_t rest = high & 0x7ff;
    const bool round = (rest >> 10) != 0;
    const bool below = (rest & 0x3ff) != 0 || sticky;
    if (round && (below || (mant & 1))) ++mant;  // may reach 2^53: still exact in a double
    result = std::ldexp(static_cast<double>(mant), p - 52 - 1074);
  }
  return negative ? -result : result;
}

void ExactSum::AppendTo(std::string* out) const {
  ExactSum n = *this;
  n.Normalize();
  PutVarint64(out, n.nan_);
  PutVarint64(out, n.pos_inf_);
  PutVarint64(out, n.neg_inf_);
  size_t lo = 0;
  while (lo < kDigits && n.digits_[lo] == 0) ++lo;
  size_t hi = kDigits;
  while (hi > lo && n.digits_[hi - 1] == 0) --hi;
  PutVarint64(out, lo);
  PutVarint64(out, hi - lo);
  for (size_t i = lo; i < hi; ++i) {
    const int64_t d = n.digits_[i];
    PutVarint64(out, (static_cast<uint64_t>(d) << 1) ^ static_cast<uint64_t>(d >> 63));
  }
}

bool ExactSum::ConsumeFrom(std::string_view* in, ExactSum* out) {
  ExactSum s;
  uint64_t lo = 0, count = 0;
  if (!GetVarint64(in, &s.nan_) || !GetVarint64(in, &s.pos_inf_) ||
      !GetVarint64(in, &s.neg_inf_) || !GetVarint64(in, &lo) || !GetVarint64(in, &count)) {
    return false;
  }
  if (lo > kDigits || count > kDigits - lo) return false;
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t z = 0;
    if (!GetVarint64(in, &z)) return false;
    const auto d = static_cast<int64_t>((z >> 1) ^ (~(z & 1) + 1));
    // A normalized sum: every digit but the top one in [0, 2^32), the top one small.
    const bool top = lo + i == kDigits - 1;
    if (!top && (d < 0 || d > static_cast<int64_t>(kDigitMask))) return false;
    if (top && (d > (int64_t{1} << 40) || d < -(int64_t{1} << 40))) return false;
    s.digits_[lo + i] = d;
  }
  *out = s;
  return true;
}

}  // namespace quanta
