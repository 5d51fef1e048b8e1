// The Ceph RADOS backend; the layout, atomicity and snapshot rules are in rados_backend.h.
// The only file of Quanta that includes librados.
#include "storage/backend/rados_backend.h"

#include <rados/librados.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <thread>
#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <shared_mutex>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/log.h"
#include "common/value.h"

namespace quanta::storage {

namespace {

constexpr char kGenXattr[] = "q.gen";
constexpr char kSharedObject[] = "m";
// Entries per omap read: the first page is small (a narrow range reads little past its end),
// later pages double up to kMaxPage, and halve again when a page passes kPageBytes (chunk
// values are large).
constexpr size_t kFirstPage = 64;
constexpr size_t kMaxPage = 8192;
constexpr size_t kPageBytes = 16u << 20;
constexpr size_t kIndexPage = 1024;
// An object read past this many omap entries or bytes of values is reported (once per object
// and process): Ceph warns at 200,000 or 1 GiB (osd_deep_scrub_large_omap_object_*_threshold),
// and one object is served by one primary OSD. The table's time_slices property splits them.
constexpr size_t kLargeObjectEntries = 100000;
constexpr uint64_t kLargeObjectBytes = 512ull << 20;  // Ceph warns at 1 GiB of omap values
constexpr size_t kMaxLargeObjectsNoted = 4096;
// Groups this process has added to their family index, remembered so that a write does not
// re-add them; forgotten wholesale past this many (re-adding is harmless).
constexpr size_t kMaxKnownGroups = 1u << 20;

// The smallest string greater than every string that starts with `p` ("" when none is).
std::string Successor(std::string_view p) {
  std::string s(p);
  while (!s.empty()) {
    if (static_cast<unsigned char>(s.back()) != 0xff) {
      s.back() = static_cast<char>(static_cast<unsigned char>(s.back()) + 1);
      return s;
    }
    s.pop_back();
  }
  return s;
}


std::string CommonPrefix(std::string_view a, std::string_view b) {
  size_t n = 0;
  while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
  return std::string(a.substr(0, n));
}

// A librados return code (negative errno) as a Status.
Status RadosError(int r, const std::string& what) {
  const int e = -r;
  if (e == ETIMEDOUT) {
    return Status(ErrorCode::kTimeout, "storage: RADOS " + what + " timed out");
  }
  if (e == ENOSPC || e == EDQUOT) return Status(ErrorCode::kNoSpace, "disk full");
  return Status(ErrorCode::kIoError, "storage: RADOS " + what + ": " + std::strerror(e));
}

librados::bufferlist ToBufferlist(std::string_view s) {
  librados::bufferlist bl;
  bl.append(s.data(), static_cast<unsigned>(s.size()));
  return bl;
}

// A snapshot pins, per object, the generation (xattr kGenXattr) seen at its first read.
class RadosSnapshot final : public Snapshot {
 public:
  bool Check(const std::string& oid, const std::string& gen) {
    std::lock_guard lock(mu_);
    auto [it, inserted] = pinned_.try_emplace(oid, gen);
    return inserted || it->second == gen;
  }
  // The generation pinned for `oid`, if this snapshot read it.
  std::optional<std::string> Pinned(const std::string& oid) {
    std::lock_guard lock(mu_);
    auto it = pinned_.find(oid);
    if (it == pinned_.end()) return std::nullopt;
    return it->second;
  }

 private:
  std::mutex mu_;
  std::unordered_map<std::string, std::string> pinned_;
};

// Where a key lives: its object, its omap key, and (for a group) its family index.
struct Location {
  std::string oid;
  std::string omap_key;
  std::string index_oid;  // empty for a shared key
  std::string group_id;
};

// One page of an object's omap, in key order.
struct Page {
  std::vector<std::pair<std::string, std::string>> entries;
  bool more = false;
  size_t bytes = 0;
};

// Completions of operations sent in parallel, waited for together.
class AioSet {
 public:
  ~AioSet() { Wait().IgnoreError(); }
  librados::AioCompletion* Add(std::string oid) {
    pending_.push_back({librados::Rados::aio_create_completion(), std::move(oid), 0});
    return pending_.back().c;
  }
  // The last operation added could not be sent: it failed with `r`.
  void Fail(int r) {
    pending_.back().c->release();
    pending_.back().c = nullptr;
    pending_.back().r = r;
  }
  // Waits for every operation; the first error, if any. `codes` (when not null) gets every
  // operation's return value, in the order they were added.
  Status Wait(std::vector<int>* codes = nullptr) {
    Status first;
    for (auto& p : pending_) {
      if (p.c != nullptr) {
        p.c->wait_for_complete();
        p.r = p.c->get_return_value();
        p.c->release();
      }
      if (p.r < 0 && first.ok()) {
        first = RadosError(p.r, "write of " + p.oid);
        last_errno_ = -p.r;
      }
      if (codes != nullptr) codes->push_back(p.r);
    }
    pending_.clear();
    return first;
  }
  // The errno of the error Wait() last returned.
  int last_errno() const { return last_errno_; }

