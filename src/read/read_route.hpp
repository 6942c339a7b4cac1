#pragma once
// Which read-side page a GET below the hook's path asks for.

#include <optional>
#include <string>
#include <string_view>

namespace deployhook {

enum class ReadPage { Page, Metrics, Status, RunLog, Badge };

struct ReadRoute {
  ReadPage page = ReadPage::Page;
  std::string argument;  // the run id (RunLog) or the target name (Badge)
};

// Returns the route for `below`, the request path after the hook path ("/", "/metrics",
// "/status", "/runs/<id>/log", "/badge/<target>.svg"); nothing for any other path. Run ids and
// target names are checked against their character sets, so nothing else reaches a file name.
std::optional<ReadRoute> ParseReadRoute(std::string_view below);

}  // namespace deployhook
