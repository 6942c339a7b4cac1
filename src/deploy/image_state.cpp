#include "deploy/image_state.hpp"

#include <algorithm>

namespace deployhook {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\r')) text.remove_suffix(1);
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  return text;
}

// Returns a YAML scalar without its quotes ('it''s' and "a\"b" escapes are not expected in
// image references and keys, which cannot contain quotes).
std::string Unquoted(std::string_view value) {
  value = Trim(value);
  if (value.size() >= 2 && (value.front() == '\'' || value.front() == '"') &&
      value.back() == value.front()) {
    value = value.substr(1, value.size() - 2);
  }
  return std::string(value);
}

std::size_t Indent(std::string_view line) {
  std::size_t spaces = line.find_first_not_of(' ');
  return spaces == std::string_view::npos ? line.size() : spaces;
}

bool IsLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

std::map<std::string, std::string> ParseComposeImages(std::string_view config) {
  std::map<std::string, std::string> images;
  bool in_services = false;
  std::string service;
  while (!config.empty()) {
    std::size_t newline = config.find('\n');
    std::string_view line = config.substr(0, newline);
    config = newline == std::string_view::npos ? std::string_view{} : config.substr(newline + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (Trim(line).empty()) continue;
    std::size_t indent = Indent(line);
    if (indent == 0) {
      // Top-level keys are lower case; "WARNING: ..." from stderr must not end the block.
      if (line.front() >= 'a' && line.front() <= 'z') in_services = Trim(line) == "services:";
      service.clear();
      continue;
    }
    if (!in_services) continue;
    std::string_view text = line.substr(indent);
    std::size_t colon = text.find(':');
    if (colon == std::string_view::npos) continue;
    if (indent == 2 && Trim(text.substr(colon + 1)).empty()) {
      service = Unquoted(text.substr(0, colon));
    } else if (indent == 4 && !service.empty() && text.substr(0, colon) == "image") {
      std::string reference = Unquoted(text.substr(colon + 1));
      if (!reference.empty()) images[service] = reference;
    }
  }
  return images;
}

std::string Unpinned(std::string_view reference) {
  return std::string(reference.substr(0, reference.find('@')));
}

std::string RegistryDigest(const std::vector<std::string>& digests, std::string_view reference) {
  auto repository = [](std::string_view name) {
    std::string bare = Unpinned(name);
    std::size_t colon = bare.rfind(':');
    if (colon != std::string::npos && bare.find('/', colon) == std::string::npos) bare.resize(colon);
    return bare;
  };
  std::string wanted = repository(reference);
  for (const std::string& digest : digests) {
    if (digest.find('@') != std::string::npos && repository(digest) == wanted) return digest;
  }
  return {};
}

bool IsCommitSha(std::string_view text) noexcept {
  return text.size() == 40 &&
         std::all_of(text.begin(), text.end(), [](char c) { return IsLowerHex(Lower(c)); });
}

std::vector<std::string> AwaitedServices(const std::vector<ImageRecord>& images,
                                         std::string_view commit) {
  std::vector<std::string> awaited;
  if (!IsCommitSha(commit)) return awaited;
  auto same = [&](const std::string& revision) {
    return std::equal(revision.begin(), revision.end(), commit.begin(), commit.end(),
                      [](char a, char b) { return Lower(a) == Lower(b); });
  };
  for (const ImageRecord& image : images) {
    if (image.revision && !same(*image.revision)) awaited.push_back(image.service);
  }
  return awaited;
}

bool ImagesUnchanged(const std::vector<ImageRecord>& images) noexcept {
  return !images.empty() && std::all_of(images.begin(), images.end(), [](const ImageRecord& image) {
    return !image.after.empty() && image.after == image.before;
  });
}

}  // namespace deployhook
