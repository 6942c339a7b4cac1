#include "notify/commit_status.hpp"
#include "http/form.hpp"
#include "util/json_writer.hpp"

namespace deployhook {
namespace {

std::string_view GitHubState(NotifyEvent event) {
  switch (event) {
    case NotifyEvent::Started: return "pending";
    case NotifyEvent::Succeeded:
    case NotifyEvent::Unchanged: return "success";
    case NotifyEvent::RollbackFailed: return "error";
    case NotifyEvent::Stale:
    case NotifyEvent::Failed:
    case NotifyEvent::TimedOut:
    case NotifyEvent::RolledBack:
    case NotifyEvent::Test: return "failure";
  }
  return "failure";  // not reached: every enumerator is listed above
}

// Returns "{owner}/{name}" with each part one encoded path segment (a slash past the first is
// part of the name, so encoded too).
std::string RepositoryPath(std::string_view repository) {
  std::size_t slash = repository.find('/');
  if (slash == std::string_view::npos) return PathSegment(repository);
  return PathSegment(repository.substr(0, slash)) + "/" + PathSegment(repository.substr(slash + 1));
}

}  // namespace

StatusPost GitHubStatus(std::string_view repos_base, std::string_view repository,
                        std::string_view sha, NotifyEvent event, std::string_view context) {
  return {std::string(repos_base) + "/repos/" + RepositoryPath(repository) + "/statuses/" +
              PathSegment(sha),
          JsonObject()
              .Add("state", GitHubState(event))
              .Add("context", context)
              .Add("description", StatusDescription(event))
              .Str()};
}

}  // namespace deployhook
