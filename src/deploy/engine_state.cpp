#include "deploy/engine_state.hpp"

#include <simdjson.h>

#include <functional>

#include "util/hex.hpp"

namespace deployhook {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

// Returns the string at `path` below `from`, "" when a member on the way is absent or null.
std::string Text(element from, std::initializer_list<const char*> path) {
  for (const char* key : path) {
    object parent;
    if (from.get_object().get(parent) || parent[key].get(from)) return {};
  }
  std::string_view text;
  return from.get_string().get(text) ? std::string{} : std::string(text);
}

// Returns the integer at `path` below `from`, nothing when absent or not an integer.
std::optional<std::int64_t> Integer(element from, std::initializer_list<const char*> path) {
  for (const char* key : path) {
    object parent;
    if (from.get_object().get(parent) || parent[key].get(from)) return std::nullopt;
  }
  std::int64_t value = 0;
  if (from.get_int64().get(value)) return std::nullopt;
  return value;
}

// Returns the label `name` of an object's `Config.Labels` ("" when Labels is null or absent).
std::string Label(element from, const char* name) { return Text(from, {"Config", "Labels", name}); }

// Parses a JSON array of objects, handing each to `read`; nothing when the text is not such an
// array or `read` refuses an element.
template <typename Item>
std::optional<std::vector<Item>> ParseArray(std::string_view json,
                                            const std::function<std::optional<Item>(element)>& read) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::array array;
  if (parser.parse(padded).get_array().get(array)) return std::nullopt;
  std::vector<Item> items;
  for (element entry : array) {
    std::optional<Item> item = read(entry);
    if (!item) return std::nullopt;
    items.push_back(std::move(*item));
  }
  return items;
}

std::optional<ContainerState> ReadContainer(element entry) {
  ContainerState state;
  state.id = Text(entry, {"Id"});
  if (state.id.empty()) return std::nullopt;
  state.service = Label(entry, "com.docker.compose.service");
  state.project = Label(entry, "com.docker.compose.project");
  state.image = Text(entry, {"Image"});
  state.reference = Text(entry, {"Config", "Image"});
  state.status = Text(entry, {"State", "Status"});
  state.health = Text(entry, {"State", "Health", "Status"});
  state.started_at = Text(entry, {"State", "StartedAt"});
  state.restarts = std::to_string(Integer(entry, {"RestartCount"}).value_or(0));
  state.exit_code = std::to_string(Integer(entry, {"State", "ExitCode"}).value_or(0));
  state.restart_policy = Text(entry, {"HostConfig", "RestartPolicy", "Name"});
  return state;
}

std::optional<ImageInfo> ReadImage(element entry) {
  ImageInfo info;
  info.id = Text(entry, {"Id"});
  if (info.id.empty()) return std::nullopt;
  object image;
  simdjson::dom::array digests;
  if (!entry.get_object().get(image) && !image["RepoDigests"].get_array().get(digests)) {
    for (element digest : digests) {
      std::string_view text;
      if (!digest.get_string().get(text)) info.digests.emplace_back(text);
    }
  }
  std::string label = Label(entry, std::string(REVISION_LABEL).c_str());
  if (label.empty()) return info;
  if (IsCommitId(label)) {
    info.revision = label;
  } else {
    info.rejected_revision = label;
  }
  return info;
}

std::optional<SwarmService> ReadService(element entry) {
  SwarmService service;
  service.name = Text(entry, {"Spec", "Name"});
  if (service.name.empty()) return std::nullopt;
  service.image = Text(entry, {"Spec", "TaskTemplate", "ContainerSpec", "Image"});
  if (std::optional<std::int64_t> replicas = Integer(entry, {"Spec", "Mode", "Replicated", "Replicas"})) {
    service.replicas = static_cast<unsigned>(*replicas);
  }
  service.update_state = Text(entry, {"UpdateStatus", "State"});
  service.update_started = Text(entry, {"UpdateStatus", "StartedAt"});
  return service;
}

}  // namespace

std::optional<std::vector<ContainerState>> ParseContainers(std::string_view json) {
  return ParseArray<ContainerState>(json, ReadContainer);
}

std::optional<std::vector<ImageInfo>> ParseImages(std::string_view json) {
  return ParseArray<ImageInfo>(json, ReadImage);
}

std::optional<std::vector<SwarmService>> ParseServices(std::string_view json) {
  return ParseArray<SwarmService>(json, ReadService);
}

}  // namespace deployhook
