#include "state/history.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <simdjson.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>

#include "util/clock.hpp"
#include "state/durable_file.hpp"
#include "state/state_owner.hpp"
#include "util/json_reader.hpp"
#include "util/json_writer.hpp"
#include "util/unique_fd.hpp"

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
      !ReadOptionalString(item, "revision", image.revision) ||
      !ReadOptionalString(item, "digest", image.digest)) {
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
  switch (run.result) {
    case RunResult::Succeeded:
    case RunResult::Unchanged: return true;
    case RunResult::Stale:
    case RunResult::Failed:
    case RunResult::TimedOut:
    case RunResult::RolledBack:
    case RunResult::RollbackFailed: return false;
  }
  return false;  // not reached: every enumerator is listed above
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
  return SerializeRun(run, Name(run.kind), Name(run.result));
}

std::string SerializeRun(const RunRecord& run, std::string_view kind, std::string_view result) {
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
    JsonObject object;
    object.Add("service", image.service)
        .Add("reference", image.reference)
        .AddNullable("before", id_or_null(image.before))
        .AddNullable("after", id_or_null(image.after))
        .AddNullable("revision", image.revision);
    if (image.digest) object.Add("digest", *image.digest);  // only when a registry has one
    images.push_back(object.Str());
  }
  JsonObject record;
  record.Add("id", run.id)
      .Add("target", run.target)
      .Add("kind", kind)
      .AddNullable("restores", run.restores.empty() ? std::nullopt : std::optional<std::string>(run.restores))
      .Add("deliveries", run.deliveries)
      .Add("after", run.after)
      .Add("commit", run.commit)
      .Add("queued_at", run.queued_at)
      .Add("started_at", run.started_at)
      .Add("finished_at", run.finished_at)
      .Add("result", result)
      .AddRaw("steps", JsonArrayOfRaw(steps))
      .AddRaw("images", JsonArrayOfRaw(images))
      .Add("log", run.log);
  if (!run.slot.empty()) record.Add("slot", run.slot);  // blue-green targets' runs alone
  if (!run.config.empty()) record.Add("config", run.config);
  return record.Str();
}

std::optional<RunRecord> ParseRun(std::string_view line) {
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (parser.parse(line.data(), line.size()).get(object)) return std::nullopt;
  RunRecord run;
  std::string result;
  bool complete = ReadStringFields(
      object, {{"id", &run.id}, {"target", &run.target}, {"after", &run.after},
               {"queued_at", &run.queued_at}, {"started_at", &run.started_at},
               {"finished_at", &run.finished_at}, {"result", &result}, {"log", &run.log}});
  std::optional<RunResult> known = ParseRunResult(result);
  simdjson::dom::element deliveries;
  if (!complete || !known || object["deliveries"].get(deliveries) ||
      !ReadStringArray(deliveries, run.deliveries)) {
    return std::nullopt;
  }
  run.result = *known;
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
  if (!object["kind"].get_string().get(text)) {
    std::optional<RunKind> kind = ParseRunKind(text);
    if (!kind) return std::nullopt;
    run.kind = *kind;
  }
  if (!object["restores"].get_string().get(text)) run.restores = std::string(text);
  if (!object["slot"].get_string().get(text)) run.slot = std::string(text);
  if (!object["config"].get_string().get(text)) run.config = std::string(text);
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

[[noreturn]] void Fail(const std::string& what, const std::filesystem::path& path) {
  throw StorageError(what + " " + path.string() + ": " + std::strerror(errno));
}

// Opens the history (creating it when `create`, then for reading and appending) and locks it
// (`operation`: LOCK_EX or LOCK_SH), following a compaction that replaced the file while this
// waited for the lock. Returns an invalid fd when the file does not exist and `create` is false.
// Throws StorageError.
UniqueFd OpenLocked(const std::filesystem::path& path, bool create, int operation = LOCK_EX) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    UniqueFd fd(::open(path.c_str(), (create ? O_RDWR | O_APPEND | O_CREAT : O_RDONLY) | O_CLOEXEC, 0640));
    if (!fd && errno == ENOENT && !create) return fd;
    if (!fd) Fail("cannot open", path);
    if (::flock(fd.get(), operation) != 0) Fail("cannot lock", path);
    struct stat held {}, named {};
    if (::fstat(fd.get(), &held) != 0) Fail("cannot stat", path);
    if (::stat(path.c_str(), &named) == 0 && named.st_ino == held.st_ino && named.st_dev == held.st_dev) {
      return fd;
    }
  }
  errno = EAGAIN;
  Fail("cannot lock (replaced again and again)", path);
}

