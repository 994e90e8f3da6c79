"""How long customers take between steps, from duration figures computed elsewhere.

The input is one row per transition, computed from event timestamps by whatever holds
them::

    [{"from": "<touchpoint id>", "to": "<touchpoint id>", "count": 120,
      "median_s": 42.0, "p90_s": 300.0}, ...]

`count` is how many timed steps the figures summarise; `median_s` and `p90_s` are seconds.
Rows that are malformed, repeat a transition already given, or name a touchpoint off the
graph are counted and left out.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from . import bounds
from .graph import JourneyGraph, JourneyTooLarge
from .results import finding_list, position


def step_durations(
    *, journey: JourneyGraph, durations: Sequence[Mapping[str, Any]] | None
) -> dict[str, Any]:
    """Median and 90th-percentile time per transition (slowest first) and per stage.

    A stage's figures summarise the transitions leaving its touchpoints: the count-weighted
    median of their medians and the count-weighted 90th percentile of their p90s. These equal
    the pooled figures when the transitions share one distribution and approximate them
    otherwise, so the stage figures say `approximate`.

    >>> from .graph import build_journey_graph, sketch_document
    >>> journey = build_journey_graph(document=sketch_document(stages=[["a"], ["b"]]))
    >>> rows = [{"from": "a", "to": "b", "count": 5, "median_s": 30, "p90_s": 90}]
    >>> step_durations(journey=journey, durations=rows)["stages"][0]["median_s"]
    30.0
    """
    if durations is None:
        return {
            "transitions": finding_list(items=[]),
            "stages": [],
            "ignored": {},
            "approximate": False,
            "approximation": None,
            "note": "no duration figures given: pass durations=[{from, to, count, median_s, "
            "p90_s}, …]",
        }
    if len(durations) > bounds.MAX_DURATION_ROWS:
        raise JourneyTooLarge(
            f"{len(durations)} duration rows; analysis stops at {bounds.MAX_DURATION_ROWS}"
        )
    nodes = journey.graph.nodes
    ignored: dict[str, int] = defaultdict(int)
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for raw in durations:
        row = _parse(raw)
        if row is None:
            ignored["malformed"] += 1
        elif row["from"] not in nodes or row["to"] not in nodes:
            ignored["off_graph"] += 1
        elif (row["from"], row["to"]) in rows:
            ignored["repeated"] += 1
        else:
            rows[row["from"], row["to"]] = row

    per_transition = sorted(
        (
            {
                **row,
                "from_stage": nodes[row["from"]]["stage"],
                "to_stage": nodes[row["to"]]["stage"],
            }
            for row in rows.values()
        ),
        key=lambda row: (
            -row["median_s"],
            position(journey=journey, node=row["from"]),
            position(journey=journey, node=row["to"]),
        ),
    )
    leaving: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows.values():
        leaving[nodes[row["from"]]["stage"]].append(row)
    stages = []
    for stage in journey.stages:
        stage_rows = leaving.get(stage.id)
        if not stage_rows:
            continue
        weights = [row["count"] for row in stage_rows]
        stages.append(
            {
                "stage": stage.id,
                "stage_name": stage.name,
                "transitions": len(stage_rows),
                "count": sum(weights),
                "median_s": _weighted_quantile([r["median_s"] for r in stage_rows], weights, 0.5),
                "p90_s": _weighted_quantile([r["p90_s"] for r in stage_rows], weights, 0.9),
            }
        )
    return {
        "transitions": finding_list(items=per_transition),
        "stages": stages,
        "ignored": dict(sorted(ignored.items())),
        "approximate": bool(stages),
        "approximation": "stage figures are count-weighted quantiles of transition figures"
        if stages
        else None,
        "note": None,
    }


def _parse(raw: Any) -> dict[str, Any] | None:
    if not isinstance(raw, Mapping):
        return None
    source, target, count = raw.get("from"), raw.get("to"), raw.get("count")
    median, p90 = _seconds(raw.get("median_s")), _seconds(raw.get("p90_s"))
    if source is None or target is None or median is None or p90 is None:
        return None
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        return None
    return {
        "from": str(source),
        "to": str(target),
        "count": count,
        "median_s": median,
        "p90_s": p90,
    }


def _seconds(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    seconds = float(value)
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def _weighted_quantile(values: Sequence[float], weights: Sequence[int], quantile: float) -> float:
    """The smallest value whose cumulative weight reaches `quantile` of the total (equal
    weights when all are 0)."""
    if not any(weights):
        weights = [1] * len(values)
    pairs = sorted(zip(values, weights, strict=True))
    threshold = quantile * sum(weights)
    cumulative = 0
    for value, weight in pairs:
        cumulative += weight
        if cumulative >= threshold:
            return value
    return pairs[-1][0]
