// QueryGate: bounded admission for SQL queries (riak_ts.md 7.10): `max_running` at once,
// `max_waiting` queued, the rest refused at once with 1001 "overload"; a queued request that
// does not get a slot before its deadline fails with 1013 "no response from backend".
//
// Admission never holds a thread: AdmitAsync queues a callback that is run when a slot frees up
// (on the thread that released it) or when the deadline passes (on the gate's own timer
// thread). Transports ask for a slot before they hand a query to their worker pools, so no query
// waits in a pool queue unseen by the gate. A slot is a move-only RAII object: destroying it
// gives the slot back, on every path.
//
// Thread safety: all methods may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "common/status.h"

namespace quanta::service {

class QueryGate;

// A held query slot. Default-constructed: holds nothing.
class QuerySlot {
 public:
  using Clock = std::chrono::steady_clock;
  QuerySlot() = default;
  QuerySlot(QuerySlot&& o) noexcept { *this = std::move(o); }
  QuerySlot& operator=(QuerySlot&& o) noexcept;
  QuerySlot(const QuerySlot&) = delete;
  QuerySlot& operator=(const QuerySlot&) = delete;
  ~QuerySlot() { Release(); }

  bool held() const { return gate_ != nullptr; }
  // When the query must have finished (its admission time plus the query timeout).
  Clock::time_point deadline() const { return deadline_; }
  void Release();

 private:
  friend class QueryGate;
  QuerySlot(QueryGate* gate, Clock::time_point deadline) : gate_(gate), deadline_(deadline) {}
  QueryGate* gate_ = nullptr;
  Clock::time_point deadline_{};
};

class QueryGate {
 public:
  using Clock = std::chrono::steady_clock;
  using Done = std::function<void(Result<QuerySlot>)>;

  QueryGate(int max_running, int max_waiting);
  ~QueryGate();  // fails the waiters still queued (1013)
  QueryGate(const QueryGate&) = delete;
  QueryGate& operator=(const QueryGate&) = delete;

  // Calls `done` exactly once: before returning when a slot is free or the queue is full
  // (overload), else later. `done` must be quick and must not block (post work elsewhere).
  void AdmitAsync(Clock::time_point deadline, Done done);
  // Blocking form for in-process callers (tests, tools): waits on the calling thread.
  Result<QuerySlot> Admit(Clock::time_point deadline);

  int running() const;
  int waiting() const;
  uint64_t overloads() const;
  uint64_t timeouts() const;

 private:
  friend class QuerySlot;
  struct Waiter {
    Clock::time_point deadline;
    Done done;
  };
  void Leave();
  void TimerLoop();

  const int max_running_, max_waiting_;
  mutable std::mutex mu_;
  std::condition_variable timer_cv_;
  std::deque<Waiter> waiters_;   // GUARDED_BY(mu_), FIFO
  int running_ = 0;              // GUARDED_BY(mu_)
  uint64_t overloads_ = 0;       // GUARDED_BY(mu_)
  uint64_t timeouts_ = 0;        // GUARDED_BY(mu_)
  bool stopping_ = false;        // GUARDED_BY(mu_)
  std::thread timer_;
};

}  // namespace quanta::service
