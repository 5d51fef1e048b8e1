// The embedded RocksDB implementation of Store (store.h). Construct it with OpenRocksDbStore().
// This header deliberately includes no RocksDB header: rocksdb_store.cc is the only file that
// does.
//
// Layout: one RocksDB column family, bytewise comparator, keys as in
// docs/formats/key_encoding.md (0x00 = metadata, 0x01 = rows), values as in
// docs/formats/row_encoding.md.
//
// Durability: the write-ahead log is always on. With StoreOptions::sync every write (a whole
// Put batch, a delete, a drop) is fsynced before it returns. RocksDB group-commits concurrent
// writers: writers that arrive while a WAL write+fsync is in flight join the next group, which
// is written and synced once, so N concurrent synced puts cost far fewer than N fsyncs. Without
// `sync`, writes reach the OS page cache before returning (they survive a process crash, not a
// power loss). Metadata records are always written synced.
//
// Tuning (see rocksdb_store.cc for the why):
//  - block cache: LRU of StoreOptions::block_cache_mb, index and filter blocks cached in it;
//  - whole-key bloom filters (10 bits/key) in SST files and the memtable: Get/Delete on a
//    missing key usually touches no data block;
//  - no prefix extractor: scans seek into one partition with iterate_upper_bound, which a bloom
//    filter cannot help with, and a fixed-length prefix cannot describe variable-length
//    partition keys;
//  - compression "zstd": LZ4 on upper levels, ZSTD on the bottommost level (most of the data);
//    "lz4", "snappy", "none" use that codec everywhere. A codec this librocksdb lacks falls back
//    to the next one available (zstd -> lz4 -> snappy -> none).
//  - write buffer StoreOptions::write_buffer_mb, up to 4 memtables, pipelined writes, dynamic
//    level sizes.
//
// Semantics worth knowing:
//  - Delete reads the key first (to report "not found") and then writes a tombstone; the two
//    steps are not one atomic operation, so two concurrent deletes of one key may both return
//    true, and a Put racing with a Delete of the same key may or may not survive it.
//  - A scan cursor reads from the implicit snapshot taken when Scan() is called.
//  - Tables are told apart only by TableDef::id: two tables must never share an id.
//
// Thread safety: every method may be called concurrently; cursors are single-threaded.
#pragma once

#include "storage/store.h"
