#pragma once
// What a pull did to each service's image, and whether the images are the commit's build: pure
// parsing and judging over what `compose config` prints and what the engine says of images.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "state/history.hpp"

namespace deployhook {

// The OCI label docker/metadata-action sets to the commit an image was built from.
constexpr std::string_view REVISION_LABEL = "org.opencontainers.image.revision";

struct ImageInfo {
  std::string id;                       // sha256:...
  std::vector<std::string> digests;     // RepoDigests: "repo@sha256:..." per registry it came from
  std::optional<std::string> revision;  // present only when the label is 40 hex digits
  std::string rejected_revision;        // a label that was present but is not a commit SHA
};

// Returns the service -> image reference map of a normalised compose file (what `docker-compose
// config` and `docker compose config` print). Services without an image (build only) are left
// out. Lines outside the top-level `services:` block, and warnings interleaved from stderr, are
// skipped.
std::map<std::string, std::string> ParseComposeImages(std::string_view config);

// Returns the reference without its "@sha256:..." pin.
std::string Unpinned(std::string_view reference);

// Returns the registry digest ("repo@sha256:...") among `digests` that is of the repository
// `reference` names (its tag and pin aside); empty when there is none (an image never pulled
// from or pushed to that registry).
std::string RegistryDigest(const std::vector<std::string>& digests, std::string_view reference);

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
