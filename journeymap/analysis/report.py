"""Every analysis of a map at once: `analyse(document)`.

The result is plain JSON (string ids, finite numbers, no NaN) and the same for the same
input: every ranking ends on journey order or ids, and sampling is seeded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from journeymap.core.gc import cycle_collection_paused

from . import bounds
from .cycles import cycles
from .design import Observed, conformance, coverage_gaps, emotion_lows
from .durations import step_durations
from .flow import bottlenecks, dead_ends, drop_off, friction_hotspots, unreachable
from .graph import JourneyGraph, build_journey_graph
from .paths import channel_switches, critical_path, find_top_paths, path_variants

IMPLIED_NOTE = (
    "the map has no transitions: edges are implied by stage order with count 1 each, so "
    "traffic figures count links between steps, not customers"
)


def analyse(
    document: Mapping[str, Any],
    *,
    persona: str | None = None,
    top_k: int = 5,
    entry: Sequence[str] | None = None,
    goal: Sequence[str] | None = None,
    durations: Sequence[Mapping[str, Any]] | None = None,
    observed: Observed | None = None,
) -> dict[str, Any]:
    """Analyse a map document (the shape of `map_document`).

    `persona` keeps that persona's touchpoints and the shared ones; `top_k` (0 to
    `bounds.MAX_TOP_K`) bounds every ranked list; `entry` and `goal` replace the default
    entries (first stage) and goals (last stage) with touchpoint ids; `durations` and
    `observed` are the inputs of `step_durations` and `conformance`. Raises
    `JourneyTooLarge` past the limits in `bounds`.

    >>> from .graph import sketch_document
    >>> result = analyse(sketch_document(stages=[["a"], ["b"]], transitions={("a", "b"): 2}))
    >>> result["critical_path"]["path"], result["meta"]["edges"]
    (['a', 'b'], 'observed')
    """
    requested_top_k = top_k
    top_k = min(max(int(top_k), 0), bounds.MAX_TOP_K)
    with cycle_collection_paused():
        journey = build_journey_graph(document=document, persona=persona, entry=entry, goal=goal)
        result = _analyses(journey, top_k=top_k, durations=durations, observed=observed)
    result["meta"] = _meta(journey, result, requested_top_k=requested_top_k, top_k=top_k)
    return result


def _analyses(
    journey: JourneyGraph,
    *,
    top_k: int,
    durations: Sequence[Mapping[str, Any]] | None,
    observed: Observed | None,
) -> dict[str, Any]:
    # One search serves the critical path, the variants and the channel switches.
    top_paths = find_top_paths(journey=journey, k=max(top_k, 1))
    return {
        "critical_path": critical_path(journey=journey, top_paths=top_paths),
        "drop_off": drop_off(journey=journey),
        "bottlenecks": bottlenecks(journey=journey, top_k=top_k),
        "friction_hotspots": friction_hotspots(journey=journey, top_k=top_k),
        "dead_ends": dead_ends(journey=journey),
        "unreachable": unreachable(journey=journey),
        "cycles": cycles(journey=journey, top_k=top_k),
        "channel_switches": channel_switches(journey=journey, top_k=top_k, top_paths=top_paths),
        "coverage_gaps": coverage_gaps(journey=journey),
        "emotion_lows": emotion_lows(journey=journey, top_k=top_k),
        "path_variants": path_variants(journey=journey, top_k=top_k, top_paths=top_paths),
        "step_durations": step_durations(journey=journey, durations=durations),
        "conformance": conformance(journey=journey, observed=observed),
    }


def _meta(
    journey: JourneyGraph, result: Mapping[str, Any], *, requested_top_k: int, top_k: int
) -> dict[str, Any]:
    notes = [IMPLIED_NOTE] if journey.edges_source == "implied" else []
    if requested_top_k != top_k:
        notes.append(f"top_k {requested_top_k} was taken as {top_k}")
    return {
        "edges": journey.edges_source,
        "persona": journey.persona,
        "node_count": journey.graph.number_of_nodes(),
        "edge_count": journey.edge_count,
        "traffic_edge_count": journey.traffic_edge_count,
        "stage_count": len(journey.stages),
        "top_k": top_k,
        "entries": _ids(journey.entries),
        "goals": _ids(journey.goals),
        "unknown_entries": _ids(journey.unknown_entries),
        "unknown_goals": _ids(journey.unknown_goals),
        "entries_source": journey.entries_source,
        "goals_source": journey.goals_source,
        "approximations": _flagged(result, flag="approximate", reason="approximation"),
        "truncations": _flagged(result, flag="truncated", reason="truncation"),
        "ignored": dict(journey.ignored),
        "notes": notes,
    }


def _ids(ids: Sequence[str]) -> dict[str, Any]:
    return {"count": len(ids), "items": list(ids[: bounds.LIST_LIMIT])}


def _flagged(result: Mapping[str, Any], *, flag: str, reason: str) -> dict[str, str]:
    """Where in the result `flag` is set, by dotted key, with the reason given beside it."""
    found: dict[str, str] = {}

    def visit(value: Any, where: str) -> None:
        if not isinstance(value, Mapping):
            return
        if value.get(flag) is True:
            found[where] = str(value.get(reason) or flag)
        for key, inner in value.items():
            visit(inner, f"{where}.{key}")

    for key, value in result.items():
        visit(value, key)
    return found
