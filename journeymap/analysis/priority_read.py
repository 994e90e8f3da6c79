"""The reads behind the feature priorities: a workspace's friction points with their measured
traffic, and every feature's score (`priority.py`, pure, does the arithmetic).

The database edge of the priorities, beside `read.py`; the traffic comes from
`read.map_friction_traffic`, the figure of the map analysis, cached per map and seq.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from uuid import UUID

from journeymap.maps.models import FrictionPoint, JourneyMap
from personas.models import Feature, FeaturePersona, Persona, Segment
from personas.selectors import segment_customers

from .graph import JourneyTooLarge
from .priority import FeatureFacts, LinkedFriction, PersonaTag, SegmentSize, rank_features
from .read import map_friction_traffic


def workspace_frictions(*, workspace_id: UUID | str) -> list[dict[str, Any]]:
    """Every friction point of the workspace's maps: its map, severity, status, the features
    linked to it and the customers through it (`traffic`, None when its map has no event
    log). By map title, then most severe first."""
    rows = list(
        FrictionPoint.objects.filter(
            map__workspace_id=workspace_id, map__deleted_at__isnull=True
        ).values("id", "title", "severity", "status", "map_id", "map__title", "stage__name")
    )
    features: dict[str, list[str]] = defaultdict(list)
    links = FrictionPoint.features.through.objects.filter(
        frictionpoint__map__workspace_id=workspace_id, frictionpoint__map__deleted_at__isnull=True
    ).order_by("feature__name", "feature_id")
    for linked_friction, feature_id in links.values_list("frictionpoint_id", "feature_id"):
        features[str(linked_friction)].append(str(feature_id))
    traffic = _traffic_by_map({row["map_id"] for row in rows})
    out: list[dict[str, Any]] = []
    for row in rows:
        friction_id = str(row["id"])
        measured = traffic.get(row["map_id"])
        out.append(
            {
                "id": friction_id,
                "title": row["title"],
                "severity": row["severity"],
                "status": row["status"],
                "map": str(row["map_id"]),
                "map_title": row["map__title"],
                "stage_name": row["stage__name"],
                "features": features.get(friction_id, []),
                "measured": measured is not None and friction_id in measured,
                "traffic": None if measured is None else measured.get(friction_id),
            }
        )
    out.sort(key=lambda r: (r["map_title"], r["map"], -r["severity"], r["title"], r["id"]))
    return out


def _traffic_by_map(map_ids: set[Any]) -> dict[Any, dict[str, int] | None]:
    """Per map, the customers through each friction point, or None without an event log.

    A map too large to analyse has no traffic figure either: its friction points then count
    by severity alone, like those of a map without a log, rather than failing the list."""
    out: dict[Any, dict[str, int] | None] = {}
    for journey_map in JourneyMap.objects.filter(id__in=map_ids):
        try:
            out[journey_map.id] = map_friction_traffic(journey_map=journey_map)
        except JourneyTooLarge:
            out[journey_map.id] = None
    return out


def feature_priorities(*, workspace_id: UUID | str) -> list[dict[str, Any]]:
    """Every feature of the workspace with its priority score and the parts of it, highest
    first (docs/features.md). Each segment is counted once, one query per segment linked to
    a tagged persona."""
    personas = {
        str(p["id"]): p
        for p in Persona.objects.filter(workspace_id=workspace_id).values("id", "name", "tier")
    }
    tags: dict[str, list[PersonaTag]] = defaultdict(list)
    for feature_id, persona_id, relevance in (
        FeaturePersona.objects.filter(feature__workspace_id=workspace_id)
        .order_by("persona__name", "persona_id")
        .values_list("feature_id", "persona_id", "relevance")
    ):
        persona = personas[str(persona_id)]
        tags[str(feature_id)].append(
            PersonaTag(
                persona=str(persona_id),
                name=persona["name"],
                tier=persona["tier"],
                relevance=relevance,
            )
        )
    frictions: dict[str, list[LinkedFriction]] = defaultdict(list)
    for row in workspace_frictions(workspace_id=workspace_id):
        for feature_id in row["features"]:
            frictions[feature_id].append(
                LinkedFriction(
                    friction=row["id"],
                    title=row["title"],
                    map=row["map"],
                    map_title=row["map_title"],
                    severity=row["severity"],
                    status=row["status"],
                    traffic=row["traffic"] if row["measured"] else None,
                )
            )
    tagged = {tag.persona for persona_tags in tags.values() for tag in persona_tags}
    facts = [
        FeatureFacts(
            feature=str(feature.id),
            name=feature.name,
            status=feature.status,
            personas=tags.get(str(feature.id), []),
            frictions=frictions.get(str(feature.id), []),
        )
        for feature in Feature.objects.filter(workspace_id=workspace_id)
    ]
    return rank_features(features=facts, segments=_segments_of(workspace_id, tagged))


def _segments_of(workspace_id: UUID | str, personas: set[str]) -> dict[str, list[SegmentSize]]:
    """The segments linked to each of `personas`, with their size counted now."""
    segments = (
        Segment.objects.filter(workspace_id=workspace_id, personas__in=personas)
        .distinct()
        .prefetch_related("personas")
    )
    out: dict[str, list[SegmentSize]] = defaultdict(list)
    for segment in segments:
        size = SegmentSize(
            segment=str(segment.id),
            name=segment.name,
            size=segment_customers(segment=segment).count(),
        )
        for persona in segment.personas.all():
            out[str(persona.id)].append(size)
    return out
