"""Reads: segment membership evaluated in SQL, and persona upkeep."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import (
    Exact,
    GreaterThan,
    GreaterThanOrEqual,
    LessThan,
    LessThanOrEqual,
)
from django.utils import timezone

from .models import CustomerProfile, Purchase, Segment
from .rules import MAX_DAYS, MIN_DAYS

_COMPARE = {
    "gt": GreaterThan,
    "gte": GreaterThanOrEqual,
    "lt": LessThan,
    "lte": LessThanOrEqual,
}
_LOOKUPS = {"eq": "exact", "gt": "gt", "gte": "gte", "lt": "lt", "lte": "lte", "in": "in"}


def segment_customers(
    *, segment: Segment, now: datetime | None = None
) -> QuerySet[CustomerProfile]:
    """The customer profiles a segment's rules select, as one SQL query. `now` anchors
    `within_days` (the current time unless given)."""
    customers = CustomerProfile.objects.filter(workspace_id=segment.workspace_id)
    if not segment.rules:
        return customers
    return customers.filter(rule_q(segment.rules, now=now or timezone.now()))


def rule_q(node: dict[str, Any], *, now: datetime) -> Q:
    if "all" in node:
        combined = Q()
        for child in node["all"]:
            combined &= rule_q(child, now=now)
        return combined
    if "any" in node:
        combined = Q(pk__in=[])
        for child in node["any"]:
            combined |= rule_q(child, now=now)
        return combined
    if "not" in node:
        return ~rule_q(node["not"], now=now)
    if "field" in node:
        return _condition_q(node["field"], node["op"], node["value"])
    if "purchases" in node:
        return _aggregate_q(node, now=now)
    if "purchase" in node:
        return Q(Exists(_purchases(node["purchase"], now=now)))
    spec = node["total_spent"]
    spent = _aggregate({"within_days": spec.get("within_days")}, agg="sum", now=now)
    return Q(_COMPARE[spec["op"]](spent, Decimal(str(spec["value"]))))


def _aggregate(spec: dict[str, Any], *, agg: str, now: datetime) -> Any:
    """A customer's count of matching purchases, or the sum of their amounts: 0 when none."""
    grouped = _purchases(spec, now=now).values("customer")
    if agg == "count":
        counted = grouped.annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(counted), 0, output_field=IntegerField())
    summed = grouped.annotate(total=Sum("amount")).values("total")
    return Coalesce(Subquery(summed), Decimal("0"), output_field=DecimalField())


def _aggregate_q(node: dict[str, Any], *, now: datetime) -> Q:
    measure = _aggregate(node["purchases"], agg=node["agg"], now=now)
    op, value = node["op"], node["value"]

    def number(raw: Any) -> Any:
        return Decimal(str(raw))

    if op == "between":
        low, high = value
        return Q(GreaterThanOrEqual(measure, number(low))) & Q(
            LessThanOrEqual(measure, number(high))
        )
    if op in ("eq", "ne"):
        equal = Q(Exact(measure, number(value)))
        return equal if op == "eq" else ~equal
    return Q(_COMPARE[op](measure, number(value)))


def _condition_q(field: str, op: str, value: Any) -> Q:
    """One profile condition. Text compares without case whatever the operator (on SQLite,
    ASCII letters only: its LIKE and LOWER fold no other letters)."""
    if op == "between":
        return Q(**{f"{field}__gte": value[0], f"{field}__lte": value[1]})
    if op == "contains":
        return Q(**{f"{field}__icontains": value})
    text = isinstance(value, str) or (isinstance(value, list) and isinstance(value[0], str))
    if op in ("eq", "ne") and text:
        equal = Q(**{f"{field}__iexact": value})
        return equal if op == "eq" else ~equal
    if op == "ne":
        return ~Q(**{field: value})
    if op == "in" and text:
        any_of = Q(pk__in=[])
        for item in value:
            any_of |= Q(**{f"{field}__iexact": item})
        return any_of
    return Q(**{f"{field}__{_LOOKUPS[op]}": value})


def _days(value: Any) -> int | None:
    """`within_days` as stored. Rules saved before it was bounded may hold anything; a value
    past the bound reads as the bound (a hundred years back), one below it as a day, and a
    non-number as no limit, so that such a segment still reads instead of failing."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return None
    if not value:
        return None  # 0 meant "no limit" before the bound, as it did here
    return int(min(max(value, MIN_DAYS), MAX_DAYS))


def _purchases(spec: dict[str, Any], *, now: datetime) -> QuerySet[Purchase]:
    purchases = Purchase.objects.filter(customer=OuterRef("pk"))
    if spec.get("product"):
        purchases = purchases.filter(product__iexact=spec["product"])
    days = _days(spec.get("within_days"))
    if days is not None:
        since = now - timedelta(days=days)
        purchases = purchases.filter(purchased_at__gte=since)
    if spec.get("min_amount") is not None:
        purchases = purchases.filter(amount__gte=Decimal(str(spec["min_amount"])))
    return purchases
