// Deterministic data model shared by the durability tests.
//
// Every batch is identified by (cycle, writer, seq). Its size, keys and values are pure functions
// of that id, so the parent process only has to learn *which* batches were acknowledged (one short
// record each) to know every row it must find after the crash.
//
//   host = "c<cycle>w<writer>"            (one writer owns one host, so batches never overlap)
//   ts   = kBaseTs + (seq * kMaxBatch + i) * 1000        for row i of batch seq
//
// A writer issues its batches strictly in seq order, one at a time, so after a crash at most one
// batch per writer (last acknowledged + 1) can be in flight; it must be all-or-nothing.
//
// With mutations (the default), a writer's operation seq is not always a batch of new rows: it
// may instead rewrite rows of one of the writer's earlier batches with new values (an update:
// one atomic put) or delete some of them (one delete per row). Which, and of which rows, is again
// a pure function of the id, so replaying a writer's acknowledged operations (WriterHistory)
// gives the exact state every row must be in: present with the values of its last acknowledged
// write, or absent. Earlier batches are mostly sealed into chunks by then (the tests run the
// store with the smallest chunks and a 1 ms seal delay), so updates and deletes of sealed rows
// are exercised while the process is killed.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "common/value.h"

namespace quanta::durability {

inline constexpr const char* kTable = "dur";
inline constexpr const char* kCreateTable =
    "CREATE TABLE dur (host VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, v DOUBLE, n SINT64, "
    "s VARCHAR, b BOOLEAN, PRIMARY KEY ((host, QUANTUM(ts, 1, 'h')), host, ts))";
inline constexpr int kColumns = 6;
inline constexpr int64_t kBaseTs = 1451606400000;  // 2016-01-01T00:00:00Z
inline constexpr int kMaxBatch = 300;

struct BatchId {
  int cycle = 0;
  int writer = 0;
  int seq = 0;
};

inline uint64_t Mix(uint64_t x) {  // splitmix64 finaliser
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

inline uint64_t Hash(const BatchId& b, uint64_t salt) {
  return Mix(Mix(Mix(static_cast<uint64_t>(b.cycle) * 1000003 + salt) ^
                 static_cast<uint64_t>(b.writer)) ^
             static_cast<uint64_t>(b.seq));
}

// 1..kMaxBatch rows, skewed towards small batches with some full ones.
inline int BatchRows(const BatchId& b) {
  uint64_t h = Hash(b, 1);
  if (h % 8 == 0) return kMaxBatch;
  return 1 + static_cast<int>((h >> 8) % (kMaxBatch / 2));
}

inline std::string Host(const BatchId& b) {
  std::string h = "c";
  h += std::to_string(b.cycle);
  h += 'w';
  h += std::to_string(b.writer);
  return h;
}

inline int64_t Ts(const BatchId& b, int i) {
  return kBaseTs + (static_cast<int64_t>(b.seq) * kMaxBatch + i) * 1000;
}

// Row i of batch b as written by version `version` of it: 0 = the insert, v > 0 = the update
// issued as operation seq v (same key, other values). Table column order: host, ts, v, n, s, b.
inline Row MakeRowVersion(const BatchId& b, int i, int version) {
  uint64_t salt = version == 0 ? 2 : 1000 + static_cast<uint64_t>(version);
  uint64_t h = Mix(Hash(b, salt) ^ static_cast<uint64_t>(i));
  Row row;
  row.reserve(kColumns);
  row.push_back(Value::Bytes(Host(b)));
  row.push_back(Value::Int(Ts(b, i)));
  // Exactly representable doubles (k / 64), so every text rendering reads back bit-identical.
  if (h % 17 == 0) {
    row.push_back(Value::Null());
  } else {
    row.push_back(Value::Double(static_cast<double>(static_cast<int64_t>((h >> 4) % 4000001) -
                                                    2000000) / 64.0));
  }
  int64_t n = static_cast<int64_t>(Mix(h) >> 1);
  row.push_back(h % 13 == 0 ? Value::Null() : Value::Int((h & 1) ? n : -n));
  if (h % 11 == 0) {
    row.push_back(Value::Null());
  } else {
    std::string s;
    size_t len = (h >> 20) % 40;
    for (size_t k = 0; k < len; ++k) s.push_back("abcdefghijklmnopqrstuvwxyz0123456789 -_."[(h >> (k % 50)) % 40]);
    row.push_back(Value::Bytes(std::move(s)));
  }
  row.push_back(h % 7 == 0 ? Value::Null() : Value::Bool((h >> 9) & 1));
  return row;
}

// Row i of batch b as inserted.
inline Row MakeRow(const BatchId& b, int i) { return MakeRowVersion(b, i, 0); }

inline Row KeyOf(const BatchId& b, int i) { return {Value::Bytes(Host(b)), Value::Int(Ts(b, i))}; }

inline std::string RowText(const Row& row) {
  std::string s = "(";
  for (size_t i = 0; i < row.size(); ++i) s += (i ? ", " : "") + row[i].DebugString();
  return s + ")";
}

// ---- Mutations ------------------------------------------------------------------------------

enum class OpKind : uint8_t { kInsert, kUpdate, kDelete };

// Operation seq of a writer: an insert of batch seq, or an update/delete of rows
// [first, first + count) of the writer's earlier insert batch `target`.
struct Op {
  OpKind kind = OpKind::kInsert;
  int target = 0;
  int first = 0;
  int count = 0;
};

inline OpKind KindOf(const BatchId& b, bool mutations) {
  if (!mutations || b.seq < 2) return OpKind::kInsert;
  uint64_t h = Hash(b, 3) % 10;
  return h < 6 ? OpKind::kInsert : h < 9 ? OpKind::kUpdate : OpKind::kDelete;
}

inline Op OpOf(const BatchId& b, bool mutations) {
  Op op;
  op.kind = KindOf(b, mutations);
  if (op.kind == OpKind::kInsert) {
    op.target = b.seq;
    op.count = BatchRows(b);
    return op;
  }
  // Half of the targets anywhere in the past (sealed long ago), half among the last few
  // operations (perhaps still head rows, perhaps being sealed).
  uint64_t h = Hash(b, 4);
  int s = (h & 1) ? static_cast<int>((h >> 1) % static_cast<uint64_t>(b.seq))
                  : b.seq - 1 - static_cast<int>((h >> 1) % static_cast<uint64_t>(std::min(b.seq, 6)));
  while (s > 0 && KindOf(BatchId{b.cycle, b.writer, s}, mutations) != OpKind::kInsert) --s;
  op.target = s;  // seq 0 is always an insert
  const int n = BatchRows(BatchId{b.cycle, b.writer, s});
  const int most = op.kind == OpKind::kDelete ? std::min(n, 6) : n;
  op.count = 1 + static_cast<int>((h >> 24) % static_cast<uint64_t>(most));
  op.first = static_cast<int>((h >> 40) % static_cast<uint64_t>(n - op.count + 1));
  return op;
}

inline constexpr int kAbsent = -1;  // a row version: not there (never written, or deleted)
inline constexpr int kNoAlt = -2;   // no second possibility
inline constexpr int kUnknown = -3; // a row found with values of no allowed version

// What the rows of one insert batch may hold.
struct BatchExpect {
  BatchId b;
  int n = 0;
  std::vector<int> want;  // per row: the version of the last acknowledged write, or kAbsent
  std::vector<int> alt;   // per row: the version the in-flight operation writes, or kNoAlt
  bool atomic = true;     // the in-flight operation is all-or-nothing (not a delete)
};

// The row versions of one writer's batches after its operations [0, next) were acknowledged;
// operation `next` may be in flight.
class WriterHistory {
 public:
  WriterHistory(int cycle, int writer, bool mutations)
      : cycle_(cycle), writer_(writer), mutations_(mutations) {}

  // Operations 0..last acknowledged.
  static WriterHistory Replayed(int cycle, int writer, int last, bool mutations) {
    WriterHistory h(cycle, writer, mutations);
    while (h.next() <= last) h.ApplyNext();
    return h;
  }

  int next() const { return next_; }
  Op NextOp() const { return OpOf(Id(next_), mutations_); }
  BatchId Id(int seq) const { return BatchId{cycle_, writer_, seq}; }

  void ApplyNext() {
    Op op = NextOp();
    if (op.kind == OpKind::kInsert) {
      rows_[next_].assign(static_cast<size_t>(op.count), 0);
    } else {
      std::vector<int>& v = rows_[op.target];
      for (int i = op.first; i < op.first + op.count; ++i) {
        v[i] = op.kind == OpKind::kUpdate ? next_ : kAbsent;
      }
    }
    ++next_;
  }

  // The version row i of insert batch `seq` holds now (kAbsent if not written).
  int Version(int seq, int i) const {
    auto it = rows_.find(seq);
    return it == rows_.end() ? kAbsent : it->second[static_cast<size_t>(i)];
  }

  // Insert batches issued so far, the in-flight one included.
  std::vector<int> InsertSeqs() const {
    std::vector<int> out;
    for (const auto& [seq, v] : rows_) out.push_back(seq);
    if (NextOp().kind == OpKind::kInsert) out.push_back(next_);
    return out;
  }

  // Every version operations [0, next] wrote to row i of insert batch `seq` (slow: failures only).
  std::vector<int> VersionsWritten(int seq, int i) const {
    std::vector<int> out;
    for (int k = seq; k <= next_; ++k) {
      Op op = OpOf(Id(k), mutations_);
      if (op.kind != OpKind::kDelete && op.target == seq && i >= op.first && i < op.first + op.count) {
        out.push_back(op.kind == OpKind::kUpdate ? k : 0);
      }
    }
    return out;
  }

  BatchExpect Expect(int seq) const {
    BatchExpect e;
    e.b = Id(seq);
    e.n = BatchRows(e.b);
    auto it = rows_.find(seq);
    e.want = it != rows_.end() ? it->second : std::vector<int>(static_cast<size_t>(e.n), kAbsent);
    e.alt.assign(static_cast<size_t>(e.n), kNoAlt);
    Op op = NextOp();
    if (op.target == seq && (op.kind != OpKind::kInsert || seq == next_)) {
      for (int i = op.first; i < op.first + op.count; ++i) {
        e.alt[i] = op.kind == OpKind::kDelete ? kAbsent : op.kind == OpKind::kUpdate ? next_ : 0;
      }
      e.atomic = op.kind != OpKind::kDelete;
    }
    return e;
  }

 private:
  int cycle_, writer_;
  bool mutations_;
  int next_ = 0;
  std::map<int, std::vector<int>> rows_;  // insert seq -> row versions
};

// The version of row i of batch e.b that `matches` accepts: one of those allowed, else any other
// the writer ever wrote to that row (a stale version), else kUnknown.
template <typename Matches>
int MatchVersion(const WriterHistory& h, const BatchExpect& e, int i, const Matches& matches) {
  for (int v : {e.want[i], e.alt[i]}) {
    if (v >= 0 && matches(MakeRowVersion(e.b, i, v))) return v;
  }
  for (int v : h.VersionsWritten(e.b.seq, i)) {
    if (matches(MakeRowVersion(e.b, i, v))) return v;
  }
  return kUnknown;
}

// Judges what was found of a batch (found[i]: a version, kAbsent or kUnknown). Returns how many
// rows the in-flight operation was found applied to.
inline int JudgeBatch(const BatchExpect& e, const std::vector<int>& found,
                      std::vector<std::string>* failures) {
  const std::string id = Host(e.b) + " seq " + std::to_string(e.b.seq) + " (" +
                         std::to_string(e.n) + " rows)";
  // Failures of one kind are counted and reported once, with their first row.
  struct Kind {
    int count = 0;
    std::string first;
  } missing, unknown, resurrected, stale;
  auto note = [](Kind& k, const std::string& what) {
    if (k.count++ == 0) k.first = what;
  };
  int applied = 0, not_applied = 0;
  for (int i = 0; i < e.n; ++i) {
    const int f = found[i], want = e.want[i], alt = e.alt[i];
    const std::string row = RowText(KeyOf(e.b, i));
    if (alt != kNoAlt && alt != want) {
      if (f == alt) ++applied;
      if (f == want) ++not_applied;
    }
    if (f == want || (alt != kNoAlt && f == alt)) continue;
    if (f == kUnknown) {
      note(unknown, row + " (want " +
                        (want == kAbsent ? "no row" : RowText(MakeRowVersion(e.b, i, want))) + ")");
    } else if (f == kAbsent) {
      note(missing, row);
    } else if (want == kAbsent) {
      note(resurrected, row + " (version " + std::to_string(f) + ")");
    } else {
      note(stale, row + " holds version " + std::to_string(f) + ", the last acknowledged write is version " +
                      std::to_string(want));
    }
  }
  if (missing.count > 0) {
    failures->push_back("acknowledged batch " + id + ": " + std::to_string(missing.count) +
                        " rows missing, first " + missing.first);
  }
  if (resurrected.count > 0) {
    failures->push_back("batch " + id + ": " + std::to_string(resurrected.count) +
                        " rows present that were deleted or never written, first " + resurrected.first);
  }
  if (stale.count > 0) {
    failures->push_back("batch " + id + ": " + std::to_string(stale.count) +
                        " rows hold an older version, first " + stale.first);
  }
  if (unknown.count > 0) {
    failures->push_back("batch " + id + ": " + std::to_string(unknown.count) +
                        " rows hold values of no write, first " + unknown.first);
  }
  if (e.atomic && applied > 0 && not_applied > 0) {
    failures->push_back("in-flight write to batch " + id + " is partial: applied to " +
                        std::to_string(applied) + " rows, not to " + std::to_string(not_applied));
  }
  return applied;
}

}  // namespace quanta::durability
