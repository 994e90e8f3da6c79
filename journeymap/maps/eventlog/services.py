"""Importing an event log into a map, and taking one back out.

An import reads its file once, streaming: it checks every row and stores the events in
batches of plain tuples; a bad row fails the whole import, whose stored events are then
deleted, so it changes nothing. The directly-follows counts are then computed in the
database and written into the map's transitions through `apply_ops`, like any other edit,
so every open board sees them.

How events are stored differs by database (see `_EventWriter`): on SQLite in committed
batches, which a failure deletes; on PostgreSQL in one streamed COPY, which a failure rolls
back. Until the import is `done`, nothing reads its events.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from types import TracebackType
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from journeymap.core.errors import OpRejected
from journeymap.core.gc import cycle_collection_paused
from journeymap.core.metrics import timed_import
from journeymap.workspaces.audit import audit_record

from ..models import JourneyMap, Lane, LaneKind, Stage, Touchpoint, Transition
from ..services.ops import apply_ops
from .models import EventImport, ImportStatus, JourneyEvent
from .parse import EventRow, HeaderError, RowError, TouchpointNames, read_events
from .selectors import (
    MAX_UNKNOWN_LABELS,
    StepFigures,
    db_uuid,
    directly_follows,
    import_cases,
)

logger = logging.getLogger(__name__)

# Rows per committed batch: large enough that commits (an fsync each on SQLite) stay rare,
# small enough that memory stays flat (~10 MB of tuples).
INSERT_BATCH = 20_000
PROGRESS_EVERY = 20_000
MAX_REPORTED_ERRORS = 50
MAX_CREATED_TOUCHPOINTS = 200


def max_rows() -> int:
    return int(getattr(settings, "EVENT_IMPORT_MAX_ROWS", 5_000_000))


@dataclass(frozen=True)
class ImportOptions:
    """`create_missing_in`: a stage of the map where a touchpoint is created for each name
    the log uses that the map lacks; without it such names are reported (and their events
    kept, for conformance) but make no transitions."""

    create_missing_in: uuid.UUID | None = None


class ImportRefused(ValueError):
    """The import cannot start (a bad option); nothing was recorded."""


def progress_key(event_import_id: Any) -> str:
    return f"journeymap:event-import:{event_import_id}"


def import_progress(*, event_import_id: Any) -> dict[str, Any] | None:
    """How far a running import is (shared by all processes through the cache)."""
    value = cache.get(progress_key(event_import_id))
    return value if isinstance(value, dict) else None


def _report_progress(event_import: EventImport, **progress: Any) -> None:
    cache.set(progress_key(event_import.id), progress, timeout=3600)


def event_import_start(
    *, journey_map: JourneyMap, actor: Any, filename: str, options: ImportOptions
) -> EventImport:
    """Record a new import (status `running`) after checking its options."""
    if options.create_missing_in is not None:
        if not Stage.objects.filter(map=journey_map, id=options.create_missing_in).exists():
            raise ImportRefused("create_missing_in names no stage of this map")
        if not Lane.objects.filter(map=journey_map, kind=LaneKind.TOUCHPOINTS).exists():
            raise ImportRefused("the map has no touchpoints lane to create touchpoints in")
    return EventImport.objects.create(
        map=journey_map, created_by=actor, filename=filename[:200], status=ImportStatus.RUNNING
    )


@timed_import("events")
def event_import_run(
    *,
    event_import: EventImport,
    path: Path,
    actor: Any,
    options: ImportOptions,
    address: str | None = None,
) -> EventImport:
    """Check, store and count the log at `path`; the import ends `done` or `failed` (with
    its report either way), and a done one is audited (`events.imported`). Safe to run in a
    background thread."""
    journey_map = event_import.map
    try:
        names = TouchpointNames(
            {
                str(pk): title
                for pk, title in Touchpoint.objects.filter(map=journey_map).values_list(
                    "id", "title"
                )
            }
        )
        total_bytes = path.stat().st_size
        errors, error_count, rows, unknown = _ingest(
            event_import, path=path, names=names, total_bytes=total_bytes
        )
        if error_count:
            return _fail(
                event_import,
                detail=f"{error_count} bad row(s): nothing was imported",
                errors=errors,
                error_count=error_count,
                rows=rows,
            )
        created = _create_missing(
            event_import=event_import,
            actor=actor,
            options=options,
            labels=set(unknown),
            names=names,
        )
        for item in created:
            unknown.pop(item["title"], None)
        _report_progress(event_import, phase="counting", rows=rows, total_rows=rows)
        steps = directly_follows(map_id=journey_map.id, pending=event_import.id)
        event_import.report = {
            "rows": rows,
            "cases": import_cases(event_import=event_import),
            "transitions": len(steps),
            "unknown_touchpoints": [
                {"name": name, "events": count}
                for name, count in sorted(unknown.items(), key=lambda item: (-item[1], item[0]))
            ],
            "created_touchpoints": created,
            "errors": [],
        }
        # Done before the counts are written: the patch that carries them bumps the map's
        # seq, and an analysis read for that seq must already see this import's durations.
        event_import.status = ImportStatus.DONE
        event_import.finished_at = timezone.now()
        with transaction.atomic():
            event_import.save(update_fields=["report", "status", "finished_at"])
            audit_record(
                workspace=journey_map.workspace,
                actor=actor,
                action="events.imported",
                subject=journey_map.title,
                detail={
                    "map": str(journey_map.pk),
                    "map_title": journey_map.title,
                    "import": str(event_import.pk),
                    "file": event_import.filename,
                    "rows": rows,
                    "cases": event_import.report["cases"],
                },
                address=address,
            )
        event_import.report["transitions_changed"] = sync_transition_weights(
            journey_map=journey_map, actor=actor, steps=steps, op_key=str(event_import.id)
        )
        event_import.save(update_fields=["report"])
        return event_import
    except HeaderError as error:
        return _fail(event_import, detail=str(error))
    except (OpRejected, ValueError) as error:
        return _fail(event_import, detail=str(error))
    except Exception:
        logger.exception("event import %s failed", event_import.id)
        return _fail(event_import, detail="the import failed on the server; nothing changed")
    finally:
        cache.delete(progress_key(event_import.id))


def _ingest(
    event_import: EventImport, *, path: Path, names: TouchpointNames, total_bytes: int
) -> tuple[list[dict[str, object]], int, int, dict[str, int]]:
    """One streaming pass: check every row and store the events in batches of plain tuples
    (no model instances). After the first bad row nothing more is stored, but the rest is
    still checked, so the report lists every problem at once; the caller then deletes what
    was stored. Returns (first errors, error count, rows, events per name the map lacks: the
    first `MAX_UNKNOWN_LABELS` names met, counted here because a query for them afterwards
    would scan every event again).

    Rows are handled a batch at a time, with comprehensions rather than a statement per
    row: this loop runs a million times."""
    errors: list[dict[str, object]] = []
    error_count = rows = 0
    unknown: dict[str, int] = {}
    _open_id_range(event_import)
    with (
        path.open("rb") as file,
        _EventWriter(event_import) as writer,
        cycle_collection_paused(),
    ):
        items = read_events(file, names=names, max_rows=max_rows())
        for batch in _batches(items, INSERT_BATCH):
            good: list[EventRow] = [item for item in batch if type(item) is EventRow]
            if len(good) < len(batch):
                for item in batch:
                    if isinstance(item, RowError):
                        error_count += 1
                        if len(errors) < MAX_REPORTED_ERRORS:
                            errors.append(item.as_dict())
            rows += len(good)
            for label in [row.label for row in good if row.touchpoint_id is None]:
                if label in unknown:
                    unknown[label] += 1
                elif len(unknown) < MAX_UNKNOWN_LABELS:
                    unknown[label] = 1
            if error_count:
                writer.fail()
            writer.write(good)
            _report_progress(
                event_import, phase="storing", rows=rows, bytes=file.tell(), total_bytes=total_bytes
            )
    _close_id_range(event_import)
    if rows == 0 and error_count == 0:
        errors.append({"line": 2, "column": "", "message": "the log has no events"})
        error_count = 1
    return errors, error_count, rows, unknown


def _last_event_id() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {JourneyEvent._meta.db_table}")
        (last,) = cursor.fetchone()
    return int(last or 0)


def _open_id_range(event_import: EventImport) -> None:
    """Ids only grow, so every event stored from now on has an id above the largest so far."""
    event_import.first_event_id = _last_event_id() + 1
    event_import.save(update_fields=["first_event_id"])


def _close_id_range(event_import: EventImport) -> None:
    event_import.last_event_id = _last_event_id()
    event_import.save(update_fields=["last_event_id"])
    if connection.vendor == "postgresql":
        # Statistics from before a million new rows make the planner pick a nested loop
        # for the touchpoint join (1.6 s of the query at 1M rows); sampling takes 0.2 s.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {JourneyEvent._meta.db_table}")


def events_of(event_import: EventImport) -> QuerySet[JourneyEvent]:
    """An import's events, found through its id range on the primary key (the table has no
    other index). A range still open (an import that stopped while storing) runs to the end."""
    events = JourneyEvent.objects.filter(event_import=event_import)
    if event_import.first_event_id is None:
        return events
    events = events.filter(id__gte=event_import.first_event_id)
    if event_import.last_event_id is not None:
        events = events.filter(id__lte=event_import.last_event_id)
    return events


# COPY's text format: a backslash, tab or line break in a value must be escaped.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


class _EventWriter:
    """Stores events a batch at a time, without model instances.

    On PostgreSQL one COPY streams the whole import in one transaction: the server stores
    rows on the other core while this process parses the next batch, and a bad row rolls
    everything back. On SQLite each batch is an executemany in its own transaction, because
    a transaction over a million inserts would hold the database's only write lock for the
    whole import and stall every live edit; a failure deletes what was stored."""

    COLUMNS = (
        "event_import_id",
        "case_id",
        "touchpoint_id",
        "label",
        "at_ms",
        "line",
        "persona",
        "channel",
    )

    def __init__(self, event_import: EventImport) -> None:
        self.table = JourneyEvent._meta.db_table
        self.import_id = db_uuid(event_import.id)
        # A log names a few dozen touchpoints: convert each id for the driver once.
        self.touchpoint_ids: dict[str | None, Any] = {None: None}
        self.streaming = connection.vendor == "postgresql"
        self.failed = False
        self._stack = ExitStack()
        self._copy: Any = None

    def __enter__(self) -> _EventWriter:
        if self.streaming:
            stack = self._stack
            stack.enter_context(transaction.atomic())
            cursor = stack.enter_context(connection.cursor())
            # No wait for the WAL flush at commit: until the import is marked done, which
            # commits normally, its events count for nothing, and a crash leaves it failed.
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            columns = ", ".join(self.COLUMNS)
            self._copy = stack.enter_context(
                cursor.cursor.copy(f"COPY {self.table} ({columns}) FROM STDIN")
            )
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.failed and self.streaming:
            transaction.set_rollback(True)
        self._stack.__exit__(exc_type, exc, traceback)

    def fail(self) -> None:
        """A bad row: store nothing more (and, streaming, roll back what was sent)."""
        self.failed = True

    def write(self, batch: list[EventRow]) -> None:
        if not batch or self.failed:
            return
        ids = self.touchpoint_ids
        for touchpoint_id in {row.touchpoint_id for row in batch}.difference(ids):
            ids[touchpoint_id] = db_uuid(touchpoint_id)
        if self.streaming:
            self._copy.write(self._copy_text(batch))
            return
        columns = ", ".join(self.COLUMNS)
        marks = ", ".join(["%s"] * len(self.COLUMNS))
        import_id = self.import_id
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {self.table} ({columns}) VALUES ({marks})",
                [
                    (import_id, case, ids[tp], label, at, line, persona, channel)
                    for line, case, label, tp, at, persona, channel in batch
                ],
            )

    def _copy_text(self, batch: list[EventRow]) -> str:
        """The batch in COPY's text format, built here rather than by the driver's per-row
        `write_row`, which took a third of the import's time. Values rarely hold a character
        COPY needs escaped, so the batch is first joined as it is and checked as a whole;
        escaping every value costs a second per million rows."""
        ids = {
            key: ("\\N" if value is None else str(value))
            for key, value in self.touchpoint_ids.items()
        }
        import_id = str(self.import_id)
        text = "".join(
            [
                f"{import_id}\t{case}\t{ids[tp]}\t{label}\t{at}\t{line}\t{persona}\t{channel}\n"
                for line, case, label, tp, at, persona, channel in batch
            ]
        )
        separators = len(self.COLUMNS) - 1
        nulls = sum(1 for row in batch if row.touchpoint_id is None)  # each writes one \N
        if (
            text.count("\\") == nulls
            and "\r" not in text
            and text.count("\n") == len(batch)
            and text.count("\t") == separators * len(batch)
        ):
            return text
        escapes = _COPY_ESCAPES
        return "".join(
            [
                f"{import_id}\t{case.translate(escapes)}\t{ids[tp]}\t{label.translate(escapes)}"
                f"\t{at}\t{line}\t{persona.translate(escapes)}\t{channel.translate(escapes)}\n"
                for line, case, label, tp, at, persona, channel in batch
            ]
        )


def _create_missing(
    *,
    event_import: EventImport,
    actor: Any,
    options: ImportOptions,
    labels: set[str],
    names: TouchpointNames,
) -> list[dict[str, str]]:
    if options.create_missing_in is None or not labels:
        return []
    journey_map = event_import.map
    if len(labels) > MAX_CREATED_TOUCHPOINTS:
        raise ValueError(
            f"the log names more than {MAX_CREATED_TOUCHPOINTS} touchpoints the map lacks; "
            "check the touchpoint column"
        )
    lane = (
        Lane.objects.filter(map=journey_map, kind=LaneKind.TOUCHPOINTS)
        .order_by("order_key")
        .first()
    )
    assert lane is not None  # checked by event_import_start  # noqa: S101
    created = []
    ops = []
    for label in sorted(labels):
        touchpoint_id = str(uuid.uuid4())
        fields = {"stage": str(options.create_missing_in), "lane": str(lane.id), "title": label}
        ops.append(
            {"action": "create", "entity": "touchpoint", "id": touchpoint_id, "fields": fields}
        )
        created.append({"id": touchpoint_id, "title": label})
    for chunk in _chunks(ops):
        apply_ops(
            map_id=journey_map.id,
            actor=actor,
            client_id="event-import",
            op_id=uuid.uuid4(),
            ops=chunk,
        )
    for item in created:
        names.add(touchpoint_id=item["id"], title=item["title"])
        # The events were stored before their touchpoint existed.
        events_of(event_import).filter(touchpoint_id__isnull=True, label=item["title"]).update(
            touchpoint_id=item["id"]
        )
    return created


def sync_transition_weights(
    *, journey_map: JourneyMap, actor: Any, steps: list[StepFigures], op_key: str
) -> int:
    """Make the map's transition counts what the logs say, through apply_ops: observed pairs
    are created or updated, and transitions no log shows go to 0 (the map keeps them: they
    are the designed journey). Returns how many transitions changed. The op ids derive from
    `op_key`, so a retried sync applies once."""
    existing = {
        (str(source), str(target)): (str(pk), count)
        for pk, source, target, count in Transition.objects.filter(map=journey_map).values_list(
            "id", "from_touchpoint_id", "to_touchpoint_id", "count"
        )
    }
    observed = {(step.from_touchpoint, step.to_touchpoint): step.count for step in steps}
    ops: list[dict[str, Any]] = []
    for pair, count in observed.items():
        known = existing.get(pair)
        if known is None:
            ops.append(
                {
                    "action": "create",
                    "entity": "transition",
                    "id": str(uuid.uuid4()),
                    "fields": {
                        "from_touchpoint": pair[0],
                        "to_touchpoint": pair[1],
                        "count": count,
                    },
                }
            )
        elif known[1] != count:
            ops.append(_count_op(known[0], count))
    for pair, (pk, count) in existing.items():
        if pair not in observed and count != 0:
            ops.append(_count_op(pk, 0))
    for index, chunk in enumerate(_chunks(ops)):
        apply_ops(
            map_id=journey_map.id,
            actor=actor,
            client_id="event-import",
            op_id=uuid.uuid5(uuid.NAMESPACE_URL, f"journeymap:event-sync:{op_key}:{index}"),
            ops=chunk,
        )
    return len(ops)


def event_import_delete(*, event_import: EventImport, actor: Any) -> None:
    """Take an import's events out of the map's evidence and recount the transitions from the
    imports that remain (to 0 when none does)."""
    journey_map = event_import.map
    was_done = event_import.status == ImportStatus.DONE
    events_of(event_import).delete()
    event_import.delete()
    if was_done:
        steps = directly_follows(map_id=journey_map.id)
        sync_transition_weights(
            journey_map=journey_map, actor=actor, steps=steps, op_key=f"delete:{event_import.pk}"
        )


def _count_op(transition_id: str, count: int) -> dict[str, Any]:
    return {
        "action": "update",
        "entity": "transition",
        "id": transition_id,
        "fields": {"count": count},
    }


def _fail(event_import: EventImport, *, detail: str, **report: Any) -> EventImport:
    was_done = event_import.status == ImportStatus.DONE
    events_of(event_import).delete()
    event_import.status = ImportStatus.FAILED
    event_import.report = {"detail": detail, "errors": [], **report}
    event_import.finished_at = timezone.now()
    event_import.save(update_fields=["status", "report", "finished_at"])
    if was_done:  # the counts may be half written: recount from the imports that remain
        try:
            sync_transition_weights(
                journey_map=event_import.map,
                actor=event_import.created_by,
                steps=directly_follows(map_id=event_import.map_id),
                op_key=f"recover:{event_import.id}",
            )
        except Exception:
            logger.exception("could not recount the transitions of map %s", event_import.map_id)
    return event_import


def _batches(
    items: Iterator[EventRow | RowError], size: int
) -> Iterator[list[EventRow | RowError]]:
    while batch := list(islice(items, size)):
        yield batch


def _chunks(ops: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    size = settings.OPS_MAX_PER_BATCH
    for start in range(0, len(ops), size):
        yield ops[start : start + size]
