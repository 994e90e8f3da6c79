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
    logs = EventImport.objects.filter(map=journey_map, status=ImportStatus.DONE).aggregate(
        imports=Count("id"), last=Max("finished_at")
    )
    options = repr((persona, top_k, tuple(entry or ()), tuple(goal or ())))
    fingerprint = hashlib.sha256(
        f"{journey_map.id}:{journey_map.seq}:{logs['imports']}:{logs['last']}:{options}".encode()
    ).hexdigest()
    key = f"journeymap:analysis:{fingerprint}"
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
