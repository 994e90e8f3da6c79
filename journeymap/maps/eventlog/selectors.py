"""What a map's event logs say, computed in the database.

Within each case (per import), ordered by time and then by file line, each consecutive pair
of events is one step. `LAG` over that window gives each event its predecessor, so the
directly-follows counts and the step durations come out of one query, on SQLite and on
PostgreSQL alike, however many events there are; Python only sees one row per transition.

Percentiles are nearest-rank: the p-quantile of n sorted durations is the one at rank
ceil(p·n), so the median of 4 durations is the 2nd. `ROW_NUMBER` and `COUNT` over the
durations of each pair find it without sorting anything in Python.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db import connection, models

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
    """The events that count: those of finished imports, plus the one being finished."""
    imports = EventImport._meta.db_table
    sql = (
        f"e.map_id = %s AND e.event_import_id IN (SELECT id FROM {imports} "
        "WHERE map_id = %s AND (status = %s OR id = %s))"
    )
    return sql, [db_uuid(map_id), db_uuid(map_id), ImportStatus.DONE.value, db_uuid(pending)]


def directly_follows(*, map_id: Any, pending: Any = None) -> list[StepFigures]:
    """Every observed transition between two touchpoints of the map, busiest first. Steps
    into or out of an event whose touchpoint the map lacks are not transitions, and neither
    is a repeat of the same touchpoint (a reload, a second click): a map has no self-loops."""
    events = JourneyEvent._meta.db_table
    where, params = _scope(map_id=map_id, pending=pending)
    sql = f"""
        WITH steps AS (
            SELECT e.touchpoint_id AS tp, e.at_ms AS at_ms,
                   LAG(e.touchpoint_id) OVER case_order AS prev_tp,
                   LAG(e.at_ms) OVER case_order AS prev_ms
            FROM {events} e
            WHERE {where}
            WINDOW case_order AS (
                PARTITION BY e.event_import_id, e.case_id ORDER BY e.at_ms, e.line
            )
        ),
        ranked AS (
            SELECT prev_tp, tp, at_ms - prev_ms AS took,
                   ROW_NUMBER() OVER (
                       PARTITION BY prev_tp, tp ORDER BY at_ms - prev_ms
                   ) AS step_rank,
                   COUNT(*) OVER (PARTITION BY prev_tp, tp) AS n
            FROM steps
            WHERE prev_tp IS NOT NULL AND tp IS NOT NULL AND prev_tp <> tp
        )
        SELECT prev_tp, tp, MAX(n),
               MIN(CASE WHEN step_rank >= 0.5 * n THEN took END),
               MIN(CASE WHEN step_rank >= 0.9 * n THEN took END),
               AVG(took)
        FROM ranked
        GROUP BY prev_tp, tp
        ORDER BY MAX(n) DESC, prev_tp, tp
        LIMIT {MAX_TRANSITIONS + 1}
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
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
    (the busiest `MAX_UNKNOWN_LABELS` of them)."""
    events = JourneyEvent._meta.db_table
    where, params = _scope(map_id=map_id, pending=pending)
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT e.touchpoint_id, COUNT(*) FROM {events} e "
            f"WHERE {where} AND e.touchpoint_id IS NOT NULL GROUP BY e.touchpoint_id",
            params,
        )
        for touchpoint_id, count in cursor.fetchall():
            counts[_uuid(touchpoint_id)] = int(count)
        counts.update(unknown_labels(map_id=map_id, pending=pending))
    return counts


def unknown_labels(*, map_id: Any, pending: Any = None, only_import: Any = None) -> dict[str, int]:
    """Names the logs use that match no touchpoint of the map, with their event counts."""
    events = JourneyEvent._meta.db_table
    where, params = _scope(map_id=map_id, pending=pending)
    if only_import is not None:
        where, params = "e.event_import_id = %s", [db_uuid(only_import)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT e.label, COUNT(*) FROM {events} e "
            f"WHERE {where} AND e.touchpoint_id IS NULL "
            f"GROUP BY e.label ORDER BY COUNT(*) DESC, e.label LIMIT {MAX_UNKNOWN_LABELS}",
            params,
        )
        return {str(label): int(count) for label, count in cursor.fetchall()}


def import_totals(*, event_import_id: Any) -> dict[str, int]:
    """Rows and distinct cases of one import."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), COUNT(DISTINCT case_id) FROM {JourneyEvent._meta.db_table} "
            "WHERE event_import_id = %s",
            [db_uuid(event_import_id)],
        )
        rows, cases = cursor.fetchone()
    return {"rows": int(rows), "cases": int(cases)}


def has_events(*, map_id: Any) -> bool:
    return EventImport.objects.filter(map_id=map_id, status=ImportStatus.DONE).exists()
