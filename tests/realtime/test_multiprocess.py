"""Two daphne processes on PostgreSQL + Redis: a client on each sees the other's edits and
cursor at once, concurrent edits from both converge, and the presence of a process that dies
without a goodbye expires. Skipped without PostgreSQL and Redis (REQUIRE_SERVICES=1: fails)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from journeymap.realtime import testing
from journeymap.realtime.client import MapClient
from tests.realtime.rt_helpers import running, shared_services_env, titles

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

PRESENCE_TTL = 2.0


@pytest.fixture(scope="module")
def two_servers() -> Iterator[dict[str, Any]]:
    with shared_services_env(
        PRESENCE_TTL=str(PRESENCE_TTL),
        PRESENCE_HEARTBEAT="0.5",
        PRESENCE_INTERVAL="0.05",
        LOG_LEVEL="WARNING",
    ) as env:
        seeded = testing.seed(env, editors=3)
        with running([testing.Server("daphne", env), testing.Server("daphne", env)]) as servers:
            for server in servers:
                server.wait_ready()
            yield {"servers": servers, **seeded}


def card(seeded: dict[str, Any], title: str) -> dict[str, Any]:
    return {
        "action": "create",
        "entity": "card",
        "id": str(uuid.uuid4()),
        "fields": {"stage": seeded["stage"], "lane": seeded["lane"], "title": title},
    }


async def wait_until(predicate: Any, timeout: float = 5) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError
        await asyncio.sleep(0.02)


async def test_two_processes_share_edits_and_cursors(two_servers):
    first, second = two_servers["servers"]
    map_id, sessions = two_servers["map"], two_servers["sessions"]
    a = await MapClient(first.url, map_id, session=sessions[0]).connect()
    b = await MapClient(second.url, map_id, session=sessions[1]).connect()
    try:
        ack = await a.send_ops([card(two_servers, "from A")])
        await b.wait_for_seq(ack["seq"], timeout=3)
        assert titles(b) == ["from A"]
        ack = await b.send_ops([card(two_servers, "from B")])
        await a.wait_for_seq(ack["seq"], timeout=3)
        assert sorted(titles(a)) == ["from A", "from B"]

        focus = {"entity": "stage", "id": two_servers["stage"], "field": "name"}
        await b.set_focus(focus)
        await wait_until(
            lambda: any(
                p["client_id"] == b.you["client_id"] and p["focus"] == focus for p in a.peers
            )
        )
        assert len({peer["color"] for peer in a.peers}) == 2

        # Both processes write at once: every batch reaches both sides, in seq order.
        await asyncio.gather(
            *(a.send_ops([card(two_servers, f"a{i}")], applied=False) for i in range(15)),
            *(b.send_ops([card(two_servers, f"b{i}")], applied=False) for i in range(15)),
        )
        fresh = await MapClient(second.url, map_id, session=sessions[2]).connect()
        try:
            await a.wait_for_seq(fresh.seq, timeout=5)
            await b.wait_for_seq(fresh.seq, timeout=5)
            assert fresh.seq == 32
            assert a.state == b.state == fresh.state
        finally:
            await fresh.close()
    finally:
        await a.close()
        await b.close()


async def test_presence_of_a_crashed_process_expires(two_servers):
    first, second = two_servers["servers"]
    map_id, sessions = two_servers["map"], two_servers["sessions"]
    a = await MapClient(first.url, map_id, session=sessions[0]).connect()
    b = await MapClient(second.url, map_id, session=sessions[1], reconnect=False).connect()
    try:
        await wait_until(lambda: {p["client_id"] for p in a.peers} >= {b.you["client_id"]})
        second.kill()
        started = asyncio.get_running_loop().time()
        await wait_until(lambda: b.you["client_id"] not in {p["client_id"] for p in a.peers}, 10)
        elapsed = asyncio.get_running_loop().time() - started
        assert elapsed < PRESENCE_TTL + 2, elapsed
    finally:
        await a.close()
        await b.close()
