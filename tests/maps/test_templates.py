"""Map templates: each one's ops build the promised grid through the one write path."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth import get_user_model

from journeymap.maps.models import Card, JourneyMap, Lane, Stage, Touchpoint
from journeymap.maps.selectors import map_document
from journeymap.maps.services.ops import apply_ops
from journeymap.maps.services.templates import MAP_TEMPLATES, template_ops
from journeymap.workspaces.models import Membership, Role, Workspace

EXPECTED_STAGES = {
    "blank": ["Before", "During", "After"],
    "b2c_purchase": ["Awareness", "Consideration", "Purchase", "Delivery", "Use", "Loyalty"],
    "b2b_saas_onboarding": [
        "Sign-up",
        "Setup",
        "First value",
        "Team rollout",
        "Expansion",
        "Renewal",
    ],
    "service_blueprint": ["Request", "Arrival", "Service", "Payment", "Follow-up"],
}

EXPECTED_LANE_KINDS = {
    "blank": ["actions", "thoughts", "touchpoints", "friction", "opportunities"],
    "b2c_purchase": [
        "actions",
        "thoughts",
        "emotions",
        "touchpoints",
        "friction",
        "content",
        "opportunities",
        "backstage",
    ],
    "b2b_saas_onboarding": [
        "actions",
        "thoughts",
        "emotions",
        "touchpoints",
        "friction",
        "content",
        "opportunities",
        "backstage",
    ],
    "service_blueprint": [
        "text",
        "actions",
        "touchpoints",
        "text",
        "backstage",
        "backstage",
        "friction",
    ],
}


@pytest.fixture
def empty_map():
    user = get_user_model().objects.create_user(username="mapper", password="pw-mapper-1")
    workspace = Workspace.objects.create(name="Template test")
    Membership.objects.create(workspace=workspace, user=user, role=Role.OWNER)
    journey_map = JourneyMap.objects.create(workspace=workspace, title="New map", created_by=user)
    return journey_map, user


def test_every_template_is_listed_with_a_name_and_description():
    assert set(MAP_TEMPLATES) == set(EXPECTED_STAGES)
    for info in MAP_TEMPLATES.values():
        assert info["name"].strip()
        assert len(info["description"]) > 20


@pytest.mark.django_db
@pytest.mark.parametrize("template", sorted(EXPECTED_STAGES))
def test_template_ops_apply_cleanly_to_an_empty_map(empty_map, template):
    journey_map, user = empty_map

    batch = apply_ops(
        map_id=journey_map.id, actor=user, op_id=uuid.uuid4(), ops=template_ops(template=template)
    )

    assert batch.seq == 1
    doc = map_document(journey_map=JourneyMap.objects.get(pk=journey_map.pk))
    assert [stage["name"] for stage in doc["stages"]] == EXPECTED_STAGES[template]
    assert [lane["kind"] for lane in doc["lanes"]] == EXPECTED_LANE_KINDS[template]
    assert all(lane["name"].strip() for lane in doc["lanes"])


@pytest.mark.django_db
@pytest.mark.parametrize("template", ["b2c_purchase", "b2b_saas_onboarding", "service_blueprint"])
def test_rich_templates_come_with_starter_cards(empty_map, template):
    journey_map, user = empty_map
    apply_ops(
        map_id=journey_map.id, actor=user, op_id=uuid.uuid4(), ops=template_ops(template=template)
    )

    cards = Card.objects.filter(map=journey_map)
    assert cards.count() >= 5
    # Starter cards sit in at least three different stages, not piled into one column.
    assert cards.values("stage").distinct().count() >= 3
    card_lane_kinds = set(
        Lane.objects.filter(pk__in=cards.values("lane")).values_list("kind", flat=True)
    )
    assert "actions" in card_lane_kinds


@pytest.mark.django_db
def test_blank_template_has_no_starter_cards(empty_map):
    journey_map, user = empty_map
    apply_ops(
        map_id=journey_map.id, actor=user, op_id=uuid.uuid4(), ops=template_ops(template="blank")
    )

    assert Stage.objects.filter(map=journey_map).count() == 3
    assert not Card.objects.filter(map=journey_map).exists()
    assert not Touchpoint.objects.filter(map=journey_map).exists()


def test_each_call_generates_fresh_ids():
    first = {op["id"] for op in template_ops(template="b2c_purchase")}
    second = {op["id"] for op in template_ops(template="b2c_purchase")}
    assert not first & second


def test_unknown_template_raises_value_error():
    with pytest.raises(ValueError, match="unknown map template"):
        template_ops(template="wedding_planner")
