"""Segment rules: property-based — whatever the tree, SQL picks the customers a plain
Python reading of the same rules picks."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from personas.models import CustomerProfile, Purchase, Segment
from personas.rules import RuleError, validate_rules
from personas.selectors import segment_customers

from ..factories import CustomerFactory, WorkspaceFactory

GENDERS = ["male", "female", "nonbinary"]
PRODUCTS = ["Tent", "Boots"]
# Stored in mixed case on purpose: every text operator must ignore case.
COUNTRIES = ["France", "FRANCE", "germany", "Spain"]
CITIES = ["Lyon", "lyon", "Berlin", "Madrid", "St. Malo"]
# One fixed moment for `within_days`, read by the SQL and by the reference alike.
NOW = timezone.now().replace(microsecond=0)
TODAY = timezone.localdate(NOW)
NAMES = [("Ann", "Lee"), ("ann", ""), ("", "Lee"), ("Bo", "Annlee"), ("", "")]


def _years_back(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _birth_date(n: int) -> date | None:
    """Birthdays today, tomorrow and yesterday, and a 29 February, across ages 16–62."""
    if n == 5:
        return None
    anniversary = _years_back(TODAY, 16 + n * 2)
    if n % 4 == 3:
        return date(2004, 2, 29)
    return anniversary + timedelta(days=(n % 4) - 1)


def _mixed_case(text: str) -> st.SearchStrategy[str]:
    return st.sampled_from([text, text.upper(), text.lower(), text.title()])


text_conditions = st.one_of(
    st.builds(
        lambda f, op, v: {"field": f, "op": op, "value": v},
        st.sampled_from(["gender", "country", "city"]),
        st.sampled_from(["eq", "ne", "contains"]),
        st.sampled_from(GENDERS + COUNTRIES + CITIES + ["an", "LY", "x"]).flatmap(_mixed_case),
    ),
    st.builds(
        lambda f, v: {"field": f, "op": "in", "value": v},
        st.sampled_from(["gender", "country", "city"]),
        st.lists(
            st.sampled_from(GENDERS + COUNTRIES + CITIES).flatmap(_mixed_case),
            min_size=1,
            max_size=3,
        ),
    ),
)
aggregates = st.builds(
    lambda spec, agg, op, value: {"purchases": spec, "agg": agg, "op": op, "value": value},
    st.fixed_dictionaries(
        {},
        optional={
            "product": st.sampled_from(PRODUCTS).flatmap(_mixed_case),
            "within_days": st.sampled_from([1, 30, 90, 365]),
        },
    ),
    st.sampled_from(["count", "sum"]),
    st.sampled_from(["eq", "ne", "gt", "gte", "lt", "lte"]),
    st.sampled_from([0, 1, 2, 3, 100, 180.5, 500]),
) | st.builds(
    lambda agg, low, span: {
        "purchases": {},
        "agg": agg,
        "op": "between",
        "value": [low, low + span],
    },
    st.sampled_from(["count", "sum"]),
    st.sampled_from([0, 1, 90, 200]),
    st.sampled_from([0, 1, 300]),
)

# Ages on purpose around birthdays: the population below has people born on TODAY's day
# and month, the day after, and 29 February.
new_fields = st.one_of(
    st.builds(
        lambda op, v: {"field": "income", "op": op, "value": v},
        st.sampled_from(["eq", "ne", "gt", "gte", "lt", "lte"]),
        st.sampled_from([20_000, 35_000, 35_000.5, 60_000]),
    ),
    st.builds(
        lambda lo, span: {"field": "income", "op": "between", "value": [lo, lo + span]},
        st.sampled_from([0, 20_000, 40_000]),
        st.sampled_from([0, 10_000, 50_000]),
    ),
    st.builds(
        lambda op, v: {"field": "signup_date", "op": op, "value": v},
        st.sampled_from(["eq", "ne", "gt", "gte", "lt", "lte"]),
        st.sampled_from(["2024-01-01", "2025-06-15", "2026-02-28"]),
    ),
    st.builds(
        lambda op, v: {"field": "name", "op": op, "value": v},
        st.sampled_from(["eq", "ne", "contains"]),
        st.sampled_from(["Ann Lee", "ann", "LEE", "Bo", "Ann"]).flatmap(_mixed_case),
    ),
    st.builds(
        lambda op, v: {"field": "age", "op": op, "value": v},
        st.sampled_from(["gt", "gte", "lt", "lte", "eq", "ne"]),
        st.sampled_from([20, 20.5, 21, 25, 26]),
    ),
    st.builds(
        lambda v: {"field": "age", "op": "in", "value": v},
        st.lists(st.sampled_from([20, 21, 25, 26, 40]), min_size=1, max_size=3),
    ),
)

conditions = st.one_of(
    new_fields,
    st.builds(lambda v: {"field": "gender", "op": "eq", "value": v}, st.sampled_from(GENDERS)),
    st.builds(
        lambda v: {"field": "gender", "op": "in", "value": v},
        st.lists(st.sampled_from(GENDERS), min_size=1, max_size=2),
    ),
    st.builds(
        lambda lo, span: {"field": "age", "op": "between", "value": [lo, lo + span]},
        st.integers(15, 60),
        st.integers(0, 20),
    ),
    st.builds(
        lambda op, v: {"field": "age", "op": op, "value": v},
        st.sampled_from(["gt", "gte", "lt", "lte", "eq", "ne"]),
        st.integers(15, 70),
    ),
    st.builds(
        lambda p, d: {"purchase": {"product": p, "within_days": d}},
        st.sampled_from(PRODUCTS),
        st.sampled_from([30, 90, 365]),
    ),
    st.builds(
        lambda op, v: {"total_spent": {"op": op, "value": v}},
        st.sampled_from(["gt", "lt", "gte"]),
        st.sampled_from([0, 100, 500]),
    ),
    text_conditions,
    aggregates,
)
trees = st.recursive(
    conditions,
    lambda children: st.one_of(
        st.builds(lambda c: {"all": c}, st.lists(children, min_size=1, max_size=3)),
        st.builds(lambda c: {"any": c}, st.lists(children, min_size=1, max_size=3)),
        st.builds(lambda c: {"not": c}, children),
    ),
    max_leaves=6,
)


def matches(node: dict[str, Any], customer: CustomerProfile, purchases: list[Purchase]) -> bool:
    if "all" in node:
        return all(matches(child, customer, purchases) for child in node["all"])
    if "any" in node:
        return any(matches(child, customer, purchases) for child in node["any"])
    if "not" in node:
        return not matches(node["not"], customer, purchases)
    now = NOW
    if "purchases" in node:
        spec = node["purchases"]
        chosen = [
            p
            for p in purchases
            if p.product.lower() == spec.get("product", p.product).lower()
            and (
                "within_days" not in spec
                or p.purchased_at >= now - timedelta(days=spec["within_days"])
            )
        ]
        measure = (
            len(chosen) if node["agg"] == "count" else sum((p.amount for p in chosen), Decimal(0))
        )
        op, value = node["op"], node["value"]
        if op == "between":
            return Decimal(str(value[0])) <= measure <= Decimal(str(value[1]))
        target = Decimal(str(value))
        return {
            "eq": measure == target,
            "ne": measure != target,
            "gt": measure > target,
            "gte": measure >= target,
            "lt": measure < target,
            "lte": measure <= target,
        }[op]
    if "purchase" in node:
        spec = node["purchase"]
        since = now - timedelta(days=spec["within_days"])
        return any(
            p.product.lower() == spec["product"].lower() and p.purchased_at >= since
            for p in purchases
        )
    if "total_spent" in node:
        total = sum((p.amount for p in purchases), Decimal(0))
        value, op = Decimal(node["total_spent"]["value"]), node["total_spent"]["op"]
        return {"gt": total > value, "lt": total < value, "gte": total >= value}[op]
    field, op, value = node["field"], node["op"], node["value"]
    if field == "age":
        actual: Any = customer.age_on(TODAY)
    else:
        actual = getattr(customer, field)
    if field == "income":
        value = [Decimal(str(v)) for v in value] if isinstance(value, list) else Decimal(str(value))
    if field == "signup_date":
        value = (
            [date.fromisoformat(v) for v in value]
            if isinstance(value, list)
            else date.fromisoformat(value)
        )
    if isinstance(actual, str):
        actual = actual.lower()
        value = [v.lower() for v in value] if isinstance(value, list) else value.lower()
    if actual is None:
        return op == "ne"
    return {
        "eq": lambda: actual == value,
        "ne": lambda: actual != value,
        "in": lambda: actual in value,
        "contains": lambda: value in actual,
        "gt": lambda: actual > value,
        "gte": lambda: actual >= value,
        "lt": lambda: actual < value,
        "lte": lambda: actual <= value,
        "between": lambda: value[0] <= actual <= value[1],
    }[op]()


@pytest.fixture
def population(db: Any) -> Any:
    workspace = WorkspaceFactory()
    now = NOW
    for n in range(24):
        customer = CustomerFactory(
            workspace=workspace,
            gender=[g.title() if n % 2 else g.upper() for g in GENDERS][n % 3],
            birth_date=_birth_date(n),
            first_name=NAMES[n % 5][0],
            last_name=NAMES[n % 5][1],
            income=None if n % 6 == 0 else Decimal(15_000 + 5_000 * (n % 7)),
            signup_date=[None, date(2024, 1, 1), date(2025, 6, 15), date(2026, 2, 28)][n % 4],
            country=COUNTRIES[n % 4],
            city=CITIES[n % 5],
        )
        for k in range(n % 4):
            Purchase.objects.create(
                customer=customer,
                product=PRODUCTS[(n + k) % 2],
                amount=Decimal(90 * (k + 1) + n),
                purchased_at=now - timedelta(days=20 * (n % 7) + 40 * k),
            )
    return workspace


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(tree=trees)
def test_sql_evaluation_agrees_with_the_rules(population: Any, tree: dict[str, Any]) -> None:
    validate_rules(tree)
    segment = Segment(workspace=population, name="s", rules=tree)
    chosen = set(segment_customers(segment=segment, now=NOW).values_list("pk", flat=True))
    expected = {
        customer.pk
        for customer in CustomerProfile.objects.filter(workspace=population).prefetch_related(
            "purchases"
        )
        if matches(tree, customer, list(customer.purchases.all()))
    }
    assert chosen == expected


profiles = st.fixed_dictionaries(
    {
        "gender": st.sampled_from(GENDERS).flatmap(_mixed_case),
        "country": st.sampled_from(COUNTRIES),
        "city": st.sampled_from(CITIES),
        "first_name": st.sampled_from(["Ann", "ann", "", "Bo"]),
        "last_name": st.sampled_from(["Lee", "", "Annlee"]),
        # Birthdays today, tomorrow, yesterday, or none at all.
        "birth_date": st.one_of(
            st.none(),
            st.builds(
                lambda years, shift: _years_back(TODAY, years) + timedelta(days=shift),
                # The ages the age conditions name, so their boundaries are hit.
                st.sampled_from([18, 20, 21, 25, 26, 40]),
                st.sampled_from([-1, 0, 1, 200]),
            ),
        ),
        "income": st.one_of(st.none(), st.sampled_from([Decimal(20_000), Decimal("35000.50")])),
        "signup_date": st.one_of(
            st.none(), st.sampled_from([date(2024, 1, 1), date(2025, 6, 15), date(2026, 2, 28)])
        ),
        "purchases": st.lists(
            st.tuples(
                st.sampled_from(PRODUCTS).flatmap(_mixed_case),
                st.sampled_from([Decimal(1), Decimal("90.50"), Decimal(250), Decimal(600)]),
                st.sampled_from([0, 5, 29, 31, 89, 91, 400]),
            ),
            max_size=4,
        ),
    }
)
dates = st.builds(
    lambda op, v: {"field": "signup_date", "op": op, "value": v},
    st.sampled_from(["gte", "lte", "between"]),
    st.sampled_from(["2024-01-01", "2025-06-15"]),
).map(lambda n: {**n, "value": [n["value"], "2026-02-28"]} if n["op"] == "between" else n)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(people=st.lists(profiles, min_size=1, max_size=6), tree=st.one_of(trees, dates))
def test_random_profiles_and_purchases_agree_with_the_rules(
    db: Any, people: list[dict[str, Any]], tree: dict[str, Any]
) -> None:
    """Random people and baskets as well as random rules; each example is rolled back."""
    validate_rules(tree)
    with transaction.atomic():
        workspace = WorkspaceFactory()
        for n, person in enumerate(people):
            values = dict(person)
            basket = values.pop("purchases")
            customer = CustomerProfile.objects.create(
                workspace=workspace, external_id=f"R{n}", **values
            )
            Purchase.objects.bulk_create(
                Purchase(
                    customer=customer,
                    product=product,
                    amount=amount,
                    purchased_at=NOW - timedelta(days=days, minutes=1),
                )
                for product, amount, days in basket
            )
        segment = Segment(workspace=workspace, name="s", rules=tree)
        chosen = set(segment_customers(segment=segment, now=NOW).values_list("pk", flat=True))
        expected = {
            customer.pk
            for customer in CustomerProfile.objects.filter(workspace=workspace).prefetch_related(
                "purchases"
            )
            if matches(tree, customer, list(customer.purchases.all()))
        }
        assert chosen == expected
        transaction.set_rollback(True)


@pytest.mark.parametrize(
    ("tree", "where"),
    [
        ({"all": []}, "rules"),
        ({"field": "age", "op": "between", "value": [30, 20]}, "rules.value"),
        ({"any": [{"field": "gender", "op": "gt", "value": "male"}]}, "rules.any[0].op"),
        ({"purchase": {"product": "Tent", "within_days": 0}}, "rules.purchase.within_days"),
        ({"total_spent": {"op": "gt", "value": "lots"}}, "rules.total_spent.value"),
        ({"mystery": 1}, "rules"),
        ({"purchases": {}, "agg": "avg", "op": "gt", "value": 1}, "rules.agg"),
        (
            {"purchases": {"product": ""}, "agg": "count", "op": "gt", "value": 1},
            "rules.purchases.product",
        ),
        (
            {"purchases": {"within_days": 0}, "agg": "sum", "op": "gt", "value": 1},
            "rules.purchases.within_days",
        ),
        ({"purchases": {}, "agg": "sum", "op": "contains", "value": 1}, "rules.op"),
        ({"purchases": {}, "agg": "sum", "op": "between", "value": [5, 1]}, "rules.value"),
        ({"purchases": {}, "agg": "sum", "op": "gt"}, "rules"),
    ],
)
def test_malformed_rules_name_the_spot(tree: dict[str, Any], where: str) -> None:
    with pytest.raises(RuleError) as error:
        validate_rules(tree)
    assert error.value.path == where


@pytest.mark.parametrize("days", [0, 36_501, 10**12, 10**30, -5, 1.5, True])
def test_within_days_is_bounded_when_saved(world: Any, client_as: Any, days: Any) -> None:
    response = client_as("editor").post(
        "/api/segments/",
        {
            "workspace": str(world.acme.workspace.id),
            "name": "Recent",
            "rules": {"purchase": {"product": "Tent", "within_days": days}},
        },
        format="json",
    )
    assert response.status_code == 400
    assert "1 to 36500" in str(response.json()["errors"]["rules"])
    assert not Segment.objects.filter(name="Recent").exists()


@pytest.mark.parametrize("days", [10**12, 10**30, 999_999_999, -5, "soon", 1e300])
def test_a_stored_rule_with_a_bad_within_days_still_reads(
    world: Any, client_as: Any, days: Any
) -> None:
    customer = CustomerFactory(workspace=world.acme.workspace)
    Purchase.objects.create(
        customer=customer,
        product="Tent",
        amount=Decimal("10"),
        purchased_at=timezone.now() - timedelta(days=400),
    )
    segment = Segment.objects.create(
        workspace=world.acme.workspace,
        name="Stored before the bound",
        rules={
            "any": [
                {"purchase": {"product": "Tent", "within_days": days}},
                {"total_spent": {"op": "gt", "value": 1000, "within_days": days}},
            ]
        },
    )
    response = client_as("editor").get(f"/api/segments/{segment.id}/customers/")
    assert response.status_code == 200
    assert client_as("editor").get(f"/api/segments/{segment.id}/").status_code == 200


def test_the_seed_examples_through_the_api(world: Any, client_as: Any) -> None:
    """ "Bought X in the last 3 months and spent more than 500": saved through the API, its
    size and members are the customers that did, whatever the case of the product name."""
    workspace = world.acme.workspace
    now = timezone.now()
    buyer, small, lapsed, none = (CustomerFactory(workspace=workspace) for _ in range(4))
    for customer, product, amount, days in [
        (buyer, "x", "450", 10),
        (buyer, "Other", "100", 200),  # spent counts whatever the product and the date
        (small, "X", "100", 10),
        (lapsed, "X", "900", 120),
    ]:
        Purchase.objects.create(
            customer=customer,
            product=product,
            amount=Decimal(amount),
            purchased_at=now - timedelta(days=days),
        )
    rules = {
        "all": [
            {
                "purchases": {"product": "X", "within_days": 90},
                "agg": "count",
                "op": "gte",
                "value": 1,
            },
            {"purchases": {}, "agg": "sum", "op": "gt", "value": 500},
        ]
    }
    client = client_as("editor")
    created = client.post(
        "/api/segments/",
        {"workspace": str(workspace.id), "name": "Recent X, big spenders", "rules": rules},
        format="json",
    )
    assert created.status_code == 201, created.json()
    segment_id = created.json()["id"]
    assert client.get(f"/api/segments/{segment_id}/").json()["size"] == 1
    members = client.get(f"/api/segments/{segment_id}/customers/").json()
    listed = members["results"] if isinstance(members, dict) else members
    assert [m["id"] for m in listed] == [str(buyer.id)]
    assert none.pk not in {m["id"] for m in listed}


@pytest.mark.parametrize("op", ["eq", "ne", "gt", "gte", "lt", "lte", "between", "in"])
def test_age_turns_over_on_the_birthday(db: Any, op: str) -> None:
    """Born 30 years ago tomorrow, today and yesterday (and on 29 February): 29, 30, 30."""
    workspace = WorkspaceFactory()
    born = {
        "tomorrow": _years_back(TODAY, 30) + timedelta(days=1),
        "today": _years_back(TODAY, 30),
        "yesterday": _years_back(TODAY, 30) - timedelta(days=1),
        "leap": date(2000, 2, 29),
    }
    for name, day in born.items():
        CustomerFactory(workspace=workspace, external_id=name, birth_date=day)
    value: Any = {"between": [30, 30], "in": [30]}.get(op, 30)
    segment = Segment(workspace=workspace, rules={"field": "age", "op": op, "value": value})
    chosen = set(segment_customers(segment=segment, now=NOW).values_list("external_id", flat=True))
    expected = {
        customer.external_id
        for customer in CustomerProfile.objects.filter(workspace=workspace)
        if matches(segment.rules, customer, [])
    }
    assert chosen == expected
    if op == "eq":  # the reference itself: 30 from the birthday on, not the day before
        assert expected == {"today", "yesterday"}
