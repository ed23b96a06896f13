"""Exporter plugins, registered by name and grouped."""
