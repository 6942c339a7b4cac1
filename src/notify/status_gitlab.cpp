#include "notify/commit_status.hpp"
#include "http/form.hpp"
#include "util/json_writer.hpp"

namespace deployhook {
namespace {

std::string_view GitLabState(std::string_view event) {
  if (event == "started") return "running";
  if (event == "succeeded" || event == "unchanged") return "success";
  return "failed";
}

}  // namespace

StatusPost GitLabStatus(std::string_view api, std::string_view repository, std::string_view sha,
                        std::string_view event, std::string_view context) {
  return {std::string(api) + "/api/v4/projects/" + UrlEncode(repository) + "/statuses/" +
              std::string(sha),
          JsonObject()
              .Add("state", GitLabState(event))
              .Add("name", context)
              .Add("description", StatusDescription(event))
              .Str()};
}

}  // namespace deployhook
