"""The priority score of a feature: who it serves, how many customers that is, and how much
friction it resolves (docs/features.md). Pure: plain data in, plain data out.

    score = personas + reach + friction

* personas = Σ tier weight × relevance, over the personas the feature is tagged to
  (primary 3, secondary 2, negative 0; relevance 1–5);
* reach = log₂(1 + customers), customers being the summed size of the segments linked to the
  tagged personas that weigh more than 0;
* friction = Σ status weight × severity × log₂(1 + traffic), over the friction points the
  feature resolves; a map without an event log has no measured traffic, and its friction
  points count by severity alone (severity × 1). A resolved friction point counts 0.

Every part is returned beside the score, so that the page can show how it was reached.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# A negative persona is one the product is *not* for: serving them earns nothing. Not a
# penalty either, since a feature tagged to a negative persona often serves a primary one
# too, and a below-zero score would read as "harmful" rather than "not a reason".
TIER_WEIGHTS: Mapping[str, int] = {"primary": 3, "secondary": 2, "negative": 0}
# A friction point that is already resolved is no reason to build anything.
STATUS_WEIGHTS: Mapping[str, float] = {"resolved": 0.0}
DEFAULT_STATUS_WEIGHT = 1.0


@dataclass(frozen=True)
class PersonaTag:
    persona: str
    name: str
    tier: str
    relevance: int


@dataclass(frozen=True)
class SegmentSize:
    segment: str
    name: str
    size: int


@dataclass(frozen=True)
class LinkedFriction:
    """A friction point the feature resolves. `traffic` is None when its map has no measured
    traffic (no event log, or the point is off the journey graph)."""

    friction: str
    title: str
    map: str
    map_title: str
    severity: int
    status: str
    traffic: int | None


@dataclass(frozen=True)
class FeatureFacts:
    feature: str
    name: str
    status: str
    personas: Sequence[PersonaTag] = ()
    frictions: Sequence[LinkedFriction] = ()


def _log2_1p(value: int) -> float:
    return math.log2(1 + max(0, value))


def feature_priority(
    *, feature: FeatureFacts, segments: Mapping[str, Sequence[SegmentSize]]
) -> dict[str, Any]:
    """The score of one feature and its parts. `segments` maps a persona id to the segments
    linked to it; a segment linked to two tagged personas counts once.

    >>> maya = PersonaTag(persona="p1", name="Maya", tier="primary", relevance=5)
    >>> slow = LinkedFriction(friction="f1", title="Slow", map="m1", map_title="Online",
    ...                       severity=4, status="open", traffic=7)
    >>> result = feature_priority(
    ...     feature=FeatureFacts(feature="x", name="Faster", status="idea",
    ...                          personas=[maya], frictions=[slow]),
    ...     segments={"p1": [SegmentSize(segment="s1", name="Young", size=3)]},
    ... )
    >>> result["parts"]["personas"]["points"], result["parts"]["reach"]["points"]
    (15, 2.0)
    >>> result["parts"]["friction"]["points"], result["score"]
    (12.0, 29.0)
    """
    persona_items: list[dict[str, Any]] = []
    counted: dict[str, SegmentSize] = {}
    for tag in feature.personas:
        weight = TIER_WEIGHTS.get(tag.tier, 0)
        persona_items.append(
            {
                "persona": tag.persona,
                "name": tag.name,
                "tier": tag.tier,
                "weight": weight,
                "relevance": tag.relevance,
                "points": weight * tag.relevance,
            }
        )
        if weight > 0:
            for segment in segments.get(tag.persona, ()):
                counted.setdefault(segment.segment, segment)
    persona_points = sum(item["points"] for item in persona_items)

    customers = sum(segment.size for segment in counted.values())
    reach_points = round(_log2_1p(customers), 1)

    friction_items: list[dict[str, Any]] = []
    unmeasured: set[str] = set()
    for friction in feature.frictions:
        status_weight = STATUS_WEIGHTS.get(friction.status, DEFAULT_STATUS_WEIGHT)
        measured = friction.traffic is not None
        factor = _log2_1p(friction.traffic) if friction.traffic is not None else 1.0
        if not measured:
            unmeasured.add(friction.map_title)
        friction_items.append(
            {
                "friction": friction.friction,
                "title": friction.title,
                "map": friction.map,
                "map_title": friction.map_title,
                "severity": friction.severity,
                "status": friction.status,
                "traffic": friction.traffic,
                "measured": measured,
                "weight": status_weight,
                "points": round(status_weight * friction.severity * factor, 1),
            }
        )
    friction_points = round(sum(item["points"] for item in friction_items), 1)

    notes = []
    if unmeasured:
        names = ", ".join(sorted(unmeasured))
        notes.append(f"No event log on {names}: those friction points count by severity alone.")
    if any(item["weight"] == 0 for item in friction_items):
        notes.append("Resolved friction points count 0.")
    if any(item["weight"] == 0 for item in persona_items):
        notes.append("Negative personas count 0, and so do their segments.")
    return {
        "feature": feature.feature,
        "name": feature.name,
        "status": feature.status,
        "score": round(persona_points + reach_points + friction_points, 1),
        "parts": {
            "personas": {"points": persona_points, "items": persona_items},
            "reach": {
                "points": reach_points,
                "customers": customers,
                "segments": [
                    {"segment": s.segment, "name": s.name, "size": s.size}
                    for s in sorted(counted.values(), key=lambda s: (s.name, s.segment))
                ],
            },
            "friction": {"points": friction_points, "items": friction_items},
        },
        "notes": notes,
    }


def rank_features(
    *, features: Iterable[FeatureFacts], segments: Mapping[str, Sequence[SegmentSize]]
) -> list[dict[str, Any]]:
    """Every feature's priority, highest score first; ties by name, then id.

    >>> tag = PersonaTag(persona="p", name="P", tier="secondary", relevance=1)
    >>> a = FeatureFacts(feature="a", name="A", status="idea", personas=[tag])
    >>> tag = PersonaTag(persona="p", name="P", tier="primary", relevance=1)
    >>> b = FeatureFacts(feature="b", name="B", status="idea", personas=[tag])
    >>> [row["feature"] for row in rank_features(features=[a, b], segments={})]
    ['b', 'a']
    """
    ranked = [feature_priority(feature=feature, segments=segments) for feature in features]
    ranked.sort(key=lambda row: (-row["score"], row["name"], row["feature"]))
    return ranked
