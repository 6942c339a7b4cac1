#include "notify/commit_status.hpp"
#include "http/form.hpp"
#include "util/json_writer.hpp"

namespace deployhook {
namespace {

std::string_view GitLabState(NotifyEvent event) {
  switch (event) {
    case NotifyEvent::Started: return "running";
    case NotifyEvent::Succeeded:
    case NotifyEvent::Unchanged: return "success";
    case NotifyEvent::Stale:
    case NotifyEvent::Failed:
    case NotifyEvent::TimedOut:
    case NotifyEvent::RolledBack:
    case NotifyEvent::RollbackFailed:
    case NotifyEvent::Test: return "failed";
  }
  return "failed";  // not reached: every enumerator is listed above
}

}  // namespace

StatusPost GitLabStatus(std::string_view api, std::string_view repository, std::string_view sha,
                        NotifyEvent event, std::string_view context) {
  return {std::string(api) + "/api/v4/projects/" + PathSegment(repository) + "/statuses/" +
              PathSegment(sha),
          JsonObject()
              .Add("state", GitLabState(event))
              .Add("name", context)
              .Add("description", StatusDescription(event))
              .Str()};
}

}  // namespace deployhook
