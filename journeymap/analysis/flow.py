"""Where customers go and where they stop: drop-off, dead ends, unreachable steps,
bottlenecks and friction hotspots.

Flow at a touchpoint, from the observed counts: `arrived` is the sum of its incoming
transitions, `outflow` the sum of its outgoing ones. Customers first seen at a step
(`started`: its outflow beyond what arrived, as at an entry) join its `inflow`; what goes in
and does not go out stopped there, `completed` at a goal and `lost` anywhere else. So at every
touchpoint and every stage, inflow = outflow + lost + completed, exactly.
"""

from __future__ import annotations

from collections import deque
from typing import Any

import networkx as nx

from . import bounds
from .graph import JourneyGraph
from .results import finding_list, position, touchpoint_ref


def drop_off(*, journey: JourneyGraph) -> dict[str, Any]:
    """Inflow, outflow, lost and completed customers per touchpoint and per stage.

    A stage's inflow is what crosses into it from other stages plus what starts in it; its
    outflow is what crosses out. Steps inside a stage move customers without changing either.

    >>> from .graph import build_journey_graph, sketch_document
    >>> steps = {("a", "b"): 10, ("b", "c"): 4}
    >>> document = sketch_document(stages=[["a"], ["b"], ["c"]], transitions=steps)
    >>> step = drop_off(journey=build_journey_graph(document=document))["steps"][1]
    >>> step["inflow"], step["outflow"], step["lost"], step["lost_pct"]
    (10, 4, 6, 60.0)
    """
    goals = set(journey.goals)
    steps = []
    by_stage: dict[str, dict[str, int]] = {
        stage.id: {"started": 0, "lost": 0, "completed": 0} for stage in journey.stages
    }
    for node, attrs in journey.graph.nodes(data=True):
        arrived, outflow = attrs["arrived"], attrs["outflow"]
        started = max(0, outflow - arrived)
        inflow = arrived + started
        stopped = inflow - outflow
        completed = stopped if node in goals else 0
        figures = {"started": started, "lost": stopped - completed, "completed": completed}
        for name, value in figures.items():
            by_stage[attrs["stage"]][name] += value
        steps.append(
            {
                **touchpoint_ref(journey=journey, node=node, attrs=attrs),
                "inflow": inflow,
                "outflow": outflow,
                **figures,
                "lost_pct": _pct(figures["lost"], inflow),
            }
        )
    stages = []
    for stage in journey.stages:
        figures = by_stage[stage.id]
        inflow = journey.stage_entering[stage.id] + figures["started"]
        stages.append(
            {
                "stage": stage.id,
                "stage_name": stage.name,
                "inflow": inflow,
                "outflow": journey.stage_leaving[stage.id],
                **figures,
                "lost_pct": _pct(figures["lost"], inflow),
            }
        )
    started = sum(figures["started"] for figures in by_stage.values())
    completed = sum(figures["completed"] for figures in by_stage.values())
    return {
        "steps": steps,
        "stages": stages,
        "totals": {
            "started": started,
            "completed": completed,
            "lost": started - completed,
            "completed_pct": _pct(completed, started),
        },
    }


def dead_ends(*, journey: JourneyGraph) -> dict[str, Any]:
    """Touchpoints that are not goals and that no customer leaves: no positive outflow.

    Most stranded customers first (`inflow`), then journey order.

    >>> from .graph import build_journey_graph, sketch_document
    >>> steps = {("a", "b"): 2, ("a", "c"): 1, ("b", "d"): 2}
    >>> document = sketch_document(stages=[["a"], ["b", "c"], ["d"]], transitions=steps)
    >>> found = dead_ends(journey=build_journey_graph(document=document))
    >>> [item["touchpoint"] for item in found["items"]]
    ['c']
    """
    goals = set(journey.goals)
    found = [
        (node, attrs["arrived"])
        for node, attrs in journey.graph.nodes(data=True)
        if attrs["outflow"] == 0 and node not in goals
    ]
    found.sort(key=lambda item: (-item[1], position(journey=journey, node=item[0])))
    items = [
        {**touchpoint_ref(journey=journey, node=node), "inflow": inflow} for node, inflow in found
    ]
    return finding_list(items=items)


def unreachable(*, journey: JourneyGraph) -> dict[str, Any]:
    """Touchpoints no chain of transitions leads to from an entry (transitions at count 0
    included: this is about how the map is drawn, `conformance` about what was observed).

    >>> from .graph import build_journey_graph, sketch_document
    >>> steps = {("a", "b"): 2, ("c", "b"): 1}
    >>> document = sketch_document(stages=[["a"], ["b", "c"]], transitions=steps)
    >>> found = unreachable(journey=build_journey_graph(document=document))
    >>> [item["touchpoint"] for item in found["items"]]
    ['c']
    """
    graph = journey.graph
    reached = set(journey.entries)
    queue = deque(journey.entries)
    while queue:
        for following in graph.succ[queue.popleft()]:
            if following not in reached:
                reached.add(following)
                queue.append(following)
    items = [touchpoint_ref(journey=journey, node=node) for node in graph if node not in reached]
    return finding_list(items=items)


