#pragma once
// Bitbucket Cloud and Bitbucket Server / Data Center: X-Hub-Signature "sha256=<hex>" over the
// body; repo:push (Cloud) and repo:refs_changed (Server) carry a list of ref changes.

#include <span>
#include <string>
#include <string_view>

#include "forge/forge.hpp"

namespace deployhook {

// Returns which of `secrets` sign `body` as X-Hub-Signature ("sha256=<hex>") says.
SignatureResult VerifyBitbucketProof(const Delivery& delivery, std::string_view body,
                                     std::span<const std::string> secrets);

// Reads a Bitbucket Cloud delivery: repo:push is a push of every ref change it lists (branch
// updates, tags and deletions alike); diagnostics:ping is a ping; anything else is Other.
EventResult ParseBitbucketCloudEvent(std::string_view event, std::string_view json);

// Reads a Bitbucket Server delivery: repo:refs_changed as above, repository "PROJECT/slug".
EventResult ParseBitbucketServerEvent(std::string_view event, std::string_view json);

}  // namespace deployhook
