#pragma once
// Commit status on the forge: "pending" when a run starts, its outcome when it ends, on the
// run's commit. Each forge's paths and state names live in their own small file. Every part of
// a status URL's path (owner, repository, project path, sha) is percent-encoded as one segment:
// no value adds a segment or steps up the path.

#include <string>
#include <string_view>

#include "config/config.hpp"
#include "util/http_client.hpp"

namespace deployhook {

struct StatusPost {
  std::string url;   // holds no secret: the token travels in a header added when it is sent
  std::string body;  // JSON
};

// GitHub: POST {api}/repos/{owner}/{repo}/statuses/{sha}; Gitea and Forgejo: the same under
// {api}/api/v1 (Gogs has no commit-status API). States: pending, success, failure (a run that
// failed, timed out, was rolled back or found its image stale), error (the rollback failed too).
StatusPost GitHubStatus(std::string_view repos_base, std::string_view repository,
                        std::string_view sha, NotifyEvent event, std::string_view context);

// GitLab: POST {api}/api/v4/projects/{url-encoded path}/statuses/{sha}. States: running,
// success, failed.
StatusPost GitLabStatus(std::string_view api, std::string_view repository, std::string_view sha,
                        NotifyEvent event, std::string_view context);

// Returns the post for `target`'s forge (its status settings must be set, which config loading
// allows for GitHub, Gitea, Forgejo and GitLab only).
StatusPost CommitStatusPost(const Target& target, std::string_view sha, NotifyEvent event);

// Returns the header carrying `token` as `forge` expects it.
std::pair<std::string, std::string> StatusAuthHeader(Forge forge, std::string_view token);

// Returns the status description: "deploy started", "deploy failed", ...
std::string StatusDescription(NotifyEvent event);

}  // namespace deployhook
