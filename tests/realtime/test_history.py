"""History of a map and named versions over REST; restore goes through apply_ops, so open
sockets follow it like any edit."""

from __future__ import annotations

import json
import random
import uuid
from typing import Any

import pytest
from channels.db import database_sync_to_async
from fractional_indexing import generate_key_between
from rest_framework.test import APIClient

from journeymap.core.errors import OpRejected
from journeymap.maps.models import JourneyMap, MapOp, MapVersion
from journeymap.maps.selectors import map_document
from journeymap.maps.services.ops import apply_ops
from journeymap.maps.services.versions import version_create, version_restore
from journeymap.realtime.client import apply_patch
from personas.models import Channel, Feature, Persona
from tests.realtime.rt_helpers import card_op

pytestmark = pytest.mark.django_db


def api(user: Any = None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def edit(journey_map: JourneyMap, actor: Any, *ops: dict[str, Any]) -> int:
    return apply_ops(map_id=journey_map.id, actor=actor, op_id=uuid.uuid4(), ops=list(ops)).seq


def content(document: dict[str, Any]) -> dict[str, Any]:
    """What a restore brings back: everything but seq, the directory and the conversation."""
    skip = {"seq", "directory", "comments", "votes"}
    result = {key: value for key, value in document.items() if key not in skip}
    result["personas"] = sorted(result["personas"])
    for row in result["frictions"]:
        row["personas"], row["features"] = sorted(row["personas"]), sorted(row["features"])
    for unordered in ("emotions", "transitions"):  # listed by creation time, no user order
        result[unordered] = sorted(result[unordered], key=lambda row: row["id"])
    return json.loads(json.dumps(result, sort_keys=True))


# --- history ---------------------------------------------------------------------------------------


def test_history_says_who_changed_what_newest_first(rt_map, rt_owner, rt_editor, rt_board):
    stage_id = str(uuid.uuid4())
    stage = {"action": "create", "entity": "stage", "id": stage_id, "fields": {"name": "Pay"}}
    card = card_op({**rt_board, "stage": stage_id}, "Sign up")
    edit(rt_map, rt_editor, stage)
    edit(rt_map, rt_editor, card)
    edit(
        rt_map,
        rt_owner,
        {"action": "update", "entity": "card", "id": card["id"], "fields": {"title": "Join"}},
        {"action": "move", "entity": "stage", "id": rt_board["stage"], "fields": {}},
    )
    edit(rt_map, rt_owner, {"action": "delete", "entity": "stage", "id": stage_id})
    response = api(rt_editor).get(f"/api/maps/{rt_map.id}/history/?page_size=3")
    assert response.status_code == 200
    entries = response.json()["results"]
    assert [entry["seq"] for entry in entries] == [4, 3, 2]
    assert entries[2]["summary"] == "Ed Editor added card “Sign up”"
    assert entries[2]["actor"] == {"id": str(rt_editor.pk), "name": "Ed Editor"}
    assert entries[1]["summary"] == (
        "Olga Owner changed title of card “Join” and moved stage “Discover”"
    )
    # The stage took its card with it; the history names both, the stage from an older page.
    assert entries[0]["summary"] == "Olga Owner deleted stage “Pay” and deleted card “Join”"
    assert entries[0]["counts"] == {"delete": 2}
    assert entries[0]["ops"][0] == {
        "action": "delete",
        "entity": "stage",
        "id": stage_id,
        "fields": {},
    }
    assert entries[0]["created_at"]


def test_history_is_paginated(rt_map, rt_editor, rt_board):
    for number in range(5):
        edit(rt_map, rt_editor, card_op(rt_board, f"card {number}"))
    first = api(rt_editor).get(f"/api/maps/{rt_map.id}/history/?page_size=2").json()
    assert first["count"] == 5 and [e["seq"] for e in first["results"]] == [5, 4]
    second = api(rt_editor).get(first["next"]).json()
    assert [e["seq"] for e in second["results"]] == [3, 2]


def test_history_is_for_members_only(rt_map, rt_viewer, rt_outsider, rt_share_token):
    assert api(rt_viewer).get(f"/api/maps/{rt_map.id}/history/").status_code == 200
    assert api(rt_outsider).get(f"/api/maps/{rt_map.id}/history/").status_code == 404
    assert api().get(f"/api/maps/{rt_map.id}/history/").status_code in (401, 403)
    guest = APIClient()
    guest.credentials(HTTP_AUTHORIZATION=f"Share {rt_share_token}")
    assert guest.get(f"/api/maps/{rt_map.id}/history/").status_code in (401, 403, 404)
    assert api(rt_viewer).get(f"/api/maps/{uuid.uuid4()}/history/").status_code == 404


# --- versions ----------------------------------------------------------------------------------------


def test_save_list_and_read_a_version(rt_map, rt_editor, rt_viewer, rt_board):
    edit(rt_map, rt_editor, card_op(rt_board, "Sign up"))
    response = api(rt_editor).post(f"/api/maps/{rt_map.id}/versions/", {"name": "Workshop 1"})
    assert response.status_code == 201
    version = response.json()
    assert version["name"] == "Workshop 1" and version["seq"] == 1
    assert version["created_by"]["name"] == "Ed Editor"
    listed = api(rt_viewer).get(f"/api/maps/{rt_map.id}/versions/").json()["results"]
    assert [v["id"] for v in listed] == [version["id"]]
    detail = api(rt_viewer).get(f"/api/maps/{rt_map.id}/versions/{version['id']}/").json()
    assert [card["title"] for card in detail["snapshot"]["cards"]] == ["Sign up"]
    assert "directory" not in detail["snapshot"]


def test_versions_permissions(rt_map, rt_viewer, rt_outsider, rt_editor):
    url = f"/api/maps/{rt_map.id}/versions/"
    assert api(rt_viewer).post(url, {"name": "mine"}).status_code == 403
    assert api(rt_outsider).post(url, {"name": "mine"}).status_code == 404
    assert api(rt_outsider).get(url).status_code == 404
    assert api(rt_editor).post(url, {"name": ""}).status_code == 400
    version = version_create(journey_map=rt_map, name="v", actor=rt_editor)
    restore = f"{url}{version.id}/restore/"
    assert api(rt_viewer).post(restore).status_code == 403
    assert api(rt_outsider).post(restore).status_code == 404
    assert api(rt_editor).get(f"{url}{uuid.uuid4()}/").status_code == 404
    assert MapVersion.objects.count() == 1


def test_restore_turns_the_map_back_through_the_op_log(rt_map, rt_owner, rt_editor, rt_board):
    kept, gone = card_op(rt_board, "Kept"), card_op(rt_board, "Deleted later")
    edit(rt_map, rt_editor, kept, gone)
    version = version_create(journey_map=rt_map, name="before", actor=rt_editor)
    new_stage = str(uuid.uuid4())
    edit(
        rt_map,
        rt_owner,
        {"action": "create", "entity": "stage", "id": new_stage, "fields": {"name": "New"}},
        {"action": "move", "entity": "card", "id": kept["id"], "fields": {"stage": new_stage}},
        {"action": "update", "entity": "card", "id": kept["id"], "fields": {"title": "Edited"}},
        {"action": "delete", "entity": "card", "id": gone["id"]},
        {"action": "delete", "entity": "stage", "id": rt_board["stage"]},
        {"action": "update", "entity": "map", "id": str(rt_map.id), "fields": {"title": "Renamed"}},
    )
    response = api(rt_editor).post(f"/api/maps/{rt_map.id}/versions/{version.id}/restore/")
    assert response.status_code == 200
    assert response.json()["seq"] == 3 and response.json()["batches"] == 1
    rt_map.refresh_from_db()
    assert content(map_document(journey_map=rt_map)) == content(version.snapshot)
    restore_entry = MapOp.objects.get(map=rt_map, seq=3)
    assert restore_entry.actor == rt_editor
    # Restoring again changes nothing and logs nothing.
    assert api(rt_editor).post(f"/api/maps/{rt_map.id}/versions/{version.id}/restore/").json() == {
        "seq": 3,
        "batches": 0,
        "ops": 0,
    }


def test_large_restore_is_several_batches_in_one_transaction(rt_map, rt_editor, rt_board, settings):
    version = version_create(journey_map=rt_map, name="empty", actor=rt_editor)
    edit(rt_map, rt_editor, *(card_op(rt_board, str(n)) for n in range(7)))
    settings.OPS_MAX_PER_BATCH = 3
    batches = version_restore(version=version, actor=rt_editor)
    assert [len(batch.ops) for batch in batches] == [3, 3, 1]
    assert [batch.seq for batch in batches] == [2, 3, 4]
    rt_map.refresh_from_db()
    assert content(map_document(journey_map=rt_map)) == content(version.snapshot)


def test_restore_drops_references_to_deleted_workspace_records(
    rt_map, rt_workspace, rt_editor, rt_board
):
    persona = Persona.objects.create(workspace=rt_workspace, name="Pat")
    edit(
        rt_map,
        rt_editor,
        {
            "action": "update",
            "entity": "map",
            "id": str(rt_map.id),
            "fields": {"personas": [str(persona.id)]},
        },
        {
            "action": "create",
            "entity": "emotion",
            "id": str(uuid.uuid4()),
            "fields": {"stage": rt_board["stage"], "persona": str(persona.id), "score": 2},
        },
    )
    version = version_create(journey_map=rt_map, name="with Pat", actor=rt_editor)
    edit(
        rt_map,
        rt_editor,
        {"action": "update", "entity": "map", "id": str(rt_map.id), "fields": {"personas": []}},
    )
    edit(
        rt_map,
        rt_editor,
        *(
            {"action": "delete", "entity": "emotion", "id": row["id"]}
            for row in map_document(journey_map=rt_map)["emotions"]
        ),
    )
    persona.delete()
    version_restore(version=version, actor=rt_editor)  # does not fail on the missing persona
    rt_map.refresh_from_db()
    document = map_document(journey_map=rt_map)
    assert document["personas"] == [] and document["emotions"] == []


# --- restore of random maps ------------------------------------------------------------------------


def random_ops(
    rng: random.Random, doc: dict[str, Any], refs: dict[str, list[str]]
) -> list[dict[str, Any]]:
    """One random edit touching any entity the restore handles."""
    new = str(uuid.uuid4())
    stages, lanes = doc["stages"], doc["lanes"]
    lane_of = {
        kind: [lane for lane in lanes if lane["kind"] == kind]
        for kind in ("actions", "touchpoints", "friction", "content")
    }
    pick = rng.random()
    if pick < 0.1 or not stages:
        return [
            {
                "action": "create",
                "entity": "stage",
                "id": new,
                "fields": {"name": f"S{rng.randint(0, 99)}"},
            }
        ]
    if pick < 0.2 or not lanes:
        kind = rng.choice(["actions", "touchpoints", "friction", "content", "text"])
        return [
            {
                "action": "create",
                "entity": "lane",
                "id": new,
                "fields": {"name": kind, "kind": kind},
            }
        ]
    stage = rng.choice(stages)["id"]
    creators: dict[str, tuple[str, dict[str, Any]]] = {
        "card": ("actions", {"title": "c"}),
        "touchpoint": (
            "touchpoints",
            {
                "title": "t",
                "channel": rng.choice(refs["channels"]),
                "persona": rng.choice(refs["personas"]),
                "emotion": 1,
            },
        ),
        "friction": (
            "friction",
            {
                "title": "f",
                "severity": 4,
                "personas": refs["personas"][:1],
                "features": refs["features"],
                "touchpoint": rng.choice(doc["touchpoints"])["id"] if doc["touchpoints"] else None,
            },
        ),
        "content": (
            "content",
            {"title": "k", "persona": rng.choice(refs["personas"]), "url": "https://example.com/a"},
        ),
    }
    if pick < 0.5:
        entity = rng.choice(list(creators))
        kind, extra = creators[entity]
        if not lane_of[kind]:
            return []
        placed = {"stage": stage, "lane": rng.choice(lane_of[kind])["id"], **extra}
        return [{"action": "create", "entity": entity, "id": new, "fields": placed}]
    if pick < 0.55:
        return [
            {
                "action": "create",
                "entity": "emotion",
                "id": new,
                "fields": {
                    "stage": stage,
                    "persona": rng.choice(refs["personas"]),
                    "score": rng.randint(-3, 3),
                },
            }
        ]
    if pick < 0.6 and len(doc["touchpoints"]) > 1:
        a, b = rng.sample(doc["touchpoints"], 2)
        return [
            {
                "action": "create",
                "entity": "transition",
                "id": new,
                "fields": {"from_touchpoint": a["id"], "to_touchpoint": b["id"], "count": 3},
            }
        ]
    entity = rng.choice(
        ["stage", "lane", "card", "touchpoint", "friction", "content", "emotion", "transition"]
    )
    rows = doc[entity + "s"]
    if not rows:
        return []
    row = rng.choice(rows)
    if pick < 0.75:
        updates = {
            "stage": {"name": "renamed"},
            "lane": {"name": "renamed"},
            "card": {"title": "T"},
            "touchpoint": {"emotion": -2},
            "friction": {"status": "planned", "personas": []},
            "content": {"status": "live"},
            "emotion": {"score": 0},
            "transition": {"count": 9},
        }
        return [{"action": "update", "entity": entity, "id": row["id"], "fields": updates[entity]}]
    if pick < 0.88 and "order_key" in row:
        moved: dict[str, Any] = {"order_key": generate_key_between(None, row["order_key"])}
        if "stage" in row:
            moved["stage"] = rng.choice(stages)["id"]
        return [{"action": "move", "entity": entity, "id": row["id"], "fields": moved}]
    return [{"action": "delete", "entity": entity, "id": row["id"]}]


@pytest.mark.parametrize("seed", range(6))
def test_restore_of_random_edits_brings_back_the_version(rt_map, rt_workspace, rt_editor, seed):
    rng = random.Random(seed)
    refs = {
        "personas": [
            str(Persona.objects.create(workspace=rt_workspace, name=f"P{i}").id) for i in range(2)
        ],
        "channels": [
            str(Channel.objects.create(workspace=rt_workspace, name=f"C{i}").id) for i in range(2)
        ],
        "features": [str(Feature.objects.create(workspace=rt_workspace, name="F").id)],
    }

    def wander(steps: int) -> None:
        for _ in range(steps):
            ops = random_ops(
                rng, map_document(journey_map=JourneyMap.objects.get(id=rt_map.id)), refs
            )
            if ops:
                try:
                    edit(rt_map, rt_editor, *ops)
                except OpRejected:
                    pass  # e.g. a second emotion point for the same stage and persona

    wander(60)
    version = version_create(journey_map=rt_map, name="checkpoint", actor=rt_editor)
    wander(60)
    version_restore(version=version, actor=rt_editor)
    rt_map.refresh_from_db()
    assert content(map_document(journey_map=rt_map)) == content(version.snapshot)


# --- restore reaches open sockets ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
async def test_restore_is_broadcast_like_any_edit(
    rt_connect, rt_owner, rt_editor, rt_map, rt_board
):
    sock = await rt_connect(rt_owner)
    document = (await sock.hello(None))["map"]
    version = await database_sync_to_async(version_create)(
        journey_map=rt_map, name="start", actor=rt_editor
    )
    await database_sync_to_async(edit)(rt_map, rt_editor, card_op(rt_board, "added"))
    apply_patch(document, await sock.expect("patch"))
    assert len(document["cards"]) == 1
    await database_sync_to_async(version_restore)(version=version, actor=rt_editor)
    patch = await sock.expect("patch")
    assert patch["seq"] == 2 and patch["actor"]["name"] == "Ed Editor"
    apply_patch(document, patch)
    # The socket's copy, moved by patches alone, equals a fresh read.
    fresh = await database_sync_to_async(
        lambda: map_document(journey_map=JourneyMap.objects.get(id=rt_map.id))
    )()
    assert content(document) == content(fresh) == content(version.snapshot)
