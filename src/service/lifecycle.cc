#include "service/lifecycle.h"

#include <chrono>

namespace quanta::service {

void ClampPlanToExpiry(std::vector<exec::SubQuery>* plan, int64_t cutoff) {
  std::vector<exec::SubQuery> kept;
  kept.reserve(plan->size());
  for (auto& sq : *plan) {
    if (sq.end && (sq.end_inclusive ? *sq.end <= cutoff : *sq.end <= cutoff + 1)) continue;
    if (!sq.start || *sq.start < cutoff || (*sq.start == cutoff && sq.start_inclusive)) {
      sq.start = cutoff;
      sq.start_inclusive = false;
    }
    kept.push_back(std::move(sq));
  }
  *plan = std::move(kept);
}

bool KeyExpired(const schema::TableDef& table, const Row& local_key, int64_t cutoff) {
  const int pos = table.LkPosition(table.quantum_column());
  if (pos < 0 || static_cast<size_t>(pos) >= local_key.size()) return false;
  const Value& v = local_key[pos];
  return !v.is_null() && v.MatchesType(ColumnType::kTimestamp) && v.as_int() <= cutoff;
}

bool RowExpired(const schema::TableDef& table, const Row& row, int64_t cutoff) {
  const int col = table.quantum_column();
  if (col < 0 || static_cast<size_t>(col) >= row.size()) return false;
  const Value& v = row[col];
  return !v.is_null() && v.MatchesType(ColumnType::kTimestamp) && v.as_int() <= cutoff;
}

WriteFence::Pass WriteFence::Enter() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [this] { return closers_ == 0; });
  ++writers_;
  return Pass(this);
}

void WriteFence::Leave() {
  std::lock_guard lock(mu_);
  if (--writers_ == 0) cv_.notify_all();
}

WriteFence::Closed WriteFence::Close() {
  std::unique_lock lock(mu_);
  ++closers_;  // from here on new writes wait
  cv_.wait(lock, [this] { return writers_ == 0 && !closed_; });
  closed_ = true;
  return Closed(this);
}

void WriteFence::Open() {
  std::lock_guard lock(mu_);
  closed_ = false;
  --closers_;
  cv_.notify_all();
}

LifecycleThread::LifecycleThread(int64_t interval_ms, std::function<void()> task)
    : interval_ms_(interval_ms), task_(std::move(task)) {
  thread_ = std::thread([this] { Loop(); });
}

void LifecycleThread::Poke() {
  {
    std::lock_guard lock(mu_);
    poked_ = true;
  }
  cv_.notify_all();
}

void LifecycleThread::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  std::lock_guard join(join_mu_);
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void LifecycleThread::Loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, std::chrono::milliseconds(interval_ms_),
                 [this] { return poked_ || stopping_; });
    if (stopping_) break;
    poked_ = false;
    lock.unlock();
    task_();
    lock.lock();
  }
}

}  // namespace quanta::service
