#include "sha256.hpp"

#include <openssl/evp.h>

#include <array>

namespace deployhook {

std::string Sha256Hex(std::string_view data) {
  static constexpr char HEX[] = "0123456789abcdef";
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr);
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += HEX[digest[i] >> 4];
    out += HEX[digest[i] & 0xf];
  }
  return out;
}

}  // namespace deployhook
