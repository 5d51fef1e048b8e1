// RefreshGate: who reads a cached copy again after a change was announced, and what happens
// while the store does not answer.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "common/refresh_gate.h"

namespace quanta {
namespace {

using Outcome = RefreshGate::Outcome;

// A store that answers or not, counting the reads.
struct FakeStore {
  std::atomic<bool> answers{true};
  std::atomic<int> reads{0};
  std::atomic<int> installed{0};
  Outcome Read() {
    ++reads;
    if (!answers) return Outcome::kFailed;
    ++installed;
    return Outcome::kInstalled;
  }
};

TEST(RefreshGate, ReadsOnlyAfterAnAnnouncedChange) {
  FakeStore store;
  RefreshGate gate([&] { return store.Read(); });
  gate.BeforeUse();
  EXPECT_EQ(store.reads, 0);
  gate.MarkChanged();
  gate.BeforeUse();
  gate.BeforeUse();
  EXPECT_EQ(store.reads, 1);
  EXPECT_EQ(store.installed, 1);
}

TEST(RefreshGate, AfterAFailedReadCallersUseTheCacheAndTheGateRetries) {
  FakeStore store;
  RefreshGate gate([&] { return store.Read(); });
  store.answers = false;
  gate.MarkChanged();
  gate.BeforeUse();  // this caller reads, and fails
  EXPECT_EQ(store.reads, 1);
  // The next callers do not read, however many changes are announced meanwhile.
  const int before = store.reads;
  for (int i = 0; i < 100; ++i) {
    gate.MarkChanged();
    gate.BeforeUse();
  }
  EXPECT_LE(store.reads - before, 1);  // at most the gate's own retry, not the callers'
  // The store answers again: the gate's retry (every second) installs the records.
  store.answers = true;
  for (int i = 0; i < 100 && store.installed == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(store.installed, 1);
  // Back to reading on the callers' side at the next announced change.
  const int reads = store.reads;
  gate.MarkChanged();
  gate.BeforeUse();
  EXPECT_EQ(store.reads, reads + 1);
  EXPECT_EQ(store.installed, 2);
}

TEST(RefreshGate, ASupersededReadIsReadAgainAtTheNextUse) {
  std::atomic<int> reads{0};
  RefreshGate gate([&] { return ++reads == 1 ? Outcome::kSuperseded : Outcome::kInstalled; });
  gate.MarkChanged();
  gate.BeforeUse();
  gate.BeforeUse();
  gate.BeforeUse();
  EXPECT_EQ(reads, 2);
}

// A possibly missed change (a broken watch): the gate reads at once on its own thread, and no
// caller waits for that read, even while it hangs (the store not answering).
TEST(RefreshGate, APossiblyMissedChangeIsReadInTheBackground) {
  std::atomic<bool> release{false};
  std::atomic<int> reads{0};
  RefreshGate gate([&] {
    ++reads;
    while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return Outcome::kInstalled;
  });
  gate.MarkMaybeChanged();
  for (int i = 0; i < 100 && reads == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(reads, 1);  // at once, not after the retry interval
  const auto start = std::chrono::steady_clock::now();
  gate.BeforeUse();  // does not wait for the hanging read
  gate.BeforeUse();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(500));
  release = true;
  gate.Stop();
  EXPECT_EQ(reads, 1);
}

// Stop (before the store closes) ends the retry thread; no read is tried afterwards.
TEST(RefreshGate, NoReadAfterStop) {
  FakeStore store;
  RefreshGate gate([&] { return store.Read(); });
  store.answers = false;
  gate.MarkChanged();
  gate.BeforeUse();  // fails: the retry thread starts
  gate.Stop();
  const int reads = store.reads;
  store.answers = true;
  gate.MarkChanged();
  gate.BeforeUse();
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));  // past a retry's interval
  EXPECT_EQ(store.reads, reads);
  EXPECT_EQ(store.installed, 0);
}

}  // namespace
}  // namespace quanta
