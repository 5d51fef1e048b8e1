#include "storage/engine/int_stream.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <type_traits>

#include "common/coding.h"
#include "storage/engine/bitpack.h"

namespace quanta::storage::intstream {
namespace {

using coding::GetVarint64;
using coding::PutVarint64;
using coding::ZigZagDecode;
using coding::ZigZagEncode;

// Flag on the mode byte: every residual equals one value, stored once instead of the blocks
// (regular timestamps under delta, a constant step under delta of delta).
constexpr uint8_t kSameResiduals = 0x80;

// Streams longer than this many blocks choose their transform on a sample of blocks.
constexpr size_t kSampleBlocks = 8;

bool AllEqual(const std::vector<uint64_t>& r) {
  for (uint64_t x : r) {
    if (x != r[0]) return false;
  }
  return true;
}

// Block header: kind in the top two bits, a width in the low six.
enum BlockKind : uint8_t { kFor = 0, kPatched = 1, kRice = 2, kRaw64 = 3 };

int BitWidth(uint64_t v) { return static_cast<int>(std::bit_width(v)); }

size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Encoding

struct BlockPlan {
  BlockKind kind = kFor;
  int width = 0;  // FOR / patched: bits per value; Rice: k
  uint64_t base = 0;
  size_t cost = 0;  // bytes
};

void PlanFor(const uint64_t* r, size_t cnt, BlockPlan* best, uint64_t* mn_out, int* w_out) {
  int64_t mn = static_cast<int64_t>(r[0]), mx = mn;
  for (size_t i = 1; i < cnt; ++i) {
    const auto v = static_cast<int64_t>(r[i]);
    mn = std::min(mn, v);
    mx = std::max(mx, v);
  }
  const int w = BitWidth(static_cast<uint64_t>(mx) - static_cast<uint64_t>(mn));
  *mn_out = static_cast<uint64_t>(mn);
  *w_out = w;
  if (w == 64) {
    *best = {kRaw64, 0, 0, 1 + cnt * 8};
  } else {
    *best = {kFor, w, static_cast<uint64_t>(mn),
             1 + VarintSize(ZigZagEncode(mn)) + bitpack::PackedBytes(cnt, w)};
  }
}

// Rice: zig-zag of (value - base) split into k low bits (packed) and the rest in unary.
void PlanRice(const uint64_t* r, size_t cnt, BlockPlan* best) {
  __int128 sum = 0;
  for (size_t i = 0; i < cnt; ++i) sum += static_cast<int64_t>(r[i]);
  const auto base = static_cast<uint64_t>(static_cast<int64_t>(sum / static_cast<__int128>(cnt)));
  unsigned __int128 zsum = 0;
  uint64_t zz[kBlockSize];
  for (size_t i = 0; i < cnt; ++i) {
    zz[i] = ZigZagEncode(static_cast<int64_t>(r[i] - base));
    zsum += zz[i];
  }
  const auto mean = static_cast<uint64_t>(zsum / cnt);
  const int k0 = std::max(0, BitWidth(mean) - 1);
  for (int k = std::max(0, k0 - 1); k <= std::min(63, k0 + 1); ++k) {
    uint64_t q = 0;
    bool ok = true;
    for (size_t i = 0; i < cnt && ok; ++i) {
      const uint64_t qi = zz[i] >> k;
      ok = qi < (uint64_t{1} << 20);
      q += qi;
    }
    if (!ok) continue;
    const size_t unary = (cnt + q + 7) / 8;
    const size_t cost = 1 + VarintSize(ZigZagEncode(static_cast<int64_t>(base))) +
                        bitpack::PackedBytes(cnt, k) + unary;
    if (cost < best->cost) *best = {kRice, k, base, cost};
  }
}

// Patched: zig-zag of (value - median) in b bits; the values whose zig-zag does not fit are
// exceptions: a position byte each, and the bits above the low b packed at their own width.
// Centring on the median keeps the common value(s) at zero when a few outliers sit on either
// side (a ramp that wraps, the first row of each series).
void PlanPatched(const uint64_t* r, size_t cnt, int for_width, BlockPlan* best) {
  // The median of up to 16 evenly spaced values: cheap, and it lands on the common value
  // whenever most of the block shares one.
  int64_t s[16];
  const size_t m = std::min<size_t>(16, cnt);
  for (size_t i = 0; i < m; ++i) s[i] = static_cast<int64_t>(r[i * cnt / m]);
  std::sort(s, s + m);
  const auto base = static_cast<uint64_t>(s[m / 2]);
  size_t hist[65] = {};
  for (size_t i = 0; i < cnt; ++i) {
    ++hist[BitWidth(ZigZagEncode(static_cast<int64_t>(r[i] - base)))];
  }
  int top = 64;
  while (top > 0 && hist[top] == 0) --top;
  const size_t head = 1 + VarintSize(ZigZagEncode(static_cast<int64_t>(base))) + 2;
  size_t above = 0;  // values wider than b
  for (int b = top; b >= 0; --b) {
    if (b < top) above += hist[b + 1];
    if (b >= for_width || above == 0 || above > 255) continue;
    const size_t cost =
        head + bitpack::PackedBytes(cnt, b) + above + bitpack::PackedBytes(above, top - b);
    if (cost < best->cost) *best = {kPatched, b, base, cost};
  }
}

// The smallest coding of one block.
BlockPlan PlanBlock(const uint64_t* r, size_t cnt) {
  BlockPlan plan;
  uint64_t mn;
  int w;
  PlanFor(r, cnt, &plan, &mn, &w);
  if (w >= 2) {
    PlanRice(r, cnt, &plan);
    PlanPatched(r, cnt, w, &plan);
  }
  return plan;
}

void WriteBlock(const uint64_t* r, size_t cnt, std::string* out) {
  const BlockPlan plan = PlanBlock(r, cnt);
  out->push_back(static_cast<char>((plan.kind << 6) | plan.width));
  uint64_t tmp[kBlockSize];
  switch (plan.kind) {
    case kRaw64:
      for (size_t i = 0; i < cnt; ++i) coding::PutFixed64LE(out, r[i]);
      return;
    case kFor:
      PutVarint64(out, ZigZagEncode(static_cast<int64_t>(plan.base)));
      for (size_t i = 0; i < cnt; ++i) tmp[i] = r[i] - plan.base;
      bitpack::Pack(plan.width, tmp, cnt, out);
      return;
    case kPatched: {
      PutVarint64(out, ZigZagEncode(static_cast<int64_t>(plan.base)));
      uint64_t exc[kBlockSize];
      uint8_t pos[kBlockSize];
      size_t e = 0;
      int ew = 0;
      const uint64_t low = bitpack::LowMask(plan.width);
      for (size_t i = 0; i < cnt; ++i) {
        const uint64_t zz = ZigZagEncode(static_cast<int64_t>(r[i] - plan.base));
        tmp[i] = zz & low;
        if ((zz & ~low) != 0) {
          pos[e] = static_cast<uint8_t>(i);
          exc[e] = zz >> plan.width;
          ew = std::max(ew, BitWidth(exc[e]));
          ++e;
        }
      }
      bitpack::Pack(plan.width, tmp, cnt, out);
      out->push_back(static_cast<char>(e));
      out->push_back(static_cast<char>(ew));
      out->append(reinterpret_cast<const char*>(pos), e);
      bitpack::Pack(ew, exc, e, out);
      return;
    }
    case kRice: {
      PutVarint64(out, ZigZagEncode(static_cast<int64_t>(plan.base)));
      const int k = plan.width;
      uint64_t q[kBlockSize];
      for (size_t i = 0; i < cnt; ++i) {
        const uint64_t zz = ZigZagEncode(static_cast<int64_t>(r[i] - plan.base));
        tmp[i] = zz & bitpack::LowMask(k);
        q[i] = zz >> k;
      }
      bitpack::Pack(k, tmp, cnt, out);
      std::string unary;
      bitpack::BitWriter bw(&unary);
      for (size_t i = 0; i < cnt; ++i) {
        for (uint64_t left = q[i]; left > 0;) {
          const int n = static_cast<int>(std::min<uint64_t>(left, 64));
          bw.Put(0, n);
          left -= static_cast<uint64_t>(n);
        }
        bw.Put(1, 1);
      }
      bw.Finish();
      out->append(unary);
      return;
    }
  }
}

void WriteBlocks(const uint64_t* r, size_t n, std::string* out) {
  for (size_t i = 0; i < n; i += kBlockSize) WriteBlock(r + i, std::min(kBlockSize, n - i), out);
}

// Residuals of `mode` (modulo 2^64); `head` receives the values written before the blocks.
std::vector<uint64_t> Residuals(const int64_t* v, size_t n, Series series, Mode mode,
                                std::vector<uint64_t>* head) {
  std::vector<uint64_t> r;
  head->clear();
  auto u = [&](size_t i) { return static_cast<uint64_t>(v[i]); };
  switch (mode) {
    case Mode::kConst:
      head->push_back(n == 0 ? 0 : u(0));
      break;
    case Mode::kPlain:
      r.assign(reinterpret_cast<const uint64_t*>(v), reinterpret_cast<const uint64_t*>(v) + n);
      break;
    case Mode::kDelta:
      head->push_back(u(0));
      r.resize(n - 1);
      for (size_t i = 1; i < n; ++i) r[i - 1] = u(i) - u(i - 1);
      break;
    case Mode::kDelta2:
      head->push_back(u(0));
      head->push_back(u(1) - u(0));
      r.resize(n - 2);
      for (size_t i = 2; i < n; ++i) r[i - 2] = (u(i) - u(i - 1)) - (u(i - 1) - u(i - 2));
      break;
    case Mode::kSeriesDelta:
      r.resize(n);
      for (size_t i = 0; i < n; ++i) r[i] = u(i) - (i == 0 ? 0 : u(series.pred[i]));
      break;
    case Mode::kCycle:
      break;  // no residuals: written by EncodeCycle
  }
  return r;
}

// ---------------------------------------------------------------------------------------------
// Decoding

// Unpacks cnt values of width w from the front of *in (bitpack::PackedBytes(cnt, w) bytes)
// into out[0, round_up(cnt, 8)).
bool UnpackFrom(std::string_view* in, size_t cnt, int w, uint64_t* out) {
  const size_t bytes = bitpack::PackedBytes(cnt, w);
  if (in->size() < bytes) return false;
  const size_t groups = (cnt + 7) / 8;
  const auto* p = reinterpret_cast<const uint8_t*>(in->data());
  if (in->size() >= groups * static_cast<size_t>(w) + bitpack::kUnpackSlack) {
    bitpack::Unpack(w, p, groups, out);
  } else {
    // Near the end of the input: unpack from a zero-padded copy instead of reading past it.
    uint8_t tmp[kBlockSize * 8 + bitpack::kUnpackSlack] = {};
    std::memcpy(tmp, p, bytes);
    bitpack::Unpack(w, tmp, groups, out);
  }
  in->remove_prefix(bytes);
  return true;
}

bool GetZigZag(std::string_view* in, uint64_t* v) {
  uint64_t z;
  if (!GetVarint64(in, &z)) return false;
  *v = static_cast<uint64_t>(ZigZagDecode(z));
  return true;
}

// Decodes one block of cnt residuals into out[0, cnt) (out has room for kBlockSize + 8).
bool ReadBlock(std::string_view* in, size_t cnt, uint64_t* out) {
  if (in->empty()) return false;
  const auto h = static_cast<uint8_t>((*in)[0]);
  in->remove_prefix(1);
  const int kind = h >> 6;
  const int w = h & 63;
  if (kind == kRaw64) {
    if (w != 0 || in->size() < cnt * 8) return false;
    std::memcpy(out, in->data(), cnt * 8);
    in->remove_prefix(cnt * 8);
    return true;
  }
  uint64_t base;
  if (!GetZigZag(in, &base) || !UnpackFrom(in, cnt, w, out)) return false;
  if (kind == kRice) {
    const auto* p = reinterpret_cast<const uint8_t*>(in->data());
    const size_t avail = in->size();
    // Unary codes: q zero bits then a one bit; the block ends with the byte holding the cnt-th
    // one bit. Each one bit ends a value, so the codes are read a 64-bit word at a time, one
    // count-trailing-zeros per value.
    size_t i = 0;
    uint64_t next = 0;  // bit position after the previous value's one bit
    auto take = [&](uint64_t word, uint64_t bit_base) {
      while (word != 0 && i < cnt) {
        const uint64_t at = bit_base + static_cast<uint64_t>(std::countr_zero(word));
        const uint64_t q = at - next;
        next = at + 1;
        out[i] = base + static_cast<uint64_t>(ZigZagDecode((q << w) | out[i]));
        ++i;
        word &= word - 1;
      }
    };
    const size_t full = avail / 8;
    for (size_t wi = 0; wi < full && i < cnt; ++wi) take(bitpack::Load64(p + 8 * wi), 64 * wi);
    if (i < cnt && avail % 8 != 0) {
      uint64_t word = 0;
      std::memcpy(&word, p + 8 * full, avail % 8);
      take(word, 64 * full);
    }
    if (i < cnt) return false;
    in->remove_prefix((next + 7) / 8);
    return true;
  }
  if (kind == kFor) {
    for (size_t i = 0; i < cnt; ++i) out[i] += base;
    return true;
  }
  // Patched.
  if (in->size() < 2) return false;
  const auto e = static_cast<uint8_t>((*in)[0]);
  const auto ew = static_cast<uint8_t>((*in)[1]);
  in->remove_prefix(2);
  if (e == 0 || e > cnt || ew == 0 || w + ew > 64 || in->size() < e) return false;
  const auto* pos = reinterpret_cast<const uint8_t*>(in->data());
  in->remove_prefix(e);
  uint64_t exc[kBlockSize + 8];
  if (!UnpackFrom(in, e, ew, exc)) return false;
  for (size_t j = 0; j < e; ++j) {
    if (pos[j] >= cnt) return false;
    out[pos[j]] |= exc[j] << w;
  }
  for (size_t i = 0; i < cnt; ++i) out[i] = base + static_cast<uint64_t>(ZigZagDecode(out[i]));
  return true;
}

}  // namespace

namespace {
// The predecessors of ids[0, n) into pred[0, n); false unless the ids are dense in first-seen
// order and `count` of them appear.
template <typename Id>
bool FillPredecessors(const Id* ids, size_t n, uint32_t count, uint32_t* pred) {
  std::vector<uint32_t> last(count, 0);
  uint32_t next_new = 0;
  for (size_t i = 0; i < n; ++i) {
    const Id s = ids[i];
    if constexpr (std::is_signed_v<Id>) {
      if (s < 0) return false;
    }
    if (static_cast<uint64_t>(s) > next_new || static_cast<uint64_t>(s) >= count) return false;
    if (static_cast<uint32_t>(s) == next_new) {
      pred[i] = i == 0 ? 0 : static_cast<uint32_t>(i - 1);
      ++next_new;
    } else {
      pred[i] = last[s];
    }
    last[s] = static_cast<uint32_t>(i);
  }
  return next_new == count;
}
}  // namespace

std::vector<uint32_t> Predecessors(const uint32_t* ids, size_t n, uint32_t count) {
  std::vector<uint32_t> pred(n, 0);
  FillPredecessors(ids, n, count, pred.data());
  return pred;
}

bool CheckedPredecessors(const int64_t* ids, size_t n, uint32_t count, uint32_t* pred) {
  // Round robin, the rows of a time-major chunk: ids 0 .. count-1, then each id repeats the
  // one `count` rows before. Checked with branch-free compares; the predecessors are then
  // those FillPredecessors gives (row i - count, or the row before for a first occurrence).
  if (count > 0 && n >= count) {
    bool round_robin = true;
    for (size_t i = 0; i < count; ++i) round_robin &= ids[i] == static_cast<int64_t>(i);
    for (size_t i = count; i < n; ++i) round_robin &= ids[i] == ids[i - count];
    if (round_robin) {
      pred[0] = 0;
      for (size_t i = 1; i < count; ++i) pred[i] = static_cast<uint32_t>(i - 1);
      for (size_t i = count; i < n; ++i) pred[i] = static_cast<uint32_t>(i - count);
      return true;
    }
  }
  return FillPredecessors(ids, n, count, pred);
}

size_t Period(const int64_t* values, size_t n) {
  size_t p = 1;
  while (p <= n / 2 && values[p] != values[0]) ++p;
  if (p > n / 2) return 0;
  for (size_t i = p; i < n; ++i) {
    if (values[i] != values[i - p]) return 0;
  }
  return p;
}

namespace {
Mode EncodeBest(const int64_t* values, size_t n, Series series, bool cycle, std::string* out);

// Mode kCycle: the period, then its first period as a stream of its own (neither a cycle nor a
// series delta: a chunk has a series section only for columns coded as series deltas).
void EncodeCycle(const int64_t* values, size_t n, size_t p, std::string* out) {
  out->push_back(static_cast<char>(Mode::kCycle));
  PutVarint64(out, p);
  EncodeBest(values, p, {}, false, out);
}
}  // namespace

void EncodeWithMode(const int64_t* values, size_t n, Series series, Mode mode, std::string* out) {
  if (mode == Mode::kCycle) {
    EncodeCycle(values, n, Period(values, n), out);
    return;
  }
  std::vector<uint64_t> head;
  std::vector<uint64_t> r = Residuals(values, n, series, mode, &head);
  const bool same = !r.empty() && AllEqual(r);
  out->push_back(static_cast<char>(static_cast<uint8_t>(mode) | (same ? kSameResiduals : 0)));
  for (uint64_t h : head) PutVarint64(out, ZigZagEncode(static_cast<int64_t>(h)));
  if (same) {
    PutVarint64(out, ZigZagEncode(static_cast<int64_t>(r[0])));
  } else {
    WriteBlocks(r.data(), r.size(), out);
  }
}

namespace {
// The smallest encoding of values[0, n) (written to *out), and its mode; kCycle is a candidate
// when `cycle` and the values repeat with a period of at most n / 2.
Mode EncodeBest(const int64_t* values, size_t n, Series series, bool cycle, std::string* out) {
  const size_t p = cycle && n >= 4 ? Period(values, n) : 0;
  if (p != 0 && p < n) {
    std::string repeated, other;
    EncodeCycle(values, n, p, &repeated);
    const Mode m = EncodeBest(values, n, series, false, &other);
    if (repeated.size() < other.size()) {
      out->append(repeated);
      return Mode::kCycle;
    }
    out->append(other);
    return m;
  }
  bool constant = true;
  for (size_t i = 1; i < n && constant; ++i) constant = values[i] == values[0];
  if (constant) {
    EncodeWithMode(values, n, series, Mode::kConst, out);
    return Mode::kConst;
  }
  const Mode modes[4] = {Mode::kPlain, Mode::kDelta, Mode::kDelta2, Mode::kSeriesDelta};
  auto applies = [&](Mode m) {
    return !(m == Mode::kDelta2 && n < 2) && !(m == Mode::kSeriesDelta && series.empty());
  };
  // Short streams: write every transform and keep the smallest.
  if (n <= kSampleBlocks * kBlockSize) {
    std::string best_bytes;
    Mode best = Mode::kPlain;
    for (Mode m : modes) {
      if (!applies(m)) continue;
      std::string candidate;
      EncodeWithMode(values, n, series, m, &candidate);
      if (best_bytes.empty() || candidate.size() < best_bytes.size()) {
        best_bytes.swap(candidate);
        best = m;
      }
    }
    out->append(best_bytes);
    return best;
  }
  // Long streams: compare the transforms on kSampleBlocks blocks spread over the stream, then
  // write the winner.
  Mode best = Mode::kPlain;
  size_t best_cost = SIZE_MAX;
  for (Mode m : modes) {
    if (!applies(m)) continue;
    std::vector<uint64_t> head;
    std::vector<uint64_t> r = Residuals(values, n, series, m, &head);
    size_t cost = 0;
    if (AllEqual(r)) {
      cost = VarintSize(ZigZagEncode(static_cast<int64_t>(r[0])));
    } else {
      const size_t blocks = (r.size() + kBlockSize - 1) / kBlockSize;
      for (size_t k = 0; k < kSampleBlocks; ++k) {
        const size_t at = (k * blocks / kSampleBlocks) * kBlockSize;
        cost += PlanBlock(r.data() + at, std::min(kBlockSize, r.size() - at)).cost;
      }
    }
    if (cost < best_cost) {
      best_cost = cost;
      best = m;
    }
  }
  EncodeWithMode(values, n, series, best, out);
  return best;
}
}  // namespace

Mode Encode(const int64_t* values, size_t n, Series series, std::string* out) {
  return EncodeBest(values, n, series, true, out);
}

// The residual blocks of a stream, or one value repeated when the stream says so.
class ResidualReader {
 public:
  ResidualReader(std::string_view* in, bool same) : in_(in), same_(same) {}
  bool Start() {
    if (!same_) return true;
    uint64_t z;
    if (!GetVarint64(in_, &z)) return false;
    value_ = static_cast<uint64_t>(ZigZagDecode(z));
    return true;
  }
  bool Next(size_t cnt, uint64_t* out) {
    if (!same_) return ReadBlock(in_, cnt, out);
    std::fill(out, out + cnt, value_);
    return true;
  }

