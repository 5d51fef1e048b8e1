// The memory Parse() takes, measured: peak live heap bytes (plus a 16-byte allocator overhead
// per allocation) over adversarial statements of every shape, against the bound the service
// reserves before parsing (sql::kParseBytesPerInputByte per input byte).
//
// This binary replaces the global operator new/delete to count; it holds only this test.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>

#include "sql/parser.h"

namespace {
std::atomic<bool> g_counting{false};
std::atomic<int64_t> g_live{0};
std::atomic<int64_t> g_peak{0};
constexpr int64_t kOverhead = 16;

void* CountedAlloc(size_t n) {
  void* p = std::malloc(n + 16);
  if (p == nullptr) throw std::bad_alloc();
  *static_cast<size_t*>(p) = n;
  if (g_counting.load(std::memory_order_relaxed)) {
    int64_t now = g_live.fetch_add(static_cast<int64_t>(n) + kOverhead) + static_cast<int64_t>(n) + kOverhead;
    int64_t peak = g_peak.load();
    while (now > peak && !g_peak.compare_exchange_weak(peak, now)) {
    }
  }
  return static_cast<char*>(p) + 16;
}

void CountedFree(void* q) {
  if (q == nullptr) return;
  void* p = static_cast<char*>(q) - 16;
  size_t n = *static_cast<size_t*>(p);
  if (g_counting.load(std::memory_order_relaxed)) {
    g_live.fetch_sub(static_cast<int64_t>(n) + kOverhead);
  }
  std::free(p);
}
}  // namespace

void* operator new(size_t n) { return CountedAlloc(n); }
void* operator new[](size_t n) { return CountedAlloc(n); }
void operator delete(void* p) noexcept { CountedFree(p); }
void operator delete[](void* p) noexcept { CountedFree(p); }
void operator delete(void* p, size_t) noexcept { CountedFree(p); }
void operator delete[](void* p, size_t) noexcept { CountedFree(p); }

namespace quanta::sql {
namespace {

// Peak bytes Parse() holds for `sql` (tokens, syntax tree, error text).
int64_t ParsePeak(const std::string& sql) {
  g_live = 0;
  g_peak = 0;
  g_counting = true;
  {
    auto r = Parse(sql);
    (void)r;
  }
  g_counting = false;
  return g_peak.load();
}

std::string Repeat(const std::string& head, const std::string& unit, const std::string& tail,
                   size_t target) {
  std::string s = head;
  while (s.size() + unit.size() + tail.size() <= target) s += unit;
  return s + tail;
}

// "+a+a...,a": chains just below the expression height limit, one after another.
std::string Chain() {
  std::string s;
  for (int i = 0; i < 400; ++i) s += "+a";
  return s + ",a";
}
std::string NegChain() {
  std::string s;
  for (int i = 0; i < 200; ++i) s += "+-a";
  return s + ",a";
}

struct Shape {
  const char* name;
  std::string head, unit, tail;
};

TEST(ParseMemoryTest, WorstCasesStayWithinTheReservedMultiple) {
  const Shape shapes[] = {
      {"open parens", "SELECT v FROM t WHERE ", "(", ""},
      {"parens around a comparison", "SELECT v FROM t WHERE ", "(", "a=1"},
      {"select list", "SELECT a", ",a", " FROM t"},
      {"select list of numbers", "SELECT 1", ",1", " FROM t"},
      {"arithmetic chain", "SELECT a", "+a", " FROM t"},
      {"and chain", "SELECT a FROM t WHERE a=1", " AND a=1", ""},
      {"or chain", "SELECT a FROM t WHERE a=1", " OR a=1", ""},
      {"insert values", "INSERT INTO t VALUES (1", ",1", ")"},
      {"insert rows", "INSERT INTO t VALUES (1)", ",(1)", ""},
      {"insert strings", "INSERT INTO t VALUES (''", ",''", ")"},
      {"group by", "SELECT a FROM t WHERE a=1 GROUP BY a", ",a", ""},
      {"order by", "SELECT a FROM t WHERE a=1 ORDER BY a", ",a", ""},
      {"create table columns", "CREATE TABLE t (a varchar not null", ",a sint64", ")"},
      {"punctuation only", "", ";", ""},
      {"lexer tokens", "", "a ", ""},
      // Dense expression trees: about one node per input byte (every node needs a token).
      {"binary items", "SELECT a+a", ",a+a", " FROM t"},
      {"negated items", "SELECT -a", ",-a", " FROM t"},
      {"arithmetic chains", "SELECT a", Chain(), " FROM t"},
      {"negated chains", "SELECT a", NegChain(), " FROM t"},
      {"function calls", "SELECT COUNT(a)", ",COUNT(a)", " FROM t"},
      {"negations", "SELECT a FROM t WHERE a=", "- ", "1"},
      {"not chain", "SELECT a FROM t WHERE ", "NOT ", "a=1"},
  };
  for (size_t size : {size_t{32} << 10, size_t{128} << 10}) {
    for (const Shape& s : shapes) {
      std::string sql = Repeat(s.head, s.unit, s.tail, size);
      int64_t peak = ParsePeak(sql);
      double per_byte = static_cast<double>(peak) / static_cast<double>(sql.size());
      std::printf("%-28s %8zu bytes: peak %10lld (%.1f per input byte)\n", s.name, sql.size(),
                  static_cast<long long>(peak), per_byte);
      EXPECT_LE(peak, static_cast<int64_t>(sql.size()) * kParseBytesPerInputByte)
          << s.name << " at " << sql.size() << " bytes";
    }
  }
}

}  // namespace
}  // namespace quanta::sql
