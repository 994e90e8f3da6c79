"""Feature priorities (docs/features.md): the pure score on literal data, and the two reads
behind the features page, scoped to the caller's workspace."""

from __future__ import annotations

import math
import uuid
from typing import Any

import pytest

from journeymap.analysis.priority import (
    FeatureFacts,
    LinkedFriction,
    PersonaTag,
    SegmentSize,
    feature_priority,
    rank_features,
)
from journeymap.maps.services.ops import apply_ops
from personas.models import FeaturePersona
from tests.eventlogs import LOG_ROWS, log_text, post_log

from ..factories import FeatureFactory, PersonaFactory, SegmentFactory


def _friction(**fields: Any) -> LinkedFriction:
    base: dict[str, Any] = {
        "friction": "f",
        "title": "Slow checkout",
        "map": "m",
        "map_title": "Online",
        "severity": 3,
        "status": "open",
        "traffic": None,
    }
    return LinkedFriction(**{**base, **fields})


def _tag(tier: str, relevance: int, persona: str = "p") -> PersonaTag:
    return PersonaTag(persona=persona, name=persona.upper(), tier=tier, relevance=relevance)


# ---- the pure score --------------------------------------------------------------------


def test_tier_weight_times_relevance() -> None:
    feature = FeatureFacts(
        feature="x",
        name="X",
        status="idea",
        personas=[_tag("primary", 4, "a"), _tag("secondary", 5, "b"), _tag("negative", 5, "c")],
    )
    result = feature_priority(feature=feature, segments={})
    assert [item["points"] for item in result["parts"]["personas"]["items"]] == [12, 10, 0]
    assert result["parts"]["personas"]["points"] == 22
    assert result["score"] == 22
    assert "Negative personas count 0, and so do their segments." in result["notes"]


def test_reach_is_log_scaled_counts_a_segment_once_and_skips_negative_personas() -> None:
    shared = SegmentSize(segment="s1", name="Young", size=1023)
    segments = {
        "a": [shared],
        "b": [shared, SegmentSize(segment="s2", name="Old", size=0)],
        "c": [SegmentSize(segment="s3", name="Nope", size=10**6)],
    }
    feature = FeatureFacts(
        feature="x",
        name="X",
        status="idea",
        personas=[_tag("primary", 1, "a"), _tag("secondary", 1, "b"), _tag("negative", 1, "c")],
    )
    reach = feature_priority(feature=feature, segments=segments)["parts"]["reach"]
    assert reach["customers"] == 1023
    assert reach["points"] == 10.0  # log2(1 + 1023)
    assert [s["segment"] for s in reach["segments"]] == ["s2", "s1"]  # by name

    # A million customers weigh twice a thousand, not a thousand times as much.
    huge = {"a": [SegmentSize(segment="s", name="All", size=2**20 - 1)]}
    points = feature_priority(
        feature=FeatureFacts(
            feature="x", name="X", status="idea", personas=[_tag("primary", 1, "a")]
        ),
        segments=huge,
    )["parts"]["reach"]["points"]
    assert points == 20.0


def test_friction_is_severity_times_log_traffic_or_severity_alone_without_a_log() -> None:
    feature = FeatureFacts(
        feature="x",
        name="X",
        status="idea",
        frictions=[
            _friction(friction="measured", severity=4, traffic=7, map_title="Online"),
            _friction(friction="unmeasured", severity=5, traffic=None, map_title="Store"),
            _friction(friction="nobody", severity=5, traffic=0, map_title="Online"),
            _friction(friction="done", severity=5, traffic=1000, status="resolved"),
        ],
    )
    result = feature_priority(feature=feature, segments={})
    items = {item["friction"]: item for item in result["parts"]["friction"]["items"]}
    assert items["measured"]["points"] == 12.0  # 4 × log2(8)
    assert items["measured"]["measured"] is True
    assert items["unmeasured"]["points"] == 5.0  # severity alone
    assert items["unmeasured"]["measured"] is False
    assert items["nobody"]["points"] == 0.0  # measured, and nobody passes there
    assert items["done"]["points"] == 0.0 and items["done"]["weight"] == 0
    assert result["parts"]["friction"]["points"] == 17.0
    assert result["score"] == 17.0
    assert any("No event log on Store" in note for note in result["notes"])
    assert "Resolved friction points count 0." in result["notes"]


