// Password hashing for security users: PBKDF2-HMAC-SHA256 from OpenSSL with a random 16-byte
// salt; the iteration count is stored with the hash so that it can be raised later.
#pragma once

#include <string_view>

#include "common/status.h"
#include "security/security.h"

namespace quanta::security {

inline constexpr int kPasswordIterations = 65536;  // as Riak's pbkdf2 default

Result<PasswordHash> HashPassword(std::string_view password, int iterations = kPasswordIterations);
// Constant-time comparison of the derived key.
bool VerifyPassword(const PasswordHash& stored, std::string_view password);

}  // namespace quanta::security