 private:
  struct Pending {
    librados::AioCompletion* c;  // null once the operation failed to be sent
    std::string oid;
    int r;
  };
  std::vector<Pending> pending_;
  int last_errno_ = 0;
};

// The part of a batch for one object, as one write operation in batch order.
struct ObjectWrite {
  // Creates the object if missing, so that removing keys of a missing one is no error. With
  // `pinned_gen` (a guarded write whose snapshot read this object), the write applies only if
  // the object's generation is still that one: no deleting batch came in between.
  explicit ObjectWrite(const std::optional<std::string>& pinned_gen = std::nullopt) {
    op.create(false);
    if (pinned_gen) op.cmpxattr(kGenXattr, LIBRADOS_CMPXATTR_OP_EQ, ToBufferlist(*pinned_gen));
  }

  librados::ObjectWriteOperation op;
  std::map<std::string, librados::bufferlist> sets;
  std::set<std::string> removes;
  std::map<std::string, std::string> written;  // key -> omap key, put by this batch so far
  std::vector<uint32_t> entries;  // the batch's entries this object carries (all or none apply)
  bool deletes = false;
  bool guarded = false;  // carries expectations (an omap comparison)

  void FlushSets() {
    if (!sets.empty()) op.omap_set(sets);
    sets.clear();
  }
  void FlushRemoves() {
    if (!removes.empty()) op.omap_rm_keys(removes);
    removes.clear();
  }
  void Put(std::string_view key, const std::string& omap_key, std::string_view value) {
    FlushRemoves();
    sets[omap_key] = ToBufferlist(value);
    written[std::string(key)] = omap_key;
  }
  void Delete(std::string_view key, const std::string& omap_key) {
    FlushSets();
    removes.insert(omap_key);
    written.erase(std::string(key));
    deletes = true;
  }
};

class RadosBackend;

// Walks [lower, upper): the shared object, or the groups of one family in order (from its
// index), reading each object's omap range in pages.
class RadosIterator final : public Iterator {
 public:
  RadosIterator(RadosBackend* backend, IteratorOptions options, RadosSnapshot* snapshot);

  void Seek(std::string_view target) override;
  bool Valid() const override { return pos_ < page_.size(); }
  void Next() override {
    if (++pos_ >= page_.size()) Fill();
  }
  std::string_view key() const override { return page_[pos_].first; }
  std::string_view value() const override { return page_[pos_].second; }
  Status status() const override { return status_; }

  // The entry's object and omap key (range deletions remove it by them).
  const std::string& oid() const { return oid_; }
  std::string omap_key() const {
    return space_ + page_[pos_].first.substr(space_.size() + group_.size());
  }

 private:
  void SetError(Status st) {
    status_ = std::move(st);
    page_.clear();
    pos_ = 0;
    done_ = true;
  }
  // Opens group `gid` (or the shared object when shared_), reading from `target` on.
  void OpenObject(const std::string& gid, std::string_view target);
  // Moves to the next object of the walk; false at the end.
  bool NextObject();
  // Reads pages until one has an entry in range, or the walk ends.
  void Fill();

  RadosBackend* b_;
  IteratorOptions options_;
  RadosSnapshot* snapshot_;
  Status status_;
  bool shared_ = false;
  bool single_group_ = false;  // the range lies within one group
  std::string space_, family_, index_oid_;
  // The walk over the family index.
  std::vector<std::string> groups_;
  size_t next_group_ = 0;
  std::string index_from_;
  bool index_inclusive_ = true, index_more_ = false;
  // The object at hand.
  std::string group_, oid_, omap_from_, omap_upper_, filter_;
  bool from_inclusive_ = true, object_more_ = false, object_open_ = false;
  size_t page_size_ = kFirstPage;
  size_t object_entries_ = 0;  // read from the object at hand
  uint64_t object_bytes_ = 0;   // of values read from it
  std::vector<std::pair<std::string, std::string>> page_;
  size_t pos_ = 0;
  bool done_ = true;
};

class RadosBackend final : public Backend {
 public:
  ~RadosBackend() override {
    {
      std::lock_guard lock(watch_mu_);
      watch_stopping_ = true;
    }
    if (rewatch_.joinable()) rewatch_.join();
    if (watch_handle_ != 0) ioctx_.unwatch2(watch_handle_);
    ReapNotifies(/*wait=*/true);
    ioctx_.close();
    cluster_.shutdown();
  }

