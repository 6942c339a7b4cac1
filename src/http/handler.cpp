#include "http/handler.hpp"

#include <algorithm>

#include "http/decision.hpp"
#include "state/durable_file.hpp"
#include "http/form.hpp"
#include "util/signature.hpp"
#include "util/sha256.hpp"

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

// Returns the refs an event names, for the log: a push's changed refs (one but for Bitbucket),
// else the build's head branch.
std::string RefsOf(const Event& event) {
  if (event.kind != EventKind::Push) return event.ref;
  std::vector<std::string> refs;
  for (const RefChange& change : event.changes) refs.push_back(change.ref);
  return Joined(refs);
}

// Returns the refs the chosen targets deploy, each once, for the log.
std::string RefsOf(const std::vector<ChosenTarget>& chosen) {
  std::vector<std::string> refs;
  for (const ChosenTarget& target : chosen) {
    if (std::find(refs.begin(), refs.end(), target.ref) == refs.end()) refs.push_back(target.ref);
  }
  return Joined(refs);
}

// Returns the 202 answer's object for the queued jobs (at least one): the first job's target,
// commit and id, and every job's target and id.
JsonObject QueuedAnswer(const std::vector<Job>& jobs, std::string_view delivery) {
  std::vector<std::string> listed;
  for (const Job& job : jobs) {
    listed.push_back(JsonObject().Add("target", job.target).Add("id", job.id).Str());
  }
  JsonObject answer = StatusObject(Outcome::Queued);
  answer.Add("target", jobs.front().target)
      .Add("after", jobs.front().after)
      .Add("delivery", delivery)
      .Add("id", jobs.front().id)
      .AddRaw("targets", JsonArrayOfRaw(listed));
  return answer;
}

}  // namespace

Handler::Handler(const Config& config, JobSink& sink, DeliveryMemory& memory, const Logger& log,
                 Clock clock)
    : config_(config), sink_(sink), memory_(memory), log_(log), clock_(std::move(clock)) {
  for (const Target& target : config_.targets) {
    std::vector<std::string>& secrets = forge_secrets_[static_cast<std::size_t>(target.forge)];
    auto it = std::find(secrets.begin(), secrets.end(), target.secret);
    target_secret_.push_back(static_cast<std::size_t>(it - secrets.begin()));
    if (it == secrets.end()) secrets.push_back(target.secret);
  }
}

HeadCheck Handler::CheckHead(const RequestHead& head) const noexcept {
  std::string_view reason;
  HeadCheck check = JudgeHead(head, reason);
  if (check.rejection) {
    Delivery delivery = ReadDelivery(head.headers);
    Outcome outcome = *check.rejection;
    log_.Log(LevelFor(outcome), "request",
             {{"delivery", delivery.id}, {"forge", ForgeName(delivery.forge)},
              {"event", delivery.event}, {"method", head.method},
              {"target", head.target.value_or("")}, {"decision", OutcomeName(outcome)},
              {"reason", reason}});
  }
  return check;
}

bool Handler::RefusesHead(const RequestHead& head) const noexcept {
  std::string_view reason;
  return JudgeHead(head, reason).rejection.has_value();
}

HeadCheck Handler::JudgeHead(const RequestHead& head, std::string_view& reason) const noexcept {
  Delivery delivery = ReadDelivery(head.headers);
  std::optional<std::size_t> target;
  if (head.target) {
    auto found = std::find_if(config_.targets.begin(), config_.targets.end(),
                              [&](const Target& t) { return t.name == *head.target; });
    if (found != config_.targets.end()) target = static_cast<std::size_t>(found - config_.targets.begin());
  }
  HeadCheck check;
  if (head.target && !target && head.method == "POST") {
    check.rejection = Outcome::UnknownTarget;
    reason = "no target of the name the path gives";
  } else {
    check = deployhook::CheckHead(head, config_.max_body_bytes);
    check.target = target;
  }
  if (!check.rejection) {
    // Known before a byte of the body: a proof that no secret could match.
    std::span<const std::string> secrets = SecretsFor(delivery, check.target);
    SignatureCheck proof = VerifyProof(delivery, {}, {}).check;  // reads the header, no HMAC
    if (secrets.empty()) {
      check.rejection = Outcome::InvalidSignature;
      reason = check.target ? "the target is of another forge" : "no target of this forge";
    } else if (proof == SignatureCheck::Missing || proof == SignatureCheck::Malformed) {
      check.rejection = Outcome::InvalidSignature;
      reason = SignatureCheckName(proof);
    }
  }
  return check;
}

