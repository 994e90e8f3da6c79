"""Drop-off, dead ends, unreachable steps, bottlenecks and friction hotspots."""

from __future__ import annotations

import pytest

from journeymap.analysis import bounds
from journeymap.analysis.flow import (
    betweenness_sources,
    bottlenecks,
    dead_ends,
    drop_off,
    friction_hotspots,
    unreachable,
)
from journeymap.analysis.graph import build_journey_graph, sketch_document

from .maps import ISLANDS, PAT, UNCHARTED, shop


def _figures(row: dict) -> tuple[int, int, int, int, int]:
    return (row["inflow"], row["outflow"], row["started"], row["lost"], row["completed"])


def test_drop_off_per_step() -> None:
    steps = {
        row["touchpoint"]: row
        for row in drop_off(journey=build_journey_graph(document=shop()))["steps"]
    }
    # (inflow, outflow, started, lost, completed)
    assert _figures(steps["ad"]) == (80, 80, 70, 0, 0)  # 10 back from cart, 70 new
    assert _figures(steps["search"]) == (40, 40, 40, 0, 0)
    assert _figures(steps["cart"]) == (105, 90, 0, 15, 0)
    assert _figures(steps["call"]) == (20, 15, 0, 5, 0)
    assert _figures(steps["checkout"]) == (95, 95, 0, 0, 0)
    assert _figures(steps["app"]) == (70, 0, 0, 0, 70)
    assert _figures(steps["manual"]) == (20, 0, 0, 0, 20)
    assert _figures(steps["orphan"]) == (0, 0, 0, 0, 0)
    assert steps["cart"]["lost_pct"] == 14.29
    assert steps["call"]["lost_pct"] == 25.0


def test_drop_off_per_stage_counts_only_what_crosses_stage_borders() -> None:
    found = drop_off(journey=build_journey_graph(document=shop()))
    stages = {row["stage"]: row for row in found["stages"]}
    assert _figures(stages["s1"]) == (120, 120, 110, 0, 0)
    assert _figures(stages["s2"]) == (120, 100, 0, 20, 0)
    assert _figures(stages["s3"]) == (90, 0, 0, 0, 90)
    assert _figures(stages["s4"]) == (0, 0, 0, 0, 0)
    assert stages["s2"]["lost_pct"] == 16.67
    assert found["totals"] == {"started": 110, "completed": 90, "lost": 20, "completed_pct": 81.82}


def test_drop_off_on_implied_edges_counts_links() -> None:
    steps = {
        row["touchpoint"]: row
        for row in drop_off(journey=build_journey_graph(document=UNCHARTED))["steps"]
    }
    assert _figures(steps["a"]) == (1, 1, 1, 0, 0)
    assert _figures(steps["c"]) == (2, 2, 0, 0, 0)
    assert _figures(steps["d"]) == (1, 0, 0, 0, 1)


def test_dead_ends_are_non_goals_without_outflow_most_stranded_first() -> None:
    document = sketch_document(
        stages=[["a"], ["b", "c", "d"], ["g"]],
        transitions={("a", "b"): 5, ("a", "c"): 2, ("a", "d"): 1, ("d", "g"): 1},
    )
    found = dead_ends(journey=build_journey_graph(document=document))
    assert [(item["touchpoint"], item["inflow"]) for item in found["items"]] == [("b", 5), ("c", 2)]
    assert found["count"] == 2


def test_dead_ends_in_shop() -> None:
    # manual → app was never taken, but manual is a goal.
    found = dead_ends(journey=build_journey_graph(document=shop()))
    assert [item["touchpoint"] for item in found["items"]] == ["orphan"]


def test_finding_lists_are_cut_at_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bounds, "LIST_LIMIT", 1)
    found = unreachable(journey=build_journey_graph(document=ISLANDS))
    assert found["count"] == 2
    assert [item["touchpoint"] for item in found["items"]] == ["x"]
    assert (found["truncated"], found["truncation"]) == (True, "first 1 of 2")