  // The catalog object is watched: another coordinator's NotifyShared, or a broken watch
  // (after which this one may have missed notifications), calls `changed`.
  // An empty `changed` stops the calls (the watcher is going away); the watch stays.
  Status WatchShared(std::function<void(bool announced)> changed) override {
    watch_ctx_.backend = this;
    const bool start = changed && watch_handle_ == 0;
    watch_ctx_.Set(std::move(changed));
    if (!start) return Status::OK();
    librados::ObjectWriteOperation create;
    create.create(false);  // a watch needs the object
    int r = ioctx_.operate(kSharedObject, &create);
    if (r < 0) return RadosError(r, "creating the catalog object");
    r = ioctx_.watch2(kSharedObject, &watch_handle_, &watch_ctx_);
    if (r < 0) return RadosError(r, "watching the catalog object");
    return Status::OK();
  }

  // Sent without waiting for the watchers' acknowledgements (a dead coordinator's watch
  // would hold a waiting CREATE TABLE until it timed out); completions are reaped later.
  void NotifyShared() override {
    ReapNotifies(/*wait=*/false);
    librados::bufferlist bl;
    librados::AioCompletion* c = librados::Rados::aio_create_completion();
    if (ioctx_.aio_notify(kSharedObject, c, bl, kNotifyTimeoutMs, nullptr) < 0) {
      c->release();
      return;
    }
    std::lock_guard lock(watch_mu_);
    notifies_.push_back(c);
  }

  Status Open(const RadosOptions& o) {
    if (o.pool.empty()) return Status(ErrorCode::kInvalidArgument, "rados.pool is not set");
    int r = cluster_.init(o.user.c_str());
    if (r < 0) return RadosError(r, "init");
    if (!o.conf.empty()) {
      r = cluster_.conf_read_file(o.conf.c_str());
      if (r < 0) {
        return Status(ErrorCode::kInvalidArgument,
                      "rados.conf: cannot read " + o.conf + ": " + std::strerror(-r));
      }
    } else {
      cluster_.conf_read_file(nullptr);  // librados' default search; none is no error
    }
    const int seconds = std::max(1, (o.op_timeout_ms + 999) / 1000);
    const std::string t = std::to_string(seconds);
    for (const char* option : {"rados_osd_op_timeout", "rados_mon_op_timeout",
                               "client_mount_timeout"}) {
      r = cluster_.conf_set(option, t.c_str());
      if (r < 0) return RadosError(r, std::string("setting ") + option);
    }
    r = cluster_.connect();
    if (r < 0) return RadosError(r, "connect (rados.conf " + o.conf + ")");
    r = cluster_.ioctx_create(o.pool.c_str(), ioctx_);
    if (r == -ENOENT) {
      return Status(ErrorCode::kInvalidArgument, "rados.pool: no pool named " + o.pool);
    }
    if (r < 0) return RadosError(r, "opening pool " + o.pool);
    ioctx_.set_namespace(o.name_space);
    pool_ = o.pool;
    std::random_device rd;
    rng_.seed((static_cast<uint64_t>(rd()) << 32) ^ rd());
    return Status::OK();
  }

  void SetKeySplitter(const KeySplitter* splitter) override { splitter_ = splitter; }
  bool point_in_time_snapshots() const override { return false; }

  KeyPlacement Place(std::string_view key) const {
    if (splitter_ == nullptr) {
      KeyPlacement p;
      p.shared = true;
      return p;
    }
    return splitter_->Place(key);
  }

  Status Locate(std::string_view key, Location* loc) const {
    const KeyPlacement p = Place(key);
    if (p.shared) {
      loc->oid = kSharedObject;
      loc->omap_key.assign(key);
      loc->index_oid.clear();
      loc->group_id.clear();
      return Status::OK();
    }
    if (p.family_end == KeyPlacement::kUnknown || p.group_end == KeyPlacement::kUnknown ||
        p.group_end > key.size() || p.family_end > p.group_end || p.space_end > p.family_end ||
        p.space_end == p.group_end) {
      return Status(ErrorCode::kInvalidArgument, "storage: a key outside any partition");
    }
    loc->group_id.assign(key.substr(p.space_end, p.group_end - p.space_end));
    loc->oid = "g" + HexEncode(loc->group_id);
    loc->omap_key.assign(key.substr(0, p.space_end));
    loc->omap_key.append(key.substr(p.group_end));
    loc->index_oid = "f" + HexEncode(key.substr(p.space_end, p.family_end - p.space_end));
    return Status::OK();
  }

