"""Critical path, path variants and channel switches, against shares worked out by hand."""

from __future__ import annotations

from fractions import Fraction

import pytest

from journeymap.analysis import bounds
from journeymap.analysis.graph import build_journey_graph, sketch_document
from journeymap.analysis.paths import (
    channel_switches,
    critical_path,
    find_top_paths,
    path_variants,
)

from .maps import APP, PAT, PHONE, UNCHARTED, WEB, shop

# Entry shares ad 80/120 and search 40/120, then count / outflow at every step.
AD_CART_CHECKOUT_APP = Fraction(2, 3) * Fraction(60, 80) * Fraction(80, 90) * Fraction(70, 95)
SEARCH_CART_CHECKOUT_APP = Fraction(1, 3) * Fraction(80, 90) * Fraction(70, 95)
AD_CALL_CHECKOUT_APP = Fraction(2, 3) * Fraction(20, 80) * Fraction(70, 95)
AD_CART_CHECKOUT_MANUAL = Fraction(2, 3) * Fraction(60, 80) * Fraction(80, 90) * Fraction(20, 95)
SEARCH_CART_CHECKOUT_MANUAL = Fraction(1, 3) * Fraction(80, 90) * Fraction(20, 95)


def test_critical_path_is_the_path_with_the_largest_share() -> None:
    found = critical_path(journey=build_journey_graph(document=shop()))
    assert found["path"] == ["ad", "cart", "checkout", "app"]
    assert found["share"] == pytest.approx(float(AD_CART_CHECKOUT_APP))
    assert AD_CART_CHECKOUT_APP == Fraction(56, 171)
    assert found["probability"] == pytest.approx(60 / 80 * 80 / 90 * 70 / 95)
    assert [step["count"] for step in found["transitions"]] == [60, 80, 70]
    assert (found["entry"], found["goal"], found["length"]) == ("ad", "app", 3)


def test_path_variants_are_the_top_shares_in_order() -> None:
    found = path_variants(journey=build_journey_graph(document=shop()), top_k=5)
    assert [item["path"] for item in found["items"]] == [
        ["ad", "cart", "checkout", "app"],
        ["search", "cart", "checkout", "app"],
        ["ad", "call", "checkout", "app"],
        ["ad", "cart", "checkout", "manual"],
        ["search", "cart", "checkout", "manual"],
    ]
    expected = [
        AD_CART_CHECKOUT_APP,
        SEARCH_CART_CHECKOUT_APP,
        AD_CALL_CHECKOUT_APP,
        AD_CART_CHECKOUT_MANUAL,
        SEARCH_CART_CHECKOUT_MANUAL,
    ]
    assert [item["share"] for item in found["items"]] == pytest.approx([float(s) for s in expected])
    assert found["total_share"] == pytest.approx(float(sum(expected)))
    assert [item["rank"] for item in found["items"]] == [1, 2, 3, 4, 5]
    assert found["truncated"] is False


def test_all_paths_of_a_map_share_at_most_everything() -> None:
    # SHOP has 8 simple entry-to-goal paths; asking for more returns just those.
    found = path_variants(journey=build_journey_graph(document=shop()), top_k=50)
    assert len(found["items"]) == 8
    assert found["total_share"] < 1


def test_equal_shares_are_ordered_by_the_ids_along_the_path() -> None:
    found = path_variants(journey=build_journey_graph(document=UNCHARTED), top_k=10)
    assert [item["path"] for item in found["items"]] == [
        ["a", "c", "d"],
        ["a", "c", "e"],
        ["b", "c", "d"],
        ["b", "c", "e"],
    ]
    assert [item["share"] for item in found["items"]] == [0.25] * 4
    assert found["total_share"] == 1.0


def test_ties_do_not_depend_on_the_order_of_the_document() -> None:
    steps = {("a", "z"): 1, ("a", "m"): 1, ("z", "g"): 1, ("m", "g"): 1}
    forward = sketch_document(stages=[["a"], ["z", "m"], ["g"]], transitions=steps)
    backward = sketch_document(stages=[["a"], ["m", "z"], ["g"]], transitions=steps)
    backward["transitions"].reverse()
    for document in (forward, backward):
        found = critical_path(journey=build_journey_graph(document=document))
        assert found["path"] == ["a", "m", "g"]


