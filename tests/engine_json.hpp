#pragma once
// What `docker inspect` prints, for deployment tests that script the engine's answers.

#include <string>
#include <string_view>

namespace deployhook::testing {

inline constexpr std::string_view CONTAINER = "3f4e5d6c7b8a";
inline constexpr std::string_view REFERENCE = "registry.local/app:latest";

// One container as `docker inspect` describes it: service app on sha256:0ld unless told otherwise.
inline std::string Container(std::string_view health, std::string_view id = CONTAINER,
                             std::string_view image = "sha256:0ld",
                             std::string_view reference = REFERENCE,
                             std::string_view service = "app") {
  return R"({"Id": ")" + std::string(id) + R"(", "Image": ")" + std::string(image) +
         R"(", "Config": {"Image": ")" + std::string(reference) +
         R"(", "Labels": {"com.docker.compose.service": ")" + std::string(service) +
         R"("}}, "State": {"Status": "running", "Health": {"Status": ")" + std::string(health) +
         R"("}, "StartedAt": "2026-11-26T21:05:01.1Z", "ExitCode": 0}, "RestartCount": 0,)"
         R"( "HostConfig": {"RestartPolicy": {"Name": "always"}}})";
}

// What `docker image inspect` prints of an image without any label: "Labels": null.
inline std::string Unlabelled(std::string_view id) {
  return R"([{"Id": ")" + std::string(id) + R"(", "RepoDigests": [], "Config": {"Labels": null}}])";
}

}  // namespace deployhook::testing
