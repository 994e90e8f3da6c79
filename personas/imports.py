"""Customer and purchase import from CSV: every row is checked first, then all are written
in one transaction, so a file with one bad row changes nothing and says which row is bad.

Rows are read one at a time from a text stream (an upload wrapped in `io.TextIOWrapper`),
so a file is never held in memory whole; reading stops at `IMPORT_MAX_ROWS` rows."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TextIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from journeymap.workspaces.models import Workspace

from .models import CustomerProfile, Purchase

CUSTOMER_COLUMNS = ("external_id", "name", "email", "gender", "age", "country", "city")
PURCHASE_COLUMNS = ("external_id", "product", "amount", "purchased_at")
DEFAULT_MAX_ROWS = 50_000
# Extra columns are kept in `attributes`; each value and the number of them are bounded.
MAX_ATTRIBUTE_LENGTH = 1000
MAX_COLUMNS = 100
# Reported problems are capped, so that a refused file gets a readable answer.
MAX_ERRORS = 100


def max_rows() -> int:
    return int(getattr(settings, "IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


class CsvRejected(ValueError):
    """The file was refused; `errors` lists each problem as {"line", "column", "message"}."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        self.errors = errors[:MAX_ERRORS]
        more = f", the first {MAX_ERRORS} listed" if len(errors) > MAX_ERRORS else ""
        super().__init__(f"{len(errors)} problem(s) in the file{more}")


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    purchases: int = 0
    warnings: list[str] = field(default_factory=list)


def _problem(line: int, column: str | None, message: str) -> dict[str, Any]:
    return {"line": line, "column": column, "message": message}


def _max_length(model: type[models.Model], name: str) -> int | None:
    return getattr(model._meta.get_field(name), "max_length", None)


