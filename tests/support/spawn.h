// Starting a server binary as a child of a test driver (durability and abuse suites).
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace quanta::testing {

// Runs argv[0] with `argv` as a child that is killed when the test driver dies (PDEATHSIG), its
// standard output and error appended to `log_path`. Returns the child's pid, or -1 when fork
// failed (an exec failure shows as the child's exit status 127).
inline pid_t SpawnChild(std::vector<std::string> argv, const std::string& log_path) {
  pid_t pid = ::fork();
  if (pid != 0) return pid;
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the test driver
  int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd >= 0) {
    ::dup2(fd, 1);
    ::dup2(fd, 2);
  }
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  ::execv(args[0], args.data());
  _exit(127);
}

}  // namespace quanta::testing
