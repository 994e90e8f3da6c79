"""What a map's event logs say, computed in the database.

Within each case (per import), ordered by time and then by file line, each consecutive pair
of events is one step. `LAG` over that window gives each event its predecessor, so the
directly-follows counts and the step durations come out of one query, on SQLite and on
PostgreSQL alike, however many events there are; Python only sees one row per transition.

Percentiles are nearest-rank: the p-quantile of n sorted durations is the one at rank
ceil(p·n), so the median of 4 durations is the 2nd. `percentile_disc` on PostgreSQL and
`CUME_DIST` on SQLite find it without sorting anything in Python.
"""

from __future__ import annotations

import uuid
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction

from ..models import Touchpoint
from .models import EventImport, ImportStatus, JourneyEvent

# More distinct transitions than this in one map's logs is no journey a person can read;
# the analysis would refuse them anyway.
MAX_TRANSITIONS = 20_000
MAX_UNKNOWN_LABELS = 1_000


@dataclass(frozen=True)
class StepFigures:
    """One observed transition: how many steps, and how long they took (seconds)."""

    from_touchpoint: str
    to_touchpoint: str
    count: int
    median_s: float
    p90_s: float
    mean_s: float

    def as_duration_row(self) -> dict[str, Any]:
        """The shape `journeymap.analysis` takes for step durations."""
        return {
            "from": self.from_touchpoint,
            "to": self.to_touchpoint,
            "count": self.count,
            "median_s": self.median_s,
            "p90_s": self.p90_s,
        }


def db_uuid(value: Any) -> Any:
    """A UUID as this database's driver wants it in a raw query."""
    return models.UUIDField().get_db_prep_value(value, connection, prepared=False)


def _uuid(value: Any) -> str:
    return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))


def _scope(*, map_id: Any, pending: Any) -> tuple[str, list[Any]]:
    """The events that count, as a FROM clause naming them `e`: those of the map's finished
    imports, plus the one being finished, each found through its id range on the primary
    key (the event table has no other index)."""
    imports = EventImport._meta.db_table
    events = JourneyEvent._meta.db_table
    sql = (
        f"{imports} i JOIN {events} e ON e.id BETWEEN i.first_event_id AND i.last_event_id "
        "AND e.event_import_id = i.id "
        "AND i.map_id = %s AND (i.status = %s OR i.id = %s)"
    )
    return sql, [db_uuid(map_id), ImportStatus.DONE.value, db_uuid(pending)]


def _row_key() -> str:
    """The column the window sorts below compare touchpoints (and imports) by: on SQLite a
    row's integer rowid, much faster to sort over a million steps than the 32-character text
    its uuid is stored as; PostgreSQL's native uuid sorts as fast as an integer."""
    return "rowid" if connection.vendor == "sqlite" else "id"


def _touchpoints(*, map_id: Any) -> tuple[str, list[Any]]:
    """A join giving each event `e` its touchpoint `t`, when the map still has it. The join
    goes through the touchpoint table's primary key, so it is one index lookup per event."""
    return (
        f"LEFT JOIN {Touchpoint._meta.db_table} t ON t.id = e.touchpoint_id AND t.map_id = %s",
        [db_uuid(map_id)],
    )


# Per observed pair: how many steps, and their nearest-rank median and p90 (the smallest
# duration with at least that share of the pair's durations at or below it) and mean.
# PostgreSQL's ordered-set aggregate computes exactly that, a quarter faster than the
# portable window form SQLite needs.
_PAIRS_POSTGRES = """
        pairs AS (
            SELECT prev_tp, tp, COUNT(*) AS n,
                   percentile_disc(0.5) WITHIN GROUP (ORDER BY took) AS median,
                   percentile_disc(0.9) WITHIN GROUP (ORDER BY took) AS p90,
                   AVG(took) AS mean
            FROM steps
            WHERE prev_tp IS NOT NULL AND tp IS NOT NULL AND prev_tp <> tp
            GROUP BY prev_tp, tp
        )
"""
_PAIRS_PORTABLE = """
        ranked AS (
            SELECT prev_tp, tp, took,
                   CUME_DIST() OVER (PARTITION BY prev_tp, tp ORDER BY took) AS share
            FROM steps
            WHERE prev_tp IS NOT NULL AND tp IS NOT NULL AND prev_tp <> tp
        ),
        pairs AS (
            SELECT prev_tp, tp, COUNT(*) AS n,
                   MIN(CASE WHEN share >= 0.5 THEN took END) AS median,
                   MIN(CASE WHEN share >= 0.9 THEN took END) AS p90,
                   AVG(took) AS mean
            FROM ranked
            GROUP BY prev_tp, tp
        )
"""