// Returns `size` bytes of `fd` from `offset` (fewer when the file is shorter). Throws StorageError.
std::string ReadAt(int fd, off_t offset, std::size_t size, const std::filesystem::path& path) {
  std::string bytes(size, '\0');
  std::size_t done = 0;
  while (done < size) {
    ssize_t n = ::pread(fd, bytes.data() + done, size - done, offset + static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) Fail("cannot read", path);
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  bytes.resize(done);
  return bytes;
}

std::string Number(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.17g", value);  // read back to the same double
  return text;
}

std::string SerializeTally(const std::map<std::string, RunTally>& tallies) {
  JsonObject targets;
  for (const auto& [name, tally] : tallies) {
    JsonObject results;
    for (const auto& [result, count] : tally.results) results.Add(result, static_cast<std::int64_t>(count));
    std::vector<std::string> buckets;
    for (std::uint64_t count : tally.buckets) buckets.push_back(std::to_string(count));
    targets.AddRaw(name, JsonObject()
                             .AddRaw("results", results.Str())
                             .AddRaw("buckets", JsonArrayOfRaw(buckets))
                             .AddRaw("duration_sum", Number(tally.duration_sum))
                             .Add("duration_count", static_cast<std::int64_t>(tally.duration_count))
                             .AddRaw("last_success", Number(tally.last_success))
                             .Str());
  }
  return JsonObject().AddRaw("targets", targets.Str()).Str() + "\n";
}

// Returns false unless `item` is a tally as SerializeTally writes it.
bool ParseTally(simdjson::dom::object item, RunTally& tally) {
  simdjson::dom::object results;
  simdjson::dom::array buckets;
  if (item["results"].get_object().get(results) || item["buckets"].get_array().get(buckets) ||
      item["duration_sum"].get_double().get(tally.duration_sum) ||
      item["duration_count"].get_uint64().get(tally.duration_count) ||
      item["last_success"].get_double().get(tally.last_success)) {
    return false;
  }
  for (auto [result, value] : results) {
    std::uint64_t count = 0;
    if (value.get_uint64().get(count)) return false;
    tally.results[std::string(result)] = count;
  }
  for (simdjson::dom::element value : buckets) {
    std::uint64_t count = 0;
    if (value.get_uint64().get(count)) return false;
    tally.buckets.push_back(count);
  }
  // Other bounds than this build's cannot be added to its histogram.
  return tally.buckets.size() == DURATION_BUCKETS.size() + 1;
}

}  // namespace

void AppendHistory(const std::filesystem::path& state_dir, const RunRecord& run) {
  std::filesystem::path path = HistoryPath(state_dir);
  std::string line = SerializeRun(run) + "\n";
  UniqueFd fd = OpenLocked(path, true);
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) Fail("cannot stat", path);
  const off_t before = info.st_size;
  if (before > 0 && ReadAt(fd.get(), before - 1, 1, path) != "\n") line.insert(0, 1, '\n');
  // Under the lock no reader sees the bytes of a write that fails: they go before it ends.
  auto cut_back_and_fail = [&](const char* what) {
    int saved = errno;
    while (::ftruncate(fd.get(), before) != 0 && errno == EINTR) {
    }
    ::fsync(fd.get());  // best effort: the error that matters is the one thrown below
    errno = saved;
    Fail(what, path);
  };
  std::string_view rest = line;
  while (!rest.empty()) {
    ssize_t n = ::write(fd.get(), rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) errno = ENOSPC;
    if (n <= 0) cut_back_and_fail("cannot append to");
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  if (::fsync(fd.get()) != 0) cut_back_and_fail("cannot sync");
}

bool HistoryHoldsRun(const std::filesystem::path& state_dir, std::string_view id) {
  bool found = false;
  ForEachRun(state_dir, [&](RunRecord&& run) { found = found || run.id == id; });
  return found;
}

void CountRun(RunTally& tally, const RunRecord& run) {
  if (tally.buckets.empty()) tally.buckets.assign(DURATION_BUCKETS.size() + 1, 0);
  ++tally.results[std::string(Name(run.result))];
  double seconds = RunSeconds(run);
  for (std::size_t i = 0; i < DURATION_BUCKETS.size(); ++i) {
    if (seconds <= DURATION_BUCKETS[i]) ++tally.buckets[i];
  }
  ++tally.buckets.back();
  tally.duration_sum += seconds;
  ++tally.duration_count;
  if (LeftDeployed(run)) {
    if (std::optional<SystemTime> at = ParseRfc3339(run.finished_at)) {
      tally.last_success = std::max(tally.last_success, std::chrono::duration<double>(at->time_since_epoch()).count());
    }
  }
}

std::filesystem::path CompactedTallyPath(const std::filesystem::path& state_dir) {
  return state_dir / "deployments-compacted.json";
}

std::map<std::string, RunTally> ReadCompactedTally(const std::filesystem::path& state_dir) {
  std::filesystem::path path = CompactedTallyPath(state_dir);
  std::map<std::string, RunTally> tallies;
  std::string text;
  if (!ReadWholeFile(path, text)) return tallies;
  auto unreadable = [&] {
    return StorageError("cannot read " + path.string() + ": not the tallies of compacted runs this build writes");
  };
  simdjson::dom::parser parser;
  simdjson::dom::object targets;
  if (parser.parse(text).get_object()["targets"].get_object().get(targets)) throw unreadable();
  for (auto [name, item] : targets) {
    simdjson::dom::object object;
    if (item.get_object().get(object) || !ParseTally(object, tallies[std::string(name)])) throw unreadable();
  }
  return tallies;
}

