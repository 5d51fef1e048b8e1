// Backend: the narrow ordered key/value space the storage engine is built on
// (docs/architecture.md, "Storage backends").
//
// The engine (src/storage/engine) keeps partitions, head rows, chunks and the catalog as keys
// and values in one backend. A backend is an ordered map from byte strings to byte strings:
//  - Order: keys compare bytewise (memcmp, shorter prefix first). Iterators return keys in
//    that order.
//  - Writes: a WriteBatch of puts, deletes and range deletes is applied atomically: after a
//    crash either all of it or none of it is visible. Within a batch, later operations on the
//    same key win. A batch is durable once Write returns OK when `sync` was asked; otherwise
//    it survives a process crash but maybe not a power loss.
//  - Reads: a Snapshot is a consistent view of the whole space as of the moment it was taken;
//    reads through it never see later writes (point_in_time_snapshots()). Reads outside a
//    snapshot see the latest committed batches.
//    A distributed backend (RADOS) gives less, per group (see KeySplitter): a snapshot pins
//    each group at its first read through it. A later read of that group through the snapshot
//    sees every batch applied since as a whole or fails with kConflict when a batch holding a
//    deletion (Delete or DeleteRange) was applied to the group in between; batches of puts
//    only may be seen in part by an iterator that reads a group in several pages, each key
//    old or new. The engine's structural batches (sealing) all delete head entries, so a
//    reader never mixes the state before and after one; it resumes after kConflict.
//  - Crash: what a crash may leave is exactly a prefix of the acknowledged-or-not batches in
//    commit order; never part of a batch.
// The engine never relies on more than that: in particular it keeps every batch that must be
// atomic (sealing a partition, replacing chunks) inside one partition's keys, so a backend
// that can only make one partition atomic (a RADOS object) meets the contract for it: such a
// backend applies a batch atomically per group (KeySplitter), not as a whole.
//
//  - Guards, for backends that several processes share (shared_by_processes(): RADOS, where
//    every coordinator writes the same objects): a batch may carry expectations (Expect: the
//    key holds exactly this value; a missing key counts as the empty value), and
//    WriteGuarded applies a batch only if, besides, no batch holding a deletion reached any
//    group it writes since `read_from` first read that group. Both are checked per group,
//    atomically with that group's write: a group whose check fails is not written and the
//    call answers kConflict. A backend that only one process can open (RocksDB: its LOCK
//    file) ignores them: within one process the engine serializes the writers of a partition
//    itself (its partition locks), which is what the guards stand for across processes.
// Errors: kIoError for I/O failures, kCorruption for damaged storage, kNoSpace ("disk full")
// for a write refused because the medium is (nearly) full. Reads keep working when writes are
// refused.
//
// Thread safety: every method may be called concurrently; iterators and snapshots are used by
// one thread at a time but may outlive nothing but themselves (they keep what they need).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace quanta::storage {

// A list of mutations, applied atomically by Backend::Write. Keys and values are copied in.
class WriteBatch {
 public:
  enum class Op : uint8_t { kPut, kDelete, kDeleteRange, kExpect };
  struct Entry {
    Op op;
    uint32_t key_offset, key_size;      // in data_
    uint32_t value_offset, value_size;  // value (kPut) or range end (kDeleteRange)
  };

  void Put(std::string_view key, std::string_view value) { Add(Op::kPut, key, value); }
  void Delete(std::string_view key) { Add(Op::kDelete, key, {}); }
  // Deletes every key in [begin, end).
  void DeleteRange(std::string_view begin, std::string_view end) {
    Add(Op::kDeleteRange, begin, end);
  }
  // A guard, not a change: the batch's group is written only if `key` holds `value` (see the
  // contract above; ignored by backends one process owns).
  void Expect(std::string_view key, std::string_view value) { Add(Op::kExpect, key, value); }
  // Appends every entry of `other`.
  void Append(const WriteBatch& other) {
    for (const Entry& e : other.entries_) Add(e.op, other.key(e), other.value(e));
  }
  void Reserve(size_t entries, size_t bytes) {
    entries_.reserve(entries);
    data_.reserve(bytes);
  }
  void Clear() {
    entries_.clear();
    data_.clear();
  }

