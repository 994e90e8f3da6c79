"""Reading an event-log CSV row by row: header, field checks, timestamps, touchpoint names.

Nothing here touches the database. `read_events` streams a binary file and yields one
`EventRow` (or one `RowError`) per data row, so a million-row log is never a million Python
objects at once.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import BinaryIO, NamedTuple

REQUIRED = ("case_id", "touchpoint", "timestamp")
OPTIONAL = ("persona", "channel")
MAX_LENGTH = {"case_id": 200, "touchpoint": 300, "persona": 200, "channel": 200}
# Epoch seconds below this are taken as seconds, above as milliseconds (year 2286 / 1973).
_EPOCH_MS_THRESHOLD = 10_000_000_000


class HeaderError(ValueError):
    """The file cannot be read as an event log at all (no header, missing columns)."""


class EventRow(NamedTuple):
    # A tuple rather than a dataclass: a million of them pass through an import, and a
    # tuple is the cheapest Python object to build.
    line: int
    case_id: str
    label: str
    touchpoint_id: str | None  # None: the map has no touchpoint of that id or title
    at_ms: int
    persona: str
    channel: str


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    column: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"line": self.line, "column": self.column, "message": self.message}


class TouchpointNames:
    """Resolves what a log calls a touchpoint: its id, or its title (case and surrounding
    spaces ignored). A title that several touchpoints share resolves to the first by id."""

    def __init__(self, touchpoints: Mapping[str, str]) -> None:
        """`touchpoints`: id → title."""
        self.by_id = {str(tp_id): str(tp_id) for tp_id in touchpoints}
        self.by_title: dict[str, str] = {}
        for tp_id, title in sorted(touchpoints.items()):
            self.by_title.setdefault(_fold(title), str(tp_id))
        # A log repeats a few dozen names a million times: resolve each name once.
        self.seen: dict[str, str | None] = {}

    def add(self, *, touchpoint_id: str, title: str) -> None:
        self.by_id[touchpoint_id] = touchpoint_id
        self.by_title.setdefault(_fold(title), touchpoint_id)
        self.seen.clear()

    def resolve(self, name: str) -> str | None:
        try:
            return self.seen[name]
        except KeyError:
            found = self.seen[name] = self._resolve(name)
            return found

    def _resolve(self, name: str) -> str | None:
        if name in self.by_id:
            return name
        try:
            canonical = str(uuid.UUID(name))
        except ValueError:
            canonical = ""
        if canonical in self.by_id:
            return canonical
        return self.by_title.get(_fold(name))


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def parse_timestamp(value: str) -> int:
    """Milliseconds since the epoch from ISO 8601 (a time without an offset is UTC) or from
    epoch seconds or milliseconds. Raises ValueError with a readable message."""
    text = value.strip()
    if not text:
        raise ValueError("timestamp is empty")
    if "-" in text[1:] or ":" in text:  # ISO 8601 (tried first: by far the usual case)
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(
                f"timestamp {text!r} is neither ISO 8601 (2026-03-01T09:30:00Z) nor epoch seconds"
            ) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return int(moment.timestamp() * 1000)
    try:
        number = float(text)
    except ValueError:
        number = None
    if number is not None:
        if number != number or number in (float("inf"), float("-inf")) or number < 0:
            raise ValueError(f"timestamp {text!r} is not a time")
        millis = number if number >= _EPOCH_MS_THRESHOLD else number * 1000
        if millis > 253_402_300_799_000:  # 9999-12-31
            raise ValueError(f"timestamp {text!r} is too far in the future")
        return int(millis)
    raise ValueError(
        f"timestamp {text!r} is neither ISO 8601 (2026-03-01T09:30:00Z) nor epoch seconds"
    )


def text_rows(file: BinaryIO) -> Iterator[list[str]]:
    """CSV rows from a binary file, decoded as UTF-8 (a BOM is dropped) as it is read."""
    text = io.TextIOWrapper(file, encoding="utf-8-sig", newline="")
    try:
        yield from csv.reader(text)
    finally:
        # Hand the file back open: the caller still reads its position and closes it. (If
        # the caller already closed it, there is nothing left to hand back.)
        if not file.closed:
            text.detach()


def read_events(
    file: BinaryIO, *, names: TouchpointNames, max_rows: int
) -> Iterator[EventRow | RowError]:
    """Every data row of the log, checked. Line numbers count the header as line 1.

    Raises HeaderError when the header lacks a required column, and stops with a RowError
    past `max_rows` data rows without reading the rest of the file."""
    rows = text_rows(file)
    try:
        header = next(rows)
    except StopIteration:
        raise HeaderError("the file is empty: expected a header line") from None
    except UnicodeDecodeError:
        raise HeaderError("the file is not UTF-8 text") from None
    columns = {name.strip().lower(): index for index, name in enumerate(header)}
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise HeaderError(
            f"missing column(s) {', '.join(missing)}: the header must name "
            f"{', '.join(REQUIRED)} (optional: {', '.join(OPTIONAL)})"
        )
    wanted = {name: columns[name] for name in (*REQUIRED, *OPTIONAL) if name in columns}
    at_case, at_label, at_time = (columns[name] for name in REQUIRED)
    at_persona, at_channel = (columns.get(name) for name in OPTIONAL)
    width = max(wanted.values()) + 1
    resolve = names.resolve
    from_iso = datetime.fromisoformat
    line = 1
    count = 0
    while True:
        try:
            raw = next(rows)
        except StopIteration:
            return
        except UnicodeDecodeError:
            yield RowError(line + 1, "", "the file is not UTF-8 text from here on")
            return
        except csv.Error as error:
            yield RowError(line + 1, "", f"unreadable CSV: {error}")
            return
        line += 1
        if len(raw) >= width:
            # The hot loop of an import, for the usual row: every column present, short
            # enough, an ISO 8601 time. Anything else takes `_check`, which says what is
            # wrong (or accepts what this skipped, such as epoch seconds).
            case_id = raw[at_case].strip()
            label = raw[at_label].strip()
            stamp = raw[at_time].strip()
            persona = raw[at_persona].strip() if at_persona is not None else ""
            channel = raw[at_channel].strip() if at_channel is not None else ""
            if (
                case_id
                and label
                and len(stamp) >= 10
                and stamp[4] == "-"
                and len(case_id) <= MAX_LENGTH["case_id"]
                and len(label) <= MAX_LENGTH["touchpoint"]
                and len(persona) <= MAX_LENGTH["persona"]
                and len(channel) <= MAX_LENGTH["channel"]
            ):
                try:
                    moment = from_iso(stamp)
                except ValueError:
                    pass
                else:
                    count += 1
                    if count > max_rows:
                        yield RowError(line, "", f"more than {max_rows} rows: split the log")
                        return
                    if moment.tzinfo is None:
                        moment = moment.replace(tzinfo=UTC)
                    yield EventRow(
                        line,
                        case_id,
                        label,
                        resolve(label),
                        int(moment.timestamp() * 1000),
                        persona,
                        channel,
                    )
                    continue
        if not raw or all(not cell.strip() for cell in raw):
            continue  # blank lines are not events
        count += 1
        if count > max_rows:
            yield RowError(line, "", f"more than {max_rows} rows: split the log")
            return
        yield _check(raw, line=line, wanted=wanted, names=names)


def _check(
    raw: list[str], *, line: int, wanted: dict[str, int], names: TouchpointNames
) -> EventRow | RowError:
    width = len(raw)
    fields = []
    for name, index in wanted.items():
        value = raw[index].strip() if index < width else ""
        if len(value) > MAX_LENGTH.get(name, 10_000):
            return RowError(line, name, f"longer than {MAX_LENGTH.get(name, 10_000)} characters")
        fields.append(value)
    values = dict(zip(wanted, fields, strict=True))
    case_id, label = values["case_id"], values["touchpoint"]
    if not case_id:
        return RowError(line, "case_id", "case_id is empty")
    if not label:
        return RowError(line, "touchpoint", "touchpoint is empty")
    try:
        at_ms = parse_timestamp(values["timestamp"])
    except ValueError as error:
        return RowError(line, "timestamp", str(error))
    return EventRow(
        line=line,
        case_id=case_id,
        label=label,
        touchpoint_id=names.resolve(label),
        at_ms=at_ms,
        persona=values.get("persona", ""),
        channel=values.get("channel", ""),
    )
