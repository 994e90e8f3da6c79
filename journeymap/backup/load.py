"""Restore a workspace from a backup file, in one transaction: all of it or nothing.

Rows are inserted in the file's order (each model after the models its foreign keys point
at) with `raw` inserts: no save() logic, no signals, and timestamps (`auto_now`) kept as
they were backed up. Integer auto-increment keys are left to the database; see `plan`.
"""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, IntegrityError, connection, models, transaction
from django.db.models import Max, Min

from journeymap.maps.models import EventImport, JourneyEvent, JourneyMap, MapOp
from journeymap.workspaces.models import Workspace

from .dump import applied_migrations
from .fileformat import BackupFileError, decode_value, read_header, read_lines
from .plan import CREDENTIALS, Column, ModelPlan, plan_by_label
from .remap import IdMap, collect_ids

BATCH = 2000
Progress = Callable[[str], None]


class RestoreError(Exception):
    """The restore was refused or failed; nothing was changed. The message says why."""


@dataclass
class RestoreResult:
    workspace_id: uuid.UUID
    name: str
    counts: dict[str, int]
    users_created: list[str] = field(default_factory=list)
    replaced: bool = False


def check_compatible(header: dict[str, Any], plans: dict[str, ModelPlan]) -> None:
    """Refuse a file this database cannot hold: models it lacks, or migrations it has not
    applied (the file's columns would not fit). A file from older migrations is read when
    its columns still exist; columns added since get their defaults."""
    unknown = [label for label in header.get("models", []) if label not in plans]
    if unknown:
        raise RestoreError(f"the backup holds models this installation lacks: {unknown}")
    apps_in_file = {label.split(".")[0] for label in header.get("models", [])}
    local = applied_migrations()
    missing = [
        f"{app}.{name}"
        for app, names in sorted(dict(header.get("migrations") or {}).items())
        if app in apps_in_file
        for name in names
        if name not in local.get(app, [])
    ]
    if missing:
        raise RestoreError(
            "the backup was made by newer migrations than this database has "
            f"({', '.join(missing[:5])}{' …' if len(missing) > 5 else ''}): "
            "upgrade and run `manage.py migrate` first"
        )


