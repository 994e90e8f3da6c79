"""Customer profiles from CSV, merged into the workspace's.

A row matches a stored profile by `external_id`, or failing that by email (ignoring case):
the row's non-blank values replace the stored ones, blank ones leave them, and extra columns
merge into `attributes` key by key. A row whose email belongs to a profile with another
external id merges into that profile; the row's id is remembered for the rest of the request
so that the purchases sent with it still find their customer.

Rows are handled in batches inside the caller's transaction: memory stays bounded however
long the file, and a bad row anywhere rolls every batch back."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace
from typing import Any, TextIO

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.utils import timezone

from journeymap.workspaces.models import Workspace

from ..models import CustomerProfile
from .rows import (
    AMOUNT_MESSAGE,
    MAX_ATTRIBUTE_LENGTH,
    Problem,
    Progress,
    insert_rows,
    parse_amount,
    parse_day,
    parse_fraction,
    problem,
    read_rows,
    too_long,
)

TEXT_COLUMNS = ("external_id", "email", "first_name", "last_name", "gender", "city", "country")
DATE_COLUMNS = ("birth_date", "signup_date")
MONEY_COLUMNS = ("income", "lifetime_value", "acquisition_cost")
SHARE_COLUMNS = ("churn_risk", "upsell_potential")
CUSTOMER_COLUMNS = (*TEXT_COLUMNS, *DATE_COLUMNS, *MONEY_COLUMNS, *SHARE_COLUMNS)
BATCH_ROWS = 2_000
PROGRESS_EVERY = 10_000


@dataclass
class CustomerCounts:
    created: int = 0
    updated: int = 0
    merged_by_email: int = 0
    repeated_rows: int = 0
    # external id of a row → the external id of the profile it merged into
    aliases: dict[str, str] = field(default_factory=dict)
    # Profiles created after this moment were created by this import: a later row for one
    # is a repeat, not an update of a stored profile.
    started: datetime = field(default_factory=timezone.now)


def import_customers(
    *, workspace: Workspace, stream: TextIO, progress: Progress | None = None
) -> tuple[CustomerCounts, list[Problem], int]:
    """Merge the file's rows into the workspace's profiles. Returns the counts, the
    problems (a non-empty list means the caller must roll back) and the number of problems
    in all. After the first problem rows are still checked but no longer written."""
    counts = CustomerCounts()
    problems: list[Problem] = []
    total_problems = 0
    batch: list[tuple[int, dict[str, Any]]] = []
    rows = 0
    for line, row in read_rows(stream, required=("external_id",)):
        rows += 1
        values, found = _customer_row(line, row)
        if found:
            total_problems += len(found)
            problems += found[: max(0, 100 - len(problems))]
        elif not total_problems:
            batch.append((line, values))
            if len(batch) >= BATCH_ROWS:
                _merge_batch(workspace, batch, counts)
                batch = []
        if progress is not None and rows % PROGRESS_EVERY == 0:
            progress("customers", rows)
    if batch and not total_problems:
        _merge_batch(workspace, batch, counts)
    if progress is not None:
        progress("customers", rows)
    return counts, problems, total_problems


def _customer_row(line: int, row: dict[str, str]) -> tuple[dict[str, Any], list[Problem]]:
    found: list[Problem] = []
    raw = {k: (row.get(k) or "").strip() for k in CUSTOMER_COLUMNS}
    if not raw["external_id"]:
        found.append(problem(line, "external_id", "is required"))
    found += too_long(line, raw, CustomerProfile, TEXT_COLUMNS)
    values: dict[str, Any] = {k: raw[k] for k in TEXT_COLUMNS}
    values["email"] = values["email"].lower()
    if values["email"] and not any(p["column"] == "email" for p in found):
        try:
            validate_email(values["email"])
        except ValidationError:
            found.append(problem(line, "email", "is not an email"))
    for column in DATE_COLUMNS:
        values[column] = parse_day(raw[column]) if raw[column] else None
        if raw[column] and values[column] is None:
            found.append(problem(line, column, "must be a date (YYYY-MM-DD)"))
    for column in MONEY_COLUMNS:
        values[column] = parse_amount(raw[column]) if raw[column] else None
        if raw[column] and values[column] is None:
            found.append(problem(line, column, AMOUNT_MESSAGE))
    for column in SHARE_COLUMNS:
        values[column] = parse_fraction(raw[column]) if raw[column] else None
        if raw[column] and values[column] is None:
            found.append(problem(line, column, "must be a share from 0 to 1 (or 0–100%)"))
    extra = {k: v for k, v in row.items() if k and k not in CUSTOMER_COLUMNS and v}
    for name, value in extra.items():
        if len(value) > MAX_ATTRIBUTE_LENGTH:
            found.append(problem(line, name, f"longer than {MAX_ATTRIBUTE_LENGTH} characters"))
    values["attributes"] = extra
    return values, found


UPDATABLE = tuple(c for c in CUSTOMER_COLUMNS if c != "external_id") + ("attributes",)
INSERT_COLUMNS = ("id", "workspace", *CUSTOMER_COLUMNS, "attributes", "created_at")


def _merge_into(customer: CustomerProfile, values: dict[str, Any]) -> None:
    """Non-blank values replace, blank ones keep; attributes merge key by key."""
    for name in CUSTOMER_COLUMNS[1:]:
        value = values.get(name)
        if value not in (None, ""):
            setattr(customer, name, value)
    if values.get("attributes"):
        customer.attributes = {**(customer.attributes or {}), **values["attributes"]}


def _merge_batch(
    workspace: Workspace, batch: list[tuple[int, dict[str, Any]]], counts: CustomerCounts
) -> None:
    ids = {values["external_id"] for _, values in batch}
    emails = {values["email"] for _, values in batch if values["email"]}
    by_id: dict[str, CustomerProfile] = {}
    by_email: dict[str, CustomerProfile] = {}
    for customer in _stored(workspace, ids, emails):
        by_id[customer.external_id] = customer
        if customer.email:
            by_email.setdefault(customer.email.lower(), customer)
    stored = {c.pk for c in by_id.values() if c.created_at is None or c.created_at < counts.started}
    touched: dict[Any, CustomerProfile] = {}
    new: dict[str, CustomerProfile] = {}
    for _, values in batch:
        external_id, email = values["external_id"], values["email"]
        target = by_id.get(external_id) or new.get(external_id)
        if target is None and email:
            target = by_email.get(email)
            if target is not None:
                counts.merged_by_email += 1
                counts.aliases[external_id] = target.external_id
        if target is None:
            target = _new_profile(external_id)
            new[external_id] = target
            by_id[external_id] = target
        elif target.pk in touched or target.external_id in new or target.pk not in stored:
            counts.repeated_rows += 1
        _merge_into(target, values)
        if target.email:
            by_email.setdefault(target.email.lower(), target)
        if target.external_id not in new:
            touched[target.pk] = target
    now = timezone.now()
    insert_rows(
        CustomerProfile,
        INSERT_COLUMNS,
        [
            (c.pk, workspace.pk, *(getattr(c, name) for name in INSERT_COLUMNS[2:-1]), now)
            for c in new.values()
        ],
    )
    if touched:
        CustomerProfile.objects.bulk_update(touched.values(), UPDATABLE, batch_size=1000)
    counts.created += len(new)
    counts.updated += len(stored & set(touched))


def _new_profile(external_id: str) -> Any:
    """A profile to insert, as a plain namespace: building model instances was a tenth of
    a large import's time, and these rows go to the database with `insert_rows` anyway."""
    blank: dict[str, Any] = {name: None for name in (*DATE_COLUMNS, *MONEY_COLUMNS, *SHARE_COLUMNS)}
    blank.update({name: "" for name in TEXT_COLUMNS})
    blank.update(pk=uuid.uuid4(), external_id=external_id, attributes={}, created_at=None)
    return SimpleNamespace(**blank)


def _stored(workspace: Workspace, ids: Iterable[str], emails: Iterable[str]) -> Iterator[Any]:
    ids, emails = list(ids), list(emails)
    query = Q(external_id__in=ids)
    if emails:
        # Emails are stored lower-cased by the import; `iexact` would defeat the index.
        query |= Q(email__in=emails)
    return CustomerProfile.objects.filter(query, workspace=workspace).iterator(chunk_size=2000)
