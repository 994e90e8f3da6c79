"""Names for SQL written by hand on hot paths (the write path, the access poll): every table
and column name comes from the models' _meta, quoted for the current database, so a hand-written
statement follows the models as the ORM's would. Values are always parameters."""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections


def database() -> Any:
    """The default database's connection itself, for a hot path to look up once and pass on.
    `django.db.connection` is a proxy that looks the connection up again on every attribute,
    through asgiref's Local: a one-op batch made 32 such lookups (cProfile, docs/benchmarks.md
    "The item UPDATE")."""
    return connections[DEFAULT_DB_ALIAS]


def field(model: Any, name: str) -> Any:
    """A model field by name or attname (typed loosely: _meta.get_field also answers relations)."""
    return model._meta.get_field(name)


def column(model: Any, name: str) -> str:
    """The quoted column of a model field."""
    return str(connection.ops.quote_name(field(model, name).column))


def table(model: Any) -> str:
    """The quoted table of a model."""
    return str(connection.ops.quote_name(model._meta.db_table))