def _rows(stream: TextIO, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, row) pairs, read as they are needed. Raises CsvRejected for a missing column,
    undecodable text, a malformed line or more than `max_rows()` rows; in the last case the
    rest of the file is not read."""
    limit = max_rows()
    reader = csv.reader(stream)
    line = 1
    try:
        header = next(reader, None)
        headers = [h.lstrip("\ufeff").strip().lower() for h in header or []]
        missing = [column for column in required if column not in headers]
        if missing:
            raise CsvRejected([_problem(1, c, "missing column") for c in missing])
        if len(headers) > MAX_COLUMNS:
            raise CsvRejected([_problem(1, None, f"more than {MAX_COLUMNS} columns")])
        count = 0
        for values in reader:
            line = reader.line_num
            if not any(value.strip() for value in values):
                continue  # a blank line
            count += 1
            if count > limit:
                raise CsvRejected([_problem(line, None, f"more than {limit} rows")])
            if any("\x00" in value for value in values):
                raise CsvRejected([_problem(line, None, "contains a NUL character")])
            yield line, dict(zip(headers, values, strict=False))
    except UnicodeDecodeError:
        raise CsvRejected([_problem(line + 1, None, "is not UTF-8 text")]) from None
    except csv.Error as error:
        raise CsvRejected([_problem(reader.line_num or line, None, str(error))]) from None


def _too_long(
    line: int, values: dict[str, Any], model: type[models.Model], columns: tuple[str, ...]
) -> list[dict[str, Any]]:
    problems = []
    for column in columns:
        value = values.get(column)
        limit = _max_length(model, column)
        if isinstance(value, str) and limit is not None and len(value) > limit:
            problems.append(_problem(line, column, f"longer than {limit} characters"))
    return problems


def customers_import(*, workspace: Workspace, stream: TextIO) -> ImportResult:
    """Create or update customer profiles by `external_id`. Columns other than the known
    ones are kept in `attributes`."""
    errors: list[dict[str, Any]] = []
    parsed: dict[str, dict[str, Any]] = {}
    for line, row in _rows(stream, ("external_id",)):
        values, problems = _customer_row(line, row)
        errors += problems
        if not errors:
            parsed[values.pop("external_id")] = values
    if errors:
        raise CsvRejected(errors)
    result = ImportResult()
    with transaction.atomic():
        existing = {
            c.external_id: c
            for c in CustomerProfile.objects.filter(workspace=workspace, external_id__in=parsed)
        }
        new = []
        for external_id, values in parsed.items():
            customer = existing.get(external_id)
            if customer is None:
                new.append(CustomerProfile(workspace=workspace, external_id=external_id, **values))
                continue
            for name, value in values.items():
                setattr(customer, name, value)
        CustomerProfile.objects.bulk_create(new, batch_size=1000)
        if existing:
            CustomerProfile.objects.bulk_update(
                existing.values(), [*CUSTOMER_COLUMNS[1:], "attributes"], batch_size=1000
            )
    result.created, result.updated = len(new), len(existing)
    return result


def _customer_row(line: int, row: dict[str, str]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    problems: list[dict[str, Any]] = []
    values: dict[str, Any] = {k: (row.get(k) or "").strip() for k in CUSTOMER_COLUMNS}
    if not values["external_id"]:
        problems.append(_problem(line, "external_id", "is required"))
    problems += _too_long(line, values, CustomerProfile, CUSTOMER_COLUMNS)
    age = values.pop("age")
    values["age"] = None
    if age:
        if age.isascii() and age.isdigit() and len(age) <= 3 and int(age) <= 130:
            values["age"] = int(age)
        else:
            problems.append(_problem(line, "age", "must be a whole number 0–130"))
    if values["email"] and not any(p["column"] == "email" for p in problems):
        try:
            validate_email(values["email"])
        except ValidationError:
            problems.append(_problem(line, "email", "is not an email"))
    extra = {k: v for k, v in row.items() if k and k not in CUSTOMER_COLUMNS and v}
    for name, value in extra.items():
        if len(value) > MAX_ATTRIBUTE_LENGTH:
            problems.append(_problem(line, name, f"longer than {MAX_ATTRIBUTE_LENGTH} characters"))
    values["attributes"] = extra
    return values, problems


def purchases_import(*, workspace: Workspace, stream: TextIO) -> ImportResult:
    """Append purchases to existing customers (matched by `external_id`)."""
    errors: list[dict[str, Any]] = []
    pending: list[tuple[int, str, str, Decimal, datetime]] = []
    for line, row in _rows(stream, PURCHASE_COLUMNS):
        external_id = (row.get("external_id") or "").strip()
        product = (row.get("product") or "").strip()
        problems: list[dict[str, Any]] = []
        if not external_id:
            problems.append(_problem(line, "external_id", "is required"))
        if not product:
            problems.append(_problem(line, "product", "is required"))
        problems += _too_long(line, {"external_id": external_id}, CustomerProfile, ("external_id",))
        problems += _too_long(line, {"product": product}, Purchase, ("product",))
        amount = _amount((row.get("amount") or "").strip())
        if amount is None:
            problems.append(_problem(line, "amount", AMOUNT_MESSAGE))
        when = _when((row.get("purchased_at") or "").strip())
        if when is None:
            problems.append(_problem(line, "purchased_at", "must be a date or datetime"))
        errors += problems
        if not problems and amount is not None and when is not None:
            pending.append((line, external_id, product, amount, when))
    customers = dict(
        CustomerProfile.objects.filter(
            workspace=workspace, external_id__in={external_id for _, external_id, *_ in pending}
        ).values_list("external_id", "pk")
    )
    for line, external_id, *_ in pending:
        if external_id not in customers:
            errors.append(_problem(line, "external_id", "unknown customer"))
    if errors:
        raise CsvRejected(sorted(errors, key=lambda problem: problem["line"]))
    purchases = [
        Purchase(
            customer_id=customers[external_id], product=product, amount=amount, purchased_at=when
        )
        for _, external_id, product, amount, when in pending
    ]
    with transaction.atomic():
        Purchase.objects.bulk_create(purchases, batch_size=1000)
    return ImportResult(purchases=len(purchases))


AMOUNT_DIGITS, AMOUNT_PLACES = 12, 2  # Purchase.amount
AMOUNT_MESSAGE = (
    f"must be a number with at most {AMOUNT_DIGITS - AMOUNT_PLACES} digits before the point"
)


def _amount(value: str) -> Decimal | None:
    """A decimal that fits Purchase.amount (rounded to cents), or None."""
    try:
        amount = Decimal(value)
        if not amount.is_finite() or abs(amount) >= Decimal(10) ** (AMOUNT_DIGITS - AMOUNT_PLACES):
            return None
        return amount.quantize(Decimal(1).scaleb(-AMOUNT_PLACES))
    except InvalidOperation:
        return None


def _when(value: str) -> datetime | None:
    try:
        moment = parse_datetime(value) if "T" in value or " " in value else None
        day = parse_date(value) if value and moment is None else None
    except ValueError:  # well formed but impossible, like 2024-02-30
        return None
    if moment is None:
        if day is None:
            return None
        moment = datetime(day.year, day.month, day.day)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment
