#include "forge/bitbucket.hpp"

#include "forge/event_reading.hpp"

namespace deployhook {
namespace {

constexpr std::string_view PING = "diagnostics:ping";

// Reads Cloud's {"new": {"type", "name", "target": {"hash"}} | null, "old": ...}.
bool ReadCloudChange(simdjson::dom::element change, RefChange& out) {
  simdjson::dom::element side;
  bool deleted = change["new"].get(side) || side.is_null();
  if (deleted && (change["old"].get(side) || side.is_null())) return false;
  std::optional<std::string_view> type = StringAt(side, "/type");
  std::optional<std::string_view> name = StringAt(side, "/name");
  if (!type || !name) return false;
  out.ref = (*type == "branch" ? "refs/heads/" : "refs/tags/") + std::string(*name);
  out.deleted = deleted;
  if (!deleted) out.commit.assign(StringAt(side, "/target/hash").value_or(""));
  return true;
}

// Reads Server's {"ref": {"type", "displayId"}, "toHash", "type"}.
bool ReadServerChange(simdjson::dom::element change, RefChange& out) {
  std::optional<std::string_view> type = StringAt(change, "/ref/type");
  std::optional<std::string_view> name = StringAt(change, "/ref/displayId");
  if (!type || !name) return false;
  out.ref = (*type == "BRANCH" ? "refs/heads/" : "refs/tags/") + std::string(*name);
  out.deleted = StringAt(change, "/type").value_or("") == "DELETE";
  if (!out.deleted) out.commit.assign(StringAt(change, "/toHash").value_or(""));
  return true;
}

// Fills the push's changes with every ref change of the list at `pointer`, in its order: which
// of them deploys what is the decision's, per target.
template <typename Read>
bool ReadChanges(simdjson::dom::element root, std::string_view pointer, Read read, Event& event,
                 std::string& error) {
  simdjson::dom::array list;
  if (root.at_pointer(pointer).get_array().get(list) || list.size() == 0) {
    error = std::string(pointer.substr(1)) + " missing, empty or not an array";
    return false;
  }
  for (simdjson::dom::element item : list) {
    RefChange change;
    if (!read(item, change)) {
      error = "a ref change lacks its type or name";
      return false;
    }
    event.changes.push_back(std::move(change));
  }
  return true;
}

EventResult ParseRefChanges(std::string_view event, std::string_view json, bool server) {
  EventResult result;
  JsonDocument parsed;
  if (!StartEvent(EventKind::Push, event, json, parsed, result)) return result;
  Event& push = result.event;
  if (server) {
    std::string project;
    std::string slug;
    if (!RequireString(parsed.root, "/repository/project/key", "repository.project.key", project,
                       result.error) ||
        !RequireString(parsed.root, "/repository/slug", "repository.slug", slug, result.error)) {
      return result;
    }
    push.repository = project + "/" + slug;
    if (!ReadChanges(parsed.root, "/changes", ReadServerChange, push, result.error)) return result;
  } else {
    if (!RequireString(parsed.root, "/repository/full_name", "repository.full_name",
                       push.repository, result.error)) {
      return result;
    }
    if (!ReadChanges(parsed.root, "/push/changes", ReadCloudChange, push, result.error)) return result;
  }
  result.ok = true;
  return result;
}

}  // namespace

SignatureResult VerifyBitbucketProof(const Delivery& delivery, std::string_view body,
                                     std::span<const std::string> secrets) {
  return VerifySignature(delivery.proof, body, secrets, DigestFormat::Prefixed);
}

EventResult ParseBitbucketCloudEvent(std::string_view event, std::string_view json) {
  if (event == "repo:push") return ParseRefChanges(event, json, false);
  return OtherEvent(event == PING ? EventKind::Ping : EventKind::Other, event, json);
}

EventResult ParseBitbucketServerEvent(std::string_view event, std::string_view json) {
  if (event == "repo:refs_changed") return ParseRefChanges(event, json, true);
  return OtherEvent(event == PING ? EventKind::Ping : EventKind::Other, event, json);
}

}  // namespace deployhook
