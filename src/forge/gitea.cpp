#include "forge/gitea.hpp"

#include "forge/event_reading.hpp"
#include "forge/github.hpp"

namespace deployhook {

SignatureResult VerifyGiteaProof(const Delivery& delivery, std::string_view body,
                                 std::span<const std::string> secrets) {
  return VerifySignature(delivery.proof, body, secrets, DigestFormat::BareHex);
}

EventResult ParseGiteaEvent(std::string_view event, std::string_view json) {
  if (event == "push") return ParseGitHubStylePush(event, json);
  return OtherEvent(EventKind::Other, event, json);
}

}  // namespace deployhook
