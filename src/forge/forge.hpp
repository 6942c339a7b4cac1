#pragma once
// The forges deployhook serves, the headers they send, and the two plain values the rest of the
// request path works with: a Delivery (who sent it and with what proof, read from the headers)
// and an Event (what happened, read from the verified payload).

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/signature.hpp"

namespace deployhook {

enum class Forge { GitHub, Gitea, Forgejo, Gogs, GitLab, Bitbucket, BitbucketServer };

inline constexpr std::size_t FORGE_COUNT = 7;

// Returns the config name of a forge: "github", "gitea", ..., "bitbucket-server".
std::string_view ForgeName(Forge forge) noexcept;

// Returns the forge a config name names, or nothing.
std::optional<Forge> ParseForge(std::string_view name) noexcept;

// Returns how a forge proves a delivery, for check-config: "X-Hub-Signature-256: sha256=<hex>".
std::string_view ProofScheme(Forge forge) noexcept;

// Every request header a forge's delivery may need. FORGE_HEADERS names each one's CGI
// parameter; the FastCGI loop reads exactly these.
enum class Header : std::size_t {
  GitHubEvent, GitHubDelivery, GitHubSignature256,
  GiteaEvent, GiteaDelivery, GiteaSignature,
  ForgejoEvent, ForgejoDelivery, ForgejoSignature,
  GogsEvent, GogsDelivery, GogsSignature,
  GitLabEvent, GitLabEventUuid, GitLabToken,
  EventKey, HookUuid, RequestUuid, RequestId, HubSignature,
};

inline constexpr std::size_t HEADER_COUNT = 20;

// CGI parameter names ("HTTP_X_GITHUB_EVENT", ...), indexed by Header.
extern const std::array<std::string_view, HEADER_COUNT> FORGE_HEADERS;

// The values of the headers in FORGE_HEADERS a request carries, indexed by Header.
struct ForgeHeaders {
  std::array<std::optional<std::string_view>, HEADER_COUNT> values;

  std::optional<std::string_view> operator[](Header header) const noexcept {
    return values[static_cast<std::size_t>(header)];
  }
  std::optional<std::string_view>& operator[](Header header) noexcept {
    return values[static_cast<std::size_t>(header)];
  }
};

// The headers that carry a forge's event name, delivery id and proof.
struct ForgeHeaderNames {
  Header event;
  Header id;
  Header proof;
};

// Returns the event, delivery id and proof headers of `forge` (Forgejo: its own signature
// header; it may send Gitea's instead).
ForgeHeaderNames HeaderNamesOf(Forge forge) noexcept;

// Returns the proof header value `forge` sends for `body` under `secret`: "sha256=<hex>"
// (GitHub, Bitbucket), bare hex (Gitea, Forgejo, Gogs) or the secret itself (GitLab).
std::string ProofFor(Forge forge, std::string_view secret, std::string_view body);

// Who sent a request, by its headers. Views into the headers it was read from.
struct Delivery {
  Forge forge = Forge::GitHub;
  std::string_view event;                  // the forge's event name; empty when not sent
  std::string_view id;                     // the forge's delivery id; empty when not sent
  std::optional<std::string_view> proof;   // signature or token header; nothing when not sent
};

// Returns the delivery the headers describe. The forge is recognised by its event header, most
// specific first (Forgejo sends Gitea's, Gitea sends Gogs' and GitHub's); with none, GitHub.
Delivery ReadDelivery(const ForgeHeaders& headers) noexcept;

enum class EventKind { Push, BuildFinished, PackagePublished, Ping, Other };

// One ref a push moved. A GitHub, Gitea, Forgejo, Gogs or GitLab push moves one; a Bitbucket
// push may move several.
struct RefChange {
  std::string ref;       // "refs/heads/<branch>" or "refs/tags/<tag>"
  std::string commit;    // the ref's new head; empty (or zeros) when deleted
  bool deleted = false;  // the ref was deleted
};

// What a verified delivery says happened, in the one shape the decision understands.
struct Event {
  EventKind kind = EventKind::Other;
  std::string name;        // the forge's event name, for reasons and the log
  std::string repository;  // "owner/name" (Bitbucket Server: "PROJECT/slug")
  std::vector<RefChange> changes;  // push: every ref it moved, in payload order; never empty
  std::string ref;         // build: its head branch, "refs/heads/<branch>"
  std::string commit;      // build: head_sha; package: revision label
  std::string action;      // build and package: "completed", "requested", "published", ...
  std::string conclusion;  // build: "success", "failure", ...; empty while it has none
  std::string cause;       // build: the event that started the run ("push", "pull_request")
  std::vector<std::string> workflows;  // build: the workflow's path and name
  std::string package;     // package: its name
  std::string note;        // a field that was treated as absent, and why (for the log)
};

struct EventResult {
  bool ok = false;
  std::string error;  // why the payload was rejected (400 bad_payload), for the log
  Event event;
};

// Returns which of `secrets` prove `body` under the delivery's forge scheme (constant time).
SignatureResult VerifyProof(const Delivery& delivery, std::string_view body,
                            std::span<const std::string> secrets);

// Reads the verified JSON payload of a delivery into an Event. Not ok when it is not a JSON
// object or lacks what its event needs.
EventResult ParseEvent(const Delivery& delivery, std::string_view json);

}  // namespace deployhook
