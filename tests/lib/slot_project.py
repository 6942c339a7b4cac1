"""A compose project both slots of a blue-green target run: busybox httpd on 127.0.0.1 at the
slot's port (${DEPLOYHOOK_PORT}, network_mode: host), healthy when the image has /healthy, ready
(GET /ready answers 200) unless the image's /version says "notready", and a release service
`migrate` that fails when /version says "nomigrate". Used by the docker suite and scripts/run.
"""

import json
import os

from docker_env import healthcheck

# What the service serves, copied from the image at start: /version always, /ready when ready.
SERVE = ("mkdir -p /www && cp /version /www/version && "
         "{ /bin/busybox grep -q notready /version || touch /www/ready; } && "
         "exec /bin/busybox httpd -f -h /www -p 127.0.0.1:${DEPLOYHOOK_PORT}")


def write_slot_project(project_dir, image, service="app"):
    """Write project_dir/docker-compose.yml for image; return project_dir."""
    os.makedirs(project_dir, exist_ok=True)
    compose = {
        "version": "2.4",
        "services": {
            service: {
                "image": image, "network_mode": "host", "init": True,
                "command": ["/bin/busybox", "sh", "-c", SERVE],  # compose fills in the port
                "healthcheck": healthcheck(),
            },
            "migrate": {
                "image": image, "network_mode": "none",
                "command": ["/bin/busybox", "sh", "-c", "! /bin/busybox grep -q nomigrate /version"],
            },
        },
    }
    with open(os.path.join(project_dir, "docker-compose.yml"), "w") as f:
        json.dump(compose, f, indent=2)
    return project_dir