  size_t count() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  // Bytes of keys and values.
  size_t data_bytes() const { return data_.size(); }
  const std::vector<Entry>& entries() const { return entries_; }
  std::string_view key(const Entry& e) const { return {data_.data() + e.key_offset, e.key_size}; }
  std::string_view value(const Entry& e) const {
    return {data_.data() + e.value_offset, e.value_size};
  }

 private:
  void Add(Op op, std::string_view key, std::string_view value) {
    Entry e{op, static_cast<uint32_t>(data_.size()), static_cast<uint32_t>(key.size()), 0,
            static_cast<uint32_t>(value.size())};
    data_.append(key);
    e.value_offset = static_cast<uint32_t>(data_.size());
    data_.append(value);
    entries_.push_back(e);
  }

  std::vector<Entry> entries_;
  std::string data_;
};

// Walks the keys of [lower, upper) in order.
class Iterator {
 public:
  virtual ~Iterator() = default;
  // Positions at the first key >= target (clamped to the iterator's range).
  virtual void Seek(std::string_view target) = 0;
  virtual bool Valid() const = 0;
  virtual void Next() = 0;
  // REQUIRES: Valid(). The views stay valid until the next Seek/Next.
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
  // The error that ended the walk, if any (check once Valid() is false).
  virtual Status status() const = 0;
};

struct IteratorOptions {
  std::string lower;  // inclusive; empty = from the first key
  std::string upper;  // exclusive; empty = to the last key
  // False for one-off walks over much data (keeps them from evicting the cached working set).
  bool fill_cache = true;
};

class Snapshot;

// Where a key's group begins and ends, for backends that store groups apart (one RADOS object
// per group) and make only a group's updates atomic. Supplied by the engine, whose groups are
// its partitions: a key is split as
//   key = space | group id | rest,   group id = family | ...
// Keys with the same group id (in any space) form one group; the groups of a family can be
// walked in order (a per-family index); within a group, keys sort by space then rest, which
// is their order within a space. Group ids of one family never prefix one another. A shared
// key (catalog, format record) is stored with every other shared key.
struct KeyPlacement {
  static constexpr size_t kUnknown = static_cast<size_t>(-1);  // the key is too short
  bool shared = false;
  size_t space_end = 0;          // key[0, space_end) is the space
  size_t family_end = kUnknown;  // key[space_end, family_end) is the family
  size_t group_end = kUnknown;   // key[space_end, group_end) is the group id (not empty)
};

class KeySplitter {
 public:
  virtual ~KeySplitter() = default;
  // Must be a pure function of the key's bytes (the same answer on every coordinator).
  virtual KeyPlacement Place(std::string_view key) const = 0;
};

// What a backend reports about itself (for operators, benchmarks and tests).
struct BackendStats {
  bool writable = true;              // false while writes are refused for lack of space
  bool read_only = false;            // opened read-only (full disk at start)
  uint64_t free_bytes = 0;           // free bytes on the medium
  uint64_t disk_bytes = 0;           // bytes the data takes on the medium
  uint64_t sorted_runs = 0;          // runs a range read merges (LSM backends)
  uint64_t flush_bytes_written = 0;       // since open
  uint64_t compaction_bytes_written = 0;  // since open
  uint64_t idle_compactions = 0;          // full merges done while writes paused
  uint64_t compactions = 0;               // compactions finished since open (LSM backends)
  uint64_t compactions_running = 0;       // now
  uint64_t compaction_pending_bytes = 0;  // estimated bytes compactions still have to rewrite
};

class Backend {
 public:
  virtual ~Backend() = default;

