// QueryGate: admission without holding threads, overload, queue timeouts, RAII slots.
#include "service/query_gate.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <optional>
#include <vector>

namespace quanta::service {
namespace {

using Clock = std::chrono::steady_clock;

Clock::time_point In(int ms) { return Clock::now() + std::chrono::milliseconds(ms); }

TEST(QueryGateTest, RunsUpToTheLimitThenQueuesThenRefuses) {
  QueryGate gate(2, 1);
  auto a = gate.Admit(In(10000));
  auto b = gate.Admit(In(10000));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(gate.running(), 2);

  std::promise<Result<QuerySlot>> queued;
  gate.AdmitAsync(In(10000), [&](Result<QuerySlot> r) { queued.set_value(std::move(r)); });
  EXPECT_EQ(gate.waiting(), 1);

  // The queue is full: refused at once, on this thread.
  std::optional<Status> refused;
  gate.AdmitAsync(In(10000), [&](Result<QuerySlot> r) { refused = r.status(); });
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->code(), ErrorCode::kSubmit);
  EXPECT_EQ(refused->message(), "overload");
  EXPECT_EQ(gate.overloads(), 1u);

  // Releasing a slot hands it to the waiter.
  a->Release();
  auto got = queued.get_future().get();
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(got->held());
  EXPECT_EQ(gate.running(), 2);
  EXPECT_EQ(gate.waiting(), 0);
}

TEST(QueryGateTest, QueuedRequestTimesOutWithoutAnyRelease) {
  QueryGate gate(1, 5);
  auto held = gate.Admit(In(10000));
  ASSERT_TRUE(held.ok());
  auto r = gate.Admit(In(50));  // nothing is released: the gate's timer fails it
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kTimeout);
  EXPECT_EQ(r.error().message(), "no response from backend");
  EXPECT_EQ(gate.timeouts(), 1u);
  EXPECT_EQ(gate.waiting(), 0);
}

TEST(QueryGateTest, SlotsAreReleasedOnEveryPath) {
  QueryGate gate(1, 0);
  {
    auto s = gate.Admit(In(1000));
    ASSERT_TRUE(s.ok());
    QuerySlot moved = std::move(*s);
    EXPECT_FALSE(s->held());
    EXPECT_TRUE(moved.held());
    EXPECT_EQ(gate.running(), 1);
  }
  EXPECT_EQ(gate.running(), 0);
  // An exception between admission and release cannot leak the slot.
  try {
    auto s = gate.Admit(In(1000));
    ASSERT_TRUE(s.ok());
    throw std::runtime_error("boom");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(gate.running(), 0);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(gate.Admit(In(1000)).ok());
}

TEST(QueryGateTest, ManyConcurrentAdmissionsAllAnswered) {
  QueryGate gate(3, 15);
  constexpr int kN = 300;
  std::atomic<int> ok{0}, overload{0}, timeout{0};
  std::vector<QuerySlot> slots;
  std::mutex mu;
  for (int i = 0; i < kN; ++i) {
    gate.AdmitAsync(In(200), [&](Result<QuerySlot> r) {
      if (r.ok()) {
        ++ok;
        std::lock_guard lock(mu);
        slots.push_back(std::move(*r));
      } else if (r.error().code() == ErrorCode::kTimeout) {
        ++timeout;
      } else {
        ++overload;
      }
    });
  }
  EXPECT_EQ(ok.load(), 3);
  EXPECT_EQ(overload.load(), kN - 3 - 15);
  // The 15 queued ones time out since nothing is released.
  for (int i = 0; i < 100 && timeout.load() < 15; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(timeout.load(), 15);
  std::lock_guard lock(mu);
  slots.clear();
  EXPECT_EQ(gate.running(), 0);
}

TEST(QueryGateTest, DestructionFailsWaiters) {
  std::optional<Status> st;
  {
    QueryGate gate(1, 1);
    auto held = gate.Admit(In(10000));
    ASSERT_TRUE(held.ok());
    gate.AdmitAsync(In(10000), [&](Result<QuerySlot> r) { st = r.status(); });
    held->Release();  // hands the slot to the waiter
    ASSERT_TRUE(st.has_value());
    EXPECT_TRUE(st->ok());
  }
}

}  // namespace
}  // namespace quanta::service
