#include "security/password.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <string>
#include <vector>

namespace quanta::security {

namespace {

constexpr size_t kSaltBytes = 16;
constexpr size_t kKeyBytes = 32;
// A stored count outside this range is refused rather than run (a hand-edited file must not make
// every login take minutes).
constexpr int kMaxIterations = 10'000'000;

std::string Hex(const unsigned char* p, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kHex[p[i] >> 4]);
    out.push_back(kHex[p[i] & 15]);
  }
  return out;
}

bool Unhex(std::string_view hex, std::vector<unsigned char>* out) {
  if (hex.size() % 2 != 0) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  out->clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<unsigned char>(hi * 16 + lo));
  }
  return true;
}

bool Derive(std::string_view password, const std::vector<unsigned char>& salt, int iterations,
            unsigned char* key) {
  return PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt.data(),
                           static_cast<int>(salt.size()), iterations, EVP_sha256(), kKeyBytes,
                           key) == 1;
}

}  // namespace

Result<PasswordHash> HashPassword(std::string_view password, int iterations) {
  std::vector<unsigned char> salt(kSaltBytes);
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) {
    return Status(ErrorCode::kInternal, "cannot get random bytes for a password salt");
  }
  unsigned char key[kKeyBytes];
  if (!Derive(password, salt, iterations, key)) {
    return Status(ErrorCode::kInternal, "PBKDF2 failed");
  }
  return PasswordHash{Hex(salt.data(), salt.size()), Hex(key, kKeyBytes), iterations};
}

bool VerifyPassword(const PasswordHash& stored, std::string_view password) {
  std::vector<unsigned char> salt, expected;
  if (stored.iterations <= 0 || stored.iterations > kMaxIterations) return false;
  if (!Unhex(stored.salt_hex, &salt) || !Unhex(stored.hash_hex, &expected)) return false;
  if (expected.size() != kKeyBytes) return false;
  unsigned char key[kKeyBytes];
  if (!Derive(password, salt, stored.iterations, key)) return false;
  return CRYPTO_memcmp(key, expected.data(), kKeyBytes) == 0;
}

}  // namespace quanta::security
