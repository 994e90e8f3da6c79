"""The map as designed against each persona and against what customers did: coverage gaps,
emotional lows and conformance.

Touchpoints and content without a persona are shared: they count for every persona.
"""

from __future__ import annotations

import heapq
import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from . import bounds
from .graph import JourneyGraph, JourneyTooLarge
from .results import finding_list, position, touchpoint_ref

# Events name a touchpoint by its id or its title, spelled loosely.
Observed = Mapping[str, int] | Sequence[str]


def coverage_gaps(*, journey: JourneyGraph) -> dict[str, Any]:
    """Stages where a persona has no touchpoint or no content, shared ones counting.

    With no persona on the map, the check is for anyone: stages with no touchpoint at all,
    or no content at all (`persona` is then null).

    >>> from .graph import build_journey_graph, sketch_document
    >>> document = sketch_document(stages=[["a"], []])
    >>> document["contents"] = [{"id": "c", "stage": "stage-1"}]
    >>> gaps = coverage_gaps(journey=build_journey_graph(document=document))["items"]
    >>> [(gap["stage"], gap["missing"]) for gap in gaps]
    [('stage-2', ['touchpoints', 'content'])]
    """
    touchpoint_owners: dict[str, set[str | None]] = defaultdict(set)
    for _, attrs in journey.graph.nodes(data=True):
        touchpoint_owners[attrs["stage"]].add(attrs["persona"])
    content_owners: dict[str, set[str | None]] = defaultdict(set)
    for content in journey.contents:
        content_owners[content.stage].add(content.persona)
    gaps = []
    for persona in journey.personas:
        for stage in journey.stages:
            missing = [
                name
                for name, owners in (
                    ("touchpoints", touchpoint_owners[stage.id]),
                    ("content", content_owners[stage.id]),
                )
                if not _covers(owners, persona)
            ]
            if missing:
                gaps.append(
                    {
                        "persona": persona,
                        "stage": stage.id,
                        "stage_name": stage.name,
                        "missing": missing,
                    }
                )
    return {"personas": list(journey.personas), **finding_list(items=gaps)}


def _covers(owners: set[str | None], persona: str | None) -> bool:
    if persona is None:
        return bool(owners)
    return None in owners or persona in owners


def emotion_lows(*, journey: JourneyGraph, top_k: int) -> dict[str, Any]:
    """The moments of truth: each persona's lowest negative emotions.

    `points` are the persona's emotion curve below zero, lowest first, then in stage order;
    `touchpoints` are the persona's and the shared touchpoints below zero, lowest first,
    then the busiest, then journey order.

    >>> from .graph import build_journey_graph, sketch_document
    >>> document = sketch_document(stages=[["a", "b"]])
    >>> document["touchpoints"][1]["emotion"] = -2
    >>> lows = emotion_lows(journey=build_journey_graph(document=document), top_k=5)
    >>> [item["touchpoint"] for item in lows["by_persona"][0]["touchpoints"]]
    ['b']
    """
    nodes = journey.graph.nodes
    negative: dict[str | None, list[tuple[int, int, int, str]]] = defaultdict(list)
    for node, attrs in nodes(data=True):
        if attrs["emotion"] < 0:
            key = (attrs["emotion"], -attrs["traffic"], attrs["position"], node)
            negative[attrs["persona"]].append(key)
    for keys in negative.values():
        keys.sort()
    points: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for point in journey.emotion_points:
        if point.score < 0:
            points[point.persona].append(
                (point.score, journey.stage_by_id[point.stage].index, point.id)
            )
    by_id = {point.id: point for point in journey.emotion_points}
    by_persona = []
    for persona in journey.personas:
        # Both lists are sorted, so a merge gives the persona's lowest in O(top_k).
        pools: Iterable[list[tuple[int, int, int, str]]] = (
            negative.values() if persona is None else (negative[None], negative[persona])
        )
        lowest = itertools.islice(heapq.merge(*pools), top_k)
        own_points = sorted(points[persona]) if persona is not None else []
        chosen = [by_id[key[2]] for key in own_points[:top_k]]
        by_persona.append(
            {
                "persona": persona,
                "points": [
                    {
                        "emotion_point": point.id,
                        "stage": point.stage,
                        "stage_name": journey.stage_by_id[point.stage].name,
                        "score": point.score,
                        "note": point.note,
                    }
                    for point in chosen
                ],
                "touchpoints": [
                    {
                        **touchpoint_ref(journey=journey, node=key[3]),
                        "emotion": key[0],
                        "traffic": -key[1],
                    }
                    for key in lowest
                ],
            }
        )
    return {"by_persona": by_persona}


