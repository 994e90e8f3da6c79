"""The production set-up on loopback (docs/deploy.md)."""
