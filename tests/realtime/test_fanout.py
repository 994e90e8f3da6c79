"""The fan-out path on its own (no database, no server): order, isolation between sockets,
slow and broken sockets, and the per-map reorder of batches that arrive early."""

from __future__ import annotations

import asyncio
import uuid
from types import SimpleNamespace
from typing import Any

import pytest

from journeymap.realtime import eager
from journeymap.realtime.access import Principal
from journeymap.realtime.connection import Conn
from journeymap.realtime.hub import get_hub
from journeymap.realtime.room import REORDER_WAIT


@pytest.fixture(autouse=True)
def quiet_room_loops(settings: Any) -> None:
    settings.ACCESS_POLL_INTERVAL = 60  # these tests have no database to poll
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    settings.REDIS_URL = ""


# --- eager start -----------------------------------------------------------------------------


async def test_eager_start_runs_a_coroutine_that_never_waits_inline() -> None:
    seen = []

    async def quick() -> None:
        seen.append("ran")

    assert eager.start(quick()) is None
    assert seen == ["ran"]


async def test_eager_start_hands_back_the_rest_of_a_coroutine_that_waits() -> None:
    gate = asyncio.Event()
    steps = []

    async def slow() -> str:
        steps.append("before")
        await gate.wait()
        steps.append("after")
        return "done"

    rest = eager.start(slow())
    assert rest is not None and steps == ["before"]
    task = asyncio.ensure_future(rest)
    await asyncio.sleep(0)
    gate.set()
    assert await task == "done"
    assert steps == ["before", "after"]


async def test_eager_start_propagates_errors_and_cancellation() -> None:
    async def broken() -> None:
        raise ConnectionError("gone")

    with pytest.raises(ConnectionError):
        eager.start(broken())

    cleaned = []

    async def waits_forever() -> None:
        try:
            await asyncio.Event().wait()
        finally:
            cleaned.append(True)

    rest = eager.start(waits_forever())
    assert rest is not None
    task = asyncio.ensure_future(rest)
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert cleaned == [True]


# --- sockets ---------------------------------------------------------------------------------


def principal() -> Principal:
    return Principal(
        role="editor",
        user=SimpleNamespace(pk=1),
        workspace_id=uuid.uuid4(),
        info={"id": "1", "name": "Test"},
    )


class FakeSocket:
    """An ASGI send that records frames; can be made to stall or to fail."""

    def __init__(self) -> None:
        self.frames: list[str] = []  # everything but presence
        self.messages: list[dict[str, Any]] = []
        self.gate: asyncio.Event | None = None
        self.broken = False

    async def send(self, message: dict[str, Any]) -> None:
        if self.broken:
            raise ConnectionResetError("client went away")
        if self.gate is not None:
            await self.gate.wait()
        text = message.get("text", message["type"])
        if not text.startswith('{"type":"presence"'):
            self.frames.append(text)
        self.messages.append(message)


def patch(seq: int) -> dict[str, Any]:
    return {"type": "websocket.send", "text": f"patch {seq}"}


async def live_conn(sock: FakeSocket, map_id: str) -> Conn:
    conn = Conn(sock.send, client_id=uuid.uuid4().hex, principal=principal())
    await get_hub().join(conn, map_id)
    conn.begin_sync()
    conn.end_sync(0, "hello answer")
    return conn


async def test_a_stalled_socket_does_not_hold_up_the_others_and_keeps_its_order() -> None:
    map_id = str(uuid.uuid4())
    fast, stalled = FakeSocket(), FakeSocket()
    await live_conn(fast, map_id)
    await live_conn(stalled, map_id)
    stalled.gate = asyncio.Event()
    room = get_hub().rooms[map_id]
    for seq in (1, 2, 3):
        room.on_patch(seq, patch(seq))
    assert fast.frames == ["hello answer", "patch 1", "patch 2", "patch 3"]
    assert stalled.frames == ["hello answer"]
    stalled.gate.set()
    await asyncio.sleep(0.01)
    assert stalled.frames == ["hello answer", "patch 1", "patch 2", "patch 3"]


async def test_a_socket_that_never_reads_is_cut_off_at_the_backlog_limit(settings: Any) -> None:
    settings.WS_MAX_BACKLOG = 5
    map_id = str(uuid.uuid4())
    fast, stuck = FakeSocket(), FakeSocket()
    await live_conn(fast, map_id)
    stuck_conn = await live_conn(stuck, map_id)
    stuck.gate = asyncio.Event()
    room = get_hub().rooms[map_id]
    for seq in range(1, 10):
        room.on_patch(seq, patch(seq))
    assert stuck_conn.ended.done() and stuck_conn.close_code == 4008
    assert stuck_conn not in room.targets
    assert len(fast.frames) == 10


async def test_a_broken_socket_is_dropped_without_affecting_the_others() -> None:
    map_id = str(uuid.uuid4())
    good, bad = FakeSocket(), FakeSocket()
    await live_conn(good, map_id)
    bad_conn = await live_conn(bad, map_id)
    bad.broken = True
    room = get_hub().rooms[map_id]
    room.on_patch(1, patch(1))
    room.on_patch(2, patch(2))
    assert bad_conn.ended.done() and bad_conn not in room.targets
    assert good.frames[-2:] == ["patch 1", "patch 2"]


async def test_one_message_object_is_handed_to_every_socket() -> None:
    """Encoded once: the fan-out passes the same pre-encoded message to each send."""
    map_id = str(uuid.uuid4())
    sockets = [FakeSocket() for _ in range(5)]
    for sock in sockets:
        await live_conn(sock, map_id)
    message = patch(1)
    get_hub().rooms[map_id].on_patch(1, message)
    assert all(sock.messages[-1] is message for sock in sockets)


# --- ordering --------------------------------------------------------------------------------


async def test_an_early_batch_waits_for_its_predecessor() -> None:
    map_id = str(uuid.uuid4())
    sock = FakeSocket()
    await live_conn(sock, map_id)
    room = get_hub().rooms[map_id]
    room.on_patch(1, patch(1))
    room.on_patch(3, patch(3))  # 2 is still on its way from another process
    assert sock.frames[-1] == "patch 1"
    room.on_patch(2, patch(2))
    room.on_patch(2, patch(2))  # a duplicate is dropped
    assert sock.frames[1:] == ["patch 1", "patch 2", "patch 3"]


async def test_a_lost_batch_is_skipped_after_the_reorder_wait() -> None:
    map_id = str(uuid.uuid4())
    sock = FakeSocket()
    await live_conn(sock, map_id)
    room = get_hub().rooms[map_id]
    room.on_patch(1, patch(1))
    room.on_patch(3, patch(3))
    await asyncio.sleep(REORDER_WAIT + 0.05)
    # The client sees the gap (no 2) and catches up from the op log.
    assert sock.frames[1:] == ["patch 1", "patch 3"]


async def test_patches_arriving_while_a_hello_is_answered_follow_the_answer() -> None:
    map_id = str(uuid.uuid4())
    sock = FakeSocket()
    conn = Conn(sock.send, client_id="c", principal=principal())
    room = await get_hub().join(conn, map_id)
    room.on_patch(5, patch(5))  # before hello: no base state yet, so not sent
    conn.begin_sync()
    room.on_patch(6, patch(6))
    room.on_patch(7, patch(7))
    conn.end_sync(6, "snapshot at 6")  # the snapshot already holds 6
    room.on_patch(8, patch(8))
    assert sock.frames == ["snapshot at 6", "patch 7", "patch 8"]
