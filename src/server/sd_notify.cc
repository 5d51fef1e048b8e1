#include "server/sd_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <cstddef>

namespace quanta::server {

namespace {

// Closes the socket on every path out of NotifyServiceManager.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

Status NotifyServiceManager(const std::string& state) {
  const char* env = std::getenv("NOTIFY_SOCKET");
  if (env == nullptr || env[0] == '\0') return Status::OK();
  const std::string address = env;
  if (address[0] != '/' && address[0] != '@') {
    return Status(ErrorCode::kInvalidArgument,
                  "NOTIFY_SOCKET '" + address + "' is neither a path nor an abstract socket name");
  }
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  if (address.size() > sizeof(sa.sun_path) - (address[0] == '/' ? 1 : 0)) {
    return Status(ErrorCode::kInvalidArgument, "NOTIFY_SOCKET '" + address + "' is too long");
  }
  std::memcpy(sa.sun_path, address.data(), address.size());
  // An abstract name starts with a NUL byte and is exactly as long as written (no terminator).
  if (address[0] == '@') sa.sun_path[0] = '\0';
  const socklen_t len =
      static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address.size() +
                             (address[0] == '/' ? 1 : 0));

  Fd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) {
    return Status(ErrorCode::kIoError,
                  std::string("cannot create the notification socket: ") + std::strerror(errno));
  }
  ssize_t n;
  do {
    n = ::sendto(fd.get(), state.data(), state.size(), MSG_NOSIGNAL,
                 reinterpret_cast<const sockaddr*>(&sa), len);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    return Status(ErrorCode::kIoError, "cannot notify the service manager at '" + address +
                                           "': " + std::strerror(errno));
  }
  if (static_cast<size_t>(n) != state.size()) {
    return Status(ErrorCode::kIoError, "short notification to the service manager");
  }
  return Status::OK();
}

}  // namespace quanta::server
