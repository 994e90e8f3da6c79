"""The live layer under each server it supports, as real processes: daphne (the default),
uvicorn (sans-I/O WebSocket protocol) and uvicorn with the `websockets` library protocol —
the one whose send can wait, which the fan-out must survive."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from journeymap.realtime import testing
from journeymap.realtime.client import AccessDenied, MapClient, login
from tests.realtime.rt_helpers import titles

PASSWORD = "live-layer-pw-7"


@pytest.fixture(scope="module")
def sqlite_template() -> Iterator[tuple[Path, dict[str, Any]]]:
    folder = Path(tempfile.mkdtemp(prefix="jm-servers-"))
    env = testing.environment(DATABASE_URL=f"sqlite:///{folder}/db.sqlite3")
    env.pop("REDIS_URL", None)
    testing.migrate(env)
    seeded = testing.seed(env, editors=2, password=PASSWORD)
    yield folder / "db.sqlite3", seeded
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("kind", ["daphne", "uvicorn", "uvicorn-websockets"])
async def test_editing_under_each_server(kind: str, sqlite_template: Any) -> None:
    template, seeded = sqlite_template
    folder = Path(tempfile.mkdtemp(prefix=f"jm-{kind}-"))
    shutil.copy(template, folder / "db.sqlite3")
    env = testing.environment(DATABASE_URL=f"sqlite:///{folder}/db.sqlite3")
    env.pop("REDIS_URL", None)
    server = testing.Server(kind, env).wait_ready()
    clients: list[MapClient] = []
    try:
        for session in seeded["sessions"]:
            clients.append(await MapClient(server.url, seeded["map"], session=session).connect())
        a, b = clients
        card = {
            "action": "create",
            "entity": "card",
            "id": str(uuid.uuid4()),
            "fields": {"stage": seeded["stage"], "lane": seeded["lane"], "title": kind},
        }
        ack = await a.send_ops([card])
        await b.wait_for_seq(ack["seq"], timeout=5)
        assert titles(b) == [kind]
        a.drop()  # a lost connection heals by itself and the map stays in step
        update = {"action": "update", "entity": "card", "id": card["id"], "fields": {"title": "ok"}}
        ack = await b.send_ops([update])
        await a.wait_for_seq(ack["seq"], timeout=10)
        assert a.state == b.state and a.connects == 2
        stranger = MapClient(server.url, seeded["map"], session="not-a-session")
        with pytest.raises(AccessDenied):
            await stranger.connect()
        # An integrator signs in with a password and scripts an edit.
        session = await asyncio.to_thread(login, server.url, seeded["usernames"][0], PASSWORD)
        async with MapClient(server.url, seeded["map"], session=session) as scripted:
            assert scripted.seq == a.seq and scripted.you["role"] == "editor"
    finally:
        for client in clients:
            await client.close()
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("kind", ["daphne", "uvicorn"])
async def test_frames_past_64_kib_arrive_whole_under_each_server(
    kind: str, sqlite_template: Any
) -> None:
    # A patch or a snapshot over 65,535 bytes takes the 8-byte length of RFC 6455 §5.2, and
    # more than the kernel may take in one send: under daphne both go through the
    # pre-framed writer (wire.py), which must frame and finish them like autobahn would.
    template, seeded = sqlite_template
    folder = Path(tempfile.mkdtemp(prefix=f"jm-big-{kind}-"))
    shutil.copy(template, folder / "db.sqlite3")
    env = testing.environment(DATABASE_URL=f"sqlite:///{folder}/db.sqlite3")
    env.pop("REDIS_URL", None)
    server = testing.Server(kind, env).wait_ready()
    try:
        a_session, b_session = seeded["sessions"]
        async with (
            MapClient(server.url, seeded["map"], session=a_session) as a,
            MapClient(server.url, seeded["map"], session=b_session) as b,
        ):
            ops = [
                {
                    "action": "create",
                    "entity": "card",
                    "id": str(uuid.uuid4()),
                    "fields": {
                        "stage": seeded["stage"],
                        "lane": seeded["lane"],
                        "title": f"{number:03d} ü " + "x" * 280,
                    },
                }
                for number in range(240)
            ]
            ack = await a.send_ops(ops)
            await b.wait_for_seq(ack["seq"], timeout=10)
            assert len(titles(b)) == 240 and titles(b) == titles(a)
            async with MapClient(server.url, seeded["map"], session=b_session) as late:
                assert late.seq == ack["seq"] and late.state == a.state
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
