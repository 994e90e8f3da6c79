"""Coverage gaps, emotional lows and conformance."""

from __future__ import annotations

import pytest

from journeymap.analysis.design import conformance, coverage_gaps, emotion_lows
from journeymap.analysis.graph import build_journey_graph, sketch_document

from .maps import PAT, SAM, UNCHARTED, shop


def test_coverage_gaps_per_persona_counting_shared_touchpoints_and_content() -> None:
    found = coverage_gaps(journey=build_journey_graph(document=shop()))
    assert found["personas"] == [PAT, SAM]
    assert [(gap["persona"], gap["stage"], gap["missing"]) for gap in found["items"]] == [
        (PAT, "s3", ["content"]),  # the Use video is Sam's
        (PAT, "s4", ["touchpoints", "content"]),
        (SAM, "s2", ["content"]),  # the Buy FAQ is Pat's
        (SAM, "s4", ["touchpoints", "content"]),
    ]


def test_coverage_gaps_for_one_persona() -> None:
    found = coverage_gaps(journey=build_journey_graph(document=shop(), persona=SAM))
    assert found["personas"] == [SAM]
    assert [(gap["stage"], gap["missing"]) for gap in found["items"]] == [
        ("s2", ["content"]),
        ("s4", ["touchpoints", "content"]),
    ]


def test_coverage_gaps_without_personas_are_for_anyone() -> None:
    found = coverage_gaps(journey=build_journey_graph(document=UNCHARTED))
    assert found["personas"] == [None]
    assert [(gap["stage"], gap["missing"]) for gap in found["items"]] == [
        ("S1", ["content"]),
        ("S2", ["touchpoints", "content"]),
        ("S3", ["content"]),
        ("S4", ["content"]),
    ]


def test_emotion_lows_per_persona() -> None:
    found = emotion_lows(journey=build_journey_graph(document=shop()), top_k=5)
    by_persona = {row["persona"]: row for row in found["by_persona"]}
    assert [p["emotion_point"] for p in by_persona[PAT]["points"]] == ["e1"]
    assert [p["emotion_point"] for p in by_persona[SAM]["points"]] == ["e3", "e4"]
    assert [(t["touchpoint"], t["emotion"]) for t in by_persona[PAT]["touchpoints"]] == [
        ("checkout", -2),
        ("cart", -1),
    ]
    assert [
        (t["touchpoint"], t["emotion"], t["traffic"]) for t in by_persona[SAM]["touchpoints"]
    ] == [
        ("call", -3, 20),
        ("checkout", -2, 95),
        ("cart", -1, 105),
    ]


def test_emotion_lows_tie_goes_to_the_busier_touchpoint_and_top_k_bounds() -> None:
    document = sketch_document(
        stages=[["a"], ["b", "c"]], transitions={("a", "b"): 1, ("a", "c"): 5}
    )
    for row in document["touchpoints"][1:]:
        row["emotion"] = -1
    journey = build_journey_graph(document=document)
    found = emotion_lows(journey=journey, top_k=2)
    assert [t["touchpoint"] for t in found["by_persona"][0]["touchpoints"]] == ["c", "b"]
    found = emotion_lows(journey=journey, top_k=1)
    assert [t["touchpoint"] for t in found["by_persona"][0]["touchpoints"]] == ["c"]


def test_conformance_against_observed_events() -> None:
    observed = {"checkout": 90, "Live  chat": 7, "refund form": 3, "ad": 5}
    found = conformance(journey=build_journey_graph(document=shop()), observed=observed)
    assert found["unknown_events"]["items"] == [
        {"name": "Live  chat", "count": 7},
        {"name": "refund form", "count": 3},
    ]
    assert [item["touchpoint"] for item in found["unreached"]["items"]] == ["orphan"]
    assert found["backward_transitions"]["items"] == [
        {"from": "cart", "to": "ad", "count": 10, "from_stage": "s2", "to_stage": "s1"}
    ]
    assert found["backward_transitions"]["traffic"] == 10
    assert found["unused_transitions"]["items"] == [{"from": "manual", "to": "app", "count": 0}]
    assert found["notes"] == []


def test_an_event_on_a_touchpoint_reaches_it() -> None:
    found = conformance(journey=build_journey_graph(document=shop()), observed=["ORPHAN"])
    assert found["unreached"]["items"] == []


def test_conformance_without_events_or_transitions_says_so() -> None:
    found = conformance(journey=build_journey_graph(document=UNCHARTED), observed=None)
    assert found["unreached"]["count"] == 0
    assert found["backward_transitions"]["count"] == 0
    assert len(found["notes"]) == 2


def test_conformance_with_events_but_no_transitions_uses_the_events() -> None:
    found = conformance(journey=build_journey_graph(document=UNCHARTED), observed={"A": 1, "c": 2})
    assert [item["touchpoint"] for item in found["unreached"]["items"]] == ["b", "d", "e"]


def test_observed_must_be_names_not_one_string() -> None:
    with pytest.raises(TypeError):
        conformance(journey=build_journey_graph(document=shop()), observed="checkout")