std::filesystem::path UnparsableHistoryPath(const std::filesystem::path& state_dir) {
  return state_dir / "deployments.unparsable.jsonl";
}

HistorySplit SplitHistory(std::string_view text, std::size_t keep_runs) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    std::size_t newline = text.find('\n');
    lines.push_back(text.substr(0, newline));
    text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
  }
  std::map<std::string, std::size_t> seen;
  HistorySplit split;
  for (auto line = lines.rbegin(); line != lines.rend(); ++line) {
    std::optional<RunRecord> run = ParseRun(*line);
    if (!run) {
      if (line->find_first_not_of(" \t\r") != std::string_view::npos) split.unparsable.push_back(*line);
    } else if (++seen[run->target] <= keep_runs) {
      split.kept.push_back(*line);
    } else {
      split.dropped.push_back(std::move(*run));
    }
  }
  std::reverse(split.kept.begin(), split.kept.end());
  std::reverse(split.dropped.begin(), split.dropped.end());
  std::reverse(split.unparsable.begin(), split.unparsable.end());
  return split;
}

CompactionReport CompactHistory(const std::filesystem::path& state_dir, std::size_t keep_runs) {
  std::filesystem::path path = HistoryPath(state_dir);
  UniqueFd fd = OpenLocked(path, false);
  if (!fd) return {};
  std::string text;
  if (!ReadWholeFile(path, text)) return {};
  HistorySplit split = SplitHistory(text, keep_runs);
  if (split.dropped.empty() && split.unparsable.empty()) return {};
  std::optional<FileOwner> owner = StateOwner(state_dir);
  if (!split.dropped.empty()) {
    // Counted oldest first onto what was counted before, as HistoryIndex counts the history
    // after the tally: the counters' sums come out the same to the last bit.
    std::map<std::string, RunTally> tallies = ReadCompactedTally(state_dir);
    for (const RunRecord& run : split.dropped) CountRun(tallies[run.target], run);
    WriteFileDurably(CompactedTallyPath(state_dir), SerializeTally(tallies), owner);
  }
  if (!split.unparsable.empty()) {
    std::string aside;
    ReadWholeFile(UnparsableHistoryPath(state_dir), aside);
    if (!aside.empty() && aside.back() != '\n') aside.push_back('\n');
    for (std::string_view line : split.unparsable) aside.append(line).push_back('\n');
    WriteFileDurably(UnparsableHistoryPath(state_dir), aside, owner);
  }
  std::string compacted;
  for (std::string_view line : split.kept) compacted.append(line).push_back('\n');
  WriteFileDurably(path, compacted, owner);
  return {.dropped = split.dropped.size(), .set_aside = split.unparsable.size()};
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

HistoryChunk ReadHistoryChunk(const std::filesystem::path& state_dir, std::uint64_t inode,
                              std::uintmax_t offset, std::size_t max_bytes) {
  std::filesystem::path path = HistoryPath(state_dir);
  HistoryChunk chunk;
  UniqueFd fd = OpenLocked(path, false, LOCK_SH);
  struct stat info {};
  if (fd && ::fstat(fd.get(), &info) != 0) Fail("cannot stat", path);
  // No history, or something else in its place (which no append gets past): no runs.
  if (!fd || !S_ISREG(info.st_mode)) {
    chunk.from_start = true;
    chunk.compacted = ReadCompactedTally(state_dir);
    return chunk;
  }
  auto size = static_cast<std::uintmax_t>(info.st_size);
  chunk.inode = static_cast<std::uint64_t>(info.st_ino);
  if (chunk.inode != inode || size < offset) {
    chunk.from_start = true;
    chunk.compacted = ReadCompactedTally(state_dir);
    offset = 0;
  }
  std::size_t length = static_cast<std::size_t>(std::min<std::uintmax_t>(size - offset, max_bytes));
  chunk.bytes = ReadAt(fd.get(), static_cast<off_t>(offset), length, path);
  chunk.end = offset + chunk.bytes.size();
  return chunk;
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

void CompactHistoryLogged(const std::filesystem::path& state_dir, std::size_t keep_runs,
                          const Logger& log) noexcept {
  try {
    CompactionReport report = CompactHistory(state_dir, keep_runs);
    if (report.dropped > 0) {
      log.Log(LogLevel::Info, "history", {{"dropped", std::to_string(report.dropped)},
                                          {"reason", "runs beyond keep_runs"}});
    }
    if (report.set_aside > 0) {
      log.Log(LogLevel::Warning, "history",
              {{"set_aside", std::to_string(report.set_aside)},
               {"path", UnparsableHistoryPath(state_dir).string()},
               {"reason", "lines that are not runs were moved out of the history"}});
    }
  } catch (const std::exception& e) {
    log.Log(LogLevel::Warning, "history", {{"reason", e.what()}});
  }
}

}  // namespace deployhook