def test_paths_stop_at_the_first_goal() -> None:
    steps = {("a", "b"): 2, ("b", "c"): 2}
    document = sketch_document(stages=[["a"], ["b"], ["c"]], transitions=steps)
    journey = build_journey_graph(document=document, goal=["b", "c"])
    found = path_variants(journey=journey, top_k=5)
    assert [item["path"] for item in found["items"]] == [["a", "b"]]


def test_given_entry_and_goal() -> None:
    journey = build_journey_graph(document=shop(), entry=["cart"], goal=["checkout"])
    found = critical_path(journey=journey)
    assert found["path"] == ["cart", "checkout"]
    assert found["share"] == pytest.approx(80 / 90)


def test_persona_filter_changes_the_shares() -> None:
    found = critical_path(journey=build_journey_graph(document=shop(), persona=PAT))
    assert found["path"] == ["ad", "cart", "checkout", "app"]
    # Without Sam's call centre, ad sends all 60 to cart: entries share 60 : 40.
    assert found["share"] == pytest.approx(0.6 * 80 / 90 * 70 / 95)


def test_no_reachable_goal_gives_an_empty_path_with_a_reason() -> None:
    document = sketch_document(stages=[["a", "b"], ["c"]], transitions={("a", "b"): 3})
    found = critical_path(journey=build_journey_graph(document=document))
    assert found["path"] == []
    assert found["share"] == 0.0
    assert found["reason"] == "no goal is reachable from an entry"


def test_no_entry_gives_an_empty_path_with_a_reason() -> None:
    journey = build_journey_graph(document=shop(), entry=["nope"])
    assert critical_path(journey=journey)["reason"] == "no entry"


def test_entry_that_is_also_a_goal_is_a_path_of_one_step() -> None:
    document = sketch_document(stages=[["a", "b"]])
    found = path_variants(journey=build_journey_graph(document=document), top_k=5)
    assert [item["path"] for item in found["items"]] == [["a"], ["b"]]
    assert found["total_share"] == 1.0


def test_search_stops_at_its_expansion_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bounds, "MAX_PATH_EXPANSIONS", 2)
    found = path_variants(journey=build_journey_graph(document=shop()), top_k=5)
    assert found["truncated"] is True
    assert found["truncation"] == "search stopped after 2 expansions"


def test_paths_longer_than_the_bound_are_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bounds, "MAX_PATH_NODES", 3)
    found = path_variants(journey=build_journey_graph(document=shop()), top_k=5)
    assert found["items"] == []
    assert found["truncation"] == "paths over 3 touchpoints left out"


def test_top_paths_of_zero_is_nothing() -> None:
    assert find_top_paths(journey=build_journey_graph(document=shop()), k=0).variants == ()


def test_channel_switches_along_the_top_paths_and_over_all_transitions() -> None:
    found = channel_switches(journey=build_journey_graph(document=shop()), top_k=5)
    along = [
        (item["from_channel"], item["to_channel"], item["occurrences"], item["paths"])
        for item in found["along_top_paths"]
    ]
    assert along == [(WEB, APP, 3, 3), (PHONE, WEB, 1, 1), (WEB, PHONE, 1, 1)]
    shares = [item["share"] for item in found["along_top_paths"]]
    web_to_app = AD_CART_CHECKOUT_APP + SEARCH_CART_CHECKOUT_APP + AD_CALL_CHECKOUT_APP
    via_call = float(AD_CALL_CHECKOUT_APP)
    assert shares == pytest.approx([float(web_to_app), via_call, via_call])
    assert found["along_top_paths"][0]["from_name"] == "Web"
    overall = [
        (item["from_channel"], item["to_channel"], item["count"])
        for item in found["transitions"]["items"]
    ]
    assert overall == [(WEB, APP, 70), (WEB, PHONE, 20), (PHONE, WEB, 15)]


def test_touchpoints_without_a_channel_do_not_break_a_switch() -> None:
    document = sketch_document(
        stages=[["a"], ["b"], ["c"]], transitions={("a", "b"): 1, ("b", "c"): 1}
    )
    document["touchpoints"][0]["channel"] = WEB
    document["touchpoints"][2]["channel"] = APP
    found = channel_switches(journey=build_journey_graph(document=document), top_k=5)
    assert [(i["from_channel"], i["to_channel"]) for i in found["along_top_paths"]] == [(WEB, APP)]
    # No single transition joins two channels.
    assert found["transitions"]["items"] == []
