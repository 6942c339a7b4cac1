#pragma once
// What several unit suites share: fixture files, temporary directories, targets and configs,
// a capturing logger, a recording JobSink, and a Handler wired to them.

#include <filesystem>
#include <iosfwd>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "deploy/container_state.hpp"
#include "http/decision.hpp"
#include "state/delivery_memory.hpp"
#include "forge/forge.hpp"
#include "http/handler.hpp"
#include "state/job_queue.hpp"
#include "util/log.hpp"
#include "util/signature.hpp"

namespace deployhook {

// Names for the result enums, so a failed BOOST_TEST shows "Ignored" rather than nothing.
std::ostream& operator<<(std::ostream& out, SignatureCheck check);
std::ostream& operator<<(std::ostream& out, Verdict verdict);
std::ostream& operator<<(std::ostream& out, Outcome outcome);
std::ostream& operator<<(std::ostream& out, Claim claim);
std::ostream& operator<<(std::ostream& out, GateVerdict verdict);
std::ostream& operator<<(std::ostream& out, Forge forge);
std::ostream& operator<<(std::ostream& out, EventKind kind);
std::ostream& operator<<(std::ostream& out, Trigger trigger);
std::ostream& operator<<(std::ostream& out, RunResult result);
std::ostream& operator<<(std::ostream& out, RunKind kind);
std::ostream& operator<<(std::ostream& out, NotifyEvent event);
std::ostream& operator<<(std::ostream& out, NotifierKind kind);

}  // namespace deployhook

namespace deployhook::testing {

// Returns the path of tests/fixtures/<relative>.
std::filesystem::path FixturePath(std::string_view relative);

// Returns the exact bytes of tests/fixtures/<relative>; throws std::runtime_error when missing.
std::string ReadFixture(std::string_view relative);

// Returns `bytes` with everything but printable ASCII written as \xHH: safe to print into the
// JUnit report, whose XML must not receive control bytes or arbitrary UTF-8.
std::string Printable(std::string_view bytes);

// Writes `content` to `path`, creating its parent directories.
void WriteText(const std::filesystem::path& path, std::string_view content);

// A fresh directory under the system's temporary directory, removed with its contents when the
// object goes.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& Path() const { return path_; }
  std::filesystem::path operator/(std::string_view name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Returns a target with the given identity, deploying services ["app"] from /srv/<name>.
Target MakeTarget(std::string name, std::string repository, std::string branch,
                  std::string secret = "secret");

// Returns "sha256=<hex>" for `body` under `secret`, as GitHub would send it.
std::string Sign(std::string_view secret, std::string_view body);

// Returns `text` encoded as a form value: unreserved bytes kept, everything else %XX.
std::string FormEncode(std::string_view text);

// A Logger whose lines are kept in memory; threads may log and look at once.
class LogCapture {
 public:
  LogCapture();
  const Logger& logger() const { return logger_; }
  // Returns the lines so far (a copy: another thread may be logging).
  std::vector<std::string> lines() const;
  // Returns true when some line contains `text`.
  bool Contains(std::string_view text) const;

 private:
  struct Lines {
    std::mutex mutex;
    std::vector<std::string> lines;
  };
  std::shared_ptr<Lines> lines_;
  Logger logger_;
};

// A JobSink that keeps what it is given, or refuses like a full disk when told to.
class RecordingJobSink final : public JobSink {
 public:
  void Enqueue(const std::vector<Job>& jobs) override;

  std::vector<Job> jobs;
  bool refuse = false;  // throw StorageError instead of storing
};

// One request as the FastCGI loop would hand it over: owns the strings a RequestHead views.
struct Request {
  std::string body;
  std::optional<std::string> signature;
  std::string event = "push";
  std::string delivery = "72d3162e-cc78-11e3-81ab-4c9367dc0958";
  std::string content_type = "application/json";
  std::string method = "POST";
  std::optional<std::string> content_length;  // CONTENT_LENGTH; absent: not sent
  // When false, event, signature and delivery are not sent as GitHub's headers.
  bool github_headers = true;
  std::vector<std::pair<Header, std::string>> headers;  // further forge headers
  std::optional<std::string> target;  // the name a per-target path gives (POST <hook>/<name>)

  RequestHead Head() const;
};

// Returns a delivery of `body` as `forge` sends it: its event, delivery id and proof headers
// (the proof made with `secret`), plus the compatibility headers Gitea and Forgejo also send
// (GitHub's, Gogs', and Forgejo's Gitea ones). CONTENT_LENGTH is the body's size.
Request ForgeDelivery(Forge forge, std::string event, std::string body, std::string_view secret);

// Returns a push delivery of `body` signed with `secret`, its CONTENT_LENGTH the body's size.
Request SignedPush(std::string body, std::string_view secret);

// A Handler with a real DeliveryMemory in a temporary state_dir, a RecordingJobSink and a
// capturing logger.
class HandlerBench {
 public:
  explicit HandlerBench(std::vector<Target> targets);

  // Runs the head checks and, when they pass, the body path, as the accept loop does.
  Response Post(const Request& delivery);

  TempDir state;
  Config config;
  RecordingJobSink sink;
  DeliveryMemory memory;
  LogCapture log;
  Handler handler;
};

}  // namespace deployhook::testing
