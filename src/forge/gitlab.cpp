#include "forge/gitlab.hpp"

#include "forge/event_reading.hpp"

namespace deployhook {

SignatureResult VerifyGitLabProof(const Delivery& delivery, std::string_view,
                                  std::span<const std::string> secrets) {
  return VerifyToken(delivery.proof, secrets);
}

EventResult ParseGitLabEvent(std::string_view event, std::string_view json) {
  if (event != "Push Hook" && event != "Tag Push Hook") {
    return OtherEvent(EventKind::Other, event, json);
  }
  EventResult result;
  JsonDocument parsed;
  if (!StartEvent(EventKind::Push, event, json, parsed, result)) return result;
  Event& push = result.event;
  RefChange change;
  if (!RequireString(parsed.root, "/ref", "ref", change.ref, result.error) ||
      !RequireString(parsed.root, "/project/path_with_namespace", "project.path_with_namespace",
                     push.repository, result.error)) {
    return result;
  }
  simdjson::dom::element checkout;
  if (parsed.root.at_pointer("/checkout_sha").get(checkout) || checkout.is_null()) {
    change.deleted = true;  // GitLab sends checkout_sha null when the push deletes the ref
  } else if (std::string_view sha; !checkout.get_string().get(sha)) {
    change.commit.assign(sha);
  } else {
    result.error = "checkout_sha is not a string";
    return result;
  }
  push.changes.push_back(std::move(change));
  result.ok = true;
  return result;
}

}  // namespace deployhook
