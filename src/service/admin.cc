#include "service/admin.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

namespace quanta::service {

namespace {

constexpr std::string_view kBearer = "Bearer ";
constexpr std::string_view kTokenFile = "admin.token";

std::string Trim(std::string s) {
  const auto not_space = [](char c) { return c != ' ' && c != '\n' && c != '\r' && c != '\t'; };
  while (!s.empty() && !not_space(s.back())) s.pop_back();
  size_t i = 0;
  while (i < s.size() && !not_space(s[i])) ++i;
  return s.substr(i);
}

Result<std::string> RandomHex(size_t bytes) {
  std::ifstream urandom("/dev/urandom", std::ios::binary);
  std::string raw(bytes, '\0');
  if (!urandom.read(raw.data(), static_cast<std::streamsize>(bytes))) {
    return Status(ErrorCode::kIoError, "cannot read /dev/urandom for the admin token");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes * 2);
  for (unsigned char c : raw) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

}  // namespace

void AdminCommands::Register(std::string name, Handler handler) {
  handlers_[std::move(name)] = std::move(handler);
}

Result<std::string> AdminCommands::Call(std::string_view name, std::string_view body) const {
  auto it = handlers_.find(name);
  if (it == handlers_.end()) {
    return Status(ErrorCode::kInvalidArgument, "unknown admin command '" + std::string(name) + "'");
  }
  return it->second(body);
}

bool AdminCommands::Has(std::string_view name) const { return handlers_.find(name) != handlers_.end(); }

std::vector<std::string> AdminCommands::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, handler] : handlers_) names.push_back(name);
  return names;
}

bool AdminCommands::Authorized(std::string_view authorization) const {
  if (token_.empty() || authorization.substr(0, kBearer.size()) != kBearer) return false;
  std::string_view given = authorization.substr(kBearer.size());
  if (given.size() != token_.size()) return false;
  unsigned char diff = 0;  // constant time: no early exit on the first differing byte
  for (size_t i = 0; i < given.size(); ++i) {
    diff |= static_cast<unsigned char>(given[i] ^ token_[i]);
  }
  return diff == 0;
}

std::string JsonQuote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

Result<std::string> ReadAdminToken(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return Status(ErrorCode::kIoError, "cannot read the admin token " + path + ": " +
                                           std::strerror(errno));
  }
  std::stringstream text;
  text << in.rdbuf();
  std::string token = Trim(text.str());
  if (token.empty()) return Status(ErrorCode::kInvalidArgument, "the admin token " + path + " is empty");
  return token;
}

Result<std::string> LoadOrCreateAdminToken(const std::string& dir) {
  const std::string path = dir + "/" + std::string(kTokenFile);
  if (::access(path.c_str(), F_OK) == 0) return ReadAdminToken(path);
  QUANTA_ASSIGN_OR_RETURN(std::string token, RandomHex(32));
  // Written under a temporary name and renamed, so a reader never sees half a token; O_EXCL
  // and 0600 so that only the server's user can read it.
  const std::string tmp = path + ".tmp";
  ::unlink(tmp.c_str());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Status(ErrorCode::kIoError, "cannot create the admin token " + path + ": " +
                                           std::strerror(errno));
  }
  const std::string line = token + "\n";
  const bool wrote = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!wrote || !synced || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return Status(ErrorCode::kIoError, "cannot write the admin token " + path);
  }
  return token;
}

}  // namespace quanta::service
