"""The map socket, message by message: every type, every reject code, who may connect."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from journeymap.maps.models import Card, JourneyMap, MapOp
from journeymap.maps.services.ops import apply_ops
from journeymap.workspaces.models import Membership, ShareLink
from tests.realtime.rt_helpers import card_op

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("rt_layer")]


@database_sync_to_async
def db_seq(map_id: Any) -> int:
    return JourneyMap.objects.get(id=map_id).seq


@database_sync_to_async
def card_titles(map_id: Any) -> list[str]:
    return sorted(Card.objects.filter(map_id=map_id).values_list("title", flat=True))


# --- hello, snapshot, catch-up ---------------------------------------------------------------


async def test_hello_without_seq_gets_the_whole_map(rt_connect, rt_owner, rt_map, rt_board):
    sock = await rt_connect(rt_owner)
    snapshot = await sock.hello(None)
    assert snapshot["type"] == "snapshot"
    assert snapshot["seq"] == 0
    assert snapshot["map"]["id"] == str(rt_map.id)
    assert [stage["id"] for stage in snapshot["map"]["stages"]] == [rt_board["stage"]]
    assert snapshot["you"]["role"] == "owner"
    assert snapshot["you"]["user"]["name"] == "Olga Owner"


async def test_hello_with_recent_seq_gets_the_missed_patches_in_order(
    rt_connect, rt_owner, rt_editor, rt_board
):
    editor = await rt_connect(rt_editor)
    for title in ("one", "two", "three"):
        assert (await editor.ops([card_op(rt_board, title)]))["type"] == "ack"
    owner = await rt_connect(rt_owner)
    catchup = await owner.hello(1)
    assert catchup["type"] == "catchup"
    assert catchup["seq"] == 3
    assert [patch["seq"] for patch in catchup["patches"]] == [2, 3]
    assert [p["ops"][0]["fields"]["title"] for p in catchup["patches"]] == ["two", "three"]
    assert catchup["patches"][0]["actor"]["name"] == "Ed Editor"
    up_to_date = await owner.hello(3)
    assert up_to_date == {**up_to_date, "type": "catchup", "seq": 3, "patches": []}


async def test_hello_too_old_or_ahead_gets_a_snapshot(rt_connect, rt_owner, rt_board, settings):
    settings.CATCHUP_WINDOW = 2
    sock = await rt_connect(rt_owner)
    for title in ("a", "b", "c", "d"):
        await sock.ops([card_op(rt_board, title)])
    too_old = await sock.hello(1)
    assert too_old["type"] == "snapshot" and too_old["seq"] == 4
    assert sorted(card["title"] for card in too_old["map"]["cards"]) == ["a", "b", "c", "d"]
    within = await sock.hello(2)
    assert within["type"] == "catchup" and [p["seq"] for p in within["patches"]] == [3, 4]
    ahead = await sock.hello(99)
    assert ahead["type"] == "snapshot" and ahead["seq"] == 4


# --- ops, ack, patch -------------------------------------------------------------------------


async def test_ops_are_acked_after_commit_and_patched_to_everyone(
    rt_connect, rt_owner, rt_editor, rt_map, rt_board
):
    owner, editor = await rt_connect(rt_owner), await rt_connect(rt_editor)
    await owner.hello(None)
    await editor.hello(None)
    op = card_op(rt_board, "Compare plans")
    op_id = str(uuid.uuid4())
    await editor.send({"type": "ops", "op_id": op_id, "ops": [op]})
    frames = [await editor.next(), await editor.next()]
    ack = next(frame for frame in frames if frame["type"] == "ack")
    patch = next(frame for frame in frames if frame["type"] == "patch")
    assert ack == {"type": "ack", "op_id": op_id, "seq": 1}
    assert patch["seq"] == 1 and patch["op_id"] == op_id
    assert patch["actor"] == {"id": str(rt_editor.pk), "name": "Ed Editor"}
    assert patch["ops"][0]["fields"]["title"] == "Compare plans"
    assert (await owner.expect("patch")) == patch
    # The ack means durable: the row and the log entry are there.
    assert await card_titles(rt_map.id) == ["Compare plans"]
    assert await database_sync_to_async(MapOp.objects.filter(map=rt_map, seq=1).exists)()


async def test_resending_an_acked_op_id_is_harmless(rt_connect, rt_editor, rt_map, rt_board):
    editor = await rt_connect(rt_editor)
    await editor.hello(None)
    op_id = str(uuid.uuid4())
    op = card_op(rt_board)
    first = await editor.ops([op], op_id=op_id)
    second = await editor.ops([op], op_id=op_id)
    assert first == second == {"type": "ack", "op_id": op_id, "seq": 1}
    assert await db_seq(rt_map.id) == 1
    assert await card_titles(rt_map.id) == ["Sign up"]


async def test_patches_from_other_paths_are_broadcast(
    rt_connect, rt_owner, rt_editor, rt_map, rt_board
):
    """A batch committed outside any socket (REST, an import, a restore) reaches sockets."""
    owner = await rt_connect(rt_owner)
    await owner.hello(None)
    await database_sync_to_async(apply_ops)(
        map_id=rt_map.id, actor=rt_editor, op_id=uuid.uuid4(), ops=[card_op(rt_board, "REST")]
    )
    patch = await owner.expect("patch")
    assert patch["seq"] == 1 and patch["ops"][0]["fields"]["title"] == "REST"


async def test_no_patches_before_hello_then_a_clean_stream(
    rt_connect, rt_owner, rt_editor, rt_board
):
    owner, editor = await rt_connect(rt_owner), await rt_connect(rt_editor)
    await editor.ops([card_op(rt_board, "early")])
    await owner.nothing(0.2)
    snapshot = await owner.hello(None)
    assert snapshot["seq"] == 1
    await editor.ops([card_op(rt_board, "late")])
    assert (await owner.expect("patch"))["seq"] == 2


# --- rejects: each code, and nothing changes -------------------------------------------------


async def test_reject_invalid(rt_connect, rt_editor, rt_map, rt_board):
    editor = await rt_connect(rt_editor)
    bad = card_op(rt_board, "x", color="purple")
    reject = await editor.ops([card_op(rt_board, "fine"), bad])
    assert reject["type"] == "reject" and reject["code"] == "invalid"
    assert reject["index"] == 1 and reject["field"] == "color"
    assert await card_titles(rt_map.id) == [] and await db_seq(rt_map.id) == 0


async def test_reject_not_found(rt_connect, rt_editor, rt_map):
    editor = await rt_connect(rt_editor)
    missing = {
        "action": "update",
        "entity": "card",
        "id": str(uuid.uuid4()),
        "fields": {"title": "?"},
    }
    reject = await editor.ops([missing])
    assert reject["code"] == "not_found" and reject["index"] == 0
    assert await db_seq(rt_map.id) == 0


async def test_reject_conflict(rt_connect, rt_owner, rt_editor, rt_map, rt_board):
    editor, owner = await rt_connect(rt_editor), await rt_connect(rt_owner)
    op = card_op(rt_board)
    assert (await editor.ops([op]))["type"] == "ack"
    duplicate_id = {**op, "id": op["id"]}
    assert (await editor.ops([duplicate_id]))["code"] == "conflict"
    # An op_id already used by someone else is a conflict too, not a silent success.
    used = await database_sync_to_async(lambda: str(MapOp.objects.get(map=rt_map).op_id))()
    reject = await owner.ops([card_op(rt_board, "mine")], op_id=used)
    assert reject["code"] == "conflict"
    assert await db_seq(rt_map.id) == 1


async def test_viewer_is_forbidden_every_op(rt_connect, rt_viewer, rt_map, rt_board):
    viewer = await rt_connect(rt_viewer)
    snapshot = await viewer.hello(None)
    assert snapshot["you"]["role"] == "viewer"
    attempts = [
        [card_op(rt_board)],
        [{"action": "update", "entity": "map", "id": str(rt_map.id), "fields": {"title": "Mine"}}],
        [{"action": "delete", "entity": "stage", "id": rt_board["stage"]}],
    ]
    for ops in attempts:
        reject = await viewer.ops(ops)
        assert reject["type"] == "reject" and reject["code"] == "forbidden"
    assert await db_seq(rt_map.id) == 0
    assert (
        await database_sync_to_async(JourneyMap.objects.get)(id=rt_map.id)
    ).title == "Onboarding"


async def test_share_link_is_read_only_but_sees_everything(
    rt_connect, rt_share_token, rt_editor, rt_map, rt_board
):
    guest = await rt_connect(share=rt_share_token)
    snapshot = await guest.hello(None)
    assert snapshot["you"]["role"] == "share" and snapshot["map"]["id"] == str(rt_map.id)
    reject = await guest.ops([card_op(rt_board)])
    assert reject["type"] == "reject" and reject["code"] == "forbidden"
    assert await db_seq(rt_map.id) == 0
    editor = await rt_connect(rt_editor)
    await editor.ops([card_op(rt_board, "visible")])
    assert (await guest.expect("patch"))["ops"][0]["fields"]["title"] == "visible"


async def test_share_link_wins_over_a_session_cookie(
    rt_connect, rt_share_token, rt_owner, rt_board
):
    sock = await rt_connect(rt_owner, share=rt_share_token)
    assert (await sock.hello(None))["you"]["role"] == "share"
    assert (await sock.ops([card_op(rt_board)]))["code"] == "forbidden"


# --- who may connect -------------------------------------------------------------------------


async def test_other_workspace_user_cannot_connect(rt_connect, rt_outsider):
    await rt_connect(rt_outsider, expect_refused=True)


async def test_anonymous_cannot_connect(rt_connect, rt_map):
    await rt_connect(None, expect_refused=True)


async def test_foreign_or_missing_origin_cannot_connect(rt_connect, rt_owner):
    await rt_connect(rt_owner, origin=b"https://evil.example", expect_refused=True)
    await rt_connect(rt_owner, origin=None, expect_refused=True)


async def test_unknown_map_cannot_connect(rt_connect, rt_owner):
    await rt_connect(rt_owner, map_id=uuid.uuid4(), expect_refused=True)


async def test_bad_revoked_expired_or_foreign_share_tokens_cannot_connect(
    rt_connect, rt_share_token, rt_map, rt_workspace, rt_owner
):
    await rt_connect(share="not-a-token", expect_refused=True)
    other = await database_sync_to_async(JourneyMap.objects.create)(
        workspace=rt_workspace, title="Other"
    )
    await rt_connect(share=rt_share_token, map_id=other.id, expect_refused=True)
    await database_sync_to_async(ShareLink.objects.update)(
        expires_at=timezone.now() - timezone.timedelta(minutes=1)
    )
    await rt_connect(share=rt_share_token, expect_refused=True)
    await database_sync_to_async(ShareLink.objects.update)(
        expires_at=None, revoked_at=timezone.now()
    )
    await rt_connect(share=rt_share_token, expect_refused=True)


# --- malformed frames ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("{not json", "bad_json"),
        ("[1, 2]", "bad_frame"),
        ('{"type": "shout"}', "bad_frame"),
        ('{"no": "type"}', "bad_frame"),
        ('{"type": "hello", "last_seq": -1}', "bad_frame"),
        ('{"type": "hello", "last_seq": "7"}', "bad_frame"),
        ('{"type": "presence", "focus": {"entity": "card", "id": "nope"}}', "bad_frame"),
        ('{"type": "presence", "focus": {"entity": "spaceship", "id": null}}', "bad_frame"),
        ('{"type": "presence"}', "bad_frame"),
    ],
)
async def test_malformed_frame_gets_an_error_and_the_socket_stays_usable(
    rt_connect, rt_editor, rt_map, rt_board, text, code
):
    editor = await rt_connect(rt_editor)
    await editor.send_text(text)
    error = await editor.expect("error")
    assert error["code"] == code and error["detail"]
    assert (await editor.ops([card_op(rt_board)]))["type"] == "ack"
    assert await db_seq(rt_map.id) == 1


async def test_malformed_ops_envelope_is_rejected_invalid(rt_connect, rt_editor, rt_map, rt_board):
    editor = await rt_connect(rt_editor)
    await editor.send({"type": "ops", "op_id": "not-a-uuid", "ops": [card_op(rt_board)]})
    reject = await editor.expect("reject")
    assert reject["code"] == "invalid" and reject["op_id"] == "not-a-uuid"
    await editor.send({"type": "ops", "op_id": str(uuid.uuid4()), "ops": "everything"})
    assert (await editor.expect("reject"))["code"] == "invalid"
    assert (await editor.ops([card_op(rt_board)]))["type"] == "ack"


async def test_oversized_frame_is_refused_and_changes_nothing(
    rt_connect, rt_editor, rt_map, rt_board, settings
):
    settings.WS_MAX_FRAME_BYTES = 2048
    editor = await rt_connect(rt_editor)
    big = card_op(rt_board, "big", description="é" * 1500)  # 3000 bytes in UTF-8
    await editor.send({"type": "ops", "op_id": str(uuid.uuid4()), "ops": [big]})
    error = await editor.expect("error")
    assert error["code"] == "too_large" and "2048" in error["detail"]
    await editor.comm.send_to(bytes_data=b"\x00" * 10)
    assert (await editor.expect("error"))["code"] == "bad_frame"
    assert await db_seq(rt_map.id) == 0
    assert (await editor.ops([card_op(rt_board, "small")]))["type"] == "ack"


async def test_too_many_ops_in_a_batch_is_rejected(
    rt_connect, rt_editor, rt_map, rt_board, settings
):
    settings.OPS_MAX_PER_BATCH = 3
    editor = await rt_connect(rt_editor)
    reject = await editor.ops([card_op(rt_board, str(i)) for i in range(4)])
    assert reject["code"] == "invalid" and "at most 3" in reject["detail"]
    assert await db_seq(rt_map.id) == 0


# --- ping, presence --------------------------------------------------------------------------


async def test_ping_pong(rt_connect, rt_viewer):
    viewer = await rt_connect(rt_viewer)
    await viewer.send({"type": "ping"})
    assert await viewer.next() == {"type": "pong"}


async def test_presence_shows_who_is_here_with_colours_and_focus(
    rt_connect, rt_owner, rt_editor, rt_share_token, rt_board, rt_fast_timings
):
    owner, editor = await rt_connect(rt_owner), await rt_connect(rt_editor)
    owner_id = (await owner.hello(None))["you"]["client_id"]
    editor_id = (await editor.hello(None))["you"]["client_id"]
    peers = await owner.peers(lambda peers: len(peers) == 2)
    assert {peer["client_id"] for peer in peers} == {owner_id, editor_id}
    assert {peer["user"]["name"] for peer in peers} == {"Olga Owner", "Ed Editor"}
    assert len({peer["color"] for peer in peers}) == 2
    assert all(peer["focus"] is None for peer in peers)

    focus = {"entity": "stage", "id": rt_board["stage"], "field": "name"}
    await editor.send({"type": "presence", "focus": focus})
    peers = await owner.peers(lambda ps: any(p["focus"] == focus for p in ps))
    assert next(p for p in peers if p["focus"] == focus)["client_id"] == editor_id

    guest = await rt_connect(share=rt_share_token)
    peers = await owner.peers(lambda ps: len(ps) == 3)
    assert any(peer["user"]["name"] == "Guest (board)" for peer in peers)
    await guest.close()
    await editor.close()
    peers = await owner.peers(lambda ps: len(ps) == 1, timeout=1)
    assert peers[0]["client_id"] == owner_id


async def test_presence_is_throttled(rt_connect, rt_owner, rt_editor, rt_board, settings):
    settings.PRESENCE_INTERVAL = 0.25
    owner, editor = await rt_connect(rt_owner), await rt_connect(rt_editor)
    await owner.peers(lambda ps: len(ps) == 2)
    owner.presence.clear()
    for _ in range(40):  # a burst of focus changes within ~0.2 s
        for field in ("name", "description"):
            await editor.send(
                {
                    "type": "presence",
                    "focus": {"entity": "stage", "id": rt_board["stage"], "field": field},
                }
            )
    await asyncio.sleep(0.6)
    await owner.nothing(0.05)
    assert 1 <= len(owner.presence) <= 4, len(owner.presence)
    # By name: both join at about the same time, so the order of peers may be either.
    editor_peer = next(p for p in owner.presence[-1]["peers"] if p["user"]["name"] == "Ed Editor")
    assert editor_peer["focus"]["field"] == "description"


# --- losing access while connected -----------------------------------------------------------


async def test_removed_member_is_disconnected_within_a_second(rt_connect, rt_editor, rt_workspace):
    editor = await rt_connect(rt_editor)
    await editor.hello(None)
    await database_sync_to_async(Membership.objects.filter(user=rt_editor).delete)()
    started = asyncio.get_running_loop().time()
    error = await editor.expect("error", timeout=2)
    assert error["code"] == "access_revoked"
    assert await editor.closed(timeout=1) == 4403
    assert asyncio.get_running_loop().time() - started < 1.0


async def test_revoked_share_link_is_disconnected(rt_connect, rt_share_token, rt_fast_timings):
    guest = await rt_connect(share=rt_share_token)
    await guest.hello(None)
    await database_sync_to_async(ShareLink.objects.update)(revoked_at=timezone.now())
    assert (await guest.expect("error", timeout=2))["code"] == "access_revoked"
    assert await guest.closed() == 4403


async def test_demoted_editor_is_forbidden_from_then_on(rt_connect, rt_editor, rt_map, rt_board):
    editor = await rt_connect(rt_editor)
    assert (await editor.ops([card_op(rt_board)]))["type"] == "ack"
    await database_sync_to_async(Membership.objects.filter(user=rt_editor).update)(role="viewer")
    assert (await editor.ops([card_op(rt_board)]))["code"] == "forbidden"
    assert await db_seq(rt_map.id) == 1


async def test_one_socket_leaving_does_not_disturb_the_others(
    rt_connect, rt_owner, rt_editor, rt_viewer, rt_board
):
    owner, editor, viewer = (
        await rt_connect(rt_owner),
        await rt_connect(rt_editor),
        await rt_connect(rt_viewer),
    )
    for sock in (owner, editor, viewer):
        await sock.hello(None)
    await viewer.close()
    await editor.ops([card_op(rt_board)])
    assert (await owner.expect("patch"))["seq"] == 1


async def test_a_bug_in_the_receive_loop_closes_with_1011_and_is_logged(
    rt_connect, rt_owner, monkeypatch, caplog
):
    """A fault injected into frame parsing stands for any bug the receive loop does not
    expect: the socket is closed with the documented 1011, not dropped without a close."""
    from journeymap.realtime import consumer

    sock = await rt_connect(rt_owner)
    await sock.hello(None)

    def broken_parse(**_: Any) -> Any:
        raise RuntimeError("injected")

    monkeypatch.setattr(consumer, "parse_frame", broken_parse)
    await sock.send({"type": "ping"})
    assert await sock.closed() == 1011
    assert any("failed" in record.getMessage() for record in caplog.records)
