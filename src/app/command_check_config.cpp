// deployhook check-config: loads the configuration and prints what it understood.

#include <cstdio>
#include <cstdlib>

#include "app/check_blue_green.hpp"
#include "app/commands.hpp"
#include "deploy/compose_command.hpp"

namespace deployhook {
namespace {

std::string Join(const std::vector<std::string>& items, std::string_view empty) {
  if (items.empty()) return std::string(empty);
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : " ") + item;
  return out;
}

// Returns the hook path without a trailing slash, for a target's path to follow.
std::string HookBase(std::string_view hook_path) {
  while (hook_path.size() > 1 && hook_path.back() == '/') hook_path.remove_suffix(1);
  return std::string(hook_path == "/" ? "" : hook_path);
}

// Prints where a target's compose files come from.
void PrintSource(const Target& target) {
  const SourceSettings& source = *target.source;
  std::printf("  source: %s, folder %s, project %s\n", source.url.c_str(),
              source.path.empty() ? "(the root)" : source.path.c_str(), target.project_name.c_str());
  std::printf("  access: %s\n", !source.token.empty() ? "token (HTTP Authorization header)"
                                 : source.key_file ? ("deploy key " + source.key_file->string()).c_str()
                                                   : "none");
  std::printf("  images: %s; poll: %s; .age files: %s\n", source.build ? "built from the checkout" : "pulled",
              source.poll > 0 ? ("every " + std::to_string(source.poll) + " s").c_str() : "off",
              source.age_identity_file ? ("decrypted with " + source.age_identity_file->string()).c_str()
                                       : "refused (no age_identity_file)");
}

// Prints what check-config understood of one target; returns how many errors it found.
int PrintTarget(const Config& config, const Target& target) {
  ComposeChoice compose = ChooseComposeCommand(target.compose);
  std::printf("target %s: %s branch %s in %s\n", target.name.c_str(), target.repository.c_str(),
              target.branch.c_str(), target.source ? "the commit's checkout" : target.project_dir.c_str());
  if (target.source) PrintSource(target);
  std::printf("  url: POST %s/%s (this target alone, its secret alone)\n",
              HookBase(config.hook_path).c_str(), target.name.c_str());
  std::printf("  forge: %s, proof %s\n", std::string(ForgeName(target.forge)).c_str(),
              std::string(ProofScheme(target.forge)).c_str());
  std::printf("  trigger: %s", std::string(TriggerName(target.trigger)).c_str());
  if (target.workflow) std::printf(", workflow %s", target.workflow->c_str());
  if (target.package) std::printf(", package %s", target.package->c_str());
  std::printf("\n");
  std::printf("  kind: %s", std::string(KindName(target.kind)).c_str());
  if (target.kind == TargetKind::Stack) std::printf(", stack %s", target.stack.c_str());
  std::printf("\n");
  std::printf("  services: %s\n", Join(target.services, "(whole project)").c_str());
  std::printf("  compose: %s (%s%s)\n", Join(compose.argv, "(none found)").c_str(),
              compose.how.c_str(), compose.version.empty() ? "" : (", version " + compose.version).c_str());
  if (!compose.argv.empty()) {
    std::printf("  up: %s\n", compose.generation == ComposeGeneration::V2
                                 ? "--pull never (runs the images the run checked)"
                                 : "references tagged to the checked images first (compose v1 has no --pull)");
  }
  std::printf("  timeouts: pull %ds, up %ds, health %ds; rollback %s\n", target.pull_timeout,
              target.up_timeout, target.health_timeout, target.rollback ? "on" : "off");
  std::printf("  secret: %s\n", target.secret_file ? ("secret_file " + target.secret_file->string()).c_str()
                                                  : "the global secret");
  if (target.status) {
    std::printf("  commit status: %s as %s\n", target.status->api.c_str(),
                target.status->context.c_str());
  }
  return CheckBlueGreen(target, compose);
}

}  // namespace

Config LoadConfigFor(const CommandLine& line) {
  ConfigEnvironment env;
  if (const char* secret = std::getenv("WEBHOOK_SECRET")) env.webhook_secret = secret;
  return LoadConfig(ResolveConfigPath(line.config, std::getenv("DEPLOYHOOK_CONFIG")), env);
}

void LogConfigWarnings(const Config& config, const Logger& log) {
  for (const std::string& warning : config.warnings) {
    log.Log(LogLevel::Warning, "config", {{"warning", warning}});
  }
}

int RunCheckConfig(const CommandLine& line) {
  Config config = LoadConfigFor(line);
  // On stderr, so what check-config understood stays what stdout says.
  for (const std::string& warning : config.warnings) {
    std::fprintf(stderr, "warning: %s\n", warning.c_str());
  }
  std::printf("config: %s\n", config.source.c_str());
  std::printf("listen: %s\n", config.listen.value_or("socket inherited on fd 0").c_str());
  std::printf("state_dir: %s\n", config.state_dir.c_str());
  std::printf("secret: %s\n", config.secret_source.empty() ? "per target" : config.secret_source.c_str());
  std::printf("max_body_bytes: %llu, body_timeout: %llds, threads: %d, keep_runs: %d\n",
              static_cast<unsigned long long>(config.max_body_bytes),
              static_cast<long long>(config.body_timeout.count()), config.threads, config.keep_runs);
  std::printf("hook: POST %s (every target of the delivery's forge)\n", config.hook_path.c_str());
  std::printf("  %d requests are served at once; connections the proxy keeps open (nginx "
              "keepalive) hold no thread between requests\n",
              config.threads);
  int errors = 0;
  for (const Target& target : config.targets) errors += PrintTarget(config, target);
  // Notifier URLs often hold a token: only where one comes from is printed.
  for (std::size_t i = 0; i < config.notifiers.size(); ++i) {
    const Notifier& notifier = config.notifiers[i];
    std::vector<std::string> on;
    for (NotifyEvent event : notifier.on) on.emplace_back(Name(event));
    std::printf("notify[%zu] %s: url %s; on %s; targets %s\n", i, std::string(Name(notifier.kind)).c_str(),
                notifier.url_file ? ("from " + notifier.url_file->string()).c_str() : "inline",
                Join(on, "(nothing)").c_str(), Join(notifier.targets, "(all)").c_str());
  }
  return errors == 0 ? 0 : 1;
}

}  // namespace deployhook
