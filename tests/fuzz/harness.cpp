#include "harness.hpp"

#include <stdlib.h>

#include <cstdio>
#include <system_error>

// UBSan's default is to report and go on; a fuzz target must stop at the first report so the
// input that caused it is saved.
extern "C" const char* __ubsan_default_options() {
  return "halt_on_error=1:print_stacktrace=1";
}

namespace deployhook::fuzz {
namespace {

// Owns the scratch directory and removes it at exit (a crashed run leaves it behind under the
// TMPDIR scripts/fuzz gives it, which that script clears).
class Scratch {
 public:
  Scratch() {
    std::string pattern = (std::filesystem::temp_directory_path() / "deployhook-fuzz-XXXXXX");
    if (::mkdtemp(pattern.data()) == nullptr) {
      std::perror("mkdtemp");
      std::abort();
    }
    path_ = pattern;
  }
  ~Scratch() {
    std::error_code error;
    std::filesystem::remove_all(path_, error);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

  const std::filesystem::path& Path() const { return path_; }

 private:
  std::filesystem::path path_;
};

Target MakeTarget(std::string name, std::string repository, std::string branch,
                  std::string_view secret, Forge forge = Forge::GitHub) {
  Target target;
  target.forge = forge;
  target.name = std::move(name);
  target.repository = std::move(repository);
  target.branch = std::move(branch);
  target.project_dir = "/";
  target.secret = std::string(secret);
  return target;
}

}  // namespace

std::string_view AsText(const std::uint8_t* data, std::size_t size) noexcept {
  return {reinterpret_cast<const char*>(data), size};
}

std::vector<std::string_view> SplitFields(std::string_view input, std::size_t count) {
  std::vector<std::string_view> fields;
  while (fields.size() + 1 < count) {
    std::size_t newline = input.find('\n');
    if (newline == std::string_view::npos) break;
    fields.push_back(input.substr(0, newline));
    input.remove_prefix(newline + 1);
  }
  fields.push_back(input);
  return fields;
}

void Fail(const char* property, const char* file, int line) noexcept {
  std::fprintf(stderr, "%s:%d: property failed: %s\n", file, line, property);
  std::abort();
}

const std::filesystem::path& ScratchDirectory() {
  static const Scratch scratch;
  return scratch.Path();
}

Config HandlerConfig() {
  Config config;
  config.state_dir = ScratchDirectory();
  config.targets.push_back(
      MakeTarget("hello", "Codertocat/Hello-World", "master", SECRET_GITHUB_DOCS));
  config.targets.push_back(
      MakeTarget("woodpecker", "woodpecker-ci/woodpecker", "main", SECRET_GITHUB_DOCS));
  config.targets.push_back(
      MakeTarget("hello-main", "codertocat/hello-world", "main", SECRET_GITEA));
  // One target per other forge, on the repository and branch of its real push fixture.
  config.targets.push_back(MakeTarget("gitea", "gordon/hello-world", "main", SECRET_GITHUB_DOCS,
                                      Forge::Gitea));
  config.targets.push_back(MakeTarget("forgejo", "gordon/hello-world", "main", SECRET_GITHUB_DOCS,
                                      Forge::Forgejo));
  config.targets.push_back(MakeTarget("gogs", "unknwon/webhooks", "develop", SECRET_GITHUB_DOCS,
                                      Forge::Gogs));
  config.targets.push_back(MakeTarget("gitlab", "test/woodpecker", "main", SECRET_GITEA,
                                      Forge::GitLab));
  config.targets.push_back(MakeTarget("bitbucket", "team_name/repo_name", "name-of-branch",
                                      SECRET_GITHUB_DOCS, Forge::Bitbucket));
  config.targets.push_back(MakeTarget("bitbucket-server", "~gopher/webhook-test", "feature/wip",
                                      SECRET_GITHUB_DOCS, Forge::BitbucketServer));
  return config;
}

void RecordingSink::Enqueue(const std::vector<Job>& queued) {
  jobs.insert(jobs.end(), queued.begin(), queued.end());
}

bool SameEvent(const EventResult& first, const EventResult& second) noexcept {
  const Event& a = first.event;
  const Event& b = second.event;
  if (first.ok != second.ok || first.error != second.error || a.kind != b.kind ||
      a.ref != b.ref || a.commit != b.commit || a.repository != b.repository ||
      a.changes.size() != b.changes.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.changes.size(); ++i) {
    if (a.changes[i].ref != b.changes[i].ref || a.changes[i].commit != b.changes[i].commit ||
        a.changes[i].deleted != b.changes[i].deleted) {
      return false;
    }
  }
  return true;
}

bool IsPrintable(std::string_view line) noexcept {
  for (unsigned char c : line) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

}  // namespace deployhook::fuzz
