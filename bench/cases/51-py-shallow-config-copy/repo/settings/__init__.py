"""Per-environment settings."""
