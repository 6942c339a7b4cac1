#include "read/read_side.hpp"

#include <algorithm>

#include "http/hook_route.hpp"
#include "read/badge.hpp"
#include "state/file_lock.hpp"
#include "state/file_tail.hpp"
#include "state/job_queue.hpp"
#include "read/metrics.hpp"
#include "read/page.hpp"
#include "read/read_access.hpp"
#include "state/rejected_jobs.hpp"
#include "read/status_view.hpp"

namespace deployhook {
namespace {

constexpr std::size_t MAX_LOG_BYTES = 1 << 20;

Response Plain(int status, std::string body, std::string content_type = "text/plain; charset=utf-8") {
  Response response;
  response.status = status;
  response.body = std::move(body);
  response.content_type = std::move(content_type);
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

}  // namespace

ReadSide::ReadSide(std::filesystem::path state_dir, const TargetActivity& activity, std::string version,
                   const Logger& log)
    : activity_(activity), version_(std::move(version)), log_(log), index_(std::move(state_dir)) {}

std::optional<Response> ReadSide::Answer(const Config& config, const ReadRequest& request) noexcept {
  try {
    std::optional<std::string_view> below = PathBelow(request.path, config.hook_path);
    if (!below) return std::nullopt;
    std::optional<ReadRoute> route = ParseReadRoute(*below);
    if (!route) return Plain(404, "not found\n");
    switch (CheckReadAccess(*route, request.authorization, config.read_token, config.public_badges)) {
      case ReadAccess::Closed: return Plain(404, "not found\n");
      case ReadAccess::Unauthorized: {
        Response response = Plain(401, "unauthorized\n");
        response.headers.emplace_back("WWW-Authenticate", "Bearer");
        return response;
      }
      case ReadAccess::Open: break;
    }
    if (request.method != "GET" && request.method != "HEAD") {
      Response response = Plain(405, "method not allowed\n");
      response.headers.emplace_back("Allow", "GET, HEAD");
      return response;
    }
    Response response = Serve(config, *route, request.accept);
    if (request.method == "HEAD") response.body.clear();
    return response;
  } catch (const std::exception& e) {
    log_.Log(LogLevel::Error, "read", {{"path", request.path}, {"reason", e.what()}});
    return Plain(500, "error\n");
  } catch (...) {
    log_.Log(LogLevel::Error, "read", {{"path", request.path}, {"reason", "unknown failure"}});
    return Plain(500, "error\n");
  }
}

std::vector<TargetView> ReadSide::Targets(const Config& config) {
  std::map<std::string, TargetHistory> histories = index_.Refresh();
  JobQueue queue(config.state_dir);
  std::vector<TargetView> targets;
  for (const Target& target : config.targets) {
    TargetView view;
    view.name = target.name;
    Activity activity = activity_.Get(target.name);
    // Another worker process sharing the state_dir may be the one running it.
    if (activity == Activity::Idle && FileLock::IsHeld(config.state_dir / "locks" / (target.name + ".lock"))) {
      activity = Activity::Running;
    }
    view.activity = activity;
    view.queued = queue.Pending(target.name).size();
    view.rejected = RejectedFiles(config.state_dir, target.name).size();
    view.pause = ReadPause(config.state_dir, target.name);
    if (auto found = histories.find(target.name); found != histories.end()) view.history = found->second;
    targets.push_back(std::move(view));
  }
  return targets;
}

Response ReadSide::Serve(const Config& config, const ReadRoute& route, std::string_view accept) {
  switch (route.page) {
    case ReadPage::Metrics:
      return Plain(200, RenderMetrics(counters_, Targets(config), version_), "text/plain; version=0.0.4; charset=utf-8");
    case ReadPage::Status:
      return Plain(200, RenderStatusJson(Targets(config)), "application/json");
    case ReadPage::Page: {
      if (accept.find("text/html") == std::string_view::npos) {
        return Plain(200, RenderStatusJson(Targets(config)), "application/json");
      }
      Response response = Plain(200, RenderPage(Targets(config), version_), "text/html; charset=utf-8");
      response.headers.emplace_back("Content-Security-Policy", std::string(PAGE_CSP));
      return response;
    }
    case ReadPage::RunLog: {
      std::optional<std::string> text = ReadFileTail(config.state_dir / "logs" / (route.argument + ".log"), MAX_LOG_BYTES);
      return text ? Plain(200, std::move(*text)) : Plain(404, "no such run log\n");
    }
    case ReadPage::Badge: {
      std::vector<TargetView> targets = Targets(config);
      auto found = std::find_if(targets.begin(), targets.end(), [&](const TargetView& t) { return t.name == route.argument; });
      if (found == targets.end()) return Plain(404, "no such target\n");
      std::optional<RunResult> result;
      if (!found->history.recent.empty()) result = found->history.recent.back().result;
      return Plain(200, RenderBadge(result), "image/svg+xml");
    }
  }
  return Plain(404, "not found\n");
}

}  // namespace deployhook
