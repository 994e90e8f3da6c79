"""Seeded convergence: several clients edit one map at once — creates, updates, moves and
deletes, with random delays, dropped connections and reconnects — through the real server and
the Python client. At the end every client's map equals the database's and the REST
document, and every acknowledged batch is in the op log at the seq its ack named."""

from __future__ import annotations

import asyncio
import json
import random
import urllib.error
import urllib.request
import uuid
from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from fractional_indexing import generate_key_between

from journeymap.maps.models import JourneyMap, MapOp
from journeymap.maps.services.versions import consistent_document
from journeymap.realtime.client import MapClient, Rejected
from tests.realtime.rt_helpers import session_cookie

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 30


def normalised(document: dict[str, Any]) -> dict[str, Any]:
    """The map without the workspace directory, with many-to-many id lists as sets (their
    order carries no meaning)."""
    result = {key: value for key, value in document.items() if key != "directory"}
    result["personas"] = sorted(result.get("personas", []))
    for row in result.get("frictions", []):
        row["personas"] = sorted(row["personas"])
        row["features"] = sorted(row["features"])
    return json.loads(json.dumps(result, sort_keys=True))


def random_ops(rng: random.Random, state: dict[str, Any], map_id: str) -> list[dict[str, Any]]:
    stages, lanes, cards = state["stages"], state["lanes"], state["cards"]
    choice = rng.random()
    if choice < 0.12 or not stages:
        return [
            {
                "action": "create",
                "entity": "stage",
                "id": str(uuid.uuid4()),
                "fields": {"name": f"Stage {rng.randint(1, 999)}"},
            }
        ]
    if choice < 0.45 or not cards:
        stage, lane = rng.choice(stages), rng.choice(lanes)
        ops = [
            {
                "action": "create",
                "entity": "card",
                "id": str(uuid.uuid4()),
                "fields": {
                    "stage": stage["id"],
                    "lane": lane["id"],
                    "title": f"Card {rng.randint(1, 999)}",
                },
            }
        ]
        if rng.random() < 0.3:  # a batch that refers to what it creates
            ops.append(
                {
                    "action": "update",
                    "entity": "card",
                    "id": ops[0]["id"],
                    "fields": {"description": "made in one batch"},
                }
            )
        return ops
    card = rng.choice(cards)
    if choice < 0.65:
        return [
            {
                "action": "update",
                "entity": "card",
                "id": card["id"],
                "fields": {"title": f"Renamed {rng.randint(1, 999)}", "color": "#aa3300"},
            }
        ]
    if choice < 0.82:
        stage = rng.choice(stages)
        siblings = sorted(
            c["order_key"] for c in cards if c["stage"] == stage["id"] and c["lane"] == card["lane"]
        )
        cut = rng.randint(0, len(siblings))
        low = siblings[cut - 1] if cut > 0 else None
        high = siblings[cut] if cut < len(siblings) else None
        key = generate_key_between(low, high) if low != high or low is None else None
        fields: dict[str, Any] = {"stage": stage["id"]}
        if key is not None:
            fields["order_key"] = key
        return [{"action": "move", "entity": "card", "id": card["id"], "fields": fields}]
    if choice < 0.92:
        return [{"action": "delete", "entity": "card", "id": card["id"]}]
    if choice < 0.96 and len(stages) > 1:
        return [{"action": "delete", "entity": "stage", "id": rng.choice(stages)["id"]}]
    return [
        {
            "action": "update",
            "entity": "map",
            "id": map_id,
            "fields": {"title": f"Map {rng.randint(1, 999)}"},
        }
    ]


async def editor_run(
    client: MapClient, rng: random.Random, map_id: str, acked: dict[str, int], rounds: int
) -> None:
    for _ in range(rounds):
        await asyncio.sleep(rng.uniform(0, 0.03))
        if rng.random() < 0.08:
            client.drop()  # the network goes; the client reconnects and re-sends
        assert client.state is not None
        op_id = str(uuid.uuid4())
        try:
            ack = await client.send_ops(
                random_ops(rng, client.state, map_id), op_id=op_id, applied=False, timeout=20
            )
        except Rejected as rejected:
            # Concurrent edits make some ops stale (the card was deleted meanwhile).
            assert rejected.code in ("not_found", "invalid", "conflict"), rejected
            continue
        assert ack["op_id"] == op_id
        acked[op_id] = ack["seq"]


def rest_document(base_url: str, map_id: str, cookie: str) -> dict[str, Any]:
    request = urllib.request.Request(  # noqa: S310 — our own test server
        f"{base_url}/api/maps/{map_id}/",
        headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.loads(response.read())


@pytest.mark.parametrize("seed", [7, 2026])
async def test_concurrent_editing_converges(
    rt_live_server, rt_layer, rt_map, rt_owner, rt_editor, rt_viewer, seed
):
    rng = random.Random(seed)
    map_id = str(rt_map.id)
    cookies = {
        user.username: await database_sync_to_async(session_cookie)(user)
        for user in (rt_owner, rt_editor, rt_viewer)
    }
    editors = [
        MapClient(rt_live_server, map_id, session=cookies[name])
        for name in ("rt-owner", "rt-editor", "rt-editor", "rt-owner")
    ]
    watcher = MapClient(rt_live_server, map_id, session=cookies["rt-viewer"])
    for client in (*editors, watcher):
        await client.connect()
    acked: dict[str, int] = {}
    try:
        await asyncio.gather(
            *(
                editor_run(client, random.Random(rng.random()), map_id, acked, ROUNDS)
                for client in editors
            )
        )
        final_seq = await database_sync_to_async(lambda: JourneyMap.objects.get(id=map_id).seq)()
        for client in (*editors, watcher):
            await client.wait_for_seq(final_seq, timeout=15)

        database = normalised(await database_sync_to_async(consistent_document)(map_id=map_id))
        assert database["seq"] == final_seq
        for client in (*editors, watcher):
            assert client.state is not None
            assert normalised(client.state) == database
        rest = await asyncio.to_thread(rest_document, rt_live_server, map_id, cookies["rt-viewer"])
        assert normalised(rest) == database

        logged = await database_sync_to_async(
            lambda: dict(MapOp.objects.filter(map_id=map_id).values_list("op_id", "seq"))
        )()
        assert {str(op_id): seq for op_id, seq in logged.items() if str(op_id) in acked} == acked
        assert sorted(logged.values()) == list(range(1, final_seq + 1))  # no gaps
        assert len(acked) >= ROUNDS  # the run did real work
        assert sum(client.connects for client in editors) > len(editors)  # and reconnected
    finally:
        for client in (*editors, watcher):
            await client.close()
