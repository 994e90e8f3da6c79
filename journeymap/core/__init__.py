"""Shared helpers that every app may use and that import no app of the project: JSON values,
error types, who an actor is, and the DRF base pieces (error shape, pagination)."""