  // Reads up to `max` entries of `oid`'s omap from `from` (inclusive or not) whose keys start
  // with `filter`. A missing object reads as empty. Through a snapshot, checks the object's
  // generation (kConflict when it moved).
  Status ReadOmap(const std::string& oid, const std::string& from, bool inclusive,
                  const std::string& filter, size_t max, RadosSnapshot* snapshot, Page* out) {
    librados::ObjectReadOperation op;
    std::map<std::string, librados::bufferlist> exact, vals, attrs;
    int r_exact = 0, r_vals = 0, r_attrs = 0;
    bool more = false;
    if (inclusive) op.omap_get_vals_by_keys({from}, &exact, &r_exact);
    op.omap_get_vals2(from, filter, max, &vals, &more, &r_vals);
    if (snapshot != nullptr) op.getxattrs(&attrs, &r_attrs);
    int r = ioctx_.operate(oid, &op, nullptr);
    out->entries.clear();
    out->more = false;
    out->bytes = 0;
    if (r == -ENOENT) return CheckGeneration(oid, "", snapshot);
    if (r >= 0 && r_exact < 0) r = r_exact;
    if (r >= 0 && r_vals < 0) r = r_vals;
    if (r >= 0 && r_attrs < 0 && r_attrs != -ENODATA) r = r_attrs;
    if (r < 0) return RadosError(r, "read of " + oid);
    if (snapshot != nullptr) {
      auto it = attrs.find(kGenXattr);
      QUANTA_RETURN_IF_ERROR(
          CheckGeneration(oid, it == attrs.end() ? std::string() : it->second.to_str(),
                          snapshot));
    }
    auto add = [&](const std::string& k, librados::bufferlist& v) {
      out->bytes += k.size() + v.length();
      out->entries.emplace_back(k, v.to_str());
    };
    if (inclusive) {
      auto it = exact.find(from);
      if (it != exact.end() && std::string_view(from).starts_with(filter)) add(it->first, it->second);
    }
    for (auto& [k, v] : vals) add(k, v);
    out->more = more;
    return Status::OK();
  }

  // Every acknowledged write is on all acting replicas: `sync` asks for nothing more.
  Status Write(const WriteBatch& batch, bool /*sync*/) override {
    return WriteImpl(batch, nullptr, nullptr);
  }
  Status WriteGuarded(const WriteBatch& batch, bool /*sync*/, const Snapshot& read_from) override {
    auto* snap = const_cast<RadosSnapshot*>(static_cast<const RadosSnapshot*>(&read_from));
    return WriteImpl(batch, snap, nullptr);
  }
  Status WriteReporting(const WriteBatch& batch, bool /*sync*/,
                        std::vector<bool>* applied) override {
    applied->assign(batch.count(), false);
    return WriteImpl(batch, nullptr, applied);
  }
  bool shared_by_processes() const override { return true; }

