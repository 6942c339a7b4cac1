#pragma once
// Config files for the config tests: a temporary directory holding deployhook.toml, and checks
// of the one-line errors loading it throws.

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "unit_support.hpp"

namespace deployhook::testing {

// A temporary directory holding deployhook.toml and its secret files.
struct ConfigDir {
  TempDir dir;

  std::filesystem::path Write(std::string_view name, std::string_view content) const {
    std::filesystem::path path = dir / name;
    WriteText(path, content);
    return path;
  }

  Config Load(std::string_view toml, ConfigEnvironment env = {}) const {
    return LoadConfig(Write("deployhook.toml", toml), env);
  }

  // Returns what() of the ConfigError loading `toml` throws; fails the test when none is thrown.
  std::string Error(std::string_view toml, ConfigEnvironment env = {}) const {
    try {
      Load(toml, env);
    } catch (const ConfigError& e) {
      return e.what();
    }
    BOOST_ERROR("no ConfigError for:\n" << toml);
    return {};
  }

  // Returns the "FILE:LINE:" an error about line `line` of deployhook.toml starts with.
  std::string At(int line) const {
    return (dir / "deployhook.toml").string() + ":" + std::to_string(line) + ":";
  }
};

inline ConfigEnvironment WithSecret(std::string secret) { return {std::move(secret)}; }

// Checks that `error` begins at FILE:LINE and names `key`.
inline void CheckNames(const std::string& error, const std::string& where, std::string_view key) {
  BOOST_TEST(error.starts_with(where), error);
  BOOST_TEST(error.find(key) != std::string::npos, error);
  BOOST_TEST(error.find('\n') == std::string::npos, error);
}

inline constexpr std::string_view MINIMAL_TARGET = R"([[target]]
name = "web"
repository = "octo/app"
branch = "main"
project_dir = "/srv/web"
)";

inline std::string Minimal(std::string_view top = "") {
  return std::string(top) + std::string(MINIMAL_TARGET);
}

}  // namespace deployhook::testing