std::span<const std::string> Handler::SecretsFor(const Delivery& delivery,
                                                 std::optional<std::size_t> target) const noexcept {
  const std::vector<std::string>& secrets = forge_secrets_[static_cast<std::size_t>(delivery.forge)];
  if (!target) return secrets;
  if (config_.targets[*target].forge != delivery.forge) return {};
  return std::span<const std::string>(secrets).subspan(target_secret_[*target], 1);
}

Response Handler::TimedOut(const RequestHead& head, const HeadCheck& head_check,
                           std::size_t received) const noexcept {
  Delivery delivery = ReadDelivery(head.headers);
  log_.Log(LogLevel::Warning, "request",
           {{"delivery", delivery.id}, {"forge", ForgeName(delivery.forge)},
            {"event", delivery.event}, {"decision", OutcomeName(Outcome::RequestTimeout)},
            {"reason", "body not received within body_timeout (" + std::to_string(received) +
                           " of " + std::to_string(head_check.length) + " bytes)"}});
  return MakeResponse(Outcome::RequestTimeout);
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
  Delivery delivery = ReadDelivery(head.headers);
  log_.Log(LogLevel::Error, "request",
           {{"delivery", delivery.id}, {"event", delivery.event}, {"decision", "error"},
            {"reason", reason}});
  return MakeResponse(Outcome::Error);
}

Response Handler::Handle(const RequestHead& head, const HeadCheck& head_check,
                         std::string_view body) {
  Delivery delivery = ReadDelivery(head.headers);
  std::string_view forge = ForgeName(delivery.forge);
  std::string secrets_tried;  // logged once the proof was checked: what it cost
  auto reject = [&](Outcome outcome, std::string_view reason) {
    log_.Log(LevelFor(outcome), "request",
             {{"delivery", delivery.id}, {"forge", forge}, {"event", delivery.event},
              {"target", head.target.value_or("")}, {"decision", OutcomeName(outcome)},
              {"reason", reason}, {"secrets_tried", secrets_tried}});
    return MakeResponse(outcome);
  };
  if (body.size() < head_check.length) return reject(Outcome::BadRequest, "body shorter than announced");

  std::span<const std::string> secrets = SecretsFor(delivery, head_check.target);
  SignatureResult signature = VerifyProof(delivery, body, secrets);
  secrets_tried = std::to_string(signature.tried);
  if (signature.check != SignatureCheck::Valid) {
    return reject(Outcome::InvalidSignature,
                  secrets.empty() ? "no target of this forge" : SignatureCheckName(signature.check));
  }

  std::string form_payload;
  std::string_view json = body;
  if (head_check.format == BodyFormat::Form) {
    std::optional<std::string> field = FormField(body, "payload");
    if (!field) return reject(Outcome::BadPayload, "form has no payload field");
    form_payload = std::move(*field);
    json = form_payload;
  }

  EventResult parsed = ParseEvent(delivery, json);
  if (!parsed.ok) return reject(Outcome::BadPayload, parsed.error);
  const Event& event = parsed.event;

  Decision decision =
      Decide(event, config_.targets, VerifiedTargets(delivery, head_check.target, signature));

  auto log_decision = [&](Outcome outcome, std::string_view reason) {
    log_.Log(LevelFor(outcome), "request",
             {{"delivery", delivery.id}, {"forge", forge}, {"event", delivery.event},
              {"repository", event.repository}, {"ref", RefsOf(event)},
              {"decision", OutcomeName(outcome)}, {"reason", reason}, {"note", event.note},
              {"secrets_tried", secrets_tried}});
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
  return Queue(delivery, body, event, decision.targets, secrets_tried);
}

std::vector<bool> Handler::VerifiedTargets(const Delivery& delivery,
                                           std::optional<std::size_t> target,
                                           const SignatureResult& signature) const {
  std::vector<bool> verified(config_.targets.size(), false);
  if (target) {
    verified[*target] = true;  // its secret alone was offered, and it matched
    return verified;
  }
  for (std::size_t i = 0; i < verified.size(); ++i) {
    verified[i] = config_.targets[i].forge == delivery.forge && signature.matched[target_secret_[i]];
  }
  return verified;
}

std::vector<std::string> Handler::ConfirmClaims(const std::vector<Job>& jobs,
                                                const std::vector<std::string>& claimed,
                                                std::string_view delivery) {
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    ids.push_back(jobs[i].id);
    try {
      memory_.Confirm(claimed[i], {jobs[i].id});
    } catch (const StorageError& e) {
      // The job is queued; only duplicate detection for this body is weakened.
      log_.Log(LogLevel::Warning, "memory", {{"delivery", delivery}, {"reason", e.what()}});
    }
  }
  return ids;
}

