#include "config/source_config.hpp"

#include <algorithm>

#include "config/secrets.hpp"

namespace deployhook {

const std::vector<std::string_view> SOURCE_KEYS = {
    "source", "source_path", "source_token_file", "source_key_file", "source_known_hosts",
    "build",  "poll",        "age_identity_file", "project_name"};

namespace {

// Returns true when `name` is a project name compose takes: lowercase letters, digits, '-' and
// '_', starting with a letter or digit.
bool IsProjectName(std::string_view name) {
  auto allowed = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'; };
  return !name.empty() && std::all_of(name.begin(), name.end(), allowed) && name.front() != '_' &&
         name.front() != '-';
}

// Returns true when a URL names a password ("https://user:secret@host/..."): one that would
// be in every git command's arguments and in the repository's config.
bool HoldsPassword(std::string_view url) {
  std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return false;
  std::string_view rest = url.substr(scheme + 3);
  std::string_view authority = rest.substr(0, rest.find('/'));
  std::size_t at = authority.rfind('@');
  return at != std::string_view::npos && authority.substr(0, at).find(':') != std::string_view::npos;
}

std::string SourcePath(const TableReader& reader) {
  std::string path = reader.String("source_path").value_or("");
  while (path.ends_with('/')) path.pop_back();
  if (path == ".") path.clear();
  if (!path.empty() && !IsInsidePath(path)) {
    reader.Fail(reader.Find("source_path"), "source_path", "must be a folder inside the repository (relative, no \"..\")");
  }
  return path;
}

void RefuseWithoutSource(const TableReader& reader) {
  for (std::string_view key : SOURCE_KEYS) {
    if (key != "source" && reader.Find(key) != nullptr) reader.Fail(reader.Find(key), key, "needs source");
  }
}

void ReadAccess(const TableReader& reader, SourceSettings& source, std::vector<std::string>& warnings) {
  std::optional<std::filesystem::path> token_file = reader.Path("source_token_file");
  source.key_file = reader.Path("source_key_file");
  source.known_hosts = reader.Path("source_known_hosts");
  if (token_file && source.key_file) {
    reader.Fail(reader.Find("source_key_file"), "source_key_file", "give source_token_file or source_key_file, not both");
  }
  if (token_file) source.token = SecretAt(reader, "source_token_file", *token_file, warnings);
  if (source.known_hosts && !source.key_file) {
    reader.Fail(reader.Find("source_known_hosts"), "source_known_hosts", "needs source_key_file");
  }
  if (source.key_file && !source.known_hosts) {
    reader.Fail(reader.Find("source_key_file"), "source_known_hosts",
                "missing: a deploy key needs the server's host key pinned (ssh-keyscan -p PORT HOST)");
  }
}

}  // namespace

bool IsInsidePath(std::string_view path) {
  if (path.empty() || path.front() == '/') return false;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = std::min(path.find('/', start), path.size());
    if (path.substr(start, end - start) == "..") return false;
    start = end + 1;
  }
  return true;
}

void ReadSource(const TableReader& reader, Target& target, std::vector<std::string>& warnings) {
  std::optional<std::string> url = reader.String("source");
  if (!url) {
    RefuseWithoutSource(reader);
    return;
  }
  if (HoldsPassword(*url)) {
    reader.Fail(reader.Find("source"), "source", "holds a password: put the token in source_token_file instead");
  }
  if (url->starts_with("-")) reader.Fail(reader.Find("source"), "source", "is not a repository URL");
  if (target.kind != TargetKind::Compose) {
    reader.Fail(reader.Find("source"), "source", "is for kind = \"compose\" targets");
  }
  if (reader.Find("project_dir") != nullptr) {
    reader.Fail(reader.Find("project_dir"), "project_dir", "not with source: compose runs in the commit's checkout");
  }
  SourceSettings source;
  source.url = *url;
  source.path = SourcePath(reader);
  ReadAccess(reader, source, warnings);
  source.build = reader.Boolean("build").value_or(false);
  source.poll = static_cast<int>(reader.Integer("poll", 0, 86400).value_or(0));
  source.age_identity_file = reader.Path("age_identity_file");
  for (const std::string& file : target.compose_files) {
    if (!IsInsidePath(file)) {
      reader.Fail(reader.Find("compose_files"), "compose_files",
                  "with source, names files inside source_path (relative, no \"..\")");
    }
  }
  target.project_name = reader.String("project_name").value_or(target.name);
  if (!IsProjectName(target.project_name)) {
    reader.Fail(reader.Find("project_name"), "project_name", "must match [a-z0-9][a-z0-9_-]*");
  }
  target.source = std::move(source);
}

}  // namespace deployhook