def betweenness_sources(*, nodes: int, edges: int) -> int:
    """How many sources betweenness may run from: all of them while the work fits
    `bounds.BETWEENNESS_WORK_BUDGET`, fewer (never under the minimum) past that.

    >>> betweenness_sources(nodes=100, edges=300), betweenness_sources(nodes=10_000, edges=30_000)
    (100, 25)
    """
    if nodes == 0:
        return 0
    fitting = bounds.BETWEENNESS_WORK_BUDGET // (nodes + edges)
    return min(nodes, max(bounds.BETWEENNESS_MIN_SOURCES, fitting))


def bottlenecks(*, journey: JourneyGraph, top_k: int) -> dict[str, Any]:
    """Touchpoints most of the likeliest routes pass through.

    Normalised betweenness on the observed transitions, with cost = -log probability, so a
    shortest path is a most probable one. On large graphs it runs from a seeded sample of
    sources (`betweenness_sources`) and says `approximate`.

    >>> from .graph import build_journey_graph, sketch_document
    >>> document = sketch_document(stages=[["a", "b"], ["c"], ["d", "e"]],
    ...     transitions={("a", "c"): 1, ("b", "c"): 1, ("c", "d"): 1, ("c", "e"): 1})
    >>> found = bottlenecks(journey=build_journey_graph(document=document), top_k=3)
    >>> [item["touchpoint"] for item in found["items"]]
    ['c']
    """
    traffic = journey.traffic
    nodes, edges = traffic.number_of_nodes(), journey.traffic_edge_count
    sources = betweenness_sources(nodes=nodes, edges=edges)
    approximate = sources < nodes
    scores: dict[str, float] = (
        nx.betweenness_centrality(
            traffic,
            k=sources if approximate else None,
            seed=bounds.BETWEENNESS_SEED,
            weight="cost",
        )
        if edges
        else {}
    )
    ranked = sorted(
        (node for node, score in scores.items() if score > 0),
        key=lambda node: (-scores[node], position(journey=journey, node=node)),
    )
    attrs = journey.graph.nodes
    return {
        "items": [
            {
                **touchpoint_ref(journey=journey, node=node),
                "betweenness": scores[node],
                "traffic": attrs[node]["traffic"],
            }
            for node in ranked[:top_k]
        ],
        "sources": sources,
        "seed": bounds.BETWEENNESS_SEED if approximate else None,
        "approximate": approximate,
        "approximation": (
            f"betweenness from {sources} of {nodes} sources, seed {bounds.BETWEENNESS_SEED}"
            if approximate
            else None
        ),
    }


def stage_inflow(*, journey: JourneyGraph) -> dict[str, int]:
    """Customers entering each stage: crossing in from other stages or starting in it."""
    inflow = dict(journey.stage_entering)
    for _, attrs in journey.graph.nodes(data=True):
        inflow[attrs["stage"]] += max(0, attrs["outflow"] - attrs["arrived"])
    return inflow


def friction_hotspots(*, journey: JourneyGraph, top_k: int) -> dict[str, Any]:
    """Friction points ranked by severity × traffic.

    Traffic is the customers through the friction's touchpoint (the larger of those seen
    arriving and leaving), or, for a friction on a whole stage, those entering the stage.

    >>> from .graph import build_journey_graph, sketch_document
    >>> document = sketch_document(stages=[["a"], ["b"]], transitions={("a", "b"): 7})
    >>> document["frictions"] = [{"id": "f", "stage": "stage-2", "touchpoint": "b", "severity": 2}]
    >>> found = friction_hotspots(journey=build_journey_graph(document=document), top_k=5)
    >>> found["items"][0]["score"]
    14
    """
    traffic_of = friction_traffic(journey=journey)
    scored = []
    for friction in journey.frictions:
        traffic = traffic_of[friction.id]
        scored.append((friction, traffic, friction.severity * traffic))
    scored.sort(key=lambda item: (-item[2], -item[0].severity, item[0].id))
    return {
        "items": [
            {
                "friction": friction.id,
                "title": friction.title,
                "severity": friction.severity,
                "touchpoint": friction.touchpoint,
                "stage": friction.stage,
                "stage_name": journey.stage_by_id[friction.stage].name,
                "traffic": traffic,
                "score": score,
            }
            for friction, traffic, score in scored[:top_k]
        ],
        "count": len(scored),
    }


def friction_traffic(*, journey: JourneyGraph) -> dict[str, int]:
    """Customers through each friction point of the graph, by friction id: those through its
    touchpoint (the larger of those seen arriving and leaving) or, for a friction on a whole
    stage, those entering the stage. The traffic of `friction_hotspots`, for every friction
    rather than the top few (the feature priorities of `priority.py` read it).

    >>> from .graph import build_journey_graph, sketch_document
    >>> document = sketch_document(stages=[["a"], ["b"]], transitions={("a", "b"): 7})
    >>> document["frictions"] = [
    ...     {"id": "on-b", "stage": "stage-2", "touchpoint": "b", "severity": 2},
    ...     {"id": "stage-1", "stage": "stage-1", "touchpoint": None, "severity": 1},
    ... ]
    >>> friction_traffic(journey=build_journey_graph(document=document))
    {'on-b': 7, 'stage-1': 7}
    """
    per_stage = stage_inflow(journey=journey)
    nodes = journey.graph.nodes
    return {
        friction.id: (
            per_stage[friction.stage]
            if friction.touchpoint is None
            else nodes[friction.touchpoint]["traffic"]
        )
        for friction in journey.frictions
    }


def _pct(part: int, whole: int) -> float:
    return round(100 * part / whole, 2) if whole else 0.0
