#include "notify/commit_status.hpp"
#include "util/json_writer.hpp"

namespace deployhook {
namespace {

std::string_view GitHubState(std::string_view event) {
  if (event == "started") return "pending";
  if (event == "succeeded" || event == "unchanged") return "success";
  if (event == "rollback_failed") return "error";
  return "failure";
}

}  // namespace

StatusPost GitHubStatus(std::string_view repos_base, std::string_view repository,
                        std::string_view sha, std::string_view event, std::string_view context) {
  return {std::string(repos_base) + "/repos/" + std::string(repository) + "/statuses/" +
              std::string(sha),
          JsonObject()
              .Add("state", GitHubState(event))
              .Add("context", context)
              .Add("description", StatusDescription(event))
              .Str()};
}

}  // namespace deployhook