class _Loader:
    def __init__(self, *, plans: dict[str, ModelPlan], ids: IdMap | None, progress: Progress):
        self.plans = plans
        self.ids = ids
        self.progress = progress
        self.users: dict[int, int] = {}
        self.users_created: list[str] = []
        self.counts: dict[str, int] = {}
        self.written_files: list[str] = []
        self.workspace_id: uuid.UUID | None = None
        self.skipped = {m._meta.label_lower for m in CREDENTIALS} if ids else set()

    # Users -------------------------------------------------------------------------------
    def load_users(self, rows: list[dict[str, Any]]) -> None:
        """Match by username; a user this database lacks is created inactive with an
        unusable password, so nobody can sign in as them until an admin resets it."""
        user_model = get_user_model()
        for row in rows:
            user = user_model._default_manager.filter(username=row["username"]).first()
            if user is None:
                user = user_model(
                    username=row["username"],
                    email=row.get("email") or "",
                    first_name=row.get("first_name") or "",
                    last_name=row.get("last_name") or "",
                    is_active=False,
                )
                user.set_unusable_password()
                user.save()
                self.users_created.append(row["username"])
            self.users[int(row["id"])] = int(user.pk)

    # Rows ----------------------------------------------------------------------------------
    def run(self, lines: Iterator[Any], header: dict[str, Any]) -> None:
        plan: ModelPlan | None = None
        reader: list[tuple[int, Column]] = []
        defaults: dict[str, Any] = {}
        batch: list[models.Model] = []
        count = 0
        finished = False
        for line in lines:
            if isinstance(line, list):
                if plan is None:
                    raise RestoreError("a row comes before any model line")
                count += 1
                if plan.label in self.skipped:
                    continue
                batch.append(self._row(plan, reader, defaults, line))
                if len(batch) >= BATCH:
                    self._insert(plan, batch)
                    batch = []
                continue
            kind = line.get("t") if isinstance(line, dict) else None
            if kind == "header":
                continue
            if kind == "users":
                self.load_users(list(line["rows"]))
            elif kind == "model":
                plan = self.plans[str(line["label"])]
                reader, defaults = self._columns(plan, list(line["columns"]))
                count = 0
            elif kind == "file" and plan is not None:
                self._insert(plan, batch)
                batch = []
                self._file(plan, line)
            elif kind == "end_model" and plan is not None:
                self._insert(plan, batch)
                batch = []
                expected = header["counts"].get(plan.label)
                if line.get("count") != count or expected != count:
                    raise RestoreError(f"{plan.label}: the file holds {count} rows of {expected}")
                self.counts[plan.label] = 0 if plan.label in self.skipped else count
                self.progress(f"{plan.label}: {self.counts[plan.label]} rows")
                plan = None
            elif kind == "end":
                finished = True
            else:
                raise RestoreError(f"unexpected line in the backup: {str(line)[:80]}")
        if not finished:
            raise RestoreError("the backup file ends early: it is truncated")
        absent = [label for label in header["models"] if label not in self.counts]
        if absent:
            raise RestoreError(f"the backup lacks the rows of {absent}")

    def _columns(
        self, plan: ModelPlan, names: list[str]
    ) -> tuple[list[tuple[int, Column]], dict[str, Any]]:
        by_name = {column.attname: column for column in plan.columns}
        unknown = [name for name in names if name not in by_name]
        if unknown:
            raise RestoreError(f"{plan.label}: this database has no column {unknown}")
        reader = [
            (i, by_name[name])
            for i, name in enumerate(names)
            if not (plan.fresh_pk and by_name[name].field.primary_key)
        ]
        defaults = {
            column.attname: column.field.get_default()
            for column in plan.columns
            if column.attname not in names and not column.field.primary_key
        }
        return reader, defaults

    def _row(
        self,
        plan: ModelPlan,
        reader: list[tuple[int, Column]],
        defaults: dict[str, Any],
        line: list[Any],
    ) -> models.Model:
        values = dict(defaults)
        for position, column in reader:
            values[column.attname] = self._value(column, line[position])
        return plan.model(**values)

    def _value(self, column: Column, raw: Any) -> Any:
        value = decode_value(column.field, raw)
        if value is None:
            return None
        if column.points_to == "user":
            try:
                return self.users[int(value)]
            except KeyError:
                raise RestoreError(f"user {value} is missing from the file's users") from None
        if column.target in self.skipped:
            return None
        ids = self.ids
        if ids is None:
            return value
        if column.points_to == "internal" or column.field.primary_key:
            return ids.new(value) if isinstance(value, uuid.UUID) else value
        if isinstance(value, uuid.UUID):
            return ids.new(value) if ids.knows(value) else value
        if isinstance(column.field, models.JSONField):
            return ids.json(value)
        if isinstance(value, str) and not isinstance(column.field, models.FileField):
            return ids.text(value)
        return value

    def _insert(self, plan: ModelPlan, batch: list[models.Model]) -> None:
        if not batch:
            return
        fields = [
            column.field
            for column in plan.columns
            if not (plan.fresh_pk and column.field.primary_key)
        ]
        size = max(1, connection.ops.bulk_batch_size(fields, batch))
        manager = plan.model._base_manager
        for start in range(0, len(batch), size):
            # raw: the values are inserted as given (no auto_now, no pre_save).
            manager._insert(batch[start : start + size], fields=fields, raw=True)  # type: ignore[attr-defined]

    # Files -----------------------------------------------------------------------------------
    def _file(self, plan: ModelPlan, line: dict[str, Any]) -> None:
        """Put an uploaded file back. Same name when that name is free or already holds the
        same bytes; otherwise (or for a copy `--as-new`) a new name, written into the rows."""
        name = str(line["name"])
        if line.get("missing"):
            return
        data = base64.b64decode(line["data"])
        target = name
        if self.ids is not None or not _holds(name, data):
            if self.ids is not None or default_storage.exists(name):
                stem, extension = os.path.splitext(name)
                target = f"{os.path.dirname(stem)}/{uuid.uuid4().hex}{extension}".lstrip("/")
            target = default_storage.save(target, ContentFile(data))
            self.written_files.append(target)
        if target != name:
            rows = plan.model._base_manager.filter(**{plan.lookup: self.workspace_id})
            for attname in plan.files:
                rows.filter(**{attname: name}).update(**{attname: target})


def _holds(name: str, data: bytes) -> bool:
    if not default_storage.exists(name):
        return False
    with default_storage.open(name, "rb") as stream:
        return bool(stream.read() == data)


