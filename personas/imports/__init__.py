"""Customer data from CSV: profiles and purchases, in one request, all or nothing.

`customer_data_import` runs the customers file, then the purchases file, inside one
transaction: a problem anywhere (reported by file, line and column) rolls back both, so a
refused import changes nothing. Every row is still checked after the first problem, so that
one answer lists what to fix (the first 100 problems)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any, TextIO

from django.db import connection, transaction

from journeymap.core.metrics import timed_import
from journeymap.workspaces.audit import audit_record
from journeymap.workspaces.models import Workspace

from .customers import CUSTOMER_COLUMNS, CustomerCounts, import_customers
from .purchases import PurchaseCounts, import_purchases
from .rows import MAX_ERRORS, CsvRejected, Progress

__all__ = [
    "CUSTOMER_COLUMNS",
    "CsvRejected",
    "ImportResult",
    "customer_data_import",
    "customers_import",
    "purchases_import",
]


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    merged_by_email: int = 0
    repeated_rows: int = 0
    purchases: int = 0
    duplicate_purchases: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


class _Abort(Exception):
    """Rolls the transaction back once every row has been checked."""


@timed_import("customers")
def customer_data_import(
    *,
    workspace: Workspace,
    actor: Any,
    customers: TextIO | None = None,
    purchases: TextIO | None = None,
    progress: Progress | None = None,
    address: str | None = None,
) -> ImportResult:
    """Import either file or both; raise CsvRejected (and change nothing) on any problem."""
    if customers is None and purchases is None:
        raise ValueError("nothing to import")
    people, bought = CustomerCounts(), PurchaseCounts()
    problems: list[dict[str, Any]] = []
    total = 0
    both = customers is not None and purchases is not None
    try:
        with transaction.atomic():
            _prefer_indexes()
            if customers is not None:
                with _naming("customers" if both else None):
                    people, found, count = import_customers(
                        workspace=workspace, stream=customers, progress=progress
                    )
                problems += [{**p, "file": "customers"} if both else p for p in found]
                total += count
            if purchases is not None:
                with _naming("purchases" if both else None):
                    bought, found, count = import_purchases(
                        workspace=workspace,
                        stream=purchases,
                        aliases=people.aliases,
                        progress=progress,
                    )
                problems += [{**p, "file": "purchases"} if both else p for p in found]
                total += count
            if total:
                raise _Abort
            result = ImportResult(
                created=people.created,
                updated=people.updated,
                merged_by_email=people.merged_by_email,
                repeated_rows=people.repeated_rows,
                purchases=bought.added,
                duplicate_purchases=bought.duplicates,
            )
            audit_record(
                workspace=workspace,
                actor=actor,
                action="customers.imported",
                subject="customer data",
                detail=result.as_dict(),
                address=address,
            )
    except _Abort:
        raise CsvRejected(problems[:MAX_ERRORS], total=total) from None
    return result


def _prefer_indexes() -> None:
    """Each batch looks up the rows it may merge with or duplicate, by index. Inside the
    import's one transaction the tables grow by up to millions of rows while PostgreSQL's
    statistics still describe them as they were, so its planner picks sequential scans that
    grow with every batch (a 1M-row import took 5.6× longer per row than a 100k one). For
    this transaction only, it is told to use the indexes."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")


@contextmanager
def _naming(file: str | None) -> Iterator[None]:
    """A file refused whole (a header, a row limit) names the file when there are two."""
    try:
        yield
    except CsvRejected as rejected:
        if file is not None:
            rejected.errors = [{**p, "file": file} for p in rejected.errors]
        raise


def customers_import(*, workspace: Workspace, stream: TextIO, actor: Any = None) -> ImportResult:
    return customer_data_import(workspace=workspace, actor=actor, customers=stream)


def purchases_import(*, workspace: Workspace, stream: TextIO, actor: Any = None) -> ImportResult:
    return customer_data_import(workspace=workspace, actor=actor, purchases=stream)
