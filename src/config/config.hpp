#pragma once
// deployhook.toml, loaded once into typed structs.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "config/notifier_kind.hpp"
#include "config/notify_event.hpp"
#include "config/rollout.hpp"
#include "forge/forge.hpp"

namespace deployhook {

// A configuration mistake; what() is one line naming the file, line and key.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What starts a target's deployment: a push to its branch, a successful GitHub Actions run for a
// push to it, or a package published from its repository.
enum class Trigger { Push, WorkflowRun, Package };

// Returns the config name of a trigger: "push", "workflow_run" or "package".
std::string_view TriggerName(Trigger trigger) noexcept;

// What a target deploys: a Compose project on this engine, a Swarm stack (`docker stack deploy`),
// or single Swarm services (`docker service update --image`).
enum class TargetKind { Compose, Stack, Service };

// Returns the config name of a kind: "compose", "stack" or "service".
std::string_view KindName(TargetKind kind) noexcept;

// Commit status on the forge for a target's runs (enabled by status_token_file).
struct CommitStatusSettings {
  std::string token;    // never logged
  std::string api;      // base URL without a trailing slash
  std::string context;  // default: deployhook/<target>
};

// Where a target's compose files come from when not from the host: a git repository, at the
// run's commit (source = "...").
struct SourceSettings {
  std::string url;          // any URL git accepts: https, ssh, git, file
  std::string path;         // source_path: the folder holding the compose files; "" the root
  std::string token;        // from source_token_file (HTTPS); never logged
  std::optional<std::filesystem::path> key_file;     // an SSH deploy key
  std::optional<std::filesystem::path> known_hosts;  // the SSH server's pinned host key
  bool build = false;       // build the services' images from the checkout instead of pulling
  int poll = 0;             // seconds between two looks at the branch's tip; 0: never
  std::optional<std::filesystem::path> age_identity_file;  // decrypts the .age files
};

struct Target {
  std::string name;
  std::string repository;  // owner/name as configured; compared case-insensitively
  std::string branch;
  Forge forge = Forge::GitHub;  // whose deliveries (and proof scheme) this target accepts
  Trigger trigger = Trigger::Push;
  std::optional<std::string> workflow;  // workflow_run: only this workflow (path or name)
  std::optional<std::string> package;   // package: only this package name
  TargetKind kind = TargetKind::Compose;
  std::string stack;  // kind stack: the stack's name
  std::filesystem::path project_dir;
  std::vector<std::string> services;       // empty: the whole project (kind service: required)
  std::vector<std::string> compose;        // argv prefix; empty: detected when a run starts
  std::vector<std::string> compose_files;  // passed as -f FILE each; relative ones made absolute
                                           // against the config file's directory
  int pull_timeout = 600;                  // seconds
  int up_timeout = 300;
  int health_timeout = 120;  // 0: no health gate and no rollback
  bool rollback = true;
  int image_timeout = 1800;  // seconds to wait for the commit's image; 0: a mismatch is stale at once
  int image_poll = 15;       // seconds between two pulls while waiting
  std::optional<std::filesystem::path> secret_file;  // this target's own secret
  std::string secret;  // the secret that verifies this target's deliveries
  std::optional<CommitStatusSettings> status;
  Strategy strategy = Strategy::Recreate;
  std::optional<BlueGreenSettings> blue_green;  // strategy blue-green: its settings
  std::optional<SourceSettings> source;  // compose files from a repository; then project_dir
                                         // is empty and compose_files are relative to its path
  std::string project_name;  // a target with a source: the compose project's fixed name
};

// One [[notify]] table: where to tell whom about which runs.
struct Notifier {
  NotifierKind kind = NotifierKind::Webhook;
  std::string url;   // from url or url_file; holds a token often, so never logged
  std::optional<std::filesystem::path> url_file;
  std::vector<NotifyEvent> on;       // ON_EVENTS: run results, plus Started
  std::vector<std::string> targets;  // empty: every target
  std::string secret;                // webhook: the signing secret from secret_file
  std::optional<std::filesystem::path> ca_file;

  // Returns true when this notifier wants to hear `event` (a result or Started) of `target`.
  bool Wants(NotifyEvent event, std::string_view target) const;
};

struct Config {
  std::filesystem::path source;
  std::optional<std::string> listen;
  std::optional<unsigned> socket_mode;
  std::optional<std::string> socket_group;
  std::filesystem::path state_dir = "/var/lib/deployhook";
  std::optional<std::filesystem::path> secret_file;
  std::string secret_source;  // "secret_file <path>", "WEBHOOK_SECRET", or "" (per-target only)
  std::uint64_t max_body_bytes = 26214400;
  // How long a request thread waits for a request's head and body; then 408 and the connection
  // is closed.
  std::chrono::seconds body_timeout{10};
  int threads = 4;
  std::string hook_path = "/webhook/deploy";  // GET below it is the read side
  std::optional<std::filesystem::path> read_token_file;
  std::optional<std::string> read_token;  // without one the read side answers 404
  bool public_badges = false;
  int keep_runs = 500;  // per target: the logs of older runs are removed
  std::vector<Target> targets;
  std::vector<Notifier> notifiers;
  // What loads but is probably a mistake, one line each ("FILE:LINE: KEY: what"): check-config
  // prints these, the worker logs them when it starts and reloads.
  std::vector<std::string> warnings;

  // The distinct secrets in use, each once, in target order; VerifySignature takes this list.
  std::vector<std::string> Secrets() const;
};

// The environment the loader may consult (WEBHOOK_SECRET), passed in so loading stays testable.
struct ConfigEnvironment {
  std::optional<std::string> webhook_secret;
};

// Loads and validates `path`. Throws ConfigError for an unreadable file, bad TOML, an unknown
// key (checked before anything else in its table, with a suggestion), a wrong type or value, a missing required key, an empty, blank or missing secret, or a
// duplicate target name. A `branch` written as "refs/heads/<name>" is read as <name>.
Config LoadConfig(const std::filesystem::path& path, const ConfigEnvironment& env);

// Returns the config path the command line, $DEPLOYHOOK_CONFIG or the default names.
std::filesystem::path ResolveConfigPath(const std::optional<std::string>& flag,
                                        const char* env_value);

}  // namespace deployhook
