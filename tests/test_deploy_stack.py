"""The production set-up on loopback (deploy/stack.py): nginx in front of two daphne
processes, PostgreSQL and Redis of its own. Skipped without the nginx and PostgreSQL binaries
(fails instead with REQUIRE_SERVICES=1)."""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import time
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from deploy.stack import Stack, binaries_missing
from journeymap.realtime.client import MapClient, login
from journeymap.realtime.testing import seed
from tests.realtime.rt_helpers import require_or_skip


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    missing = binaries_missing()
    if missing:
        require_or_skip(f"the loopback stack needs {', '.join(missing)}")
    with Stack(workers=2) as running:
        yield running


def fetch(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def gauge(url: str, name: str) -> float:
    status, _, body = fetch(url + "/metrics")
    assert status == 200, body
    values = {
        sample.name: sample.value
        for family in text_string_to_metric_families(body.decode())
        for sample in family.samples
    }
    return values.get(name, 0.0)


async def until(check: Any, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not reached"
        await asyncio.sleep(0.1)


def test_health_and_static_files_through_nginx(stack: Stack) -> None:
    status, headers, body = fetch(stack.base_url + "/health/")
    assert status == 200
    assert json.loads(body)["checks"] == {"Database": "ok", "Cache": "ok"}

    status, _, page = fetch(stack.base_url + "/login/")
    assert status == 200
    script = re.search(rb'src="(/static/[^"]+\.js)"', page)
    assert script is not None, page[:500]
    status, headers, asset = fetch(stack.base_url + script.group(1).decode())
    assert status == 200 and asset
    # Only nginx's /static/ location says this: the app's whitenoise never saw the request.
    assert "immutable" in headers.get("Cache-Control", "")


def test_edit_through_nginx_and_survive_a_killed_worker(stack: Stack) -> None:
    password = secrets.token_urlsafe(12)
    board = seed(stack.env, editors=3, password=password)
    sessions = [login(stack.base_url, name, password) for name in board["usernames"]]
    asyncio.run(_edit_and_kill(stack, board, sessions))


async def _edit_and_kill(stack: Stack, board: dict[str, Any], sessions: list[str]) -> None:
    base, map_id = stack.base_url, board["map"]
    metrics_url = stack.workers[1].url  # any process answers for all of them
    patches_before = gauge(metrics_url, "journeymap_patches_total")
    # Round-robin: the two sockets land on different processes, so the patch crosses Redis.
    first = await MapClient(base, map_id, session=sessions[0]).connect()
    second = await MapClient(base, map_id, session=sessions[1]).connect()
    clients = [first, second]
    try:
        assert gauge(metrics_url, "journeymap_live_sockets") == 2
        card = {
            "action": "create",
            "entity": "card",
            "id": str(uuid.uuid4()),
            "fields": {"stage": board["stage"], "lane": board["lane"], "title": "Via nginx"},
        }
        ack = await first.send_ops([card])
        await second.wait_for_seq(ack["seq"])
        assert second.state is not None
        assert [c["title"] for c in second.state["cards"]] == ["Via nginx"]
        assert gauge(metrics_url, "journeymap_patches_total") == patches_before + 1

        stack.workers[0].kill()
        assert not stack.workers[0].alive
        # New connections go to the survivor (nginx skips the dead one after one failure).
        for _ in range(3):
            assert fetch(base + "/health/")[0] == 200
        third = await MapClient(base, map_id, session=sessions[2]).connect()
        clients.append(third)
        rename = {"action": "update", "entity": "map", "id": map_id, "fields": {"title": "Up"}}
        await third.send_ops([rename])
        await until(lambda: first.state is not None and first.state["title"] == "Up", 20)
    finally:
        for client in clients:
            await client.close()
    # The killed process's sockets stop counting too, though it never said goodbye.
    survivor = stack.workers[1].url
    await until(lambda: gauge(survivor, "journeymap_live_sockets") == 0)
