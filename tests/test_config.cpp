// deployhook.toml: a complete file loads into the right values; every kind of mistake is a
// ConfigError naming the file, line and key.

#include <boost/test/unit_test.hpp>

#include "config/config.hpp"
#include "config/secrets.hpp"
#include "util/log.hpp"
#include "config_files.hpp"
#include "unit_support.hpp"

namespace deployhook {
namespace {

using testing::CheckNames;
using testing::ConfigDir;
using testing::Minimal;
using testing::MINIMAL_TARGET;
using testing::WithSecret;

}  // namespace

BOOST_AUTO_TEST_SUITE(config)

BOOST_AUTO_TEST_CASE(resolves_a_relative_state_dir_against_the_file_even_when_named_relatively) {
  ConfigDir files;
  files.Write("deployhook.toml", "state_dir = \"state\"\n" + std::string(MINIMAL_TARGET));
  // Named relative to the working directory, as `--config deployhook.toml` in its folder does.
  struct InDirectory {
    std::filesystem::path before = std::filesystem::current_path();
    explicit InDirectory(const std::filesystem::path& dir) { std::filesystem::current_path(dir); }
    ~InDirectory() { std::filesystem::current_path(before); }
  } inside(files.dir.Path());
  Config config = LoadConfig("deployhook.toml", WithSecret("s"));
  BOOST_TEST(config.state_dir.is_absolute(), config.state_dir);
  BOOST_TEST(config.state_dir == files.dir.Path() / "state");
  BOOST_TEST(config.targets.at(0).project_dir.is_absolute());
}

BOOST_FIXTURE_TEST_CASE(loads_every_key_with_its_value, ConfigDir) {
  Write("secret", "global-secret\n");
  Write("worker.secret", "worker-secret\n");
  Config config = Load(R"(listen = "127.0.0.1:9000"
socket_mode = "0640"
socket_group = "www-data"
state_dir = "/var/lib/deployhook-test"
secret_file = "secret"
max_body_bytes = 1048576
body_timeout = 3
threads = 8

[[target]]
name = "web"
repository = "Octo/App"
branch = "main"
project_dir = "/srv/web"
services = ["app", "db"]
compose = ["docker-compose"]
compose_files = ["compose.yaml", "compose.prod.yaml"]
pull_timeout = 60
up_timeout = 30
health_timeout = 0
rollback = false
image_timeout = 0
image_poll = 5

[[target]]
name = "worker_2"
repository = "octo/worker"
branch = "release/v2"
project_dir = "worker"
secret_file = "worker.secret"
)");
  BOOST_TEST(config.listen.value_or("") == "127.0.0.1:9000");
  BOOST_TEST(config.socket_mode.value_or(0) == 0640u);
  BOOST_TEST(config.socket_group.value_or("") == "www-data");
  BOOST_TEST(config.state_dir == "/var/lib/deployhook-test");
  BOOST_TEST(config.secret_file.value_or("") == dir / "secret");
  BOOST_TEST(config.secret_source == "secret_file " + (dir / "secret").string());
  BOOST_TEST(config.max_body_bytes == 1048576u);
  BOOST_TEST(config.body_timeout.count() == 3);
  BOOST_TEST(config.threads == 8);
  BOOST_TEST_REQUIRE(config.targets.size() == 2u);

  const Target& web = config.targets[0];
  BOOST_TEST(web.name == "web");
  BOOST_TEST(web.repository == "Octo/App");
  BOOST_TEST(web.branch == "main");
  BOOST_TEST(web.project_dir == "/srv/web");
  BOOST_TEST(web.services == (std::vector<std::string>{"app", "db"}));
  BOOST_TEST(web.compose == std::vector<std::string>{"docker-compose"});
  BOOST_TEST(web.compose_files == (std::vector<std::string>{(dir / "compose.yaml").string(),
                                                            (dir / "compose.prod.yaml").string()}));
  BOOST_TEST(web.pull_timeout == 60);
  BOOST_TEST(web.up_timeout == 30);
  BOOST_TEST(web.health_timeout == 0);
  BOOST_TEST(web.rollback == false);
  BOOST_TEST(web.image_timeout == 0);
  BOOST_TEST(web.image_poll == 5);
  BOOST_TEST(!web.secret_file);
  BOOST_TEST(web.secret == "global-secret");

  const Target& worker = config.targets[1];
  BOOST_TEST(worker.name == "worker_2");
  BOOST_TEST(worker.branch == "release/v2");
  BOOST_TEST(worker.project_dir == dir / "worker");  // relative to the config file
  BOOST_TEST(worker.secret_file.value_or("") == dir / "worker.secret");
  BOOST_TEST(worker.secret == "worker-secret");
  BOOST_TEST(config.Secrets() == (std::vector<std::string>{"global-secret", "worker-secret"}));
}

BOOST_FIXTURE_TEST_CASE(applies_defaults_for_optional_keys, ConfigDir) {
  Config config = Load(Minimal(), WithSecret("env-secret"));
  BOOST_TEST(!config.listen);
  BOOST_TEST(!config.socket_mode);
  BOOST_TEST(!config.socket_group);
  BOOST_TEST(config.state_dir == "/var/lib/deployhook");
  BOOST_TEST(!config.secret_file);
  BOOST_TEST(config.max_body_bytes == 26214400u);
  BOOST_TEST(config.body_timeout.count() == 10);
  BOOST_TEST(config.threads == 4);
  BOOST_TEST_REQUIRE(config.targets.size() == 1u);
  const Target& target = config.targets[0];
  BOOST_TEST(target.services.empty());
  BOOST_TEST(target.compose.empty());
  BOOST_TEST(target.compose_files.empty());
  BOOST_TEST(target.pull_timeout == 600);
  BOOST_TEST(target.up_timeout == 300);
  BOOST_TEST(target.health_timeout == 120);
  BOOST_TEST(target.rollback == true);
  BOOST_TEST(target.image_timeout == 1800);
  BOOST_TEST(target.image_poll == 15);
}

BOOST_FIXTURE_TEST_CASE(rejects_an_image_poll_of_zero, ConfigDir) {
  CheckNames(Error(Minimal() + "image_poll = 0\n", WithSecret("s")), At(6), "target[0].image_poll");
}

BOOST_FIXTURE_TEST_CASE(rejects_unknown_top_level_key, ConfigDir) {
  std::string error = Error("threads = 2\nlisten_adress = \"127.0.0.1:9000\"\n" + Minimal(),
                            WithSecret("s"));
  CheckNames(error, At(2), "listen_adress");
  BOOST_TEST(error.find("unknown key") != std::string::npos);
  // Too far from every key for a guess.
  BOOST_TEST(error.find("did you mean") == std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(rejects_unknown_target_key, ConfigDir) {
  std::string error = Error(Minimal() + "servics = [\"app\"]\n", WithSecret("s"));
  CheckNames(error, At(6), "target[0].servics");
  BOOST_TEST(error.find("unknown key") != std::string::npos);
  BOOST_TEST(error.find("did you mean services?") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(reports_typo_of_required_key_as_unknown_before_it_is_missing, ConfigDir) {
  // "branch" is required and missing only because it is spelt "brnach".
  std::string error = Error("[[target]]\nname = \"app\"\nrepository = \"octo/app\"\n"
                            "brnach = \"main\"\nproject_dir = \"/srv/app\"\n",
                            WithSecret("s"));
  CheckNames(error, At(4), "target[0].brnach");
  BOOST_TEST(error.find("unknown key (did you mean branch?)") != std::string::npos);
  BOOST_TEST(error.find("missing") == std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(reports_unknown_top_level_key_before_target_errors, ConfigDir) {
  std::string error = Error("keep_run = 5\n[[target]]\nname = \"app\"\n", WithSecret("s"));
  CheckNames(error, At(1), "keep_run");
  BOOST_TEST(error.find("did you mean keep_runs?") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(reads_keep_runs_with_a_default_of_500, ConfigDir) {
  BOOST_TEST(Load(Minimal(), WithSecret("s")).keep_runs == 500);
  BOOST_TEST(Load("keep_runs = 3\n" + Minimal(), WithSecret("s")).keep_runs == 3);
  CheckNames(Error("keep_runs = 0\n" + Minimal(), WithSecret("s")), At(1), "keep_runs");
}

BOOST_FIXTURE_TEST_CASE(rejects_value_of_wrong_type, ConfigDir) {
  CheckNames(Error("threads = \"4\"\n" + Minimal(), WithSecret("s")), At(1), "threads");
  CheckNames(Error(Minimal() + "services = \"app\"\n", WithSecret("s")), At(6),
             "target[0].services");
  CheckNames(Error(Minimal() + "rollback = \"yes\"\n", WithSecret("s")), At(6),
             "target[0].rollback");
  CheckNames(Error(Minimal() + "services = [\"app\", 1]\n", WithSecret("s")), At(6),
             "target[0].services");
  CheckNames(Error(Minimal() + "pull_timeout = 1.5\n", WithSecret("s")), At(6),
             "target[0].pull_timeout");
  CheckNames(Error("state_dir = 5\n" + Minimal(), WithSecret("s")), At(1), "state_dir");
}

BOOST_FIXTURE_TEST_CASE(rejects_value_out_of_range, ConfigDir) {
  CheckNames(Error("threads = 0\n" + Minimal(), WithSecret("s")), At(1), "threads");
  CheckNames(Error(Minimal() + "health_timeout = -1\n", WithSecret("s")), At(6),
             "target[0].health_timeout");
  CheckNames(Error(Minimal() + "up_timeout = 0\n", WithSecret("s")), At(6),
             "target[0].up_timeout");
}

BOOST_FIXTURE_TEST_CASE(rejects_target_missing_a_required_key, ConfigDir) {
  const std::string lines[] = {"name = \"web\"\n", "repository = \"octo/app\"\n",
                               "branch = \"main\"\n", "project_dir = \"/srv/web\"\n"};
  const std::string keys[] = {"name", "repository", "branch", "project_dir"};
  for (std::size_t missing = 0; missing < 4; ++missing) {
    std::string toml = "threads = 2\n\n[[target]]\n";
    for (std::size_t i = 0; i < 4; ++i) toml += i == missing ? "" : lines[i];
    BOOST_TEST_CONTEXT(keys[missing]) {
      // Reported at the [[target]] header of the table that lacks it.
      std::string error = Error(toml, WithSecret("s"));
      CheckNames(error, At(3), "target[0]." + keys[missing]);
      BOOST_TEST(error.find("missing") != std::string::npos, error);
    }
  }
}

BOOST_FIXTURE_TEST_CASE(rejects_empty_required_string, ConfigDir) {
  CheckNames(Error("[[target]]\nname = \"web\"\nrepository = \"octo/app\"\nbranch = \"\"\n"
                   "project_dir = \"/srv\"\n",
                   WithSecret("s")),
             At(4), "target[0].branch");
}

BOOST_FIXTURE_TEST_CASE(rejects_target_name_outside_its_charset, ConfigDir) {
  for (std::string name : {"Web", "web app", "web.app", "wéb", "web/app"}) {
    BOOST_TEST_CONTEXT(name) {
      std::string toml = "[[target]]\nname = \"" + name +
                         "\"\nrepository = \"octo/app\"\nbranch = \"main\"\nproject_dir = \"/srv\"\n";
      CheckNames(Error(toml, WithSecret("s")), At(2), "target[0].name");
    }
  }
}

BOOST_FIXTURE_TEST_CASE(rejects_repository_without_owner, ConfigDir) {
  CheckNames(Error("[[target]]\nname = \"web\"\nrepository = \"app\"\nbranch = \"main\"\n"
                   "project_dir = \"/srv\"\n",
                   WithSecret("s")),
             At(3), "target[0].repository");
}

BOOST_FIXTURE_TEST_CASE(rejects_duplicate_target_name, ConfigDir) {
  std::string error = Error(Minimal() + "\n" + Minimal(), WithSecret("s"));
  CheckNames(error, At(8), "target[1].name");
  BOOST_TEST(error.find("duplicate") != std::string::npos, error);
}

BOOST_FIXTURE_TEST_CASE(rejects_config_without_targets, ConfigDir) {
  std::string error = Error("threads = 2\n", WithSecret("s"));
  BOOST_TEST(error.find("target") != std::string::npos, error);
}

BOOST_FIXTURE_TEST_CASE(rejects_empty_secret_file, ConfigDir) {
  for (std::string content : {"", "\n"}) {
    BOOST_TEST_CONTEXT("content of " << content.size() << " bytes") {
      Write("secret", content);
      std::string error = Error("threads = 2\nsecret_file = \"secret\"\n" + Minimal());
      CheckNames(error, At(2), "secret_file");
      BOOST_TEST(error.find("empty") != std::string::npos, error);
    }
  }
}

BOOST_FIXTURE_TEST_CASE(rejects_unreadable_secret_file, ConfigDir) {
  std::string error = Error("secret_file = \"no-such-secret\"\n" + Minimal());
  CheckNames(error, At(1), "secret_file");
  BOOST_TEST(error.find("cannot read") != std::string::npos, error);
}

BOOST_FIXTURE_TEST_CASE(rejects_config_without_any_secret, ConfigDir) {
  for (ConfigEnvironment env : {ConfigEnvironment{}, WithSecret("")}) {
    std::string error = Error(Minimal(), env);
    BOOST_TEST(error.find("secret_file") != std::string::npos, error);
    BOOST_TEST(error.find("WEBHOOK_SECRET") != std::string::npos, error);
  }
}

BOOST_FIXTURE_TEST_CASE(uses_webhook_secret_when_no_secret_file, ConfigDir) {
  Config config = Load(Minimal(), WithSecret("from-the-environment"));
  BOOST_TEST(config.secret_source == "WEBHOOK_SECRET");
  BOOST_TEST(config.targets.at(0).secret == "from-the-environment");
}

BOOST_FIXTURE_TEST_CASE(prefers_secret_file_over_webhook_secret, ConfigDir) {
  Write("secret", "from-the-file");
  Config config = Load("secret_file = \"secret\"\n" + Minimal(), WithSecret("from-the-environment"));
  BOOST_TEST(config.targets.at(0).secret == "from-the-file");
}

BOOST_FIXTURE_TEST_CASE(rejects_secret_file_longer_than_4096_bytes, ConfigDir) {
  Write("secret", std::string(5000, 's'));
  CheckNames(Error("secret_file = \"secret\"\n" + Minimal()), At(1), "secret_file");
  Write("secret", std::string(4096, 's') + "\n");  // the newline is not part of it
  BOOST_TEST(Load("secret_file = \"secret\"\n" + Minimal()).targets.at(0).secret.size() == 4096u);
}

// toml++ quotes the newline it stumbled on; the error must still be one line.
BOOST_FIXTURE_TEST_CASE(keeps_a_toml_error_about_a_newline_on_one_line, ConfigDir) {
  std::string error = Error(Minimal() + "rollback = tru\n", WithSecret("s"));
  BOOST_TEST(error.find('\n') == std::string::npos, error);
  BOOST_TEST(error.find("deployhook.toml:") != std::string::npos, error);
}

// std::regex recursed once per character and crashed on names this long.
BOOST_FIXTURE_TEST_CASE(checks_a_very_long_target_name_without_crashing, ConfigDir) {
  std::string name(60000, 'a');
  std::string toml = "[[target]]\nname = \"" + name +
                     "\"\nrepository = \"o/a\"\nbranch = \"main\"\nproject_dir = \"/srv\"\n";
  BOOST_TEST(Load(toml, WithSecret("s")).targets.at(0).name.size() == name.size());
  std::string upper = "[[target]]\nname = \"" + std::string(60000, 'A') +
                      "\"\nrepository = \"o/a\"\nbranch = \"main\"\nproject_dir = \"/srv\"\n";
  CheckNames(Error(upper, WithSecret("s")), At(2), "name");
}

BOOST_FIXTURE_TEST_CASE(strips_secret_files_trailing_newline, ConfigDir) {
  for (auto [content, secret] : {std::pair{"s3cret\n", "s3cret"}, {"s3cret\r\n", "s3cret"},
                                 {"s3cret", "s3cret"}, {" s3 cret \n", " s3 cret "}}) {
    BOOST_TEST_CONTEXT(secret) {
      Write("secret", content);
      BOOST_TEST(Load("secret_file = \"secret\"\n" + Minimal()).targets.at(0).secret == secret);
      BOOST_TEST(ReadSecretFile(dir / "secret") == secret);
    }
  }
}

BOOST_FIXTURE_TEST_CASE(rejects_a_secret_file_of_only_whitespace, ConfigDir) {
  for (std::string_view blank : {" ", " \n", "\n\n", "\t\r\n", "  \n \n"}) {
    BOOST_TEST_CONTEXT(EscapeBytes(blank)) {
      Write("secret", blank);
      std::string error = Error("secret_file = \"secret\"\n" + Minimal());
      CheckNames(error, At(1), "secret_file");
      BOOST_TEST(error.find("only whitespace") != std::string::npos, error);
      Write("web.secret", blank);
      CheckNames(Error(Minimal() + "secret_file = \"web.secret\"\n", WithSecret("s")), At(6),
                 "target[0].secret_file");
      BOOST_CHECK_THROW(ReadSecretFile(dir / "secret"), ConfigError);
    }
  }
}

BOOST_FIXTURE_TEST_CASE(rejects_a_webhook_secret_of_only_whitespace, ConfigDir) {
  std::string error = Error(Minimal(), WithSecret(" \n"));
  BOOST_TEST(error.find("WEBHOOK_SECRET") != std::string::npos, error);
  BOOST_TEST(error.find("only whitespace") != std::string::npos, error);
}

// The secret stays exactly what the file holds past its trailing newline: the forge may have
// been given it with the same whitespace. The warning says so.
BOOST_FIXTURE_TEST_CASE(keeps_a_secret_with_surrounding_whitespace_and_warns, ConfigDir) {
  std::filesystem::path secret = Write("secret", "s3cret\n\n");
  std::filesystem::permissions(secret, std::filesystem::perms::owner_read |
                                           std::filesystem::perms::owner_write);
  Config config = Load("secret_file = \"secret\"\n" + Minimal());
  BOOST_TEST(config.targets.at(0).secret == "s3cret\n");
  BOOST_TEST_REQUIRE(config.warnings.size() == 1u);
  CheckNames(config.warnings[0], At(1), "secret_file");
  BOOST_TEST(config.warnings[0].find("whitespace") != std::string::npos, config.warnings[0]);

  Config from_env = Load(Minimal(), WithSecret(" s3cret"));
  BOOST_TEST(from_env.targets.at(0).secret == " s3cret");
  BOOST_TEST_REQUIRE(from_env.warnings.size() == 1u);
  BOOST_TEST(from_env.warnings[0].find("WEBHOOK_SECRET") != std::string::npos, from_env.warnings[0]);
}

BOOST_FIXTURE_TEST_CASE(warns_of_a_secret_file_group_or_others_may_read, ConfigDir) {
  using std::filesystem::perms;
  std::filesystem::path secret = Write("web.secret", "s3cret\n");
  for (perms extra : {perms::group_read, perms::others_read}) {
    std::filesystem::permissions(secret, perms::owner_read | perms::owner_write | extra);
    Config config = Load(Minimal() + "secret_file = \"web.secret\"\n");
    BOOST_TEST_REQUIRE(config.warnings.size() == 1u);
    CheckNames(config.warnings[0], At(6), "target[0].secret_file");
    BOOST_TEST(config.warnings[0].find("readable by group or others") != std::string::npos,
               config.warnings[0]);
  }
  std::filesystem::permissions(secret, perms::owner_read | perms::owner_write);
  BOOST_TEST(Load(Minimal() + "secret_file = \"web.secret\"\n").warnings.empty());
}

BOOST_FIXTURE_TEST_CASE(reads_a_branch_written_as_a_full_ref_as_its_name, ConfigDir) {
  std::string toml = Minimal();
  toml.replace(toml.find("branch = \"main\""), 15, "branch = \"refs/heads/main\"");
  BOOST_TEST(Load(toml, WithSecret("s")).targets.at(0).branch == "main");
  toml = Minimal();
  toml.replace(toml.find("branch = \"main\""), 15, "branch = \"refs/heads/release/2.x\"");
  BOOST_TEST(Load(toml, WithSecret("s")).targets.at(0).branch == "release/2.x");
}

BOOST_FIXTURE_TEST_CASE(rejects_a_branch_with_surrounding_whitespace_or_no_name, ConfigDir) {
  for (std::string_view branch : {" main", "main ", "main\\n", "\\tmain", "refs/heads/", "refs/heads/ main"}) {
    BOOST_TEST_CONTEXT(branch) {
      std::string toml = Minimal();
      toml.replace(toml.find("branch = \"main\""), 15, "branch = \"" + std::string(branch) + "\"");
      CheckNames(Error(toml, WithSecret("s")), At(4), "target[0].branch");
    }
  }
}

BOOST_FIXTURE_TEST_CASE(reads_per_target_secret_file, ConfigDir) {
  Write("web.secret", "web-secret\n");
  // No global secret is needed when every target has its own.
  Config config = Load(Minimal() + "secret_file = \"web.secret\"\n");
  BOOST_TEST(config.targets.at(0).secret == "web-secret");
  BOOST_TEST(config.secret_source == "");
  BOOST_TEST(config.Secrets() == std::vector<std::string>{"web-secret"});
}

BOOST_FIXTURE_TEST_CASE(rejects_empty_per_target_secret_file, ConfigDir) {
  Write("web.secret", "\n");
  CheckNames(Error(Minimal() + "secret_file = \"web.secret\"\n", WithSecret("s")), At(6),
             "target[0].secret_file");
}

BOOST_FIXTURE_TEST_CASE(lists_each_distinct_secret_once, ConfigDir) {
  Write("other.secret", "shared\n");
  Config config = Load(Minimal() + "\n[[target]]\nname = \"b\"\nrepository = \"o/b\"\n"
                                   "branch = \"main\"\nproject_dir = \"/srv/b\"\n"
                                   "secret_file = \"other.secret\"\n",
                       WithSecret("shared"));
  BOOST_TEST(config.Secrets() == std::vector<std::string>{"shared"});
}

BOOST_FIXTURE_TEST_CASE(rejects_bad_listen_address, ConfigDir) {
  for (std::string listen : {"localhost", "unix:relative.sock", "127.0.0.1:99999", ""}) {
    BOOST_TEST_CONTEXT(listen) {
      CheckNames(Error("threads = 2\nlisten = \"" + listen + "\"\n" + Minimal(), WithSecret("s")),
                 At(2), "listen");
    }
  }
}

BOOST_FIXTURE_TEST_CASE(accepts_socket_mode_with_or_without_leading_zero, ConfigDir) {
  BOOST_TEST(Load("socket_mode = \"660\"\n" + Minimal(), WithSecret("s")).socket_mode.value_or(0) ==
             0660u);
  BOOST_TEST(Load("socket_mode = \"0600\"\n" + Minimal(), WithSecret("s")).socket_mode.value_or(0) ==
             0600u);
}

BOOST_FIXTURE_TEST_CASE(rejects_bad_socket_mode, ConfigDir) {
  for (std::string mode : {"0999", "rw-rw----", "66", "00660", "0x1b0"}) {
    BOOST_TEST_CONTEXT(mode) {
      CheckNames(Error("threads = 2\nsocket_mode = \"" + mode + "\"\n" + Minimal(), WithSecret("s")),
                 At(2), "socket_mode");
    }
  }
  // An integer is the wrong type: 0660 in TOML would be decimal 660.
  CheckNames(Error("socket_mode = 660\n" + Minimal(), WithSecret("s")), At(1), "socket_mode");
}

BOOST_FIXTURE_TEST_CASE(reports_toml_syntax_error_with_its_line, ConfigDir) {
  std::string error = Error("threads = 2\nstate_dir = \"/x\"\nlisten = = \"a\"\n" + Minimal(),
                            WithSecret("s"));
  BOOST_TEST(error.starts_with(At(3)), error);
}

BOOST_FIXTURE_TEST_CASE(rejects_missing_config_file, ConfigDir) {
  BOOST_CHECK_THROW(LoadConfig(dir / "absent.toml", WithSecret("s")), ConfigError);
}

BOOST_FIXTURE_TEST_CASE(loads_notify_tables_with_their_defaults, ConfigDir) {
  Write("url", "https://ntfy.example/deploys-T0KEN\n");
  Write("hook.secret", "whsec_c2VjcmV0\n");
  Write("ca.pem", "not checked here\n");
  Config config = Load(Minimal() + R"(
[[notify]]
kind = "ntfy"
url_file = "url"

[[notify]]
kind = "webhook"
url = "http://127.0.0.1:9/hook"
secret_file = "hook.secret"
on = ["started", "succeeded"]
targets = ["web"]
ca_file = "ca.pem"
)", WithSecret("s"));
  BOOST_REQUIRE(config.notifiers.size() == 2);
  const Notifier& ntfy = config.notifiers[0];
  BOOST_TEST(ntfy.kind == NotifierKind::Ntfy);
  BOOST_TEST(ntfy.url == "https://ntfy.example/deploys-T0KEN");
  BOOST_TEST(ntfy.url_file.value() == dir / "url");
  BOOST_TEST(ntfy.on == (std::vector<NotifyEvent>{NotifyEvent::Stale, NotifyEvent::Failed,
                                                   NotifyEvent::TimedOut, NotifyEvent::RolledBack,
                                                   NotifyEvent::RollbackFailed}), boost::test_tools::per_element());
  BOOST_TEST(ntfy.targets.empty());
  BOOST_TEST(ntfy.Wants(NotifyEvent::Failed, "web"));
  BOOST_TEST(!ntfy.Wants(NotifyEvent::Succeeded, "web"));
  BOOST_TEST(!ntfy.Wants(NotifyEvent::Started, "web"));
  const Notifier& webhook = config.notifiers[1];
  BOOST_TEST(webhook.kind == NotifierKind::Webhook);
  BOOST_TEST(webhook.secret == "whsec_c2VjcmV0");
  BOOST_TEST(webhook.ca_file.value() == dir / "ca.pem");
  BOOST_TEST(webhook.Wants(NotifyEvent::Started, "web"));
  BOOST_TEST(!webhook.Wants(NotifyEvent::Started, "other"));
  BOOST_TEST(!webhook.Wants(NotifyEvent::Failed, "web"));
}

BOOST_FIXTURE_TEST_CASE(rejects_notify_mistakes_by_key_and_line, ConfigDir) {
  Write("hook.secret", "s3cret\n");
  Write("empty-url", "\n");
  // Each table is wrong in the key named beside it; [[notify]] is on line 7, its keys below.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"kind = \"ntfy\"\nurl = \"http://x\"\nurll = \"http://x\"", "urll: unknown key (did you mean url?)"},
      {"kind = \"teams\"\nurl = \"http://x\"", "kind: expected webhook, ntfy, slack or discord"},
      {"kind = \"slack\"", "url_file: missing"},
      {"kind = \"slack\"\nurl = \"ftp://x\"", "url: expected an http:// or https:// URL"},
      {"kind = \"slack\"\nurl = \"http://x\"\nurl_file = \"u\"", "url: set url or url_file"},
      {"kind = \"slack\"\nurl_file = \"empty-url\"", "url_file:"},
      {"kind = \"slack\"\nurl = \"http://x\"\non = [\"faild\"]", "on: unknown event \"faild\" (did you mean failed?)"},
      {"kind = \"slack\"\nurl = \"http://x\"\ntargets = [\"nope\"]", "targets: no target \"nope\""},
      {"kind = \"webhook\"\nurl = \"http://x\"", "secret_file: missing"},
      {"kind = \"slack\"\nurl = \"http://x\"\nsecret_file = \"hook.secret\"", "secret_file: only a webhook"},
      {"kind = \"slack\"\nurl = \"http://x\"\nca_file = \"absent.pem\"", "ca_file: no file"},
  };
  for (const auto& [table, expected] : cases) {
    std::string error = Error(Minimal() + "\n[[notify]]\n" + table + "\n", WithSecret("s"));
    BOOST_TEST(error.find("notify[0]." + expected) != std::string::npos, error);
    bool in_the_table = error.starts_with(At(7)) || error.starts_with(At(8)) ||
                        error.starts_with(At(9)) || error.starts_with(At(10));
    BOOST_TEST(in_the_table, error);
  }
}

BOOST_FIXTURE_TEST_CASE(never_quotes_a_url_in_an_error, ConfigDir) {
  Write("url", "ws://host/T0KEN\n");
  std::string error = Error(Minimal() + "\n[[notify]]\nkind = \"slack\"\nurl_file = \"url\"\n",
                            WithSecret("s"));
  BOOST_TEST(error.find("T0KEN") == std::string::npos, error);
  BOOST_TEST(error.find("url_file: expected an http") != std::string::npos, error);
}

BOOST_FIXTURE_TEST_CASE(loads_commit_status_settings_with_forge_defaults, ConfigDir) {
  Write("status.token", "t0ken\n");
  Config config = Load(R"([[target]]
name = "web"
repository = "octo/app"
branch = "main"
project_dir = "/srv/web"
status_token_file = "status.token"

[[target]]
name = "lab"
repository = "group/app"
branch = "main"
project_dir = "/srv/lab"
forge = "gitlab"
status_token_file = "status.token"
status_api = "https://gitlab.example/"
status_context = "deploy/lab"
)", WithSecret("s"));
  BOOST_REQUIRE(config.targets[0].status.has_value());
  BOOST_TEST(config.targets[0].status->token == "t0ken");
  BOOST_TEST(config.targets[0].status->api == "https://api.github.com");
  BOOST_TEST(config.targets[0].status->context == "deployhook/web");
  BOOST_REQUIRE(config.targets[1].status.has_value());
  BOOST_TEST(config.targets[1].status->api == "https://gitlab.example");
  BOOST_TEST(config.targets[1].status->context == "deploy/lab");
}

BOOST_FIXTURE_TEST_CASE(rejects_commit_status_mistakes_by_key, ConfigDir) {
  Write("status.token", "t0ken\n");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"status_api = \"https://x\"", "status_api: needs status_token_file"},
      {"status_token_file = \"absent\"", "status_token_file:"},
      {"forge = \"gitea\"\nstatus_token_file = \"status.token\"", "status_api: missing: forge gitea"},
      {"status_token_file = \"status.token\"\nstatus_api = \"git.example\"", "status_api: expected an http"},
      {"forge = \"bitbucket\"\nstatus_token_file = \"status.token\"", "status_token_file: commit status is for"},
  };
  for (const auto& [keys, expected] : cases) {
    std::string error = Error(Minimal() + keys + "\n", WithSecret("s"));
    BOOST_TEST(error.find("target[0]." + expected) != std::string::npos, error);
    BOOST_TEST(error.find("t0ken") == std::string::npos, error);
  }
}

BOOST_FIXTURE_TEST_CASE(refuses_commit_status_for_gogs_at_the_key_that_asks_for_it, ConfigDir) {
  // Gogs has no commit-status API: each status key is refused where it stands, even when it
  // would be complete for Gitea.
  Write("status.token", "t0ken\n");
  ConfigEnvironment env = WithSecret("s");
  const std::string gogs = Minimal() + "forge = \"gogs\"\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"status_token_file = \"status.token\"\nstatus_api = \"https://gogs.example\"\n",
       "target[0].status_token_file"},
      {"status_api = \"https://gogs.example\"\n", "target[0].status_api"},
      {"status_context = \"deploy/web\"\n", "target[0].status_context"},
  };
  for (const auto& [keys, key] : cases) {
    std::string error = Error(gogs + keys, env);
    CheckNames(error, At(7), key);
    BOOST_TEST(error.find("Gogs has no commit-status API") != std::string::npos, error);
    BOOST_TEST(error.find("t0ken") == std::string::npos, error);
  }
  // The same keys load for Gitea, so it is the forge that is refused.
  Config gitea = Load(Minimal() + "forge = \"gitea\"\nstatus_token_file = \"status.token\"\n"
                                  "status_api = \"https://gitea.example\"\n", env);
  BOOST_TEST(gitea.targets[0].status.has_value());
}

BOOST_AUTO_TEST_CASE(resolves_config_path_from_flag_then_environment_then_default) {
  BOOST_TEST(ResolveConfigPath(std::string("/a.toml"), "/b.toml") == "/a.toml");
  BOOST_TEST(ResolveConfigPath(std::nullopt, "/b.toml") == "/b.toml");
  BOOST_TEST(ResolveConfigPath(std::nullopt, "") == "/etc/deployhook/deployhook.toml");
  BOOST_TEST(ResolveConfigPath(std::nullopt, nullptr) == "/etc/deployhook/deployhook.toml");
}

BOOST_FIXTURE_TEST_CASE(reads_forge_trigger_and_filters_with_github_push_as_default, ConfigDir) {
  Config config = Load(Minimal() + R"(
[[target]]
name = "gitlab"
repository = "group/app"
branch = "main"
project_dir = "/srv/gitlab"
forge = "gitlab"

[[target]]
name = "built"
repository = "octo/app"
branch = "main"
project_dir = "/srv/built"
trigger = "workflow_run"
workflow = ".github/workflows/image.yml"

[[target]]
name = "package"
repository = "octo/app"
branch = "main"
project_dir = "/srv/package"
trigger = "package"
package = "app"
)", WithSecret("s"));
  BOOST_TEST_REQUIRE(config.targets.size() == 4u);
  BOOST_TEST(config.targets[0].forge == Forge::GitHub);
  BOOST_TEST(config.targets[0].trigger == Trigger::Push);
  BOOST_TEST(config.targets[1].forge == Forge::GitLab);
  BOOST_TEST(config.targets[2].trigger == Trigger::WorkflowRun);
  BOOST_TEST(config.targets[2].workflow.value_or("") == ".github/workflows/image.yml");
  BOOST_TEST(config.targets[3].trigger == Trigger::Package);
  BOOST_TEST(config.targets[3].package.value_or("") == "app");
  for (std::string_view forge : {"gitea", "forgejo", "gogs", "bitbucket", "bitbucket-server"}) {
    BOOST_TEST_CONTEXT(forge) {
      Config other = Load(Minimal() + "forge = \"" + std::string(forge) + "\"\n", WithSecret("s"));
      BOOST_TEST(ForgeName(other.targets[0].forge) == forge);
    }
  }
}

BOOST_FIXTURE_TEST_CASE(refuses_unknown_forge_and_trigger_and_misplaced_filters, ConfigDir) {
  ConfigEnvironment env = WithSecret("s");
  CheckNames(Error(Minimal() + "forge = \"GitHub\"\n", env), At(6), "forge");
  CheckNames(Error(Minimal() + "trigger = \"release\"\n", env), At(6), "trigger");
  CheckNames(Error(Minimal() + "forge = \"gitea\"\ntrigger = \"workflow_run\"\n", env), At(7), "trigger");
  CheckNames(Error(Minimal() + "workflow = \"ci\"\n", env), At(6), "workflow");
  CheckNames(Error(Minimal() + "trigger = \"workflow_run\"\npackage = \"app\"\n", env), At(7), "package");
  CheckNames(Error(Minimal() + "forge = 3\n", env), At(6), "forge");
}

BOOST_FIXTURE_TEST_CASE(loads_swarm_kinds_with_their_keys, ConfigDir) {
  ConfigEnvironment env = WithSecret("s");
  Config compose = Load(Minimal(), env);
  BOOST_TEST((compose.targets[0].kind == TargetKind::Compose));
  Config stack = Load(Minimal() + "kind = \"stack\"\nstack = \"shop\"\ncompose_files = [\"stack.yml\"]\n", env);
  BOOST_TEST((stack.targets[0].kind == TargetKind::Stack));
  BOOST_TEST(stack.targets[0].stack == "shop");
  BOOST_TEST(KindName(stack.targets[0].kind) == "stack");
  Config service = Load(Minimal() + "kind = \"service\"\nservices = [\"shop_web\"]\n", env);
  BOOST_TEST((service.targets[0].kind == TargetKind::Service));
  BOOST_TEST(service.targets[0].services == std::vector<std::string>{"shop_web"});
}

BOOST_FIXTURE_TEST_CASE(refuses_kinds_without_their_keys_and_keys_without_their_kind, ConfigDir) {
  ConfigEnvironment env = WithSecret("s");
  CheckNames(Error(Minimal() + "kind = \"swarm\"\n", env), At(6), "kind");
  CheckNames(Error(Minimal() + "stack = \"shop\"\n", env), At(6), "stack");
  // A stack needs its name and its files.
  CheckNames(Error(Minimal() + "kind = \"stack\"\ncompose_files = [\"stack.yml\"]\n", env), "", "stack");
  CheckNames(Error(Minimal() + "kind = \"stack\"\nstack = \"shop\"\n", env), At(6), "compose_files");
  CheckNames(Error(Minimal() + "kind = \"stack\"\nstack = \"Shop Front\"\ncompose_files = [\"s.yml\"]\n", env),
             At(7), "stack");
  // A service target names its services and has no compose files.
  CheckNames(Error(Minimal() + "kind = \"service\"\n", env), At(6), "services");
  CheckNames(Error(Minimal() + "kind = \"service\"\nservices = [\"a\"]\ncompose_files = [\"s.yml\"]\n", env),
             At(8), "compose_files");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
