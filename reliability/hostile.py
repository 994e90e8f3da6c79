"""Scenario 3: hostile WebSocket input through nginx, and who may open a socket at all.

≥ 1,000 malformed, oversized, wrong-typed and out-of-order frames from the shared generator
(tests/realtime/generators.py `hostile_frames`, seeded) are sent one at a time on an editor's
socket; each must get one of the answers the generator lists for its kind (docs/protocol.md),
the socket must stay usable (a closing kind goes on a socket of its own and must close with
its documented code), and no server process may die: the same pids before and after, and
GET /health/ answering 200 on each. The handshake matrix tries every origin × cookie ×
share-link combination through nginx: only the site's origin with a member's session, or with
a live share link of this map, may open the socket (a socket that names a share link is that
link's socket, so a forged or foreign link is refused even beside a member's cookie)."""

from __future__ import annotations

import asyncio
import json
import random
from collections import Counter
from typing import Any
from urllib.parse import urlencode

import requests
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.realtime.generators import CLOSING, EXPECTED, RATE_LIMITED, hostile_frames

from .seeding import seed
from .table import Row, progress

FRAMES = 1000
# Every frame is answered only when it is within the socket's rates (see generators.py).
UNLIMITED = {
    f"WS_{kind}_{what}": "100000"
    for kind in ("HELLO", "OPS", "PRESENCE")
    for what in ("RATE", "BURST")
}


def _answer(frame: dict[str, Any]) -> str:
    return f"{frame['type']}:{frame['code']}" if "code" in frame else str(frame["type"])


async def _open(url: str, origin: str, cookie: str | None) -> ClientConnection:
    headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}
    return await connect(
        url,
        origin=origin,  # type: ignore[arg-type]
        additional_headers=headers,
        compression=None,
        proxy=None,
        max_size=None,
        open_timeout=10,
    )


async def _first_answer(ws: ClientConnection) -> str:
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), 10))
        if frame.get("type") not in ("presence", "patch"):
            return _answer(frame)


async def _frames(stack: Any, seeded: dict[str, Any], seed_value: int) -> dict[str, Any]:
    board, other = seeded["maps"]
    url = stack.base_url.replace("http", "ws", 1) + f"/ws/maps/{board['id']}/"
    session = seeded["users"][0]["session"]
    frames = hostile_frames(
        random.Random(seed_value),  # noqa: S311 — seeded, to replay a run
        FRAMES,
        map_id=board["id"],
        known_ids=[other["id"], other["stage"], other["lane"]],
    )
    wrong: Counter[str] = Counter()
    unexpected_closes = 0
    ws = await _open(url, stack.base_url, session)
    for text, kind in frames:
        try:
            if kind in CLOSING:
                own = await _open(url, stack.base_url, session)
                await own.send(text)
                got = await _first_answer(own)
                await asyncio.wait_for(own.wait_closed(), 10)
                if got not in EXPECTED[kind] or own.close_code != CLOSING[kind]:
                    wrong[f"{kind}: {got}, closed {own.close_code}"] += 1
                continue
            await ws.send(text)
            got = await _first_answer(ws)
            if got not in EXPECTED[kind] and got != RATE_LIMITED:
                wrong[f"{kind}: {got}"] += 1
        except (ConnectionClosed, TimeoutError) as error:
            unexpected_closes += 1
            wrong[f"{kind}: {type(error).__name__}"] += 1
            ws = await _open(url, stack.base_url, session)
    # Still usable: a ping on the same socket answers.
    await ws.send('{"type":"ping"}')
    usable = await _first_answer(ws) == "pong"
    await ws.close()
    return {
        "sent": len(frames),
        "kinds": len({kind for _text, kind in frames}),
        "wrong": wrong,
        "closes": unexpected_closes,
        "usable": usable,
    }


async def _matrix(stack: Any, seeded: dict[str, Any]) -> tuple[int, list[str]]:
    board, other = seeded["maps"]
    base = stack.base_url.replace("http", "ws", 1) + f"/ws/maps/{board['id']}/"
    origins = {"site": stack.base_url, "foreign": "https://evil.example", "null": "null"}
    cookies = {
        "member": seeded["users"][0]["session"],
        "none": None,
        "forged": "x" * 32,
    }
    shares = {
        "no link": None,
        "this map's link": board["shares"][0]["token"],
        "another map's link": other["shares"][0]["token"],
        "forged link": "y" * 43,
    }
    wrong = []
    tried = 0
    for origin_name, origin in origins.items():
        for cookie_name, cookie in cookies.items():
            for share_name, share in shares.items():
                tried += 1
                url = base + (f"?{urlencode({'share': share})}" if share else "")
                # A socket that names a share link is that link's (read-only) socket, so the
                # link alone decides; without one, the session does.
                may = origin_name == "site" and (
                    share_name == "this map's link" or (share is None and cookie_name == "member")
                )
                try:
                    ws = await _open(url, origin, cookie)
                    await ws.send(json.dumps({"type": "hello", "last_seq": None, "protocol": 2}))
                    opened = await _first_answer(ws) == "snapshot"
                    await ws.close()
                except InvalidStatus:
                    opened = False
                except ConnectionClosed:
                    opened = False
                if opened != may:
                    wrong.append(f"{origin_name}/{cookie_name}/{share_name}: opened={opened}")
    return tried, wrong


def _health(stack: Any) -> list[int]:
    codes = []
    http = requests.Session()
    http.trust_env = False  # no proxy between the driver and the stack
    for worker in stack.workers:
        try:
            url = f"http://127.0.0.1:{worker.port}/health/"
            codes.append(http.get(url, timeout=10).status_code)
        except requests.RequestException as error:
            progress(f"health of process on {worker.port}: {error!r}")
            codes.append(0)
    return codes


async def _scenario(stack: Any, seed_value: int) -> list[Row]:
    seeded = seed(stack, maps=2, editors=2, shares=1)
    pids = [worker.pid for worker in stack.workers]
    result = await _frames(stack, seeded, seed_value)
    tried, refused_wrongly = await _matrix(stack, seeded)
    alive = [worker.pid for worker in stack.workers if worker.alive]
    health = await asyncio.to_thread(_health, stack)
    for wrong, count in result["wrong"].most_common(10):
        progress(f"{count} × {wrong}")
    for line in refused_wrongly:
        progress(f"matrix: {line}")
    survived = alive == pids and all(code == 200 for code in health)
    wrong_total = sum(result["wrong"].values())
    return [
        Row(
            "3a",
            f"≥ {FRAMES} hostile frames: 0 crashes, each answered as documented",
            f"{result['sent']} frames of {result['kinds']} kinds: {wrong_total} answered "
            f"otherwise, {result['closes']} unexpected closes; processes "
            f"{'unchanged' if alive == pids else 'RESTARTED'}, health {health}; socket "
            f"{'still usable' if result['usable'] else 'NOT usable'}",
            "0 crashes, 0 wrong answers",
            survived and wrong_total == 0 and result["usable"] and result["sent"] >= FRAMES,
        ),
        Row(
            "3b",
            "origin × cookie × share-link matrix opens only what it should",
            f"{tried} handshakes, {len(refused_wrongly)} wrong",
            "0 wrong",
            not refused_wrongly,
        ),
    ]


def hostile(stack: Any, seed_value: int, quick: bool) -> list[Row]:
    del quick  # 1,000 frames take well under a minute
    return asyncio.run(_scenario(stack, seed_value))
