"""Customer and purchase import from CSV: every row is checked first, then all are written
in one transaction, so a file with one bad row changes nothing and says which row is bad."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from journeymap.workspaces.models import Workspace

from .models import CustomerProfile, Purchase

CUSTOMER_COLUMNS = ("external_id", "name", "email", "gender", "age", "country", "city")
PURCHASE_COLUMNS = ("external_id", "product", "amount", "purchased_at")
MAX_ROWS = 50_000


class CsvRejected(ValueError):
    """The file was refused; `errors` lists each problem as {"line", "column", "message"}."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} problem(s) in the file")


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    purchases: int = 0
    warnings: list[str] = field(default_factory=list)


def _rows(text: str, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    headers = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [column for column in required if column not in headers]
    if missing:
        raise CsvRejected([{"line": 1, "column": c, "message": "missing column"} for c in missing])
    reader.fieldnames = headers
    rows = [(reader.line_num, row) for row in reader]
    if len(rows) > MAX_ROWS:
        raise CsvRejected([{"line": 0, "column": None, "message": f"over {MAX_ROWS} rows"}])
    return rows


def customers_import(*, workspace: Workspace, text: str) -> ImportResult:
    """Create or update customer profiles by `external_id`. Columns other than the known
    ones are kept in `attributes`."""
    errors: list[dict[str, Any]] = []
    parsed: dict[str, dict[str, Any]] = {}
    for line, row in _rows(text, ("external_id",)):
        external_id = (row.get("external_id") or "").strip()
        if not external_id:
            errors.append({"line": line, "column": "external_id", "message": "is required"})
            continue
        values: dict[str, Any] = {k: (row.get(k) or "").strip() for k in CUSTOMER_COLUMNS[1:]}
        age = values.pop("age")
        if age:
            if not age.isdigit() or not 0 <= int(age) <= 130:
                errors.append({"line": line, "column": "age", "message": "must be 0–130"})
            values["age"] = int(age) if age.isdigit() else None
        else:
            values["age"] = None
        if values["email"]:
            try:
                validate_email(values["email"])
            except ValidationError:
                errors.append({"line": line, "column": "email", "message": "is not an email"})
        extra = {k: v for k, v in row.items() if k and k not in CUSTOMER_COLUMNS and v}
        values["attributes"] = extra
        parsed[external_id] = values
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
        CustomerProfile.objects.bulk_create(new)
        if existing:
            CustomerProfile.objects.bulk_update(
                existing.values(), [*CUSTOMER_COLUMNS[1:], "attributes"]
            )
    result.created, result.updated = len(new), len(existing)
    return result


def purchases_import(*, workspace: Workspace, text: str) -> ImportResult:
    """Append purchases to existing customers (matched by `external_id`)."""
    rows = _rows(text, PURCHASE_COLUMNS)
    customers = dict(
        CustomerProfile.objects.filter(
            workspace=workspace, external_id__in={r.get("external_id", "").strip() for _, r in rows}
        ).values_list("external_id", "pk")
    )
    errors: list[dict[str, Any]] = []
    purchases = []
    for line, row in rows:
        external_id = (row.get("external_id") or "").strip()
        if external_id not in customers:
            errors.append({"line": line, "column": "external_id", "message": "unknown customer"})
        product = (row.get("product") or "").strip()
        if not product:
            errors.append({"line": line, "column": "product", "message": "is required"})
        try:
            amount = Decimal((row.get("amount") or "").strip())
        except InvalidOperation:
            errors.append({"line": line, "column": "amount", "message": "must be a number"})
            continue
        when = _when((row.get("purchased_at") or "").strip())
        if when is None:
            errors.append(
                {"line": line, "column": "purchased_at", "message": "must be a date or datetime"}
            )
            continue
        if external_id in customers and product:
            purchases.append(
                Purchase(
                    customer_id=customers[external_id],
                    product=product,
                    amount=amount,
                    purchased_at=when,
                )
            )
    if errors:
        raise CsvRejected(errors)
    Purchase.objects.bulk_create(purchases)
    return ImportResult(purchases=len(purchases))


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
