// CRC-32C (Castagnoli, the polynomial of iSCSI, ext4 and RocksDB), used as the chunk checksum
// (docs/formats/chunk.md). Uses the SSE4.2 crc32 instruction when the CPU has it (three
// interleaved streams, about 8 bytes per cycle) and a table otherwise; both give the same
// value. Thread-safe (no state).
#pragma once

#include <cstddef>
#include <cstdint>

namespace quanta::storage {

// CRC-32C of data[0, n) (initial value and final xor 0xFFFFFFFF, as in RFC 3720):
// Crc32c("123456789") == 0xE3069283.
uint32_t Crc32c(const void* data, size_t n);

// The same, always by table (for tests of the accelerated path).
uint32_t Crc32cPortable(const void* data, size_t n);

}  // namespace quanta::storage
