// RefreshGate: when a cached copy of shared records (the catalog, the security state) is read
// again after another process announced a change, and by whom.
//
// The read is slow when the store does not answer (RADOS placement groups below min_size:
// every read waits out rados.op_timeout). Without a gate every request would first wait out a
// read of its own, and queue behind the others' reads, so that N requests waited N timeouts.
// With it: one caller reads at a time (the others wait for it, so that a request after an
// announced change sees the change); once a read failed, callers go on with the cache without
// waiting, and a thread of the gate reads again every second until a read succeeds. Announced
// changes do not bring the reads back to the callers before that: during an outage the store's
// watch breaks again and again, each time announcing a change it cannot know of.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace quanta {

class RefreshGate {
 public:
  enum class Outcome {
    kInstalled,   // read and made the cached copy
    kSuperseded,  // read, but a change made here meanwhile is newer: read again at next use
    kFailed,      // the store did not answer
  };

  // `refresh` reads the records and installs them; called by one thread at a time.
  explicit RefreshGate(std::function<Outcome()> refresh) : refresh_(std::move(refresh)) {}
  ~RefreshGate() { Stop(); }
  RefreshGate(const RefreshGate&) = delete;
  RefreshGate& operator=(const RefreshGate&) = delete;

  // Another process changed the records: read them again before the next use.
  void MarkChanged() { changed_.store(true, std::memory_order_release); }

  // Another process may have changed the records unannounced (the store's watch broke, so
  // announcements may have been missed): the gate's thread reads them again at once, and
  // callers go on with the cache meanwhile. A broken watch usually means that the store is not
  // answering, and a caller waiting for the read would wait out the store's operation timeout
  // before its own operation (which waits it out again).
  void MarkMaybeChanged() {
    changed_.store(true, std::memory_order_release);
    failed_.store(true, std::memory_order_release);  // callers do not wait
    std::lock_guard retry(retry_mu_);
    if (stopping_) return;
    read_now_ = true;
    StartOrWakeRetryLocked();
  }

  // Ends the retry thread (waiting for a read in progress, which the store's operation timeout
  // bounds); no read is tried afterwards. Called before the store the reads use is closed.
  void Stop() {
    std::thread retry;
    {
      std::lock_guard lock(retry_mu_);
      stopping_ = true;
      stopped_.store(true, std::memory_order_release);
      retry.swap(retry_);
    }
    retry_cv_.notify_all();
    if (retry.joinable()) retry.join();
  }

  // Before each use of the cached copy.
  void BeforeUse() {
    if (!changed_.load(std::memory_order_acquire) || failed_.load(std::memory_order_acquire)) {
      return;
    }
    std::lock_guard lock(read_mu_);
    if (stopped_.load(std::memory_order_acquire) || failed_.load(std::memory_order_acquire) ||
        !changed_.exchange(false, std::memory_order_acq_rel)) {
      return;
    }
    const Outcome outcome = refresh_();
    if (outcome == Outcome::kInstalled) return;
    changed_.store(true, std::memory_order_release);
    if (outcome == Outcome::kFailed) {
      failed_.store(true, std::memory_order_release);
      std::lock_guard retry(retry_mu_);
      if (stopping_) return;
      StartOrWakeRetryLocked();
    }
  }

 private:
  void StartOrWakeRetryLocked() {  // REQUIRES(retry_mu_)
    if (!retry_.joinable()) {
      retry_ = std::thread([this] { RetryLoop(); });
    } else {
      retry_cv_.notify_all();
    }
  }

  void RetryLoop() {
    std::unique_lock lock(retry_mu_);
    while (!stopping_) {
      if (!failed_.load(std::memory_order_acquire)) {
        retry_cv_.wait(lock);
        continue;
      }
      if (!read_now_) retry_cv_.wait_for(lock, std::chrono::seconds(1));
      read_now_ = false;
      if (stopping_) break;
      lock.unlock();
      {
        std::lock_guard read(read_mu_);
        changed_.store(false, std::memory_order_release);
        const Outcome outcome = refresh_();
        if (outcome != Outcome::kInstalled) changed_.store(true, std::memory_order_release);
        // Superseded: the store answered a change made here; callers read again themselves.
        if (outcome != Outcome::kFailed) failed_.store(false, std::memory_order_release);
      }
      lock.lock();
    }
  }

  const std::function<Outcome()> refresh_;
  std::atomic<bool> changed_{false};
  std::atomic<bool> failed_{false};  // set until the retry thread reads successfully
  std::atomic<bool> stopped_{false};
  std::mutex read_mu_;               // held while reading
  std::mutex retry_mu_;
  std::condition_variable retry_cv_;
  bool stopping_ = false;  // GUARDED_BY(retry_mu_)
  bool read_now_ = false;  // GUARDED_BY(retry_mu_): MarkMaybeChanged asked for a read at once
  std::thread retry_;      // GUARDED_BY(retry_mu_): started at the first failed read
};

}  // namespace quanta
