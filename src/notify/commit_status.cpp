#include "notify/commit_status.hpp"

#include <cassert>

namespace deployhook {

std::string StatusDescription(NotifyEvent event) {
  return "deploy " + std::string(Name(event));
}

StatusPost CommitStatusPost(const Target& target, std::string_view sha, NotifyEvent event) {
  assert(target.status.has_value());
  const CommitStatusSettings& status = *target.status;
  switch (target.forge) {
    case Forge::GitHub:
      return GitHubStatus(status.api, target.repository, sha, event, status.context);
    case Forge::GitLab:
      return GitLabStatus(status.api, target.repository, sha, event, status.context);
    case Forge::Gitea:
    case Forge::Forgejo:
      return GitHubStatus(status.api + "/api/v1", target.repository, sha, event, status.context);
    case Forge::Gogs:
    case Forge::Bitbucket:
    case Forge::BitbucketServer:
      break;  // no commit status: config loading refuses the status keys for these forges
  }
  assert(false && "commit status on a forge without one");
  return {};
}

std::pair<std::string, std::string> StatusAuthHeader(Forge forge, std::string_view token) {
  if (forge == Forge::GitLab) return {"PRIVATE-TOKEN", std::string(token)};
  return {"Authorization", "Bearer " + std::string(token)};
}

}  // namespace deployhook
