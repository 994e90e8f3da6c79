"""The analysis of a stored map: read the document and the event-log figures, run the pure
`analyse`, and cache the result.

This is the one module of the package that reads the database (through the maps layer's
selectors); everything it calls in this package is a pure function of plain data.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max

from journeymap.maps.eventlog.models import EventImport, ImportStatus
from journeymap.maps.eventlog.selectors import directly_follows, event_counts
from journeymap.maps.models import JourneyMap
from journeymap.maps.selectors import map_document

from .flow import friction_traffic
from .graph import build_journey_graph
from .report import analyse

CACHE_SECONDS = 3600


def map_analysis(
    *,
    journey_map: JourneyMap,
    persona: str | None = None,
    top_k: int = 5,
    entry: Sequence[str] | None = None,
    goal: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Every analysis of `journey_map`, computed once per (map, seq, event logs, options).

    `seq` moves with every edit, and the event logs' own version (how many imports, the
    last finished) covers an import whose durations changed while no count did."""
    logs = _event_logs(journey_map)
    options = repr((persona, top_k, tuple(entry or ()), tuple(goal or ())))
    key = f"journeymap:analysis:{_fingerprint(journey_map, logs, options)}"
    cached = cache.get(key)
    if cached is not None:
        return dict(cached)
    durations = observed = None
    if logs["imports"]:
        durations = [step.as_duration_row() for step in directly_follows(map_id=journey_map.id)]
        observed = event_counts(map_id=journey_map.id)
    result = analyse(
        map_document(journey_map=journey_map),
        persona=persona,
        top_k=top_k,
        entry=entry,
        goal=goal,
        durations=durations,
        observed=observed,
    )
    result["meta"]["seq"] = journey_map.seq
    result["meta"]["event_imports"] = logs["imports"]
    cache.set(key, result, CACHE_SECONDS)
    return result


def map_friction_traffic(*, journey_map: JourneyMap) -> dict[str, int] | None:
    """Customers through each friction point of `journey_map` (`flow.friction_traffic`, the
    traffic of the friction hotspots, for every friction point), cached like `map_analysis`.

    None when the map has no finished event import: then the transition counts are drawn by
    hand or implied by stage order, and are not a measure of customers. Raises
    `JourneyTooLarge` like `map_analysis`."""
    logs = _event_logs(journey_map)
    if not logs["imports"]:
        return None
    key = f"journeymap:friction-traffic:{_fingerprint(journey_map, logs, 'all')}"
    cached = cache.get(key)
    if cached is not None:
        return dict(cached)
    journey = build_journey_graph(document=map_document(journey_map=journey_map))
    traffic = friction_traffic(journey=journey)
    cache.set(key, traffic, CACHE_SECONDS)
    return traffic


def _event_logs(journey_map: JourneyMap) -> dict[str, Any]:
    return EventImport.objects.filter(map=journey_map, status=ImportStatus.DONE).aggregate(
        imports=Count("id"), last=Max("finished_at")
    )


def _fingerprint(journey_map: JourneyMap, logs: dict[str, Any], options: str) -> str:
    """The cache key of a map's figures: its seq, its event logs' version and the options."""
    return hashlib.sha256(
        f"{journey_map.id}:{journey_map.seq}:{logs['imports']}:{logs['last']}:{options}".encode()
    ).hexdigest()
