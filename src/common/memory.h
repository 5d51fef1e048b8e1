// Memory accounting: one process-wide MemoryAccount (think DuckDB's buffer manager, without the
// buffers) and a per-request MemoryReservation that every consumer of request-sized memory grows
// before it allocates: request decoding, SQL parsing, sorts, groups, result sets, encoded replies
// and per-connection output buffers. Over the account's limit, or over the request's own cap,
// Grow() fails with ErrorCode::kMemoryLimit and the caller turns that into a client error; the
// process never goes past the budget because of a request.
//
// The numbers are estimates of what the data structures hold (payload plus per-object overhead),
// not allocator statistics; docs/operations.md says what is and is not counted.
//
// Thread safety: MemoryAccount is thread-safe. A MemoryReservation is used by one thread at a
// time (it may move between threads).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <string>
#include <string_view>

#include "common/status.h"

namespace quanta {

class MemoryAccount {
 public:
  // `limit_bytes` <= 0 means unlimited (still counted).
  explicit MemoryAccount(int64_t limit_bytes);
  ~MemoryAccount();
  MemoryAccount(const MemoryAccount&) = delete;
  MemoryAccount& operator=(const MemoryAccount&) = delete;

  // Takes `bytes` if that keeps the total within the limit.
  bool TryReserve(int64_t bytes);
  void Release(int64_t bytes);
  void CountRefusal() { refusals_.fetch_add(1, std::memory_order_relaxed); }

  int64_t limit() const { return limit_; }
  int64_t used() const { return used_.load(std::memory_order_relaxed); }
  int64_t peak() const { return peak_.load(std::memory_order_relaxed); }
  uint64_t refusals() const { return refusals_.load(std::memory_order_relaxed); }

  // Freed heap pages go back to the OS (glibc malloc_trim) once at least `trim_threshold`
  // bytes were released since the last trim and the burst is over (requests hold less than
  // that, and less than a sixteenth of it was released in the last second); a background
  // thread checks once a second, so requests never pay for a trim.
  // 0 = never trim.
  static void set_trim_threshold(int64_t bytes);
  // Process-wide allocator settings for a server (glibc): blocks below 8 MiB (encoded replies,
  // result vectors) come from the heap and are reused by the next request instead of being
  // mapped and faulted in afresh each time (glibc's default threshold moves with the sizes
  // freed); larger ones (frame buffers, big bodies) are mapped and go back to the OS on free,
  // and the trimmer above returns the heap's free pages once a burst is over. Measured with
  // the abuse suite: a small query's worst wait behind 18 queued 6 MB results went from
  // 0.64-0.79 s to 0.52-0.55 s, decoding peak unchanged.
  // At most `arenas` malloc arenas (0 = twice the cores) instead of glibc's eight per core:
  // each thread that allocates (connections, scans, the sealer) otherwise tends to get an arena
  // of its own whose freed pages stay with it. Measured with the PB load of 1M rows (layout B):
  // peak RSS 224 -> 169 MB, ingest CPU unchanged within noise. Call before threads start.
  static void ConfigureAllocator(int arenas);
  uint64_t trims() const { return trims_.load(std::memory_order_relaxed); }

 private:
  const int64_t limit_;
  std::atomic<int64_t> used_{0};
  std::atomic<int64_t> peak_{0};
  std::atomic<uint64_t> refusals_{0};
  std::atomic<int64_t> released_since_trim_{0};
  std::atomic<uint64_t> trims_{0};

  void TrimLoop();
  std::mutex trim_mu_;
  std::condition_variable trim_cv_;
  bool stopping_ = false;  // GUARDED_BY(trim_mu_)
  std::thread trimmer_;
};

// A request's share of an account. Releases what it holds when destroyed. A default-constructed
// reservation counts but never refuses (tests and internal callers).
class MemoryReservation {
 public:
  MemoryReservation() = default;
  // `request_limit` <= 0 means only the account's limit applies.
  MemoryReservation(MemoryAccount* account, int64_t request_limit)
      : account_(account), request_limit_(request_limit) {}
  MemoryReservation(MemoryReservation&& o) noexcept { *this = std::move(o); }
  MemoryReservation& operator=(MemoryReservation&& o) noexcept;
  MemoryReservation(const MemoryReservation&) = delete;
  MemoryReservation& operator=(const MemoryReservation&) = delete;
  ~MemoryReservation() { ReleaseAll(); }

  // Adds `bytes` to the reservation. On refusal nothing is taken and the status is
  // kMemoryLimit with a message naming `what` ("sorting", "the reply", ...).
  Status Grow(int64_t bytes, std::string_view what);
  // Gives back up to `bytes` (never below zero).
  void Shrink(int64_t bytes);
  // Grows or shrinks to exactly `bytes`.
  Status Resize(int64_t bytes, std::string_view what);
  void ReleaseAll();

  int64_t held() const { return held_; }
  MemoryAccount* account() const { return account_; }

 private:
  MemoryAccount* account_ = nullptr;
  int64_t request_limit_ = 0;
  int64_t held_ = 0;
};

// The status Grow() returns; exposed so that callers can recognise and re-word it.
// `request`: the request's own cap was reached (else the account's).
Status MemoryLimitError(std::string_view what, int64_t wanted, int64_t limit, bool request);

}  // namespace quanta
