// ingest_disk_full: line protocol and Prometheus remote write into a quantad whose disk is full.
//
// Senders retry a 5xx answer and drop the data of a 4xx one (docs/ingest.md), so a full disk
// must answer 507, never 400, and take the same writes again once space is back. The test mounts
// a 64 MiB tmpfs in a private mount namespace (exit 77, reported by ctest as skipped, where that
// is not permitted), runs quantad on it with storage.min_free_space = 16 MiB, and:
//   1. writes a line (creating table cpu) and a remote write sample: 204;
//   2. puts a ballast that leaves about 8 MiB free: a line for cpu, a line for a new
//      measurement (whose table creation needs the disk too) and a remote write must each be
//      refused with 507 {"error":"... disk full"} (no file path), and quantad keeps serving
//      reads (the rows of step 1);
//   3. deletes the ballast: such writes must be accepted (204) within 20 s, without a restart,
//      SELECT finds every point and sample acknowledged, and the table refused in step 2 does
//      not exist.
// Every exit path stops quantad and removes the temporary directory.
//
// Usage: ingest_disk_full --quantad PATH
#include <snappy.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "mini_http.h"
#include "remote_write_encode.h"
#include "server_harness.h"
#include "tmpfs.h"

namespace fs = std::filesystem;
using namespace quanta;
using namespace quanta::durability;

namespace {

constexpr int kSkip = 77;
constexpr int64_t kT0 = 1700000000000;  // ms; the n-th write of each kind is at kT0 + n s

std::string Line(const std::string& measurement, int n) {
  return measurement + ",host=a usage=" + std::to_string(n) + ".5 " +
         std::to_string(kT0 + n * 1000) + "\n";
}

std::string RemoteWrite(int n) {
  ingest::testing::TestSeries s;
  s.labels = {{"__name__", "up"}, {"job", "quanta"}};
  s.samples = {{static_cast<double>(n), kT0 + n * 1000}};
  std::string message = ingest::testing::EncodeWriteRequest({s});
  std::string body;
  snappy::Compress(message.data(), message.size(), &body);
  return body;
}

// The three writes of the test: a line for cpu, a line for a measurement of its own (new<n>,
// whose table the write creates) and a remote write sample; `n` makes each round's points new.
struct Answers {
  HttpAnswer cpu, fresh, remote;
};
Answers WriteAll(uint16_t port, int n) {
  HttpClient c("127.0.0.1", port, 20);
  Answers a;
  a.cpu = c.Request("POST", "/write?db=x&precision=ms", Line("cpu", n), "text/plain");
  a.fresh = c.Request("POST", "/write?db=x&precision=ms", Line("new" + std::to_string(n), n),
                      "text/plain");
  a.remote = c.Request("POST", "/api/v1/write", RemoteWrite(n), "application/x-protobuf");
  return a;
}

std::string Show(const HttpAnswer& a) {
  return std::to_string(a.status) + " " + a.body.substr(0, 300);
}

// The answer a sender retries: 507 with InfluxDB's error object naming the full disk, no path.
bool IsDiskFull(const HttpAnswer& a) {
  return a.status == 507 && a.body.rfind("{\"error\":\"", 0) == 0 &&
         a.body.find("disk full") != std::string::npos && a.body.find('/') == std::string::npos;
}

// COUNT(*) of a series over the test's hour, or -1.
int Count(uint16_t port, const std::string& table, const std::string& where) {
  HttpClient c("127.0.0.1", port, 20);
  HttpAnswer a = c.Request("POST", "/ts/v1/query",
                           "SELECT COUNT(*) FROM " + table + " WHERE " + where + " AND time >= " +
                               std::to_string(kT0) + " AND time < " +
                               std::to_string(kT0 + 3600 * 1000),
                           "text/plain");
  const std::string tag = "\"rows\":[[";
  size_t at = a.body.find(tag);
  if (a.status != 200 || at == std::string::npos) return -1;
  return std::atoi(a.body.c_str() + at + tag.size());
}

}  // namespace

