// How a SELECT counts the memory it holds against the request's reservation (common/memory.h):
// estimates of what rows hold, the SELECT's share of the reservation (MemoryTracker) and the
// per-partial counters its sub-queries grow it through (MemoryCounter). Internal to the
// executor.
#pragma once

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <string_view>

#include "common/memory.h"
#include "common/status.h"
#include "common/value.h"

namespace quanta::exec::internal {

// ---- memory estimates (what the containers hold; see common/memory.h) ----------------------
inline constexpr int64_t kAllocOverhead = 16;  // malloc header and rounding per allocation

inline int64_t ValueHeapBytes(const Value& v) {
  if (!v.is_bytes()) return 0;
  size_t cap = v.as_bytes().capacity();
  // Short strings live inside the Value (small-string optimisation).
  return cap > 15 ? static_cast<int64_t>(cap) + 1 + kAllocOverhead : 0;
}

// One row: its slot in the enclosing vector (twice, for the vector's growth slack), its value
// array and every string payload.
inline int64_t RowBytes(const Row& r) {
  int64_t n = 2 * static_cast<int64_t>(sizeof(Row)) + kAllocOverhead +
              static_cast<int64_t>(r.capacity() * sizeof(Value));
  for (const auto& v : r) n += ValueHeapBytes(v);
  return n;
}

// The SELECT's share of the request's reservation. Thread-safe: the sub-queries of one SELECT
// grow it from several threads, each through its own MemoryCounter. Whatever it still holds
// when the run ends is released, except the bytes of the result handed to the caller (Retain).
class MemoryTracker {
 public:
  explicit MemoryTracker(MemoryReservation* r) : r_(r) {}
  ~MemoryTracker() {
    if (r_) r_->Shrink(held_);
  }
  MemoryTracker(const MemoryTracker&) = delete;
  MemoryTracker& operator=(const MemoryTracker&) = delete;

  bool counting() const { return r_ != nullptr; }

  Status Reserve(int64_t bytes, std::string_view what) {
    std::lock_guard lock(mu_);
    QUANTA_RETURN_IF_ERROR(r_->Grow(bytes, what));
    held_ += bytes;
    return Status::OK();
  }

  void Release(int64_t bytes) {
    std::lock_guard lock(mu_);
    bytes = std::min(bytes, held_);
    held_ -= bytes;
    r_->Shrink(bytes);
  }

  // Leaves exactly `bytes` (the result's) in the reservation, owned by the caller from now on.
  // REQUIRES: no other thread uses the tracker any more.
  Status Retain(int64_t bytes, std::string_view what) {
    if (r_ == nullptr) return Status::OK();
    std::lock_guard lock(mu_);
    if (bytes > held_) {
      QUANTA_RETURN_IF_ERROR(r_->Grow(bytes - held_, what));
    } else {
      r_->Shrink(held_ - bytes);
    }
    held_ = 0;
    return Status::OK();
  }

 private:
  std::mutex mu_;
  MemoryReservation* const r_;
  int64_t held_ = 0;  // GUARDED_BY(mu_)
};

// What one partial result (or the merged result) holds, used by one thread at a time. Growth is
// gathered in chunks (one locked update per chunk, not per row).
class MemoryCounter {
 public:
  explicit MemoryCounter(MemoryTracker* t) : t_(t) {}
  MemoryCounter(const MemoryCounter&) = delete;
  MemoryCounter& operator=(const MemoryCounter&) = delete;

  Status Grow(int64_t bytes, std::string_view what) {
    if (!t_->counting() || bytes <= 0) return Status::OK();
    pending_ += bytes;
    if (pending_ < kChunk) return Status::OK();
    return Settle(what);
  }

  void Shrink(int64_t bytes) {
    if (!t_->counting() || bytes <= 0) return;
    int64_t from_pending = std::min(bytes, pending_);
    pending_ -= from_pending;
    bytes = std::min(bytes - from_pending, reserved_);
    reserved_ -= bytes;
    t_->Release(bytes);
  }

  // Reserves what is still pending. On refusal the pending bytes are dropped uncounted.
  Status Settle(std::string_view what) {
    if (pending_ == 0) return Status::OK();
    int64_t bytes = pending_;
    pending_ = 0;
    QUANTA_RETURN_IF_ERROR(t_->Reserve(bytes, what));
    reserved_ += bytes;
    return Status::OK();
  }

  // Gives back everything (the data it counted is being dropped).
  void ReleaseAll() {
    if (reserved_ > 0) t_->Release(reserved_);
    reserved_ = pending_ = 0;
  }

  // Hands everything over to `to`, which holds (and later releases) the same data.
  void TransferTo(MemoryCounter* to) {
    to->reserved_ += reserved_;
    to->pending_ += pending_;
    reserved_ = pending_ = 0;
  }

 private:
  static constexpr int64_t kChunk = 64 << 10;
  MemoryTracker* const t_;
  int64_t reserved_ = 0;  // in the tracker
  int64_t pending_ = 0;   // counted here, not yet in the tracker (< kChunk)
};

}  // namespace quanta::exec::internal
