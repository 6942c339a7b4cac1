#include "forge/forge.hpp"

#include "forge/bitbucket.hpp"
#include "forge/gitea.hpp"
#include "forge/github.hpp"
#include "forge/gitlab.hpp"
#include "util/sha256.hpp"

namespace deployhook {
namespace {

using enum Header;

// How a forge writes its proof.
enum class ProofForm { Prefixed, BareHex, Token };

struct ForgeInfo {
  Forge forge;
  std::string_view name;
  std::string_view scheme;  // for check-config
  ForgeHeaderNames headers;
  ProofForm form;
};

constexpr std::array<ForgeInfo, FORGE_COUNT> FORGES = {{
    {Forge::GitHub, "github", "X-Hub-Signature-256: sha256=<HMAC-SHA256 hex>",
     {GitHubEvent, GitHubDelivery, GitHubSignature256}, ProofForm::Prefixed},
    {Forge::Gitea, "gitea", "X-Gitea-Signature: <HMAC-SHA256 hex>",
     {GiteaEvent, GiteaDelivery, GiteaSignature}, ProofForm::BareHex},
    {Forge::Forgejo, "forgejo", "X-Forgejo-Signature (or X-Gitea-Signature): <HMAC-SHA256 hex>",
     {ForgejoEvent, ForgejoDelivery, ForgejoSignature}, ProofForm::BareHex},
    {Forge::Gogs, "gogs", "X-Gogs-Signature: <HMAC-SHA256 hex>",
     {GogsEvent, GogsDelivery, GogsSignature}, ProofForm::BareHex},
    {Forge::GitLab, "gitlab", "X-Gitlab-Token: the secret itself (sent in clear)",
     {GitLabEvent, GitLabEventUuid, GitLabToken}, ProofForm::Token},
    {Forge::Bitbucket, "bitbucket", "X-Hub-Signature: sha256=<HMAC-SHA256 hex>",
     {EventKey, RequestUuid, HubSignature}, ProofForm::Prefixed},
    {Forge::BitbucketServer, "bitbucket-server", "X-Hub-Signature: sha256=<HMAC-SHA256 hex>",
     {EventKey, RequestId, HubSignature}, ProofForm::Prefixed},
}};

const ForgeInfo& Info(Forge forge) noexcept { return FORGES[static_cast<std::size_t>(forge)]; }

// Returns the forge a request's headers name, most specific first: Forgejo sends Gitea's and
// Gogs' headers too, Gitea sends Gogs' and GitHub's; Bitbucket Cloud names its hook
// (X-Hook-UUID), Server does not.
Forge Recognise(const ForgeHeaders& headers) noexcept {
  if (headers[ForgejoEvent]) return Forge::Forgejo;
  if (headers[GiteaEvent]) return Forge::Gitea;
  if (headers[GogsEvent]) return Forge::Gogs;
  if (headers[GitLabEvent]) return Forge::GitLab;
  if (headers[EventKey]) return headers[HookUuid] ? Forge::Bitbucket : Forge::BitbucketServer;
  return Forge::GitHub;
}

}  // namespace

const std::array<std::string_view, HEADER_COUNT> FORGE_HEADERS = {
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

std::string_view ProofScheme(Forge forge) noexcept { return Info(forge).scheme; }

ForgeHeaderNames HeaderNamesOf(Forge forge) noexcept { return Info(forge).headers; }

std::string ProofFor(Forge forge, std::string_view secret, std::string_view body) {
  switch (Info(forge).form) {
    case ProofForm::Prefixed: return FormatSignature(HmacSha256(secret, body));
    case ProofForm::BareHex: {
      Digest digest = HmacSha256(secret, body);
      return HexEncode(digest.data(), digest.size());
    }
    case ProofForm::Token: return std::string(secret);
  }
  return {};
}

Delivery ReadDelivery(const ForgeHeaders& headers) noexcept {
  Forge forge = Recognise(headers);
  const ForgeHeaderNames& names = Info(forge).headers;
  std::optional<std::string_view> proof = headers[names.proof];
  if (forge == Forge::Forgejo && !proof) proof = headers[GiteaSignature];
  return {forge, headers[names.event].value_or(""), headers[names.id].value_or(""), proof};
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