int main(int argc, char** argv) {
  ::signal(SIGPIPE, SIG_IGN);
  const std::string quantad = Arg(argc, argv, "--quantad", "");
  if (quantad.empty() || !fs::exists(quantad)) {
    std::cerr << "ingest_disk_full: --quantad PATH is required (got '" << quantad << "')\n";
    return 2;
  }
  std::string tmpl = (fs::temp_directory_path() / "quanta-ingestfull-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) return 2;
  const std::string dir = tmpl, mnt = dir + "/mnt", data = mnt + "/data",
                    log = dir + "/quantad.log";
  fs::create_directories(mnt);
  if (std::string why = MountTmpfs(mnt, 64); !why.empty()) {
    std::cout << "ingest_disk_full: SKIPPED: cannot mount a tmpfs here (" << why
              << "); needs root or unprivileged user namespaces" << std::endl;
    fs::remove_all(dir);
    return kSkip;
  }
  const std::vector<std::string> args = {"--set", "storage.min_free_space=16MB",
                                         "--set", "storage.write_buffer_mb=2"};
  std::vector<std::string> failures;
  Server server;
  std::string why;
  const auto t_start = Clock::now();

  [&] {
    if (!StartServer(quantad, data, args, log, &server, &why)) {
      failures.push_back("start: " + why);
      return;
    }
    // 1. With space.
    Answers a = WriteAll(server.http_port, 0);
    for (const HttpAnswer* x : {&a.cpu, &a.fresh, &a.remote}) {
      if (x->status != 204) failures.push_back("write with space -> " + Show(*x));
    }
    if (!failures.empty()) return;

    // 2. Full: the reserve is checked against statvfs at least every few hundred ms, so the
    // first refusal may take a moment.
    const uint64_t free = FreeBytes(mnt);
    const uint64_t ballast = Ballast(mnt + "/ballast", free > (8u << 20) ? free - (8u << 20) : 0);
    std::cout << "ballast " << (ballast >> 20) << " MiB, " << (FreeBytes(mnt) >> 10)
              << " KiB free" << std::endl;
    auto t = Clock::now();
    HttpAnswer first;
    int accepted_meanwhile = 0;
    for (int n = 1; Seconds(Clock::now() - t) < 10; ++n) {
      HttpClient c("127.0.0.1", server.http_port, 20);
      first = c.Request("POST", "/write?db=x&precision=ms", Line("cpu", 100 + n), "text/plain");
      if (first.status != 204) break;
      ++accepted_meanwhile;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (!IsDiskFull(first)) {
      failures.push_back("line protocol on a full disk: expected 507 {\"error\":\"... disk "
                         "full\"}, got " + Show(first));
      return;
    }
    std::cout << "refused " << static_cast<int>(Seconds(Clock::now() - t) * 1000)
              << " ms after the ballast (" << accepted_meanwhile << " lines accepted before): "
              << first.body << std::endl;
    a = WriteAll(server.http_port, 1);
    const char* what[] = {"line protocol (existing table)", "line protocol (new table)",
                          "remote write"};
    const HttpAnswer* got[] = {&a.cpu, &a.fresh, &a.remote};
    for (int i = 0; i < 3; ++i) {
      std::cout << what[i] << " on a full disk: " << Show(*got[i]) << std::endl;
      if (!IsDiskFull(*got[i])) {
        failures.push_back(std::string(what[i]) + " on a full disk: expected 507 "
                           "{\"error\":\"... disk full\"}, got " + Show(*got[i]));
      }
    }
    // Reads go on.
    const int cpu_rows = Count(server.http_port, "cpu", "host = 'a'");
    if (cpu_rows != 1 + accepted_meanwhile) {
      failures.push_back("SELECT on a full disk: " + std::to_string(cpu_rows) + " cpu rows, " +
                         "expected " + std::to_string(1 + accepted_meanwhile));
    }

    // 3. Space back: the same writes are taken, without a restart.
    fs::remove(mnt + "/ballast");
    t = Clock::now();
    bool resumed = false;
    while (!resumed && Seconds(Clock::now() - t) < 20) {
      a = WriteAll(server.http_port, 2);
      resumed = a.cpu.status == 204 && a.fresh.status == 204 && a.remote.status == 204;
      for (const HttpAnswer* x : {&a.cpu, &a.fresh, &a.remote}) {
        if (x->status != 204 && !IsDiskFull(*x)) {
          failures.push_back("write while space returns -> " + Show(*x));
          return;
        }
      }
      if (!resumed) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    if (!resumed) {
      failures.push_back("writes not accepted within 20 s of freeing space: " + Show(a.cpu) +
                         " / " + Show(a.fresh) + " / " + Show(a.remote));
      return;
    }
    std::cout << "writes accepted again " << static_cast<int>(Seconds(Clock::now() - t) * 1000)
              << " ms after the ballast was deleted" << std::endl;
    const int cpu_after = Count(server.http_port, "cpu", "host = 'a'");
    const int new2 = Count(server.http_port, "new2", "host = 'a'");
    // The table whose creation was refused does not exist.
    const int new1 = Count(server.http_port, "new1", "host = 'a'");
    const int up_after = Count(server.http_port, "prometheus_samples",
                               "metric = 'up' AND labels = 'job=\"quanta\"'");
    std::cout << "rows: cpu " << cpu_after << ", new2 " << new2 << ", samples " << up_after
              << "; new1 " << (new1 < 0 ? "absent" : "present") << std::endl;
    if (cpu_after != 2 + accepted_meanwhile) {
      failures.push_back("cpu has " + std::to_string(cpu_after) + " rows, expected " +
                         std::to_string(2 + accepted_meanwhile));
    }
    // The refused writes of round 1 left nothing: rounds 0 and 2 only.
    if (new2 != 1) failures.push_back("new2 has " + std::to_string(new2) + " rows, expected 1");
    if (new1 >= 0) failures.push_back("new1, refused on a full disk, exists");
    if (up_after != 2) failures.push_back(std::to_string(up_after) + " samples, expected 2");
  }();
  StopServer(&server, SIGTERM);

  if (!failures.empty()) {
    for (const std::string& f : failures) std::cout << "FAIL: " << f << "\n";
    std::ifstream in(log);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::cout << "quantad's log (last 3000 bytes):\n"
              << text.substr(text.size() > 3000 ? text.size() - 3000 : 0) << std::endl;
  }
  ::umount2(mnt.c_str(), MNT_DETACH);
  fs::remove_all(dir);
  std::cout << "ingest_disk_full: " << (failures.empty() ? "OK" : "FAILED") << " in "
            << static_cast<int>(Seconds(Clock::now() - t_start) * 1000) << " ms" << std::endl;
  return failures.empty() ? 0 : 1;
}
