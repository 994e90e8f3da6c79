"""Write one workspace to a backup file, streaming rows so that size is not held in memory."""

from __future__ import annotations

import base64
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from journeymap.workspaces.models import Workspace

from .fileformat import FORMAT, FORMAT_VERSION, encode_line, open_for_writing
from .plan import ModelPlan, backup_plan, user_columns

CHUNK = 2000
Progress = Callable[[str], None]


@contextmanager
def consistent_snapshot() -> Iterator[None]:
    """Read every table from one committed state without blocking writers.

    PostgreSQL: a REPEATABLE READ, READ ONLY transaction (one snapshot, no locks; server-side
    cursors for the row streams need the transaction anyway). SQLite: a deferred read
    transaction, which in WAL mode reads one state while writers carry on; Django's own
    atomic() would BEGIN IMMEDIATE here and hold the write lock for the whole backup.
    Inside a caller's transaction (tests) the caller's state is read as it is.
    """
    if connection.in_atomic_block:
        yield
        return
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
        return
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("BEGIN DEFERRED")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("COMMIT")


def applied_migrations() -> dict[str, list[str]]:
    by_app: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        by_app.setdefault(app, []).append(name)
    return by_app


def _users(workspace_id: Any) -> list[dict[str, Any]]:
    """Every user a row of the workspace names: by name only, never a password hash."""
    ids: set[int] = set()
    for plan, column in user_columns():
        ids.update(
            plan.rows_of(workspace_id)
            .exclude(**{column.attname: None})
            .order_by()
            .values_list(column.attname, flat=True)
            .distinct()
        )
    fields = ("id", "username", "email", "first_name", "last_name")
    users = get_user_model()._default_manager.filter(id__in=ids).order_by("id")
    return [dict(zip(fields, row, strict=True)) for row in users.values_list(*fields)]


def _write_model(out: IO[str], plan: ModelPlan, workspace_id: Any, progress: Progress) -> int:
    columns = [column.attname for column in plan.columns]
    out.write(encode_line({"t": "model", "label": plan.label, "columns": columns}))
    file_positions = [columns.index(name) for name in plan.files]
    file_names: list[str] = []
    count = 0
    rows = plan.rows_of(workspace_id).values_list(*columns)
    for row in rows.iterator(chunk_size=CHUNK):
        out.write(encode_line(list(row)))
        file_names.extend(row[i] for i in file_positions if row[i])
        count += 1
        if count % 100_000 == 0:
            progress(f"  {plan.label}: {count} rows…")
    for name in sorted(set(file_names)):
        out.write(encode_line(_file_line(name, progress)))
    out.write(encode_line({"t": "end_model", "label": plan.label, "count": count}))
    progress(f"{plan.label}: {count} rows")
    return count


def _file_line(name: str, progress: Progress) -> dict[str, Any]:
    """An uploaded file's bytes. A file the row names but the disk lacks is noted as
    missing: the restore then leaves the row as it was backed up, pointing at nothing."""
    try:
        with default_storage.open(name, "rb") as stream:
            data = stream.read()
    except FileNotFoundError:
        progress(f"  warning: {name} is named by a row but missing from the media storage")
        return {"t": "file", "name": name, "missing": True}
    return {"t": "file", "name": name, "data": base64.b64encode(data).decode("ascii")}


def workspace_backup(
    *, workspace: Workspace, path: str, progress: Progress = lambda _line: None
) -> dict[str, int]:
    """Write `workspace` to `path`; returns the rows written per model.

    The file appears at `path` only once complete (written beside it, then renamed), so a
    failed backup never leaves a truncated file where a good one is expected."""
    plans = backup_plan()
    directory = os.path.dirname(os.path.abspath(path))
    handle, partial = tempfile.mkstemp(prefix=".backup-", suffix=".partial", dir=directory)
    os.close(handle)
    try:
        counts: dict[str, int] = {}
        with consistent_snapshot(), open_for_writing(partial) as out:
            header = {
                "t": "header",
                "format": FORMAT,
                "version": FORMAT_VERSION,
                "created_at": timezone.now().isoformat(),
                "vendor": connection.vendor,
                "workspace": {"id": str(workspace.id), "name": workspace.name},
                "migrations": applied_migrations(),
                "models": [plan.label for plan in plans],
                "counts": {p.label: p.rows_of(workspace.id).count() for p in plans},
            }
            out.write(encode_line(header))
            out.write(encode_line({"t": "users", "rows": _users(workspace.id)}))
            for plan in plans:
                counts[plan.label] = _write_model(out, plan, workspace.id, progress)
            out.write(encode_line({"t": "end", "counts": counts}))
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return counts
