#pragma once
// What the fuzz targets share: splitting an input into line fields, a property check that
// libFuzzer records as a crash, a scratch directory, and the handler's configuration.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "forge/forge.hpp"
#include "state/job_queue.hpp"

namespace deployhook::fuzz {

// The secrets of the real signature vectors in tests/fixtures/signatures.json, so seeds made
// from them verify.
inline constexpr std::string_view SECRET_GITHUB_DOCS = "It's a Secret to Everybody";
inline constexpr std::string_view SECRET_GITEA = "IsWishesWereHorsesWedAllBeEatingSteak!";

// Returns the input as text.
std::string_view AsText(const std::uint8_t* data, std::size_t size) noexcept;

// Returns at most `count` fields: the text before each of the first count-1 newlines, then
// everything after them (newlines included), so the last field may be a whole body.
std::vector<std::string_view> SplitFields(std::string_view input, std::size_t count);

// Aborts with the failed property and where it is stated, so libFuzzer keeps the input.
[[noreturn]] void Fail(const char* property, const char* file, int line) noexcept;

#define FUZZ_REQUIRE(condition) \
  ((condition) ? static_cast<void>(0) : ::deployhook::fuzz::Fail(#condition, __FILE__, __LINE__))

// Returns a fresh directory under $TMPDIR for this process, removed when the process exits.
const std::filesystem::path& ScratchDirectory();

// Returns a configuration whose targets the real push fixtures reach: "hello" (the octokit
// Codertocat/Hello-World pushes to master) and "woodpecker" (woodpecker-ci/woodpecker, main)
// under SECRET_GITHUB_DOCS, and "hello-main" (codertocat/hello-world, main) under its own
// SECRET_GITEA; and one target per other forge on its real push fixture's repository and branch
// (GitLab's under SECRET_GITEA, the rest under SECRET_GITHUB_DOCS); state_dir is
// ScratchDirectory().
Config HandlerConfig();

// A JobSink that keeps what it is given, so a target can check what a request queued.
class RecordingSink final : public JobSink {
 public:
  void Enqueue(const std::vector<Job>& jobs) override;
  std::vector<Job> jobs;
};

// Returns true when two parses of one body agree: ok, error, and the event's kind, ref, commit,
// repository and every ref change.
bool SameEvent(const EventResult& first, const EventResult& second) noexcept;

// Returns true when no byte of `line` is a control character: a log line or an error message
// stays one line and carries no terminal escapes from the input it quotes.
bool IsPrintable(std::string_view line) noexcept;

}  // namespace deployhook::fuzz
