"""The journey graph: a map document as a NetworkX `DiGraph`.

Touchpoints are the nodes, in journey order (stage, then order key, then id), with their
stage, stage index, channel, persona, emotion and friction as attributes. Transitions are the
edges, weighted by `count`, the customers who made that step. A map without transitions gets
edges implied by stage order instead: every touchpoint of one stage to every touchpoint of
the next non-empty stage, each with count 1. `JourneyGraph.edges_source` says which.

With a `persona`, the graph keeps that persona's touchpoints and the shared ones (those with
no persona), since every persona passes through a shared step; transitions, friction points
and content are restricted the same way.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

import networkx as nx

from . import bounds
from .document import (
    Content,
    EmotionPoint,
    Friction,
    JourneyTooLarge,
    Stage,
    check_size,
    read_channel_names,
    read_contents,
    read_emotion_points,
    read_frictions,
    read_map_personas,
    read_stages,
    read_touchpoints,
    read_transitions,
    sketch_document,
)

__all__ = [
    "EdgesSource",
    "JourneyGraph",
    "JourneyTooLarge",
    "Stage",
    "build_journey_graph",
    "sketch_document",
]

EdgesSource = Literal["observed", "implied"]
EndpointSource = Literal["request", "map", "stages"]


@dataclass(frozen=True)
class JourneyGraph:
    """A map ready for analysis.

    `graph` holds every transition, `count` 0 included; `traffic` holds those with a
    positive count (it is `graph` itself when there are none at 0) and carries the edge
    attributes `count`, `probability` (count / the source's outflow) and `cost`
    (-log probability). Node attributes live on `graph`.
    """

    graph: nx.DiGraph
    traffic: nx.DiGraph
    stages: tuple[Stage, ...]
    entries: tuple[str, ...]
    goals: tuple[str, ...]
    edges_source: EdgesSource
    persona: str | None
    # The personas per-persona analyses look at; (None,) when the map names none.
    personas: tuple[str | None, ...]
    frictions: tuple[Friction, ...]
    contents: tuple[Content, ...]
    emotion_points: tuple[EmotionPoint, ...]
    channel_names: Mapping[str, str]
    # Every touchpoint on the map, whatever the persona filter: id → title.
    map_touchpoints: Mapping[str, str]
    # Observed customers crossing into and out of each stage (transitions between stages).
    stage_entering: Mapping[str, int]
    stage_leaving: Mapping[str, int]
    ignored: Mapping[str, int]
    edge_count: int
    traffic_edge_count: int
    unknown_entries: tuple[str, ...] = ()
    unknown_goals: tuple[str, ...] = ()
    # Where the entries and goals came from: "request", "map" (touchpoints whose
    # `journey_role` says so) or "stages" (the first and last stage with touchpoints).
    entries_source: EndpointSource = "stages"
    goals_source: EndpointSource = "stages"

    @cached_property
    def stage_by_id(self) -> dict[str, Stage]:
        return {stage.id: stage for stage in self.stages}


def _size_limits() -> dict[str, int]:
    # Read at call time, so that a lowered bound (in a test, say) takes effect.
    return {
        "touchpoints": bounds.MAX_TOUCHPOINTS,
        "transitions": bounds.MAX_EDGES,
        "stages": bounds.MAX_STAGES,
        "personas": bounds.MAX_PERSONAS,
        "frictions": bounds.MAX_ROWS,
        "contents": bounds.MAX_ROWS,
        "emotions": bounds.MAX_ROWS,
    }


def build_journey_graph(
    *,
    document: Mapping[str, Any],
    persona: str | None = None,
    entry: Sequence[str] | None = None,
    goal: Sequence[str] | None = None,
) -> JourneyGraph:
    """The journey graph of a map document (the shape of `map_document`).

    Entries default to the touchpoints the map marks as entries (`journey_role`), else to
    those of the first stage that has any; goals likewise, with the last; `entry` and
    `goal` replace them with lists of touchpoint ids (ids not on the
    graph are left out and listed in `unknown_entries` / `unknown_goals`).

    Examples
    --------
    >>> journey = build_journey_graph(
    ...     document=sketch_document(stages=[["a"], ["b", "c"]], transitions={("a", "b"): 3})
    ... )
    >>> list(journey.graph.edges(data="count")), journey.entries, journey.goals
    ([('a', 'b', 3)], ('a',), ('b', 'c'))
    """
    check_size(document=document, limits=_size_limits())
    persona = None if persona is None else str(persona)
    ignored: dict[str, int] = defaultdict(int)
    stages = read_stages(document=document)
    stage_by_id = {stage.id: stage for stage in stages}
    map_touchpoints, node_attrs = read_touchpoints(
        document=document, persona=persona, stage_by_id=stage_by_id, ignored=ignored
    )
    frictions = read_frictions(
        document=document,
        persona=persona,
        stage_by_id=stage_by_id,
        map_touchpoints=map_touchpoints,
        kept=node_attrs,
        ignored=ignored,
    )
    for attrs in node_attrs.values():
        attrs.update(severity=0, frictions=[])
    for friction in frictions:
        if friction.touchpoint is not None:
            node_attrs[friction.touchpoint]["severity"] += friction.severity
            node_attrs[friction.touchpoint]["frictions"].append(friction.id)
    counts, any_on_map = read_transitions(
        document=document, map_touchpoints=map_touchpoints, kept=node_attrs, ignored=ignored
    )
    # The whole map decides the edge source, so a persona filter never flips it.
    edges_source: EdgesSource = "observed" if any_on_map else "implied"
    if edges_source == "implied":
        counts = _implied_counts(node_attrs)

    outflow: dict[str, int] = defaultdict(int)
    arrived: dict[str, int] = defaultdict(int)
    stage_entering: dict[str, int] = dict.fromkeys(stage_by_id, 0)
    stage_leaving: dict[str, int] = dict.fromkeys(stage_by_id, 0)
    for (source, target), count in counts.items():
        outflow[source] += count
        arrived[target] += count
        source_stage, target_stage = node_attrs[source]["stage"], node_attrs[target]["stage"]
        if source_stage != target_stage:
            stage_leaving[source_stage] += count
            stage_entering[target_stage] += count

    for node, attrs in node_attrs.items():
        # Customers through the step: the larger of those seen in and seen out.
        attrs.update(
            arrived=arrived[node],
            outflow=outflow[node],
            traffic=max(arrived[node], outflow[node]),
        )
    graph = nx.DiGraph()
    graph.add_nodes_from(node_attrs.items())
    # Insert edges in journey order, whatever the document's row order: adjacency order
    # decides which of two equal Dijkstra paths wins and how betweenness sums its floats.
    positions = {node: attrs["position"] for node, attrs in node_attrs.items()}
    width = len(positions)
    # One integer per edge sorts as (source position, target position), and sorts faster.
    ordered = sorted(
        counts.items(), key=lambda item: positions[item[0][0]] * width + positions[item[0][1]]
    )
    graph.add_edges_from(
        (source, target, _edge_attrs(count, outflow[source])) for (source, target), count in ordered
    )
    traffic = graph
    positive = sum(1 for count in counts.values() if count > 0)
    if positive < len(counts):
        traffic = nx.DiGraph()
        traffic.add_nodes_from(graph)
        traffic.add_edges_from(
            (source, target, attrs)
            for source, target, attrs in graph.edges(data=True)
            if attrs["count"] > 0
        )

    entries, unknown_entries, entries_source = _endpoints(entry, node_attrs, role="entry")
    goals, unknown_goals, goals_source = _endpoints(goal, node_attrs, role="goal")
    contents = read_contents(document=document, persona=persona, stage_by_id=stage_by_id)
    emotion_points = read_emotion_points(
        document=document, persona=persona, stage_by_id=stage_by_id
    )
    return JourneyGraph(
        graph=graph,
        traffic=traffic,
        stages=stages,
        entries=entries,
        goals=goals,
        edges_source=edges_source,
        persona=persona,
        personas=_personas(document, persona, node_attrs, contents, emotion_points),
        frictions=frictions,
        contents=contents,
        emotion_points=emotion_points,
        channel_names=read_channel_names(document=document),
        map_touchpoints=map_touchpoints,
        stage_entering=stage_entering,
        stage_leaving=stage_leaving,
        ignored=dict(sorted(ignored.items())),
        edge_count=len(counts),
        traffic_edge_count=positive,
        unknown_entries=unknown_entries,
        unknown_goals=unknown_goals,
        entries_source=entries_source,
        goals_source=goals_source,
    )


def _implied_counts(node_attrs: Mapping[str, dict[str, Any]]) -> dict[tuple[str, str], int]:
    layers: dict[int, list[str]] = defaultdict(list)
    for node, attrs in node_attrs.items():
        layers[attrs["stage_index"]].append(node)
    ordered = [layers[index] for index in sorted(layers)]
    size = sum(len(a) * len(b) for a, b in zip(ordered, ordered[1:], strict=False))
    if size > bounds.MAX_EDGES:
        raise JourneyTooLarge(
            f"stage order implies {size} edges; analysis stops at {bounds.MAX_EDGES}"
        )
    return {
        (source, target): 1
        for layer, following in zip(ordered, ordered[1:], strict=False)
        for source in layer
        for target in following
    }


def _edge_attrs(count: int, outflow: int) -> dict[str, Any]:
    if count == 0:
        return {"count": 0, "probability": 0.0}
    return {"count": count, "probability": count / outflow, "cost": math.log(outflow / count)}


def _endpoints(
    requested: Sequence[str] | None, node_attrs: Mapping[str, dict[str, Any]], *, role: str
) -> tuple[tuple[str, ...], tuple[str, ...], EndpointSource]:
    """The entries (or goals), the requested ids not on the graph, and where they came from:
    the request; else the touchpoints the map marks with the role (those the persona filter
    kept); else the first (or last) stage with touchpoints."""
    if requested is None:
        if not node_attrs:
            return (), (), "stages"
        marked = tuple(n for n, a in node_attrs.items() if a["journey_role"] == role)
        if marked:
            return marked, (), "map"
        indexes = [attrs["stage_index"] for attrs in node_attrs.values()]
        wanted = min(indexes) if role == "entry" else max(indexes)
        return tuple(n for n, a in node_attrs.items() if a["stage_index"] == wanted), (), "stages"
    ids = {str(value) for value in requested}
    found = sorted((n for n in ids if n in node_attrs), key=lambda n: node_attrs[n]["position"])
    return tuple(found), tuple(sorted(ids - set(found))), "request"


def _personas(
    document: Mapping[str, Any],
    persona: str | None,
    node_attrs: Mapping[str, dict[str, Any]],
    contents: Sequence[Content],
    emotion_points: Sequence[EmotionPoint],
) -> tuple[str | None, ...]:
    if persona is not None:
        return (persona,)
    named = read_map_personas(document=document)
    named |= {attrs["persona"] for attrs in node_attrs.values() if attrs["persona"]}
    named |= {content.persona for content in contents if content.persona}
    named |= {point.persona for point in emotion_points}
    if len(named) > bounds.MAX_PERSONAS:
        raise JourneyTooLarge(f"{len(named)} personas; analysis stops at {bounds.MAX_PERSONAS}")
    return tuple(sorted(named)) if named else (None,)
