// NotifyServiceManager against a datagram socket standing in for systemd's, then a real quantad
// started with $NOTIFY_SOCKET: READY=1 must arrive only once its listeners accept connections,
// STOPPING=1 once SIGTERM is taken.
#include "server/sd_notify.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

namespace quanta::server {
namespace {

namespace fs = std::filesystem;

// A bound AF_UNIX datagram socket: the service manager's end. `name` is a path, or an abstract
// name when it starts with '@'. $NOTIFY_SOCKET points at it while the object lives.
class Listener {
 public:
  explicit Listener(const std::string& name) : name_(name) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::memcpy(sa.sun_path, name.data(), name.size());
    socklen_t len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
    if (name[0] == '@') {
      sa.sun_path[0] = '\0';
    } else {
      ++len;
    }
    bound_ = fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&sa), len) == 0;
    ::setenv("NOTIFY_SOCKET", name.c_str(), 1);
  }
  ~Listener() {
    ::unsetenv("NOTIFY_SOCKET");
    if (fd_ >= 0) ::close(fd_);
    if (name_[0] == '/') ::unlink(name_.c_str());
  }
  bool bound() const { return bound_; }

  // The next datagram, or "" when none arrives within `timeout`.
  std::string Receive(std::chrono::milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1) return "";
    char buf[4096];
    ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
  }

 private:
  std::string name_;
  int fd_ = -1;
  bool bound_ = false;
};

// A fresh directory under $TMPDIR, removed with everything in it at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "quanta-sdnotify-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Kills and reaps the child on the way out of a failed test.
struct Child {
  pid_t pid = -1;
  ~Child() {
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  }
};

TEST(SdNotify, NothingToDoWithoutNotifySocket) {
  ::unsetenv("NOTIFY_SOCKET");
  EXPECT_TRUE(NotifyServiceManager("READY=1").ok());
  ::setenv("NOTIFY_SOCKET", "", 1);
  EXPECT_TRUE(NotifyServiceManager("READY=1").ok());
  ::unsetenv("NOTIFY_SOCKET");
}

TEST(SdNotify, SendsToAPathSocket) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  {
    Listener l((dir.path() / "notify").string());
    ASSERT_TRUE(l.bound());
    ASSERT_TRUE(NotifyServiceManager("READY=1").ok());
    EXPECT_EQ(l.Receive(std::chrono::seconds(2)), "READY=1");
    ASSERT_TRUE(NotifyServiceManager("STOPPING=1\nSTATUS=bye").ok());
    EXPECT_EQ(l.Receive(std::chrono::seconds(2)), "STOPPING=1\nSTATUS=bye");
  }
}

TEST(SdNotify, SendsToAnAbstractSocket) {
  Listener l("@quanta-sdnotify-test-" + std::to_string(::getpid()));
  ASSERT_TRUE(l.bound());
  ASSERT_TRUE(NotifyServiceManager("READY=1").ok());
  EXPECT_EQ(l.Receive(std::chrono::seconds(2)), "READY=1");
}

TEST(SdNotify, BadAddressesAreErrorsNotCrashes) {
  ::setenv("NOTIFY_SOCKET", "relative/path", 1);
  EXPECT_EQ(NotifyServiceManager("READY=1").code(), ErrorCode::kInvalidArgument);
  ::setenv("NOTIFY_SOCKET", ("/" + std::string(200, 'x')).c_str(), 1);
  EXPECT_EQ(NotifyServiceManager("READY=1").code(), ErrorCode::kInvalidArgument);
  ::setenv("NOTIFY_SOCKET", "/nonexistent-dir-quanta/notify", 1);
  EXPECT_EQ(NotifyServiceManager("READY=1").code(), ErrorCode::kIoError);
  ::unsetenv("NOTIFY_SOCKET");
}

// A port the kernel just handed out and that nothing listens on (bound, then released).
int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(sa);
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len) == 0) {
    port = ntohs(sa.sin_port);
  }
  ::close(fd);
  return port;
}

bool CanConnect(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(port));
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) == 0;
  ::close(fd);
  return ok;
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// quantad on ephemeral ports with $NOTIFY_SOCKET set, as systemd starts a Type=notify unit.
TEST(SdNotify, QuantadIsReadyOnlyWhenItsListenersAccept) {
  TempDir tmp;
  ASSERT_FALSE(tmp.path().empty());
  const fs::path& dir = tmp.path();
  Listener l((dir / "notify").string());
  ASSERT_TRUE(l.bound());
  const fs::path log = dir / "quantad.log";
  const std::string data = (dir / "data").string();
  const int pb_port = FreePort();
  const int http_port = FreePort();
  ASSERT_GT(pb_port, 0);
  ASSERT_GT(http_port, 0);
  const std::string pb = "127.0.0.1:" + std::to_string(pb_port);
  const std::string http = "127.0.0.1:" + std::to_string(http_port);
  Child child;
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::freopen(log.c_str(), "w", stderr);
    ::execl(QUANTAD_PATH, QUANTAD_PATH, "--data-dir", data.c_str(), "--pb-listen", pb.c_str(),
            "--http-listen", http.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  child.pid = pid;
  ASSERT_EQ(l.Receive(std::chrono::seconds(30)), "READY=1") << ReadFile(log);
  EXPECT_TRUE(CanConnect(pb_port));
  EXPECT_TRUE(CanConnect(http_port));
  EXPECT_EQ(l.Receive(std::chrono::milliseconds(200)), "") << "only one READY=1";

  ::kill(pid, SIGTERM);
  EXPECT_EQ(l.Receive(std::chrono::seconds(30)), "STOPPING=1");
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  child.pid = -1;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << ReadFile(log);
}

}  // namespace
}  // namespace quanta::server
