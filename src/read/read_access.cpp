#include "read/read_access.hpp"

#include <openssl/crypto.h>

#include <algorithm>

namespace deployhook {
namespace {

// Returns the credentials of an `Authorization: Bearer <token>` value, or nothing for another
// scheme. The scheme is case-insensitive (RFC 9110 11.1); one or more spaces follow it.
std::optional<std::string_view> BearerCredentials(std::string_view authorization) noexcept {
  constexpr std::string_view SCHEME = "bearer";
  std::size_t space = authorization.find(' ');
  std::string_view scheme = authorization.substr(0, space);
  auto same = [](char sent, char lower) {
    return (sent >= 'A' && sent <= 'Z' ? static_cast<char>(sent - 'A' + 'a') : sent) == lower;
  };
  if (space == std::string_view::npos ||
      !std::equal(scheme.begin(), scheme.end(), SCHEME.begin(), SCHEME.end(), same)) {
    return std::nullopt;
  }
  std::size_t start = authorization.find_first_not_of(' ', space);
  return start == std::string_view::npos ? std::string_view{} : authorization.substr(start);
}

}  // namespace

ReadAccess CheckReadAccess(const ReadRoute& route, std::optional<std::string_view> authorization,
                           const std::optional<std::string>& token, bool public_badges) noexcept {
  if (route.page == ReadPage::Badge && public_badges) return ReadAccess::Open;
  if (!token) return ReadAccess::Closed;
  std::optional<std::string_view> sent =
      authorization ? BearerCredentials(*authorization) : std::nullopt;
  if (!sent) return ReadAccess::Unauthorized;
  // The length is not secret (it is the configured token's); the bytes are compared in
  // constant time.
  if (sent->size() != token->size() ||
      CRYPTO_memcmp(sent->data(), token->data(), sent->size()) != 0) {
    return ReadAccess::Unauthorized;
  }
  return ReadAccess::Open;
}

}  // namespace deployhook
