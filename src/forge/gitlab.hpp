#pragma once
// GitLab: X-Gitlab-Token carries the secret itself; "Push Hook" and "Tag Push Hook" payloads.

#include <span>
#include <string>
#include <string_view>

#include "forge/forge.hpp"

namespace deployhook {

// Returns which of `secrets` equal the delivery's token (constant time). Only GitLab targets'
// secrets may be passed: the token is a secret sent in clear.
SignatureResult VerifyGitLabProof(const Delivery& delivery, std::string_view body,
                                  std::span<const std::string> secrets);

// Reads a GitLab delivery: "Push Hook" and "Tag Push Hook" are pushes (ref, checkout_sha, null
// when the ref is deleted, project.path_with_namespace); any other event is Other.
EventResult ParseGitLabEvent(std::string_view event, std::string_view json);

}  // namespace deployhook
