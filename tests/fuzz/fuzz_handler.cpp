// Fuzzes the whole request path after the head checks, as a client drives it: signature, form
// decoding, payload, decision, duplicate memory and queueing, with jobs recorded instead of
// written and the duplicate memory in a scratch state_dir.
//
// Input, one field per line and the body last:
//   event, Content-Type, proof, delivery id, body
// The event is GitHub's X-GitHub-Event, unless it starts with a forge's name and a colon
// ("gitlab:Push Hook", "bitbucket-server:repo:refs_changed"): then the request carries that
// forge's event, delivery and proof headers instead. The proof line picks how the body is
// proved, so the fuzzer gets past the HMAC: empty proves it with SECRET_GITHUB_DOCS in the
// forge's scheme, "2" with SECRET_GITEA, "-" sends no proof, anything else is sent as is.

#include <algorithm>
#include <set>
#include <string>

#include "http/decision.hpp"
#include "forge/forge.hpp"
#include "http/form.hpp"
#include "harness.hpp"
#include "http/handler.hpp"
#include "forge/payload.hpp"
#include "util/sha256.hpp"
#include "util/signature.hpp"

namespace {

using namespace deployhook;

// Delivery ids longer than this are cut by the handler before they are stored or echoed.
constexpr std::size_t MAX_DELIVERY_BYTES = 128;

struct Request {
  RequestHead head;
  Forge forge = Forge::GitHub;
  std::optional<std::string> proof;
  std::string content_length;
  std::string_view body;
};

// Returns the forge an event field names ("gitlab:Push Hook") and the event itself; a field
// without a forge's name before its first colon is GitHub's.
std::pair<Forge, std::string_view> SplitForge(std::string_view field) {
  std::size_t colon = field.find(':');
  if (colon != std::string_view::npos) {
    if (std::optional<Forge> forge = ParseForge(field.substr(0, colon))) {
      return {*forge, field.substr(colon + 1)};
    }
  }
  return {Forge::GitHub, field};
}

Request ReadRequest(std::string_view input) {
  std::vector<std::string_view> fields = fuzz::SplitFields(input, 5);
  fields.resize(5);
  Request request;
  request.body = fields[4];
  request.head.method = "POST";
  request.head.content_type = fields[1];
  auto [forge, event] = SplitForge(fields[0]);
  request.forge = forge;
  std::string_view mode = fields[2];
  if (mode.empty()) {
    request.proof = ProofFor(forge, fuzz::SECRET_GITHUB_DOCS, request.body);
  } else if (mode == "2") {
    request.proof = ProofFor(forge, fuzz::SECRET_GITEA, request.body);
  } else if (mode != "-") {
    request.proof = std::string(mode);
  }
  ForgeHeaderNames names = HeaderNamesOf(forge);
  request.head.headers[names.event] = event;
  request.head.headers[names.id] = fields[3];
  if (request.proof) request.head.headers[names.proof] = *request.proof;
  if (forge == Forge::Bitbucket) request.head.headers[Header::HookUuid] = "{fuzz}";
  request.content_length = std::to_string(request.body.size());
  request.head.content_length = request.content_length;
  return request;
}

// Every answer is a JSON object with a status; nothing the client sends makes it a 5xx when the
// disk is fine, or reaches the CGI head (the body, which echoes the delivery id, is one line).
void CheckResponse(const Response& response) {
  FUZZ_REQUIRE(response.status < 500);
  FUZZ_REQUIRE(CheckJsonObject(response.body).empty());
  FUZZ_REQUIRE(response.body.find("\"status\"") != std::string::npos);
  std::string cgi = FormatCgiResponse(response);
  std::size_t blank = cgi.find("\r\n\r\n");
  FUZZ_REQUIRE(blank != std::string::npos && cgi.substr(blank + 4) == response.body);
  FUZZ_REQUIRE(response.body.find_first_of("\r\n") == response.body.size() - 1);
}

// Returns the event the handler reads from the body (a form's payload field, else the body).
EventResult ParsedEvent(const Request& request, BodyFormat format) {
  std::optional<std::string> json = format == BodyFormat::Form
                                        ? FormField(request.body, "payload")
                                        : std::string(request.body);
  return json ? ParseEvent(ReadDelivery(request.head.headers), *json) : EventResult{};
}

// Returns the commit a run of a target on `branch` aims at: for a push, that of the first change
// updating the branch; else the event's.
std::string AimedAt(const Event& event, std::string_view branch) {
  if (event.kind != EventKind::Push) return event.commit;
  for (const RefChange& change : event.changes) {
    bool deletes = change.deleted || (!change.commit.empty() &&
                                      change.commit.find_first_not_of('0') == std::string::npos);
    if (!deletes && change.ref == "refs/heads/" + std::string(branch)) return change.commit;
  }
  return "(no change updates the branch)";
}

// A queued job belongs to a target of the delivery's forge whose repository and branch the
// event names and whose secret made the proof, and carries the delivery, body and commit it
// came from.
void CheckJobs(const Config& config, const Request& request, BodyFormat format,
               const std::vector<Job>& jobs) {
  FUZZ_REQUIRE(!jobs.empty());
  std::set<std::string> targets;
  for (const Job& job : jobs) FUZZ_REQUIRE(targets.insert(job.target).second);  // one job each
  EventResult event = ParsedEvent(request, format);
  Delivery delivery = ReadDelivery(request.head.headers);
  std::string body_sha256 = Sha256Hex(request.body);
  for (const Job& job : jobs) {
    auto target = std::find_if(config.targets.begin(), config.targets.end(),
                               [&](const Target& t) { return t.name == job.target; });
    FUZZ_REQUIRE(target != config.targets.end());
    FUZZ_REQUIRE(target->forge == request.forge);
    FUZZ_REQUIRE(EqualsIgnoreCase(target->repository, job.repository));
    FUZZ_REQUIRE(job.ref == "refs/heads/" + target->branch);
    std::vector<std::string> secret = {target->secret};
    FUZZ_REQUIRE(VerifyProof(delivery, request.body, secret).check == SignatureCheck::Valid);
    FUZZ_REQUIRE(job.delivery == delivery.id.substr(0, MAX_DELIVERY_BYTES));
    FUZZ_REQUIRE(job.body_sha256 == body_sha256);
    FUZZ_REQUIRE(event.ok && job.after == AimedAt(event.event, target->branch));
  }
}

// Log lines stay single printable lines and never carry a secret the request did not contain,
// raw or in the payload fields the log quotes once decoded.
void CheckLog(const Config& config, const Request& request, BodyFormat format,
              std::string_view input, const std::vector<std::string>& lines) {
  Event event = ParsedEvent(request, format).event;
  std::string sent = std::string(input) + '\n' + event.ref + '\n' + event.repository + '\n' +
                     event.commit + '\n' + event.note;
  for (const RefChange& change : event.changes) sent += '\n' + change.ref + '\n' + change.commit;
  for (const std::string& line : lines) {
    FUZZ_REQUIRE(fuzz::IsPrintable(line));
    for (const Target& target : config.targets) {
      if (sent.find(target.secret) == std::string::npos) {
        FUZZ_REQUIRE(line.find(target.secret) == std::string::npos);
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Config config = fuzz::HandlerConfig();
  static DeliveryMemory memory(config.state_dir);
  std::string_view input = fuzz::AsText(data, size);
  Request request = ReadRequest(input);

  fuzz::RecordingSink sink;
  std::vector<std::string> lines;
  Logger log([&lines](std::string_view line) { lines.emplace_back(line); });
  Handler handler(config, sink, memory, log);

  HeadCheck head_check = handler.CheckHead(request.head);
  if (head_check.rejection) {
    // Refused before the body: a content type it cannot read, or no well-formed proof header.
    FUZZ_REQUIRE(*head_check.rejection == Outcome::UnsupportedMediaType ||
                 *head_check.rejection == Outcome::InvalidSignature);
    CheckLog(config, request, head_check.format, input, lines);
    return 0;
  }
  Response first = handler.HandleBody(request.head, head_check, request.body);
  CheckResponse(first);
  if (first.status == 202) {
    CheckJobs(config, request, head_check.format, sink.jobs);
    // The same body again is a duplicate while its deployment is pending, and queues nothing.
    std::size_t queued = sink.jobs.size();
    Response again = handler.HandleBody(request.head, head_check, request.body);
    FUZZ_REQUIRE(again.status == 200 && again.body.find("\"duplicate\"") != std::string::npos);
    FUZZ_REQUIRE(sink.jobs.size() == queued);
    // Forgotten again, so the next input starts from an empty memory whatever it repeats.
    for (const Job& job : sink.jobs) memory.Forget(DeliveryKey(Sha256Hex(request.body), job.target));
  } else {
    // Each input starts from an empty memory, so nothing is a duplicate the first time.
    FUZZ_REQUIRE(sink.jobs.empty() && first.body.find("\"duplicate\"") == std::string::npos);
  }
  // A body one byte short of what was announced is refused before its signature is checked.
  if (!request.body.empty()) {
    Response short_body = handler.HandleBody(request.head, head_check,
                                             request.body.substr(0, request.body.size() - 1));
    FUZZ_REQUIRE(short_body.status == 400);
  }
  CheckLog(config, request, head_check.format, input, lines);
  return 0;
}