def test_the_parts_add_up_to_the_score() -> None:
    feature = FeatureFacts(
        feature="x",
        name="X",
        status="idea",
        personas=[_tag("primary", 3, "a")],
        frictions=[
            _friction(severity=2, traffic=5),
            _friction(friction="g", severity=3, traffic=9),
        ],
    )
    result = feature_priority(
        feature=feature, segments={"a": [SegmentSize(segment="s", name="S", size=6)]}
    )
    parts = result["parts"]
    assert result["score"] == round(
        parts["personas"]["points"] + parts["reach"]["points"] + parts["friction"]["points"], 1
    )
    assert parts["reach"]["points"] == round(math.log2(7), 1)


def test_ranking_is_by_score_then_name() -> None:
    features = [
        FeatureFacts(feature="1", name="Beta", status="idea", personas=[_tag("secondary", 3)]),
        FeatureFacts(feature="2", name="Alpha", status="idea", personas=[_tag("secondary", 3)]),
        FeatureFacts(feature="3", name="Zed", status="idea", personas=[_tag("primary", 5)]),
        FeatureFacts(feature="4", name="Empty", status="idea"),
    ]
    ranked = rank_features(features=features, segments={})
    assert [row["name"] for row in ranked] == ["Zed", "Alpha", "Beta", "Empty"]
    assert ranked[-1]["score"] == 0


# ---- the reads ---------------------------------------------------------------------------


def _friction_op(world: Any, fields: dict[str, Any], friction: str | None = None) -> str:
    side = world.acme
    friction = friction or str(uuid.uuid4())
    apply_ops(
        map_id=side.map.id,
        actor=world.owner,
        op_id=uuid.uuid4(),
        ops=[
            {
                "action": "create",
                "entity": "friction",
                "id": friction,
                "fields": {"stage": side.stage, "lane": side.lanes["friction"], **fields},
            }
        ],
    )
    return friction


def _update_friction(world: Any, friction: str, fields: dict[str, Any]) -> None:
    apply_ops(
        map_id=world.acme.map.id,
        actor=world.owner,
        op_id=uuid.uuid4(),
        ops=[{"action": "update", "entity": "friction", "id": friction, "fields": fields}],
    )


@pytest.mark.django_db
def test_priorities_list_only_the_workspaces_features_with_their_parts(
    world: Any, client_as: Any
) -> None:
    mine = FeatureFactory(workspace=world.acme.workspace, name="Saved carts")
    FeaturePersona.objects.create(feature=mine, persona=world.acme.persona, relevance=4)
    segment = SegmentFactory(workspace=world.acme.workspace, rules={})
    segment.personas.add(world.acme.persona)
    theirs = FeatureFactory(workspace=world.other.workspace, name="Secret")
    friction = _friction_op(
        world, {"title": "Lost basket", "severity": 4, "features": [str(mine.id)]}
    )

    response = client_as("viewer").get(
        f"/api/feature-priorities/?workspace={world.acme.workspace.id}"
    )
    assert response.status_code == 200
    rows = response.json()
    assert [row["name"] for row in rows] == ["Saved carts"]
    parts = rows[0]["parts"]
    assert parts["personas"]["points"] == 12  # primary 3 × 4
    assert parts["reach"]["segments"][0]["segment"] == str(segment.id)
    assert parts["friction"]["items"][0]["friction"] == friction
    assert parts["friction"]["items"][0]["measured"] is False
    assert parts["friction"]["points"] == 4.0  # severity alone: the map has no event log
    assert rows[0]["score"] == 12 + parts["reach"]["points"] + 4.0
    assert rows[0]["notes"]

    frictions = client_as("viewer").get(
        f"/api/friction-points/?workspace={world.acme.workspace.id}"
    )
    assert frictions.status_code == 200
    [row] = frictions.json()
    assert row["id"] == friction and row["features"] == [str(mine.id)]
    assert row["map"] == str(world.acme.map.id) and row["map_title"] == "Acme journey"
    assert row["traffic"] is None and row["measured"] is False
    assert str(theirs.id) not in str(frictions.json())


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/api/feature-priorities/", "/api/friction-points/", "/api/feature-priorities/export.csv"],
)
def test_another_workspace_is_a_404_and_bad_parameters_a_400(
    world: Any, client_as: Any, path: str
) -> None:
    FeatureFactory(workspace=world.other.workspace, name="Secret")
    outsider = client_as("outsider")
    acme = world.acme.workspace.id
    assert (
        client_as("editor").get(f"{path}?workspace={world.other.workspace.id}").status_code == 404
    )
    assert outsider.get(f"{path}?workspace={acme}").status_code == 404
    # A workspace that does not exist answers exactly like one that is not yours.
    assert (
        outsider.get(f"{path}?workspace={uuid.uuid4()}").content
        == outsider.get(f"{path}?workspace={acme}").content
    )
    for query in ["", "?workspace=", "?workspace=nope", "?workspace=1%0A"]:
        response = client_as("editor").get(f"{path}{query}")
        assert response.status_code == 400, query
        assert response.json()["code"] == "invalid"
    assert client_as("anonymous").get(f"{path}?workspace={acme}").status_code in (401, 403)


