#pragma once
// Gitea, Forgejo and Gogs: a bare hex HMAC-SHA256 of the body, GitHub-style push payloads.

#include <span>
#include <string>
#include <string_view>

#include "forge/forge.hpp"

namespace deployhook {

// Returns which of `secrets` sign `body` as the delivery's signature header (bare hex) says.
SignatureResult VerifyGiteaProof(const Delivery& delivery, std::string_view body,
                                 std::span<const std::string> secrets);

// Reads a Gitea, Forgejo or Gogs delivery: "push" as GitHub's; any other event is Other once
// the body is a JSON object. (Their "test delivery" is a push.)
EventResult ParseGiteaEvent(std::string_view event, std::string_view json);

}  // namespace deployhook
