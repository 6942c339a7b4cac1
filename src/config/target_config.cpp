#include "config/target_config.hpp"

#include <algorithm>
#include <array>
#include <set>

#include "config/rollout_config.hpp"
#include "config/secrets.hpp"
#include "config/source_config.hpp"

namespace deployhook {
namespace {

constexpr std::array<std::string_view, 31> TARGET_KEYS = {
    "name",          "repository",   "branch",       "project_dir",    "services",
    "compose",       "compose_files", "pull_timeout", "up_timeout",    "health_timeout",
    "rollback",      "image_timeout", "image_poll",   "forge",         "trigger",
    "workflow",      "package",      "secret_file",  "kind",          "stack",
    "status_token_file", "status_api", "status_context", "strategy",   "slots",
    "upstream_file", "upstream_format", "reload",  "ready_path",      "drain",
    "release"};

// Returns true when `name` matches [a-z0-9_-]+. Checked by hand: libstdc++'s std::regex recurses
// once per character and overflows the stack on a name of tens of thousands of characters.
bool IsTargetName(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
         });
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
void ReadTrigger(const TableReader& reader, Target& target) {
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
void ReadKind(const TableReader& reader, Target& target) {
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
void ReadCommitStatus(const TableReader& reader, Target& target, std::vector<std::string>& warnings) {
  std::optional<std::filesystem::path> token_file = reader.Path("status_token_file");
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
  status.token = SecretAt(reader, "status_token_file", *token_file, warnings);
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

Target ReadTarget(const TableReader& reader, std::vector<std::string>& warnings) {
  std::vector<std::string_view> known(TARGET_KEYS.begin(), TARGET_KEYS.end());
  known.insert(known.end(), SOURCE_KEYS.begin(), SOURCE_KEYS.end());
  reader.RejectUnknownKeys(known);
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
  // With a source, compose runs in the commit's checkout: its files are relative to it.
  bool from_source = reader.Find("source") != nullptr;
  if (!from_source) target.project_dir = reader.Resolve(reader.RequiredString("project_dir"));
  target.services = reader.Strings("services").value_or(std::vector<std::string>{});
  target.compose = reader.Strings("compose").value_or(std::vector<std::string>{});
  // README promises what project_dir and secret_file do: relative to the config file.
  for (const std::string& file : reader.Strings("compose_files").value_or(
           std::vector<std::string>{})) {
    target.compose_files.push_back(from_source ? file : reader.Resolve(file).string());
  }
  ReadKind(reader, target);
  ReadRollout(reader, target);
  ReadSource(reader, target, warnings);
  constexpr std::int64_t DAY = 86400;
  target.pull_timeout = static_cast<int>(reader.Integer("pull_timeout", 1, DAY).value_or(600));
  target.up_timeout = static_cast<int>(reader.Integer("up_timeout", 1, DAY).value_or(300));
  target.health_timeout =
      static_cast<int>(reader.Integer("health_timeout", 0, DAY).value_or(120));
  target.rollback = reader.Boolean("rollback").value_or(true);
  target.image_timeout = static_cast<int>(reader.Integer("image_timeout", 0, 7 * DAY).value_or(1800));
  target.image_poll = static_cast<int>(reader.Integer("image_poll", 1, 3600).value_or(15));
  target.secret_file = reader.Path("secret_file");
  if (target.secret_file) target.secret = SecretAt(reader, "secret_file", *target.secret_file, warnings);
  ReadCommitStatus(reader, target, warnings);
  return target;
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

std::vector<Target> ReadTargets(const TableReader& root, std::vector<std::string>& warnings) {
  const toml::node* node = root.Find("target");
  if (node == nullptr) root.Fail(nullptr, "target", "missing: add at least one [[target]]");
  const toml::array* array = node->as_array();
  if (array == nullptr || !array->is_array_of_tables() || array->empty()) {
    root.Fail(node, "target", "expected [[target]] tables");
  }
  std::vector<Target> targets;
  std::set<std::string> names;
  for (std::size_t i = 0; i < array->size(); ++i) {
    TableReader reader = root.Nested(*array->get(i)->as_table(), "target[" + std::to_string(i) + "].");
    Target target = ReadTarget(reader, warnings);
    if (!names.insert(target.name).second) {
      reader.Fail(reader.Find("name"), "name", "duplicate target name \"" + target.name + "\"");
    }
    targets.push_back(std::move(target));
  }
  return targets;
}

}  // namespace deployhook