def _renumber_event_ranges(*, workspace_id: uuid.UUID, events_after: int) -> None:
    """An import finds its events through an id range (maps.eventlog); the restore gave the
    events new ids, all above `events_after`, so each range is read back from them."""
    for event_import in EventImport.objects.filter(map__workspace_id=workspace_id):
        if event_import.first_event_id is None:
            continue
        bounds = JourneyEvent.objects.filter(
            event_import_id=event_import.id, id__gt=events_after
        ).aggregate(first=Min("id"), last=Max("id"))
        first = bounds["first"] if bounds["first"] is not None else events_after + 1
        last = None if event_import.last_event_id is None else (bounds["last"] or first - 1)
        EventImport.objects.filter(id=event_import.id).update(
            first_event_id=first, last_event_id=last
        )


def _map_states(workspace_id: uuid.UUID) -> dict[uuid.UUID, tuple[int, Any]]:
    """Each map's seq and the op_id of its last batch."""
    states: dict[uuid.UUID, tuple[int, Any]] = {}
    for map_id, seq in JourneyMap._base_manager.filter(workspace_id=workspace_id).values_list(
        "id", "seq"
    ):
        last = MapOp.objects.filter(map_id=map_id, seq=seq).values_list("op_id", flat=True)
        states[map_id] = (seq, last.first())
    return states


def _move_past_replaced(before: dict[uuid.UUID, tuple[int, Any]], workspace_id: uuid.UUID) -> None:
    """A map that moved on after the backup (or is another timeline) had seqs the restored
    one would reuse: a client still at such a seq would be sent the wrong catch-up, and a
    snapshot cached per (map, seq) would be served again. The restored map jumps past
    every seq the old one used, with an empty batch in the log two above the old top, so
    no client's last seq is followed by a contiguous patch: each gets a snapshot."""
    after = _map_states(workspace_id)
    for map_id, state in after.items():
        old = before.get(map_id)
        if old is None or old == state:
            continue
        seq = max(old[0], state[0]) + 2
        MapOp.objects.create(
            map_id=map_id, seq=seq, op_id=uuid.uuid4(), client_id="restore", ops=[]
        )
        JourneyMap._base_manager.filter(id=map_id).update(seq=seq)


def workspace_restore(
    *,
    path: str,
    replace: bool = False,
    as_new: bool = False,
    progress: Progress = lambda _line: None,
    id_key: bytes | None = None,
) -> RestoreResult:
    """Restore the backup at `path`; RestoreError (nothing changed) when it cannot.

    `as_new`: under fresh ids (see `remap`), `id_key` fixing the key they are derived
    with (random by default)."""
    if replace and as_new:
        raise RestoreError("--replace and --as-new exclude each other")
    try:
        header = read_header(path)
        plans = plan_by_label()
        check_compatible(header, plans)
        old_id = uuid.UUID(str(header["workspace"]["id"]))
        ids = collect_ids(path, plans, id_key) if as_new else None
    except (BackupFileError, KeyError, TypeError, ValueError) as error:
        raise RestoreError(str(error)) from None
    workspace_id = ids.new(old_id) if ids else old_id
    loader = _Loader(plans=plans, ids=ids, progress=progress)
    loader.workspace_id = workspace_id
    replaced = False
    try:
        with transaction.atomic():
            existing = Workspace.objects.select_for_update().filter(pk=workspace_id).first()
            before: dict[uuid.UUID, tuple[int, Any]] = {}
            if existing is not None:
                if not replace:
                    raise RestoreError(
                        f"workspace {workspace_id} ({existing.name}) already exists: pass "
                        "--replace to overwrite it or --as-new to restore a copy"
                    )
                before = _map_states(workspace_id)
                Workspace.objects.filter(pk=workspace_id).delete()
                replaced = True
                progress(f"deleted the existing workspace {workspace_id}")
            events_after = JourneyEvent.objects.aggregate(top=Max("id"))["top"] or 0
            loader.run(read_lines(path), header)
            _renumber_event_ranges(workspace_id=workspace_id, events_after=events_after)
            if before:
                _move_past_replaced(before, workspace_id)
    except BaseException as error:
        for name in loader.written_files:
            default_storage.delete(name)
        if isinstance(error, BackupFileError | KeyError | TypeError | ValueError | ValidationError):
            raise RestoreError(f"the backup cannot be read: {error}") from None
        if isinstance(error, IntegrityError | DatabaseError):
            raise RestoreError(f"the database refused the restore: {error}") from None
        raise
    return RestoreResult(
        workspace_id=workspace_id,
        name=str(header["workspace"].get("name", "")),
        counts=loader.counts,
        users_created=loader.users_created,
        replaced=replaced,
    )
