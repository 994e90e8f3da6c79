"""Loops: known cycles, bounds, and agreement with nx.simple_cycles."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from journeymap.analysis import bounds
from journeymap.analysis.cycles import cycles
from journeymap.analysis.graph import build_journey_graph, sketch_document

from .maps import ISLANDS, UNCHARTED, shop


def test_cycles_of_shop_busiest_first_each_from_its_earliest_step() -> None:
    found = cycles(journey=build_journey_graph(document=shop()), top_k=5)
    assert [(item["path"], item["traffic"]) for item in found["items"]] == [
        (["ad", "cart"], 10),  # min(ad → cart 60, cart → ad 10)
        (["cart", "checkout"], 5),  # shorter of the two at 5 first
        (["ad", "call", "checkout", "cart"], 5),
    ]
    assert found["count"] == 3
    assert found["truncated"] is False
    assert found["length_bound"] == bounds.CYCLE_LENGTH_BOUND


def test_cycles_in_a_part_nothing_leads_into_are_found_too() -> None:
    found = cycles(journey=build_journey_graph(document=ISLANDS), top_k=5)
    assert [(item["path"], item["traffic"]) for item in found["items"]] == [(["x", "y"], 1)]


def test_implied_edges_have_no_cycles() -> None:
    assert cycles(journey=build_journey_graph(document=UNCHARTED), top_k=5)["count"] == 0


def test_a_self_loop_is_a_cycle_of_one() -> None:
    document = sketch_document(stages=[["a"], ["b"]], transitions={("a", "b"): 3, ("b", "b"): 2})
    found = cycles(journey=build_journey_graph(document=document), top_k=5)
    assert [(item["path"], item["length"]) for item in found["items"]] == [(["b"], 1)]


def test_transitions_nobody_took_make_no_loop() -> None:
    document = sketch_document(stages=[["a"], ["b"]], transitions={("a", "b"): 3, ("b", "a"): 0})
    assert cycles(journey=build_journey_graph(document=document), top_k=5)["count"] == 0


def test_length_bound() -> None:
    journey = build_journey_graph(document=shop())
    found = cycles(journey=journey, top_k=5, length_bound=3)
    assert [item["path"] for item in found["items"]] == [["ad", "cart"], ["cart", "checkout"]]
    assert cycles(journey=journey, top_k=5, length_bound=0)["count"] == 0


def test_enumeration_stops_at_the_cycle_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bounds, "MAX_CYCLES", 2)
    found = cycles(journey=build_journey_graph(document=shop()), top_k=5)
    assert found["count"] == 2
    assert (found["truncated"], found["truncation"]) == (True, "stopped at 2 cycles")


def test_enumeration_stops_at_the_step_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bounds, "MAX_CYCLE_STEPS", 3)
    found = cycles(journey=build_journey_graph(document=shop()), top_k=5)
    assert found["truncated"] is True
    assert found["truncation"] == "stopped after 3 search steps"


def _random_document(seed: int) -> dict:
    rng = random.Random(seed)
    stages = [[f"n{stage}-{i}" for i in range(rng.randint(1, 4))] for stage in range(4)]
    names = [name for stage in stages for name in stage]
    steps = {(rng.choice(names), rng.choice(names)): rng.randint(1, 9) for _ in range(30)}
    return sketch_document(stages=stages, transitions=steps)


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("length_bound", [1, 2, 3, 5, 6])
def test_same_cycles_as_networkx(seed: int, length_bound: int) -> None:
    journey = build_journey_graph(document=_random_document(seed))
    found = cycles(journey=journey, top_k=10_000, length_bound=length_bound)
    ours = sorted(tuple(item["path"]) for item in found["items"])
    theirs = []
    for cycle in nx.simple_cycles(journey.traffic, length_bound=length_bound):
        start = cycle.index(min(cycle, key=lambda node: journey.graph.nodes[node]["position"]))
        theirs.append(tuple(cycle[start:] + cycle[:start]))
    assert ours == sorted(theirs)
