"""A share link sees the share document only: over the socket (snapshot and patches) and over
REST, with no comments, no voters, no user or workspace ids, and no catch-up history."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone
from rest_framework.test import APIClient

from journeymap.maps.models import JourneyMap, Lane
from journeymap.maps.selectors import map_document, share_document
from journeymap.maps.services.ops import apply_ops
from journeymap.workspaces.models import ShareLink
from journeymap.workspaces.services import share_link_create
from tests.factories import ChannelFactory, PersonaFactory
from tests.realtime.rt_helpers import card_op

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("rt_layer")]


def comment_op(card_id: str) -> dict[str, Any]:
    fields = {"target_entity": "card", "target_id": card_id, "body": "Needs a rethink"}
    return {"action": "create", "entity": "comment", "id": str(uuid.uuid4()), "fields": fields}


def vote_op(card_id: str) -> dict[str, Any]:
    fields = {"target_entity": "card", "target_id": card_id}
    return {"action": "create", "entity": "vote", "id": str(uuid.uuid4()), "fields": fields}


@pytest.fixture
def furnished(rt_map: JourneyMap, rt_board: dict[str, str], rt_editor: Any) -> dict[str, Any]:
    """A map with a referenced and an unreferenced persona and channel, a comment, a vote."""
    workspace = rt_map.workspace
    used_persona, spare_persona = PersonaFactory.create_batch(2, workspace=workspace)
    used_channel, spare_channel = ChannelFactory.create_batch(2, workspace=workspace)
    lane = Lane.objects.create(map=rt_map, name="Touch", kind="touchpoints", order_key="a1")
    card = card_op(rt_board, "Pricing page")
    touchpoint = {
        "action": "create",
        "entity": "touchpoint",
        "fields": {
            "stage": rt_board["stage"],
            "lane": str(lane.id),
            "channel": str(used_channel.id),
            "title": "Ad",
        },
    }
    personas = {"personas": [str(used_persona.id)]}
    ops = [
        {"action": "update", "entity": "map", "id": str(rt_map.id), "fields": personas},
        card,
        touchpoint,
        comment_op(card["id"]),
        vote_op(card["id"]),
    ]
    apply_ops(map_id=rt_map.id, actor=rt_editor, op_id=uuid.uuid4(), ops=ops)
    return {
        "card": card["id"],
        "personas": (str(used_persona.id), str(spare_persona.id)),
        "channels": (str(used_channel.id), str(spare_channel.id)),
    }


def assert_share_document(
    document: dict[str, Any], furnished: dict[str, Any], people: list[Any]
) -> None:
    text = json.dumps(document)
    for person in people:
        assert f'"{person.pk}"' not in text, "a user id leaked into the share document"
    assert "workspace" not in document and str(document.get("id"))
    assert document["comments"] == [] and "Needs a rethink" not in text
    assert len(document["votes"]) == 1 and "voter" not in document["votes"][0]
    assert [row["id"] for row in document["directory"]["personas"]] == [furnished["personas"][0]]
    assert [row["id"] for row in document["directory"]["channels"]] == [furnished["channels"][0]]
    assert document["read_only"] is True


async def test_share_hello_always_gets_a_share_snapshot_never_history(
    rt_connect, rt_share_token, rt_editor, rt_owner, rt_map, furnished
):
    guest = await rt_connect(share=rt_share_token)
    for last_seq in (0, 1, None):
        answer = await guest.hello(last_seq)
        assert answer["type"] == "snapshot" and "patches" not in answer
        assert answer["seq"] == 1 and answer["protocol"] == 2
        assert_share_document(answer["map"], furnished, [rt_editor, rt_owner])
    # Members still catch up from the log.
    member = await rt_connect(rt_owner)
    assert (await member.hello(0))["type"] == "catchup"


async def test_share_sockets_get_patches_without_comments_voters_or_actors(
    rt_connect, rt_share_token, rt_editor, rt_map, furnished
):
    guest, editor = await rt_connect(share=rt_share_token), await rt_connect(rt_editor)
    await guest.hello(None)
    await editor.hello(None)
    assert (await editor.ops([comment_op(furnished["card"])]))["type"] == "ack"
    shared = await guest.expect("patch")
    assert shared["seq"] == 2 and shared["ops"] == [] and shared["actor"] is None
    assert (await editor.ops([vote_op(furnished["card"])]))["type"] == "ack"
    shared = await guest.expect("patch")
    assert shared["seq"] == 3 and shared["actor"] is None
    assert [op["entity"] for op in shared["ops"]] == ["vote"]
    assert "voter" not in shared["ops"][0]["fields"]
    assert f'"{rt_editor.pk}"' not in json.dumps(shared)
    # Deleting the card takes its comment and votes along: the share patch lists no comment.
    delete = {"action": "delete", "entity": "card", "id": furnished["card"]}
    assert (await editor.ops([delete]))["type"] == "ack"
    shared = await guest.expect("patch")
    assert "comment" not in {op["entity"] for op in shared["ops"]}
    assert {"card", "vote"} <= {op["entity"] for op in shared["ops"]}


def test_rest_share_document_is_the_same_on_both_routes_and_the_socket(
    rt_map, rt_share_token, rt_editor, rt_owner, furnished
):
    api = APIClient()
    by_path = api.get(f"/api/share/{rt_share_token}/").json()
    api.credentials(HTTP_AUTHORIZATION=f"Share {rt_share_token}")
    by_header = api.get(f"/api/maps/{rt_map.id}/").json()
    assert by_path == by_header == share_document(journey_map=JourneyMap.objects.get(id=rt_map.id))
    assert_share_document(by_path, furnished, [rt_editor, rt_owner])
    # A member still gets the full document.
    member = APIClient()
    member.force_authenticate(rt_owner)
    full = member.get(f"/api/maps/{rt_map.id}/").json()
    assert full == map_document(journey_map=JourneyMap.objects.get(id=rt_map.id))
    assert full["comments"] and full["votes"][0]["voter"] == str(rt_editor.pk)


# --- lifetime ---------------------------------------------------------------------------------


def test_share_links_expire_after_30_days_by_default(rt_map, rt_owner, settings):
    settings.SHARE_LINK_DEFAULT_DAYS, settings.SHARE_LINK_MAX_DAYS = 30, 365
    link, _token = share_link_create(journey_map=rt_map, created_by=rt_owner)
    assert link.expires_at is not None
    assert abs(link.expires_at - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)


def test_share_link_expiry_is_checked_by_the_api(rt_map, rt_owner, settings):
    settings.SHARE_LINK_DEFAULT_DAYS, settings.SHARE_LINK_MAX_DAYS = 30, 365
    api = APIClient()
    api.force_authenticate(rt_owner)

    def create(expires_at: Any) -> Any:
        body = {"map": str(rt_map.id), "label": "x", "expires_at": expires_at}
        return api.post("/api/share-links/", body, format="json")

    default = create(None)
    assert default.status_code == 201, default.json()
    expires = ShareLink.objects.get(id=default.json()["id"]).expires_at
    assert expires is not None and expires > timezone.now() + timedelta(days=29)
    in_100_days = create((timezone.now() + timedelta(days=100)).isoformat())
    assert in_100_days.status_code == 201
    too_far = create((timezone.now() + timedelta(days=366)).isoformat())
    assert too_far.status_code == 400
    assert "at most 365 days" in json.dumps(too_far.json())
    past = create((timezone.now() - timedelta(minutes=1)).isoformat())
    assert past.status_code == 400 and "in the future" in json.dumps(past.json())
    assert ShareLink.objects.filter(map=rt_map).count() == 2


async def test_share_history_and_versions_stay_closed(rt_map, rt_share_token, furnished):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Share {rt_share_token}")

    def get(path: str) -> int:
        return int(api.get(path).status_code)

    for path in ("history", "versions", "ops"):
        assert await database_sync_to_async(get)(f"/api/maps/{rt_map.id}/{path}/") in (403, 404)
