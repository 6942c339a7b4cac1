#include "read/read_access.hpp"

#include <openssl/crypto.h>

namespace deployhook {

ReadAccess CheckReadAccess(const ReadRoute& route, std::optional<std::string_view> authorization,
                           const std::optional<std::string>& token, bool public_badges) noexcept {
  if (route.page == ReadPage::Badge && public_badges) return ReadAccess::Open;
  if (!token) return ReadAccess::Closed;
  constexpr std::string_view SCHEME = "Bearer ";
  if (!authorization || !authorization->starts_with(SCHEME)) return ReadAccess::Unauthorized;
  std::string_view sent = authorization->substr(SCHEME.size());
  // The length is not secret (it is the configured token's); the bytes are compared in
  // constant time.
  if (sent.size() != token->size() || CRYPTO_memcmp(sent.data(), token->data(), sent.size()) != 0) {
    return ReadAccess::Unauthorized;
  }
  return ReadAccess::Open;
}

}  // namespace deployhook
