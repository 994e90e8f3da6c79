"""Reads: segment membership evaluated in SQL, and persona upkeep."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan, GreaterThanOrEqual, LessThan, LessThanOrEqual
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


def segment_customers(*, segment: Segment) -> QuerySet[CustomerProfile]:
    """The customer profiles a segment's rules select, as one SQL query."""
    customers = CustomerProfile.objects.filter(workspace_id=segment.workspace_id)
    if not segment.rules:
        return customers
    return customers.filter(rule_q(segment.rules))


def rule_q(node: dict[str, Any]) -> Q:
    if "all" in node:
        combined = Q()
        for child in node["all"]:
            combined &= rule_q(child)
        return combined
    if "any" in node:
        combined = Q(pk__in=[])
        for child in node["any"]:
            combined |= rule_q(child)
        return combined
    if "not" in node:
        return ~rule_q(node["not"])
    if "field" in node:
        return _condition_q(node["field"], node["op"], node["value"])
    if "purchase" in node:
        return Q(Exists(_purchases(node["purchase"])))
    spec = node["total_spent"]
    lookup = _COMPARE[spec["op"]]
    spent = (
        _purchases({"within_days": spec.get("within_days")})
        .values("customer")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    total = Coalesce(Subquery(spent), Decimal("0"), output_field=DecimalField())
    return Q(lookup(total, Decimal(str(spec["value"]))))


def _condition_q(field: str, op: str, value: Any) -> Q:
    if op == "between":
        return Q(**{f"{field}__gte": value[0], f"{field}__lte": value[1]})
    if op == "contains":
        return Q(**{f"{field}__icontains": value})
    if op == "ne":
        return ~Q(**{field: value})
    if op == "eq" and isinstance(value, str):
        return Q(**{f"{field}__iexact": value})
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


def _purchases(spec: dict[str, Any]) -> QuerySet[Purchase]:
    purchases = Purchase.objects.filter(customer=OuterRef("pk"))
    if spec.get("product"):
        purchases = purchases.filter(product__iexact=spec["product"])
    days = _days(spec.get("within_days"))
    if days is not None:
        since = timezone.now() - timedelta(days=days)
        purchases = purchases.filter(purchased_at__gte=since)
    if spec.get("min_amount") is not None:
        purchases = purchases.filter(amount__gte=Decimal(str(spec["min_amount"])))
    return purchases
