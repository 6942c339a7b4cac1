#include "config/config.hpp"

#include <grp.h>
#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <regex>
#include <set>
#include <span>
#include <sstream>

#include "util/closest_name.hpp"
#include "config/listen_address.hpp"

namespace deployhook {
namespace {

using KeyList = std::span<const std::string_view>;

constexpr std::array<std::string_view, 14> GLOBAL_KEYS = {
    "listen",    "socket_mode",    "socket_group", "state_dir", "secret_file",
    "keep_runs", "max_body_bytes", "body_timeout", "threads",   "target",
    "hook_path", "read_token_file", "public_badges", "notify"};
constexpr std::array<std::string_view, 23> TARGET_KEYS = {
    "name",          "repository",   "branch",       "project_dir",    "services",
    "compose",       "compose_files", "pull_timeout", "up_timeout",    "health_timeout",
    "rollback",      "image_timeout", "image_poll",   "forge",         "trigger",
    "workflow",      "package",      "secret_file",  "kind",          "stack",
    "status_token_file", "status_api", "status_context"};

constexpr std::array<std::string_view, 7> NOTIFY_KEYS = {
    "kind", "url", "url_file", "on", "targets", "secret_file", "ca_file"};

constexpr const char* DEFAULT_CONFIG = "/etc/deployhook/deployhook.toml";
constexpr std::size_t MAX_SECRET_BYTES = 4096;

// Returns `text` with control characters written as \xHH: an error stays one line even when it
// quotes a key or value (or toml++ quotes the text) with a newline in it.
std::string OneLine(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) {
      static constexpr char HEX[] = "0123456789abcdef";
      out += "\\x";
      out += HEX[c >> 4];
      out += HEX[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// Reads typed values out of one TOML table whose keys were checked first against the list of
// keys it may have, so a typo is reported by its own name rather than as a required key missing.
class TableReader {
 public:
  TableReader(const toml::table& table, std::string file, std::string prefix)
      : table_(table), file_(std::move(file)), prefix_(std::move(prefix)) {}

  // Returns "FILE:LINE: KEY: WHAT" on one line, for an error or a warning about `key`.
  std::string Where(const toml::node* node, std::string_view key, std::string_view what) const {
    // A key missing from a [[target]] is reported at that table's header line.
    if (node == nullptr && !prefix_.empty()) node = &table_;
    std::ostringstream out;
    out << file_;
    if (node != nullptr) out << ':' << node->source().begin.line;
    out << ": " << prefix_ << key << ": " << what;
    return OneLine(out.str());
  }

  [[noreturn]] void Fail(const toml::node* node, std::string_view key,
                         std::string_view what) const {
    throw ConfigError(Where(node, key, what));
  }

  const toml::node* Find(std::string_view key) const { return table_.get(key); }

  std::optional<std::string> String(std::string_view key) {
    const toml::node* node = Find(key);
    if (node == nullptr) return std::nullopt;
    if (!node->is_string()) Fail(node, key, "expected a string");
    return node->as_string()->get();
  }

  std::string RequiredString(std::string_view key) {
    std::optional<std::string> value = String(key);
    if (!value) Fail(nullptr, key, "missing (required)");
    if (value->empty()) Fail(Find(key), key, "must not be empty");
    return *value;
  }

  std::optional<std::int64_t> Integer(std::string_view key, std::int64_t min, std::int64_t max) {
    const toml::node* node = Find(key);
    if (node == nullptr) return std::nullopt;
    if (!node->is_integer()) Fail(node, key, "expected an integer");
    std::int64_t value = node->as_integer()->get();
    if (value < min || value > max) {
      Fail(node, key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    }
    return value;
  }

  std::optional<bool> Boolean(std::string_view key) {
    const toml::node* node = Find(key);
    if (node == nullptr) return std::nullopt;
    if (!node->is_boolean()) Fail(node, key, "expected true or false");
    return node->as_boolean()->get();
  }

  std::optional<std::vector<std::string>> Strings(std::string_view key) {
    const toml::node* node = Find(key);
    if (node == nullptr) return std::nullopt;
    const toml::array* array = node->as_array();
    if (array == nullptr) Fail(node, key, "expected an array of strings");
    std::vector<std::string> values;
    for (const toml::node& item : *array) {
      if (!item.is_string()) Fail(&item, key, "expected an array of strings");
      if (item.as_string()->get().empty()) Fail(&item, key, "must not contain empty strings");
      values.push_back(item.as_string()->get());
    }
    return values;
  }

  // Fails on the first key of the table that is not in `known`, suggesting the known key it
  // was probably meant to be.
  void RejectUnknownKeys(KeyList known) const {
    for (const auto& [key, node] : table_) {
      if (std::find(known.begin(), known.end(), key.str()) != known.end()) continue;
      std::ostringstream out;
      out << file_ << ':' << key.source().begin.line << ": " << prefix_ << key.str()
          << ": unknown key";
      if (std::optional<std::string> meant = ClosestName(key.str(), known)) {
        out << " (did you mean " << *meant << "?)";
      }
      throw ConfigError(OneLine(out.str()));
    }
  }

  const std::string& File() const { return file_; }

 private:
  const toml::table& table_;
  std::string file_;
  std::string prefix_;
};

// Returns true when `name` matches [a-z0-9_-]+. Checked by hand: libstdc++'s std::regex recurses
// once per character and overflows the stack on a name of tens of thousands of characters.
bool IsTargetName(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
         });
}

std::filesystem::path RelativeTo(const std::filesystem::path& base, const std::string& value) {
  std::filesystem::path path(value);
  return path.is_absolute() ? path : base.parent_path() / path;
}

constexpr std::string_view WHITESPACE = " \t\r\n\v\f";

bool IsBlank(std::string_view text) {
  return text.find_first_not_of(WHITESPACE) == std::string_view::npos;
}

bool HasSurroundingWhitespace(std::string_view text) {
  return !text.empty() && (WHITESPACE.find(text.front()) != std::string_view::npos ||
                           WHITESPACE.find(text.back()) != std::string_view::npos);
}

// Returns the secret in the file at `path`, which the table's `key` names; fails at that key
// when it cannot be read or is too long or blank, and adds its warnings to `warnings`.
std::string SecretAt(const TableReader& reader, std::string_view key,
                     const std::filesystem::path& path, std::vector<std::string>& warnings) {
  try {
    SecretFile read = ReadSecret(path);
    for (const std::string& warning : read.warnings) {
      warnings.push_back(reader.Where(reader.Find(key), key, warning));
    }
    return std::move(read.secret);
  } catch (const ConfigError& e) {
    reader.Fail(reader.Find(key), key, e.what());
  }
}

// Returns `branch` without a "refs/heads/" prefix (a full ref written where the branch's name
// belongs); fails when it has surrounding whitespace or names no branch.
std::string BranchName(const TableReader& reader, std::string branch) {
  constexpr std::string_view HEADS = "refs/heads/";
  if (HasSurroundingWhitespace(branch)) {
    reader.Fail(reader.Find("branch"), "branch", "must not begin or end with whitespace");
  }
  if (branch.starts_with(HEADS)) branch.erase(0, HEADS.size());
  if (branch.empty() || HasSurroundingWhitespace(branch)) {
    reader.Fail(reader.Find("branch"), "branch", "names no branch");
  }
  return branch;
}

// Reads forge, trigger, workflow and package; a trigger other than push needs GitHub, and each
// filter needs its trigger.
void ReadTrigger(TableReader& reader, Target& target) {
  if (std::optional<std::string> forge = reader.String("forge")) {
    std::optional<Forge> parsed = ParseForge(*forge);
    if (!parsed) {
      reader.Fail(reader.Find("forge"), "forge",
                  "expected github, gitea, forgejo, gogs, gitlab, bitbucket or bitbucket-server");
    }
    target.forge = *parsed;
  }
  if (std::optional<std::string> trigger = reader.String("trigger")) {
    if (*trigger == "workflow_run") {
      target.trigger = Trigger::WorkflowRun;
    } else if (*trigger == "package") {
      target.trigger = Trigger::Package;
    } else if (*trigger != "push") {
      reader.Fail(reader.Find("trigger"), "trigger", "expected push, workflow_run or package");
    }
    if (target.trigger != Trigger::Push && target.forge != Forge::GitHub) {
      reader.Fail(reader.Find("trigger"), "trigger",
                  std::string(*trigger) + " needs forge = \"github\"");
    }
  }
  target.workflow = reader.String("workflow");
  if (target.workflow && target.trigger != Trigger::WorkflowRun) {
    reader.Fail(reader.Find("workflow"), "workflow", "only for trigger = \"workflow_run\"");
  }
  target.package = reader.String("package");
  if (target.package && target.trigger != Trigger::Package) {
    reader.Fail(reader.Find("package"), "package", "only for trigger = \"package\"");
  }
}

// Reads kind and stack after services, compose and compose_files: a stack needs its name and
// files, a service target its services, and each kind rejects the keys of the others.
void ReadKind(TableReader& reader, Target& target) {
  if (std::optional<std::string> kind = reader.String("kind")) {
    if (*kind == "stack") {
      target.kind = TargetKind::Stack;
    } else if (*kind == "service") {
      target.kind = TargetKind::Service;
    } else if (*kind != "compose") {
      reader.Fail(reader.Find("kind"), "kind", "must be \"compose\", \"stack\" or \"service\"");
    }
  }
  std::optional<std::string> stack = reader.String("stack");
  if (stack && target.kind != TargetKind::Stack) {
    reader.Fail(reader.Find("stack"), "stack", "only for kind = \"stack\"");
  }
  switch (target.kind) {
    case TargetKind::Compose:
      return;
    case TargetKind::Stack:
      target.stack = reader.RequiredString("stack");
      if (!IsTargetName(target.stack)) {
        reader.Fail(reader.Find("stack"), "stack", "must match [a-z0-9_-]+");
      }
      if (target.compose_files.empty()) {
        reader.Fail(reader.Find("kind"), "compose_files", "kind = \"stack\" needs the stack's compose_files");
      }
      return;
    case TargetKind::Service:
      if (target.services.empty()) {
        reader.Fail(reader.Find("kind"), "services", "kind = \"service\" needs services");
      }
      if (!target.compose_files.empty()) {
        reader.Fail(reader.Find("compose_files"), "compose_files", "not for kind = \"service\"");
      }
      return;
  }
}

bool IsHttpUrl(std::string_view url) {
  return (url.starts_with("http://") && url.size() > 7) ||
         (url.starts_with("https://") && url.size() > 8);
}

// Returns true when deployhook can set commit statuses on `forge`: Gogs has no commit-status
// API, and Bitbucket's is not supported.
bool HasCommitStatus(Forge forge) noexcept {
  switch (forge) {
    case Forge::GitHub:
    case Forge::Gitea:
    case Forge::Forgejo:
    case Forge::GitLab:
      return true;
    case Forge::Gogs:
    case Forge::Bitbucket:
    case Forge::BitbucketServer:
      return false;
  }
  return false;
}

// Reads status_token_file, status_api and status_context; the other two need the first, and a
// forge without commit status takes none of them.
void ReadCommitStatus(TableReader& reader, Target& target, const std::filesystem::path& config_path,
                      std::vector<std::string>& warnings) {
  std::optional<std::string> token_file = reader.String("status_token_file");
  std::optional<std::string> api = reader.String("status_api");
  std::optional<std::string> context = reader.String("status_context");
  if (!HasCommitStatus(target.forge)) {
    std::string why = "commit status is for github, gitea, forgejo and gitlab, not " +
                      std::string(ForgeName(target.forge));
    if (target.forge == Forge::Gogs) why += " (Gogs has no commit-status API)";
    for (std::string_view key : {"status_token_file", "status_api", "status_context"}) {
      if (reader.Find(key) != nullptr) reader.Fail(reader.Find(key), key, why);
    }
  }
  if (!token_file) {
    if (api) reader.Fail(reader.Find("status_api"), "status_api", "needs status_token_file");
    if (context) reader.Fail(reader.Find("status_context"), "status_context", "needs status_token_file");
    return;
  }
  CommitStatusSettings status;
  status.token = SecretAt(reader, "status_token_file", RelativeTo(config_path, *token_file), warnings);
  if (!api && target.forge != Forge::GitHub) {
    reader.Fail(nullptr, "status_api",
                "missing: forge " + std::string(ForgeName(target.forge)) + " needs its base URL");
  }
  status.api = api.value_or("https://api.github.com");
  if (!IsHttpUrl(status.api)) {
    reader.Fail(reader.Find("status_api"), "status_api", "expected an http:// or https:// URL");
  }
  while (status.api.ends_with('/')) status.api.pop_back();
  status.context = context.value_or("deployhook/" + target.name);
  if (status.context.empty()) reader.Fail(reader.Find("status_context"), "status_context", "must not be empty");
  target.status = std::move(status);
}

Target ReadTarget(const toml::table& table, std::size_t index, const std::string& file,
                  const std::filesystem::path& config_path, std::vector<std::string>& warnings) {
  TableReader reader(table, file, "target[" + std::to_string(index) + "].");
  reader.RejectUnknownKeys(TARGET_KEYS);
  Target target;
  target.name = reader.RequiredString("name");
  if (!IsTargetName(target.name)) {
    reader.Fail(reader.Find("name"), "name", "must match [a-z0-9_-]+");
  }
  target.repository = reader.RequiredString("repository");
  if (std::count(target.repository.begin(), target.repository.end(), '/') != 1) {
    reader.Fail(reader.Find("repository"), "repository", "must be owner/name");
  }
  target.branch = BranchName(reader, reader.RequiredString("branch"));
  ReadTrigger(reader, target);
  std::string project_dir = reader.RequiredString("project_dir");
  target.project_dir = RelativeTo(config_path, project_dir);
  target.services = reader.Strings("services").value_or(std::vector<std::string>{});
  target.compose = reader.Strings("compose").value_or(std::vector<std::string>{});
  // README promises what project_dir and secret_file do: relative to the config file.
  for (const std::string& file : reader.Strings("compose_files").value_or(
           std::vector<std::string>{})) {
    target.compose_files.push_back(RelativeTo(config_path, file).string());
  }
  ReadKind(reader, target);
  constexpr std::int64_t DAY = 86400;
  target.pull_timeout = static_cast<int>(reader.Integer("pull_timeout", 1, DAY).value_or(600));
  target.up_timeout = static_cast<int>(reader.Integer("up_timeout", 1, DAY).value_or(300));
  target.health_timeout =
      static_cast<int>(reader.Integer("health_timeout", 0, DAY).value_or(120));
  target.rollback = reader.Boolean("rollback").value_or(true);
  target.image_timeout = static_cast<int>(reader.Integer("image_timeout", 0, 7 * DAY).value_or(1800));
  target.image_poll = static_cast<int>(reader.Integer("image_poll", 1, 3600).value_or(15));
  if (std::optional<std::string> secret_file = reader.String("secret_file")) {
    target.secret_file = RelativeTo(config_path, *secret_file);
    target.secret = SecretAt(reader, "secret_file", *target.secret_file, warnings);
  }
  ReadCommitStatus(reader, target, config_path, warnings);
  return target;
}

void ReadGlobalSecret(Config& config, TableReader& reader, const ConfigEnvironment& env) {
  if (std::optional<std::string> secret_file = reader.String("secret_file")) {
    config.secret_file = RelativeTo(config.source, *secret_file);
    std::string secret = SecretAt(reader, "secret_file", *config.secret_file, config.warnings);
    config.secret_source = "secret_file " + config.secret_file->string();
    for (Target& target : config.targets) {
      if (target.secret.empty()) target.secret = secret;
    }
    return;
  }
  bool needs_global = std::any_of(config.targets.begin(), config.targets.end(),
                                  [](const Target& t) { return t.secret.empty(); });
  if (!needs_global) return;
  if (!env.webhook_secret || env.webhook_secret->empty()) {
    reader.Fail(nullptr, "secret_file",
                "no secret: set secret_file, or WEBHOOK_SECRET in the environment");
  }
  if (IsBlank(*env.webhook_secret)) {
    reader.Fail(nullptr, "secret_file", "WEBHOOK_SECRET holds only whitespace");
  }
  if (HasSurroundingWhitespace(*env.webhook_secret)) {
    config.warnings.push_back(reader.Where(nullptr, "secret_file",
                                           "WEBHOOK_SECRET begins or ends with whitespace, which "
                                           "is part of the secret"));
  }
  config.secret_source = "WEBHOOK_SECRET";
  for (Target& target : config.targets) {
    if (target.secret.empty()) target.secret = *env.webhook_secret;
  }
}

// Reads hook_path, read_token_file and public_badges: who may read what below the hook.
void ReadReadSide(Config& config, TableReader& reader) {
  if (std::optional<std::string> hook_path = reader.String("hook_path")) {
    if (!hook_path->starts_with("/") || hook_path->find_first_of("?# ") != std::string::npos) {
      reader.Fail(reader.Find("hook_path"), "hook_path", "expected a URL path like \"/webhook/deploy\"");
    }
    config.hook_path = *hook_path;
  }
  if (std::optional<std::string> token_file = reader.String("read_token_file")) {
    config.read_token_file = RelativeTo(config.source, *token_file);
    config.read_token = SecretAt(reader, "read_token_file", *config.read_token_file, config.warnings);
  }
  config.public_badges = reader.Boolean("public_badges").value_or(false);
}

void ReadTargets(Config& config, TableReader& reader, const std::string& file) {
  const toml::node* node = reader.Find("target");
  if (node == nullptr) reader.Fail(nullptr, "target", "missing: add at least one [[target]]");
  const toml::array* array = node->as_array();
  if (array == nullptr || !array->is_array_of_tables() || array->empty()) {
    reader.Fail(node, "target", "expected [[target]] tables");
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const toml::table& table = *array->get(i)->as_table();
    Target target = ReadTarget(table, i, file, config.source, config.warnings);
    if (!names.insert(target.name).second) {
      TableReader(table, file, "target[" + std::to_string(i) + "].")
          .Fail(table.get("name"), "name", "duplicate target name \"" + target.name + "\"");
    }
    config.targets.push_back(std::move(target));
  }
}

// Returns the first line of `path` (a URL), trimmed; throws ConfigError naming the problem.
std::string ReadUrlFile(const std::filesystem::path& path) {
  std::string url = ReadSecretFile(path);
  url = url.substr(0, url.find_first_of("\r\n"));
  while (!url.empty() && (url.back() == ' ' || url.back() == '\t')) url.pop_back();
  if (url.empty()) throw ConfigError("url file " + path.string() + " has no URL");
  return url;
}

// Returns the event `name` in `on` names; fails naming the nearest event when it names none.
NotifyEvent OnEvent(TableReader& reader, const std::string& name) {
  std::optional<NotifyEvent> event = ParseNotifyEvent(name);
  if (event && std::find(ON_EVENTS.begin(), ON_EVENTS.end(), *event) != ON_EVENTS.end()) return *event;
  std::vector<std::string_view> names;
  for (NotifyEvent known : ON_EVENTS) names.push_back(Name(known));
  std::string what = "unknown event \"" + name + "\"";
  if (std::optional<std::string> meant = ClosestName(name, names)) what += " (did you mean " + *meant + "?)";
  reader.Fail(reader.Find("on"), "on", what);
}

Notifier ReadNotifier(const toml::table& table, std::size_t index, const Config& config,
                      const std::string& file, std::vector<std::string>& warnings) {
  TableReader reader(table, file, "notify[" + std::to_string(index) + "].");
  reader.RejectUnknownKeys(NOTIFY_KEYS);
  Notifier notifier;
  std::optional<NotifierKind> kind = ParseNotifierKind(reader.RequiredString("kind"));
  if (!kind) reader.Fail(reader.Find("kind"), "kind", "expected webhook, ntfy, slack or discord");
  notifier.kind = *kind;
  std::optional<std::string> url = reader.String("url");
  std::optional<std::string> url_file = reader.String("url_file");
  if (url && url_file) reader.Fail(reader.Find("url"), "url", "set url or url_file, not both");
  if (!url && !url_file) reader.Fail(nullptr, "url_file", "missing: set url_file (or url)");
  if (url_file) {
    notifier.url_file = RelativeTo(config.source, *url_file);
    try {
      notifier.url = ReadUrlFile(*notifier.url_file);
    } catch (const ConfigError& e) {
      reader.Fail(reader.Find("url_file"), "url_file", e.what());
    }
  } else {
    notifier.url = *url;
  }
  // The message names neither the URL nor the file's content: either may hold a token.
  if (!IsHttpUrl(notifier.url)) {
    std::string key = url_file ? "url_file" : "url";
    reader.Fail(reader.Find(key), key, "expected an http:// or https:// URL");
  }
  notifier.on = {NotifyEvent::Stale, NotifyEvent::Failed, NotifyEvent::TimedOut,
                 NotifyEvent::RolledBack, NotifyEvent::RollbackFailed};
  if (std::optional<std::vector<std::string>> on = reader.Strings("on")) {
    notifier.on.clear();
    for (const std::string& name : *on) notifier.on.push_back(OnEvent(reader, name));
  }
  notifier.targets = reader.Strings("targets").value_or(std::vector<std::string>{});
  for (const std::string& name : notifier.targets) {
    bool known = std::any_of(config.targets.begin(), config.targets.end(),
                             [&](const Target& target) { return target.name == name; });
    if (!known) reader.Fail(reader.Find("targets"), "targets", "no target \"" + name + "\"");
  }
  if (std::optional<std::string> secret_file = reader.String("secret_file")) {
    if (notifier.kind != NotifierKind::Webhook) {
      reader.Fail(reader.Find("secret_file"), "secret_file", "only a webhook is signed");
    }
    notifier.secret = SecretAt(reader, "secret_file", RelativeTo(config.source, *secret_file), warnings);
  } else if (notifier.kind == NotifierKind::Webhook) {
    reader.Fail(nullptr, "secret_file", "missing (required for a webhook: it is signed)");
  }
  if (std::optional<std::string> ca_file = reader.String("ca_file")) {
    notifier.ca_file = RelativeTo(config.source, *ca_file);
    if (!std::filesystem::is_regular_file(*notifier.ca_file)) {
      reader.Fail(reader.Find("ca_file"), "ca_file", "no file " + notifier.ca_file->string());
    }
  }
  return notifier;
}

void ReadNotifiers(Config& config, TableReader& reader, const std::string& file) {
  const toml::node* node = reader.Find("notify");
  if (node == nullptr) return;
  const toml::array* array = node->as_array();
  if (array == nullptr || !array->is_array_of_tables()) {
    reader.Fail(node, "notify", "expected [[notify]] tables");
  }
  for (std::size_t i = 0; i < array->size(); ++i) {
    config.notifiers.push_back(
        ReadNotifier(*array->get(i)->as_table(), i, config, file, config.warnings));
  }
}

}  // namespace

std::string_view TriggerName(Trigger trigger) noexcept {
  switch (trigger) {
    case Trigger::Push: return "push";
    case Trigger::WorkflowRun: return "workflow_run";
    case Trigger::Package: return "package";
  }
  return "push";
}

std::string_view KindName(TargetKind kind) noexcept {
  switch (kind) {
    case TargetKind::Compose: return "compose";
    case TargetKind::Stack: return "stack";
    case TargetKind::Service: return "service";
  }
  return "compose";
}

bool Notifier::Wants(NotifyEvent event, std::string_view target) const {
  bool for_target = targets.empty() || std::find(targets.begin(), targets.end(), target) != targets.end();
  return for_target && std::find(on.begin(), on.end(), event) != on.end();
}

std::vector<std::string> Config::Secrets() const {
  std::vector<std::string> secrets;
  for (const Target& target : targets) {
    if (std::find(secrets.begin(), secrets.end(), target.secret) == secrets.end()) {
      secrets.push_back(target.secret);
    }
  }
  return secrets;
}

SecretFile ReadSecret(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError("cannot read secret file " + path.string());
  // Reads a little past the cap, so a longer file (or /dev/zero) is refused, not swallowed.
  std::string secret(MAX_SECRET_BYTES + 3, '\0');
  in.read(secret.data(), static_cast<std::streamsize>(secret.size()));
  secret.resize(static_cast<std::size_t>(in.gcount()));
  if (!secret.empty() && secret.back() == '\n') secret.pop_back();
  if (!secret.empty() && secret.back() == '\r') secret.pop_back();
  if (secret.size() > MAX_SECRET_BYTES) {
    throw ConfigError("secret file " + path.string() + " is longer than " +
                      std::to_string(MAX_SECRET_BYTES) + " bytes");
  }
  if (secret.empty()) throw ConfigError("secret file " + path.string() + " is empty");
  if (IsBlank(secret)) throw ConfigError("secret file " + path.string() + " holds only whitespace");
  SecretFile read{.secret = std::move(secret), .warnings = {}};
  if (HasSurroundingWhitespace(read.secret)) {
    read.warnings.push_back("secret file " + path.string() +
                            " begins or ends with whitespace (past its one trailing newline), "
                            "which is part of the secret");
  }
  std::error_code error;
  std::filesystem::perms mode = std::filesystem::status(path, error).permissions();
  using std::filesystem::perms;
  if (!error && (mode & (perms::group_read | perms::others_read)) != perms::none) {
    read.warnings.push_back("secret file " + path.string() +
                            " is readable by group or others: make it 0600, owned by the worker's user");
  }
  return read;
}

std::string ReadSecretFile(const std::filesystem::path& path) { return ReadSecret(path).secret; }

Config LoadConfig(const std::filesystem::path& path, const ConfigEnvironment& env) {
  const std::string file = path.string();
  toml::table root;
  try {
    root = toml::parse_file(file);
  } catch (const toml::parse_error& e) {
    std::ostringstream out;
    out << file << ':' << e.source().begin.line << ": " << e.description();
    throw ConfigError(OneLine(out.str()));
  }

  Config config;
  config.source = std::filesystem::absolute(path);
  TableReader reader(root, file, "");
  reader.RejectUnknownKeys(GLOBAL_KEYS);
  config.listen = reader.String("listen");
  if (config.listen && !ParseListenAddress(*config.listen)) {
    reader.Fail(reader.Find("listen"), "listen",
                "expected unix:/path, HOST:PORT or [IPV6]:PORT");
  }
  if (std::optional<std::string> mode = reader.String("socket_mode")) {
    static const std::regex OCTAL("0?[0-7]{3}");
    if (!std::regex_match(*mode, OCTAL)) {
      reader.Fail(reader.Find("socket_mode"), "socket_mode", "expected an octal mode like \"0660\"");
    }
    config.socket_mode = static_cast<unsigned>(std::stoul(*mode, nullptr, 8));
  }
  config.socket_group = reader.String("socket_group");
  if (config.socket_group && ::getgrnam(config.socket_group->c_str()) == nullptr) {
    reader.Fail(reader.Find("socket_group"), "socket_group",
                "no group \"" + *config.socket_group + "\" on this host");
  }
  if (std::optional<std::string> state_dir = reader.String("state_dir")) {
    config.state_dir = RelativeTo(config.source, *state_dir);
  }
  constexpr std::int64_t GIB = 1LL << 30;
  config.max_body_bytes =
      static_cast<std::uint64_t>(reader.Integer("max_body_bytes", 1, GIB).value_or(26214400));
  config.body_timeout = std::chrono::seconds(reader.Integer("body_timeout", 1, 3600).value_or(10));
  config.threads = static_cast<int>(reader.Integer("threads", 1, 256).value_or(4));
  ReadReadSide(config, reader);
  config.keep_runs = static_cast<int>(reader.Integer("keep_runs", 1, 1000000).value_or(500));
  ReadTargets(config, reader, file);
  ReadGlobalSecret(config, reader, env);
  ReadNotifiers(config, reader, file);
  return config;
}

std::filesystem::path ResolveConfigPath(const std::optional<std::string>& flag,
                                        const char* env_value) {
  if (flag) return *flag;
  if (env_value != nullptr && *env_value != '\0') return env_value;
  return DEFAULT_CONFIG;
}

}  // namespace deployhook
