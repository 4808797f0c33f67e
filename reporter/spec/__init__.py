"""Report specs: the TOML models, loading with `extends`, and the checks against the catalogue."""
