"""The write path's fixed statements — the locked read of the map, the seq bump and the op-log
insert — as SQL written once per process.

Why not the ORM here: each batch sends these two statements, always of the same shape, and
building them with the queryset compiler (a join, an annotation, an EXISTS) cost about 1.5 ms
of CPU per batch on this machine, more than the database took to run them; the op-log row
through `Model.save` cost another ~0.15 ms, and twice that when batches come 10 ms apart
(a cold CPU cache: docs/benchmarks.md, "The op-log insert and the map's converters").
`apply_ops` runs in the live layer's one database thread, which shares the GIL with the
sockets' event loop, so that CPU is taken from the fan-out. Table and column names come from
the models' _meta (`journeymap.core.sql`); every value is a parameter.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import Any

from django.db import connection

from journeymap.core import sql
from journeymap.workspaces.models import WRITE_ROLES, Membership

from ..models import JourneyMap, MapOp

# Plain strings: a database driver may adapt an enum member by its name, not its value.
_ROLES = sorted(str(getattr(role, "value", role)) for role in WRITE_ROLES)


@cache
def _lock_sql(for_update: bool) -> str:
    meta, member, log = JourneyMap._meta, Membership._meta, MapOp._meta
    columns = ", ".join(f"m.{connection.ops.quote_name(f.column)}" for f in meta.concrete_fields)
    roles = ", ".join(["%s"] * len(_ROLES))
    # The role is a join condition, so a reader's batch matches no row and never waits on
    # the lock (on PostgreSQL; SQLite has one write lock per database, taken at BEGIN).
    # `deleted_at IS NULL`: a map in the trash takes no edits (the default manager's rule).
    return (
        f"SELECT {columns}, w.role, "  # noqa: S608 (names from _meta, values are parameters)
        f"(SELECT o.seq FROM {log.db_table} o WHERE o.map_id = m.id AND o.op_id = %s) "
        f"FROM {meta.db_table} m JOIN {member.db_table} w "
        f"ON w.workspace_id = m.workspace_id AND w.user_id = %s AND w.role IN ({roles}) "
        f"WHERE m.id = %s AND m.deleted_at IS NULL" + (" FOR UPDATE OF m" if for_update else "")
    )


@cache
def _bump_sql() -> str:
    meta, member = JourneyMap._meta, Membership._meta
    roles = ", ".join(["%s"] * len(_ROLES))
    return (
        f"UPDATE {meta.db_table} SET seq = %s, updated_at = %s "  # noqa: S608 (as above)
        f"WHERE id = %s AND EXISTS (SELECT 1 FROM {member.db_table} w "
        f"WHERE w.workspace_id = %s AND w.user_id = %s AND w.role IN ({roles}))"
    )


def _uuid(conn: Any, field_owner: type[Any], name: str, value: uuid.UUID) -> Any:
    return field_owner._meta.get_field(name).get_db_prep_value(value, conn)


def lock_map_for_writer(
    *, map_id: uuid.UUID, user_id: Any, op_id: uuid.UUID
) -> tuple[JourneyMap, str, int | None] | None:
    """Under the map's row lock: the map, the actor's write role on it, and the seq of an
    already logged `op_id` (None: not logged). None when there is no such map (or it is in
    the trash) or the actor may not write to it. Call inside the batch's transaction."""
    conn = sql.database()
    statement = _lock_sql(conn.features.has_select_for_update_of)
    params = [
        _uuid(conn, MapOp, "op_id", op_id),
        user_id,
        *_ROLES,
        _uuid(conn, JourneyMap, "id", map_id),
    ]
    with conn.cursor() as cursor:
        cursor.execute(statement, params)
        row = cursor.fetchone()
    if row is None:
        return None
    fields = JourneyMap._meta.concrete_fields
    values = [
        _from_db(conn, field, value)
        for field, value in zip(fields, row[: len(fields)], strict=True)
    ]
    journey_map = JourneyMap.from_db(conn.alias, [f.attname for f in fields], values)
    role, logged_seq = row[len(fields)], row[len(fields) + 1]
    return journey_map, str(role), logged_seq


@cache
def _converters(alias: str, name: str) -> tuple[Any, tuple[Callable[..., Any], ...]]:
    """The ORM's read converters of a map column, looked up once per database."""
    field = sql.field(JourneyMap, name)
    expression = field.get_col(JourneyMap._meta.db_table)
    found = connection.ops.get_db_converters(expression) + field.get_db_converters(connection)
    return expression, tuple(found)


def _from_db(conn: Any, field: Any, value: Any) -> Any:
    """A column as the ORM would have read it (SQLite hands UUIDs and datetimes back as text)."""
    expression, converters = _converters(conn.alias, field.name)
    for converter in converters:
        value = converter(value, expression, conn)
    return value


def bump_seq_if_writer(
    *, journey_map: JourneyMap, seq: int, updated_at: datetime, user_id: Any
) -> bool:
    """Set the locked map's seq, if the actor still has a write role. Asked in a statement
    that starts once the lock is held: the locked read may have waited on the lock with a
    view of the memberships from before it, and an editor demoted meanwhile must not get
    the batch through. False: refused (the caller rolls back)."""
    conn = sql.database()
    stamp = JourneyMap._meta.get_field("updated_at").get_db_prep_value(
        updated_at, conn, prepared=False
    )
    params = [
        seq,
        stamp,
        _uuid(conn, JourneyMap, "id", journey_map.pk),
        _uuid(conn, JourneyMap, "workspace", journey_map.workspace_id),
        user_id,
        *_ROLES,
    ]
    with conn.cursor() as cursor:
        cursor.execute(_bump_sql(), params)
        return bool(cursor.rowcount)


# The op-log columns the write path fills (the id is the database's).
_LOGGED = ("map", "seq", "op_id", "actor", "client_id", "ops", "created_at")


@cache
def _insert_sql() -> str:
    columns = ", ".join(sql.column(MapOp, name) for name in _LOGGED)
    marks = ", ".join(["%s"] * len(_LOGGED))
    return f"INSERT INTO {sql.table(MapOp)} ({columns}) VALUES ({marks})"  # noqa: S608 (as above)


def log_batch(
    *,
    map_id: uuid.UUID,
    seq: int,
    op_id: uuid.UUID,
    actor_id: Any,
    client_id: str,
    ops: list[Any],
    created_at: datetime,
) -> None:
    """Insert the batch's op-log row (MapOp), each value prepared by its model field."""
    values = {
        "map": map_id,
        "seq": seq,
        "op_id": op_id,
        "actor": actor_id,
        "client_id": client_id,
        "ops": ops,
        "created_at": created_at,
    }
    conn = sql.database()
    params = [sql.field(MapOp, name).get_db_prep_save(values[name], conn) for name in _LOGGED]
    with conn.cursor() as cursor:
        cursor.execute(_insert_sql(), params)
