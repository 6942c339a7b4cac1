#pragma once
// What a pull did to each service's image, and whether the images are the commit's build: pure
// parsing and judging over what `compose config` and `docker image inspect` print.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "history.hpp"

namespace deployhook {

// The OCI label docker/metadata-action sets to the commit an image was built from.
constexpr std::string_view REVISION_LABEL = "org.opencontainers.image.revision";

struct ImageInfo {
  std::string id;                       // sha256:...
  std::optional<std::string> revision;  // present only when the label is 40 hex digits
  std::string rejected_revision;        // a label that was present but is not a commit SHA
};

// Returns the service -> image reference map of a normalised compose file (what `docker-compose
// config` and `docker compose config` print). Services without an image (build only) are left
// out. Lines outside the top-level `services:` block, and warnings interleaved from stderr, are
// skipped.
std::map<std::string, std::string> ParseComposeImages(std::string_view config);

// Parses one "id|revision" line of ImageInspectArgv output; nothing when it holds no image id.
std::optional<ImageInfo> ParseImageInspect(std::string_view output);

// Returns true when `text` is a full commit SHA: 40 hex digits (either case).
bool IsCommitSha(std::string_view text) noexcept;

// Returns the services whose revision label names another commit than `commit`: the images the
// run must wait for. Empty when `commit` is not a commit SHA or no label disagrees.
std::vector<std::string> AwaitedServices(const std::vector<ImageRecord>& images,
                                         std::string_view commit);

// Returns true when the pull left every service on the image it ran before; false when one
// changed, and when there is nothing to compare (no image known, or one could not be inspected).
bool ImagesUnchanged(const std::vector<ImageRecord>& images) noexcept;

}  // namespace deployhook