  // Objects first get their guards (the generation `guard` pinned, then the batch's
  // expectations as one omap comparison), then the batch's changes in order: a failed guard
  // (ECANCELED; ENOENT when the object went away) leaves the object untouched. `applied`
  // (when not null, all false on entry) gets the entries of the objects written: an entry
  // spread over several objects (a range deletion) counts as applied when all of them were.
  Status WriteImpl(const WriteBatch& batch, RadosSnapshot* guard, std::vector<bool>* applied) {
    std::map<std::string, std::unique_ptr<ObjectWrite>> objects;
    std::map<std::string, std::set<std::string>> index_adds;  // index oid -> group ids
    Location loc;
    auto object = [&](const std::string& oid) -> ObjectWrite& {
      auto& w = objects[oid];
      if (!w) {
        w = std::make_unique<ObjectWrite>(guard ? guard->Pinned(oid) : std::nullopt);
      }
      return *w;
    };
    const std::vector<WriteBatch::Entry>& entries = batch.entries();
    {
      std::map<std::string, std::map<std::string, std::pair<librados::bufferlist, int>>> expects;
      for (uint32_t i = 0; i < entries.size(); ++i) {
        const WriteBatch::Entry& e = entries[i];
        if (e.op != WriteBatch::Op::kExpect) continue;
        QUANTA_RETURN_IF_ERROR(Locate(batch.key(e), &loc));
        object(loc.oid).entries.push_back(i);
        expects[loc.oid][loc.omap_key] = {ToBufferlist(batch.value(e)), LIBRADOS_CMPXATTR_OP_EQ};
      }
      for (auto& [oid, assertions] : expects) {
        objects[oid]->op.omap_cmp(assertions, nullptr);
        objects[oid]->guarded = true;
      }
    }
    for (uint32_t i = 0; i < entries.size(); ++i) {
      const WriteBatch::Entry& e = entries[i];
      switch (e.op) {
        case WriteBatch::Op::kExpect:
          break;
        case WriteBatch::Op::kPut:
          QUANTA_RETURN_IF_ERROR(Locate(batch.key(e), &loc));
          object(loc.oid).Put(batch.key(e), loc.omap_key, batch.value(e));
          objects[loc.oid]->entries.push_back(i);
          if (!loc.index_oid.empty() && !Known(loc.oid)) {
            index_adds[loc.index_oid].insert(loc.group_id);
          }
          break;
        case WriteBatch::Op::kDelete:
          QUANTA_RETURN_IF_ERROR(Locate(batch.key(e), &loc));
          object(loc.oid).Delete(batch.key(e), loc.omap_key);
          objects[loc.oid]->entries.push_back(i);
          break;
        case WriteBatch::Op::kDeleteRange:
          QUANTA_RETURN_IF_ERROR(DeleteRange(batch.key(e), batch.value(e), i, objects, guard));
          break;
      }
    }
    // The index first: once a group is written, a walk over its family finds it.
    AioSet aio;
    std::vector<std::unique_ptr<librados::ObjectWriteOperation>> index_ops;
    for (const auto& [oid, groups] : index_adds) {
      std::map<std::string, librados::bufferlist> entries;
      for (const auto& g : groups) entries[g];
      index_ops.push_back(std::make_unique<librados::ObjectWriteOperation>());
      index_ops.back()->omap_set(entries);
      int r = ioctx_.aio_operate(oid, aio.Add(oid), index_ops.back().get());
      if (r < 0) aio.Fail(r);
    }
    QUANTA_RETURN_IF_ERROR(aio.Wait());
    for (const auto& [oid, groups] : index_adds) {
      for (const auto& g : groups) Remember("g" + HexEncode(g));
    }
    for (auto& [oid, w] : objects) {
      w->FlushSets();
      w->FlushRemoves();
      if (w->deletes) w->op.setxattr(kGenXattr, ToBufferlist(NewGeneration()));
      int r = ioctx_.aio_operate(oid, aio.Add(oid), &w->op);
      if (r < 0) aio.Fail(r);
    }
    std::vector<int> codes;
    Status st = aio.Wait(&codes);
    if (applied != nullptr) {
      applied->assign(entries.size(), true);
      size_t k = 0;
      for (const auto& [oid, w] : objects) {
        if (codes[k++] >= 0) continue;
        for (uint32_t i : w->entries) (*applied)[i] = false;
      }
    }
    // A guard that failed: the object changed since it was read (or went away).
    if (!st.ok() && (guard != nullptr || AnyGuarded(objects)) &&
        (aio.last_errno() == ECANCELED || aio.last_errno() == ENOENT)) {
      return Status(ErrorCode::kConflict, "storage: a guarded write met a change");
    }
    return st;
  }

  static bool AnyGuarded(const std::map<std::string, std::unique_ptr<ObjectWrite>>& objects) {
    for (const auto& [oid, w] : objects) {
      if (w->guarded) return true;
    }
    return false;
  }

  Result<std::optional<std::string>> Get(std::string_view key,
                                         const Snapshot* snapshot = nullptr) override {
    Location loc;
    QUANTA_RETURN_IF_ERROR(Locate(key, &loc));
    auto* snap = const_cast<RadosSnapshot*>(static_cast<const RadosSnapshot*>(snapshot));
    librados::ObjectReadOperation op;
    std::map<std::string, librados::bufferlist> vals, attrs;
    int r_vals = 0, r_attrs = 0;
    op.omap_get_vals_by_keys({loc.omap_key}, &vals, &r_vals);
    if (snap != nullptr) op.getxattrs(&attrs, &r_attrs);
    int r = ioctx_.operate(loc.oid, &op, nullptr);
    if (r == -ENOENT) {
      QUANTA_RETURN_IF_ERROR(CheckGeneration(loc.oid, "", snap));
      return std::optional<std::string>();
    }
    if (r >= 0 && r_vals < 0) r = r_vals;
    if (r >= 0 && r_attrs < 0 && r_attrs != -ENODATA) r = r_attrs;
    if (r < 0) return RadosError(r, "read of " + loc.oid);
    if (snap != nullptr) {
      auto it = attrs.find(kGenXattr);
      QUANTA_RETURN_IF_ERROR(CheckGeneration(
          loc.oid, it == attrs.end() ? std::string() : it->second.to_str(), snap));
    }
    auto it = vals.find(loc.omap_key);
    if (it == vals.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second.to_str());
  }

  std::unique_ptr<Iterator> NewIterator(const IteratorOptions& options,
                                        const Snapshot* snapshot = nullptr) override {
    auto* snap = const_cast<RadosSnapshot*>(static_cast<const RadosSnapshot*>(snapshot));
    return std::make_unique<RadosIterator>(this, options, snap);
  }

