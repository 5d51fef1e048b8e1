// Bit packing for the chunk codec (docs/formats/chunk.md): fixed-width values laid out least
// significant bit first (value i occupies bits [i*w, (i+1)*w) of the little-endian bit string;
// bit j is bit j%8 of byte j/8), and a writer for variable-length bit strings (Rice, Gorilla).
//
// Unpacking works on groups of 8 values: 8 values of w bits fill exactly w bytes, so inside a
// group every shift and byte offset is a compile-time constant and the loop has no branches.
// Thread-safe (no state).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

namespace quanta::storage::bitpack {

inline uint64_t Load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;  // little-endian hosts only (x86-64, AArch64)
}

inline uint64_t LowMask(int w) { return w >= 64 ? ~uint64_t{0} : (uint64_t{1} << w) - 1; }

// Bytes holding n values of w bits.
inline size_t PackedBytes(size_t n, int w) { return (n * static_cast<size_t>(w) + 7) / 8; }

// Slack the unpackers may read past the packed bytes of the last (partial) group.
constexpr size_t kUnpackSlack = 8;

// Unpacks `groups` groups of 8 values of width w (0..64) into out[0, 8*groups).
// REQUIRES: in[0, groups*w + kUnpackSlack) readable.
void Unpack(int w, const uint8_t* in, size_t groups, uint64_t* out);

// Appends n values of width w (each < 2^w), padded with zero bits to a whole byte.
void Pack(int w, const uint64_t* values, size_t n, std::string* out);

// Appends bits least significant first.
class BitWriter {
 public:
  explicit BitWriter(std::string* out) : out_(out) {}
  // Appends the low `n` bits of v (n <= 64).
  void Put(uint64_t v, int n) {
    if (n == 0) return;
    if (n < 64) v &= (uint64_t{1} << n) - 1;
    acc_ |= v << fill_;
    const int room = 64 - fill_;
    if (n < room) {
      fill_ += n;
      return;
    }
    Flush64();
    acc_ = room == 64 ? 0 : v >> room;
    fill_ = n - room;
  }
  // Pads the last byte with zero bits and appends the pending bytes.
  void Finish() {
    while (fill_ > 0) {
      out_->push_back(static_cast<char>(acc_ & 0xff));
      acc_ >>= 8;
      fill_ = fill_ > 8 ? fill_ - 8 : 0;
    }
    acc_ = 0;
  }
  size_t bits_written() const { return bytes_flushed_ * 8 + static_cast<size_t>(fill_); }

 private:
  void Flush64() {
    char buf[8];
    std::memcpy(buf, &acc_, 8);
    out_->append(buf, 8);
    bytes_flushed_ += 8;
  }
  std::string* out_;
  uint64_t acc_ = 0;
  int fill_ = 0;
  size_t bytes_flushed_ = 0;
};

// Reads bits least significant first from [data, data + size). Reading past the end yields
// zero bits and sets overrun(); callers check it before trusting what they read.
class BitReader {
 public:
  BitReader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  // Next n bits (n <= 64).
  uint64_t Get(int n) {
    if (n == 0) return 0;
    uint64_t v = Peek64();
    if (n < 64) v &= (uint64_t{1} << n) - 1;
    Skip(n);
    return v;
  }
  // The next 64 bits (zeros past the end) without consuming them.
  uint64_t Peek64() const {
    const size_t byte = pos_ >> 3;
    const int shift = static_cast<int>(pos_ & 7);
    uint64_t lo, hi;
    if (byte + 9 <= size_) {
      lo = Load64(data_ + byte);
      hi = data_[byte + 8];
    } else {
      uint8_t tmp[9] = {};
      if (byte < size_) std::memcpy(tmp, data_ + byte, size_ - byte);
      lo = Load64(tmp);
      hi = tmp[8];
    }
    return shift == 0 ? lo : (lo >> shift) | (hi << (64 - shift));
  }
  void Skip(size_t n) { pos_ += n; }
  bool overrun() const { return pos_ > size_ * 8; }
  size_t pos() const { return pos_; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

}  // namespace quanta::storage::bitpack
