"""GET /api/maps/<id>/analysis/: the pure analyses of the stored map and its event logs,
behind the one access check, cached per (map, seq)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from journeymap.analysis.api import KEYS
from tests.eventlogs import LOG_ROWS, log_text, post_log

pytestmark = pytest.mark.django_db


def test_every_key_is_answered_and_the_log_feeds_durations(
    world: Any,
    client_as: Any,
    mapped: dict[str, Any],
) -> None:
    client = client_as("editor")
    url = f"/api/maps/{mapped['map'].id}/analysis/"
    before = client.get(url)
    assert before.status_code == 200
    assert set(before.json()) == set(KEYS)
    assert before.json()["meta"]["edges"] == "implied"

    post_log(client, mapped["map"].id, log_text(LOG_ROWS))
    after = client.get(url).json()
    assert after["meta"]["edges"] == "observed"
    assert after["meta"]["event_imports"] == 1
    tp = mapped["tp"]
    assert after["critical_path"]["path"] == [tp["Ad"], tp["Site"], tp["Checkout"]]
    transitions = after["step_durations"]["transitions"]["items"]
    ad_site = next(t for t in transitions if (t["from"], t["to"]) == (tp["Ad"], tp["Site"]))
    assert ad_site["median_s"] == 300
    unknown = after["conformance"]["unknown_events"]
    assert "help" in str(unknown)


def test_the_result_is_cached_per_seq(
    world: Any,
    client_as: Any,
    mapped: dict[str, Any],
    django_assert_max_num_queries: Any,
) -> None:
    client = client_as("viewer")
    url = f"/api/maps/{mapped['map'].id}/analysis/?top_k=3"
    cache.clear()
    first = client.get(url).json()
    with django_assert_max_num_queries(6):
        again = client.get(url).json()
    assert again == first


@pytest.mark.parametrize(
    "query", ["top_k=-1", "top_k=999", "top_k=x", "persona=nope", "entry=a,b", "goal=1"]
)
def test_bad_parameters_are_clear_errors(
    world: Any,
    client_as: Any,
    mapped: dict[str, Any],
    query: str,
) -> None:
    response = client_as("viewer").get(f"/api/maps/{mapped['map'].id}/analysis/?{query}")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_another_workspace_gets_404(world: Any, client_as: Any) -> None:
    response = client_as("outsider").get(f"/api/maps/{world.acme.map.id}/analysis/")
    assert response.status_code == 404


def test_a_goal_set_on_the_map_changes_the_critical_path(
    world: Any, client_as: Any, mapped: dict[str, Any]
) -> None:
    """The journey role is an ordinary field of the write path: set once, every later
    analysis uses it (and the cache, keyed by seq, sees the change)."""
    import uuid

    from journeymap.maps.services.ops import apply_ops

    client = client_as("editor")
    post_log(client, mapped["map"].id, log_text(LOG_ROWS))
    tp = mapped["tp"]
    url = f"/api/maps/{mapped['map'].id}/analysis/"
    assert client.get(url).json()["critical_path"]["path"][-1] == tp["Checkout"]
    apply_ops(
        map_id=mapped["map"].id,
        actor=world.owner,
        op_id=uuid.uuid4(),
        ops=[
            {
                "action": "update",
                "entity": "touchpoint",
                "id": tp["Site"],
                "fields": {"journey_role": "goal"},
            }
        ],
    )
    result = client.get(url).json()
    assert result["meta"]["goals_source"] == "map"
    assert result["meta"]["goals"]["items"] == [tp["Site"]]
    assert result["critical_path"]["path"] == [tp["Ad"], tp["Site"]]


def test_a_journey_role_must_be_entry_goal_or_none(world: Any, mapped: dict[str, Any]) -> None:
    import uuid

    from journeymap.core.errors import OpRejected
    from journeymap.maps.services.ops import apply_ops

    with pytest.raises(OpRejected):
        apply_ops(
            map_id=mapped["map"].id,
            actor=world.owner,
            op_id=uuid.uuid4(),
            ops=[
                {
                    "action": "update",
                    "entity": "touchpoint",
                    "id": mapped["tp"]["Site"],
                    "fields": {"journey_role": "exit"},
                }
            ],
        )