  std::unique_ptr<Snapshot> NewSnapshot() override { return std::make_unique<RadosSnapshot>(); }

  // Nothing is buffered here: an acknowledged write is already on the OSDs.
  Status Flush() override { return Status::OK(); }
  // The OSDs compact their own stores.
  Status Compact() override { return Status::OK(); }
  // A pool is backed up by Ceph itself: a point-in-time copy of many objects is a pool snapshot.
  Status Checkpoint(const std::string& dir) override {
    (void)dir;
    return Status(ErrorCode::kInvalidArgument,
                  "backup is not supported in cluster mode: use Ceph's pool snapshots "
                  "(rados mksnap)");
  }

  // The pool's bytes (all namespaces), as the cluster last reported them.
  uint64_t ApproximateDiskBytes() override {
    std::list<std::string> pools{pool_};
    librados::stats_map stats;
    if (cluster_.get_pool_stats(pools, stats) < 0) return 0;
    auto it = stats.find(pool_);
    return it == stats.end() ? 0 : it->second.num_bytes;
  }

  BackendStats Stats() override {
    BackendStats s;
    s.disk_bytes = ApproximateDiskBytes();
    return s;
  }

  // A read went past kLargeObjectEntries entries of `oid` (a partition): a warning, once.
  void NoteLargeObject(const std::string& oid) {
    {
      std::lock_guard lock(large_mu_);
      if (large_noted_.size() >= kMaxLargeObjectsNoted || !large_noted_.insert(oid).second) return;
    }
    log::Warning("a partition's RADOS object has more than 100,000 omap entries or 512 MiB of "
                 "values: Ceph warns at 200,000 or 1 GiB, and one OSD serves it; give the "
                 "table's next version a shorter quantum or more time_slices (docs/cluster.md)",
                 {{"object", oid}, {"pool", pool_}});
  }

 private:
  Status CheckGeneration(const std::string& oid, const std::string& gen, RadosSnapshot* snap) {
    if (snap == nullptr || snap->Check(oid, gen)) return Status::OK();
    return Status(ErrorCode::kConflict, "storage: " + oid + " changed under a snapshot");
  }

  std::string NewGeneration() {
    std::lock_guard lock(rng_mu_);
    const uint64_t a = rng_(), b = rng_();
    std::string g(16, '\0');
    std::memcpy(g.data(), &a, 8);
    std::memcpy(g.data() + 8, &b, 8);
    return g;
  }

  bool Known(const std::string& oid) {
    std::shared_lock lock(known_mu_);
    return known_.count(oid) > 0;
  }
  void Remember(const std::string& oid) {
    std::unique_lock lock(known_mu_);
    if (known_.size() >= kMaxKnownGroups) known_.clear();
    known_.insert(oid);
  }

  // Adds removals of every key in [begin, end) to `objects`: the keys stored now (listed) and
  // those the batch put before this entry.
  Status DeleteRange(std::string_view begin, std::string_view end, uint32_t entry,
                     std::map<std::string, std::unique_ptr<ObjectWrite>>& objects,
                     RadosSnapshot* guard) {
    IteratorOptions o;
    o.lower.assign(begin);
    o.upper.assign(end);
    RadosIterator it(this, o, nullptr);
    struct Doomed {
      std::string oid, key, omap_key;
    };
    std::vector<Doomed> doomed;
    for (it.Seek(o.lower); it.Valid(); it.Next()) {
      doomed.push_back({it.oid(), std::string(it.key()), it.omap_key()});
    }
    QUANTA_RETURN_IF_ERROR(it.status());
    for (auto& [oid, w] : objects) {
      for (auto k = w->written.lower_bound(std::string(begin));
           k != w->written.end() && (end.empty() || k->first < end); ++k) {
        doomed.push_back({oid, k->first, k->second});
      }
    }
    for (const Doomed& d : doomed) {
      auto& w = objects[d.oid];
      if (!w) w = std::make_unique<ObjectWrite>(guard ? guard->Pinned(d.oid) : std::nullopt);
      w->Delete(d.key, d.omap_key);
      if (w->entries.empty() || w->entries.back() != entry) w->entries.push_back(entry);
    }
    return Status::OK();
  }

  friend class RadosIterator;

  static constexpr uint64_t kNotifyTimeoutMs = 5000;

