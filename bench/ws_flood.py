"""Can share holders flooding `hello` slow down an editor? (docs/protocol.md "Limits")

One daphne process (in-memory layer, SQLite in WAL mode, DEBUG off). An editor sends card
updates at a steady rate through `MapClient` and we record each batch's ack latency:

  quiet       nobody else on the map — the baseline;
  flood       20 share-link sockets (in another process) each sending `hello` 50 times a
              second, 25 times their allowance, with the default per-socket limits;
  unlimited   the same flood against a server whose hello limit is lifted, to show what the
              limit buys;
  no limit, no cache   and with the snapshot cache off too: every hello builds a snapshot.

It prints the editor's ack p50/p99 in each, the ratio of the flood p99 to the quiet p99 (the
goal: within 2×), and what the flooders got back (snapshots, `rate_limited` errors).

    .venv/bin/python bench/ws_flood.py              # ~1 minute
    .venv/bin/python bench/ws_flood.py --seconds 10 --flooders 40
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from websockets.typing import Origin  # noqa: E402

from journeymap.realtime import testing  # noqa: E402
from journeymap.realtime.client import PROTOCOL_VERSION, MapClient  # noqa: E402

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "bench-" + "x" * 50,
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "0",
    "LOG_LEVEL": "ERROR",
}


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def flooder(url: str, map_id: str, token: str, rate: float, until: float) -> Counter[str]:
    """A share socket sending `hello` at `rate` a second, far past its allowance."""
    from websockets.asyncio.client import connect

    got: Counter[str] = Counter()
    ws_url = url.replace("http://", "ws://") + f"/ws/maps/{map_id}/?share={token}"
    hello = json.dumps({"type": "hello", "last_seq": 0, "protocol": PROTOCOL_VERSION})
    async with connect(ws_url, origin=Origin(url), compression=None, max_size=None) as ws:

        async def read() -> None:
            async for message in ws:
                frame = json.loads(message)
                got[frame.get("code") or frame["type"]] += 1

        reader = asyncio.ensure_future(read())
        number, begin = 0, time.perf_counter()
        while time.perf_counter() < until:
            await ws.send(hello)
            number += 1
            await asyncio.sleep(max(0.0, begin + number / rate - time.perf_counter()))
        await asyncio.sleep(0.5)  # the last answers
        reader.cancel()
    got["hello sent"] += number
    return got


async def flood_child(url: str, map_id: str, token: str, sockets: int, rate: float) -> None:
    """Runs in its own process (so the flood does not share the editor's event loop), until
    its stdin closes; prints what the flooders got."""
    until = time.perf_counter() + float(sys.stdin.readline())
    results = await asyncio.gather(
        *(flooder(url, map_id, token, rate, until) for _ in range(sockets))
    )
    print(json.dumps(dict(sum(results, Counter()))), flush=True)


def start_flood(url: str, setup: dict[str, Any], sockets: int, rate: float) -> Any:
    command = [sys.executable, __file__, "--flood-child", url, setup["map"]]
    command += [setup["share_tokens"][0], str(sockets), str(rate)]
    return subprocess.Popen(  # noqa: S603 — this script
        command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )


async def scenario(
    url: str,
    setup: dict[str, Any],
    *,
    flooders: int,
    flood_rate: float,
    seconds: float,
    rate: float,
) -> dict[str, Any]:
    flood = start_flood(url, setup, flooders, flood_rate) if flooders else None
    if flood is not None and flood.stdin is not None:
        flood.stdin.write(f"{seconds + 3}\n")
        flood.stdin.flush()
        await asyncio.sleep(1.5)  # the flood is on before we measure
    latencies: list[float] = []
    async with MapClient(url, setup["map"], session=setup["sessions"][0]) as editor:
        card_id = str(uuid.uuid4())
        fields = {"stage": setup["stage"], "lane": setup["lane"], "title": "x"}
        await editor.send_ops(
            [{"action": "create", "entity": "card", "id": card_id, "fields": fields}]
        )
        ends = time.perf_counter() + seconds
        number = 0
        while time.perf_counter() < ends:
            started = time.perf_counter()
            op = {
                "action": "update",
                "entity": "card",
                "id": card_id,
                "fields": {"title": f"t{number}"},
            }
            await editor.send_ops([op], applied=False, timeout=30)
            latencies.append(time.perf_counter() - started)
            number += 1
            await asyncio.sleep(max(0.0, started + 1 / rate - time.perf_counter()))
    got: dict[str, int] = {}
    if flood is not None:
        output, _ = await asyncio.to_thread(flood.communicate, timeout=60)
        got = json.loads(output.strip().splitlines()[-1])
    return {
        "batches": len(latencies),
        "ack_p50": pct(latencies, 0.5),
        "ack_p99": pct(latencies, 0.99),
        "flooders_got": got,
    }


def start_server(folder: str, **extra: str) -> tuple[testing.Server, dict[str, Any]]:
    database = f"{folder}/db.sqlite3"
    env = testing.environment(DATABASE_URL=f"sqlite:///{database}", **PRODUCTION, **extra)
    env.pop("REDIS_URL", None)
    testing.migrate(env)
    with sqlite3.connect(database) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
    setup = testing.seed(env, editors=1, shares=1)
    return testing.Server("daphne", env).wait_ready(), setup


def line(name: str, result: dict[str, Any], base: float | None) -> str:
    ratio = f"  ({result['ack_p99'] / base:.2f}× quiet)" if base else ""
    got = ", ".join(f"{key} {value}" for key, value in sorted(result["flooders_got"].items()))
    return (
        f"  {name:<19} {result['batches']:>4} batches  ack p50 {result['ack_p50']:6.1f} ms  "
        f"p99 {result['ack_p99']:6.1f} ms{ratio}" + (f"   flooders got: {got}" if got else "")
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=6.0, help="measured window per scenario")
    parser.add_argument("--flooders", type=int, default=20)
    parser.add_argument("--rate", type=float, default=20.0, help="editor batches per second")
    parser.add_argument("--flood-rate", type=float, default=50.0, help="hellos/s per flooder")
    parser.add_argument("--flood-child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.flood_child:
        url, map_id, token, sockets, rate = args.flood_child
        testing_run(flood_child(url, map_id, token, int(sockets), float(rate)))
        return
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores", flush=True)
    plan: list[tuple[str, int, dict[str, str]]] = [("quiet", 0, {}), ("flood", args.flooders, {})]
    unlimited = {"WS_HELLO_RATE": "1e9", "WS_HELLO_BURST": "1e9"}
    plan.append(("unlimited", args.flooders, unlimited))
    plan.append(("no limit, no cache", args.flooders, {**unlimited, "WS_SNAPSHOT_CACHE_MAPS": "0"}))
    results: dict[str, dict[str, Any]] = {}
    servers: dict[str, tuple[testing.Server, dict[str, Any]]] = {}
    try:
        for name, flooders, extra in plan:
            key = json.dumps(extra, sort_keys=True)
            if key not in servers:
                servers[key] = start_server(tempfile.mkdtemp(prefix="jm-flood-"), **extra)
            server, setup = servers[key]
            run = scenario(
                server.url,
                setup,
                flooders=flooders,
                flood_rate=args.flood_rate,
                seconds=args.seconds,
                rate=args.rate,
            )
            try:
                results[name] = testing_run(run)
            except Exception as error:  # noqa: BLE001 — an overwhelmed server is a result
                print(f"  {name:<19} the editor could not work: {error!r}", flush=True)
                continue
            print(
                line(name, results[name], results["quiet"]["ack_p99"] if name != "quiet" else None),
                flush=True,
            )
    finally:
        for server, _setup in servers.values():
            server.stop()
    ratio = results["flood"]["ack_p99"] / results["quiet"]["ack_p99"]
    verdict = "within" if ratio <= 2 else "NOT within"
    print(f"\neditor ack p99 under the flood: {ratio:.2f}× quiet ({verdict} the 2× goal)")


def testing_run(coro: Any) -> Any:
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)


if __name__ == "__main__":
    main()
