"""Suggested segments: k-means over the customers, each cluster proposed as a readable rule
whose SQL size and fidelity to its cluster are reported (personas/suggest.py, suggest_read.py,
GET /api/segments/suggestions/)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from django.utils import timezone

from personas.models import CustomerProfile, Purchase
from personas.rules import validate_rules
from personas.selectors import customers_matching
from personas.suggest import Feature, suggest
from personas.suggest_read import segment_suggestions

from ..factories import WorkspaceFactory

NOW = timezone.now().replace(microsecond=0)
TODAY = timezone.localdate(NOW)
URL = "/api/segments/suggestions/"

# (name, ages, purchases per customer, amount per purchase)
GROUPS = [
    ("young", (20, 28), (1, 3), (10, 40)),
    ("middle", (40, 50), (6, 10), (120, 300)),
    ("older", (65, 75), (0, 0), (0, 0)),
]


def _born(age: int, rng: random.Random) -> date:
    return TODAY - timedelta(days=age * 365 + rng.randint(30, 330))


def build_customers(workspace: Any, per_group: int = 60, seed: int = 7) -> dict[str, set[Any]]:
    """Three clearly separated groups; returns each group's customer ids."""
    rng = random.Random(seed)
    groups: dict[str, set[Any]] = {}
    customers, purchases = [], []
    for name, (young, old), (few, many), (cheap, dear) in GROUPS:
        groups[name] = set()
        for n in range(per_group):
            customer = CustomerProfile(
                workspace=workspace,
                external_id=f"{name}-{n}",
                gender=rng.choice(["female", "male", "Female", ""]),
                birth_date=_born(rng.randint(young, old - 1), rng),
                signup_date=TODAY - timedelta(days=rng.randint(30, 900)),
            )
            customers.append(customer)
            groups[name].add(customer.id)
            for _ in range(rng.randint(few, many)):
                purchases.append(
                    Purchase(
                        customer=customer,
                        product=rng.choice(["Tent", "Boots"]),
                        amount=Decimal(rng.randint(cheap, dear)),
                        purchased_at=NOW - timedelta(days=rng.randint(1, 300)),
                    )
                )
    CustomerProfile.objects.bulk_create(customers)
    Purchase.objects.bulk_create(purchases)
    return groups


@pytest.mark.django_db
def test_three_groups_become_faithful_rules() -> None:
    workspace = WorkspaceFactory()
    groups = build_customers(workspace)
    result = segment_suggestions(workspace_id=workspace.id, now=NOW)
    assert result["customers"] == 180
    assert result["k"] == 3
    suggestions = result["suggestions"]
    assert len(suggestions) >= 2
    found = set()
    for suggestion in suggestions:
        assert validate_rules(suggestion["rules"]) == suggestion["rules"]
        assert suggestion["name"] and suggestion["description"] and suggestion["conditions"]
        assert 1 <= len(suggestion["features"]) <= 3
        assert suggestion["precision"] >= 0.8, suggestion
        # The rule's SQL size is close to its cluster's.
        assert abs(suggestion["rule_size"] - suggestion["cluster_size"]) <= max(
            10, 0.25 * suggestion["cluster_size"]
        ), suggestion
        # What the API reports is what SQL selects.
        matched = set(
            customers_matching(
                workspace_id=workspace.id, rules=suggestion["rules"], now=NOW
            ).values_list("id", flat=True)
        )
        assert len(matched) == suggestion["rule_size"]
        # Each rule picks out (mostly) one of the generated groups.
        best = max(groups, key=lambda g: len(groups[g] & matched))
        assert len(groups[best] & matched) >= 0.8 * len(matched), (best, suggestion)
        found.add(best)
    assert len(found) >= 2
    names = [s["rules"] for s in suggestions]
    assert len({repr(r) for r in names}) == len(names)  # no duplicates


@pytest.mark.django_db
def test_suggestions_are_reproducible() -> None:
    workspace = WorkspaceFactory()
    build_customers(workspace)
    first = segment_suggestions(workspace_id=workspace.id, now=NOW)
    second = segment_suggestions(workspace_id=workspace.id, now=NOW)
    assert first == second


@pytest.mark.django_db
def test_too_few_customers_says_so() -> None:
    workspace = WorkspaceFactory()
    CustomerProfile.objects.bulk_create(
        CustomerProfile(workspace=workspace, external_id=f"c{n}") for n in range(12)
    )
    result = segment_suggestions(workspace_id=workspace.id, now=NOW)
    assert result["suggestions"] == []
    assert result["k"] is None
    assert result["customers"] == 12
    assert "not enough customers to suggest segments" in result["note"].lower()


@pytest.mark.django_db
def test_identical_customers_give_no_groups() -> None:
    workspace = WorkspaceFactory()
    CustomerProfile.objects.bulk_create(
        CustomerProfile(workspace=workspace, external_id=f"c{n}", gender="female")
        for n in range(30)
    )
    result = segment_suggestions(workspace_id=workspace.id, now=NOW)
    assert result["suggestions"] == []
    assert result["note"]


