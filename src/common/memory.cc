#include "common/memory.h"

#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>

namespace quanta {

namespace {
std::atomic<int64_t> g_trim_threshold{64LL << 20};
}  // namespace

MemoryAccount::MemoryAccount(int64_t limit_bytes) : limit_(limit_bytes) {
  trimmer_ = std::thread([this] { TrimLoop(); });
}

MemoryAccount::~MemoryAccount() {
  {
    std::lock_guard lock(trim_mu_);
    stopping_ = true;
  }
  trim_cv_.notify_all();
  trimmer_.join();
}

void MemoryAccount::TrimLoop() {
  std::unique_lock lock(trim_mu_);
  int64_t seen = 0;  // released_since_trim_ at the previous tick
  while (!stopping_) {
    trim_cv_.wait_for(lock, std::chrono::seconds(1));
    if (stopping_) break;
    int64_t threshold = g_trim_threshold.load(std::memory_order_relaxed);
    if (threshold <= 0) continue;
    int64_t released = released_since_trim_.load(std::memory_order_relaxed);
    int64_t last_second = released - seen;
    seen = released;
    if (released < threshold) continue;
    // Only once the burst is over (little released in the last second, little still held):
    // trimming under a steady load hands back pages the next request faults in again
    // (measured: +0.5 CPU-s per 1M rows of PB ingest).
    if (used() >= threshold || last_second >= threshold / 16) continue;
    seen = 0;
    released_since_trim_.store(0, std::memory_order_relaxed);
    lock.unlock();
    malloc_trim(0);
    trims_.fetch_add(1, std::memory_order_relaxed);
    lock.lock();
  }
}

bool MemoryAccount::TryReserve(int64_t bytes) {
  if (bytes <= 0) return true;
  int64_t cur = used_.load(std::memory_order_relaxed);
  for (;;) {
    int64_t next = cur + bytes;
    if (limit_ > 0 && next > limit_) {
      refusals_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    if (used_.compare_exchange_weak(cur, next, std::memory_order_relaxed)) {
      int64_t p = peak_.load(std::memory_order_relaxed);
      while (next > p && !peak_.compare_exchange_weak(p, next, std::memory_order_relaxed)) {
      }
      return true;
    }
  }
}

void MemoryAccount::Release(int64_t bytes) {
  if (bytes <= 0) return;
  used_.fetch_sub(bytes, std::memory_order_relaxed);
  released_since_trim_.fetch_add(bytes, std::memory_order_relaxed);
}

void MemoryAccount::set_trim_threshold(int64_t bytes) {
  g_trim_threshold.store(bytes, std::memory_order_relaxed);
}

void MemoryAccount::ConfigureAllocator(int arenas) {
  mallopt(M_MMAP_THRESHOLD, 8 << 20);
  // MALLOC_ARENA_MAX in the environment was applied by glibc at start and wins.
  if (std::getenv("MALLOC_ARENA_MAX") != nullptr) return;
  if (arenas <= 0) arenas = 2 * static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  mallopt(M_ARENA_MAX, arenas);
}

Status MemoryLimitError(std::string_view what, int64_t wanted, int64_t limit, bool request) {
  (void)wanted;
  std::string why = request ? "a request may use at most " + std::to_string(limit >> 20) +
                                  " MiB: memory.request_limit"
                            : "the server's " + std::to_string(limit >> 20) +
                                  " MiB are in use: memory.limit";
  return Status(ErrorCode::kMemoryLimit,
                "Not enough memory for " + std::string(what) + " (" + why + ")");
}

MemoryReservation& MemoryReservation::operator=(MemoryReservation&& o) noexcept {
  if (this != &o) {
    ReleaseAll();
    account_ = o.account_;
    request_limit_ = o.request_limit_;
    held_ = o.held_;
    o.held_ = 0;
  }
  return *this;
}

Status MemoryReservation::Grow(int64_t bytes, std::string_view what) {
  if (bytes <= 0) return Status::OK();
  if (request_limit_ > 0 && held_ + bytes > request_limit_) {
    if (account_) account_->CountRefusal();
    return MemoryLimitError(what, bytes, request_limit_, true);
  }
  if (account_ && !account_->TryReserve(bytes)) {
    return MemoryLimitError(what, bytes, account_->limit(), false);
  }
  held_ += bytes;
  return Status::OK();
}

void MemoryReservation::Shrink(int64_t bytes) {
  bytes = std::min(bytes, held_);
  if (bytes <= 0) return;
  held_ -= bytes;
  if (account_) account_->Release(bytes);
}

Status MemoryReservation::Resize(int64_t bytes, std::string_view what) {
  if (bytes > held_) return Grow(bytes - held_, what);
  Shrink(held_ - bytes);
  return Status::OK();
}

void MemoryReservation::ReleaseAll() { Shrink(held_); }

}  // namespace quanta
