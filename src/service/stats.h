// Stats: process-wide counters served by GET /stats (JSON) and GET /metrics (Prometheus text).
// All members are lock-free atomics or internally locked; safe from any thread.
#pragma once

#include "storage/store.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace quanta::service {

enum class Op : uint8_t { kQuery, kPut, kGet, kDelete, kListKeys, kCoverage, kCount };
const char* OpName(Op op);

// Fixed-bucket latency histogram (microseconds), good enough for p50/p95/p99.
class LatencyHistogram {
 public:
  void Record(uint64_t micros);
  // Approximate percentile (0..100) in microseconds; 0 when empty.
  uint64_t Percentile(double p) const;
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  uint64_t sum_micros() const { return sum_.load(std::memory_order_relaxed); }
  static constexpr int kBuckets = 64;
  // Upper bound (inclusive) of bucket i in microseconds.
  static uint64_t BucketBound(int i);
  uint64_t bucket(int i) const { return buckets_[i].load(std::memory_order_relaxed); }

 private:
  std::array<std::atomic<uint64_t>, kBuckets> buckets_{};
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_{0};
};

struct Stats {
  std::array<std::atomic<uint64_t>, static_cast<size_t>(Op::kCount)> requests{};
  std::array<std::atomic<uint64_t>, static_cast<size_t>(Op::kCount)> errors{};
  std::atomic<uint64_t> rows_written{0};
  std::atomic<uint64_t> rows_read{0};        // rows returned by get/query
  std::atomic<uint64_t> rows_scanned{0};     // rows read from storage by queries
  std::atomic<int64_t> pb_connections{0};
  std::atomic<int64_t> http_connections{0};
  std::atomic<int64_t> queries_running{0};
  LatencyHistogram query_latency;

  void Count(Op op, bool ok) {
    requests[static_cast<size_t>(op)].fetch_add(1, std::memory_order_relaxed);
    if (!ok) errors[static_cast<size_t>(op)].fetch_add(1, std::memory_order_relaxed);
  }
  // With `storage`, the store's figures are included (storage_* in JSON, quanta_storage_* in
  // the Prometheus text).
  std::string ToJson(const storage::StoreStats* storage = nullptr) const;
  std::string ToPrometheus(const storage::StoreStats* storage = nullptr) const;
};

}  // namespace quanta::service
