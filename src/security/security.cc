#include "security/security.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>

#include "common/log.h"
#include "security/password.h"

namespace quanta::security {

namespace {

constexpr std::string_view kStateFile = "security.json";
// A state file larger than this is refused (it is written by the server; a hand-made monster
// must not be read into memory).
constexpr std::streamsize kMaxStateBytes = 64 << 20;

Status AuthFailed() { return Status(ErrorCode::kGeneric, "Authentication failed"); }

// One warning per failed login, naming the user, the address and why (which the client is not
// told): at most kFailedLoginLines a minute, so that a password-guessing client cannot flood
// the log; the lines left out are counted in the next one.
constexpr int kFailedLoginLines = 20;

void LogFailedLogin(std::string_view user, std::string_view peer_ip, std::string_view why) {
  static std::mutex mu;
  static int64_t window = -1;
  static int lines = 0;
  static int64_t left_out = 0;
  const int64_t minute =
      std::chrono::duration_cast<std::chrono::minutes>(std::chrono::steady_clock::now().time_since_epoch())
          .count();
  int64_t skipped = 0;
  {
    std::lock_guard lock(mu);
    if (minute != window) {
      window = minute;
      lines = 0;
    }
    if (lines >= kFailedLoginLines) {
      ++left_out;
      return;
    }
    ++lines;
    skipped = left_out;
    left_out = 0;
  }
  log::Warning("security: failed login", {{"user", std::string(user)},
                                          {"peer", std::string(peer_ip)},
                                          {"reason", std::string(why)},
                                          {"not_logged_before", skipped}});
}

Status WriteFileAtomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status(ErrorCode::kIoError, "cannot write " + tmp + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int e = errno;
      ::close(fd);
      return Status(ErrorCode::kIoError, "cannot write " + tmp + ": " + std::strerror(e));
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    int e = errno;
    ::close(fd);
    return Status(ErrorCode::kIoError, "cannot fsync " + tmp + ": " + std::strerror(e));
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return Status(ErrorCode::kIoError, "cannot rename " + tmp + ": " + std::strerror(errno));
  }
  // The rename itself is durable once the directory is synced.
  std::string dir = path.substr(0, path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/'));
  int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Status::OK();
}

}  // namespace

const std::vector<std::string>& KnownPermissions() {
  static const std::vector<std::string> perms = {
      "riak_ts.get",          "riak_ts.put",           "riak_ts.delete",
      "riak_ts.list_keys",    "riak_ts.coverage",      "riak_ts.create_table",
      "riak_ts.query_select", "riak_ts.query_explain", "riak_ts.describe_table",
      "riak_ts.show_tables",  "riak_ts.alter_table",   "riak_ts.drop_table",
  };
  return perms;
}

std::string_view SourceTypeName(SourceType t) {
  switch (t) {
    case SourceType::kTrust: return "trust";
    case SourceType::kPassword: return "password";
    case SourceType::kCertificate: return "certificate";
  }
  return "password";
}

std::optional<SourceType> ParseSourceType(std::string_view name) {
  if (name == "trust") return SourceType::kTrust;
  if (name == "password") return SourceType::kPassword;
  if (name == "certificate") return SourceType::kCertificate;
  return std::nullopt;
}

namespace {

class FileStorage final : public StateStorage {
 public:
  explicit FileStorage(std::string path) : path_(std::move(path)) {}
  Result<std::optional<std::string>> Read() override {
    std::ifstream in(path_, std::ios::binary);
    if (!in) return std::optional<std::string>();
    in.seekg(0, std::ios::end);
    std::streamsize size = in.tellg();
    if (size < 0 || size > kMaxStateBytes) {
      return Status(ErrorCode::kCorruption, path_ + ": unreadable or too large");
    }
    in.seekg(0);
    std::string text(static_cast<size_t>(size), '\0');
    if (!in.read(text.data(), size)) return Status(ErrorCode::kIoError, "cannot read " + path_);
    return std::optional<std::string>(std::move(text));
  }
  // One server owns its data directory: nobody else writes the file.
  Status Replace(const std::optional<std::string>& /*expected*/, const std::string& text) override {
    return WriteFileAtomically(path_, text);
  }

