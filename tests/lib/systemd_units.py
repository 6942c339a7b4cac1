"""Reading systemd unit files the way the tests need them: their Key=Value settings."""


def unit_settings(path):
    """Return a unit file's Key=Value settings (the last one of each key wins)."""
    settings = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith(("#", ";", "[")) and "=" in line:
            key, _, value = line.partition("=")
            settings[key.strip()] = value.strip()
    return settings
