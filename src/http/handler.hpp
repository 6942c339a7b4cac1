#pragma once
// The request path after the head checks: the forge's proof, payload, decision, duplicate memory,
// queue.
// Pure apart from the JobSink and DeliveryMemory it is given; never sees FastCGI.

#include <array>
#include <functional>
#include <string_view>

#include "util/clock.hpp"
#include "config/config.hpp"
#include "http/decision.hpp"
#include "state/delivery_memory.hpp"
#include "forge/forge.hpp"
#include "state/job_queue.hpp"
#include "util/log.hpp"
#include "http/request.hpp"
#include "http/request_head.hpp"
#include "http/response.hpp"

namespace deployhook {

class Handler {
 public:
  using Clock = std::function<SystemTime()>;

  Handler(const Config& config, JobSink& sink, DeliveryMemory& memory, const Logger& log,
          Clock clock = [] { return std::chrono::system_clock::now(); });

  // Returns the head checks' verdict; when it has no rejection, read `length` body bytes and
  // call HandleBody. A rejection is logged here.
  HeadCheck CheckHead(const RequestHead& head) const noexcept;

  // Returns the answer for a request whose head passed; `body` holds what could be read, which
  // is shorter than `head_check.length` when the client went away. Never throws: anything
  // unexpected is logged and answered 500.
  Response HandleBody(const RequestHead& head, const HeadCheck& head_check,
                      std::string_view body) noexcept;

  // Returns the configuration this handler answers by.
  const Config& Configuration() const noexcept { return config_; }

  // Logs a failure outside HandleBody (reading the body, say) and returns the 500 answer.
  Response Fail(const RequestHead& head, std::string_view reason) const noexcept;

 private:
  Response Handle(const RequestHead& head, const HeadCheck& head_check, std::string_view body);
  Response Queue(const Delivery& delivery, std::string_view body, const Event& event,
                 const std::vector<ChosenTarget>& targets);

  const Config& config_;
  // The distinct secrets of each forge's targets: a delivery is verified against its own
  // forge's list only (a GitLab token never meets another forge's secret).
  std::array<std::vector<std::string>, FORGE_COUNT> forge_secrets_;
  std::vector<std::size_t> target_secret_;  // index into its forge's list, per target
  JobSink& sink_;
  DeliveryMemory& memory_;
  const Logger& log_;
  Clock clock_;
};

}  // namespace deployhook
