#include "history.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <simdjson.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>

#include "clock.hpp"
#include "durable_file.hpp"
#include "state_owner.hpp"
#include "json_reader.hpp"
#include "json_writer.hpp"
#include "unique_fd.hpp"

namespace deployhook {
namespace {

// Reads a string member that may be null or absent (nothing); false when it is another type.
bool ReadOptionalString(simdjson::dom::element item, const char* key, std::optional<std::string>& out) {
  simdjson::dom::element value;
  if (item[key].get(value) || value.is_null()) return true;
  std::string_view text;
  if (value.get_string().get(text)) return false;
  out = std::string(text);
  return true;
}

std::optional<ImageRecord> ParseImage(simdjson::dom::element item) {
  ImageRecord image;
  std::string_view service;
  std::string_view reference;
  std::optional<std::string> before;
  std::optional<std::string> after;
  if (item["service"].get_string().get(service) || item["reference"].get_string().get(reference) ||
      !ReadOptionalString(item, "before", before) || !ReadOptionalString(item, "after", after) ||
      !ReadOptionalString(item, "revision", image.revision)) {
    return std::nullopt;
  }
  image.service = std::string(service);
  image.reference = std::string(reference);
  image.before = before.value_or("");
  image.after = after.value_or("");
  return image;
}

}  // namespace

bool LeftDeployed(const RunRecord& run) noexcept {
  return run.result == "succeeded" || run.result == "unchanged";
}

const std::string& RunCommit(const RunRecord& run) noexcept {
  return run.commit.empty() ? run.after : run.commit;
}

std::string RunRevision(const RunRecord& run) {
  for (const ImageRecord& image : run.images) {
    if (image.revision) return *image.revision;
  }
  return {};
}

std::string SerializeRun(const RunRecord& run) {
  std::vector<std::string> steps;
  for (const StepRecord& step : run.steps) {
    steps.push_back(JsonObject()
                        .Add("name", step.name)
                        .Add("argv", step.argv)
                        .Add("exit_code", static_cast<std::int64_t>(step.exit_code))
                        .Add("seconds", step.seconds)
                        .Str());
  }
  std::vector<std::string> images;
  auto id_or_null = [](const std::string& id) {
    return id.empty() ? std::nullopt : std::optional<std::string>(id);
  };
  for (const ImageRecord& image : run.images) {
    images.push_back(JsonObject()
                         .Add("service", image.service)
                         .Add("reference", image.reference)
                         .AddNullable("before", id_or_null(image.before))
                         .AddNullable("after", id_or_null(image.after))
                         .AddNullable("revision", image.revision)
                         .Str());
  }
  return JsonObject()
      .Add("id", run.id)
      .Add("target", run.target)
      .Add("kind", run.kind)
      .AddNullable("restores", run.restores.empty() ? std::nullopt : std::optional<std::string>(run.restores))
      .Add("deliveries", run.deliveries)
      .Add("after", run.after)
      .Add("commit", run.commit)
      .Add("queued_at", run.queued_at)
      .Add("started_at", run.started_at)
      .Add("finished_at", run.finished_at)
      .Add("result", run.result)
      .AddRaw("steps", JsonArrayOfRaw(steps))
      .AddRaw("images", JsonArrayOfRaw(images))
      .Add("log", run.log)
      .Str();
}

std::optional<RunRecord> ParseRun(std::string_view line) {
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (parser.parse(line.data(), line.size()).get(object)) return std::nullopt;
  RunRecord run;
  bool complete = ReadStringFields(
      object, {{"id", &run.id}, {"target", &run.target}, {"after", &run.after},
               {"queued_at", &run.queued_at}, {"started_at", &run.started_at},
               {"finished_at", &run.finished_at}, {"result", &run.result}, {"log", &run.log}});
  simdjson::dom::element deliveries;
  if (!complete || object["deliveries"].get(deliveries) ||
      !ReadStringArray(deliveries, run.deliveries)) {
    return std::nullopt;
  }
  simdjson::dom::array steps;
  if (object["steps"].get_array().get(steps)) return std::nullopt;
  for (simdjson::dom::element item : steps) {
    StepRecord step;
    std::string_view name;
    std::int64_t exit_code = 0;
    double seconds = 0;
    simdjson::dom::element argv;
    if (item["name"].get_string().get(name) || item["exit_code"].get_int64().get(exit_code) ||
        item["seconds"].get_double().get(seconds) || item["argv"].get(argv) ||
        !ReadStringArray(argv, step.argv)) {
      return std::nullopt;
    }
    step.name = std::string(name);
    step.exit_code = static_cast<int>(exit_code);
    step.seconds = seconds;
    run.steps.push_back(std::move(step));
  }
  // Lines written before runs aimed at a commit have neither "commit" nor "images".
  std::string_view text;
  if (!object["commit"].get_string().get(text)) run.commit = std::string(text);
  if (!object["kind"].get_string().get(text)) run.kind = std::string(text);
  if (!object["restores"].get_string().get(text)) run.restores = std::string(text);
  simdjson::dom::array images;
  if (!object["images"].get_array().get(images)) {
    for (simdjson::dom::element item : images) {
      std::optional<ImageRecord> image = ParseImage(item);
      if (!image) return std::nullopt;
      run.images.push_back(std::move(*image));
    }
  }
  return run;
}

std::filesystem::path HistoryPath(const std::filesystem::path& state_dir) {
  return state_dir / "deployments.jsonl";
}

namespace {

// Opens the history (creating it when `create`) and locks it exclusively, following a
// compaction that replaced the file while this waited for the lock. Returns an invalid fd when
// the file does not exist and `create` is false. Throws StorageError.
UniqueFd OpenLocked(const std::filesystem::path& path, bool create) {
  auto fail = [&](const char* what) {
    throw StorageError(std::string(what) + " " + path.string() + ": " + std::strerror(errno));
  };
  for (int attempt = 0; attempt < 100; ++attempt) {
    UniqueFd fd(::open(path.c_str(), (create ? O_WRONLY | O_APPEND | O_CREAT : O_RDONLY) | O_CLOEXEC, 0640));
    if (!fd && errno == ENOENT && !create) return fd;
    if (!fd) fail("cannot open");
    if (::flock(fd.get(), LOCK_EX) != 0) fail("cannot lock");
    struct stat held {}, named {};
    if (::fstat(fd.get(), &held) != 0) fail("cannot stat");
    if (::stat(path.c_str(), &named) == 0 && named.st_ino == held.st_ino && named.st_dev == held.st_dev) {
      return fd;
    }
  }
  errno = EAGAIN;
  fail("cannot lock (replaced again and again)");
  return UniqueFd();
}

}  // namespace

void AppendHistory(const std::filesystem::path& state_dir, const RunRecord& run) {
  std::filesystem::path path = HistoryPath(state_dir);
  std::string line = SerializeRun(run) + "\n";
  UniqueFd fd = OpenLocked(path, true);
  auto fail = [&](const char* what) {
    throw StorageError(std::string(what) + " " + path.string() + ": " + std::strerror(errno));
  };
  std::string_view rest = line;
  while (!rest.empty()) {
    ssize_t n = ::write(fd.get(), rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("cannot append to");
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  if (::fsync(fd.get()) != 0) fail("cannot sync");
}

std::vector<std::string_view> LinesToKeep(std::string_view text, std::size_t keep_runs) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    std::size_t newline = text.find('\n');
    lines.push_back(text.substr(0, newline));
    text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
  }
  std::map<std::string, std::size_t> seen;
  std::vector<std::string_view> kept;
  for (auto line = lines.rbegin(); line != lines.rend(); ++line) {
    std::optional<RunRecord> run = ParseRun(*line);
    if (run && ++seen[run->target] <= keep_runs) kept.push_back(*line);
  }
  std::reverse(kept.begin(), kept.end());
  return kept;
}

std::size_t CompactHistory(const std::filesystem::path& state_dir, std::size_t keep_runs) {
  std::filesystem::path path = HistoryPath(state_dir);
  UniqueFd fd = OpenLocked(path, false);
  if (!fd) return 0;
  std::string text;
  if (!ReadWholeFile(path, text)) return 0;
  std::vector<std::string_view> kept = LinesToKeep(text, keep_runs);
  std::size_t lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
  if (kept.size() >= lines) return 0;
  std::string compacted;
  for (std::string_view line : kept) compacted.append(line).push_back('\n');
  WriteFileDurably(path, compacted, StateOwner(state_dir));
  return lines - kept.size();
}

void ForEachRun(const std::filesystem::path& state_dir,
                const std::function<void(RunRecord&&)>& visit) {
  std::ifstream in(HistoryPath(state_dir));
  std::string line;
  while (std::getline(in, line)) {
    if (std::optional<RunRecord> run = ParseRun(line)) visit(std::move(*run));
  }
}

std::vector<RunRecord> ReadHistory(const std::filesystem::path& state_dir, std::size_t limit) {
  std::vector<RunRecord> runs;
  ForEachRun(state_dir, [&](RunRecord&& run) { runs.push_back(std::move(run)); });
  std::reverse(runs.begin(), runs.end());
  if (runs.size() > limit) runs.resize(limit);
  return runs;
}

double RunSeconds(const RunRecord& run) {
  std::optional<SystemTime> started = ParseRfc3339(run.started_at);
  std::optional<SystemTime> finished = ParseRfc3339(run.finished_at);
  if (started && finished && *finished >= *started) {
    return std::chrono::duration<double>(*finished - *started).count();
  }
  double total = 0;
  for (const StepRecord& step : run.steps) total += step.seconds;
  return total;
}

}  // namespace deployhook
