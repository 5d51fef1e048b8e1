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

std::string Stats::ToJson(const storage::StoreStats* storage) const {
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
  if (storage != nullptr) {
    const auto field = [&](const char* name, uint64_t v) {
      out += ",\"storage_" + std::string(name) + "\":" + std::to_string(v);
    };
    field("writable", storage->writable ? 1 : 0);
    field("disk_bytes", storage->sst_bytes);
    field("free_bytes", storage->free_bytes);
    field("head_rows", storage->head_rows);
    field("seals", storage->seals);
    field("rows_sealed", storage->rows_sealed);
    field("chunks_written", storage->chunks_written);
    field("seal_failures", storage->seal_failures);
    field("sorted_runs", storage->sorted_runs);
    field("flush_bytes_written", storage->flush_bytes_written);
    field("compaction_bytes_written", storage->compaction_bytes_written);
  }
  out += "}";
  return out;
}

std::string Stats::ToPrometheus(const storage::StoreStats* storage) const {
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
  if (storage != nullptr) {
    const auto metric = [&](const char* name, const char* type, const char* help, uint64_t v) {
      out += "# HELP quanta_storage_" + std::string(name) + " " + help + "\n";
      out += "# TYPE quanta_storage_" + std::string(name) + " " + type + "\n";
      out += "quanta_storage_" + std::string(name) + " " + std::to_string(v) + "\n";
    };
    metric("disk_bytes", "gauge", "Bytes the stored data takes on disk.", storage->sst_bytes);
    metric("free_bytes", "gauge", "Free bytes on the data directory's file system.",
           storage->free_bytes);
    metric("head_rows", "gauge", "Rows written and not yet sealed into chunks.",
           storage->head_rows);
    metric("seals_total", "counter", "Partition seals since start.", storage->seals);
    metric("rows_sealed_total", "counter", "Head rows folded into chunks since start.",
           storage->rows_sealed);
    metric("chunks_written_total", "counter", "Chunks written since start.",
           storage->chunks_written);
    metric("seal_failures_total", "counter", "Seals that failed (retried later) since start.",
           storage->seal_failures);
    metric("compaction_bytes_written_total", "counter",
           "Bytes written by the backend's compactions since start.",
           storage->compaction_bytes_written);
  }
  return out;
}

}  // namespace quanta::service
