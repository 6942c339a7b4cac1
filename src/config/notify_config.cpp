#include "config/notify_config.hpp"

#include <algorithm>
#include <array>

#include "config/secrets.hpp"
#include "util/closest_name.hpp"

namespace deployhook {
namespace {

constexpr std::array<std::string_view, 7> NOTIFY_KEYS = {
    "kind", "url", "url_file", "on", "targets", "secret_file", "ca_file"};

// Returns the first line of `path` (a URL), trimmed; throws ConfigError naming the problem.
std::string ReadUrlFile(const std::filesystem::path& path) {
  std::string url = ReadSecretFile(path);
  url = url.substr(0, url.find_first_of("\r\n"));
  while (!url.empty() && (url.back() == ' ' || url.back() == '\t')) url.pop_back();
  if (url.empty()) throw ConfigError("url file " + path.string() + " has no URL");
  return url;
}

// Reads url or url_file (one of them, not both) into the notifier's URL.
void ReadUrl(const TableReader& reader, Notifier& notifier) {
  std::optional<std::string> url = reader.String("url");
  notifier.url_file = reader.Path("url_file");
  if (url && notifier.url_file) reader.Fail(reader.Find("url"), "url", "set url or url_file, not both");
  if (!url && !notifier.url_file) reader.Fail(nullptr, "url_file", "missing: set url_file (or url)");
  if (notifier.url_file) {
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
    std::string key = notifier.url_file ? "url_file" : "url";
    reader.Fail(reader.Find(key), key, "expected an http:// or https:// URL");
  }
}

// Returns the event `name` in `on` names; fails naming the nearest event when it names none.
NotifyEvent OnEvent(const TableReader& reader, const std::string& name) {
  std::optional<NotifyEvent> event = ParseNotifyEvent(name);
  if (event && std::find(ON_EVENTS.begin(), ON_EVENTS.end(), *event) != ON_EVENTS.end()) return *event;
  std::vector<std::string_view> names;
  for (NotifyEvent known : ON_EVENTS) names.push_back(Name(known));
  std::string what = "unknown event \"" + name + "\"";
  if (std::optional<std::string> meant = ClosestName(name, names)) what += " (did you mean " + *meant + "?)";
  reader.Fail(reader.Find("on"), "on", what);
}

Notifier ReadNotifier(const TableReader& reader, const std::vector<Target>& targets,
                      std::vector<std::string>& warnings) {
  reader.RejectUnknownKeys(NOTIFY_KEYS);
  Notifier notifier;
  std::optional<NotifierKind> kind = ParseNotifierKind(reader.RequiredString("kind"));
  if (!kind) reader.Fail(reader.Find("kind"), "kind", "expected webhook, ntfy, slack or discord");
  notifier.kind = *kind;
  ReadUrl(reader, notifier);
  notifier.on = {NotifyEvent::Stale, NotifyEvent::Failed, NotifyEvent::TimedOut,
                 NotifyEvent::RolledBack, NotifyEvent::RollbackFailed};
  if (std::optional<std::vector<std::string>> on = reader.Strings("on")) {
    notifier.on.clear();
    for (const std::string& name : *on) notifier.on.push_back(OnEvent(reader, name));
  }
  notifier.targets = reader.Strings("targets").value_or(std::vector<std::string>{});
  for (const std::string& name : notifier.targets) {
    bool known = std::any_of(targets.begin(), targets.end(),
                             [&](const Target& target) { return target.name == name; });
    if (!known) reader.Fail(reader.Find("targets"), "targets", "no target \"" + name + "\"");
  }
  if (std::optional<std::filesystem::path> secret_file = reader.Path("secret_file")) {
    if (notifier.kind != NotifierKind::Webhook) {
      reader.Fail(reader.Find("secret_file"), "secret_file", "only a webhook is signed");
    }
    notifier.secret = SecretAt(reader, "secret_file", *secret_file, warnings);
  } else if (notifier.kind == NotifierKind::Webhook) {
    reader.Fail(nullptr, "secret_file", "missing (required for a webhook: it is signed)");
  }
  notifier.ca_file = reader.Path("ca_file");
  if (notifier.ca_file && !std::filesystem::is_regular_file(*notifier.ca_file)) {
    reader.Fail(reader.Find("ca_file"), "ca_file", "no file " + notifier.ca_file->string());
  }
  return notifier;
}

}  // namespace

bool Notifier::Wants(NotifyEvent event, std::string_view target) const {
  bool for_target = targets.empty() || std::find(targets.begin(), targets.end(), target) != targets.end();
  return for_target && std::find(on.begin(), on.end(), event) != on.end();
}

std::vector<Notifier> ReadNotifiers(const TableReader& root, const std::vector<Target>& targets,
                                    std::vector<std::string>& warnings) {
  const toml::node* node = root.Find("notify");
  if (node == nullptr) return {};
  const toml::array* array = node->as_array();
  if (array == nullptr || !array->is_array_of_tables()) {
    root.Fail(node, "notify", "expected [[notify]] tables");
  }
  std::vector<Notifier> notifiers;
  for (std::size_t i = 0; i < array->size(); ++i) {
    TableReader reader = root.Nested(*array->get(i)->as_table(), "notify[" + std::to_string(i) + "].");
    notifiers.push_back(ReadNotifier(reader, targets, warnings));
  }
  return notifiers;
}

}  // namespace deployhook
