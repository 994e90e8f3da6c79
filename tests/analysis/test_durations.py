"""Step durations from per-transition figures."""

from __future__ import annotations

from journeymap.analysis.durations import step_durations
from journeymap.analysis.graph import build_journey_graph

from .maps import shop

ROWS = [
    {"from": "ad", "to": "cart", "count": 60, "median_s": 30, "p90_s": 120},
    {"from": "cart", "to": "checkout", "count": 80, "median_s": 60, "p90_s": 300},
    {"from": "checkout", "to": "app", "count": 70, "median_s": 10, "p90_s": 20},
    {"from": "checkout", "to": "manual", "count": 20, "median_s": 40, "p90_s": 100},
    {"from": "ad", "to": "cart", "count": 1, "median_s": 1, "p90_s": 1},
    {"from": "ad", "to": "nowhere", "count": 1, "median_s": 1, "p90_s": 1},
    {"from": "ad", "to": "cart", "count": 1, "median_s": float("nan"), "p90_s": 1},
    "not a row",
]


def test_per_transition_slowest_first() -> None:
    found = step_durations(journey=build_journey_graph(document=shop()), durations=ROWS)
    assert [(row["from"], row["to"], row["median_s"]) for row in found["transitions"]["items"]] == [
        ("cart", "checkout", 60.0),
        ("checkout", "manual", 40.0),
        ("ad", "cart", 30.0),
        ("checkout", "app", 10.0),
    ]
    assert found["ignored"] == {"malformed": 2, "off_graph": 1, "repeated": 1}


def test_per_stage_count_weighted_quantiles() -> None:
    found = step_durations(journey=build_journey_graph(document=shop()), durations=ROWS)
    stages = {row["stage"]: row for row in found["stages"]}
    assert (stages["s1"]["median_s"], stages["s1"]["p90_s"], stages["s1"]["count"]) == (
        30.0,
        120.0,
        60,
    )
    # Buy: medians 10 (×70), 40 (×20), 60 (×80): half of 170 is reached at 40.
    # p90s 20 (×70), 100 (×20), 300 (×80): 90 % of 170 is reached at 300.
    assert (stages["s2"]["median_s"], stages["s2"]["p90_s"], stages["s2"]["transitions"]) == (
        40.0,
        300.0,
        3,
    )
    assert "s3" not in stages
    assert found["approximate"] is True


def test_no_durations_is_empty_with_a_note() -> None:
    found = step_durations(journey=build_journey_graph(document=shop()), durations=None)
    assert found["transitions"]["items"] == []
    assert found["stages"] == []
    assert found["note"].startswith("no duration figures")
