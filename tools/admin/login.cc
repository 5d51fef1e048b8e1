// quanta-admin's login options for servers with security enabled (commands.h: PbLogin).
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "commands.h"

namespace quanta::admin {

bool ParseLoginOption(const std::vector<std::string>& args, size_t* i, const std::string& prefix,
                      PbLogin* login, std::string* error) {
  const std::string& flag = args[*i];
  if (flag.compare(0, prefix.size(), prefix) != 0) return false;
  const std::string name = flag.substr(prefix.size());
  std::string* dst = name == "user"     ? &login->user
                     : name == "cacert" ? &login->tls.ca_file
                     : name == "cert"   ? &login->tls.cert_file
                     : name == "key"    ? &login->tls.key_file
                                        : nullptr;
  if (dst == nullptr && name != "password-file") return false;
  if (*i + 1 >= args.size()) {
    *error = flag + " needs a value";
    return true;
  }
  const std::string& value = args[++*i];
  if (dst != nullptr) {
    *dst = value;
    return true;
  }
  std::ifstream in(value);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) {
    *error = flag + ": cannot read " + value;
    return true;
  }
  login->password = text.str();
  // The file's last line end is not part of the password.
  while (!login->password.empty() &&
         (login->password.back() == '\n' || login->password.back() == '\r')) {
    login->password.pop_back();
  }
  login->password_given = true;
  return true;
}

void PasswordFromEnvironment(const char* env, PbLogin* login) {
  if (!login->enabled() || login->password_given) return;
  if (const char* p = std::getenv(env)) login->password = p;
}

}  // namespace quanta::admin
