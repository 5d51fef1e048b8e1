// The embedded RocksDB backend (backend.h). Construct it with OpenRocksDbBackend().
// This header deliberately includes no RocksDB header: rocksdb_backend.cc is the only file
// that does.
//
// Layout: one RocksDB column family, bytewise comparator; the engine's keys as they are
// (docs/formats/key_encoding.md).
//
// Durability: the write-ahead log is always on. A Write with `sync` is fsynced before it
// returns. RocksDB group-commits concurrent writers: writers that arrive while a WAL
// write+fsync is in flight join the next group, which is written and synced once, so N
// concurrent synced writes cost far fewer than N fsyncs. Without `sync`, writes reach the OS
// page cache before returning (they survive a process crash, not a power loss).
//
// Tuning (see rocksdb_backend.cc for the why):
//  - block cache: LRU of RocksDbOptions::block_cache_mb, index and filter blocks cached in it;
//  - whole-key bloom filters (10 bits/key) in SST files and the memtable: a Get of a missing
//    key usually touches no data block;
//  - no prefix extractor: range reads seek with iterate bounds, which a bloom filter cannot
//    help with, and a fixed-length prefix cannot describe variable-length partition keys;
//  - compression "zstd": LZ4 on upper levels, ZSTD on the bottommost level (most of the data);
//    "lz4", "snappy", "none" use that codec everywhere. A codec this librocksdb lacks falls back
//    to the next one available (zstd -> lz4 -> snappy -> none).
//  - write buffer RocksDbOptions::write_buffer_mb, up to 4 memtables, pipelined writes, dynamic
//    level sizes.
//
// Full disk: every write is refused (kNoSpace, "disk full") before RocksDB sees it while the
// file system has less than min_free_space_bytes free; see docs/architecture.md.
#pragma once

#include <memory>
#include <string>

#include "storage/backend/backend.h"

namespace quanta::storage {

struct RocksDbOptions {
  std::string data_dir;          // created if missing
  size_t block_cache_mb = 256;
  size_t write_buffer_mb = 32;
  std::string compression = "zstd";  // zstd | lz4 | snappy | none
  // After this long without writes, flush a memtable holding at least a quarter of a write
  // buffer, then merge everything into one sorted run when that pays: the data above the
  // bottom level is at least a quarter of the bottom level, or (while nothing is at the bottom
  // level yet) a quarter of the entries are tombstones (0 = never).
  int idle_compaction_ms = 2000;
  // Writes are refused (kNoSpace) while the data directory's file system has less than this
  // many bytes free, so that RocksDB itself never runs out of space (its flushes, compactions
  // and manifest need the reserve). At least twice write_buffer_mb is used; 0 turns the guard
  // off (RocksDB then meets a full disk itself, which Debian's librocksdb may abort on).
  uint64_t min_free_space_bytes = 128ull << 20;
};

// Opens (creating if needed) a RocksDB database in options.data_dir. With too little free
// space to open it read-write, an existing database opens read-only (reads work, writes get
// "disk full") and reopens read-write by itself once there is room.
Result<std::unique_ptr<Backend>> OpenRocksDbBackend(const RocksDbOptions& options);

}  // namespace quanta::storage
