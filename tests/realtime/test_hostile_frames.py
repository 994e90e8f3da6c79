"""Hostile input on the map socket: over a thousand malformed, oversized, wrong-typed and
out-of-order frames (tests/realtime/generators.py) through the real ASGI app, and the handshake's
origin × credentials × share-link matrix.

Every frame gets the answer docs/protocol.md promises (`error`, `reject`, or the documented
close), the socket keeps working after each one (ping → pong, an editor's batch acked), other
sockets are served throughout, nothing is logged as a server error, and the other map the
frames aim at is untouched."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import random
import secrets
import uuid
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.db import connections
from django.utils import timezone

from journeymap.maps.models import JourneyMap, Lane, Stage
from journeymap.maps.services.ops import apply_ops
from journeymap.realtime.protocol import FrameError, PresenceFrame, parse_frame
from journeymap.realtime.routing import websocket_application
from journeymap.workspaces.models import ShareLink
from tests.realtime.conftest import ORIGIN
from tests.realtime.generators import CLOSING, EXPECTED, RATE_LIMITED, hostile_frames
from tests.realtime.rt_helpers import Closed, Socket, card_op, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)

FRAMES = max(1000, int(os.environ.get("JM_HOSTILE_FRAMES", "1000")))
SEED = int(os.environ.get("JM_FUZZ_SEED", "20261202"))


@pytest.fixture
async def kept_connection(settings: Any) -> Any:
    """The live layer's database thread keeps its connection, as it does outside tests
    (REALTIME_CONN_MAX_AGE=300): a thousand frames, many of them batches, would otherwise
    open a thousand PostgreSQL connections. Closed at the end so the test database can go."""
    settings.REALTIME_CONN_MAX_AGE = 300
    yield
    settings.REALTIME_CONN_MAX_AGE = 0  # any later call closes its connection too
    await database_sync_to_async(connections.close_all)()


@pytest.fixture
def other_map(rt_outsider: Any) -> dict[str, Any]:
    """A map of another workspace, with a stage, a lane and a card the frames aim at."""
    workspace = rt_outsider.memberships.get().workspace
    journey_map = JourneyMap.objects.create(workspace=workspace, title="Not yours")
    stage = Stage.objects.create(map=journey_map, name="Theirs", order_key="a0")
    lane = Lane.objects.create(map=journey_map, name="Theirs", kind="actions", order_key="a0")
    board = {"stage": str(stage.id), "lane": str(lane.id)}
    card = card_op(board, "Their card")
    apply_ops(map_id=journey_map.id, actor=rt_outsider, op_id=uuid.uuid4(), ops=[card])
    return {
        "map": journey_map,
        "ids": [str(journey_map.id), board["stage"], board["lane"], card["id"]],
    }


def answer_of(frame: dict[str, Any]) -> str:
    kind = str(frame["type"])
    return f"{kind}:{frame['code']}" if kind in ("error", "reject") else kind


async def first_answer(sock: Socket) -> str:
    """The first frame that answers the last one sent: not presence, not a patch."""
    while True:
        try:
            frame = await sock.next(timeout=5)
        except Closed as closed:
            return f"close:{closed.code}"
        except TimeoutError:
            if sock.comm.future.done():
                return "nothing: the socket ended without a close frame"
            return "nothing within 5 s"
        if frame["type"] != "patch":
            return answer_of(frame)


async def still_works(sock: Socket) -> None:
    await sock.send({"type": "ping"})
    assert await first_answer(sock) == "pong"


def _document_of(journey_map: JourneyMap) -> tuple[int, str]:
    fresh = JourneyMap.objects.get(id=journey_map.id)
    return fresh.seq, fresh.title


async def test_a_thousand_hostile_frames_are_answered_and_crash_nothing(
    rt_connect, rt_editor, rt_owner, rt_map, rt_board, other_map, settings, caplog, kept_connection
):
    # Every frame is answered one by one here: lift the rates, which would drop a flood
    # (test_limits.py covers them).
    for kind in ("HELLO", "OPS", "PRESENCE"):
        setattr(settings, f"WS_{kind}_RATE", 100_000.0)
        setattr(settings, f"WS_{kind}_BURST", 100_000.0)
    caplog.set_level(logging.ERROR)
    frames = hostile_frames(
        random.Random(SEED), FRAMES, map_id=str(rt_map.id), known_ids=other_map["ids"]
    )
    assert set(EXPECTED) == {kind for _frame, kind in frames}  # every kind is exercised
    before = await database_sync_to_async(_document_of)(other_map["map"])

    bystander = await rt_connect(rt_owner)
    await bystander.hello(None)
    sock = await rt_connect(rt_editor)
    counts: Counter[str] = Counter()
    spent: dict[str, float] = dict.fromkeys(
        EXPECTED, 0.0
    )  # seconds per kind, answer and checks included
    clock = asyncio.get_running_loop().time
    for number, (frame, kind) in enumerate(frames):
        started = clock()
        # As the server hands frames over (send_to refuses empty ones).
        key = "bytes" if isinstance(frame, bytes) else "text"
        await sock.comm.send_input({"type": "websocket.receive", key: frame})
        answer = await first_answer(sock)
        allowed = EXPECTED[kind] | {RATE_LIMITED}
        shown = frame[:160] if isinstance(frame, str) else frame[:40]
        assert answer in allowed, f"frame {number} ({kind}) {shown!r} → {answer}"
        counts[kind] += 1
        if kind in CLOSING:
            assert await sock.closed() == CLOSING[kind], kind
            sock = await rt_connect(rt_editor)  # a closed socket is done; open another
        else:
            assert not sock.comm.future.done(), f"the socket ended after frame {number} ({kind})"
            await still_works(sock)
            if number % 50 == 0:  # an editor's real batch still goes through
                ack = await sock.ops([card_op(rt_board, f"still here {number}")])
                assert ack["type"] == "ack"
        spent[kind] += clock() - started

    total = sum(counts.values())
    print(f"\nhostile frames: {total} in {len(counts)} kinds")
    for kind, count in sorted(counts.items()):
        print(f"  {kind:18} {count:5}  {spent[kind] * 1000 / count:6.1f} ms each")
    assert total == len(frames) >= 1000

    # The process kept serving the others, and the other map saw none of it.
    await still_works(bystander)
    seq = (await database_sync_to_async(_document_of)(rt_map))[0]
    assert (await bystander.hello(None))["seq"] == seq
    assert await database_sync_to_async(_document_of)(other_map["map"]) == before
    errors = [r.getMessage() for r in caplog.records if r.name.startswith("journeymap")]
    assert errors == [], errors


# --- the handshake matrix ---------------------------------------------------------------------


def _share_link(journey_map: JourneyMap, owner: Any, **fields: Any) -> str:
    token = secrets.token_urlsafe(32)
    ShareLink.objects.create(
        map=journey_map,
        label="matrix",
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        created_by=owner,
        **fields,
    )
    return token


def _stale_cookie(user: Any) -> str:
    key = session_cookie(user)
    Session.objects.filter(session_key=key).delete()  # signed out since
    return key


async def _open(
    map_id: Any, origin: bytes | None, cookie: str | None, share: str | None
) -> str | None:
    """The role the socket opened with, or None when the handshake was refused."""
    path = f"/ws/maps/{map_id}/" + (f"?share={share}" if share else "")
    headers = [(b"origin", origin)] if origin is not None else []
    if cookie is not None:
        headers.append((b"cookie", f"{django_settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    communicator = WebsocketCommunicator(websocket_application, path, headers=headers)
    connected, _ = await communicator.connect(timeout=5)
    if not connected:
        return None
    sock = Socket(communicator)
    try:
        role = str((await sock.hello(None))["you"]["role"])
        if role == "share":  # read-only on the socket too
            answer = await sock.ops([card_op({"stage": str(uuid.uuid4()), "lane": "x"})])
            assert (answer["type"], answer["code"]) == ("reject", "forbidden")
        return role
    finally:
        await communicator.disconnect()


async def test_only_an_allowed_origin_with_a_members_session_or_a_live_link_opens(
    rt_map, rt_owner, rt_editor, rt_outsider, other_map
):
    make = database_sync_to_async
    past = timezone.now() - timedelta(minutes=1)
    shares = {
        "none": None,
        "valid": await make(_share_link)(rt_map, rt_owner),
        "revoked": await make(_share_link)(rt_map, rt_owner, revoked_at=past),
        "expired": await make(_share_link)(rt_map, rt_owner, expires_at=past),
        "other_map": await make(_share_link)(other_map["map"], rt_outsider),
    }
    credentials = {
        "member": await make(session_cookie)(rt_editor),
        "non_member": await make(session_cookie)(rt_outsider),
        "stale": await make(_stale_cookie)(rt_editor),
        "forged": secrets.token_hex(16),
        "none": None,
    }
    origins = {"allowed": ORIGIN, "other": b"https://evil.example", "missing": None}

    opened = {}
    for origin_name, origin in origins.items():
        for credential_name, cookie in credentials.items():
            for share_name, share in shares.items():
                role = await _open(rt_map.id, origin, cookie, share)
                opened[(origin_name, credential_name, share_name)] = role

    expected = {}
    for key in opened:
        origin_name, credential_name, share_name = key
        role = None
        if origin_name == "allowed":
            if share_name == "valid":
                role = "share"  # whatever cookie comes along
            elif share_name == "none" and credential_name == "member":
                role = "editor"
        expected[key] = role
    print("\nhandshakes that open:", {k: v for k, v in opened.items() if v})
    assert opened == expected
    assert sum(1 for role in opened.values() if role) == 6  # 5 with the link, 1 member


def test_only_unstorable_text_is_refused_not_text_that_merely_looks_like_it():
    limit = 1 << 16

    def parse(text: str) -> Any:
        return parse_frame(text=text, data=None, limit=limit)

    # An escaped backslash before "ud800" is ordinary text; an escaped pair is one emoji.
    looks_like = '{"type":"presence","focus":null,"note":"C:\\\\ud800 \\ud83d\\ude00"}'
    assert json.loads(looks_like)["note"] == "C:\\ud800 \U0001f600"
    assert parse(looks_like) == PresenceFrame(focus=None)
    for unstorable in ('{"type":"ping","x":"\\ud83d"}', '{"type":"ping","\\u0000":1}'):
        with pytest.raises(FrameError) as refused:
            parse(unstorable)
        assert refused.value.code == "bad_frame"
    with pytest.raises(FrameError) as nested:
        parse("[" * 5000 + "]" * 5000)
    assert nested.value.code == "bad_json"
