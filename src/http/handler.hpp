#pragma once
// The request path after the head checks: the forge's proof, payload, decision, duplicate memory,
// queue.
// Pure apart from the JobSink and DeliveryMemory it is given; never sees FastCGI.

#include <array>
#include <functional>
#include <span>
#include <string_view>

#include "util/clock.hpp"
#include "config/config.hpp"
#include "http/decision.hpp"
#include "state/delivery_memory.hpp"
#include "forge/forge.hpp"
#include "state/job_queue.hpp"
#include "util/log.hpp"
#include "util/signature.hpp"
#include "http/request.hpp"
#include "http/request_head.hpp"
#include "http/response.hpp"

namespace deployhook {

class Handler {
 public:
  using Clock = std::function<SystemTime()>;

  Handler(const Config& config, JobSink& sink, DeliveryMemory& memory, const Logger& log,
          Clock clock = [] { return std::chrono::system_clock::now(); });

  // Returns the verdict on what is known before the body: the head checks, the per-target
  // path's target (404 when there is none of that name), and a proof that is missing, cannot
  // be read or meets no target of its forge (401). When it has no rejection, read `length`
  // body bytes and call HandleBody. A rejection is logged here.
  HeadCheck CheckHead(const RequestHead& head) const noexcept;

  // Returns true when CheckHead would refuse `head`; logs nothing.
  bool RefusesHead(const RequestHead& head) const noexcept;

  // Returns the answer for a request whose head passed; `body` holds what could be read, which
  // is shorter than `head_check.length` when the client went away. Never throws: anything
  // unexpected is logged and answered 500.
  Response HandleBody(const RequestHead& head, const HeadCheck& head_check,
                      std::string_view body) noexcept;

  // Returns the configuration this handler answers by.
  const Config& Configuration() const noexcept { return config_; }

  // Logs a failure outside HandleBody (reading the body, say) and returns the 500 answer.
  Response Fail(const RequestHead& head, std::string_view reason) const noexcept;

  // Logs a body that did not arrive within body_timeout and returns the 408 answer.
  Response TimedOut(const RequestHead& head, const HeadCheck& head_check,
                    std::size_t received) const noexcept;

 private:
  Response Handle(const RequestHead& head, const HeadCheck& head_check, std::string_view body);
  // CheckHead without the log; `reason` says why a refusal was made.
  HeadCheck JudgeHead(const RequestHead& head, std::string_view& reason) const noexcept;
  // Returns the secrets a delivery may be proved by: its target's alone on a per-target path
  // (none when that target is of another forge), else those of every target of its forge.
  std::span<const std::string> SecretsFor(const Delivery& delivery,
                                          std::optional<std::size_t> target) const noexcept;
  // Returns, per target, whether the proof was checked against its secret and matched.
  std::vector<bool> VerifiedTargets(const Delivery& delivery, std::optional<std::size_t> target,
                                    const SignatureResult& signature) const;
  Response Queue(const Delivery& delivery, std::string_view body, const Event& event,
                 const std::vector<ChosenTarget>& targets, std::string_view secrets_tried);
  // Claims the body for each chosen target and returns a job for each claim won (none when every
  // target had this body before); each claim's key is added to `claimed` as it is made, so a
  // caller can release them when this or the enqueue throws. Throws StorageError.
  std::vector<Job> ClaimJobs(const std::vector<ChosenTarget>& targets,
                             const std::string& delivery, const Event& event,
                             const std::string& body_sha256, std::vector<std::string>& claimed);
  // Confirms each queued job's claim on the body (a failure only weakens duplicate detection,
  // and is logged); returns the jobs' ids.
  std::vector<std::string> ConfirmClaims(const std::vector<Job>& jobs,
                                         const std::vector<std::string>& claimed,
                                         std::string_view delivery);

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
