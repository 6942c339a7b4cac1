#include "config/config.hpp"

#include <grp.h>

#include <algorithm>
#include <array>
#include <regex>
#include <sstream>

#include "config/listen_address.hpp"
#include "config/notify_config.hpp"
#include "config/secrets.hpp"
#include "config/table_reader.hpp"
#include "config/target_config.hpp"

namespace deployhook {
namespace {

constexpr std::array<std::string_view, 14> GLOBAL_KEYS = {
    "listen",    "socket_mode",    "socket_group", "state_dir", "secret_file",
    "keep_runs", "max_body_bytes", "body_timeout", "threads",   "target",
    "hook_path", "read_token_file", "public_badges", "notify"};

constexpr const char* DEFAULT_CONFIG = "/etc/deployhook/deployhook.toml";

// Reads the top-level secret_file, or else WEBHOOK_SECRET, into every target without a secret
// of its own; needs neither when every target has one.
void ReadGlobalSecret(Config& config, const TableReader& reader, const ConfigEnvironment& env) {
  config.secret_file = reader.Path("secret_file");
  if (config.secret_file) {
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
void ReadReadSide(Config& config, const TableReader& reader) {
  if (std::optional<std::string> hook_path = reader.String("hook_path")) {
    if (!hook_path->starts_with("/") || hook_path->find_first_of("?# ") != std::string::npos) {
      reader.Fail(reader.Find("hook_path"), "hook_path", "expected a URL path like \"/webhook/deploy\"");
    }
    config.hook_path = *hook_path;
  }
  config.read_token_file = reader.Path("read_token_file");
  if (config.read_token_file) {
    config.read_token = SecretAt(reader, "read_token_file", *config.read_token_file, config.warnings);
  }
  config.public_badges = reader.Boolean("public_badges").value_or(false);
}

}  // namespace

std::vector<std::string> Config::Secrets() const {
  std::vector<std::string> secrets;
  for (const Target& target : targets) {
    if (std::find(secrets.begin(), secrets.end(), target.secret) == secrets.end()) {
      secrets.push_back(target.secret);
    }
  }
  return secrets;
}

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
  TableReader reader(root, ConfigFile{.name = file, .path = config.source}, "");
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
  config.state_dir = reader.Path("state_dir").value_or(config.state_dir);
  constexpr std::int64_t GIB = 1LL << 30;
  config.max_body_bytes =
      static_cast<std::uint64_t>(reader.Integer("max_body_bytes", 1, GIB).value_or(26214400));
  config.body_timeout = std::chrono::seconds(reader.Integer("body_timeout", 1, 3600).value_or(10));
  config.threads = static_cast<int>(reader.Integer("threads", 1, 256).value_or(4));
  ReadReadSide(config, reader);
  config.keep_runs = static_cast<int>(reader.Integer("keep_runs", 1, 1000000).value_or(500));
  config.targets = ReadTargets(reader, config.warnings);
  ReadGlobalSecret(config, reader, env);
  config.notifiers = ReadNotifiers(reader, config.targets, config.warnings);
  return config;
}

std::filesystem::path ResolveConfigPath(const std::optional<std::string>& flag,
                                        const char* env_value) {
  if (flag) return *flag;
  if (env_value != nullptr && *env_value != '\0') return env_value;
  return DEFAULT_CONFIG;
}

}  // namespace deployhook