def test_unreachable_finds_the_part_nothing_leads_into() -> None:
    found = unreachable(journey=build_journey_graph(document=ISLANDS))
    assert [item["touchpoint"] for item in found["items"]] == ["x", "y"]
    assert [
        item["touchpoint"]
        for item in unreachable(journey=build_journey_graph(document=shop()))["items"]
    ] == ["orphan"]


def test_unreachable_follows_transitions_nobody_took() -> None:
    document = sketch_document(stages=[["a"], ["b"]], transitions={("a", "b"): 0})
    assert unreachable(journey=build_journey_graph(document=document))["items"] == []


def test_bottleneck_of_a_bow_tie_is_its_knot() -> None:
    document = sketch_document(
        stages=[["a", "b"], ["c"], ["d", "e"]],
        transitions={("a", "c"): 1, ("b", "c"): 1, ("c", "d"): 1, ("c", "e"): 1},
    )
    found = bottlenecks(journey=build_journey_graph(document=document), top_k=5)
    # c lies on the 4 paths a|b → d|e, out of (n-1)(n-2) = 12 ordered pairs.
    assert [(item["touchpoint"], item["betweenness"]) for item in found["items"]] == [
        ("c", pytest.approx(1 / 3))
    ]
    assert found["approximate"] is False
    assert found["sources"] == 5


def test_bottlenecks_in_shop_rank_cart_then_checkout() -> None:
    found = bottlenecks(journey=build_journey_graph(document=shop()), top_k=2)
    assert [item["touchpoint"] for item in found["items"]] == ["cart", "checkout"]
    assert found["items"][0]["traffic"] == 105


def test_bottlenecks_on_a_large_graph_are_sampled_with_a_seed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bounds, "BETWEENNESS_WORK_BUDGET", 10)
    monkeypatch.setattr(bounds, "BETWEENNESS_MIN_SOURCES", 3)
    journey = build_journey_graph(document=shop())
    first = bottlenecks(journey=journey, top_k=5)
    assert first["approximate"] is True
    assert first["sources"] == 3
    assert first["seed"] == 0
    assert first["approximation"] == "betweenness from 3 of 8 sources, seed 0"
    assert bottlenecks(journey=journey, top_k=5) == first


def test_betweenness_sources_scale_down_with_size() -> None:
    assert betweenness_sources(nodes=0, edges=0) == 0
    assert betweenness_sources(nodes=500, edges=1500) == 500
    assert betweenness_sources(nodes=1000, edges=3000) == 256
    assert betweenness_sources(nodes=10_000, edges=30_000) == 25
    assert betweenness_sources(nodes=20_000, edges=100_000) == bounds.BETWEENNESS_MIN_SOURCES


def test_friction_hotspots_rank_severity_times_traffic() -> None:
    found = friction_hotspots(journey=build_journey_graph(document=shop()), top_k=10)
    assert [(item["friction"], item["traffic"], item["score"]) for item in found["items"]] == [
        ("f1", 95, 380),  # on checkout
        ("f3", 90, 180),  # on the whole Use stage: the 90 who entered it
        ("f4", 40, 120),
        ("f2", 20, 100),
    ]


def test_friction_hotspots_follow_the_persona_filter_and_top_k() -> None:
    found = friction_hotspots(journey=build_journey_graph(document=shop(), persona=PAT), top_k=2)
    assert [item["friction"] for item in found["items"]] == ["f1", "f3"]
    assert found["count"] == 3


def test_equal_scores_go_to_the_more_severe_then_the_smaller_id() -> None:
    document = sketch_document(stages=[["a"], ["b"]], transitions={("a", "b"): 6})
    document["frictions"] = [
        {"id": "z", "stage": "stage-2", "touchpoint": "b", "severity": 1},
        {"id": "y", "stage": "stage-1", "touchpoint": "a", "severity": 1},
        {"id": "x", "stage": "stage-2", "touchpoint": None, "severity": 2},
    ]
    # Stage 2 takes in 6: x scores 12; y and z score 6 each.
    found = friction_hotspots(journey=build_journey_graph(document=document), top_k=5)
    assert [item["friction"] for item in found["items"]] == ["x", "y", "z"]
