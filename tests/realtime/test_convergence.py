"""Seeded convergence: several clients edit one map at once with conflicting batches
(tests/realtime/generators.py: the same field of the same item, a delete against an update,
one card moved to different places, stage and lane deletes cascading under others' edits),
with random delays, connections dropped between and in the middle of batches, and reconnects —
through the real server and the Python client. At the end every client's map equals the database's and the REST
document, and every acknowledged batch is in the op log at the seq its ack named."""

from __future__ import annotations

import asyncio
import json
import os
import random
import urllib.error
import urllib.request
import uuid
from collections import Counter
from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.db import connections

from journeymap.maps.models import JourneyMap, MapOp
from journeymap.maps.services.versions import consistent_document
from journeymap.realtime.client import MapClient, Rejected
from tests.realtime.generators import random_ops
from tests.realtime.rt_helpers import session_cookie

pytestmark = pytest.mark.django_db(transaction=True)

# Batches per editor. `make test` runs a quick case per database and layer; the long run
# (JM_FUZZ_ROUNDS=500, with other seeds in JM_FUZZ_SEEDS) goes much further.
ROUNDS = int(os.environ.get("JM_FUZZ_ROUNDS", "15"))
SEEDS = [int(seed) for seed in os.environ.get("JM_FUZZ_SEEDS", "2026").split(",")]
DROP_MID_BATCH = 0.1


def normalised(document: dict[str, Any]) -> dict[str, Any]:
    """The map without the workspace directory, with many-to-many id lists as sets (their
    order carries no meaning)."""
    result = {key: value for key, value in document.items() if key != "directory"}
    result["personas"] = sorted(result.get("personas", []))
    for row in result.get("frictions", []):
        row["personas"] = sorted(row["personas"])
        row["features"] = sorted(row["features"])
    return json.loads(json.dumps(result, sort_keys=True))


@pytest.fixture
async def kept_connection(settings: Any) -> Any:
    """The live layer's database thread keeps its connection, as outside tests
    (REALTIME_CONN_MAX_AGE=300), instead of one PostgreSQL connection per batch; closed at
    the end so the test database can be flushed and dropped."""
    settings.REALTIME_CONN_MAX_AGE = 300
    yield
    settings.REALTIME_CONN_MAX_AGE = 0  # any later call closes its connection too
    await database_sync_to_async(connections.close_all)()


async def send_batch(
    client: MapClient, rng: random.Random, ops: list[dict[str, Any]], op_id: str
) -> dict[str, Any]:
    """Send a batch; sometimes cut the connection while it is in flight — before it left,
    before it was applied or before its ack came back. The client re-sends it on reconnect
    with the same op_id, which the server answers with the first result."""
    sending = asyncio.ensure_future(client.send_ops(ops, op_id=op_id, applied=False, timeout=20))
    if rng.random() < DROP_MID_BATCH:
        await asyncio.sleep(rng.uniform(0, 0.01))
        client.drop()
    return await sending


async def editor_run(
    client: MapClient,
    rng: random.Random,
    map_id: str,
    acked: dict[str, int],
    refused: Counter[str],
    rounds: int,
) -> None:
    async def one(ops: list[dict[str, Any]]) -> None:
        op_id = str(uuid.uuid4())
        try:
            ack = await send_batch(client, rng, ops, op_id)
        except Rejected as rejected:
            # Concurrent edits make some ops stale (the card was deleted meanwhile).
            assert rejected.code in ("not_found", "invalid", "conflict"), rejected
            refused[str(rejected.code)] += 1
            return
        assert ack["op_id"] == op_id
        acked[op_id] = ack["seq"]

    done = 0
    while done < rounds:
        await asyncio.sleep(rng.uniform(0, 0.03))
        if rng.random() < 0.05:
            client.drop()  # the network goes between batches
        assert client.state is not None
        # Up to three batches from the same state, in flight together: they and the other
        # clients' batches race for the same items.
        burst = [random_ops(rng, client.state, map_id) for _ in range(rng.randint(1, 3))]
        await asyncio.gather(*(one(ops) for ops in burst))
        done += len(burst)


def rest_document(base_url: str, map_id: str, cookie: str) -> dict[str, Any]:
    request = urllib.request.Request(  # noqa: S310 — our own test server
        f"{base_url}/api/maps/{map_id}/",
        headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        return json.loads(response.read())


@pytest.mark.parametrize("seed", SEEDS)
async def test_concurrent_editing_converges(
    rt_live_server, rt_layer, rt_map, rt_owner, rt_editor, rt_viewer, seed, kept_connection
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
    refused: Counter[str] = Counter()
    try:
        await asyncio.gather(
            *(
                editor_run(client, random.Random(rng.random()), map_id, acked, refused, ROUNDS)
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
        print(f"\nseed {seed}: {len(acked)} batches acked, refused {dict(refused)}")
        assert len(acked) >= ROUNDS  # the run did real work
        assert sum(client.connects for client in editors) > len(editors)  # and reconnected
    finally:
        for client in (*editors, watcher):
            await client.close()
