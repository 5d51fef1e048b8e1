#include "service/query_gate.h"

#include <algorithm>
#include <future>
#include <vector>

namespace quanta::service {

namespace {
Status Overload() { return SubmitError("overload"); }
Status QueueTimeout() { return Status(ErrorCode::kTimeout, "no response from backend"); }
}  // namespace

QuerySlot& QuerySlot::operator=(QuerySlot&& o) noexcept {
  if (this != &o) {
    Release();
    gate_ = o.gate_;
    deadline_ = o.deadline_;
    o.gate_ = nullptr;
  }
  return *this;
}

void QuerySlot::Release() {
  if (gate_ == nullptr) return;
  QueryGate* g = gate_;
  gate_ = nullptr;
  g->Leave();
}

QueryGate::QueryGate(int max_running, int max_waiting)
    : max_running_(std::max(1, max_running)), max_waiting_(std::max(0, max_waiting)) {
  timer_ = std::thread([this] { TimerLoop(); });
}

QueryGate::~QueryGate() {
  std::deque<Waiter> left;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    left.swap(waiters_);
  }
  timer_cv_.notify_all();
  timer_.join();
  for (auto& w : left) w.done(QueueTimeout());
}

void QueryGate::AdmitAsync(Clock::time_point deadline, Done done) {
  std::unique_lock lock(mu_);
  if (running_ < max_running_ && waiters_.empty()) {
    ++running_;
    lock.unlock();
    done(QuerySlot(this, deadline));
    return;
  }
  if (static_cast<int>(waiters_.size()) >= max_waiting_ || stopping_) {
    ++overloads_;
    lock.unlock();
    done(Overload());
    return;
  }
  waiters_.push_back(Waiter{deadline, std::move(done)});
  lock.unlock();
  timer_cv_.notify_all();
}

Result<QuerySlot> QueryGate::Admit(Clock::time_point deadline) {
  std::promise<Result<QuerySlot>> promise;
  auto future = promise.get_future();
  AdmitAsync(deadline, [&promise](Result<QuerySlot> r) { promise.set_value(std::move(r)); });
  return future.get();
}

void QueryGate::Leave() {
  std::unique_lock lock(mu_);
  --running_;
  // Hand the slot to the first waiter still within its deadline.
  std::vector<Done> expired;
  auto now = Clock::now();
  while (!waiters_.empty() && waiters_.front().deadline <= now) {
    expired.push_back(std::move(waiters_.front().done));
    waiters_.pop_front();
    ++timeouts_;
  }
  Waiter next;
  bool grant = false;
  if (!waiters_.empty() && running_ < max_running_) {
    next = std::move(waiters_.front());
    waiters_.pop_front();
    ++running_;
    grant = true;
  }
  lock.unlock();
  for (auto& d : expired) d(QueueTimeout());
  if (grant) next.done(QuerySlot(this, next.deadline));
}

void QueryGate::TimerLoop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (waiters_.empty()) {
      timer_cv_.wait(lock);
      continue;
    }
    // Waiters are FIFO but deadlines need not be ordered (timeouts may differ): find the
    // earliest.
    auto earliest = Clock::time_point::max();
    for (const auto& w : waiters_) earliest = std::min(earliest, w.deadline);
    if (Clock::now() < earliest) {
      timer_cv_.wait_until(lock, earliest);
      continue;
    }
    std::vector<Done> expired;
    auto now = Clock::now();
    for (auto it = waiters_.begin(); it != waiters_.end();) {
      if (it->deadline <= now) {
        expired.push_back(std::move(it->done));
        it = waiters_.erase(it);
        ++timeouts_;
      } else {
        ++it;
      }
    }
    lock.unlock();
    for (auto& d : expired) d(QueueTimeout());
    lock.lock();
  }
}

int QueryGate::running() const {
  std::lock_guard lock(mu_);
  return running_;
}
int QueryGate::waiting() const {
  std::lock_guard lock(mu_);
  return static_cast<int>(waiters_.size());
}
uint64_t QueryGate::overloads() const {
  std::lock_guard lock(mu_);
  return overloads_;
}
uint64_t QueryGate::timeouts() const {
  std::lock_guard lock(mu_);
  return timeouts_;
}

}  // namespace quanta::service
