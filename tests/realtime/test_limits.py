"""No viewer or share holder can slow everyone: per-socket rates, a cap on sockets per
principal, snapshots built once per (map, seq), and readers refused without the database."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from typing import Any

import pytest

from journeymap.realtime import access as rt_access
from journeymap.realtime import consumer
from tests.realtime.rt_helpers import Closed, card_op

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("rt_layer")]


async def test_hello_over_its_rate_is_refused_and_the_socket_stays_usable(
    rt_connect, rt_editor, rt_board, settings
):
    settings.WS_HELLO_RATE, settings.WS_HELLO_BURST = 1.0, 3.0
    editor = await rt_connect(rt_editor)
    for _ in range(3):
        assert (await editor.hello(None))["type"] == "snapshot"
    await editor.send({"type": "hello", "last_seq": None, "protocol": 2})
    limited = await editor.expect("error")
    assert limited["code"] == "rate_limited" and 0 < limited["retry_after"] <= 1.0
    await editor.send({"type": "ping"})
    assert (await editor.expect("pong")) == {"type": "pong"}
    assert (await editor.ops([card_op(rt_board)]))["type"] == "ack"
    await asyncio.sleep(limited["retry_after"])
    assert (await editor.hello(None))["type"] == "snapshot"


async def test_ops_and_presence_over_their_rate_are_refused(
    rt_connect, rt_editor, rt_board, settings
):
    settings.WS_OPS_RATE, settings.WS_OPS_BURST = 0.5, 1.0
    settings.WS_PRESENCE_RATE, settings.WS_PRESENCE_BURST = 0.5, 1.0
    editor = await rt_connect(rt_editor)
    assert (await editor.ops([card_op(rt_board)]))["type"] == "ack"
    op_id = str(uuid.uuid4())
    limited = await editor.ops([card_op(rt_board)], op_id=op_id)
    assert limited["type"] == "error" and limited["code"] == "rate_limited"
    assert limited["op_id"] == op_id
    focus = {"entity": "stage", "id": rt_board["stage"]}
    await editor.send({"type": "presence", "focus": focus})
    await editor.send({"type": "presence", "focus": None})
    assert (await editor.expect("error"))["code"] == "rate_limited"


async def test_a_principal_may_open_only_so_many_sockets_on_a_map(
    rt_connect, rt_editor, rt_owner, rt_share_token, settings
):
    settings.WS_MAX_SOCKETS_PER_USER = 2
    settings.WS_MAX_SOCKETS_PER_SHARE_LINK = 3
    first, second = await rt_connect(rt_editor), await rt_connect(rt_editor)
    for sock in (first, second):  # answered: joined (the handshake completes before that)
        await sock.hello(None)
    third = await rt_connect(rt_editor)
    assert (await third.expect("error"))["code"] == "too_many_sockets"
    assert await third.closed() == 4429
    # Someone else is not affected, and a closed socket frees its place.
    assert (await (await rt_connect(rt_owner)).hello(None))["type"] == "snapshot"
    await first.close()
    await asyncio.sleep(0.05)
    assert (await (await rt_connect(rt_editor)).hello(None))["type"] == "snapshot"
    guests = [await rt_connect(share=rt_share_token) for _ in range(3)]
    for guest in guests:
        assert (await guest.hello(None))["type"] == "snapshot"
    extra = await rt_connect(share=rt_share_token)
    with pytest.raises(Closed) as closed:
        await extra.next()
        await extra.next()
    assert closed.value.code == 4429


async def test_readers_ops_are_refused_without_a_database_call(
    rt_connect, rt_viewer, rt_share_token, rt_board, monkeypatch
):
    viewer, guest = await rt_connect(rt_viewer), await rt_connect(share=rt_share_token)
    await viewer.hello(None)
    await guest.hello(None)
    calls: list[Any] = []

    def counting_db(func: Any) -> Any:
        calls.append(func)
        raise AssertionError("a reader's op reached the database")

    monkeypatch.setattr(consumer, "db", counting_db)
    for sock in (viewer, guest):
        for _ in range(5):
            reject = await sock.ops([card_op(rt_board)])
            assert reject["type"] == "reject" and reject["code"] == "forbidden"
    assert calls == []


async def test_a_snapshot_is_built_once_per_map_seq_and_kind(
    rt_connect, rt_owner, rt_editor, rt_viewer, rt_share_token, rt_board, monkeypatch
):
    builds: list[Any] = []
    real = rt_access.consistent_document

    def counting(**kwargs: Any) -> Any:
        builds.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(rt_access, "consistent_document", counting)
    members = [await rt_connect(user) for user in (rt_owner, rt_editor, rt_viewer)]
    guests = [await rt_connect(share=rt_share_token) for _ in range(5)]
    answers = [await sock.hello(None) for sock in [*members, *guests, *members, *guests]]
    assert {answer["seq"] for answer in answers} == {0}
    assert len(builds) == 2  # one member document, one share document
    assert answers[0]["map"] == answers[1]["map"] != answers[3]["map"]
    assert len({answer["you"]["client_id"] for answer in answers}) == 8
    # A new batch is a new seq: one more build per kind, served without the database after.
    await members[1].ops([card_op(rt_board)])
    for guest in guests:
        await guest.expect("patch")
        assert (await guest.hello(None))["seq"] == 1
    assert len(builds) == 3


async def test_share_sockets_flooding_hello_do_not_hold_up_an_editor(
    rt_connect, rt_editor, rt_share_token, rt_board, settings
):
    settings.WS_HELLO_RATE, settings.WS_HELLO_BURST = 2.0, 5.0
    guests = [await rt_connect(share=rt_share_token) for _ in range(20)]
    editor = await rt_connect(rt_editor)
    await editor.hello(None)
    got: list[Counter[str]] = [Counter() for _ in guests]
    stop = asyncio.Event()

    async def flood(guest: Any, counts: Counter[str]) -> None:
        while not stop.is_set():
            await guest.send({"type": "hello", "last_seq": 0, "protocol": 2})
            while not guest.comm.output_queue.empty():
                frame = await guest.frame()
                counts[frame.get("code") or frame["type"]] += 1
            await asyncio.sleep(0.002)

    flooders = [asyncio.ensure_future(flood(g, c)) for g, c in zip(guests, got, strict=True)]
    try:
        started = asyncio.get_running_loop().time()
        for number in range(20):
            answer = await editor.ops([card_op(rt_board, f"card {number}")])
            assert answer["type"] == "ack", answer
        took = asyncio.get_running_loop().time() - started
    finally:
        stop.set()
        await asyncio.gather(*flooders)
    assert took < 10, took
    for counts in got:
        # Each flooder was told, and answered no more than its burst and its rate allow.
        assert counts["rate_limited"] >= 1, counts
        assert counts["snapshot"] <= 5 + 2 * (took + 1), counts
        assert set(counts) <= {"snapshot", "patch", "presence", "rate_limited"}, counts
