"""Reads behind the segment editor: the rule grammar as data, a live preview of a rule tree,
a segment's size history and its members as CSV rows.

Kept apart from `selectors.py` (which evaluates rules) so the editor's reads sit together;
everything here evaluates through `customers_matching`, the one evaluator."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, QuerySet

from .models import CustomerProfile, Purchase, Segment, SegmentSnapshot
from .rules import AGGREGATE_OPS, AGGREGATES, MAX_DAYS, MIN_DAYS, OPS_BY_KIND, PROFILE_FIELDS
from .selectors import customers_matching, segment_customers

SAMPLE_SIZE = 5
# How many product names the editor offers to pick from: enough for a catalogue's
# best-sellers, few enough that the list stays one small response.
PRODUCT_CHOICES = 200


def rule_grammar() -> dict[str, Any]:
    """The fields, their kinds and operators, and the purchase aggregates, from `rules.py`,
    so the browser's rule builder is not a second copy of the grammar.

    >>> grammar = rule_grammar()
    >>> next(f for f in grammar["fields"] if f["name"] == "age")["kind"]
    'number'
    >>> grammar["purchases"]["aggregates"]
    ['count', 'sum']
    """
    return {
        "fields": [
            {"name": name, "kind": kind, "operators": sorted(OPS_BY_KIND[kind])}
            for name, kind in PROFILE_FIELDS.items()
        ],
        "purchases": {
            "aggregates": list(AGGREGATES),
            "operators": sorted(AGGREGATE_OPS),
            "within_days": {"min": MIN_DAYS, "max": MAX_DAYS},
        },
    }


def workspace_products(*, workspace_id: Any) -> list[str]:
    """The product names bought in the workspace, most bought first."""
    rows = (
        Purchase.objects.filter(customer__workspace_id=workspace_id)
        .values("product")
        .annotate(n=Count("pk"))
        .order_by("-n", "product")[:PRODUCT_CHOICES]
    )
    return [row["product"] for row in rows]


@dataclass(frozen=True)
class Preview:
    size: int
    total: int
    sample: list[dict[str, Any]]


def segment_preview(
    *, workspace_id: Any, rules: dict[str, Any], now: datetime | None = None
) -> Preview:
    """How many of the workspace's customers a (validated) rule tree selects, of how many,
    and the first few of them: what the editor shows while the rules are typed."""
    matching = customers_matching(workspace_id=workspace_id, rules=rules, now=now)
    sample = [
        {"id": row["id"], "external_id": row["external_id"], "name": _name(row)}
        for row in matching.order_by("external_id").values(
            "id", "external_id", "first_name", "last_name"
        )[:SAMPLE_SIZE]
    ]
    total = CustomerProfile.objects.filter(workspace_id=workspace_id).count()
    return Preview(size=matching.count(), total=total, sample=sample)


def _name(row: Mapping[str, Any]) -> str:
    return " ".join(part for part in (row["first_name"], row["last_name"]) if part)


def segment_snapshots(*, segment: Segment, since: date | None = None) -> QuerySet[SegmentSnapshot]:
    snapshots = segment.snapshots.order_by("taken_on")
    return snapshots.filter(taken_on__gte=since) if since else snapshots


# The campaign file: who to reach first, then the rest of the profile.
MEMBER_COLUMNS = (
    "external_id",
    "email",
    "first_name",
    "last_name",
    "gender",
    "birth_date",
    "city",
    "country",
    "income",
    "signup_date",
    "lifetime_value",
    "acquisition_cost",
    "churn_risk",
    "upsell_potential",
)
# Rows fetched per round trip: the file is built as it is sent, never held whole.
MEMBER_CHUNK = 2000


def segment_member_rows(*, segment: Segment) -> Iterator[tuple[Any, ...]]:
    """The segment's members as CSV rows (`MEMBER_COLUMNS`), by external id, read from a
    cursor in chunks so that a million members never sit in memory."""
    members = segment_customers(segment=segment).order_by("external_id")
    yield from members.values_list(*MEMBER_COLUMNS).iterator(chunk_size=MEMBER_CHUNK)