def directly_follows(*, map_id: Any, pending: Any = None) -> list[StepFigures]:
    """Every observed transition between two touchpoints of the map, busiest first. Steps
    into or out of an event whose touchpoint the map lacks are not transitions, and neither
    is a repeat of the same touchpoint (a reload, a second click): a map has no self-loops.

    The first window runs on every database; the per-pair figures take the fastest form
    each database has (see `_PAIRS_POSTGRES`)."""
    scope, params = _scope(map_id=map_id, pending=pending)
    touchpoints, touchpoint_params = _touchpoints(map_id=map_id)
    key = _row_key()
    table = Touchpoint._meta.db_table
    postgres = connection.vendor == "postgresql"
    # Any equality would do to partition by case; PostgreSQL's byte order ("C") spares a
    # locale-aware comparison per row of the sort.
    case_key = 'e.case_id COLLATE "C"' if postgres else "e.case_id"
    sql = f"""
        WITH steps AS (
            SELECT t.{key} AS tp,
                   LAG(t.{key}) OVER case_order AS prev_tp,
                   e.at_ms - LAG(e.at_ms) OVER case_order AS took
            FROM {scope}
            {touchpoints}
            WINDOW case_order AS (
                PARTITION BY i.{key}, {case_key} ORDER BY e.at_ms, e.line
            )
        ),
        {_PAIRS_POSTGRES if postgres else _PAIRS_PORTABLE}
        SELECT source.id, target.id, pairs.n, pairs.median, pairs.p90, pairs.mean
        FROM pairs
        JOIN {table} source ON source.{key} = pairs.prev_tp
        JOIN {table} target ON target.{key} = pairs.tp
        ORDER BY pairs.n DESC, source.id, target.id
        LIMIT {MAX_TRANSITIONS + 1}
    """
    # A transaction only on PostgreSQL, for SET LOCAL. On SQLite a transaction begins
    # IMMEDIATE (settings.py), taking the write lock: a read inside one would stall every
    # live edit of every map for as long as the query runs.
    with transaction.atomic() if postgres else nullcontext(), connection.cursor() as cursor:
        if postgres:
            # The query sorts every step; in memory, not in temporary files (the default
            # 4 MB is a fortieth of what a million steps take).
            cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(sql, params + touchpoint_params)
        rows = cursor.fetchall()
    if len(rows) > MAX_TRANSITIONS:
        raise ValueError(
            f"the logs hold more than {MAX_TRANSITIONS} distinct transitions; "
            "a journey map cannot show them"
        )
    return [
        StepFigures(
            from_touchpoint=_uuid(source),
            to_touchpoint=_uuid(target),
            count=int(count),
            median_s=int(median) / 1000,
            p90_s=int(p90) / 1000,
            mean_s=round(float(mean) / 1000, 3),
        )
        for source, target, count, median, p90, mean in rows
    ]


def event_counts(*, map_id: Any, pending: Any = None) -> dict[str, int]:
    """Events per touchpoint id, and per log name for names the map has no touchpoint for
    (the busiest `MAX_UNKNOWN_LABELS` of them). One scan of the events: with the join inner,
    a database may instead scan them once per touchpoint."""
    scope, params = _scope(map_id=map_id, pending=pending)
    touchpoints, touchpoint_params = _touchpoints(map_id=map_id)
    known: dict[str, int] = {}
    unknown: dict[str, int] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT t.id, CASE WHEN t.id IS NULL THEN e.label END, COUNT(*) "
            f"FROM {scope} {touchpoints} GROUP BY 1, 2",
            params + touchpoint_params,
        )
        for touchpoint_id, label, count in cursor.fetchall():
            if touchpoint_id is not None:
                known[_uuid(touchpoint_id)] = int(count)
            else:
                unknown[str(label)] = int(count)
    busiest = sorted(unknown.items(), key=lambda item: (-item[1], item[0]))
    return known | dict(busiest[:MAX_UNKNOWN_LABELS])


def import_cases(*, event_import: EventImport) -> int:
    """How many distinct cases one import holds. (`DISTINCT` in a subquery rather than
    `COUNT(DISTINCT ...)`: PostgreSQL hashes the one and sorts for the other.)"""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM (SELECT DISTINCT case_id FROM {JourneyEvent._meta.db_table} "
            "WHERE id BETWEEN %s AND %s AND event_import_id = %s) AS cases",
            [
                event_import.first_event_id,
                event_import.last_event_id,
                db_uuid(event_import.id),
            ],
        )
        (cases,) = cursor.fetchone()
    return int(cases)


def has_events(*, map_id: Any) -> bool:
    return EventImport.objects.filter(map_id=map_id, status=ImportStatus.DONE).exists()
