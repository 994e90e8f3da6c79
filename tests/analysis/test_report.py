"""analyse(): its keys, its meta, JSON and determinism."""

from __future__ import annotations

import gc
import json
import random

import pytest

from journeymap.analysis import bounds
from journeymap.analysis.report import analyse

from .maps import PAT, UNCHARTED, shop

KEYS = {
    "critical_path",
    "drop_off",
    "bottlenecks",
    "friction_hotspots",
    "dead_ends",
    "unreachable",
    "cycles",
    "channel_switches",
    "coverage_gaps",
    "emotion_lows",
    "path_variants",
    "step_durations",
    "conformance",
    "meta",
}


def test_exactly_the_documented_keys() -> None:
    assert set(analyse(shop())) == KEYS


def test_meta_describes_the_graph() -> None:
    meta = analyse(shop())["meta"]
    assert meta["edges"] == "observed"
    assert (meta["node_count"], meta["edge_count"], meta["traffic_edge_count"]) == (8, 10, 9)
    assert meta["entries"] == {"count": 2, "items": ["ad", "search"]}
    assert meta["goals"] == {"count": 2, "items": ["app", "manual"]}
    assert meta["approximations"] == {}
    assert meta["truncations"] == {}
    assert meta["notes"] == []


def test_meta_collects_approximations_and_truncations(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bounds, "BETWEENNESS_WORK_BUDGET", 1)
    monkeypatch.setattr(bounds, "BETWEENNESS_MIN_SOURCES", 2)
    monkeypatch.setattr(bounds, "MAX_CYCLES", 1)
    monkeypatch.setattr(bounds, "LIST_LIMIT", 0)
    meta = analyse(shop())["meta"]
    assert meta["approximations"] == {"bottlenecks": "betweenness from 2 of 8 sources, seed 0"}
    assert meta["truncations"]["cycles"] == "stopped at 1 cycles"
    assert meta["truncations"]["dead_ends"] == "first 0 of 1"
    assert meta["truncations"]["conformance.unused_transitions"] == "first 0 of 1"


def test_implied_edges_are_said_in_meta() -> None:
    result = analyse(UNCHARTED)
    assert result["meta"]["edges"] == "implied"
    assert "implied by stage order" in result["meta"]["notes"][0]
    assert result["critical_path"]["path"] == ["a", "c", "d"]


def test_persona_and_overrides_reach_every_analysis() -> None:
    result = analyse(shop(), persona=PAT, entry=["cart", "nope"], goal=["app"])
    assert result["meta"]["persona"] == PAT
    assert result["meta"]["unknown_entries"] == {"count": 1, "items": ["nope"]}
    assert result["critical_path"]["path"] == ["cart", "checkout", "app"]
    assert result["coverage_gaps"]["personas"] == [PAT]


def test_top_k_is_clamped_and_said_so() -> None:
    result = analyse(shop(), top_k=1000)
    assert result["meta"]["top_k"] == bounds.MAX_TOP_K
    assert result["meta"]["notes"] == [f"top_k 1000 was taken as {bounds.MAX_TOP_K}"]
    nothing = analyse(shop(), top_k=0)
    assert nothing["path_variants"]["items"] == []
    # The critical path does not depend on top_k.
    assert nothing["critical_path"]["path"] == ["ad", "cart", "checkout", "app"]


def test_result_is_strict_json() -> None:
    result = analyse(
        shop(),
        durations=[{"from": "ad", "to": "cart", "count": 1, "median_s": 1, "p90_s": 2}],
        observed={"x": 1},
    )
    assert json.loads(json.dumps(result, allow_nan=False)) == result


def test_result_does_not_depend_on_the_order_of_the_document() -> None:
    expected = json.dumps(analyse(shop()), sort_keys=True)
    rng = random.Random(0)
    for _ in range(5):
        document = shop()
        for key in ("stages", "touchpoints", "frictions", "contents", "emotions", "transitions"):
            rng.shuffle(document[key])
        assert json.dumps(analyse(document), sort_keys=True) == expected


def test_garbage_collection_is_left_as_it_was() -> None:
    assert gc.isenabled()
    analyse(shop())
    assert gc.isenabled()
    gc.disable()
    try:
        analyse(shop())
        assert not gc.isenabled()
    finally:
        gc.enable()
