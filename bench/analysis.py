"""Benchmark: `analyse()` on random journey maps of 100, 1,000 and 10,000 touchpoints.

Each map has 3 transitions per touchpoint, spread over its stages: mostly to the next stage,
some skipping one, some within the stage and some back to the previous one. Beside
`analyse()` (the median of several runs), the same run times the bare NetworkX calls
`analyse()` makes on the same graph, built straight from the edge list: betweenness with the
same sampled k and seed, the Dijkstra searches behind the path variants, the reachability
search. The ratio of the two is what the analysis layer costs on top of NetworkX.

NetworkX's own enumerations, which `analyse()` does not use, are timed once each in a child
process with a time limit: `simple_cycles` with the same length bound and count, and
`shortest_simple_paths` for the same number of paths.

    .venv/bin/python bench/analysis.py [--sizes 100,1000,10000] [--limit 20]

Needs no database and no Django.
"""

from __future__ import annotations

import argparse
import itertools
import math
import multiprocessing
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from journeymap.analysis import bounds  # noqa: E402
from journeymap.analysis.flow import betweenness_sources  # noqa: E402
from journeymap.analysis.report import analyse  # noqa: E402

EDGES_PER_TOUCHPOINT = 3
# Where a transition goes, relative to its touchpoint's stage, and how often.
STAGE_OFFSETS = (1, 2, 0, -1)
OFFSET_WEIGHTS = (0.6, 0.15, 0.15, 0.1)
CHANNELS = ("web", "app", "email", "phone")
PERSONAS = ("pat", "sam", "lee")
TOP_K = 5


