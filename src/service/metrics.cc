#include "service/metrics.h"

#include <cstdio>

namespace quanta::service {
namespace {

class Writer {
 public:
  void Family(const char* name, const char* type, const char* help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += help;
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }
  // `labels` is empty or `a="x",b="y"`.
  void Sample(const std::string& name, const std::string& labels, const std::string& value) {
    out_ += name;
    if (!labels.empty()) out_ += "{" + labels + "}";
    out_ += ' ';
    out_ += value;
    out_ += '\n';
  }
  void Sample(const std::string& name, const std::string& labels, uint64_t v) {
    Sample(name, labels, std::to_string(v));
  }
  void SampleSigned(const std::string& name, const std::string& labels, int64_t v) {
    Sample(name, labels, std::to_string(v));
  }
  void One(const char* name, const char* type, const char* help, uint64_t v) {
    Family(name, type, help);
    Sample(name, "", v);
  }
  void OneSigned(const char* name, const char* type, const char* help, int64_t v) {
    Family(name, type, help);
    SampleSigned(name, "", v);
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

std::string Seconds(double micros) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.6f", micros / 1e6);
  return buf;
}

std::string OpLabel(size_t op) { return "op=\"" + std::string(OpName(static_cast<Op>(op))) + "\""; }

// Every fourth bucket of the histogram (bounds about 3.2x apart, 2 us to 32 s), then +Inf.
void Histogram(Writer& w, const std::string& name, const std::string& labels,
               const LatencyHistogram& h) {
  const std::string sep = labels.empty() ? "" : ",";
  uint64_t cumulative = 0;
  int next = 0;
  for (int i = 3; i < LatencyHistogram::kBuckets - 1; i += 4) {
    for (; next <= i; ++next) cumulative += h.bucket(next);
    w.Sample(name + "_bucket", labels + sep + "le=\"" + Seconds(LatencyHistogram::BucketBound(i)) + "\"",
             cumulative);
  }
  // Read the count last and never below the buckets: samples recorded meanwhile must not make
  // +Inf smaller than a finite bucket.
  uint64_t count = h.count();
  for (; next < LatencyHistogram::kBuckets; ++next) cumulative += h.bucket(next);
  if (count < cumulative) count = cumulative;
  w.Sample(name + "_bucket", labels + sep + "le=\"+Inf\"", count);
  w.Sample(name + "_sum", labels, Seconds(static_cast<double>(h.sum_micros())));
  w.Sample(name + "_count", labels, count);
}

}  // namespace

std::string RenderMetrics(const MetricsInputs& in) {
  const Stats& s = *in.stats;
  Writer w;
  w.Family("quanta_requests_total", "counter",
           "Requests handled, by operation and transport (inproc: in-process callers).");
  for (size_t o = 0; o < Stats::kOps; ++o) {
    for (size_t t = 0; t < Stats::kTransports; ++t) {
      w.Sample("quanta_requests_total",
               OpLabel(o) + ",transport=\"" + TransportName(static_cast<Transport>(t)) + "\"",
               s.requests[o][t].load(std::memory_order_relaxed));
    }
  }
  w.Family("quanta_request_errors_total", "counter",
           "Requests that failed, by operation and the Riak error code answered (0: none).");
  for (size_t o = 0; o < Stats::kOps; ++o) {
    for (size_t slot = 0; slot < kErrorCodeSlots; ++slot) {
      uint64_t n = s.error_codes[o][slot].load(std::memory_order_relaxed);
      if (n == 0 && slot != 0) continue;  // codes appear once they happen
      w.Sample("quanta_request_errors_total",
               OpLabel(o) + ",code=\"" + std::to_string(ErrorCodeOfSlot(slot)) + "\"", n);
    }
  }
  w.Family("quanta_request_duration_seconds", "histogram",
           "Time the service took to answer a request, by operation.");
  for (size_t o = 0; o < Stats::kOps; ++o) {
    Histogram(w, "quanta_request_duration_seconds", OpLabel(o), s.latency[o]);
  }
  w.One("quanta_rows_written_total", "counter", "Rows stored by puts and INSERTs.",
        s.rows_written.load());
  w.One("quanta_rows_read_total", "counter", "Rows returned by gets and queries.",
        s.rows_read.load());
  w.One("quanta_rows_scanned_total", "counter", "Rows read from storage by queries.",
        s.rows_scanned.load());
  w.One("quanta_slow_queries_total", "counter",
        "Statements that ran at least log.slow_query.", s.slow_queries.load());
  w.Family("quanta_open_connections", "gauge", "Client connections open, by listener.");
  w.SampleSigned("quanta_open_connections", "listener=\"pb\"", s.pb_connections.load());
  w.SampleSigned("quanta_open_connections", "listener=\"http\"", s.http_connections.load());
  w.Family("quanta_network_received_bytes_total", "counter",
           "Bytes read from client connections, by listener (HTTPS counts as http).");
  w.Sample("quanta_network_received_bytes_total", "listener=\"pb\"", s.pb_bytes_received.load());
  w.Sample("quanta_network_received_bytes_total", "listener=\"http\"", s.http_bytes_received.load());
  w.Family("quanta_network_sent_bytes_total", "counter",
           "Bytes written to client connections, by listener (HTTPS counts as http).");
  w.Sample("quanta_network_sent_bytes_total", "listener=\"pb\"", s.pb_bytes_sent.load());
  w.Sample("quanta_network_sent_bytes_total", "listener=\"http\"", s.http_bytes_sent.load());
  w.OneSigned("quanta_queries_running", "gauge", "SQL requests holding a query slot.",
              in.queries_running);
  w.OneSigned("quanta_queries_queued", "gauge", "SQL requests waiting for a query slot.",
              in.queries_queued);
  w.OneSigned("quanta_query_slots", "gauge",
              "Query slots (riak_kv.query.timeseries.max_concurrent_queries).", in.query_slots);
  w.OneSigned("quanta_query_queue_capacity", "gauge",
              "Requests that may wait for a slot (riak_kv.query.maximum_query_queue_length).",
              in.query_queue_capacity);
  w.One("quanta_query_overloads_total", "counter",
        "SQL requests refused with overload (slots and queue full).", in.query_overloads);
  w.One("quanta_query_queue_timeouts_total", "counter",
        "SQL requests that waited for a slot past the query timeout.", in.query_queue_timeouts);
  w.OneSigned("quanta_list_keys_streams", "gauge", "Key listings streaming.",
              in.list_keys_streams);
  w.OneSigned("quanta_memory_used_bytes", "gauge",
              "Bytes held by requests in the memory account (memory.limit).",
              in.memory_used_bytes);
  w.OneSigned("quanta_memory_peak_bytes", "gauge", "Highest quanta_memory_used_bytes since start.",
              in.memory_peak_bytes);
  w.OneSigned("quanta_memory_limit_bytes", "gauge", "The memory account's limit (memory.limit).",
              in.memory_limit_bytes);
  w.One("quanta_memory_refusals_total", "counter",
        "Requests refused because the memory account or their share was full.",
        in.memory_refusals);
  if (const storage::StoreStats* st = in.storage) {
    w.One("quanta_storage_disk_bytes", "gauge", "Bytes the stored data takes on disk.",
          st->sst_bytes);
    w.One("quanta_storage_free_bytes", "gauge", "Free bytes on the data directory's file system.",
          st->free_bytes);
    w.One("quanta_storage_writable", "gauge",
          "1 while writes are accepted, 0 while they are refused for lack of space.",
          st->writable && !st->read_only ? 1 : 0);
    w.One("quanta_storage_head_rows", "gauge", "Rows written and not yet sealed into chunks.",
          st->head_rows);
    w.One("quanta_storage_sorted_runs", "gauge",
          "Sorted runs a range scan merges (level-0 files and non-empty levels).",
          st->sorted_runs);
    w.One("quanta_storage_seals_total", "counter", "Partition seals.", st->seals);
    w.One("quanta_storage_rows_sealed_total", "counter", "Head rows folded into chunks.",
          st->rows_sealed);
    w.One("quanta_storage_chunks_written_total", "counter", "Chunks written.",
          st->chunks_written);
    w.One("quanta_storage_seal_failures_total", "counter", "Seals that failed (retried later).",
          st->seal_failures);
    w.One("quanta_storage_seal_conflicts_total", "counter",
          "Seals not applied because another coordinator changed the partition (retried later).",
          st->seal_conflicts);
    w.One("quanta_storage_flush_written_bytes_total", "counter",
          "Bytes written by memtable flushes.", st->flush_bytes_written);
    w.One("quanta_storage_compaction_written_bytes_total", "counter",
          "Bytes written by compactions.", st->compaction_bytes_written);
    w.One("quanta_storage_compactions_total", "counter", "Compactions finished.",
          st->compactions);
    w.One("quanta_storage_compactions_running", "gauge", "Compactions running now.",
          st->compactions_running);
    w.One("quanta_storage_compaction_pending_bytes", "gauge",
          "Estimated bytes compactions still have to rewrite (the compaction backlog).",
          st->compaction_pending_bytes);
    w.One("quanta_storage_idle_compactions_total", "counter",
          "Full merges run once writes paused (storage.idle_compaction).", st->idle_compactions);
    w.One("quanta_storage_partitions_expired_total", "counter",
          "Partitions removed whole by expiry.", st->partitions_expired);
    w.One("quanta_storage_space_reclaims_total", "counter",
          "Key ranges compacted to give the space of deleted rows back.", st->space_reclaims);
  }
  return w.Take();
}

}  // namespace quanta::service
