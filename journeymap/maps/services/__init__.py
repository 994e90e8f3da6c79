"""Writes to maps. `apply_ops` is the one write path for map content."""