 private:
  std::string path_;
};

}  // namespace

std::unique_ptr<StateStorage> FileStateStorage(const std::string& dir) {
  return std::make_unique<FileStorage>(dir + "/" + std::string(kStateFile));
}

Result<std::unique_ptr<Security>> Security::Open(const std::string& dir) {
  return Open(dir.empty() ? nullptr : FileStateStorage(dir));
}

Result<std::unique_ptr<Security>> Security::Open(std::unique_ptr<StateStorage> storage) {
  std::unique_ptr<Security> sec(new Security(std::move(storage), std::nullopt, State{}));
  {
    std::unique_lock lock(sec->mu_);
    QUANTA_RETURN_IF_ERROR(sec->ReloadLocked());
  }
  return sec;
}

Status Security::ReloadLocked() {
  if (!storage_) return Status::OK();
  QUANTA_ASSIGN_OR_RETURN(std::optional<std::string> text, storage_->Read());
  return InstallLocked(std::move(text));
}

Status Security::InstallLocked(std::optional<std::string> text) {
  State state;
  if (text) {
    auto decoded = DecodeState(*text);
    if (!decoded.ok()) {
      return Status(ErrorCode::kCorruption, "the security state: " + decoded.error().message());
    }
    state = std::move(decoded).value();
  }
  state_ = std::move(state);
  stored_ = std::move(text);
  ++generation_;
  return Status::OK();
}

// Read without mu_ held, so that requests keep using the state they have while a read waits
// on the store. A read that fails keeps the state as it was.
RefreshGate::Outcome Security::RefreshOnce() {
  if (!storage_) return RefreshGate::Outcome::kInstalled;
  uint64_t generation;
  {
    std::shared_lock lock(mu_);
    generation = generation_;
  }
  auto text = storage_->Read();
  if (!text.ok()) return RefreshGate::Outcome::kFailed;
  std::unique_lock lock(mu_);
  // Not over a change saved here meanwhile.
  if (generation != generation_ || !InstallLocked(std::move(*text)).ok()) {
    return RefreshGate::Outcome::kSuperseded;
  }
  return RefreshGate::Outcome::kInstalled;
}

void Security::RefreshIfChanged() const { refresh_.BeforeUse(); }

bool Security::enabled() const {
  RefreshIfChanged();
  std::shared_lock lock(mu_);
  return state_.enabled;
}

State Security::Snapshot() const {
  RefreshIfChanged();
  std::shared_lock lock(mu_);
  return state_;
}

Status Security::Save(const State& s) {
  if (!storage_) return Status::OK();
  std::string text = EncodeState(s);
  QUANTA_RETURN_IF_ERROR(storage_->Replace(stored_, text));
  stored_ = std::move(text);
  ++generation_;
  return Status::OK();
}

Status Security::Authenticate(std::string_view user, std::string_view password,
                              std::string_view peer_ip,
                              std::optional<std::string_view> cert_name) const {
  RefreshIfChanged();
  std::shared_lock lock(mu_);
  auto failed = [&](std::string_view why) {
    LogFailedLogin(user, peer_ip, why);
    return AuthFailed();
  };
  auto it = state_.users.find(std::string(user));
  if (it == state_.users.end()) return failed("no such user");
  const Source* best = nullptr;
  for (const Source& s : state_.sources) {
    if (s.user != user && s.user != "all") continue;
    if (!s.cidr.Contains(peer_ip)) continue;
    if (best == nullptr || s.cidr.prefix > best->cidr.prefix ||
        (s.cidr.prefix == best->cidr.prefix && s.user == user && best->user == "all")) {
      best = &s;
    }
  }
  if (best == nullptr) return failed("no source matches the address");
  switch (best->type) {
    case SourceType::kTrust:
      return Status::OK();
    case SourceType::kPassword:
      if (it->second.password && VerifyPassword(*it->second.password, password)) return Status::OK();
      return failed("wrong password");
    case SourceType::kCertificate:
      if (cert_name && *cert_name == user) return Status::OK();
      return failed(cert_name ? "the client certificate names another user"
                              : "no client certificate");
  }
  return failed("unknown source type");
}

Status Security::Check(std::string_view user, std::string_view permission,
                       std::string_view table) const {
  RefreshIfChanged();
  std::shared_lock lock(mu_);
  auto holds = [&](const std::string& grantee) {
    auto g = state_.grants.find(grantee);
    if (g == state_.grants.end()) return false;
    for (const auto& scope : {std::string("any"), std::string(table)}) {
      auto s = g->second.find(scope);
      if (s != g->second.end() && s->second.count(std::string(permission))) return true;
    }
    return false;
  };
  auto u = state_.users.find(std::string(user));
  if (u != state_.users.end()) {
    if (holds("user/" + u->first) || holds("all")) return Status::OK();
    for (const auto& g : u->second.groups) {
      if (holds("group/" + g)) return Status::OK();
    }
  }
  std::string text = "Permission denied: User '" + std::string(user) + "' does not have '" +
                     std::string(permission) + "'";
  if (!table.empty()) text += " on " + std::string(table);
  return Status(ErrorCode::kGeneric, std::move(text));
}

}  // namespace quanta::security
