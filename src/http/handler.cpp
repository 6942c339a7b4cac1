#include "handler.hpp"

#include <algorithm>

#include "decision.hpp"
#include "durable_file.hpp"
#include "form.hpp"
#include "payload.hpp"
#include "sha256.hpp"
#include "signature.hpp"

namespace deployhook {
namespace {

// A delivery id is an opaque GUID; anything longer is cut before it is stored or echoed.
constexpr std::size_t MAX_DELIVERY_BYTES = 128;

LogLevel LevelFor(Outcome outcome) {
  int status = HttpStatus(outcome);
  if (status >= 500) return LogLevel::Error;
  if (status >= 400) return LogLevel::Warning;
  return LogLevel::Info;
}

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

}  // namespace

Handler::Handler(const Config& config, JobSink& sink, DeliveryMemory& memory, const Logger& log,
                 Clock clock)
    : config_(config),
      secrets_(config.Secrets()),
      sink_(sink),
      memory_(memory),
      log_(log),
      clock_(std::move(clock)) {
  for (const Target& target : config_.targets) {
    auto it = std::find(secrets_.begin(), secrets_.end(), target.secret);
    target_secret_.push_back(static_cast<std::size_t>(it - secrets_.begin()));
  }
}

HeadCheck Handler::CheckHead(const RequestHead& head) const noexcept {
  HeadCheck check = deployhook::CheckHead(head, config_.max_body_bytes);
  if (check.rejection) {
    Outcome outcome = *check.rejection;
    log_.Log(LevelFor(outcome), "request",
             {{"delivery", head.delivery}, {"event", head.event}, {"method", head.method},
              {"decision", OutcomeName(outcome)}});
  }
  return check;
}

Response Handler::HandleBody(const RequestHead& head, const HeadCheck& head_check,
                             std::string_view body) noexcept {
  try {
    return Handle(head, head_check, body);
  } catch (const std::exception& e) {
    return Fail(head, e.what());
  } catch (...) {
    return Fail(head, "unknown exception");
  }
}

Response Handler::Fail(const RequestHead& head, std::string_view reason) const noexcept {
  log_.Log(LogLevel::Error, "request",
           {{"delivery", head.delivery}, {"event", head.event}, {"decision", "error"},
            {"reason", reason}});
  return MakeResponse(Outcome::Error);
}

Response Handler::Handle(const RequestHead& head, const HeadCheck& head_check,
                         std::string_view body) {
  auto reject = [&](Outcome outcome, std::string_view reason) {
    log_.Log(LevelFor(outcome), "request",
             {{"delivery", head.delivery}, {"event", head.event},
              {"decision", OutcomeName(outcome)}, {"reason", reason}});
    return MakeResponse(outcome);
  };
  if (body.size() < head_check.length) return reject(Outcome::BadRequest, "body shorter than announced");

  SignatureResult signature = VerifySignature(head.signature, body, secrets_);
  if (signature.check != SignatureCheck::Valid) {
    return reject(Outcome::InvalidSignature, SignatureCheckName(signature.check));
  }

  std::string form_payload;
  std::string_view json = body;
  if (head_check.format == BodyFormat::Form) {
    std::optional<std::string> field = FormField(body, "payload");
    if (!field) return reject(Outcome::BadPayload, "form has no payload field");
    form_payload = std::move(*field);
    json = form_payload;
  }

  PayloadResult parsed;
  if (head.event == "push") {
    parsed = ParsePushPayload(json);
    if (!parsed.ok) return reject(Outcome::BadPayload, parsed.error);
  } else if (std::string error = CheckJsonObject(json); !error.empty()) {
    return reject(Outcome::BadPayload, error);
  }

  std::vector<bool> verified;
  for (std::size_t index : target_secret_) verified.push_back(signature.matched[index]);
  Decision decision = Decide(head.event, parsed.ok ? &parsed.push : nullptr, config_.targets, verified);

  auto log_decision = [&](Outcome outcome, std::string_view reason, std::string_view targets = {},
                          std::string_view ids = {}) {
    log_.Log(LevelFor(outcome), "request",
             {{"delivery", head.delivery}, {"event", head.event},
              {"repository", parsed.push.repository}, {"ref", parsed.push.ref},
              {"decision", OutcomeName(outcome)}, {"target", targets}, {"id", ids},
              {"reason", reason}});
  };
  switch (decision.verdict) {
    case Verdict::Pong:
      log_decision(Outcome::Pong, {});
      return MakeResponse(Outcome::Pong);
    case Verdict::Ignored:
      log_decision(Outcome::Ignored, decision.reason);
      return MakeResponse(Outcome::Ignored, StatusObject(Outcome::Ignored).Add("reason", decision.reason));
    case Verdict::Deploy:
      break;
  }
  return Queue(head, body, parsed.push, decision.targets);
}

Response Handler::Queue(const RequestHead& head, std::string_view body, const PushPayload& push,
                        const std::vector<std::size_t>& targets) {
  std::string delivery(head.delivery.substr(0, MAX_DELIVERY_BYTES));
  std::vector<std::string> names;
  for (std::size_t index : targets) names.push_back(config_.targets[index].name);
  auto log_decision = [&](Outcome outcome, std::string_view reason, std::string_view ids = {}) {
    log_.Log(LevelFor(outcome), "request",
             {{"delivery", delivery}, {"event", head.event}, {"repository", push.repository},
              {"ref", push.ref}, {"decision", OutcomeName(outcome)}, {"target", Joined(names)},
              {"id", ids}, {"reason", reason}});
  };

  std::string body_sha256 = Sha256Hex(body);
  std::vector<std::string> claimed;  // memory keys, parallel to jobs
  std::vector<Job> jobs;
  auto release = [&] {
    for (const std::string& key : claimed) memory_.Forget(key);
  };
  try {
    SystemTime now = clock_();
    for (const std::string& name : names) {
      std::string key = DeliveryKey(body_sha256, name);
      if (memory_.TryClaim(key) == Claim::Duplicate) continue;
      claimed.push_back(std::move(key));
      jobs.push_back({NewId(now), name, delivery, push.repository, push.ref, push.after,
                      body_sha256, FormatRfc3339(now), std::nullopt, {}, {}});
    }
    if (jobs.empty()) {
      log_decision(Outcome::Duplicate, "this exact body was accepted before");
      return MakeResponse(Outcome::Duplicate);
    }
    sink_.Enqueue(jobs);
  } catch (const StorageError& e) {
    release();
    log_decision(Outcome::Unavailable, e.what());
    return MakeResponse(Outcome::Unavailable);
  } catch (...) {
    release();  // a claim without its job would turn a redelivery into a false duplicate
    throw;
  }

  std::vector<std::string> ids;
  std::vector<std::string> listed;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    ids.push_back(jobs[i].id);
    listed.push_back(JsonObject().Add("target", jobs[i].target).Add("id", jobs[i].id).Str());
    try {
      memory_.Confirm(claimed[i], {jobs[i].id});
    } catch (const StorageError& e) {
      // The job is queued; only duplicate detection for this body is weakened.
      log_.Log(LogLevel::Warning, "memory", {{"delivery", delivery}, {"reason", e.what()}});
    }
  }
  names.clear();
  for (const Job& job : jobs) names.push_back(job.target);
  log_decision(Outcome::Queued, {}, Joined(ids));
  JsonObject answer = StatusObject(Outcome::Queued);
  answer.Add("target", jobs.front().target)
      .Add("after", push.after)
      .Add("delivery", delivery)
      .Add("id", jobs.front().id)
      .AddRaw("targets", JsonArrayOfRaw(listed));
  return MakeResponse(Outcome::Queued, answer);
}

}  // namespace deployhook
