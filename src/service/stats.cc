#include "service/stats.h"

#include <algorithm>
#include <cstdio>

namespace quanta::service {

const char* OpName(Op op) {
  switch (op) {
    case Op::kQuery: return "query";
    case Op::kPut: return "put";
    case Op::kGet: return "get";
    case Op::kDelete: return "delete";
    case Op::kListKeys: return "list_keys";
    case Op::kCoverage: return "coverage";
    case Op::kCount: break;
  }
  return "unknown";
}

// Buckets grow by ~1.33x from 1 us: bucket i covers up to BucketBound(i).
uint64_t LatencyHistogram::BucketBound(int i) {
  double b = 1.0;
  for (int k = 0; k < i; ++k) b *= 1.34;
  return static_cast<uint64_t>(b);
}

void LatencyHistogram::Record(uint64_t micros) {
  int i = 0;
  while (i < kBuckets - 1 && micros > BucketBound(i)) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(micros, std::memory_order_relaxed);
}

uint64_t LatencyHistogram::Percentile(double p) const {
  uint64_t total = count();
  if (total == 0) return 0;
  uint64_t rank = static_cast<uint64_t>(p / 100.0 * static_cast<double>(total));
  if (rank >= total) rank = total - 1;
  uint64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    seen += bucket(i);
    if (seen > rank) return BucketBound(i);
  }
  return BucketBound(kBuckets - 1);
}

std::string Stats::ToJson() const {
  std::string out = "{";
  for (size_t i = 0; i < static_cast<size_t>(Op::kCount); ++i) {
    const char* name = OpName(static_cast<Op>(i));
    out += "\"" + std::string(name) + "_requests\":" + std::to_string(requests[i].load()) + ",";
    out += "\"" + std::string(name) + "_errors\":" + std::to_string(errors[i].load()) + ",";
  }
  out += "\"rows_written\":" + std::to_string(rows_written.load()) + ",";
  out += "\"rows_read\":" + std::to_string(rows_read.load()) + ",";
  out += "\"rows_scanned\":" + std::to_string(rows_scanned.load()) + ",";
  out += "\"pb_connections\":" + std::to_string(pb_connections.load()) + ",";
  out += "\"http_connections\":" + std::to_string(http_connections.load()) + ",";
  out += "\"queries_running\":" + std::to_string(queries_running.load()) + ",";
  out += "\"query_latency_us_p50\":" + std::to_string(query_latency.Percentile(50)) + ",";
  out += "\"query_latency_us_p95\":" + std::to_string(query_latency.Percentile(95)) + ",";
  out += "\"query_latency_us_p99\":" + std::to_string(query_latency.Percentile(99)) + ",";
  out += "\"query_count\":" + std::to_string(query_latency.count());
  out += "}";
  return out;
}

std::string Stats::ToPrometheus() const {
  std::string out;
  out += "# HELP quanta_requests_total Requests handled, by operation.\n";
  out += "# TYPE quanta_requests_total counter\n";
  for (size_t i = 0; i < static_cast<size_t>(Op::kCount); ++i) {
    out += "quanta_requests_total{op=\"" + std::string(OpName(static_cast<Op>(i))) + "\"} " +
           std::to_string(requests[i].load()) + "\n";
  }
  out += "# HELP quanta_errors_total Requests that failed, by operation.\n";
  out += "# TYPE quanta_errors_total counter\n";
  for (size_t i = 0; i < static_cast<size_t>(Op::kCount); ++i) {
    out += "quanta_errors_total{op=\"" + std::string(OpName(static_cast<Op>(i))) + "\"} " +
           std::to_string(errors[i].load()) + "\n";
  }
  out += "# TYPE quanta_rows_written_total counter\nquanta_rows_written_total " +
         std::to_string(rows_written.load()) + "\n";
  out += "# TYPE quanta_rows_read_total counter\nquanta_rows_read_total " +
         std::to_string(rows_read.load()) + "\n";
  out += "# TYPE quanta_rows_scanned_total counter\nquanta_rows_scanned_total " +
         std::to_string(rows_scanned.load()) + "\n";
  out += "# TYPE quanta_open_connections gauge\n";
  out += "quanta_open_connections{listener=\"pb\"} " + std::to_string(pb_connections.load()) +
         "\n";
  out += "quanta_open_connections{listener=\"http\"} " +
         std::to_string(http_connections.load()) + "\n";
  out += "# HELP quanta_query_latency_seconds Query latency.\n";
  out += "# TYPE quanta_query_latency_seconds histogram\n";
  uint64_t cumulative = 0;
  for (int i = 0; i < LatencyHistogram::kBuckets; i += 4) {
    for (int k = i; k < i + 4 && k < LatencyHistogram::kBuckets; ++k)
      cumulative += query_latency.bucket(k);
    int last = std::min(i + 3, LatencyHistogram::kBuckets - 1);
    char le[32];
    std::snprintf(le, sizeof le, "%.6f", LatencyHistogram::BucketBound(last) / 1e6);
    out += "quanta_query_latency_seconds_bucket{le=\"" + std::string(le) + "\"} " +
           std::to_string(cumulative) + "\n";
  }
  out += "quanta_query_latency_seconds_bucket{le=\"+Inf\"} " +
         std::to_string(query_latency.count()) + "\n";
  char sum[32];
  std::snprintf(sum, sizeof sum, "%.6f", query_latency.sum_micros() / 1e6);
  out += "quanta_query_latency_seconds_sum " + std::string(sum) + "\n";
  out += "quanta_query_latency_seconds_count " + std::to_string(query_latency.count()) + "\n";
  return out;
}

}  // namespace quanta::service
