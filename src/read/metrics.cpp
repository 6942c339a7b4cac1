#include "read/metrics.hpp"

#include <cstdio>

namespace deployhook {
namespace {

constexpr Outcome OUTCOMES[] = {
    Outcome::MethodNotAllowed, Outcome::LengthRequired, Outcome::TooLarge,
    Outcome::UnsupportedMediaType, Outcome::BadRequest, Outcome::InvalidSignature,
    Outcome::BadPayload, Outcome::Pong, Outcome::Ignored, Outcome::Duplicate,
    Outcome::Queued, Outcome::Unavailable, Outcome::Error};
static_assert(std::size(OUTCOMES) == OUTCOME_COUNT);

std::string Label(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string Number(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

void Family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

}  // namespace

std::string RenderMetrics(const RequestCounters& requests, const std::vector<TargetView>& targets,
                          std::string_view version) {
  std::string out;
  Family(out, "deployhook_requests_total", "counter", "Deliveries this worker process answered, by decision.");
  for (Outcome outcome : OUTCOMES) {
    out += "deployhook_requests_total{decision=\"" + std::string(OutcomeName(outcome)) + "\"} " +
           std::to_string(requests.Get(outcome)) + "\n";
  }
  Family(out, "deployhook_deployments_total", "counter", "Recorded runs, by target and result.");
  for (const TargetView& target : targets) {
    for (const auto& [result, count] : target.history.results) {
      out += "deployhook_deployments_total{target=\"" + Label(target.name) + "\",result=\"" + Label(result) +
             "\"} " + std::to_string(count) + "\n";
    }
  }
  Family(out, "deployhook_deployment_duration_seconds", "histogram", "Wall time of recorded runs, by target.");
  for (const TargetView& target : targets) {
    if (target.history.duration_count == 0) continue;
    std::string name = Label(target.name);
    for (std::size_t i = 0; i < DURATION_BUCKETS.size(); ++i) {
      out += "deployhook_deployment_duration_seconds_bucket{target=\"" + name + "\",le=\"" +
             Number(DURATION_BUCKETS[i]) + "\"} " + std::to_string(target.history.buckets[i]) + "\n";
    }
    out += "deployhook_deployment_duration_seconds_bucket{target=\"" + name + "\",le=\"+Inf\"} " +
           std::to_string(target.history.buckets.back()) + "\n";
    out += "deployhook_deployment_duration_seconds_sum{target=\"" + name + "\"} " +
           Number(target.history.duration_sum) + "\n";
    out += "deployhook_deployment_duration_seconds_count{target=\"" + name + "\"} " +
           std::to_string(target.history.duration_count) + "\n";
  }
  Family(out, "deployhook_last_success_timestamp_seconds", "gauge",
         "When the target's last succeeded or unchanged run finished (Unix time).");
  for (const TargetView& target : targets) {
    if (target.history.last_success <= 0) continue;
    out += "deployhook_last_success_timestamp_seconds{target=\"" + Label(target.name) + "\"} " +
           Number(target.history.last_success) + "\n";
  }
  Family(out, "deployhook_queued_jobs", "gauge", "Jobs waiting in the target's queue.");
  for (const TargetView& target : targets) {
    out += "deployhook_queued_jobs{target=\"" + Label(target.name) + "\"} " + std::to_string(target.queued) + "\n";
  }
  Family(out, "deployhook_build_info", "gauge", "The running deployhook's version.");
  out += "deployhook_build_info{version=\"" + Label(version) + "\"} 1\n";
  return out;
}

}  // namespace deployhook