def random_document(*, touchpoints: int, seed: int = 0) -> dict[str, Any]:
    """A map document of `touchpoints` touchpoints in about 5 × (n / 100)^0.3 stages."""
    rng = random.Random(seed)
    stage_count = max(2, round(5 * (touchpoints / 100) ** 0.3))

    def new_id() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128)))

    stages = [
        {"id": new_id(), "name": f"Stage {n}", "order_key": f"a{n:04d}"} for n in range(stage_count)
    ]
    by_stage: list[list[str]] = [[] for _ in stages]
    rows = []
    stage_indexes = [n * stage_count // touchpoints for n in range(touchpoints)]
    for n, stage_index in enumerate(stage_indexes):
        touchpoint = new_id()
        by_stage[stage_index].append(touchpoint)
        rows.append(
            {
                "id": touchpoint,
                "stage": stages[stage_index]["id"],
                "lane": "lane",
                "title": f"Step {n}",
                "channel": rng.choice(CHANNELS),
                "persona": rng.choice((*PERSONAS, None)),
                "emotion": rng.randint(-3, 3),
                "order_key": f"a{n:06d}",
            }
        )
    counts: dict[tuple[str, str], int] = {}
    for row, stage_index in zip(rows, stage_indexes, strict=True):
        for _ in range(EDGES_PER_TOUCHPOINT):
            offset = rng.choices(STAGE_OFFSETS, OFFSET_WEIGHTS)[0]
            target_stage = min(max(stage_index + offset, 0), stage_count - 1)
            target = rng.choice(by_stage[target_stage])
            if target != row["id"]:
                counts[row["id"], target] = rng.randint(1, 100)
    frictions = [
        {
            "id": new_id(),
            "stage": row["stage"],
            "touchpoint": row["id"] if rng.random() < 0.8 else None,
            "title": f"Friction {n}",
            "severity": rng.randint(1, 5),
            "personas": [rng.choice(PERSONAS)] if rng.random() < 0.5 else [],
        }
        for n, row in enumerate(rng.sample(rows, max(1, touchpoints // 10)))
    ]
    contents = [
        {"id": new_id(), "stage": stage["id"], "persona": persona}
        for stage in stages
        for persona in PERSONAS
        if rng.random() < 0.7
    ]
    emotions = [
        {"id": new_id(), "stage": stage["id"], "persona": persona, "score": rng.randint(-3, 3)}
        for stage in stages
        for persona in PERSONAS
    ]
    return {
        "id": new_id(),
        "personas": list(PERSONAS),
        "stages": stages,
        "lanes": [],
        "touchpoints": rows,
        "frictions": frictions,
        "contents": contents,
        "emotions": emotions,
        "transitions": [
            {"id": new_id(), "from_touchpoint": a, "to_touchpoint": b, "count": count}
            for (a, b), count in counts.items()
        ],
        "directory": {"channels": [{"id": name, "name": name.title()} for name in CHANNELS]},
    }


def bare_networkx(document: dict[str, Any]) -> float:
    """The NetworkX calls `analyse()` makes, on a graph built straight from the edge list."""
    start = time.perf_counter()
    first, last = document["stages"][0]["id"], document["stages"][-1]["id"]
    rows = document["touchpoints"]
    entries = [row["id"] for row in rows if row["stage"] == first]
    goals = [row["id"] for row in rows if row["stage"] == last]
    outflow: dict[str, int] = {}
    for row in document["transitions"]:
        outflow[row["from_touchpoint"]] = outflow.get(row["from_touchpoint"], 0) + row["count"]
    graph = nx.DiGraph()
    graph.add_nodes_from(row["id"] for row in rows)
    graph.add_edges_from(
        (
            row["from_touchpoint"],
            row["to_touchpoint"],
            {
                "count": row["count"],
                "probability": row["count"] / outflow[row["from_touchpoint"]],
                "cost": math.log(outflow[row["from_touchpoint"]] / row["count"]),
            },
        )
        for row in document["transitions"]
    )
    nodes, edges = graph.number_of_nodes(), graph.number_of_edges()
    sources = betweenness_sources(nodes=nodes, edges=edges)
    nx.betweenness_centrality(
        graph,
        k=sources if sources < nodes else None,
        seed=bounds.BETWEENNESS_SEED,
        weight="cost",
    )
    nx.multi_source_dijkstra_path_length(graph.reverse(copy=False), goals, weight="cost")
    nx.multi_source_dijkstra(graph, entries, weight="cost")
    for _ in nx.bfs_layers(graph, entries):
        pass
    return time.perf_counter() - start


def _graph(document: dict[str, Any]) -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_edges_from(
        (row["from_touchpoint"], row["to_touchpoint"], {"count": row["count"]})
        for row in document["transitions"]
    )
    return graph


def nx_simple_cycles(document: dict[str, Any]) -> int:
    cycles = nx.simple_cycles(_graph(document), length_bound=bounds.CYCLE_LENGTH_BOUND)
    return sum(1 for _ in itertools.islice(cycles, bounds.MAX_CYCLES))


def nx_shortest_simple_paths(document: dict[str, Any]) -> int:
    graph = _graph(document)
    for attrs in graph.succ.values():
        total = sum(edge["count"] for edge in attrs.values())
        for edge in attrs.values():
            edge["cost"] = math.log(total / edge["count"])
    first, last = document["stages"][0]["id"], document["stages"][-1]["id"]
    # One source and one sink stand for all entries and goals.
    for row in document["touchpoints"]:
        if row["stage"] == first:
            graph.add_edge("entry", row["id"], cost=0.0)
        if row["stage"] == last:
            graph.add_edge(row["id"], "goal", cost=0.0)
    paths = nx.shortest_simple_paths(graph, "entry", "goal", weight="cost")
    return sum(1 for _ in itertools.islice(paths, TOP_K))


def _run_child(
    function: Callable[[dict[str, Any]], int], document: dict[str, Any], queue: Any
) -> None:
    start = time.perf_counter()
    function(document)
    queue.put(time.perf_counter() - start)


def timed_with_limit(
    function: Callable[[dict[str, Any]], int], document: dict[str, Any], limit: float
) -> float | None:
    """Seconds `function` took in a child process, or None when it ran past `limit`."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_run_child, args=(function, document, queue))
    child.start()
    child.join(limit)
    if child.is_alive():
        child.terminate()
        child.join()
        return None
    return float(queue.get())


def paired_medians(document: dict[str, Any], repeat: int) -> tuple[float, float]:
    """Median seconds of `analyse()` and of the bare calls, run in turn so that a change in
    the machine's load falls on both alike."""
    ours, bare = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        analyse(document, top_k=TOP_K)
        ours.append(time.perf_counter() - start)
        bare.append(bare_networkx(document))
    return statistics.median(ours), statistics.median(bare)


def _seconds(value: float | None, limit: float) -> str:
    return f"> {limit:.0f} s" if value is None else f"{value:.3f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument(
        "--limit", type=float, default=20.0, help="seconds per NetworkX enumeration"
    )
    args = parser.parse_args()
    print(
        "| touchpoints | transitions | betweenness k | analyse() median | bare NetworkX median "
        "| overhead | nx.simple_cycles | nx.shortest_simple_paths |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size in (int(value) for value in args.sizes.split(",")):
        document = random_document(touchpoints=size)
        repeat = 3 if size >= 10_000 else 7
        result = analyse(document, top_k=TOP_K)
        meta = result["meta"]
        ours, bare = paired_medians(document, repeat)
        cycles = timed_with_limit(nx_simple_cycles, document, args.limit)
        paths = timed_with_limit(nx_shortest_simple_paths, document, args.limit)
        print(
            f"| {size:,} | {meta['edge_count']:,} | {result['bottlenecks']['sources']} "
            f"| {ours:.3f} s | {bare:.3f} s | {ours / bare:.2f}× | {_seconds(cycles, args.limit)} "
            f"| {_seconds(paths, args.limit)} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
