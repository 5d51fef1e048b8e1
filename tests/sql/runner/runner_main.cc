// sql_runner: runs golden SQL test files (docs/testing.md). ctest runs it once per .test file.
//
//   sql_runner [--transport=<inproc|pb|ttb|http|all>] [--keep-data] [--parse-only]
//              [--coordinators N] [--set KEY=VALUE]... <file>...
//
// --set sets a server option (a `config` key, docs/testing.md) before each file starts, e.g.
// --set storage.backend=rados --set rados.conf=PATH --set rados.pool=POOL runs the files on a
// Ceph pool; each file then gets a fresh RADOS namespace (named like its data directory)
// unless rados.namespace is set.
// --coordinators N (with the RADOS settings) opens N coordinators over the same pool and
// namespace and sends the statements to them in turn (alternating.h).
// --parse-only checks the syntax of the files without opening a service.
// Each file gets a fresh data directory under $TMPDIR, removed afterwards unless --keep-data.
// --transport (or the environment variable QUANTA_SQLTEST_TRANSPORT) chooses the transport a
// file starts with; `transport` directives in the file still override it.
// Exit status: 0 when every file passed, 1 otherwise, 2 for usage errors.
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <unistd.h>

#include "commands.h"
#include "script_parser.h"
#include "transport.h"

namespace {

using quanta::sqltest::Harness;
using quanta::sqltest::TestContext;

std::string MakeTempDir() {
  std::string base = std::filesystem::temp_directory_path().string() + "/quanta-sqltest-XXXXXX";
  std::vector<char> buf(base.begin(), base.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) return {};
  return std::string(buf.data());
}

// Returns true when the file passed.
using Settings = std::vector<std::pair<std::string, std::string>>;

bool RunFile(const std::string& path, const std::string& transport, bool keep_data,
             int coordinators, const Settings& settings) {
  auto script = quanta::sqltest::ParseScriptFile(path);
  if (!script.ok()) {
    std::cout << script.error().message() << "\n";
    std::cout << "FAIL " << path << " (parse error)\n";
    return false;
  }
  std::string dir = MakeTempDir();
  if (dir.empty()) {
    std::cout << "FAIL " << path << ": cannot create a temporary directory\n";
    return false;
  }
  int failures = 0, run = 0, skipped = 0;
  {
    Harness harness(dir + "/data");
    harness.SetCoordinators(coordinators);
    TestContext ctx(path, harness, std::cout);
    ctx.SetTransport(transport);
    quanta::Status st;
    bool has_namespace = false;
    for (const auto& [k, v] : settings) {
      if (st.ok()) st = harness.Set(k, v);
      has_namespace = has_namespace || k == "rados.namespace";
    }
    if (st.ok() && !has_namespace) {
      st = harness.Set("rados.namespace", std::filesystem::path(dir).filename().string());
    }
    if (st.ok()) st = harness.Start();
    if (!st.ok()) {
      ctx.Abort(0, "cannot open the service: " + st.ToString());
    } else {
      for (auto& c : (*script)->commands) c->Execute(ctx);
    }
    quanta::Status closed = harness.Stop();
    if (!closed.ok() && !ctx.aborted()) ctx.Abort(0, "close failed: " + closed.ToString());
    failures = ctx.failures();
    run = ctx.run();
    skipped = ctx.skipped();
  }
  if (keep_data) {
    std::cout << "data kept in " << dir << "\n";
  } else {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  std::cout << (failures == 0 ? "PASS " : "FAIL ") << path << ": " << run << " run, "
            << failures << " failed, " << skipped << " skipped\n";
  return failures == 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string transport = "inproc";
  if (const char* env = std::getenv("QUANTA_SQLTEST_TRANSPORT"); env != nullptr && *env) {
    transport = env;
  }
  bool keep_data = false;
  bool parse_only = false;
  int coordinators = 1;
  Settings settings;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--transport=", 0) == 0) {
      transport = a.substr(12);
    } else if (a == "--parse-only") {
      parse_only = true;
    } else if (a == "--keep-data") {
      keep_data = true;
    } else if (a == "--coordinators" || a.rfind("--coordinators=", 0) == 0) {
      std::string n = a == "--coordinators" ? (i + 1 < argc ? argv[++i] : "") : a.substr(15);
      coordinators = n.size() == 1 && n[0] >= '1' && n[0] <= '9' ? n[0] - '0' : 0;
      if (coordinators == 0) {
        std::cerr << "--coordinators needs a number from 1 to 9\n";
        return 2;
      }
    } else if (a == "--set" || a.rfind("--set=", 0) == 0) {
      std::string kv = a == "--set" ? (i + 1 < argc ? argv[++i] : "") : a.substr(6);
      size_t eq = kv.find('=');
      if (eq == std::string::npos) {
        std::cerr << "--set needs KEY=VALUE\n";
        return 2;
      }
      settings.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
    } else if (a == "-h" || a == "--help") {
      std::cout << "usage: sql_runner [--transport=<inproc|pb|ttb|http|all>] [--keep-data] [--parse-only] [--coordinators N] [--set KEY=VALUE]... "
                   "<file.test>...\n";
      return 0;
    } else if (!a.empty() && a[0] == '-') {
      std::cerr << "unknown option " << a << "\n";
      return 2;
    } else {
      files.push_back(a);
    }
  }
  bool known = transport == "all";
  for (const auto& n : Harness::Known()) known = known || n == transport;
  if (!known || files.empty()) {
    std::cerr << "usage: sql_runner [--transport=<inproc|pb|ttb|http|all>] [--keep-data] [--parse-only] [--coordinators N] [--set KEY=VALUE]... "
                 "<file.test>...\n";
    return 2;
  }
  bool all_passed = true;
  if (parse_only) {
    for (const auto& f : files) {
      auto script = quanta::sqltest::ParseScriptFile(f);
      if (!script.ok()) {
        std::cout << script.error().message() << "\n";
        all_passed = false;
      }
    }
    return all_passed ? 0 : 1;
  }
  for (const auto& f : files) {
    all_passed = RunFile(f, transport, keep_data, coordinators, settings) && all_passed;
  }
  return all_passed ? 0 : 1;
}
