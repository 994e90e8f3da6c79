"""Loops customers go round: simple cycles of observed transitions, bounded in length.

`nx.simple_cycles(G, length_bound=…)` recomputes the strongly connected components after
every node it retires, which takes over a minute on one big component of 10,000
touchpoints. The search here finds the same cycles: a depth-first search from each
touchpoint through touchpoints earlier in journey order only, so that each cycle is found
once, from its latest step (where customers turn back). On journey maps most transitions
go forward, so each search dies within a step or two. It stops at `bounds.MAX_CYCLES`
cycles or `bounds.MAX_CYCLE_STEPS` steps and then says `truncated`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import bounds
from .graph import JourneyGraph
from .results import touchpoint_ref


def cycles(
    *, journey: JourneyGraph, top_k: int, length_bound: int = bounds.CYCLE_LENGTH_BOUND
) -> dict[str, Any]:
    """Simple cycles of up to `length_bound` touchpoints, the busiest first.

    A cycle's `traffic` is the smallest count along it: at most that many customers can
    have gone all the way round. Each cycle's `path` starts at its earliest touchpoint in
    journey order and returns to it after the last.

    >>> from .graph import build_journey_graph, sketch_document
    >>> document = sketch_document(stages=[["a"], ["b"], ["c"]],
    ...     transitions={("a", "b"): 9, ("b", "c"): 5, ("c", "b"): 2})
    >>> found = cycles(journey=build_journey_graph(document=document), top_k=5)["items"]
    >>> [(item["path"], item["traffic"]) for item in found]
    [(['b', 'c'], 2)]
    """
    traffic = journey.traffic
    positions: dict[str, int] = dict(journey.graph.nodes(data="position"))
    # The raw successor dicts: this search is the hot loop and reads little else.
    adjacency = dict(traffic.adjacency())
    found, truncation = _bounded_cycles(
        adjacency=adjacency, positions=positions, bound=length_bound
    )
    ranked = []
    for cycle in found:
        closing = (*cycle[1:], cycle[0])
        flow = min(
            adjacency[source][target]["count"]
            for source, target in zip(cycle, closing, strict=True)
        )
        start = min(range(len(cycle)), key=lambda index: positions[cycle[index]])
        ordered = cycle[start:] + cycle[:start]
        ranked.append((flow, ordered))
    ranked.sort(key=lambda item: (-item[0], len(item[1]), [positions[node] for node in item[1]]))
    return {
        "items": [
            {
                "path": list(cycle),
                "steps": [touchpoint_ref(journey=journey, node=node) for node in cycle],
                "length": len(cycle),
                "traffic": flow,
            }
            for flow, cycle in ranked[:top_k]
        ],
        "count": len(found),
        "length_bound": length_bound,
        "truncated": truncation is not None,
        "truncation": truncation,
    }


def _bounded_cycles(
    *,
    adjacency: Mapping[str, Mapping[str, Any]],
    positions: Mapping[str, int],
    bound: int,
) -> tuple[list[tuple[str, ...]], str | None]:
    found: list[tuple[str, ...]] = []
    steps = 0
    if bound < 1:
        return found, None
    for root in sorted(adjacency, key=positions.__getitem__):
        if steps > bounds.MAX_CYCLE_STEPS or len(found) >= bounds.MAX_CYCLES:
            return _cut(found, steps)
        if root in adjacency[root]:
            found.append((root,))
        if bound < 2:
            continue
        root_position = positions[root]
        path = [root]
        on_path = {root}
        stack = [iter(adjacency[root])]
        while stack:
            if steps > bounds.MAX_CYCLE_STEPS or len(found) >= bounds.MAX_CYCLES:
                return _cut(found, steps)
            for node in stack[-1]:
                steps += 1
                if node == root:
                    if len(path) > 1:
                        found.append(tuple(path))
                elif positions[node] < root_position and node not in on_path:
                    if len(path) + 1 < bound:
                        path.append(node)
                        on_path.add(node)
                        stack.append(iter(adjacency[node]))
                        break
                    # The last step a cycle may take: only the way back to the root counts.
                    if root in adjacency[node]:
                        found.append((*path, node))
            else:
                stack.pop()
                on_path.discard(path.pop())
    return found, None


def _cut(found: list[tuple[str, ...]], steps: int) -> tuple[list[tuple[str, ...]], str]:
    if len(found) >= bounds.MAX_CYCLES:
        return found[: bounds.MAX_CYCLES], f"stopped at {bounds.MAX_CYCLES} cycles"
    return found, f"stopped after {bounds.MAX_CYCLE_STEPS} search steps"