  struct WatchCtx final : public librados::WatchCtx2 {
    RadosBackend* backend = nullptr;
    void Set(std::function<void(bool)> fn) {
      std::lock_guard lock(mu);
      changed = std::move(fn);
    }
    void Changed(bool announced) {
      std::lock_guard lock(mu);
      if (changed) changed(announced);
    }
    void handle_notify(uint64_t notify_id, uint64_t cookie, uint64_t /*notifier_id*/,
                       librados::bufferlist& /*bl*/) override {
      librados::bufferlist reply;
      backend->ioctx_.notify_ack(kSharedObject, notify_id, cookie, reply);
      Changed(/*announced=*/true);
    }
    // The watch broke (a network partition, an OSD restart): notifications may have been
    // missed, so the watcher reads again, and the watch is set up anew off this thread.
    void handle_error(uint64_t /*cookie*/, int /*err*/) override {
      Changed(/*announced=*/false);
      backend->Rewatch();
    }

   private:
    std::mutex mu;
    std::function<void(bool)> changed;  // GUARDED_BY(mu)
  };

  void Rewatch() {
    std::lock_guard lock(watch_mu_);
    if (watch_stopping_ || rewatching_) return;
    rewatching_ = true;
    if (rewatch_.joinable()) rewatch_.join();  // the previous one has finished (flag was off)
    rewatch_ = std::thread([this] {
      for (int attempt = 0; attempt < 600; ++attempt) {
        {
          std::lock_guard l(watch_mu_);
          if (watch_stopping_) break;
        }
        if (watch_handle_ != 0) ioctx_.unwatch2(watch_handle_);
        watch_handle_ = 0;
        if (ioctx_.watch2(kSharedObject, &watch_handle_, &watch_ctx_) >= 0) {
          watch_ctx_.Changed(/*announced=*/false);  // what happened while unwatched
          break;
        }
        watch_handle_ = 0;
        std::this_thread::sleep_for(std::chrono::seconds(1));
      }
      std::lock_guard l(watch_mu_);
      rewatching_ = false;
    });
  }

  void ReapNotifies(bool wait) {
    std::lock_guard lock(watch_mu_);
    std::erase_if(notifies_, [&](librados::AioCompletion* c) {
      if (!wait && !c->is_complete()) return false;
      c->wait_for_complete();
      c->release();
      return true;
    });
  }

  WatchCtx watch_ctx_;
  uint64_t watch_handle_ = 0;
  std::mutex watch_mu_;
  bool watch_stopping_ = false;  // GUARDED_BY(watch_mu_)
  bool rewatching_ = false;      // GUARDED_BY(watch_mu_)
  std::thread rewatch_;
  std::vector<librados::AioCompletion*> notifies_;  // GUARDED_BY(watch_mu_)
  std::mutex large_mu_;
  std::unordered_set<std::string> large_noted_;  // GUARDED_BY(large_mu_)

