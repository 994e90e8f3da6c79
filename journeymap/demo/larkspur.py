"""The outsider's small workspace: a dental practice with one persona and one map.

It exists so that workspace isolation can be seen (and tested) with real rows on both sides.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from journeymap.maps.models import JourneyMap
from journeymap.maps.services.ops import apply_ops
from journeymap.maps.services.templates import template_ops
from journeymap.workspaces.models import Workspace
from personas.models import Channel, Persona

from .ids import Created, demo_id, ensure
from .personas import ensure_portrait

CHANNELS = {"phone": ("Phone", "#0891b2"), "web": ("Website", "#4f46e5")}


def seed_larkspur(*, workspace: Workspace, owner: Any, created: Created) -> JourneyMap:
    channels = [
        ensure(
            Channel,
            f"channel:larkspur:{kind}",
            created,
            workspace=workspace,
            name=name,
            kind=kind,
            color=color,
        )[0]
        for kind, (name, color) in CHANNELS.items()
    ]
    grace, is_new = ensure(
        Persona,
        "persona:larkspur:grace",
        created,
        workspace=workspace,
        owner=owner,
        name="Grace Whitfield",
        tier="primary",
        color="#0891b2",
        bio="A nervous new patient who has avoided the dentist for six years.",
        quotes=["I just want someone to tell me what's going to happen before it happens."],
        age=37,
        gender="Female",
        location="Norwich, UK",
        income="£34,000",
        education="BA English",
        family="Lives alone with two cats",
        job_title="Library assistant",
        company="Norfolk County Council",
        personality=["Anxious", "Conscientious"],
        values=["Kindness", "Being listened to"],
        interests=["Reading", "Allotment gardening"],
        lifestyle="Quiet routine; books appointments by phone, never online.",
        behaviours=["Cancels appointments the night before", "Reads every review"],
        goals=["Get a check-up without a panic attack"],
        needs=["A calm first call", "Clear costs up front"],
        pain_points=["Surprise costs", "Waiting rooms with drill noise"],
        motivations=["A wedding photo in the summer"],
        expectations=["Explain each step", "Reminders by text"],
        objections=["Private dentistry is too expensive"],
        preferred_content=["Short videos of the practice", "Price list"],
        empathy_map={
            "says": ["Will it hurt?"],
            "thinks": ["They'll judge me for leaving it so long"],
            "does": ["Calls twice before booking"],
            "feels": ["Embarrassed", "Relieved when it's over"],
        },
        lifetime_value=Decimal("1200.00"),
        churn_risk="medium",
        review_cadence_days=120,
        last_reviewed_at=timezone.localdate() - timedelta(days=10),
    )
    if is_new:
        grace.preferred_channels.set(channels)
    ensure_portrait(
        persona=grace,
        slug="demo-larkspur-grace",
        portrait={"skin": "#e0ac69", "hair": "#a0522d", "shirt": "#65a30d", "long_hair": True},
        is_new=is_new,
    )

    map_id = demo_id("map:larkspur:new-patient")
    journey_map = JourneyMap.all_objects.filter(pk=map_id).first()  # trashed: leave it there
    if journey_map is not None:
        return journey_map
    with transaction.atomic():
        journey_map = JourneyMap.objects.create(
            id=map_id,
            workspace=workspace,
            title="New patient visit",
            description="From the first phone call to the six-month recall, as a blueprint.",
            created_by=owner,
        )
        journey_map.personas.set([grace])
        # The template's item ids are random; the fixed op_id still makes the batch unique.
        apply_ops(
            map_id=map_id,
            actor=owner,
            client_id="seed_demo",
            op_id=demo_id("map:larkspur:new-patient:op:template"),
            ops=template_ops(template="service_blueprint"),
        )
    created["journeymap"] += 1
    return journey_map
