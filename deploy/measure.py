"""Figures for the capacity model in docs/deploy.md, measured on the loopback stack.

    python deploy/measure.py [--sockets 200] [--maps 40] [--senders 10] [--seconds 10]
                             [--env ACCESS_POLL_INTERVAL=5] [--json figures.json]

One daphne process behind nginx, its own PostgreSQL (with pg_stat_statements) and Redis:

1. idle sockets on one map, then the same number spread over many maps (5 per map): resident
   memory per socket, and the background load of an open map — CPU of the process, PostgreSQL
   statements and Redis commands per second (presence heartbeats, access polls);
2. senders on distinct maps, each with 4 watchers, sending one-op batches back to back:
   patches per second the process applies, its CPU per patch, and PostgreSQL statements,
   transactions and Redis commands per patch (the idle background subtracted).

Prints a table and, with --json, writes the figures to a file.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from deploy.stack import Stack, Worker  # noqa: E402
from journeymap.realtime.client import MapClient  # noqa: E402

CLOCK = os.sysconf("SC_CLK_TCK")

_SEED = """
import json, django
django.setup()
from journeymap.realtime.testing import seed_map
print("SEED" + json.dumps([seed_map(editors=1) for _ in range({maps})]))
"""


def cpu_seconds(worker: Worker) -> float:
    fields = Path(f"/proc/{worker.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK  # utime + stime


class Counters:
    """PostgreSQL statements and commits (pg_stat_statements) and Redis commands, so far."""

    def __init__(self, stack: Stack) -> None:
        import psycopg
        import redis

        self.pg = psycopg.connect(stack.database_url, autocommit=True)
        self.pg.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        self.redis = redis.Redis.from_url(stack.redis_url)

    def read(self) -> dict[str, float]:
        row = self.pg.execute(
            "SELECT coalesce(sum(calls), 0),"
            " coalesce(sum(calls) FILTER (WHERE query ILIKE 'commit%'), 0)"
            " FROM pg_stat_statements WHERE query NOT ILIKE '%pg_stat_statements%'"
        ).fetchone()
        statements, commits = (float(row[0]), float(row[1])) if row else (0.0, 0.0)
        stats = self.redis.info("commandstats")
        commands = sum(
            int(value["calls"]) for name, value in stats.items() if name != "cmdstat_info"
        )
        return {"statements": statements, "commits": commits, "redis": float(commands)}


def delta(after: dict[str, float], before: dict[str, float]) -> dict[str, float]:
    return {key: after[key] - before[key] for key in after}


async def open_clients(stack: Stack, pairs: list[tuple[str, str]]) -> list[MapClient]:
    clients = []
    for start in range(0, len(pairs), 20):  # a few at a time: the hello limit is per socket
        batch = [
            MapClient(stack.base_url, map_id, session=session, reconnect=False, track_state=False)
            for map_id, session in pairs[start : start + 20]
        ]
        clients += await asyncio.gather(*(client.connect(timeout=60) for client in batch))
    return clients


async def close_all(clients: list[MapClient]) -> None:
    await asyncio.gather(*(client.close() for client in clients))


async def idle(
    stack: Stack, counters: Counters, pairs: list[tuple[str, str]], seconds: float
) -> dict[str, float]:
    worker = stack.workers[0]
    before_rss = worker.rss_bytes()
    clients = await open_clients(stack, pairs)
    await asyncio.sleep(2)  # joins, presence settled
    rss = worker.rss_bytes()
    counts, cpu = counters.read(), cpu_seconds(worker)
    await asyncio.sleep(seconds)
    used = delta(counters.read(), counts)
    cpu_used = cpu_seconds(worker) - cpu
    await close_all(clients)
    await asyncio.sleep(1)
    return {
        "sockets": len(pairs),
        "maps": len({map_id for map_id, _ in pairs}),
        "rss_per_socket_kb": (rss - before_rss) / len(pairs) / 1024,
        "rss_mb": rss / 2**20,
        "cpu_share": cpu_used / seconds,
        "pg_statements_per_s": used["statements"] / seconds,
        "redis_commands_per_s": used["redis"] / seconds,
    }


async def writes(
    stack: Stack,
    counters: Counters,
    boards: list[dict[str, Any]],
    senders: int,
    seconds: float,
    background: dict[str, float],
) -> dict[str, float]:
    worker = stack.workers[0]
    watchers = [(b["map"], b["sessions"][0]) for b in boards[:senders] for _ in range(4)]
    watching = await open_clients(stack, watchers)
    sending = await open_clients(stack, [(b["map"], b["sessions"][0]) for b in boards[:senders]])
    await asyncio.sleep(2)
    latencies: list[float] = []
    stop_at = time.monotonic() + seconds

    async def send(client: MapClient, board: dict[str, Any]) -> None:
        card = str(uuid.uuid4())
        fields = {"stage": board["stage"], "lane": board["lane"], "title": "0"}
        create = {"action": "create", "entity": "card", "id": card, "fields": fields}
        await client.send_ops([create], applied=False)
        number = 0
        while time.monotonic() < stop_at:
            number += 1
            op = {
                "action": "update",
                "entity": "card",
                "id": card,
                "fields": {"title": str(number)},
            }
            started = time.perf_counter()
            await client.send_ops([op], applied=False)
            latencies.append(time.perf_counter() - started)

    counts, cpu, started = counters.read(), cpu_seconds(worker), time.monotonic()
    await asyncio.gather(*(send(c, b) for c, b in zip(sending, boards, strict=False)))
    elapsed = time.monotonic() - started
    used = delta(counters.read(), counts)
    cpu_used = cpu_seconds(worker) - cpu
    await close_all(watching + sending)
    patches = len(latencies) + senders
    quiet = {key: background[key] * elapsed * senders for key in ("statements", "redis")}
    latencies.sort()
    return {
        "senders": senders,
        "sockets": senders * 5,
        "patches": patches,
        "patches_per_s": patches / elapsed,
        "cpu_share": cpu_used / elapsed,
        "cpu_ms_per_patch": cpu_used / patches * 1000,
        "ack_p50_ms": statistics.median(latencies) * 1000,
        "ack_p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "pg_statements_per_patch": (used["statements"] - quiet["statements"]) / patches,
        "pg_commits_per_patch": used["commits"] / patches,
        "redis_commands_per_patch": (used["redis"] - quiet["redis"]) / patches,
    }


async def measure(stack: Stack, args: argparse.Namespace) -> dict[str, Any]:
    script = _SEED.format(maps=args.maps)
    output = stack.manage("shell", "-c", script).stdout
    boards: list[dict[str, Any]] = json.loads(
        next(line for line in output.splitlines() if line.startswith("SEED"))[4:]
    )
    counters = Counters(stack)
    # Warm the process up (imports, first queries) before taking its baseline.
    await close_all(await open_clients(stack, [(boards[0]["map"], boards[0]["sessions"][0])]))
    one_map = [(boards[0]["map"], boards[0]["sessions"][0])] * args.sockets
    per_map = args.sockets // args.maps
    spread = [(b["map"], b["sessions"][0]) for b in boards for _ in range(per_map)]
    figures: dict[str, Any] = {"idle_one_map": await idle(stack, counters, one_map, args.seconds)}
    figures["idle_spread"] = await idle(stack, counters, spread, args.seconds)
    spread_maps = figures["idle_spread"]["maps"]
    background = {
        "statements": figures["idle_spread"]["pg_statements_per_s"] / spread_maps,
        "redis": figures["idle_spread"]["redis_commands_per_s"] / spread_maps,
    }
    figures["per_open_map"] = {
        "pg_statements_per_s": background["statements"],
        "redis_commands_per_s": background["redis"],
        "cpu_share": figures["idle_spread"]["cpu_share"] / spread_maps,
    }
    figures["writes"] = await writes(
        stack, counters, boards, args.senders, args.seconds, background
    )
    figures["load_average"] = os.getloadavg()[0]
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sockets", type=int, default=200)
    parser.add_argument("--maps", type=int, default=40)
    parser.add_argument("--senders", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--env", action="append", default=[], help="KEY=VALUE for the server")
    args = parser.parse_args()
    env = dict(item.split("=", 1) for item in args.env)
    stack = Stack(workers=1, env={"WS_MAX_SOCKETS_PER_USER": str(args.sockets + 10), **env})
    stack.pg_options = ["shared_preload_libraries=pg_stat_statements"]
    with stack:
        figures = asyncio.run(measure(stack, args))
    for section, values in figures.items():
        if isinstance(values, dict):
            print(section)
            for key, value in values.items():
                print(f"  {key:28} {value:10.2f}")
        else:
            print(f"{section:30} {values:10.2f}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
