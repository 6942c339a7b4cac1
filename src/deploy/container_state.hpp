#pragma once
// What the engine says of the service containers (read by engine_state.hpp), and the health
// gate's verdict on it.

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "state/job.hpp"

namespace deployhook {

struct ContainerState {
  std::string id;
  std::string service;     // compose service label
  std::string project;     // compose project label
  std::string image;       // the image id it runs (sha256:...)
  std::string reference;   // the image reference it was created from
  std::string status;      // running, restarting, exited, ...
  std::string health;      // healthy, unhealthy, starting; empty without a healthcheck
  std::string started_at;  // changes when the container restarts
  std::string restarts;
  std::string exit_code;       // meaningful once exited
  std::string restart_policy;  // no, always, on-failure, unless-stopped; empty means no
};

enum class GateVerdict { Healthy, Waiting, Failed };

// A container without a healthcheck must keep running this long to count as up.
constexpr std::chrono::seconds SETTLE_TIME{3};

// Returns what each container that has not stopped runs: its image id, reference and service (a
// container exited, dead or never started is left out, as compose v2's `ps -q` leaves it out).
std::vector<ContainerImage> RunningImages(const std::vector<ContainerState>& containers);

// Returns the compose project every one of `containers` belongs to; "" when they are none, or
// not all of one project.
std::string SharedProject(const std::vector<ContainerState>& containers);

// Returns the container ids `compose ps -q` printed (hex lines only; warnings are skipped).
std::vector<std::string> ParseIdLines(std::string_view output);

// Judges the containers `observed` after the gate first saw them as `first`, matched by id:
// Failed when one appeared or went away, stopped (but a one-shot service that exited 0 without a
// restart policy is done), restarted or is unhealthy; Healthy when every one with a healthcheck
// is healthy and every other has kept running for SETTLE_TIME; else Waiting. `reason` says why
// on Failed.
GateVerdict JudgeHealth(const std::vector<ContainerState>& first,
                        const std::vector<ContainerState>& now,
                        std::chrono::milliseconds observed, std::string& reason);

}  // namespace deployhook