@pytest.mark.django_db
def test_priority_order_follows_a_friction_points_severity(world: Any, client_as: Any) -> None:
    """Two features, each resolving one friction point: raising the severity of the second
    point, through the one write path, puts its feature first."""
    first = FeatureFactory(workspace=world.acme.workspace, name="Apple Pay")
    second = FeatureFactory(workspace=world.acme.workspace, name="Guest checkout")
    _friction_op(world, {"title": "No wallet", "severity": 3, "features": [str(first.id)]})
    signup = _friction_op(
        world, {"title": "Forced signup", "severity": 2, "features": [str(second.id)]}
    )
    url = f"/api/feature-priorities/?workspace={world.acme.workspace.id}"
    client = client_as("editor")
    assert [row["name"] for row in client.get(url).json()] == ["Apple Pay", "Guest checkout"]

    _update_friction(world, signup, {"severity": 5})
    assert [row["name"] for row in client.get(url).json()] == ["Guest checkout", "Apple Pay"]

    # Resolved, it no longer argues for the feature.
    _update_friction(world, signup, {"status": "resolved"})
    ranked = client.get(url).json()
    assert [row["name"] for row in ranked] == ["Apple Pay", "Guest checkout"]
    assert ranked[1]["score"] == 0


@pytest.mark.django_db
def test_measured_traffic_comes_from_the_event_log(
    world: Any, client_as: Any, mapped: dict[str, Any]
) -> None:
    feature = FeatureFactory(workspace=world.acme.workspace, name="Faster site")
    site = mapped["tp"]["Site"]
    friction = str(uuid.uuid4())
    apply_ops(
        map_id=mapped["map"].id,
        actor=world.owner,
        op_id=uuid.uuid4(),
        ops=[
            {
                "action": "create",
                "entity": "friction",
                "id": friction,
                "fields": {
                    "stage": mapped["stages"][1],  # the Site touchpoint's stage
                    "lane": world.acme.lanes["friction"],
                    "touchpoint": site,
                    "title": "Slow",
                    "severity": 2,
                    "features": [str(feature.id)],
                },
            }
        ],
    )
    client = client_as("editor")
    assert post_log(client, mapped["map"].id, log_text(LOG_ROWS)).status_code in (200, 201)
    url = f"/api/friction-points/?workspace={world.acme.workspace.id}"
    [row] = client.get(url).json()
    assert row["measured"] is True
    hotspots = client.get(f"/api/maps/{mapped['map'].id}/analysis/").json()["friction_hotspots"]
    assert row["traffic"] == hotspots["items"][0]["traffic"] > 0

    [priority] = client.get(f"/api/feature-priorities/?workspace={world.acme.workspace.id}").json()
    item = priority["parts"]["friction"]["items"][0]
    assert item["traffic"] == row["traffic"]
    assert item["points"] == round(2 * math.log2(1 + row["traffic"]), 1)
    assert priority["notes"] == []


@pytest.mark.django_db
def test_a_persona_tag_moves_a_feature_up(world: Any, client_as: Any) -> None:
    low = FeatureFactory(workspace=world.acme.workspace, name="A")
    high = FeatureFactory(workspace=world.acme.workspace, name="B")
    secondary = PersonaFactory(workspace=world.acme.workspace, tier="secondary")
    FeaturePersona.objects.create(feature=low, persona=secondary, relevance=5)  # 10
    client = client_as("editor")
    url = f"/api/feature-priorities/?workspace={world.acme.workspace.id}"
    assert [row["name"] for row in client.get(url).json()] == ["A", "B"]
    tagged = client.patch(
        f"/api/features/{high.id}/",
        {"persona_tags": [{"persona": str(world.acme.persona.id), "relevance": 4}]},
        format="json",
    )
    assert tagged.status_code == 200
    assert [row["name"] for row in client.get(url).json()] == ["B", "A"]  # 12 > 10
