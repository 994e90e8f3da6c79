"""The backup file: gzip'd JSON lines, one object or row per line.

    {"t": "header", "format": FORMAT, "version": 1, "created_at", "workspace", "migrations",
     "counts", "models": [label, …]}
    {"t": "users", "rows": [{"id", "username", "email", "first_name", "last_name"}, …]}
    {"t": "model", "label": "maps.stage", "columns": ["id", "map_id", …]}
    [value, …]                       one row, in the columns' order (repeated)
    {"t": "file", "name": "personas/….png", "data": "<base64>"}   (after a model's rows)
    {"t": "end_model", "label": "maps.stage", "count": N}
    {"t": "end", "counts": {label: N}}

Values are JSON: datetimes, dates and times in ISO 8601 with every microsecond, decimals
and UUIDs as strings, JSON fields as themselves. The closing `end` line is what tells a
complete file from a truncated one.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import gzip
import json
import uuid
import zlib
from collections.abc import Iterator
from typing import IO, Any

from django.db import models

FORMAT = "journeymap-workspace-backup"
FORMAT_VERSION = 1


class BackupFileError(Exception):
    """The file is not a backup this code can read; the message says why."""


def _default(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    raise TypeError(f"cannot write {type(value).__name__} to a backup")


def encode_line(item: Any) -> str:
    return json.dumps(item, default=_default, ensure_ascii=False, separators=(",", ":")) + "\n"


def decode_value(field: models.Field, value: Any) -> Any:
    """A column's value as read from the file, as the model field holds it."""
    if value is None or isinstance(field, models.JSONField):
        return value
    if isinstance(field, models.BinaryField):
        return base64.b64decode(value)
    if isinstance(field, models.ForeignKey):
        return field.target_field.to_python(value)
    if isinstance(field, models.DurationField):
        return datetime.timedelta(seconds=value)
    return field.to_python(value)


def open_for_writing(path: str) -> IO[str]:
    return gzip.open(path, "wt", encoding="utf-8", compresslevel=6)


def read_lines(path: str) -> Iterator[Any]:
    """Each line of the file, decoded; BackupFileError for anything that is not gzip'd JSON."""
    line_number = 0
    try:
        with gzip.open(path, "rt", encoding="utf-8") as stream:
            for line_number, line in enumerate(stream, start=1):  # noqa: B007
                yield json.loads(line)
    except FileNotFoundError:
        raise BackupFileError(f"{path}: no such file") from None
    except (OSError, EOFError, zlib.error) as error:
        raise BackupFileError(
            f"{path}: not a complete gzip file after line {line_number} ({error})"
        ) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise BackupFileError(f"{path}: line {line_number + 1} is not JSON ({error})") from None


def read_header(path: str) -> dict[str, Any]:
    """The header, checked: the right format, a version this code reads."""
    for first in read_lines(path):
        if not isinstance(first, dict) or first.get("t") != "header":
            break
        if first.get("format") != FORMAT:
            break
        version = first.get("version")
        if not isinstance(version, int) or version < 1:
            raise BackupFileError(f"{path}: the header has no valid format version")
        if version > FORMAT_VERSION:
            raise BackupFileError(
                f"{path}: format version {version} was written by a newer Journeymap; "
                f"this one reads up to version {FORMAT_VERSION}"
            )
        return first
    raise BackupFileError(f"{path}: not a Journeymap workspace backup (no header)")
