"""The UPDATE of one map item by id, as SQL built once per (model, columns) per process.

Why not `QuerySet.update` here: a one-op `update` or `move` batch — what a board sends for
every title typed and every card dragged — is one such statement, and building it through
the queryset compiler (a filter on the map and the pk, the update's value resolution) took
about a sixth of the batch's time in the live layer's database thread, which shares the GIL
with the sockets' event loop (docs/benchmarks.md, "The item UPDATE"). The statement does what
`filter(map=..., pk=...).update(...)` does: the same WHERE, values prepared by their model
fields with `get_db_prep_save`, no `save()` signals (`update()` sends none either). Table and
column names come from the models' _meta (`journeymap.core.sql`); every value is a parameter.
"""

from __future__ import annotations

import uuid
from functools import cache
from typing import Any

from django.db import models

from journeymap.core import sql


@cache
def _update_sql(model: type[models.Model], attnames: tuple[str, ...], vendor: str) -> str:
    # `vendor` keys the cache: a process that talks to two kinds of database (the tests)
    # quotes names for each.
    assignments = ", ".join(f"{sql.column(model, name)} = %s" for name in attnames)
    return (
        f"UPDATE {sql.table(model)} SET {assignments} "  # noqa: S608 (names from _meta, values are parameters)
        f"WHERE {sql.column(model, 'map')} = %s AND {sql.column(model, 'id')} = %s"
    )


def update_item(
    *,
    model: type[models.Model],
    map_id: uuid.UUID,
    item_id: uuid.UUID,
    values: dict[str, Any],
) -> bool:
    """Set `values` (by attname: `stage_id`, `title`) on the map's item; False: no such item
    in this map. Call inside the batch's transaction."""
    conn = sql.database()
    attnames = tuple(values)
    params = [sql.field(model, name).get_db_prep_save(values[name], conn) for name in attnames]
    params.append(sql.field(model, "map").get_db_prep_save(map_id, conn))
    params.append(sql.field(model, "id").get_db_prep_save(item_id, conn))
    with conn.cursor() as cursor:
        cursor.execute(_update_sql(model, attnames, conn.vendor), params)
        return bool(cursor.rowcount)
