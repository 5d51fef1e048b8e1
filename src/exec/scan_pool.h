// ScanPool: a fixed set of threads, shared by every SELECT of a service, that runs sub-queries
// (one range scan each) in parallel with the thread that executes the query.
//
// A query never waits for a pool thread: its own thread runs sub-queries too, and the pool only
// adds helpers when it has threads free (executor.cc). Tasks must not block on other tasks, so
// the pool cannot deadlock however many queries share it. Tasks run in submission order (FIFO),
// which keeps concurrent queries fair: a helper runs one sub-query and queues itself again.
//
// Thread safety: Submit may be called from any thread, including pool threads. Destroying the
// pool finishes the tasks that are running and drops the queued ones (their captures are
// destroyed on the destroying thread); no query may be running then.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace quanta::exec {

class ScanPool {
 public:
  // `threads` pool threads (0: none; queries then run their sub-queries one after the other on
  // their own thread).
  explicit ScanPool(size_t threads);
  ~ScanPool();
  ScanPool(const ScanPool&) = delete;
  ScanPool& operator=(const ScanPool&) = delete;

  size_t threads() const { return threads_.size(); }

  // Queues `task` for a pool thread. Never blocks and never runs `task` on the caller.
  void Submit(std::function<void()> task);

  // The `query.scan_threads` default: the number of cores (at least 1).
  static size_t DefaultScanThreads();

 private:
  void Loop();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;  // GUARDED_BY(mu_)
  bool stopping_ = false;                    // GUARDED_BY(mu_)
  std::vector<std::thread> threads_;
};

}  // namespace quanta::exec
