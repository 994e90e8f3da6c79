"""The paths customers take: the critical path, the top path variants, the channel switches.

A path runs from an entry to its first goal without visiting a touchpoint twice. Its share
is the probability that a customer follows exactly that path, read from the observed
counts as a first-order Markov chain: the share of journeys starting at the path's entry
(the entry's outflow over all entries' outflow, or equal shares when no entry has any)
times, for every step, count / outflow of the step's source. Since paths stop at their
first goal, no path is the beginning of another, so the shares of distinct paths add up to
at most 1.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import networkx as nx

from . import bounds
from .graph import JourneyGraph
from .results import finding_list, touchpoint_ref


@dataclass(frozen=True)
class PathVariant:
    nodes: tuple[str, ...]
    share: float  # of all journeys from the entries
    probability: float  # of the steps, for a customer already at the path's entry


@dataclass(frozen=True)
class TopPaths:
    variants: tuple[PathVariant, ...]
    truncation: str | None  # why the search stopped before it was sure, or None
    reason: str | None = None  # why there are no paths at all, or None


def find_top_paths(*, journey: JourneyGraph, k: int) -> TopPaths:
    """The `k` paths with the largest shares, largest first; ties go to the smaller ids.

    A best-first search over simple paths on cost = -log probability, guided by each
    touchpoint's exact cost to the nearest goal (one Dijkstra on the reversed graph), so it
    pops complete paths in order of share and expands little beyond them.

    >>> from .graph import build_journey_graph, sketch_document
    >>> document = sketch_document(
    ...     stages=[["a"], ["b", "c"], ["d"]],
    ...     transitions={("a", "b"): 3, ("a", "c"): 1, ("b", "d"): 3, ("c", "d"): 1},
    ... )
    >>> top = find_top_paths(journey=build_journey_graph(document=document), k=2)
    >>> [(variant.nodes, variant.share) for variant in top.variants]
    [(('a', 'b', 'd'), 0.75), (('a', 'c', 'd'), 0.25)]
    """
    goals = set(journey.goals)
    if k <= 0:
        return TopPaths((), None)
    if not journey.entries or not goals:
        return TopPaths((), None, reason="no entry" if not journey.entries else "no goal")
    traffic = journey.traffic
    to_goal = nx.multi_source_dijkstra_path_length(
        traffic.reverse(copy=False), goals, weight="cost"
    )
    nodes = journey.graph.nodes
    weights = {entry: nodes[entry]["outflow"] for entry in journey.entries}
    if not any(weights.values()):
        weights = dict.fromkeys(weights, 1)  # no entry has traffic: count them alike
    # Over every entry: customers starting where no goal can be reached count as well.
    total = sum(weights.values())
    # (rounded cost bound, path, cost so far, share, probability): the path settles ties.
    heap: list[tuple[float, tuple[str, ...], float, float, float]] = []
    for entry, weight in weights.items():
        if weight and entry in to_goal:
            cost = math.log(total / weight)
            bound = round(cost + to_goal[entry], bounds.COST_TIE_DECIMALS)
            heap.append((bound, (entry,), cost, weight / total, 1.0))
    heapq.heapify(heap)
    if not heap:
        return TopPaths((), None, reason="no goal is reachable from an entry")

    variants: list[PathVariant] = []
    truncation = None
    expansions = 0
    while heap:
        _, path, cost, share, probability = heapq.heappop(heap)
        last = path[-1]
        if last in goals:
            variants.append(PathVariant(path, share, probability))
            if len(variants) == k:
                break
            continue
        if expansions == bounds.MAX_PATH_EXPANSIONS:
            truncation = f"search stopped after {bounds.MAX_PATH_EXPANSIONS} expansions"
            break
        expansions += 1
        if len(path) == bounds.MAX_PATH_NODES:
            truncation = f"paths over {bounds.MAX_PATH_NODES} touchpoints left out"
            continue
        for following, attrs in traffic.succ[last].items():
            if following in to_goal and following not in path:
                step_cost = cost + attrs["cost"]
                bound = round(step_cost + to_goal[following], bounds.COST_TIE_DECIMALS)
                step = attrs["probability"]
                item = (bound, (*path, following), step_cost, share * step, probability * step)
                heapq.heappush(heap, item)
    return TopPaths(tuple(variants), truncation)


def critical_path(*, journey: JourneyGraph, top_paths: TopPaths | None = None) -> dict[str, Any]:
    """The most travelled path: from an entry to a goal, the one with the largest share.

    >>> from .graph import build_journey_graph, sketch_document
    >>> steps = {("a", "b"): 3, ("a", "c"): 1}
    >>> document = sketch_document(stages=[["a"], ["b", "c"]], transitions=steps)
    >>> found = critical_path(journey=build_journey_graph(document=document))
    >>> found["path"], found["share"]
    (['a', 'b'], 0.75)
    """
    top = top_paths if top_paths is not None else find_top_paths(journey=journey, k=1)
    if not top.variants:
        return {
            "path": [],
            "entry": None,
            "goal": None,
            "share": 0.0,
            "probability": 0.0,
            "length": 0,
            "steps": [],
            "transitions": [],
            "reason": top.reason or "no goal is reachable from an entry",
        }
    best = top.variants[0]
    return {
        "path": list(best.nodes),
        "entry": best.nodes[0],
        "goal": best.nodes[-1],
        "share": best.share,
        "probability": best.probability,
        "length": len(best.nodes) - 1,
        "steps": [touchpoint_ref(journey=journey, node=node) for node in best.nodes],
        "transitions": [
            {
                "from": source,
                "to": target,
                "count": journey.traffic.edges[source, target]["count"],
                "probability": journey.traffic.edges[source, target]["probability"],
            }
            for source, target in zip(best.nodes, best.nodes[1:], strict=False)
        ],
        "reason": None,
    }


def path_variants(
    *, journey: JourneyGraph, top_k: int, top_paths: TopPaths | None = None
) -> dict[str, Any]:
    """The `top_k` paths with the largest shares; `total_share` is their sum (≤ 1).

    >>> from .graph import build_journey_graph, sketch_document
    >>> steps = {("a", "b"): 1, ("a", "c"): 1}
    >>> document = sketch_document(stages=[["a"], ["b", "c"]], transitions=steps)
    >>> found = path_variants(journey=build_journey_graph(document=document), top_k=5)
    >>> [item["path"] for item in found["items"]]
    [['a', 'b'], ['a', 'c']]
    """
    top = top_paths if top_paths is not None else find_top_paths(journey=journey, k=top_k)
    variants = top.variants[:top_k]
    return {
        "items": [
            {
                "rank": rank,
                "path": list(variant.nodes),
                "share": variant.share,
                "probability": variant.probability,
                "length": len(variant.nodes) - 1,
            }
            for rank, variant in enumerate(variants, start=1)
        ],
        "total_share": math.fsum(variant.share for variant in variants),
        "truncated": top.truncation is not None,
        "truncation": top.truncation,
    }


def channel_switches(
    *, journey: JourneyGraph, top_k: int, top_paths: TopPaths | None = None
) -> dict[str, Any]:
    """Changes of channel, along the top paths and over every observed transition.

    Along a path, touchpoints without a channel are skipped, so web → (none) → email is one
    switch from web to email. `along_top_paths` counts each switch's `occurrences`, the
    `paths` holding it and their summed `share`; `transitions` sums the counts of the
    transitions whose two touchpoints have different channels.

    >>> from .graph import build_journey_graph
    >>> document = {
    ...     "stages": [{"id": "s", "order_key": "a"}],
    ...     "touchpoints": [{"id": "a", "stage": "s", "channel": "web"},
    ...                     {"id": "b", "stage": "s", "channel": "app"}],
    ...     "transitions": [{"from_touchpoint": "a", "to_touchpoint": "b", "count": 4}],
    ... }
    >>> journey = build_journey_graph(document=document, entry=["a"], goal=["b"])
    >>> channel_switches(journey=journey, top_k=5)["transitions"]["items"][0]["count"]
    4
    """
    top = top_paths if top_paths is not None else find_top_paths(journey=journey, k=top_k)
    nodes = journey.graph.nodes
    occurrences: dict[tuple[str, str], int] = defaultdict(int)
    holding: dict[tuple[str, str], list[float]] = defaultdict(list)
    for variant in top.variants[:top_k]:
        channels = [nodes[node]["channel"] for node in variant.nodes if nodes[node]["channel"]]
        seen = set()
        for source, target in zip(channels, channels[1:], strict=False):
            if source != target:
                occurrences[source, target] += 1
                seen.add((source, target))
        for pair in seen:
            holding[pair].append(variant.share)
    along = [
        {
            **_channel_pair(journey, pair),
            "occurrences": occurrences[pair],
            "paths": len(holding[pair]),
            "share": math.fsum(holding[pair]),
        }
        for pair in occurrences
    ]
    along.sort(key=lambda item: (-item["share"], -item["occurrences"], _pair_key(item)))

    switched: dict[tuple[str, str], int] = defaultdict(int)
    channel_of: dict[str, str | None] = dict(nodes(data="channel"))
    for source, following in journey.traffic.adjacency():
        source_channel = channel_of[source]
        if source_channel is None:
            continue
        for target, attrs in following.items():
            target_channel = channel_of[target]
            if target_channel is not None and target_channel != source_channel:
                switched[source_channel, target_channel] += attrs["count"]
    overall = [{**_channel_pair(journey, pair), "count": count} for pair, count in switched.items()]
    overall.sort(key=lambda item: (-item["count"], _pair_key(item)))
    return {"along_top_paths": along, "transitions": finding_list(items=overall)}


def _channel_pair(journey: JourneyGraph, pair: tuple[str, str]) -> dict[str, Any]:
    source, target = pair
    return {
        "from_channel": source,
        "from_name": journey.channel_names.get(source),
        "to_channel": target,
        "to_name": journey.channel_names.get(target),
    }


def _pair_key(item: dict[str, Any]) -> tuple[str, str]:
    return (item["from_channel"], item["to_channel"])