Response Handler::Queue(const Delivery& from, std::string_view body, const Event& event,
                        const std::vector<ChosenTarget>& targets, std::string_view secrets_tried) {
  std::string delivery(from.id.substr(0, MAX_DELIVERY_BYTES));
  std::vector<std::string> names;
  for (const ChosenTarget& target : targets) names.push_back(config_.targets[target.index].name);
  std::string refs = RefsOf(targets);
  auto log_decision = [&](Outcome outcome, std::string_view reason, std::string_view ids = {}) {
    log_.Log(LevelFor(outcome), "request",
             {{"delivery", delivery}, {"forge", ForgeName(from.forge)}, {"event", from.event},
              {"repository", event.repository}, {"ref", refs},
              {"decision", OutcomeName(outcome)}, {"target", Joined(names)}, {"id", ids},
              {"reason", reason}, {"note", event.note}, {"secrets_tried", secrets_tried}});
  };

  std::string body_sha256 = Sha256Hex(body);
  std::vector<std::string> claimed;  // memory keys, parallel to jobs
  std::vector<Job> jobs;
  auto release = [&] {
    for (const std::string& key : claimed) memory_.Forget(key);
  };
  try {
    jobs = ClaimJobs(targets, delivery, event, body_sha256, claimed);
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

  std::vector<std::string> ids = ConfirmClaims(jobs, claimed, delivery);
  names.clear();
  for (const Job& job : jobs) names.push_back(job.target);
  log_decision(Outcome::Queued, {}, Joined(ids));
  return MakeResponse(Outcome::Queued, QueuedAnswer(jobs, delivery));
}

std::vector<Job> Handler::ClaimJobs(const std::vector<ChosenTarget>& targets,
                                    const std::string& delivery, const Event& event,
                                    const std::string& body_sha256,
                                    std::vector<std::string>& claimed) {
  std::vector<Job> jobs;
  SystemTime now = clock_();
  for (const ChosenTarget& target : targets) {
    const std::string& name = config_.targets[target.index].name;
    std::string key = DeliveryKey(body_sha256, name);
    if (memory_.TryClaim(key) == Claim::Duplicate) continue;
    claimed.push_back(std::move(key));
    // `after` carries the commit the run aims at: the head of the branch the push updated,
    // the workflow run's head_sha, or the package's revision label (empty when it has none).
    jobs.push_back({.id = NewId(now), .target = name, .delivery = delivery,
                    .repository = event.repository, .ref = target.ref, .after = target.commit,
                    .body_sha256 = body_sha256, .queued_at = FormatRfc3339(now),
                    .snapshot = std::nullopt, .restores = {}, .restore = {}});
  }
  return jobs;
}

}  // namespace deployhook
