"""`manage.py seed_demo`: a believable, complete demo that a second run leaves untouched."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.db import models
from django.utils import timezone
from PIL import Image

from journeymap.maps.models import (
    Card,
    Comment,
    ContentAssignment,
    EmotionPoint,
    FrictionPoint,
    JourneyMap,
    Lane,
    MapOp,
    Stage,
    Touchpoint,
    Transition,
    Vote,
)
from journeymap.maps.selectors import map_document
from journeymap.workspaces.models import Membership, Workspace
from personas.models import (
    Channel,
    CustomerProfile,
    Feature,
    FeaturePersona,
    InterviewNote,
    Persona,
    Purchase,
    Segment,
)
from personas.rules import validate_rules
from personas.selectors import segment_customers

COUNTED: list[type[models.Model]] = [
    get_user_model(),
    Workspace,
    Membership,
    Channel,
    Persona,
    InterviewNote,
    Segment,
    CustomerProfile,
    Purchase,
    Feature,
    FeaturePersona,
    JourneyMap,
    MapOp,
    Stage,
    Lane,
    Card,
    Touchpoint,
    FrictionPoint,
    ContentAssignment,
    EmotionPoint,
    Transition,
    Comment,
    Vote,
]

FULL_PERSONA_FIELDS = [
    "bio",
    "quotes",
    "age",
    "gender",
    "location",
    "income",
    "education",
    "family",
    "job_title",
    "company",
    "personality",
    "values",
    "interests",
    "lifestyle",
    "behaviours",
    "goals",
    "needs",
    "pain_points",
    "motivations",
    "expectations",
    "objections",
    "preferred_content",
    "lifetime_value",
    "churn_risk",
    "last_reviewed_at",
]


@pytest.fixture
def demo_settings(settings, tmp_path):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in COUNTED}


def northwind() -> Workspace:
    return Workspace.objects.get(memberships__user__username="demo")


@pytest.mark.django_db
def test_running_twice_changes_nothing(demo_settings):
    first_output = seed()
    after_first = counts()
    seqs = dict(JourneyMap.objects.values_list("id", "seq"))
    hashes = dict(get_user_model().objects.values_list("username", "password"))

    second_output = seed()

    assert "created" in first_output
    assert "nothing to do" in second_output
    assert counts() == after_first
    assert dict(JourneyMap.objects.values_list("id", "seq")) == seqs
    assert dict(get_user_model().objects.values_list("username", "password")) == hashes
    photos = list((demo_settings.MEDIA_ROOT / "personas").iterdir())
    assert len(photos) == Persona.objects.count()


@pytest.mark.django_db
def test_rerun_redraws_portraits_lost_with_the_media_folder(demo_settings):
    seed()
    persona = Persona.objects.get(name="Maya Okafor")
    photo = demo_settings.MEDIA_ROOT / persona.photo.name
    photo.unlink()
    before = counts()

    seed()

    assert photo.exists()
    assert Persona.objects.get(pk=persona.pk).photo.name == persona.photo.name
    assert counts() == before


@pytest.mark.django_db
def test_demo_users_sign_in_with_their_names_and_have_the_promised_roles(demo_settings):
    seed()
    for username in ("demo", "viewer", "outsider"):
        assert authenticate(username=username, password=username) is not None
        assert authenticate(username=username, password="wrong") is None

    workspace = northwind()
    roles = dict(
        Membership.objects.filter(workspace=workspace).values_list("user__username", "role")
    )
    assert roles == {"demo": "owner", "viewer": "viewer"}

    outsider_workspace = Workspace.objects.get(memberships__user__username="outsider")
    assert outsider_workspace != workspace
    assert Membership.objects.get(workspace=outsider_workspace).role == "owner"
    assert JourneyMap.objects.filter(workspace=outsider_workspace).count() == 1
    assert not Membership.objects.filter(workspace=workspace, user__username="outsider").exists()


@pytest.mark.django_db
def test_refuses_without_debug_and_creates_nothing(settings, tmp_path):
    settings.DEBUG = False
    settings.MEDIA_ROOT = tmp_path
    before = counts()

    with pytest.raises(CommandError, match="DEBUG"):
        seed()

    assert counts() == before
    assert not get_user_model().objects.filter(username="demo").exists()


@pytest.mark.django_db
def test_personas_are_complete_with_photos_and_one_is_stale(demo_settings):
    seed()
    personas = list(Persona.objects.filter(workspace=northwind()))

    assert len(personas) >= 4
    assert {persona.tier for persona in personas} >= {"primary", "secondary", "negative"}
    for persona in personas:
        missing = [name for name in FULL_PERSONA_FIELDS if getattr(persona, name) in ("", [], None)]
        assert not missing, f"{persona.name} lacks {missing}"
        assert all(persona.empathy_map[part] for part in ("says", "thinks", "does", "feels"))
        assert persona.preferred_channels.exists()
        assert persona.owner is not None and persona.owner.username == "demo"
        assert persona.interview_notes.exists()
        assert persona.evidence.filter(field="quotes").exists()
        with Image.open(persona.photo.path) as photo:
            assert photo.format == "PNG"
            assert photo.size[0] >= 128
    stale = [persona.name for persona in personas if persona.is_stale]
    assert len(stale) == 1


@pytest.mark.django_db
def test_channels_segments_customers_and_features(demo_settings):
    seed()
    workspace = northwind()

    channels = Channel.objects.filter(workspace=workspace)
    assert set(channels.values_list("kind", flat=True)) == {
        "email",
        "web",
        "app",
        "store",
        "phone",
        "social",
    }
    assert len(set(channels.values_list("color", flat=True))) == 6

    customers = list(
        CustomerProfile.objects.filter(workspace=workspace).prefetch_related("purchases")
    )
    assert 150 <= len(customers) <= 250
    segments = Segment.objects.filter(workspace=workspace)
    assert segments.count() == 3
    for segment in segments:
        assert segment.rules and set(segment.rules) <= {"all", "any", "not"}
        assert segment.personas.exists()
        assert validate_rules(segment.rules) == segment.rules
        members = {customer.pk for customer in customers if matches(segment.rules, customer)}
        assert 3 <= len(members) < len(customers), segment.name
        # The SQL evaluation the API serves agrees with the reference evaluator below.
        assert set(segment_customers(segment=segment).values_list("pk", flat=True)) == members

    features = Feature.objects.filter(workspace=workspace)
    assert features.count() >= 8
    for feature in features:
        relevance = list(
            FeaturePersona.objects.filter(feature=feature).values_list("relevance", flat=True)
        )
        assert relevance and all(1 <= score <= 5 for score in relevance)
    linked = features.filter(friction_points__isnull=False).distinct().count()
    assert linked >= 6


@pytest.mark.django_db
def test_two_rich_maps_built_through_the_op_log(demo_settings):
    seed()
    maps = list(JourneyMap.objects.filter(workspace=northwind()))
    assert len(maps) == 2

    for journey_map in maps:
        doc = map_document(journey_map=journey_map)
        assert len(doc["stages"]) >= 6
        assert len(doc["touchpoints"]) >= 25
        assert all(tp["channel"] and tp["persona"] for tp in doc["touchpoints"])
        assert {tp["emotion"] for tp in doc["touchpoints"]} >= {-2, 0, 2}
        assert len(doc["frictions"]) >= 10
        assert len({fr["severity"] for fr in doc["frictions"]}) >= 4
        assert len({fr["status"] for fr in doc["frictions"]}) >= 3
        assert any(fr["features"] for fr in doc["frictions"])
        assert len(doc["contents"]) >= 12
        assert len(doc["transitions"]) >= 20
        assert all(transition["count"] > 0 for transition in doc["transitions"])
        assert doc["comments"] and doc["votes"]

        lane_kinds = {lane["id"]: lane["kind"] for lane in doc["lanes"]}
        card_kinds = {lane_kinds[card["lane"]] for card in doc["cards"]}
        assert card_kinds >= {"actions", "thoughts", "opportunities", "backstage"}

        # An emotion curve per persona: one point per stage, with a dip below zero.
        assert set(doc["personas"])
        for persona in doc["personas"]:
            curve = [point["score"] for point in doc["emotions"] if point["persona"] == persona]
            assert len(curve) == len(doc["stages"])
            assert min(curve) < 0 < max(curve)

        # Everything on the map was created by ops in the log, so clients can replay it.
        logged = {
            op["id"]
            for entry in MapOp.objects.filter(map=journey_map)
            for op in entry.ops
            if op["action"] == "create"
        }
        on_map = {
            item["id"]
            for key in ("stages", "lanes", "cards", "touchpoints", "frictions", "contents")
            for item in doc[key]
        }
        assert on_map <= logged
        assert journey_map.seq == MapOp.objects.filter(map=journey_map).count()


# A reference evaluator for the segment rule tree (personas.models.Segment docstring), written
# independently of the SQL one so the demo's segments are checked to have members.
def matches(node: dict[str, Any], customer: CustomerProfile) -> bool:
    if "all" in node:
        return all(matches(child, customer) for child in node["all"])
    if "any" in node:
        return any(matches(child, customer) for child in node["any"])
    if "not" in node:
        return not matches(node["not"], customer)
    purchases = list(customer.purchases.all())
    if "purchase" in node:
        since = timezone.now() - timedelta(days=node["purchase"]["within_days"])
        product = node["purchase"]["product"]
        return any(p.product == product and p.purchased_at >= since for p in purchases)
    if "total_spent" in node:
        total = sum((p.amount for p in purchases), Decimal(0))
        return compare(total, node["total_spent"]["op"], Decimal(node["total_spent"]["value"]))
    return compare(getattr(customer, node["field"]), node["op"], node["value"])


def compare(actual: Any, op: str, expected: Any) -> bool:
    if actual is None:
        return False
    if op == "between":
        low, high = expected
        return bool(low <= actual <= high)
    return bool(
        {
            "eq": actual == expected,
            "gt": actual > expected,
            "gte": actual >= expected,
            "lt": actual < expected,
            "lte": actual <= expected,
        }[op]
    )
