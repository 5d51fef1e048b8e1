#include "storage/engine/bitpack.h"

#include <array>
#include <utility>

namespace quanta::storage::bitpack {
namespace {

template <int W, int J>
inline uint64_t Extract(const uint8_t* p) {
  if constexpr (W == 0) {
    return 0;
  } else {
    constexpr int kBit = J * W;
    constexpr int kByte = kBit / 8;
    constexpr int kShift = kBit % 8;
    uint64_t v = Load64(p + kByte) >> kShift;
    if constexpr (kShift + W > 64) v |= static_cast<uint64_t>(p[kByte + 8]) << (64 - kShift);
    if constexpr (W < 64) v &= (uint64_t{1} << W) - 1;
    return v;
  }
}

template <int W, int... J>
inline void UnpackGroup(const uint8_t* p, uint64_t* out, std::integer_sequence<int, J...>) {
  ((out[J] = Extract<W, J>(p)), ...);
}

template <int W>
void UnpackW(const uint8_t* in, size_t groups, uint64_t* out) {
  for (size_t g = 0; g < groups; ++g) {
    UnpackGroup<W>(in, out, std::make_integer_sequence<int, 8>());
    in += W;
    out += 8;
  }
}

using UnpackFn = void (*)(const uint8_t*, size_t, uint64_t*);

template <int... W>
constexpr auto MakeTable(std::integer_sequence<int, W...>) {
  return std::array<UnpackFn, sizeof...(W)>{&UnpackW<W>...};
}
constexpr auto kUnpack = MakeTable(std::make_integer_sequence<int, 65>());

}  // namespace

void Unpack(int w, const uint8_t* in, size_t groups, uint64_t* out) {
  kUnpack[static_cast<size_t>(w)](in, groups, out);
}

void Pack(int w, const uint64_t* values, size_t n, std::string* out) {
  BitWriter bw(out);
  for (size_t i = 0; i < n; ++i) bw.Put(values[i], w);
  bw.Finish();
}

}  // namespace quanta::storage::bitpack