  librados::Rados cluster_;
  librados::IoCtx ioctx_;
  std::string pool_;
  const KeySplitter* splitter_ = nullptr;
  std::mutex rng_mu_;
  std::mt19937_64 rng_;
  std::shared_mutex known_mu_;
  std::unordered_set<std::string> known_;
};

RadosIterator::RadosIterator(RadosBackend* backend, IteratorOptions options,
                             RadosSnapshot* snapshot)
    : b_(backend), options_(std::move(options)), snapshot_(snapshot) {
  const KeyPlacement p = b_->Place(options_.lower);
  if (p.shared) {
    shared_ = true;
    return;
  }
  if (p.family_end == KeyPlacement::kUnknown || p.family_end > options_.lower.size()) {
    SetError(Status(ErrorCode::kInvalidArgument,
                    "storage: a range must lie within one family of groups"));
    return;
  }
  space_ = options_.lower.substr(0, p.space_end);
  family_ = options_.lower.substr(p.space_end, p.family_end - p.space_end);
  index_oid_ = "f" + HexEncode(family_);
  const std::string family_end = Successor(space_ + family_);
  if (!family_end.empty() && (options_.upper.empty() || options_.upper > family_end)) {
    SetError(Status(ErrorCode::kInvalidArgument,
                    "storage: a range must lie within one family of groups"));
    return;
  }
  if (p.group_end != KeyPlacement::kUnknown && p.group_end <= options_.lower.size()) {
    const std::string group_end = Successor(options_.lower.substr(0, p.group_end));
    single_group_ = !options_.upper.empty() && (group_end.empty() || options_.upper <= group_end);
  }
}

void RadosIterator::Seek(std::string_view target) {
  if (!status_.ok()) return;
  page_.clear();
  pos_ = 0;
  done_ = false;
  object_open_ = false;
  groups_.clear();
  next_group_ = 0;
  std::string t(std::max(target, std::string_view(options_.lower)));
  if (!options_.upper.empty() && t >= options_.upper) {
    done_ = true;
    return;
  }
  if (shared_) {
    OpenObject("", t);
    Fill();
    return;
  }
  const KeyPlacement p = b_->Place(t);
  const bool complete = p.group_end != KeyPlacement::kUnknown && p.group_end <= t.size() &&
                        p.space_end == space_.size() && t.starts_with(space_ + family_);
  if (complete) {
    std::string gid = t.substr(p.space_end, p.group_end - p.space_end);
    index_from_ = gid;
    index_inclusive_ = false;
    index_more_ = !single_group_;
    groups_.push_back(std::move(gid));
  } else {
    index_from_ = t.size() > space_.size() ? t.substr(space_.size()) : family_;
    index_inclusive_ = true;
    index_more_ = true;
  }
  if (NextObject()) OpenObject(group_, t);
  Fill();
}

bool RadosIterator::NextObject() {
  while (next_group_ == groups_.size()) {
    if (!index_more_) return false;
    Page page;
    Status st = b_->ReadOmap(index_oid_, index_from_, index_inclusive_, family_, kIndexPage,
                             nullptr, &page);
    if (!st.ok()) {
      SetError(std::move(st));
      return false;
    }
    groups_.clear();
    next_group_ = 0;
    for (auto& [gid, unused] : page.entries) groups_.push_back(gid);
    index_more_ = page.more && !page.entries.empty();
    if (!page.entries.empty()) {
      index_from_ = page.entries.back().first;
      index_inclusive_ = false;
    }
    if (groups_.empty()) return false;
  }
  group_ = groups_[next_group_++];
  // Groups come in key order: one at or past the upper bound ends the walk.
  if (!options_.upper.empty() && space_ + group_ >= options_.upper) {
    index_more_ = false;
    groups_.clear();
    next_group_ = 0;
    return false;
  }
  return true;
}

void RadosIterator::OpenObject(const std::string& gid, std::string_view target) {
  object_open_ = true;
  object_entries_ = 0;
  object_bytes_ = 0;
  object_more_ = true;
  from_inclusive_ = true;
  if (shared_) {
    group_.clear();
    oid_ = kSharedObject;
    omap_from_.assign(target);
    omap_upper_ = options_.upper;
  } else {
    group_ = gid;
    oid_ = "g" + HexEncode(gid);
    const std::string head = space_ + gid;
    omap_from_ = space_;
    if (target.starts_with(head)) omap_from_.append(target.substr(head.size()));
    if (!options_.upper.empty() && std::string_view(options_.upper).starts_with(head)) {
      omap_upper_ = space_ + options_.upper.substr(head.size());
    } else {
      omap_upper_ = Successor(space_);
    }
  }
  filter_ = omap_upper_.empty() ? (shared_ ? std::string() : space_)
                                : CommonPrefix(omap_from_, omap_upper_);
}

void RadosIterator::Fill() {
  page_.clear();
  pos_ = 0;
  while (!done_) {
    if (!object_open_ || !object_more_) {
      if (shared_ || single_group_ || !NextObject()) {
        done_ = true;
        return;
      }
      OpenObject(group_, "");
    }
    Page page;
    Status st = b_->ReadOmap(oid_, omap_from_, from_inclusive_, filter_, page_size_, snapshot_,
                             &page);
    if (!st.ok()) {
      SetError(std::move(st));
      return;
    }
    page_size_ = page.bytes > kPageBytes ? std::max(kFirstPage, page_size_ / 2)
                                         : std::min(kMaxPage, page_size_ * 2);
    object_more_ = page.more && !page.entries.empty();
    const bool was_large = object_entries_ >= kLargeObjectEntries ||
                           object_bytes_ >= kLargeObjectBytes;
    object_entries_ += page.entries.size();
    object_bytes_ += page.bytes;
    if (!was_large && !shared_ &&
        (object_entries_ >= kLargeObjectEntries || object_bytes_ >= kLargeObjectBytes)) {
      b_->NoteLargeObject(oid_);
    }
    if (!page.entries.empty()) {
      omap_from_ = page.entries.back().first;
      from_inclusive_ = false;
    }
    for (auto& [k, v] : page.entries) {
      if (!omap_upper_.empty() && k >= omap_upper_) {
        object_more_ = false;
        break;
      }
      if (shared_) {
        page_.emplace_back(std::move(k), std::move(v));
      } else {
        std::string key = space_ + group_;
        key.append(std::string_view(k).substr(space_.size()));
        page_.emplace_back(std::move(key), std::move(v));
      }
    }
    if (!page_.empty()) return;
  }
}

}  // namespace

Result<std::unique_ptr<Backend>> OpenRadosBackend(const RadosOptions& options) {
  auto backend = std::make_unique<RadosBackend>();
  QUANTA_RETURN_IF_ERROR(backend->Open(options));
  return std::unique_ptr<Backend>(std::move(backend));
}

}  // namespace quanta::storage
