"""Reading an import's CSV: rows one at a time, each problem named by line and column.

A file is never held in memory whole: rows are read from a text stream (an upload wrapped in
`io.TextIOWrapper`) as the import needs them, and reading stops at `IMPORT_MAX_ROWS`."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TextIO

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

DEFAULT_MAX_ROWS = 5_000_000
# Extra columns are kept in `attributes`; each value and the number of them are bounded.
MAX_ATTRIBUTE_LENGTH = 1000
MAX_COLUMNS = 100
# Reported problems are capped, so that a refused file gets a readable answer.
MAX_ERRORS = 100

Problem = dict[str, Any]
# Called now and then with the rows read so far; the API turns it into a progress figure.
Progress = Callable[[str, int], None]


def max_rows() -> int:
    return int(getattr(settings, "IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


class CsvRejected(ValueError):
    """The file was refused; `errors` lists each problem as {"line", "column", "message"}
    (and "file" when the request carried two files)."""

    def __init__(self, errors: list[Problem], *, total: int | None = None) -> None:
        self.errors = errors[:MAX_ERRORS]
        count = total if total is not None else len(errors)
        more = f", the first {MAX_ERRORS} listed" if count > MAX_ERRORS else ""
        super().__init__(f"{count} problem(s) in the file{more}")


def problem(line: int, column: str | None, message: str) -> Problem:
    return {"line": line, "column": column, "message": message}


def max_length(model: type[models.Model], name: str) -> int | None:
    return getattr(model._meta.get_field(name), "max_length", None)


def read_rows(
    stream: TextIO, *, required: tuple[str, ...], aliases: dict[str, str] | None = None
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, row) pairs, read as they are needed. Raises CsvRejected for a missing column,
    undecodable text, a malformed line or more than `max_rows()` rows; in the last case the
    rest of the file is not read. `aliases` maps an accepted older header to its name."""
    limit = max_rows()
    reader = csv.reader(stream)
    line = 1
    try:
        header = next(reader, None)
        headers = [h.lstrip("\ufeff").strip().lower() for h in header or []]
        headers = [(aliases or {}).get(h, h) for h in headers]
        missing = [column for column in required if column not in headers]
        if missing:
            raise CsvRejected([problem(1, c, "missing column") for c in missing])
        if len(headers) > MAX_COLUMNS:
            raise CsvRejected([problem(1, None, f"more than {MAX_COLUMNS} columns")])
        count = 0
        for values in reader:
            line = reader.line_num
            if not any(value.strip() for value in values):
                continue  # a blank line
            count += 1
            if count > limit:
                raise CsvRejected([problem(line, None, f"more than {limit} rows")])
            if any("\x00" in value for value in values):
                raise CsvRejected([problem(line, None, "contains a NUL character")])
            yield line, dict(zip(headers, values, strict=False))
    except UnicodeDecodeError:
        raise CsvRejected([problem(line + 1, None, "is not UTF-8 text")]) from None
    except csv.Error as error:
        raise CsvRejected([problem(reader.line_num or line, None, str(error))]) from None


def too_long(
    line: int, values: dict[str, Any], model: type[models.Model], columns: tuple[str, ...]
) -> list[Problem]:
    problems = []
    for column in columns:
        value = values.get(column)
        limit = max_length(model, column)
        if isinstance(value, str) and limit is not None and len(value) > limit:
            problems.append(problem(line, column, f"longer than {limit} characters"))
    return problems


AMOUNT_DIGITS, AMOUNT_PLACES = 12, 2  # Purchase.amount, CustomerProfile.income
AMOUNT_MESSAGE = (
    f"must be a number with at most {AMOUNT_DIGITS - AMOUNT_PLACES} digits before the point"
)


def parse_amount(value: str) -> Decimal | None:
    """A decimal that fits a money column (rounded to cents), or None."""
    try:
        amount = Decimal(value)
        if not amount.is_finite() or abs(amount) >= Decimal(10) ** (AMOUNT_DIGITS - AMOUNT_PLACES):
            return None
        return amount.quantize(Decimal(1).scaleb(-AMOUNT_PLACES))
    except InvalidOperation:
        return None


def parse_day(value: str) -> date | None:
    try:
        return parse_date(value)
    except ValueError:  # well formed but impossible, like 2024-02-30
        return None


def parse_moment(value: str) -> datetime | None:
    try:
        moment = parse_datetime(value) if "T" in value or " " in value else None
        day = parse_date(value) if value and moment is None else None
    except ValueError:
        return None
    if moment is None:
        if day is None:
            return None
        moment = datetime(day.year, day.month, day.day)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


def parse_fraction(value: str) -> float | None:
    """A share 0–1 (a churn risk, an upsell potential); "35%" reads as 0.35."""
    text = value.strip()
    scale = 100.0 if text.endswith("%") else 1.0
    try:
        number = float(text.rstrip("%")) / scale
    except ValueError:
        return None
    return number if 0.0 <= number <= 1.0 else None


def _sqlite_converter(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    """How SQLite's driver must receive a value of `field` (what the ORM would send)."""
    from django.db import connection

    target = field.target_field if field.is_relation else field  # type: ignore[attr-defined]
    if isinstance(target, models.UUIDField):
        return lambda value: value.hex if value is not None else None
    if isinstance(target, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(target, models.DateField):
        return connection.ops.adapt_datefield_value
    if isinstance(target, models.DecimalField):
        digits, places = target.max_digits, target.decimal_places
        return lambda value: connection.ops.adapt_decimalfield_value(value, digits, places)
    if isinstance(target, models.JSONField):
        return json.dumps
    return lambda value: value


def insert_rows(
    model: type[models.Model], columns: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> None:
    """Insert plain rows without the ORM's per-object work, which was four fifths of an
    import's time (bench/segments.py): one COPY on PostgreSQL, one executemany on SQLite.
    Values are given as the model's fields hold them; JSON fields as dicts."""
    from django.db import connection

    if not rows:
        return
    fields = [model._meta.get_field(name) for name in columns]
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)  # type: ignore[union-attr]
    json_at = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    if json_at:
                        row = tuple(json.dumps(v) if i in json_at else v for i, v in enumerate(row))
                    copy.write_row(row)
            return
        convert = [_sqlite_converter(f) for f in fields]  # type: ignore[arg-type]
        marks = ", ".join(["%s"] * len(fields))
        cursor.executemany(
            f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608 - names are the model's
            [tuple(c(v) for c, v in zip(convert, row, strict=True)) for row in rows],
        )
