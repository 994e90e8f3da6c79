"""Properties over random maps: flow is conserved, paths are real, shares add up to at most
1 and match an exhaustive enumeration, and every result is deterministic, strict JSON."""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from journeymap.analysis.graph import JourneyGraph, build_journey_graph
from journeymap.analysis.paths import find_top_paths
from journeymap.analysis.report import analyse

PERSONAS = [None, "p1", "p2"]
CHANNELS = [None, "web", "app"]


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    stage_count = draw(st.integers(1, 5))
    stages = [{"id": f"s{n}", "name": f"S{n}", "order_key": f"a{n}"} for n in range(stage_count)]
    touchpoints = [
        {
            "id": f"t{n}",
            "stage": f"s{draw(st.integers(0, stage_count - 1))}",
            "title": f"T{n}",
            "channel": draw(st.sampled_from(CHANNELS)),
            "persona": draw(st.sampled_from(PERSONAS)),
            "emotion": draw(st.integers(-3, 3)),
            "order_key": draw(st.sampled_from(["a", "b", "c"])),
        }
        for n in range(draw(st.integers(0, 9)))
    ]
    ids = [row["id"] for row in touchpoints]
    transitions = []
    if ids:
        pairs = draw(
            st.dictionaries(
                st.tuples(st.sampled_from(ids), st.sampled_from(ids)),
                st.integers(0, 20),
                max_size=25,
            )
        )
        transitions = [
            {"from_touchpoint": a, "to_touchpoint": b, "count": count}
            for (a, b), count in pairs.items()
        ]
    frictions = [
        {
            "id": f"f{n}",
            "stage": f"s{draw(st.integers(0, stage_count - 1))}",
            "touchpoint": draw(st.sampled_from([None, *ids])),
            "severity": draw(st.integers(1, 5)),
            "personas": draw(st.lists(st.sampled_from(["p1", "p2"]), max_size=2, unique=True)),
        }
        for n in range(draw(st.integers(0, 3)))
    ]
    return {
        "personas": draw(st.lists(st.sampled_from(["p1", "p2"]), unique=True)),
        "stages": stages,
        "touchpoints": touchpoints,
        "transitions": transitions,
        "frictions": frictions,
        "contents": [],
        "emotions": [],
    }


@st.composite
def inputs(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    document = draw(documents())
    ids = [row["id"] for row in document["touchpoints"]]
    options: dict[str, Any] = {"persona": draw(st.sampled_from(PERSONAS))}
    if ids and draw(st.booleans()):
        options["entry"] = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3))
        options["goal"] = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3))
    return document, options


def _all_path_shares(journey: JourneyGraph) -> list[float]:
    """Every simple path from an entry to its first goal, by brute force."""
    goals = set(journey.goals)
    nodes = journey.graph.nodes
    weights = {entry: nodes[entry]["outflow"] for entry in journey.entries}
    if weights and not any(weights.values()):
        weights = dict.fromkeys(weights, 1)
    total = sum(weights.values())
    shares: list[float] = []

    def walk(path: list[str], share: float) -> None:
        if path[-1] in goals:
            shares.append(share)
            return
        for following, attrs in journey.traffic.succ[path[-1]].items():
            if following not in path:
                walk([*path, following], share * attrs["probability"])

    for entry, weight in weights.items():
        if weight:
            walk([entry], weight / total)
    return sorted(shares, reverse=True)


@settings(max_examples=150, deadline=None)
@given(inputs())
def test_flow_is_conserved_at_every_step_and_stage(
    case: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    document, options = case
    found = analyse(document, **options)["drop_off"]
    for row in [*found["steps"], *found["stages"]]:
        assert row["inflow"] == row["outflow"] + row["lost"] + row["completed"]
        assert (
            min(row["inflow"], row["outflow"], row["lost"], row["completed"], row["started"]) >= 0
        )
    totals = found["totals"]
    assert totals["started"] == totals["completed"] + totals["lost"]
    assert totals["started"] == sum(row["started"] for row in found["steps"])


@settings(max_examples=150, deadline=None)
@given(inputs())
def test_critical_path_is_a_real_path_from_an_entry_to_a_goal(
    case: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    document, options = case
    journey = build_journey_graph(document=document, **options)
    found = analyse(document, **options)["critical_path"]
    path = found["path"]
    if not path:
        assert _all_path_shares(journey) == [] or max(_all_path_shares(journey)) == 0
        return
    assert path[0] in journey.entries
    assert path[-1] in journey.goals
    assert not set(path[:-1]) & set(journey.goals)
    assert len(set(path)) == len(path)
    for source, target in zip(path, path[1:], strict=False):
        assert journey.traffic.edges[source, target]["count"] > 0
    assert math.isclose(found["share"], _all_path_shares(journey)[0], rel_tol=1e-9)


@settings(max_examples=150, deadline=None)
@given(inputs(), st.integers(1, 8))
def test_variants_are_the_top_shares_and_sum_to_at_most_one(
    case: tuple[dict[str, Any], dict[str, Any]], top_k: int
) -> None:
    document, options = case
    journey = build_journey_graph(document=document, **options)
    found = analyse(document, top_k=top_k, **options)["path_variants"]
    shares = [item["share"] for item in found["items"]]
    assert found["total_share"] <= 1 + 1e-9
    assert sum(shares) <= 1 + 1e-9
    assert shares == sorted(shares, reverse=True)
    assert len({tuple(item["path"]) for item in found["items"]}) == len(shares)
    expected = _all_path_shares(journey)[:top_k]
    assert len(shares) == len(expected)
    for ours, theirs in zip(shares, expected, strict=True):
        assert math.isclose(ours, theirs, rel_tol=1e-9, abs_tol=1e-15)


@settings(max_examples=100, deadline=None)
@given(inputs())
def test_results_are_deterministic_strict_json(case: tuple[dict[str, Any], dict[str, Any]]) -> None:
    document, options = case
    observed = {row["title"].lower(): 1 for row in document["touchpoints"][:2]} | {"other": 3}
    first = analyse(document, observed=observed, **options)
    text = json.dumps(first, allow_nan=False, sort_keys=True)
    assert json.loads(text) == first
    assert (
        json.dumps(analyse(document, observed=observed, **options), allow_nan=False, sort_keys=True)
        == text
    )


@settings(max_examples=100, deadline=None)
@given(documents(), st.sampled_from(["p1", "p2"]))
def test_a_persona_sees_only_its_own_and_shared_touchpoints(
    document: dict[str, Any], persona: str
) -> None:
    journey = build_journey_graph(document=document, persona=persona)
    assert all(owner in (None, persona) for _, owner in journey.graph.nodes(data="persona"))
    top = find_top_paths(journey=journey, k=3)
    for variant in top.variants:
        assert set(variant.nodes) <= set(journey.graph)
