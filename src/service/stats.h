// Stats: process-wide counters served by GET /stats (JSON) and GET /metrics (Prometheus text,
// service/metrics.cc). All members are lock-free atomics; safe from any thread.
#pragma once

#include "service/request_context.h"
#include "storage/store.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

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
  // Upper bound (inclusive) of bucket i in microseconds; the last bucket has no bound.
  static uint64_t BucketBound(int i);
  uint64_t bucket(int i) const { return buckets_[i].load(std::memory_order_relaxed); }

 private:
  std::array<std::atomic<uint64_t>, kBuckets> buckets_{};
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_{0};
};

// Riak error codes are counted in slots: 0 for errors without a Riak code, then 1001..1027.
inline constexpr int kFirstRiakCode = 1001;
inline constexpr int kLastRiakCode = 1027;
inline constexpr size_t kErrorCodeSlots = kLastRiakCode - kFirstRiakCode + 2;
inline int ErrorCodeOfSlot(size_t slot) { return slot == 0 ? 0 : kFirstRiakCode + static_cast<int>(slot) - 1; }
inline size_t ErrorCodeSlot(int riak_code) {
  return riak_code >= kFirstRiakCode && riak_code <= kLastRiakCode
             ? static_cast<size_t>(riak_code - kFirstRiakCode + 1)
             : 0;
}

struct Stats {
  static constexpr size_t kOps = static_cast<size_t>(Op::kCount);
  static constexpr size_t kTransports = static_cast<size_t>(Transport::kCount);
  // [op][transport]
  std::array<std::array<std::atomic<uint64_t>, kTransports>, kOps> requests{};
  std::array<std::array<std::atomic<uint64_t>, kTransports>, kOps> errors{};
  // [op][ErrorCodeSlot(riak code)]
  std::array<std::array<std::atomic<uint64_t>, kErrorCodeSlots>, kOps> error_codes{};
  // Time each operation took in the service, per operation.
  std::array<LatencyHistogram, kOps> latency;
  std::atomic<uint64_t> rows_written{0};
  std::atomic<uint64_t> rows_read{0};        // rows returned by get/query
  std::atomic<uint64_t> rows_scanned{0};     // rows read from storage by queries
  std::atomic<uint64_t> slow_queries{0};     // statements at or over log.slow_query
  std::atomic<int64_t> pb_connections{0};
  std::atomic<int64_t> http_connections{0};
  // Bytes read from and written to client sockets by the listeners (TLS records included).
  std::atomic<uint64_t> pb_bytes_received{0}, pb_bytes_sent{0};
  std::atomic<uint64_t> http_bytes_received{0}, http_bytes_sent{0};
  std::atomic<int64_t> queries_running{0};
  LatencyHistogram query_latency;            // SELECT execution (the /stats percentiles)

  // One request of `op` on the current thread's transport (service/request_context.h).
  // `riak_code`: the code a failed request answered with (0 when it has none).
  void Count(Op op, bool ok, int riak_code = 0) {
    const size_t o = static_cast<size_t>(op);
    const size_t t = static_cast<size_t>(CurrentRequest().transport);
    requests[o][t].fetch_add(1, std::memory_order_relaxed);
    if (!ok) {
      errors[o][t].fetch_add(1, std::memory_order_relaxed);
      error_codes[o][ErrorCodeSlot(riak_code)].fetch_add(1, std::memory_order_relaxed);
    }
  }
  // Totals over the transports.
  uint64_t requests_of(Op op) const;
  uint64_t errors_of(Op op) const;
  // With `storage`, the store's figures are included (storage_* keys).
  std::string ToJson(const storage::StoreStats* storage = nullptr) const;
};

}  // namespace quanta::service
