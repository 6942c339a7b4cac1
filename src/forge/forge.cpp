#include "forge.hpp"

#include "bitbucket.hpp"
#include "gitea.hpp"
#include "github.hpp"
#include "gitlab.hpp"

namespace deployhook {
namespace {

struct ForgeInfo {
  Forge forge;
  std::string_view name;
  std::string_view proof;
};

constexpr std::array<ForgeInfo, FORGE_COUNT> FORGES = {{
    {Forge::GitHub, "github", "X-Hub-Signature-256: sha256=<HMAC-SHA256 hex>"},
    {Forge::Gitea, "gitea", "X-Gitea-Signature: <HMAC-SHA256 hex>"},
    {Forge::Forgejo, "forgejo", "X-Forgejo-Signature (or X-Gitea-Signature): <HMAC-SHA256 hex>"},
    {Forge::Gogs, "gogs", "X-Gogs-Signature: <HMAC-SHA256 hex>"},
    {Forge::GitLab, "gitlab", "X-Gitlab-Token: the secret itself (sent in clear)"},
    {Forge::Bitbucket, "bitbucket", "X-Hub-Signature: sha256=<HMAC-SHA256 hex>"},
    {Forge::BitbucketServer, "bitbucket-server", "X-Hub-Signature: sha256=<HMAC-SHA256 hex>"},
}};

const ForgeInfo& Info(Forge forge) noexcept { return FORGES[static_cast<std::size_t>(forge)]; }

Delivery Make(Forge forge, const ForgeHeaders& headers, Header event, Header id,
              std::optional<std::string_view> proof) noexcept {
  return {forge, headers[event].value_or(""), headers[id].value_or(""), proof};
}

}  // namespace

const std::array<const char*, HEADER_COUNT> FORGE_HEADERS = {
    "HTTP_X_GITHUB_EVENT",  "HTTP_X_GITHUB_DELIVERY",  "HTTP_X_HUB_SIGNATURE_256",
    "HTTP_X_GITEA_EVENT",   "HTTP_X_GITEA_DELIVERY",   "HTTP_X_GITEA_SIGNATURE",
    "HTTP_X_FORGEJO_EVENT", "HTTP_X_FORGEJO_DELIVERY", "HTTP_X_FORGEJO_SIGNATURE",
    "HTTP_X_GOGS_EVENT",    "HTTP_X_GOGS_DELIVERY",    "HTTP_X_GOGS_SIGNATURE",
    "HTTP_X_GITLAB_EVENT",  "HTTP_X_GITLAB_EVENT_UUID", "HTTP_X_GITLAB_TOKEN",
    "HTTP_X_EVENT_KEY",     "HTTP_X_HOOK_UUID",        "HTTP_X_REQUEST_UUID",
    "HTTP_X_REQUEST_ID",    "HTTP_X_HUB_SIGNATURE",
};

std::string_view ForgeName(Forge forge) noexcept { return Info(forge).name; }

std::optional<Forge> ParseForge(std::string_view name) noexcept {
  for (const ForgeInfo& info : FORGES) {
    if (info.name == name) return info.forge;
  }
  return std::nullopt;
}

std::string_view ProofScheme(Forge forge) noexcept { return Info(forge).proof; }

Delivery ReadDelivery(const ForgeHeaders& headers) noexcept {
  using enum Header;
  if (headers[ForgejoEvent]) {
    std::optional<std::string_view> proof = headers[ForgejoSignature];
    return Make(Forge::Forgejo, headers, ForgejoEvent, ForgejoDelivery,
                proof ? proof : headers[GiteaSignature]);
  }
  if (headers[GiteaEvent]) {
    return Make(Forge::Gitea, headers, GiteaEvent, GiteaDelivery, headers[GiteaSignature]);
  }
  if (headers[GogsEvent]) {
    return Make(Forge::Gogs, headers, GogsEvent, GogsDelivery, headers[GogsSignature]);
  }
  if (headers[GitLabEvent]) {
    return Make(Forge::GitLab, headers, GitLabEvent, GitLabEventUuid, headers[GitLabToken]);
  }
  if (headers[EventKey]) {
    // Bitbucket Cloud sends X-Hook-UUID and X-Request-UUID; Server sends X-Request-Id.
    if (headers[HookUuid]) {
      return Make(Forge::Bitbucket, headers, EventKey, RequestUuid, headers[HubSignature]);
    }
    return Make(Forge::BitbucketServer, headers, EventKey, RequestId, headers[HubSignature]);
  }
  return Make(Forge::GitHub, headers, GitHubEvent, GitHubDelivery, headers[GitHubSignature256]);
}

SignatureResult VerifyProof(const Delivery& delivery, std::string_view body,
                            std::span<const std::string> secrets) {
  switch (delivery.forge) {
    case Forge::GitHub: return VerifyGitHubProof(delivery, body, secrets);
    case Forge::Gitea:
    case Forge::Forgejo:
    case Forge::Gogs: return VerifyGiteaProof(delivery, body, secrets);
    case Forge::GitLab: return VerifyGitLabProof(delivery, body, secrets);
    case Forge::Bitbucket:
    case Forge::BitbucketServer: return VerifyBitbucketProof(delivery, body, secrets);
  }
  return {};
}

EventResult ParseEvent(const Delivery& delivery, std::string_view json) {
  switch (delivery.forge) {
    case Forge::GitHub: return ParseGitHubEvent(delivery.event, json);
    case Forge::Gitea:
    case Forge::Forgejo:
    case Forge::Gogs: return ParseGiteaEvent(delivery.event, json);
    case Forge::GitLab: return ParseGitLabEvent(delivery.event, json);
    case Forge::Bitbucket: return ParseBitbucketCloudEvent(delivery.event, json);
    case Forge::BitbucketServer: return ParseBitbucketServerEvent(delivery.event, json);
  }
  return {};
}

}  // namespace deployhook
