#include "util/sha256.hpp"

#include <openssl/evp.h>

#include <array>

namespace deployhook {

std::string HexEncode(const unsigned char* bytes, std::size_t size) {
  static constexpr char HEX[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * size);
  for (std::size_t i = 0; i < size; ++i) {
    out += HEX[bytes[i] >> 4];
    out += HEX[bytes[i] & 0xf];
  }
  return out;
}

std::string Sha256Hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr);
  return HexEncode(digest.data(), length);
}

}  // namespace deployhook