def test_pure_rules_use_round_numbers_and_validate() -> None:
    rng = np.random.default_rng(1)
    ages = np.concatenate([rng.integers(20, 30, 50), rng.integers(55, 70, 50)]).astype(float)
    spend = np.concatenate([rng.uniform(0, 90, 50), rng.uniform(700, 2000, 50)])
    matrix = np.column_stack([ages, spend])
    features = [Feature("age", "age"), Feature("spend_365", "spend", within_days=365)]
    result = suggest(matrix, features, today=date(2026, 6, 1))
    assert result.k == 2
    assert len(result.suggestions) == 2
    for suggestion in result.suggestions:
        validate_rules(suggestion.rules)
        assert suggestion.precision >= 0.9
        for node in suggestion.rules.get("all", [suggestion.rules]):
            value = node["value"]
            for number in value if isinstance(value, list) else [value]:
                assert type(number) is int  # whole years, round amounts
    again = suggest(matrix, features, today=date(2026, 6, 1))
    assert [s.rules for s in again.suggestions] == [s.rules for s in result.suggestions]


def test_pure_gender_rule_when_a_cluster_is_one_gender() -> None:
    women = np.column_stack([np.full(40, 30.0), np.ones(40), np.zeros(40)])
    men = np.column_stack([np.full(40, 60.0), np.zeros(40), np.ones(40)])
    matrix = np.vstack([women, men])
    matrix[:, 0] += np.tile(np.arange(4.0), 20)
    features = [
        Feature("age", "age"),
        Feature("gender_female", "gender", value="female"),
        Feature("gender_male", "gender", value="male"),
    ]
    result = suggest(matrix, features, today=date(2026, 6, 1))
    for suggestion in result.suggestions:
        validate_rules(suggestion.rules)
    assert any("gender" in repr(s.rules) for s in result.suggestions) or all(
        s.features == ["age"] for s in result.suggestions
    )


@pytest.mark.django_db
def test_api_members_read_outsiders_get_404(world: Any, client_as: Any) -> None:
    build_customers(world.acme.workspace, per_group=10)
    response = client_as("viewer").get(URL, {"workspace": str(world.acme.workspace.id)})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"suggestions", "customers", "sampled", "k", "silhouette", "note"}
    assert body["customers"] == 30
    for suggestion in body["suggestions"]:
        validate_rules(suggestion["rules"])
    outsider = client_as("outsider").get(URL, {"workspace": str(world.acme.workspace.id)})
    assert outsider.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{}, {"workspace": ""}, {"workspace": "not-a-uuid"}])
def test_api_bad_workspace_param_is_400(world: Any, client_as: Any, params: Any) -> None:
    assert client_as("owner").get(URL, params).status_code == 400


@pytest.mark.django_db
def test_api_anonymous_refused(world: Any, client_as: Any) -> None:
    response = client_as("anonymous").get(URL, {"workspace": str(world.acme.workspace.id)})
    assert response.status_code in (401, 403)


@pytest.mark.django_db
def test_api_result_is_cached_until_customers_change(world: Any, client_as: Any) -> None:
    workspace = world.acme.workspace
    build_customers(workspace, per_group=10)
    client = client_as("owner")
    first = client.get(URL, {"workspace": str(workspace.id)}).json()
    assert client.get(URL, {"workspace": str(workspace.id)}).json() == first
    CustomerProfile.objects.create(workspace=workspace, external_id="late")
    assert client.get(URL, {"workspace": str(workspace.id)}).json()["customers"] == 31


@pytest.mark.django_db
def test_suggestion_can_be_accepted_as_a_segment(world: Any, client_as: Any) -> None:
    workspace = world.acme.workspace
    build_customers(workspace, per_group=15)
    client = client_as("editor")
    body = client.get(URL, {"workspace": str(workspace.id)}).json()
    assert body["suggestions"]
    suggestion = body["suggestions"][0]
    created = client.post(
        "/api/segments/",
        {
            "workspace": str(workspace.id),
            "name": suggestion["name"],
            "description": suggestion["description"],
            "rules": suggestion["rules"],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["size"] == suggestion["rule_size"]


def test_docstring_example_holds() -> None:
    import doctest

    import personas.suggest

    assert doctest.testmod(personas.suggest).failed == 0


@pytest.mark.parametrize("seed", range(12))
def test_pure_rules_always_validate_on_messy_data(seed: int) -> None:
    """Unknown ages and incomes, never-buyers, skewed amounts: every rule still validates and
    its in-memory precision is a share."""
    from personas.suggest import BASE_FEATURES

    rng = np.random.default_rng(seed)
    rows = int(rng.integers(20, 400))
    features = [*BASE_FEATURES, Feature("gender_female", "gender", value="female")]
    matrix = np.column_stack(
        [
            rng.integers(16, 90, rows).astype(float),
            rng.lognormal(10, 1, rows),
            rng.integers(0, 4000, rows).astype(float),
            rng.poisson(2, rows).astype(float),
            rng.lognormal(4, 2, rows),
            rng.poisson(5, rows).astype(float),
            rng.lognormal(5, 2, rows),
            rng.uniform(0, 2000, rows),
            rng.integers(0, 2, rows).astype(float),
        ]
    )
    for column in (0, 1, 2):
        matrix[rng.random(rows) < 0.2, column] = np.nan
    never = rng.random(rows) < 0.3
    matrix[never, 7] = np.inf
    matrix[never, 3:7] = 0.0
    result = suggest(matrix, features, today=date(2026, 6, 1))
    assert result.note
    for suggestion in result.suggestions:
        assert validate_rules(suggestion.rules) == suggestion.rules
        assert 0.0 <= suggestion.precision <= 1.0
        assert suggestion.name and suggestion.conditions
