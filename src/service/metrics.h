// The Prometheus text exposition of GET /metrics (version 0.0.4). Every family has HELP and
// TYPE lines, counters end in _total and units are in the names (_seconds, _bytes), so that
// `promtool check metrics` passes; docs/operations.md lists every family.
#pragma once

#include <cstdint>
#include <string>

#include "service/stats.h"
#include "storage/store.h"

namespace quanta::service {

// Everything /metrics shows, gathered by TsService::MetricsText().
struct MetricsInputs {
  const Stats* stats = nullptr;
  const storage::StoreStats* storage = nullptr;  // null: no quanta_storage_* families
  int queries_running = 0;     // query gate slots held
  int queries_queued = 0;      // waiting for a slot
  int query_slots = 0;         // max_concurrent_queries
  int query_queue_capacity = 0;
  uint64_t query_overloads = 0;
  uint64_t query_queue_timeouts = 0;
  int list_keys_streams = 0;
  int64_t memory_used_bytes = 0;
  int64_t memory_peak_bytes = 0;
  int64_t memory_limit_bytes = 0;
  uint64_t memory_refusals = 0;
};

std::string RenderMetrics(const MetricsInputs& in);

}  // namespace quanta::service
