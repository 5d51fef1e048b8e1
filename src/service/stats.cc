#include "service/stats.h"


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

uint64_t Stats::requests_of(Op op) const {
  uint64_t n = 0;
  for (const auto& c : requests[static_cast<size_t>(op)]) n += c.load(std::memory_order_relaxed);
  return n;
}

uint64_t Stats::errors_of(Op op) const {
  uint64_t n = 0;
  for (const auto& c : errors[static_cast<size_t>(op)]) n += c.load(std::memory_order_relaxed);
  return n;
}

std::string Stats::ToJson(const storage::StoreStats* storage) const {
  std::string out = "{";
  for (size_t i = 0; i < static_cast<size_t>(Op::kCount); ++i) {
    const Op op = static_cast<Op>(i);
    const char* name = OpName(op);
    out += "\"" + std::string(name) + "_requests\":" + std::to_string(requests_of(op)) + ",";
    out += "\"" + std::string(name) + "_errors\":" + std::to_string(errors_of(op)) + ",";
  }
  out += "\"rows_written\":" + std::to_string(rows_written.load()) + ",";
  out += "\"rows_read\":" + std::to_string(rows_read.load()) + ",";
  out += "\"rows_scanned\":" + std::to_string(rows_scanned.load()) + ",";
  out += "\"slow_queries\":" + std::to_string(slow_queries.load()) + ",";
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
    field("seal_conflicts", storage->seal_conflicts);
    field("sorted_runs", storage->sorted_runs);
    field("flush_bytes_written", storage->flush_bytes_written);
    field("compaction_bytes_written", storage->compaction_bytes_written);
    field("compactions", storage->compactions);
    field("compactions_running", storage->compactions_running);
    field("compaction_pending_bytes", storage->compaction_pending_bytes);
  }
  out += "}";
  return out;
}

}  // namespace quanta::service