def conformance(*, journey: JourneyGraph, observed: Observed | None) -> dict[str, Any]:
    """The map as designed against what was observed.

    * `unknown_events`: names in `observed` (event counts by touchpoint name or id) that
      match no touchpoint on the map, busiest first. Names match ids exactly and titles
      ignoring case and runs of spaces.
    * `unreached`: touchpoints no customer touched: no observed transition in or out (when
      the map has transitions) and no matching event (when `observed` is given).
    * `backward_transitions`: observed transitions into an earlier stage, busiest first.
    * `unused_transitions`: transitions on the map with count 0.

    >>> from .graph import build_journey_graph, sketch_document
    >>> steps = {("a", "b"): 3, ("b", "a"): 1}
    >>> document = sketch_document(stages=[["a"], ["b"]], transitions=steps)
    >>> journey = build_journey_graph(document=document)
    >>> found = conformance(journey=journey, observed={"A": 4, "help": 2})
    >>> found["unknown_events"]["items"], found["backward_transitions"]["items"][0]["count"]
    ([{'name': 'help', 'count': 2}], 1)
    """
    events = _event_counts(observed)
    names: dict[str, list[str]] = defaultdict(list)
    for touchpoint, title in journey.map_touchpoints.items() if events else ():
        names[touchpoint].append(touchpoint)
        names[_loose(title)].append(touchpoint)
    matched: set[str] = set()
    unknown: list[dict[str, Any]] = []
    for name, count in events.items():
        hits = names.get(name) or names.get(_loose(name))
        if hits:
            matched.update(hits)
        else:
            unknown.append({"name": name, "count": count})
    unknown.sort(key=lambda item: (-item["count"], item["name"]))

    observed_edges = journey.edges_source == "observed"
    nodes = journey.graph.nodes
    unreached = []
    if observed_edges or observed is not None:
        for node, attrs in nodes(data=True):
            silent = not observed_edges or attrs["traffic"] == 0
            if silent and (observed is None or node not in matched):
                unreached.append(touchpoint_ref(journey=journey, node=node, attrs=attrs))

    backward = []
    unused = []
    if observed_edges:
        stage_index: dict[str, int] = dict(nodes(data="stage_index"))
        for source, following in journey.graph.adjacency():
            for target, attrs in following.items():
                if attrs["count"] == 0:
                    unused.append({"from": source, "to": target, "count": 0})
                elif stage_index[target] < stage_index[source]:
                    backward.append(
                        {
                            "from": source,
                            "to": target,
                            "count": attrs["count"],
                            "from_stage": nodes[source]["stage"],
                            "to_stage": nodes[target]["stage"],
                        }
                    )
        backward.sort(
            key=lambda item: (
                -item["count"],
                position(journey=journey, node=item["from"]),
                position(journey=journey, node=item["to"]),
            )
        )
    notes = []
    if not observed_edges:
        notes.append("the map has no transitions: nothing observed to compare")
    if observed is None:
        notes.append("no event counts given: unknown_events is empty")
    return {
        "unknown_events": finding_list(items=unknown),
        "unreached": finding_list(items=unreached),
        "backward_transitions": {
            **finding_list(items=backward),
            "traffic": sum(item["count"] for item in backward),
        },
        "unused_transitions": finding_list(items=unused),
        "notes": notes,
    }


def _event_counts(observed: Observed | None) -> dict[str, int]:
    if observed is None:
        return {}
    if isinstance(observed, str):
        raise TypeError("observed is a mapping of names to counts or a list of names")
    if len(observed) > bounds.MAX_OBSERVED_NAMES:
        raise JourneyTooLarge(
            f"{len(observed)} observed names; analysis stops at {bounds.MAX_OBSERVED_NAMES}"
        )
    counts: dict[str, int] = defaultdict(int)
    if isinstance(observed, Mapping):
        for name, count in observed.items():
            usable = isinstance(count, int) and not isinstance(count, bool) and count >= 0
            counts[str(name)] += count if usable else 0
    else:
        for name in observed:
            counts[str(name)] += 1
    return dict(counts)


def _loose(name: str) -> str:
    return " ".join(name.split()).casefold()
