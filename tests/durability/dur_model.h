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
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

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

// Row i of batch b, in table column order: host, ts, v, n, s, b.
inline Row MakeRow(const BatchId& b, int i) {
  uint64_t h = Mix(Hash(b, 2) ^ static_cast<uint64_t>(i));
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

inline Row KeyOf(const BatchId& b, int i) { return {Value::Bytes(Host(b)), Value::Int(Ts(b, i))}; }

inline std::string RowText(const Row& row) {
  std::string s = "(";
  for (size_t i = 0; i < row.size(); ++i) s += (i ? ", " : "") + row[i].DebugString();
  return s + ")";
}

}  // namespace quanta::durability
