#include "unit_support.hpp"

#include <stdlib.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <ostream>
#include <stdexcept>

#include "state/durable_file.hpp"
#include "util/signature.hpp"

namespace deployhook {

std::ostream& operator<<(std::ostream& out, SignatureCheck check) {
  return out << SignatureCheckName(check);
}

std::ostream& operator<<(std::ostream& out, Verdict verdict) {
  switch (verdict) {
    case Verdict::Pong: return out << "Pong";
    case Verdict::Ignored: return out << "Ignored";
    case Verdict::Deploy: return out << "Deploy";
  }
  return out << "Verdict(" << static_cast<int>(verdict) << ")";
}

std::ostream& operator<<(std::ostream& out, Outcome outcome) { return out << OutcomeName(outcome); }

std::ostream& operator<<(std::ostream& out, Claim claim) {
  return out << (claim == Claim::New ? "New" : "Duplicate");
}

std::ostream& operator<<(std::ostream& out, Forge forge) { return out << ForgeName(forge); }

std::ostream& operator<<(std::ostream& out, Trigger trigger) { return out << TriggerName(trigger); }

std::ostream& operator<<(std::ostream& out, RunResult result) { return out << Name(result); }

std::ostream& operator<<(std::ostream& out, RunKind kind) { return out << Name(kind); }

std::ostream& operator<<(std::ostream& out, NotifyEvent event) { return out << Name(event); }

std::ostream& operator<<(std::ostream& out, NotifierKind kind) { return out << Name(kind); }

std::ostream& operator<<(std::ostream& out, EventKind kind) {
  switch (kind) {
    case EventKind::Push: return out << "Push";
    case EventKind::BuildFinished: return out << "BuildFinished";
    case EventKind::PackagePublished: return out << "PackagePublished";
    case EventKind::Ping: return out << "Ping";
    case EventKind::Other: return out << "Other";
  }
  return out << "EventKind(" << static_cast<int>(kind) << ")";
}

std::ostream& operator<<(std::ostream& out, GateVerdict verdict) {
  switch (verdict) {
    case GateVerdict::Healthy: return out << "Healthy";
    case GateVerdict::Waiting: return out << "Waiting";
    case GateVerdict::Failed: return out << "Failed";
  }
  return out << "GateVerdict(" << static_cast<int>(verdict) << ")";
}

}  // namespace deployhook

namespace deployhook::testing {

std::filesystem::path FixturePath(std::string_view relative) {
  return std::filesystem::path(FIXTURES_DIR) / relative;
}

std::string ReadFixture(std::string_view relative) {
  std::ifstream in(FixturePath(relative), std::ios::binary);
  if (!in) throw std::runtime_error("missing fixture " + FixturePath(relative).string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string Printable(std::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char escape[5];
      std::snprintf(escape, sizeof escape, "\\x%02x", c);
      out += escape;
    }
  }
  return out;
}

void WriteText(const std::filesystem::path& path, std::string_view content) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

TempDir::TempDir() {
  // mkdtemp picks a name nobody else holds, so concurrent runners never share a directory.
  std::string pattern = (std::filesystem::temp_directory_path() / "deployhook-unit-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

Target MakeTarget(std::string name, std::string repository, std::string branch,
                  std::string secret) {
  Target target;
  target.project_dir = "/srv/" + name;
  target.name = std::move(name);
  target.repository = std::move(repository);
  target.branch = std::move(branch);
  target.services = {"app"};
  target.compose = {"docker", "compose"};
  target.secret = std::move(secret);
  return target;
}

std::string Sign(std::string_view secret, std::string_view body) {
  return FormatSignature(HmacSha256(secret, body));
}

std::string FormEncode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                      (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      char escape[4];
      std::snprintf(escape, sizeof escape, "%%%02X", c);
      out += escape;
    }
  }
  return out;
}

LogCapture::LogCapture()
    : lines_(std::make_shared<Lines>()),
      logger_([lines = lines_](std::string_view line) {
        std::lock_guard lock(lines->mutex);
        lines->lines.emplace_back(line);
      }) {}

std::vector<std::string> LogCapture::lines() const {
  std::lock_guard lock(lines_->mutex);
  return lines_->lines;
}

bool LogCapture::Contains(std::string_view text) const {
  std::lock_guard lock(lines_->mutex);
  for (const std::string& line : lines_->lines) {
    if (line.find(text) != std::string::npos) return true;
  }
  return false;
}

void RecordingJobSink::Enqueue(const std::vector<Job>& new_jobs) {
  if (refuse) throw StorageError("cannot write queue: No space left on device");
  jobs.insert(jobs.end(), new_jobs.begin(), new_jobs.end());
}

RequestHead Request::Head() const {
  RequestHead head;
  head.method = method;
  if (content_length) head.content_length = *content_length;
  head.content_type = content_type;
  if (github_headers) {
    if (signature) head.headers[Header::GitHubSignature256] = *signature;
    head.headers[Header::GitHubEvent] = event;
    head.headers[Header::GitHubDelivery] = delivery;
  }
  for (const auto& [header, value] : headers) head.headers[header] = value;
  if (target) head.target = *target;
  return head;
}

Request ForgeDelivery(Forge forge, std::string event, std::string body, std::string_view secret) {
  Request delivery;
  delivery.content_length = std::to_string(body.size());
  delivery.event = event;
  delivery.github_headers = false;
  // Forgejo also sends Gitea's headers, Gitea also Gogs' and GitHub's (in that order of
  // specificity), each with its own proof.
  std::vector<Forge> sent = {forge};
  if (forge == Forge::Forgejo) sent = {Forge::Forgejo, Forge::Gitea, Forge::Gogs, Forge::GitHub};
  if (forge == Forge::Gitea) sent = {Forge::Gitea, Forge::Gogs, Forge::GitHub};
  for (Forge each : sent) {
    ForgeHeaderNames names = HeaderNamesOf(each);
    delivery.headers.emplace_back(names.event, event);
    delivery.headers.emplace_back(names.id, delivery.delivery);
    delivery.headers.emplace_back(names.proof, ProofFor(each, secret, body));
  }
  if (forge == Forge::Bitbucket) {
    delivery.headers.emplace_back(Header::HookUuid, "{9b5a2d3c-1f44-4c59-8e52-7d1c0e6a2b11}");
  }
  delivery.body = std::move(body);
  return delivery;
}

Request SignedPush(std::string body, std::string_view secret) {
  Request delivery;
  delivery.signature = Sign(secret, body);
  delivery.content_length = std::to_string(body.size());
  delivery.body = std::move(body);
  return delivery;
}

namespace {

Config MakeConfig(std::vector<Target> targets, const std::filesystem::path& state_dir) {
  Config config;
  config.state_dir = state_dir;
  config.targets = std::move(targets);
  return config;
}

}  // namespace

HandlerBench::HandlerBench(std::vector<Target> targets)
    : config(MakeConfig(std::move(targets), state.Path())),
      memory(state.Path()),
      handler(config, sink, memory, log.logger()) {}

Response HandlerBench::Post(const Request& delivery) {
  RequestHead head = delivery.Head();
  HeadCheck check = handler.CheckHead(head);
  if (check.rejection) return MakeResponse(*check.rejection);
  return handler.HandleBody(head, check, delivery.body);
}

}  // namespace deployhook::testing
