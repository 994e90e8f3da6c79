"""Reads: segment membership evaluated in SQL, and persona upkeep."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    CharField,
    Count,
    DecimalField,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Concat, Trim
from django.db.models.lookups import (
    Exact,
    GreaterThan,
    GreaterThanOrEqual,
    LessThan,
    LessThanOrEqual,
)
from django.utils import timezone

from .models import CustomerProfile, Purchase, Segment
from .rules import MAX_DAYS, MIN_DAYS, PROFILE_FIELDS

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
    `within_days` and the day ages are counted on (the current time unless given)."""
    return customers_matching(workspace_id=segment.workspace_id, rules=segment.rules, now=now)


def customers_matching(
    *, workspace_id: Any, rules: dict[str, Any], now: datetime | None = None
) -> QuerySet[CustomerProfile]:
    """The workspace's customers a (validated) rule tree selects; an empty tree selects all."""
    customers = CustomerProfile.objects.filter(workspace_id=workspace_id)
    if not rules:
        return customers
    moment = now or timezone.now()
    return customers.alias(full_name=FULL_NAME).filter(
        rule_q(rules, now=moment, today=timezone.localdate(moment))
    )


# The rule field `name`: first and last name joined by one space, as CustomerProfile.name.
FULL_NAME = Trim(Concat("first_name", Value(" "), "last_name", output_field=CharField()))


def rule_q(node: dict[str, Any], *, now: datetime, today: date) -> Q:
    if "all" in node:
        combined = Q()
        for child in node["all"]:
            combined &= rule_q(child, now=now, today=today)
        return combined
    if "any" in node:
        combined = Q(pk__in=[])
        for child in node["any"]:
            combined |= rule_q(child, now=now, today=today)
        return combined
    if "not" in node:
        return ~rule_q(node["not"], now=now, today=today)
    if "field" in node:
        if node["field"] == "age":
            return _age_q(node["op"], node["value"], today=today)
        field = "full_name" if node["field"] == "name" else node["field"]
        return _condition_q(field, node["op"], _stored(node["field"], node["value"]))
    if "purchases" in node:
        return _aggregate_q(node, now=now)
    if "purchase" in node:
        return Q(Exists(_purchases(node["purchase"], now=now)))
    spec = node["total_spent"]
    spent = _aggregate({"within_days": spec.get("within_days")}, agg="sum", now=now)
    return Q(_COMPARE[spec["op"]](spent, Decimal(str(spec["value"]))))


def _stored(field: str, value: Any) -> Any:
    """A rule value as the column stores it: income as a decimal, dates as dates."""
    kind = PROFILE_FIELDS[field]
    convert: Any = {"number": lambda v: Decimal(str(v)), "date": date.fromisoformat}.get(kind)
    if convert is None:
        return value
    return [convert(v) for v in value] if isinstance(value, list) else convert(value)


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier; 29 February becomes the 28th."""
    year = day.year - years
    if year < 1:
        return date.min
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


def _age_q(op: str, value: Any, *, today: date) -> Q:
    """An age condition as a range of birth dates, so it runs on the column (and its index)
    and ages move with the calendar. Someone is at least `n` on `today` when born on or
    before the same day `n` years earlier."""

    def at_least(years: int) -> Q:
        return Q(birth_date__lte=years_before(today, max(years, 0)))

    def at_most(years: int) -> Q:
        if years < 0:
            return Q(pk__in=[])
        return Q(birth_date__gt=years_before(today, years + 1))

    def between(low: float, high: float) -> Q:
        first, last = math.ceil(low), math.floor(high)
        if first > last:
            return Q(pk__in=[])
        return at_least(first) & at_most(last)

    if op == "between":
        return between(value[0], value[1])
    if op == "in":
        any_of = Q(pk__in=[])
        for item in value:
            any_of |= between(item, item)
        return any_of
    if op in ("eq", "ne"):
        equal = between(value, value)
        return equal if op == "eq" else ~equal
    if op == "gt":
        return at_least(math.floor(value) + 1)
    if op == "gte":
        return at_least(math.ceil(value))
    if op == "lt":
        return at_most(math.ceil(value) - 1)
    return at_most(math.floor(value))  # lte


def _aggregate(spec: dict[str, Any], *, agg: str, now: datetime) -> Any:
    """A customer's count of matching purchases, or the sum of their amounts: 0 when none."""
    grouped = _purchases(spec, now=now).values("customer")
    if agg == "count":
        counted = grouped.annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(counted), 0, output_field=IntegerField())
    summed = grouped.annotate(total=Sum("amount")).values("total")
    return Coalesce(Subquery(summed), Decimal("0"), output_field=DecimalField())


def _any_or_none(op: str, value: Any) -> bool | None:
    """Whether a count condition only asks "at least one?" (True) or "none?" (False): those
    become EXISTS / NOT EXISTS, which stop at the first matching purchase instead of counting
    them all per customer (bench/segments.py)."""
    if isinstance(value, list):
        return None
    if (op == "gte" and 0 < value <= 1) or (op == "gt" and 0 <= value < 1):
        return True
    if op == "ne" and value == 0:
        return True
    if (op == "lt" and 0 < value <= 1) or (op == "lte" and 0 <= value < 1):
        return False
    if op == "eq" and value == 0:
        return False
    return None


def _aggregate_q(node: dict[str, Any], *, now: datetime) -> Q:
    op, value = node["op"], node["value"]
    if node["agg"] == "count":
        wanted = _any_or_none(op, value)
        if wanted is not None:
            exists = Q(Exists(_purchases(node["purchases"], now=now)))
            return exists if wanted else ~exists
    measure = _aggregate(node["purchases"], agg=node["agg"], now=now)

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


# A customer whose last purchase is this long ago counts as fully at risk of churning.
CHURN_HORIZON_DAYS = 365


def customers_with_spend(queryset: QuerySet[CustomerProfile]) -> QuerySet[CustomerProfile]:
    """Annotate what `customer_values` computes from, so a page of customers reads it in
    the same query."""
    return queryset.annotate(
        spent=Sum("purchases__amount"), last_purchase=Max("purchases__purchased_at")
    )


def customer_values(*, customer: CustomerProfile, now: datetime | None = None) -> dict[str, Any]:
    """Each value attribute as imported or, when blank, computed from the purchases:
    lifetime value is what they spent; churn risk grows with the days since their last
    purchase (0 today, 1 at a year or more). Acquisition cost and upsell potential are
    only ever imported."""
    if hasattr(customer, "spent"):  # annotated by customers_with_spend
        spent, last = customer.spent, getattr(customer, "last_purchase", None)
    else:
        totals = customer.purchases.aggregate(spent=Sum("amount"), last=Max("purchased_at"))
        spent, last = totals["spent"], totals["last"]
    moment = now or timezone.now()

    def pick(imported: Any, computed: Any) -> dict[str, Any]:
        if imported is not None:
            return {"value": float(imported), "source": "imported"}
        if computed is not None:
            return {"value": float(computed), "source": "computed"}
        return {"value": None, "source": "none"}

    churn = None
    if last is not None:
        churn = round(min(1.0, max(0.0, (moment - last).days / CHURN_HORIZON_DAYS)), 2)
    return {
        "lifetime_value": pick(customer.lifetime_value, spent),
        "acquisition_cost": pick(customer.acquisition_cost, None),
        "churn_risk": pick(customer.churn_risk, churn),
        "upsell_potential": pick(customer.upsell_potential, None),
    }
