#include "config/secrets.hpp"

#include <fstream>

#include "config/table_reader.hpp"

namespace deployhook {
namespace {

constexpr std::size_t MAX_SECRET_BYTES = 4096;
constexpr std::string_view WHITESPACE = " \t\r\n\v\f";

}  // namespace

bool IsBlank(std::string_view text) {
  return text.find_first_not_of(WHITESPACE) == std::string_view::npos;
}

bool HasSurroundingWhitespace(std::string_view text) {
  return !text.empty() && (WHITESPACE.find(text.front()) != std::string_view::npos ||
                           WHITESPACE.find(text.back()) != std::string_view::npos);
}

SecretFile ReadSecret(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError("cannot read secret file " + path.string());
  // Reads a little past the cap, so a longer file (or /dev/zero) is refused, not swallowed.
  std::string secret(MAX_SECRET_BYTES + 3, '\0');
  in.read(secret.data(), static_cast<std::streamsize>(secret.size()));
  secret.resize(static_cast<std::size_t>(in.gcount()));
  if (!secret.empty() && secret.back() == '\n') secret.pop_back();
  if (!secret.empty() && secret.back() == '\r') secret.pop_back();
  if (secret.size() > MAX_SECRET_BYTES) {
    throw ConfigError("secret file " + path.string() + " is longer than " +
                      std::to_string(MAX_SECRET_BYTES) + " bytes");
  }
  if (secret.empty()) throw ConfigError("secret file " + path.string() + " is empty");
  if (IsBlank(secret)) throw ConfigError("secret file " + path.string() + " holds only whitespace");
  SecretFile read{.secret = std::move(secret), .warnings = {}};
  if (HasSurroundingWhitespace(read.secret)) {
    read.warnings.push_back("secret file " + path.string() +
                            " begins or ends with whitespace (past its one trailing newline), "
                            "which is part of the secret");
  }
  std::error_code error;
  std::filesystem::perms mode = std::filesystem::status(path, error).permissions();
  using std::filesystem::perms;
  if (!error && (mode & (perms::group_read | perms::others_read)) != perms::none) {
    read.warnings.push_back("secret file " + path.string() +
                            " is readable by group or others: make it 0600, owned by the worker's user");
  }
  return read;
}

std::string ReadSecretFile(const std::filesystem::path& path) { return ReadSecret(path).secret; }

std::string SecretAt(const TableReader& reader, std::string_view key,
                     const std::filesystem::path& path, std::vector<std::string>& warnings) {
  try {
    SecretFile read = ReadSecret(path);
    for (const std::string& warning : read.warnings) {
      warnings.push_back(reader.Where(reader.Find(key), key, warning));
    }
    return std::move(read.secret);
  } catch (const ConfigError& e) {
    reader.Fail(reader.Find(key), key, e.what());
  }
}

}  // namespace deployhook
