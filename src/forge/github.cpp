#include "forge/github.hpp"

#include "forge/event_reading.hpp"
#include "util/hex.hpp"

namespace deployhook {
namespace {

constexpr std::string_view REVISION_LABEL = "org.opencontainers.image.revision";

// Keeps `text` as the event's commit when it is a full commit id; otherwise leaves the commit
// empty and notes why, so a malformed id is never compared with anything.
void SetCommit(Event& event, std::string_view what, std::string_view text) {
  if (IsCommitId(text)) {
    event.commit.assign(text);
  } else if (!text.empty()) {
    event.note = std::string(what) + " is not a commit id";
  }
}

// Reads an optional member that may be a string or null; false when it is another type.
bool OptionalString(simdjson::dom::element root, std::string_view pointer, std::string& out) {
  simdjson::dom::element element;
  if (root.at_pointer(pointer).get(element) || element.is_null()) return true;
  std::string_view text;
  if (element.get_string().get(text)) return false;
  out.assign(text);
  return true;
}

// Starts `result` as StartEvent does, then reads the action and the repository that a
// workflow_run and a package event both carry; false, with result.error set, when one fails.
bool StartActionEvent(EventKind kind, std::string_view name, std::string_view json,
                      JsonDocument& parsed, EventResult& result) {
  return StartEvent(kind, name, json, parsed, result) &&
         RequireString(parsed.root, "/action", "action", result.event.action, result.error) &&
         RequireString(parsed.root, "/repository/full_name", "repository.full_name",
                       result.event.repository, result.error);
}

EventResult ParseWorkflowRun(std::string_view name, std::string_view json) {
  EventResult result;
  JsonDocument parsed;
  if (!StartActionEvent(EventKind::BuildFinished, name, json, parsed, result)) return result;
  simdjson::dom::element root = parsed.root;
  Event& event = result.event;
  std::string branch;
  std::string head_sha;
  if (!RequireString(root, "/workflow_run/head_sha", "workflow_run.head_sha", head_sha,
                     result.error) ||
      !RequireString(root, "/workflow_run/event", "workflow_run.event", event.cause,
                     result.error)) {
    return result;
  }
  if (!OptionalString(root, "/workflow_run/conclusion", event.conclusion)) {
    result.error = "workflow_run.conclusion is not a string";
    return result;
  }
  if (!OptionalString(root, "/workflow_run/head_branch", branch)) {
    result.error = "workflow_run.head_branch is not a string";
    return result;
  }
  if (!branch.empty()) event.ref = "refs/heads/" + branch;
  for (std::string_view pointer :
       {"/workflow/path", "/workflow/name", "/workflow_run/path", "/workflow_run/name"}) {
    std::optional<std::string_view> value = StringAt(root, pointer);
    if (value && !value->empty()) event.workflows.emplace_back(*value);
  }
  SetCommit(event, "workflow_run.head_sha", head_sha);
  if (head_sha.empty()) event.note = "workflow_run.head_sha is empty";
  result.ok = true;
  return result;
}

EventResult ParsePackage(std::string_view name, std::string_view json) {
  EventResult result;
  JsonDocument parsed;
  if (!StartActionEvent(EventKind::PackagePublished, name, json, parsed, result)) return result;
  simdjson::dom::element root = parsed.root;
  Event& event = result.event;
  std::string object = "/" + std::string(name);  // registry_package or package
  if (!RequireString(root, object + "/name", std::string(name) + ".name", event.package,
                     result.error)) {
    return result;
  }
  std::string labels = object + "/package_version/container_metadata/labels";
  std::optional<std::string_view> revision =
      StringAt(root, labels + "/all_labels/" + std::string(REVISION_LABEL));
  if (!revision || revision->empty()) revision = StringAt(root, labels + "/revision");
  if (revision) SetCommit(event, REVISION_LABEL, *revision);
  result.ok = true;
  return result;
}

}  // namespace

SignatureResult VerifyGitHubProof(const Delivery& delivery, std::string_view body,
                                  std::span<const std::string> secrets) {
  return VerifySignature(delivery.proof, body, secrets, DigestFormat::Prefixed);
}

EventResult ParseGitHubStylePush(std::string_view event, std::string_view json) {
  EventResult result;
  JsonDocument parsed;
  if (!StartEvent(EventKind::Push, event, json, parsed, result)) return result;
  simdjson::dom::element root = parsed.root;
  RefChange change;
  if (!RequireString(root, "/ref", "ref", change.ref, result.error) ||
      !RequireString(root, "/repository/full_name", "repository.full_name",
                     result.event.repository, result.error)) {
    return result;
  }
  simdjson::dom::element after;
  std::string_view after_text;
  if (!root["after"].get(after) && after.get_string().get(after_text)) {
    result.error = "after is not a string";
    return result;
  }
  simdjson::dom::element deleted;
  if (!root["deleted"].get(deleted) && !deleted.is_null() &&
      deleted.get_bool().get(change.deleted)) {
    result.error = "deleted is not a boolean";
    return result;
  }
  change.commit.assign(after_text);
  result.error = CommitProblem("after", change.commit, change.deleted);
  if (!result.error.empty()) return result;
  result.event.changes.push_back(std::move(change));
  result.ok = true;
  return result;
}

EventResult ParseGitHubEvent(std::string_view event, std::string_view json) {
  if (event == "push") return ParseGitHubStylePush(event, json);
  if (event == "ping") return OtherEvent(EventKind::Ping, event, json);
  if (event == "workflow_run") return ParseWorkflowRun(event, json);
  if (event == "registry_package" || event == "package") return ParsePackage(event, json);
  return OtherEvent(EventKind::Other, event, json);
}

}  // namespace deployhook
