"""Scenario 1: no acknowledged edit is lost when a server process is killed (1a) or when
PostgreSQL restarts (1b) in the middle of a workshop.

Eight clients each send a stream of batches through nginx: every batch creates a card with a
title no other batch uses, and some also retitle one of the client's earlier cards. At seeded
moments one daphne process is SIGKILLed (restarted after a seeded pause) or PostgreSQL is
restarted. The clients are the project's own MapClient: they reconnect through nginx (to the
surviving process), re-send unacknowledged batches with the same op_id and catch up. At the end
every batch a client saw acknowledged must be in the op log exactly once, every card title at
most once, and every client's copy must equal a fresh GET /api/maps/<id>/.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from journeymap.realtime.client import MapClient

from .common import Api, card_create, card_update, normalised
from .seeding import seed
from .table import Row, progress

CLIENTS = 8


@dataclass
class Editor:
    number: int
    client: MapClient
    rng: random.Random
    acked: list[tuple[str, str]] = field(default_factory=list)  # (op_id, title)
    failed: list[str] = field(default_factory=list)  # op_ids a send gave up on
    outages: list[float] = field(default_factory=list)  # seconds without a synced socket
    errors: Counter[str] = field(default_factory=Counter)


async def _edit(editor: Editor, board: dict[str, str], stop: asyncio.Event) -> None:
    cards: list[str] = []
    count = 0
    while not stop.is_set():
        count += 1
        title = f"e{editor.number}-{count}"
        create = card_create(board["lane"], board["stage"], title)
        ops = [create]
        if cards and editor.rng.random() < 0.4:
            ops.append(card_update(editor.rng.choice(cards), description=f"edit {count}"))
        op_id = (
            f"{editor.number:04x}{count:04x}-0000-4000-8000-" + f"{editor.rng.getrandbits(48):012x}"
        )
        try:
            await editor.client.send_ops(ops, op_id=op_id, timeout=90, applied=False)
        except Exception as error:  # an op the client gave up on: the edit never landed
            editor.failed.append(op_id)
            editor.errors[repr(error)[:120]] += 1
        else:
            editor.acked.append((op_id, title))
            cards.append(create["id"])
        await asyncio.sleep(editor.rng.uniform(0.05, 0.25))


async def _watch(editor: Editor, stop: asyncio.Event) -> None:
    """Time each stretch without a synced socket (closed, reconnecting or catching up)."""
    client = editor.client
    down_since: float | None = None
    while not stop.is_set():
        synced = client._ws is not None and not client._catching_up
        now = time.monotonic()
        if not synced and down_since is None:
            down_since = now
        elif synced and down_since is not None:
            editor.outages.append(now - down_since)
            down_since = None
        await asyncio.sleep(0.02)


async def _workshop(stack: Any, seed_value: int, trouble: str, seconds: float) -> dict[str, Any]:
    seeded = seed(stack, maps=1, editors=CLIENTS)
    board = {"map": seeded["maps"][0]["id"], **seeded["maps"][0]}
    api = Api(stack.base_url, token=seeded["owner"]["token"])
    rng = random.Random(seed_value)  # noqa: S311 — seeded, to replay a run
    editors = []
    for number, user in enumerate(seeded["users"]):
        client = MapClient(stack.base_url, board["map"], session=user["session"])
        await client.connect(timeout=30)
        editors.append(Editor(number, client, random.Random(rng.getrandbits(32))))  # noqa: S311
    stop = asyncio.Event()
    tasks = [asyncio.ensure_future(_edit(editor, board, stop)) for editor in editors]
    watchers = [asyncio.ensure_future(_watch(editor, stop)) for editor in editors]
    events: list[str] = []
    started = time.monotonic()
    # Trouble at seeded moments spread over the run, leaving its last quarter calm.
    moments = sorted(rng.uniform(0.1, 0.7) * seconds for _ in range(3 if trouble == "kill" else 2))
    for moment in moments:
        await asyncio.sleep(max(0.0, started + moment - time.monotonic()))
        if trouble == "kill":
            alive = [worker for worker in stack.workers if worker.alive]
            victim = rng.choice(alive)
            pause = rng.uniform(1.0, 3.0)
            pid = victim.pid
            victim.kill()
            events.append(f"SIGKILL pid {pid} at {moment:.1f}s, back after {pause:.1f}s")
            progress(events[-1])
            await asyncio.sleep(pause)
            await asyncio.to_thread(victim.start)
        else:
            down = rng.uniform(1.0, 2.5)
            events.append(f"PostgreSQL restart at {moment:.1f}s, down {down:.1f}s")
            progress(events[-1])
            await asyncio.to_thread(stack.restart_postgres, down_seconds=down)
    await asyncio.sleep(max(0.0, started + seconds - time.monotonic()))
    stop.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 100)  # every batch acked or given up on
    await asyncio.gather(*watchers)

    log = await asyncio.to_thread(api.op_log, board["map"])
    document = await asyncio.to_thread(api.document, board["map"])
    in_log = Counter(str(batch["op_id"]) for batch in log)
    titles = Counter(card["title"] for card in document["cards"])
    acked = [pair for editor in editors for pair in editor.acked]
    lost = [op_id for op_id, title in acked if in_log[op_id] == 0 or titles[title] == 0]
    duplicates = sum(count - 1 for count in in_log.values() if count > 1)
    duplicates += sum(count - 1 for count in titles.values() if count > 1)
    failed = sum(len(editor.failed) for editor in editors)
    # A batch a client gave up on must not be half there either: none of its titles is.
    diverged = 0
    for editor in editors:
        try:
            await editor.client.wait_for_seq(document["seq"], timeout=30)
        except TimeoutError:
            pass
        if editor.client.state is None or normalised(editor.client.state) != normalised(document):
            diverged += 1
    for editor in editors:
        await editor.client.close()
        for error, count in editor.errors.items():
            progress(f"client {editor.number} gave up {count} batches: {error}")
    outages = [outage for editor in editors for outage in editor.outages]
    return {
        "acked": len(acked),
        "lost": len(lost),
        "duplicates": duplicates,
        "failed": failed,
        "diverged": diverged,
        "events": events,
        "longest_outage": max(outages, default=0.0),
        "reconnects": sum(max(0, editor.client.connects - 1) for editor in editors),
        # Frames answered "the server changed nothing, retry" (the database was down).
        "server_errors": sum(
            1
            for editor in editors
            for frame in editor.client.errors
            if frame.get("code") == "server_error"
        ),
    }


def _rows(number: str, what: str, result: dict[str, Any], extra: str) -> list[Row]:
    holds = (
        result["lost"] == 0
        and result["duplicates"] == 0
        and result["failed"] == 0
        and result["diverged"] == 0
        and result["acked"] > 0
    )
    figure = (
        f"{result['acked']} acked batches, lost {result['lost']}, applied twice "
        f"{result['duplicates']}, given up {result['failed']}; {extra}; "
        f"{CLIENTS - result['diverged']}/{CLIENTS} clients equal to GET"
    )
    return [Row(number, what, figure, "0 lost, 0 twice, 0 given up, all equal", holds)]


def kill_workers(stack: Any, seed_value: int, quick: bool) -> list[Row]:
    result = asyncio.run(_workshop(stack, seed_value, "kill", 12 if quick else 30))
    extra = (
        f"{len(result['events'])} SIGKILLs, {result['reconnects']} reconnects, longest "
        f"{result['longest_outage']:.1f} s to resync"
    )
    return _rows(
        "1a", "no acknowledged edit lost when a daphne process is SIGKILLed", result, extra
    )


def restart_postgres(stack: Any, seed_value: int, quick: bool) -> list[Row]:
    result = asyncio.run(_workshop(stack, seed_value, "postgres", 12 if quick else 25))
    extra = (
        f"{len(result['events'])} PostgreSQL restarts, {result['server_errors']} frames "
        "answered server_error and re-sent"
    )
    return _rows(
        "1b",
        "PostgreSQL restarted mid-edit: unacked ops retried, none applied twice",
        result,
        extra,
    )
