"""Building the journey graph: nodes, edges, entries and goals, the persona filter, limits."""

from __future__ import annotations

import pytest

from journeymap.analysis import bounds
from journeymap.analysis.graph import JourneyTooLarge, build_journey_graph

from .maps import PAT, SAM, UNCHARTED, WEB, shop


def test_touchpoints_become_nodes_in_journey_order_with_their_attributes() -> None:
    journey = build_journey_graph(document=shop())
    assert list(journey.graph) == [
        "ad",
        "search",
        "cart",
        "call",
        "checkout",
        "orphan",
        "app",
        "manual",
    ]
    checkout = journey.graph.nodes["checkout"]
    assert checkout["stage"] == "s2"
    assert checkout["stage_index"] == 1
    assert checkout["channel"] == WEB
    assert checkout["persona"] is None
    assert checkout["emotion"] == -2
    assert checkout["severity"] == 4
    assert checkout["frictions"] == ["f1"]
    assert (checkout["arrived"], checkout["outflow"], checkout["traffic"]) == (95, 95, 95)


def test_transitions_become_weighted_edges_with_probabilities() -> None:
    journey = build_journey_graph(document=shop())
    assert journey.edges_source == "observed"
    assert journey.edge_count == 10
    edge = journey.graph.edges["ad", "cart"]
    assert edge["count"] == 60
    assert edge["probability"] == pytest.approx(0.75)
    # The transition nobody took stays on the map but carries no traffic.
    assert journey.graph.has_edge("manual", "app")
    assert not journey.traffic.has_edge("manual", "app")
    assert journey.traffic_edge_count == 9


def test_entries_and_goals_default_to_the_first_and_last_stage_with_touchpoints() -> None:
    journey = build_journey_graph(document=shop())
    # Advocate, the last stage, is empty: the goals are in Use.
    assert journey.entries == ("ad", "search")
    assert journey.goals == ("app", "manual")
    assert (journey.entries_source, journey.goals_source) == ("stages", "stages")


def test_the_map_can_mark_its_entries_and_goals() -> None:
    document = shop()
    roles = {"search": "entry", "checkout": "goal", "cart": "nonsense"}
    for row in document["touchpoints"]:
        row["journey_role"] = roles.get(row["id"], "")
    journey = build_journey_graph(document=document)
    assert (journey.entries, journey.entries_source) == (("search",), "map")
    assert (journey.goals, journey.goals_source) == (("checkout",), "map")
    # A request still wins over the map, for that request.
    asked = build_journey_graph(document=document, entry=["ad"])
    assert (asked.entries, asked.entries_source) == (("ad",), "request")
    assert asked.goals == ("checkout",)


def test_marked_entries_the_persona_filter_drops_fall_back_to_stage_order() -> None:
    document = shop()
    for row in document["touchpoints"]:
        if row.get("persona") == SAM:
            row["journey_role"] = "entry"
    marked = [row["id"] for row in document["touchpoints"] if row.get("journey_role")]
    assert marked, "the fixture has a touchpoint of Sam's"
    journey = build_journey_graph(document=document, persona=PAT)
    assert journey.entries_source == "stages"
    assert not set(journey.entries) & set(marked)


def test_entries_and_goals_can_be_given_and_unknown_ids_are_reported() -> None:
    journey = build_journey_graph(document=shop(), entry=["cart", "nope"], goal=["checkout"])
    assert journey.entries == ("cart",)
    assert journey.goals == ("checkout",)
    assert journey.unknown_entries == ("nope",)


def test_no_transitions_means_edges_implied_by_stage_order_skipping_empty_stages() -> None:
    journey = build_journey_graph(document=UNCHARTED)
    assert journey.edges_source == "implied"
    assert sorted(journey.graph.edges(data="count")) == [
        ("a", "c", 1),
        ("b", "c", 1),
        ("c", "d", 1),
        ("c", "e", 1),
    ]


def test_persona_filter_keeps_the_persona_and_shared_touchpoints() -> None:
    journey = build_journey_graph(document=shop(), persona=PAT)
    assert "call" not in journey.graph  # Sam's
    assert {"search", "manual", "ad"} <= set(journey.graph)
    assert not journey.graph.has_edge("ad", "call")
    # Probabilities are within the persona's graph: ad now only leads to cart.
    assert journey.traffic.edges["ad", "cart"]["probability"] == 1.0
    assert {friction.id for friction in journey.frictions} == {"f1", "f3", "f4"}
    assert journey.personas == (PAT,)
    # The edge source is the map's, whatever the filter leaves.
    assert journey.edges_source == "observed"


def test_persona_filter_for_sam_drops_pats_touchpoints_and_frictions() -> None:
    journey = build_journey_graph(document=shop(), persona=SAM)
    assert set(journey.graph) == {"ad", "cart", "call", "checkout", "orphan", "app"}
    assert journey.entries == ("ad",)
    assert {friction.id for friction in journey.frictions} == {"f1", "f2", "f3"}


def test_odd_rows_are_skipped_and_counted() -> None:
    document = shop()
    document["touchpoints"].append({"id": "lost", "stage": "nowhere", "title": "Lost"})
    document["transitions"].append({"from_touchpoint": "ad", "to_touchpoint": "ghost", "count": 1})
    document["transitions"].append({"from_touchpoint": "ad", "to_touchpoint": "app", "count": -4})
    journey = build_journey_graph(document=document)
    assert journey.ignored == {
        "touchpoints_without_stage": 1,
        "transitions_off_map": 1,
        "transitions_with_bad_count": 1,
    }
    assert "lost" not in journey.graph


def test_too_many_touchpoints_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bounds, "MAX_TOUCHPOINTS", 3)
    with pytest.raises(JourneyTooLarge, match="touchpoints"):
        build_journey_graph(document=shop())


def test_too_many_implied_edges_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bounds, "MAX_EDGES", 3)
    with pytest.raises(JourneyTooLarge, match="implies 4 edges"):
        build_journey_graph(document=UNCHARTED)


def test_a_collection_that_is_not_a_list_is_an_error() -> None:
    with pytest.raises(ValueError, match="touchpoints"):
        build_journey_graph(document={"touchpoints": 3})


def test_an_empty_document_is_an_empty_graph() -> None:
    journey = build_journey_graph(document={})
    assert journey.graph.number_of_nodes() == 0
    assert journey.entries == journey.goals == ()
    assert journey.personas == (None,)
