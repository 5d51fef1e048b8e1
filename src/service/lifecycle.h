// Data lifecycle in the service: what expiry hides from requests at once, and the background
// thread that deletes what DROP TABLE, range DELETE and expiry leave behind (schema/expiry.h,
// Store::DropExpired, Store::ReclaimSpace).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "common/value.h"
#include "exec/bound.h"
#include "schema/table_def.h"

namespace quanta::service {

// Expired rows stop being returned at once, before the background thread removes them: these
// cut them out of what a request reads. `cutoff` is schema::ExpiryCutoff's (rows whose
// quantum column is at or before it are expired).

// Drops the sub-queries wholly at or before the cutoff and starts the others after it.
void ClampPlanToExpiry(std::vector<exec::SubQuery>* plan, int64_t cutoff);
// A local key (LK order) or a row (table column order) of an expired row.
bool KeyExpired(const schema::TableDef& table, const Row& local_key, int64_t cutoff);
bool RowExpired(const schema::TableDef& table, const Row& row, int64_t cutoff);

// Lets DROP TABLE hold writes back while it removes a table: a write holds a pass from looking
// its table up until it has written, DROP TABLE waits for the passes out and holds new ones
// back meanwhile, so no write that found the table lands after its rows were deleted. Unlike a
// reader-preferring rwlock, a steady stream of writes cannot starve the drop.
class WriteFence {
 public:
  class Pass {
   public:
    explicit Pass(WriteFence* f) : f_(f) {}
    ~Pass() { f_->Leave(); }
    Pass(const Pass&) = delete;
    Pass& operator=(const Pass&) = delete;

   private:
    WriteFence* f_;
  };
  class Closed {
   public:
    explicit Closed(WriteFence* f) : f_(f) {}
    ~Closed() { f_->Open(); }
    Closed(const Closed&) = delete;
    Closed& operator=(const Closed&) = delete;

   private:
    WriteFence* f_;
  };

  // For a write; waits while the fence is closed.
  [[nodiscard]] Pass Enter();
  // For DROP TABLE; waits until no write holds a pass.
  [[nodiscard]] Closed Close();

 private:
  void Leave();
  void Open();

  std::mutex mu_;
  std::condition_variable cv_;
  int64_t writers_ = 0;  // GUARDED_BY(mu_)
  int closers_ = 0;      // GUARDED_BY(mu_): drops waiting or running
  bool closed_ = false;  // GUARDED_BY(mu_)
};

// Runs `task` every `interval_ms`, and soon after Poke(). Stop() (or the destructor) ends it
// after the task in progress.
class LifecycleThread {
 public:
  LifecycleThread(int64_t interval_ms, std::function<void()> task);
  ~LifecycleThread() { Stop(); }
  LifecycleThread(const LifecycleThread&) = delete;
  LifecycleThread& operator=(const LifecycleThread&) = delete;

  void Poke();
  void Stop();

 private:
  void Loop();

  const int64_t interval_ms_;
  std::function<void()> task_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool poked_ = false;    // GUARDED_BY(mu_)
  bool stopping_ = false; // GUARDED_BY(mu_)
  std::mutex join_mu_;    // Stop() may be called from several threads
  std::thread thread_;
};

}  // namespace quanta::service
