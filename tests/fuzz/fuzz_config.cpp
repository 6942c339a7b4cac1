// Fuzzes loading deployhook.toml (toml++ and the checks on top of it). Input: the file's text,
// written to a scratch directory that also holds a secret file named "secret" (and an empty one,
// "empty-secret"). WEBHOOK_SECRET is set unless the text starts with "#noenv".

#include <fstream>
#include <set>

#include "config/config.hpp"
#include "harness.hpp"

namespace {

using namespace deployhook;

std::filesystem::path Prepare() {
  const std::filesystem::path& directory = fuzz::ScratchDirectory();
  std::ofstream(directory / "secret") << "s3cret\n";
  std::ofstream(directory / "empty-secret") << "";
  return directory / "deployhook.toml";
}

void Write(const std::filesystem::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  FUZZ_REQUIRE(out.good());
}

// What a loaded configuration promises the rest of the worker.
void CheckValid(const Config& config) {
  FUZZ_REQUIRE(!config.targets.empty());
  FUZZ_REQUIRE(config.threads >= 1 && config.threads <= 256);
  FUZZ_REQUIRE(config.max_body_bytes >= 1 && config.max_body_bytes <= (1ULL << 30));
  std::set<std::string> names;
  for (const Target& target : config.targets) {
    FUZZ_REQUIRE(names.insert(target.name).second);
    FUZZ_REQUIRE(!target.name.empty() &&
                 target.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") ==
                     std::string::npos);
    FUZZ_REQUIRE(std::count(target.repository.begin(), target.repository.end(), '/') == 1);
    FUZZ_REQUIRE(!target.branch.empty() && !target.project_dir.empty());
    FUZZ_REQUIRE(!target.secret.empty());
    FUZZ_REQUIRE(target.pull_timeout >= 1 && target.up_timeout >= 1 && target.health_timeout >= 0);
  }
  std::vector<std::string> secrets = config.Secrets();
  FUZZ_REQUIRE(!secrets.empty());
  FUZZ_REQUIRE(std::set<std::string>(secrets.begin(), secrets.end()).size() == secrets.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::filesystem::path path = Prepare();
  std::string_view text = fuzz::AsText(data, size);
  Write(path, text);
  ConfigEnvironment env;
  if (!text.starts_with("#noenv")) env.webhook_secret = "env-secret";
  try {
    CheckValid(LoadConfig(path, env));
  } catch (const ConfigError& e) {
    // Every mistake is reported as one line naming the file.
    std::string_view what = e.what();
    FUZZ_REQUIRE(what.starts_with(path.string() + ":"));
    FUZZ_REQUIRE(fuzz::IsPrintable(what));
  }
  return 0;
}
