#pragma once
// GET requests below the hook's path: metrics, status, page, run logs, badges. Reads state_dir
// (history through a HistoryIndex, queue, pauses) and this process's request counters; the POST
// path never comes here.

#include <optional>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "read/history_index.hpp"
#include "read/read_model.hpp"
#include "read/read_route.hpp"
#include "read/request_counters.hpp"
#include "http/response.hpp"
#include "deploy/target_activity.hpp"
#include "util/log.hpp"

namespace deployhook {

struct ReadRequest {
  std::string_view method;
  std::string_view path;  // REQUEST_URI (its query is ignored), else DOCUMENT_URI
  std::string_view accept;
  std::optional<std::string_view> authorization;
};

class ReadSide {
 public:
  // `state_dir` is the one the worker started with (a reload never changes it).
  ReadSide(std::filesystem::path state_dir, const TargetActivity& activity, std::string version,
           const Logger& log);

  // Returns the answer for a request below `config`'s hook_path; nothing for any other request
  // (the hook path itself, or elsewhere), which goes to the delivery handler. Never throws: a
  // failure is answered 500.
  std::optional<Response> Answer(const Config& config, const ReadRequest& request) noexcept;

  // Counts a delivery's decision for /metrics.
  void Count(Outcome outcome) noexcept { counters_.Count(outcome); }

 private:
  Response Serve(const Config& config, const ReadRoute& route, std::string_view accept);
  std::vector<TargetView> Targets(const Config& config);

  const TargetActivity& activity_;
  std::string version_;
  const Logger& log_;  // the "read" lines: what a read request failed at
  RequestCounters counters_;
  HistoryIndex index_;
};

}  // namespace deployhook