 private:
  std::string_view* in_;
  bool same_;
  uint64_t value_ = 0;
};

namespace {
bool DecodeStream(std::string_view* in, size_t n, Series series, bool cycle, int64_t* out_signed);

bool DecodeCycle(std::string_view* in, size_t n, int64_t* out) {
  uint64_t p;
  if (!GetVarint64(in, &p) || p == 0 || p > n) return false;
  if (!DecodeStream(in, p, {}, false, out)) return false;
  // out[0, i) holds whole periods: copy them after themselves, doubling.
  for (size_t i = p; i < n;) {
    const size_t len = std::min(i, n - i);
    std::memcpy(out + i, out, len * sizeof(int64_t));
    i += len;
  }
  return true;
}

bool DecodeStream(std::string_view* in, size_t n, Series series, bool cycle, int64_t* out_signed) {
  if (in->empty()) return false;
  const auto mode_byte = static_cast<uint8_t>((*in)[0]);
  const auto mode = static_cast<Mode>(mode_byte & ~kSameResiduals);
  const bool same = (mode_byte & kSameResiduals) != 0;
  in->remove_prefix(1);
  if (same && (mode == Mode::kConst || mode == Mode::kCycle)) return false;
  ResidualReader blocks(in, same);
  auto* out = reinterpret_cast<uint64_t*>(out_signed);
  uint64_t block[kBlockSize + 8];
  switch (mode) {
    case Mode::kConst: {
      uint64_t v;
      if (!GetZigZag(in, &v)) return false;
      std::fill(out, out + n, v);
      return true;
    }
    case Mode::kPlain:
      if (!blocks.Start()) return false;
      for (size_t i = 0; i < n; i += kBlockSize) {
        const size_t cnt = std::min(kBlockSize, n - i);
        if (!blocks.Next(cnt, block)) return false;
        std::memcpy(out + i, block, cnt * 8);
      }
      return true;
    case Mode::kDelta: {
      uint64_t prev;
      if (n < 1 || !GetZigZag(in, &prev) || !blocks.Start()) return false;
      out[0] = prev;
      for (size_t i = 1; i < n; i += kBlockSize) {
        const size_t cnt = std::min(kBlockSize, n - i);
        if (!blocks.Next(cnt, block)) return false;
        for (size_t j = 0; j < cnt; ++j) out[i + j] = prev += block[j];
      }
      return true;
    }
    case Mode::kDelta2: {
      uint64_t prev, delta;
      if (n < 2 || !GetZigZag(in, &prev) || !GetZigZag(in, &delta) || !blocks.Start()) {
        return false;
      }
      out[0] = prev;
      out[1] = prev += delta;
      for (size_t i = 2; i < n; i += kBlockSize) {
        const size_t cnt = std::min(kBlockSize, n - i);
        if (!blocks.Next(cnt, block)) return false;
        for (size_t j = 0; j < cnt; ++j) {
          delta += block[j];
          out[i + j] = prev += delta;
        }
      }
      return true;
    }
    case Mode::kSeriesDelta: {
      if (series.empty() || !blocks.Start()) return false;
      const uint32_t* pred = series.pred;
      for (size_t i = 0; i < n; i += kBlockSize) {
        const size_t cnt = std::min(kBlockSize, n - i);
        if (!blocks.Next(cnt, block)) return false;
        size_t j = 0;
        if (i == 0 && cnt > 0) {
          out[0] = block[0];
          j = 1;
        }
        // pred[r] < r: every reference is already decoded. No branch and no per-series state.
        for (; j < cnt; ++j) out[i + j] = out[pred[i + j]] + block[j];
      }
      return true;
    }
    case Mode::kCycle:
      return cycle && DecodeCycle(in, n, out_signed);
  }
  return false;
}
}  // namespace

bool Decode(std::string_view* in, size_t n, Series series, int64_t* out) {
  return DecodeStream(in, n, series, true, out);
}

}  // namespace quanta::storage::intstream
