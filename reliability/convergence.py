"""Scenario 2: convergence under concurrency, through nginx, on two processes.

Six clients (split by nginx over both daphne processes) edit one map with the shared seeded
generator of conflicting batches (tests/realtime/generators.py `random_ops`: the same field,
a delete against an update, moves, cascades), with random pauses and random disconnects
(`MapClient.drop()` cuts the TCP connection as a lost network would). Afterwards every
client's copy must equal a fresh GET /api/maps/<id>/."""

from __future__ import annotations

import asyncio
import random
from typing import Any

from journeymap.realtime.client import MapClient, Rejected
from tests.realtime.generators import random_ops

from .common import Api, normalised
from .seeding import seed
from .table import Row, progress

CLIENTS = 6


async def _client_loop(
    client: MapClient, rng: random.Random, map_id: str, batches: int, tally: dict[str, int]
) -> None:
    for _ in range(batches):
        await asyncio.sleep(rng.uniform(0.0, 0.15))
        if rng.random() < 0.03:
            client.drop()
            tally["disconnects"] += 1
        if client.state is None:
            continue
        ops = random_ops(rng, client.state, map_id)
        try:
            await client.send_ops(ops, timeout=60, applied=False)
            tally["accepted"] += 1
        except Rejected:
            tally["rejected"] += 1
        except Exception as error:
            tally["failed"] += 1
            progress(f"a batch failed: {error!r}")


async def _scenario(stack: Any, seed_value: int, batches: int) -> list[Row]:
    seeded = seed(stack, maps=1, editors=CLIENTS)
    map_id = seeded["maps"][0]["id"]
    api = Api(stack.base_url, token=seeded["owner"]["token"])
    rng = random.Random(seed_value)  # noqa: S311 — seeded, to replay a run
    clients = []
    for user in seeded["users"]:
        clients.append(await MapClient(stack.base_url, map_id, session=user["session"]).connect(30))
    tally = {"accepted": 0, "rejected": 0, "failed": 0, "disconnects": 0}
    await asyncio.gather(
        *(
            _client_loop(client, random.Random(rng.getrandbits(32)), map_id, batches, tally)  # noqa: S311
            for client in clients
        )
    )
    document = await asyncio.to_thread(api.document, map_id)
    equal = 0
    for client in clients:
        try:
            await client.wait_for_seq(document["seq"], timeout=30)
        except TimeoutError:
            pass
        if client.state is not None and normalised(client.state) == normalised(document):
            equal += 1
    for client in clients:
        await client.close()
    sent = tally["accepted"] + tally["rejected"] + tally["failed"]
    return [
        Row(
            "2",
            "conflicting edits, delays, disconnects: every client ends with the server's document",
            f"{sent} batches from {CLIENTS} clients ({tally['accepted']} applied, "
            f"{tally['rejected']} rejected as conflicts, {tally['failed']} failed), "
            f"{tally['disconnects']} disconnects, seq {document['seq']}; "
            f"{equal}/{CLIENTS} clients equal to GET",
            "all equal, 0 failed",
            equal == CLIENTS and tally["failed"] == 0,
        )
    ]


def convergence(stack: Any, seed_value: int, quick: bool) -> list[Row]:
    return asyncio.run(_scenario(stack, seed_value, 60 if quick else 200))
