// backup_writer: the client side of tests/admin/backup_restore.sh.
//
//   backup_writer write HOST PORT
//     Creates table bw, then puts batches 0, 1, 2, ... until killed. Batch n is kSeries rows,
//     one per series (so one Put spans kSeries partitions and must land whole or not at all),
//     at ts = kBase + n. Prints "start n" before sending batch n and "ack n" once the server
//     acknowledged it, each line flushed.
//   backup_writer check HOST PORT ACKED STARTED
//     Reads back every series and checks: every batch <= ACKED is there, every batch is there
//     in all series or in none (no torn batch), no batch > STARTED is there. Prints the
//     number of batches found. Exit 0 when all holds.
#include <cstdlib>
#include <iostream>
#include <map>
#include <set>
#include <string>

#include "wire/pb/pb_client.h"

using quanta::Row;
using quanta::Value;
using quanta::wire::pb::PbClient;

namespace {

constexpr int kSeries = 8;
constexpr int64_t kBase = 1700000000000;

int Write(const std::string& host, uint16_t port) {
  auto c = PbClient::Connect(host, port);
  if (!c.ok()) {
    std::cerr << c.error().message() << "\n";
    return 1;
  }
  auto created = (*c)->Query(
      "CREATE TABLE bw (series VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, batch SINT64 NOT NULL, "
      "PRIMARY KEY ((series, QUANTUM(ts, 1, 'h')), series, ts))");
  if (!created.ok()) {
    std::cerr << created.error().message() << "\n";
    return 1;
  }
  for (int64_t n = 0;; ++n) {
    std::vector<Row> rows;
    for (int s = 0; s < kSeries; ++s) {
      rows.push_back({Value::Bytes("s" + std::to_string(s)), Value::Int(kBase + n), Value::Int(n)});
    }
    std::cout << "start " << n << std::endl;
    quanta::Status st = (*c)->Put("bw", rows);
    if (!st.ok()) {
      std::cerr << "put " << n << ": " << st.message() << "\n";
      return 1;
    }
    std::cout << "ack " << n << std::endl;
  }
}

int Check(const std::string& host, uint16_t port, int64_t acked, int64_t started) {
  auto c = PbClient::Connect(host, port);
  if (!c.ok()) {
    std::cerr << c.error().message() << "\n";
    return 1;
  }
  std::map<int64_t, int> seen;  // batch -> series holding it
  for (int s = 0; s < kSeries; ++s) {
    // In windows of 100,000 ms: well under any result-size limit.
    for (int64_t lo = kBase; lo <= kBase + started + 1; lo += 100000) {
      auto rs = (*c)->Query("SELECT ts, batch FROM bw WHERE series = 's" + std::to_string(s) +
                            "' AND ts >= " + std::to_string(lo) + " AND ts < " +
                            std::to_string(lo + 100000));
      if (!rs.ok()) {
        std::cerr << "select: " << rs.error().message() << "\n";
        return 1;
      }
      for (const Row& r : rs->rows) {
        if (r[0].as_int() - kBase != r[1].as_int()) {
          std::cerr << "row with ts " << r[0].as_int() << " has batch " << r[1].as_int() << "\n";
          return 1;
        }
        ++seen[r[1].as_int()];
      }
    }
  }
  int failures = 0;
  for (const auto& [batch, count] : seen) {
    if (count != kSeries) {
      std::cerr << "torn batch " << batch << ": in " << count << " of " << kSeries << " series\n";
      ++failures;
    }
    if (batch > started) {
      std::cerr << "batch " << batch << " was sent after the backup finished, yet is there\n";
      ++failures;
    }
  }
  for (int64_t n = 0; n <= acked; ++n) {
    if (!seen.count(n)) {
      std::cerr << "batch " << n << " was acknowledged before the backup, yet is missing\n";
      if (++failures > 20) break;
    }
  }
  std::cout << seen.size() << "\n";
  return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 4 && std::string(argv[1]) == "write") {
    return Write(argv[2], static_cast<uint16_t>(std::atoi(argv[3])));
  }
  if (argc == 6 && std::string(argv[1]) == "check") {
    return Check(argv[2], static_cast<uint16_t>(std::atoi(argv[3])), std::atoll(argv[4]),
                 std::atoll(argv[5]));
  }
  std::cerr << "usage: backup_writer write HOST PORT | check HOST PORT ACKED STARTED\n";
  return 2;
}
