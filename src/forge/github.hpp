#pragma once
// GitHub: X-Hub-Signature-256 over the body; push, ping, workflow_run and package events.

#include <span>
#include <string>
#include <string_view>

#include "forge/forge.hpp"

namespace deployhook {

// Returns which of `secrets` sign `body` as X-Hub-Signature-256 ("sha256=<hex>") says.
SignatureResult VerifyGitHubProof(const Delivery& delivery, std::string_view body,
                                  std::span<const std::string> secrets);

// Reads a GitHub delivery: push, ping, workflow_run (build finished), registry_package and
// package (package published); any other event is Other once the body is a JSON object.
EventResult ParseGitHubEvent(std::string_view event, std::string_view json);

// Reads a GitHub-style push (GitHub, Gitea, Forgejo and Gogs send the same fields) into an Event
// with one ref change. Not ok for what is not one JSON object, `ref` or `repository.full_name`
// missing or not strings, `after`/`deleted` of the wrong type, and an `after` that is not a
// commit id (see CommitProblem).
EventResult ParseGitHubStylePush(std::string_view event, std::string_view json);

}  // namespace deployhook
