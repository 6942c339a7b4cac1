#include "http/handler.hpp"

#include <algorithm>

#include "http/decision.hpp"
#include "state/durable_file.hpp"
#include "http/form.hpp"
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
  HeadCheck check = deployhook::CheckHead(head, config_.max_body_bytes);
  if (check.rejection) {
    Outcome outcome = *check.rejection;
    Delivery delivery = ReadDelivery(head.headers);
    log_.Log(LevelFor(outcome), "request",
             {{"delivery", delivery.id}, {"event", delivery.event}, {"method", head.method},
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
  auto reject = [&](Outcome outcome, std::string_view reason) {
    log_.Log(LevelFor(outcome), "request",
             {{"delivery", delivery.id}, {"forge", forge}, {"event", delivery.event},
              {"decision", OutcomeName(outcome)}, {"reason", reason}});
    return MakeResponse(outcome);
  };
  if (body.size() < head_check.length) return reject(Outcome::BadRequest, "body shorter than announced");

  const std::vector<std::string>& secrets = forge_secrets_[static_cast<std::size_t>(delivery.forge)];
  SignatureResult signature = VerifyProof(delivery, body, secrets);
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

  std::vector<bool> verified(config_.targets.size(), false);
  for (std::size_t i = 0; i < verified.size(); ++i) {
    verified[i] = config_.targets[i].forge == delivery.forge && signature.matched[target_secret_[i]];
  }
  Decision decision = Decide(event, config_.targets, verified);

  auto log_decision = [&](Outcome outcome, std::string_view reason) {
    log_.Log(LevelFor(outcome), "request",
             {{"delivery", delivery.id}, {"forge", forge}, {"event", delivery.event},
              {"repository", event.repository}, {"ref", RefsOf(event)},
              {"decision", OutcomeName(outcome)}, {"reason", reason}, {"note", event.note}});
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
  return Queue(delivery, body, event, decision.targets);
}

Response Handler::Queue(const Delivery& from, std::string_view body, const Event& event,
                        const std::vector<ChosenTarget>& targets) {
  std::string delivery(from.id.substr(0, MAX_DELIVERY_BYTES));
  std::vector<std::string> names;
  for (const ChosenTarget& target : targets) names.push_back(config_.targets[target.index].name);
  std::string refs = RefsOf(targets);
  auto log_decision = [&](Outcome outcome, std::string_view reason, std::string_view ids = {}) {
    log_.Log(LevelFor(outcome), "request",
             {{"delivery", delivery}, {"forge", ForgeName(from.forge)}, {"event", from.event},
              {"repository", event.repository}, {"ref", refs},
              {"decision", OutcomeName(outcome)}, {"target", Joined(names)}, {"id", ids},
              {"reason", reason}, {"note", event.note}});
  };

  std::string body_sha256 = Sha256Hex(body);
  std::vector<std::string> claimed;  // memory keys, parallel to jobs
  std::vector<Job> jobs;
  auto release = [&] {
    for (const std::string& key : claimed) memory_.Forget(key);
  };
  try {
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
      .Add("after", jobs.front().after)
      .Add("delivery", delivery)
      .Add("id", jobs.front().id)
      .AddRaw("targets", JsonArrayOfRaw(listed));
  return MakeResponse(Outcome::Queued, answer);
}

}  // namespace deployhook
