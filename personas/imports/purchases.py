"""Purchases from CSV, added to the workspace's customers without doubling.

A purchase is identified by its `purchase_id` column when the file has one, otherwise by
everything it says: customer, product, amount, time and channel. The identity is stored as
`Purchase.fingerprint` (unique per customer), so re-importing a file, or a file that
overlaps an earlier one, adds only what is new and reports the rest as duplicates.

Rows are handled in batches inside the caller's transaction: memory stays bounded however
long the file (a 1M-row file never holds more than one batch), and a bad row anywhere rolls
every batch back."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, TextIO

from journeymap.workspaces.models import Workspace

from ..models import CustomerProfile, Purchase
from .rows import (
    AMOUNT_MESSAGE,
    Problem,
    Progress,
    insert_rows,
    parse_amount,
    parse_moment,
    problem,
    read_rows,
    too_long,
)

REQUIRED = ("customer_external_id", "product", "amount", "purchased_at")
# Files written for the first version of the import name the customer `external_id`.
ALIASES = {"external_id": "customer_external_id"}
BATCH_ROWS = 5_000
INSERT_COLUMNS = ("id", "customer", "product", "amount", "purchased_at", "channel", "fingerprint")
PROGRESS_EVERY = 20_000


@dataclass
class PurchaseCounts:
    added: int = 0
    duplicates: int = 0


@dataclass(frozen=True)
class _Row:
    line: int
    customer: str
    product: str
    amount: Decimal
    when: datetime
    channel: str
    purchase_id: str


def import_purchases(
    *,
    workspace: Workspace,
    stream: TextIO,
    aliases: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> tuple[PurchaseCounts, list[Problem], int]:
    """Add the file's purchases. Returns the counts, the problems (non-empty: the caller
    must roll back) and the number of problems in all. `aliases` maps a customer id of this
    request's customers file to the profile it merged into."""
    counts = PurchaseCounts()
    problems: list[Problem] = []
    total = 0
    batch: list[_Row] = []
    rows = 0

    def flush() -> None:
        nonlocal total, problems
        unknown = _store(workspace, batch, aliases or {}, counts, write=not total)
        total += len(unknown)
        problems += unknown[: max(0, 100 - len(problems))]

    for line, raw in read_rows(stream, required=REQUIRED, aliases=ALIASES):
        rows += 1
        row, found = _purchase_row(line, raw)
        if found:
            total += len(found)
            problems += found[: max(0, 100 - len(problems))]
        elif row is not None:
            batch.append(row)
            if len(batch) >= BATCH_ROWS:
                flush()
                batch = []
        if progress is not None and rows % PROGRESS_EVERY == 0:
            progress("purchases", rows)
    if batch:
        flush()
    if progress is not None:
        progress("purchases", rows)
    problems.sort(key=lambda p: p["line"])
    return counts, problems, total


def _purchase_row(line: int, raw: dict[str, str]) -> tuple[_Row | None, list[Problem]]:
    values = {k: (raw.get(k) or "").strip() for k in (*REQUIRED, "channel", "purchase_id")}
    found: list[Problem] = []
    for column in ("customer_external_id", "product"):
        if not values[column]:
            found.append(problem(line, column, "is required"))
    found += too_long(
        line, {"external_id": values["customer_external_id"]}, CustomerProfile, ("external_id",)
    )
    found += too_long(line, values, Purchase, ("product", "channel"))
    if len(values["purchase_id"]) > 200:
        found.append(problem(line, "purchase_id", "longer than 200 characters"))
    amount = parse_amount(values["amount"])
    if amount is None:
        found.append(problem(line, "amount", AMOUNT_MESSAGE))
    when = parse_moment(values["purchased_at"])
    if when is None:
        found.append(problem(line, "purchased_at", "must be a date or datetime"))
    if found or amount is None or when is None:
        return None, found
    row = _Row(
        line=line,
        customer=values["customer_external_id"],
        product=values["product"],
        amount=amount,
        when=when,
        channel=values["channel"],
        purchase_id=values["purchase_id"],
    )
    return row, []


def fingerprint(row: _Row) -> str:
    if row.purchase_id:
        identity = f"id\x1f{row.purchase_id}"
    else:
        identity = "\x1f".join(
            (row.product, str(row.amount), row.when.isoformat(timespec="seconds"), row.channel)
        )
    return hashlib.md5(identity.encode(), usedforsecurity=False).hexdigest()


def _store(
    workspace: Workspace,
    batch: list[_Row],
    aliases: dict[str, str],
    counts: PurchaseCounts,
    *,
    write: bool,
) -> list[Problem]:
    """Write one batch's new purchases; return its rows whose customer is unknown."""
    wanted = {aliases.get(row.customer, row.customer) for row in batch}
    customers = dict(
        CustomerProfile.objects.filter(workspace=workspace, external_id__in=wanted).values_list(
            "external_id", "pk"
        )
    )
    unknown = [
        problem(row.line, "customer_external_id", "unknown customer")
        for row in batch
        if aliases.get(row.customer, row.customer) not in customers
    ]
    if unknown or not write:
        return unknown
    keyed: dict[tuple[Any, str], _Row] = {}
    for row in batch:
        key = (customers[aliases.get(row.customer, row.customer)], fingerprint(row))
        if key in keyed:
            counts.duplicates += 1
        keyed[key] = row
    stored = set(
        Purchase.objects.filter(
            customer_id__in={customer for customer, _ in keyed},
            fingerprint__in={digest for _, digest in keyed},
        ).values_list("customer_id", "fingerprint")
    )
    new = [
        (uuid.uuid4(), customer, row.product, row.amount, row.when, row.channel, digest)
        for (customer, digest), row in keyed.items()
        if (customer, digest) not in stored
    ]
    insert_rows(Purchase, INSERT_COLUMNS, new)
    counts.added += len(new)
    counts.duplicates += len(keyed) - len(new)
    return []