  virtual Status Write(const WriteBatch& batch, bool sync) = 0;
  // Write, guarded by what `read_from` read (the contract above): kConflict when a group it
  // writes met a deleting batch since. Backends one process owns just write.
  virtual Status WriteGuarded(const WriteBatch& batch, bool sync, const Snapshot& read_from) {
    (void)read_from;
    return Write(batch, sync);
  }
  // Write, saying what stayed undone when it fails: `applied` gets one flag per entry of
  // `batch` (true: the entry is written). A backend that applies a batch as a whole (the
  // default) marks all or none; one that applies it per group (RADOS) marks the entries of
  // the groups it wrote, so that a caller can tell how much of a failed batch is kept (Riak's
  // "Failed to put N record(s)"). On success every entry is applied.
  virtual Status WriteReporting(const WriteBatch& batch, bool sync, std::vector<bool>* applied) {
    Status st = Write(batch, sync);
    applied->assign(batch.count(), st.ok());
    return st;
  }
  // True when other processes write the same space at the same time (guards are checked).
  virtual bool shared_by_processes() const { return false; }
  // Calls `changed` (on a backend thread; it must not block) whenever another process may have
  // changed the shared keys (the catalog), so that cached copies are read again: with
  // `announced` true for another process's NotifyShared, false when notifications may have
  // been missed (a broken watch, often because the store is not answering). Backends one
  // process owns never call it.
  virtual Status WatchShared(std::function<void(bool announced)> changed) {
    (void)changed;
    return Status::OK();
  }
  // Tells the other processes watching that the shared keys changed (after a catalog write).
  virtual void NotifyShared() {}
  // The value of `key` (latest, or as of `snapshot` when not null), or nullopt.
  virtual Result<std::optional<std::string>> Get(std::string_view key,
                                                 const Snapshot* snapshot = nullptr) = 0;
  // An iterator over the latest data, or over `snapshot` when not null.
  virtual std::unique_ptr<Iterator> NewIterator(const IteratorOptions& options,
                                                const Snapshot* snapshot = nullptr) = 0;
  // A consistent view of the whole space, held until the returned object is destroyed.
  virtual std::unique_ptr<Snapshot> NewSnapshot() = 0;

  // Makes everything written so far independent of the write-ahead log (clean shutdown,
  // tests). Durability does not depend on it.
  virtual Status Flush() = 0;
  // Rewrites the whole space into its most compact form (bulk loads, tests, benchmarks).
  virtual Status Compact() = 0;
  // Rewrites the keys of [begin, end) so that what was deleted there leaves the medium (after
  // a table is dropped or data expires). A backend that frees space as keys are deleted needs
  // nothing more.
  virtual Status CompactRange(std::string_view begin, std::string_view end) {
    (void)begin;
    (void)end;
    return Status::OK();
  }
  // Writes a consistent copy of the whole space, as of one moment while writes go on, into
  // the directory `dir` (which must not exist; its parent must), in a form this backend can
  // open as its data directory (online backup). A crash mid-way may leave `dir` partial: the
  // caller removes it. The default: kInvalidArgument, the backend cannot.
  virtual Status Checkpoint(const std::string& dir) {
    (void)dir;
    return Status(ErrorCode::kInvalidArgument, "this storage backend cannot take a checkpoint");
  }
  // Approximate bytes the data takes on the medium.
  virtual uint64_t ApproximateDiskBytes() = 0;
  // Approximate bytes the keys of [begin, end) take, cheaply (no walk over the keys): what a
  // row count estimate extrapolates with. Comparable only between ranges of one backend (it
  // may count compressed bytes). nullopt when the backend cannot tell without reading them.
  virtual std::optional<uint64_t> ApproximateRangeBytes(std::string_view begin,
                                                        std::string_view end) {
    (void)begin;
    (void)end;
    return std::nullopt;
  }
  virtual BackendStats Stats() = 0;

  // How keys group, before any other call (backends with one key space ignore it). The
  // splitter outlives the backend's use of it.
  virtual void SetKeySplitter(const KeySplitter* splitter) { (void)splitter; }
  // True when a Snapshot is a point-in-time view of the whole space; false for the per-group
  // guarantee above.
  virtual bool point_in_time_snapshots() const { return true; }
};

// Held by readers; releasing it lets the backend drop what only it kept alive.
class Snapshot {
 public:
  virtual ~Snapshot() = default;
};

}  // namespace quanta::storage
