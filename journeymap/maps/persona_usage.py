"""Where a persona is used: the maps that name it or hold an item about it, the features
tagged to it, the segments that quantify it and the friction points it meets across maps.
In maps because personas sit below maps and cannot read them."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from personas.models import Persona
from personas.selectors import segment_customers

from .models import (
    ContentAssignment,
    EmotionPoint,
    FrictionPoint,
    JourneyMap,
    Stage,
    Touchpoint,
)


def persona_usage(*, persona: Persona) -> dict[str, Any]:
    # A map holds the persona when it names it, or when any of its items is about it.
    holding = (
        Q(personas=persona)
        | Q(pk__in=Touchpoint.objects.filter(persona=persona).values("map_id"))
        | Q(pk__in=FrictionPoint.objects.filter(personas=persona).values("map_id"))
        | Q(pk__in=EmotionPoint.objects.filter(persona=persona).values("map_id"))
        | Q(pk__in=ContentAssignment.objects.filter(persona=persona).values("map_id"))
    )
    maps = (
        JourneyMap.objects.filter(workspace_id=persona.workspace_id)
        .filter(holding)
        .distinct()
        .order_by("title")
    )
    features = persona.feature_tags.select_related("feature").order_by(
        "-relevance", "feature__name"
    )
    frictions = list(
        FrictionPoint.objects.filter(personas=persona)
        .select_related("map")
        .order_by("-severity", "title")
    )
    stage_names = dict(
        Stage.objects.filter(pk__in={f.stage_id for f in frictions}).values_list("pk", "name")
    )
    return {
        "maps": [{"id": m.pk, "title": m.title} for m in maps],
        "features": [
            {
                "id": tag.feature_id,
                "name": tag.feature.name,
                "status": tag.feature.status,
                "relevance": tag.relevance,
            }
            for tag in features
        ],
        "segments": [
            {
                "id": segment.pk,
                "name": segment.name,
                "size": segment_customers(segment=segment).count(),
            }
            for segment in persona.segments.order_by("name")
        ],
        "friction_points": [
            {
                "id": friction.pk,
                "title": friction.title,
                "severity": friction.severity,
                "status": friction.status,
                "map": friction.map_id,
                "map_title": friction.map.title,
                "stage_name": stage_names.get(friction.stage_id, ""),
            }
            for friction in frictions
        ],
    }
