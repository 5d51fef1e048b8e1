// MemoryAccount and MemoryReservation: limits, per-request caps, RAII release, moves.
#include "common/memory.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace quanta {
namespace {

TEST(MemoryTest, GrowWithinLimitAndReleaseOnDestruction) {
  MemoryAccount account(1000);
  {
    MemoryReservation r(&account, 0);
    ASSERT_TRUE(r.Grow(600, "x").ok());
    EXPECT_EQ(r.held(), 600);
    EXPECT_EQ(account.used(), 600);
    Status st = r.Grow(500, "sorting");
    EXPECT_EQ(st.code(), ErrorCode::kMemoryLimit);
    EXPECT_NE(st.message().find("sorting"), std::string::npos) << st.message();
    EXPECT_EQ(r.held(), 600) << "a refused Grow takes nothing";
    EXPECT_EQ(account.used(), 600);
  }
  EXPECT_EQ(account.used(), 0);
  EXPECT_EQ(account.peak(), 600);
  EXPECT_EQ(account.refusals(), 1u);
}

TEST(MemoryTest, RequestCapBeforeAccountLimit) {
  MemoryAccount account(1 << 20);
  MemoryReservation r(&account, 100);
  EXPECT_TRUE(r.Grow(100, "a").ok());
  EXPECT_EQ(r.Grow(1, "b").code(), ErrorCode::kMemoryLimit);
  EXPECT_EQ(account.used(), 100);
  EXPECT_EQ(account.refusals(), 1u);
}

TEST(MemoryTest, ShrinkResizeAndMove) {
  MemoryAccount account(1000);
  MemoryReservation a(&account, 0);
  ASSERT_TRUE(a.Resize(300, "x").ok());
  a.Shrink(1000);  // never below zero
  EXPECT_EQ(a.held(), 0);
  ASSERT_TRUE(a.Resize(400, "x").ok());
  MemoryReservation b = std::move(a);
  EXPECT_EQ(a.held(), 0);
  EXPECT_EQ(b.held(), 400);
  MemoryReservation c(&account, 0);
  ASSERT_TRUE(c.Grow(100, "x").ok());
  c = std::move(b);  // c's own 100 go back first
  EXPECT_EQ(account.used(), 400);
  c.ReleaseAll();
  EXPECT_EQ(account.used(), 0);
}

TEST(MemoryTest, DefaultReservationNeverRefuses) {
  MemoryReservation r;
  EXPECT_TRUE(r.Grow(int64_t{1} << 40, "x").ok());
  EXPECT_EQ(r.held(), int64_t{1} << 40);
}

TEST(MemoryTest, ConcurrentReservationsNeverPassTheLimit) {
  MemoryAccount account(10000);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20000; ++i) {
        MemoryReservation r(&account, 0);
        if (r.Grow(3000, "x").ok()) EXPECT_LE(account.used(), 10000);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(account.used(), 0);
  EXPECT_LE(account.peak(), 10000);
}

TEST(MemoryTest, MemoryLimitIsRiak1001) {
  EXPECT_EQ(RiakErrorCode(ErrorCode::kMemoryLimit), 1001);
}

}  // namespace
}  // namespace quanta
