"""Fan-out benchmark of the live layer (docs/architecture.md, "Fan-out").

In one run, each beside the floor:
  bare      a bare `websockets` broadcast server doing the same work (parse, encode once,
            broadcast, ack) — the floor;
  daphne    Journeymap on daphne, in-memory channel layer, SQLite;
  uvicorn   Journeymap under uvicorn (uvloop, websockets-sansio, no per-socket deflate);
  daphne-normal  daphne with SQLITE_SYNCHRONOUS=NORMAL: commits without an fsync, so beside
            `daphne` it shows what waiting for the disk costs (not a goal: acks of the default
            set-up survive a power loss, these do not);
  redis2    Journeymap on two daphne processes sharing Redis and PostgreSQL, clients split.
At 10, 50 and 200 clients, with one sender at 100 ops/s and with 10 senders sharing 100 ops/s.
Every client is a `journeymap.realtime.client.MapClient`; each op is a card title update. It
prints p50/p99 patch latency (send → every client has the patch), the fan-out p99 (first
client's copy → each other's), p50/p99 ack latency and
delivered patches/s, with the ratio of each to the floor.

It ends with the goals: patch p99 at 50 and 200 clients under daphne and uvicorn beside the
floor's, ≤ 2× the floor at 50 clients under daphne and ≤ 3× at 200 under uvicorn.

    .venv/bin/python bench/ws_fanout.py            # the whole run, about 4 minutes
    .venv/bin/python bench/ws_fanout.py --quick    # 10 and 50 clients, 2 s windows (~1.5 min)
    .venv/bin/python bench/ws_fanout.py --only daphne,uvicorn --clients 50,200 --json out.json

The floor is always run (every ratio needs it), whatever `--only` names. It stays up for the
whole run, and each round of a variant's scenario is taken beside a round of the floor's at the
same clients and senders, in turns; a variant's ratios are against those paired floor rounds
(`floor` in its row), the floor's own rows pool all of them.
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from journeymap.realtime import testing  # noqa: E402
from journeymap.realtime.client import MapClient  # noqa: E402

PG_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
RATE = 100.0  # ops per second, whatever the number of senders
EDITORS = 50  # signed-in people the clients share, round-robin
PRODUCTION = {  # DEBUG off, as deployed (DEBUG would keep every SQL query in memory)
    "DEBUG": "0",
    "SECRET_KEY": "bench-" + "x" * 50,
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "0",
    "LOG_LEVEL": "ERROR",
}


# --- the floor: a bare websockets broadcast server --------------------------------------------


async def serve_bare(port: int) -> None:
    from websockets.asyncio.server import ServerConnection, broadcast, serve

    sockets: set[ServerConnection] = set()
    seq = 0

    async def handler(ws: ServerConnection) -> None:
        nonlocal seq
        sockets.add(ws)
        try:
            async for text in ws:
                frame = json.loads(text)
                if frame["type"] == "hello":
                    await ws.send(json.dumps({"type": "snapshot", "seq": seq, "map": {}}))
                elif frame["type"] == "ops":
                    seq += 1
                    patch = {
                        "type": "patch",
                        "seq": seq,
                        "op_id": frame["op_id"],
                        "actor": {"id": "1", "name": "bench"},
                        "ops": frame["ops"],
                    }
                    broadcast(sockets, json.dumps(patch, separators=(",", ":")))
                    await ws.send(json.dumps({"type": "ack", "op_id": frame["op_id"], "seq": seq}))
        finally:
            sockets.discard(ws)

    async with serve(handler, "127.0.0.1", port, compression=None, max_size=None):
        await asyncio.Future()


# --- one scenario -----------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def scenario(
    urls: list[str], setup: dict[str, Any], clients: int, senders: int, seconds: float
) -> dict[str, Any]:
    sent: dict[str, float] = {}
    patch_lat: list[float] = []
    arrivals: dict[str, list[float]] = {}
    ack_lat: list[float] = []
    window = {"start": float("inf"), "end": float("inf")}

    def on_patch(patch: dict[str, Any]) -> None:
        started = sent.get(patch["op_id"])
        if started is not None and window["start"] <= started < window["end"]:
            now = time.perf_counter()
            patch_lat.append(now - started)
            arrivals.setdefault(patch["op_id"], []).append(now)

    pool = []
    for number in range(clients):
        client = MapClient(
            urls[number % len(urls)],
            setup["map"],
            session=setup["sessions"][number % len(setup["sessions"])],
            track_state=False,
            reconnect=False,
        )
        client.on_patch.append(on_patch)
        pool.append(client)
    try:
        for start in range(0, clients, 50):
            await asyncio.gather(*(client.connect(30) for client in pool[start : start + 50]))
    except BaseException:
        await asyncio.gather(*(client.close() for client in pool), return_exceptions=True)
        raise
    await asyncio.sleep(1.0)  # let the join presence settle

    writers = pool[:senders]
    cards = setup["cards"]

    async def one(client: MapClient, card: str, i: int) -> None:
        op_id = str(uuid.uuid4())
        started = time.perf_counter()
        sent[op_id] = started
        ops = [{"action": "update", "entity": "card", "id": card, "fields": {"title": f"t{i}"}}]
        await client.send_ops(ops, op_id=op_id, applied=False, timeout=30)
        if window["start"] <= started < window["end"]:
            ack_lat.append(time.perf_counter() - started)

    async def sender(index: int, client: MapClient) -> None:
        interval = senders / RATE
        begin = time.perf_counter() + index * (1 / RATE)
        tasks, i = [], 0
        while True:
            target = begin + i * interval
            if target >= window["end"]:
                break
            await asyncio.sleep(max(0.0, target - time.perf_counter()))
            tasks.append(asyncio.ensure_future(one(client, cards[index % len(cards)], i)))
            i += 1
        await asyncio.wait(tasks, timeout=15)

    now = time.perf_counter()
    window["start"], window["end"] = now + 1.0, now + 1.0 + seconds  # 1 s warm-up
    await asyncio.gather(*(sender(i, c) for i, c in enumerate(writers)))
    await asyncio.sleep(1.0)  # stragglers
    measured = sum(1 for t in sent.values() if window["start"] <= t < window["end"])
    # The write (apply_ops) is on the end-to-end path and not the floor's; from the first
    # client's copy to each other client's is the fan-out alone.
    spread = [t - min(times) for times in arrivals.values() for t in times]
    await asyncio.gather(*(client.close() for client in pool), return_exceptions=True)
    return {
        "clients": clients,
        "senders": senders,
        "ops": measured,
        "patch_p50": pct(patch_lat, 0.5),
        "patch_p99": pct(patch_lat, 0.99),
        "fanout_p99": pct(spread, 0.99),
        "ack_p50": pct(ack_lat, 0.5),
        "ack_p99": pct(ack_lat, 0.99),
        "delivered_per_s": len(patch_lat) / seconds,
        "delivered_share": len(patch_lat) / max(1, measured * clients),
    }


async def prepare_cards(url: str, setup: dict[str, Any], count: int) -> list[str]:
    async with MapClient(url, setup["map"], session=setup["sessions"][0]) as client:
        ops = [
            {
                "action": "create",
                "entity": "card",
                "id": str(uuid.uuid4()),
                "fields": {"stage": setup["stage"], "lane": setup["lane"], "title": "bench"},
            }
            for _ in range(count)
        ]
        await client.send_ops(ops)
        return [str(op["id"]) for op in ops]


# --- variants -----------------------------------------------------------------------------------


class Variant:
    def __init__(self, name: str, label: str) -> None:
        self.name, self.label = name, label
        self.servers: list[Any] = []
        self.cleanup: list[Any] = []

    def start(self) -> tuple[list[str], dict[str, Any]]:
        if self.name == "bare":
            port = testing.free_port()
            process = subprocess.Popen(
                [sys.executable, __file__, "--serve-bare", str(port)], cwd=ROOT
            )
            self.cleanup.append(process.terminate)
            wait_port(port)
            url = f"http://127.0.0.1:{port}"
            return [url], {"map": str(uuid.uuid4()), "sessions": ["x"], "cards": ["c"] * 10}
        if self.name == "redis2":
            database = testing.create_database(PG_URL)
            self.cleanup.append(lambda: testing.drop_database(database))
            env = testing.environment(DATABASE_URL=database, REDIS_URL=REDIS_URL, **PRODUCTION)
            kinds = ["daphne", "daphne"]
        else:
            folder = tempfile.mkdtemp(prefix="jm-bench-")
            env = testing.environment(DATABASE_URL=f"sqlite:///{folder}/db.sqlite3", **PRODUCTION)
            env.pop("REDIS_URL", None)
            kinds = [self.name]
            if self.name == "daphne-normal":
                # The same server with commits that skip the fsync (settings.py says what
                # that gives up): beside `daphne`, what the disk's share of the write path is.
                env["SQLITE_SYNCHRONOUS"] = "NORMAL"
                kinds = ["daphne"]
        testing.migrate(env)
        if self.name != "redis2":
            # WAL: one fsync per commit instead of three; the mode is stored in the file.
            with sqlite3.connect(f"{folder}/db.sqlite3") as connection:
                connection.execute("PRAGMA journal_mode=WAL")
        # Enough people that 200 clients stay under the per-person socket cap of a map
        # (WS_MAX_SOCKETS_PER_USER, 10): with 10 people, 200 clients were refused 4429.
        setup = testing.seed(env, editors=EDITORS)
        self.servers = [testing.Server(kind, env).wait_ready() for kind in kinds]
        urls = [server.url for server in self.servers]
        setup["cards"] = run_loop(prepare_cards(urls[0], setup, 10))
        return urls, setup

    def stop(self) -> None:
        for server in self.servers:
            server.stop()
        for step in reversed(self.cleanup):
            try:
                step()
            except Exception as error:  # noqa: BLE001 — best effort
                print(f"  cleanup of {self.name} failed: {error}", file=sys.stderr)


def run_loop(coro: Any) -> Any:
    """The clients run on uvloop when it is there, for every variant alike."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)


def wait_port(port: int) -> None:
    import socket

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(port)


VARIANTS = [
    ("bare", "bare websockets (floor)"),
    ("daphne", "daphne, in-memory layer"),
    ("uvicorn", "uvicorn, in-memory layer"),
    ("daphne-normal", "daphne, SQLite synchronous=NORMAL"),
    ("redis2", "2 × daphne, Redis + PostgreSQL"),
]


def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    if args.clients:
        sizes = [int(size) for size in args.clients.split(",")]
    else:
        sizes = [10, 50] if args.quick else [10, 50, 200]
    seconds = 2.0 if args.quick else args.seconds
    # The floor runs whatever --only says: every ratio, and the goals, are against it.
    wanted = {"bare", *args.only.split(",")} if args.only else {name for name, _ in VARIANTS}
    others = [v for v in VARIANTS if v[0] in wanted and v[0] != "bare"]
    scenarios = [(clients, senders) for clients in sizes for senders in (1, 10)]
    floor_rounds: dict[tuple[int, int], list[dict[str, Any]]] = {key: [] for key in scenarios}
    rows: list[dict[str, Any]] = []
    floor = Variant("bare", dict(VARIANTS)["bare"])
    print(f"# {floor.label}, beside every variant's rounds", flush=True)
    try:
        floor_urls, floor_setup = floor.start()

        def floor_round(clients: int, senders: int) -> dict[str, Any]:
            result = run_loop(scenario(floor_urls, floor_setup, clients, senders, seconds))
            floor_rounds[clients, senders].append(result)
            return result

        if not others:
            for clients, senders in scenarios:
                for _round in range(args.rounds):
                    floor_round(clients, senders)
        for name, label in others:
            rows += run_variant(name, label, args.rounds, scenarios, seconds, floor_round)
    finally:
        floor.stop()
    floor_rows = [
        {"variant": "bare", **median_round(results)} for results in floor_rounds.values() if results
    ]
    return floor_rows + rows


def run_variant(
    name: str,
    label: str,
    rounds: int,
    scenarios: list[tuple[int, int]],
    seconds: float,
    floor_round: Callable[[int, int], dict[str, Any]],
) -> list[dict[str, Any]]:
    """Each round of each scenario beside a round of the floor, taken in turns (floor first in
    even rounds, the variant first in odd ones): the machine's speed drifts over minutes on
    these VMs (one variant's p50 moved 3.7–6.0 ms between runs), so a floor measured minutes
    before a variant made its ratio a measure of the drift as much as of the server."""
    variant = Variant(name, label)
    print(f"# {label}", flush=True)
    rows: list[dict[str, Any]] = []
    try:
        urls, setup = variant.start()
        # Migrating and seeding wrote the database files: flush the page cache now, so
        # its writeback does not land in the measured windows' commits (SQLite fsyncs
        # each one; on this VM a commit waiting behind writeback took 20–50 ms).
        os.sync()
        for clients, senders in scenarios:
            results, paired = [], []
            try:
                for index in range(rounds):
                    if index % 2 == 0:
                        paired.append(floor_round(clients, senders))
                    results.append(run_loop(scenario(urls, setup, clients, senders, seconds)))
                    if index % 2 == 1:
                        paired.append(floor_round(clients, senders))
            except (TimeoutError, OSError) as error:
                # A server too loaded to let every client in: recorded as failed
                # (and a goal it had as missed), and the run goes on.
                print(f"  {clients:>3} clients {senders:>2} senders: failed: {error!r}")
                rows.append(failed_row(name, clients, senders, repr(error)))
                continue
            result = median_round(results)
            base = median_round(paired)
            rows.append({"variant": name, **result, "floor": base})
            print(
                f"  {clients:>3} clients {senders:>2} senders: "
                f"patch p50 {result['patch_p50']:6.1f} p99 {result['patch_p99']:7.1f} ms  "
                f"fan-out p99 {result['fanout_p99']:6.1f} ms  "
                f"ack p50 {result['ack_p50']:6.1f} p99 {result['ack_p99']:7.1f} ms  "
                f"{result['delivered_per_s']:8.0f} msg/s "
                f"({result['delivered_share']:.1%} delivered)  "
                f"floor p50 {base['patch_p50']:.1f} p99 {base['patch_p99']:.1f} ms"
                + (
                    "  rounds' p99: "
                    + ", ".join(f"{v:.1f}" for v in result["p99_rounds"])
                    + " (floor "
                    + ", ".join(f"{v:.1f}" for v in base["p99_rounds"])
                    + ")"
                    if rounds > 1
                    else ""
                ),
                flush=True,
            )
    finally:
        variant.stop()
    return rows


def median_round(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The round with the median patch p99, all its figures together, and every round's p99.

    A 4-second window's p99 is about its fourth-slowest batch of 400 (each batch reaches
    every client at nearly the same time), so one stall of the machine decides it; the
    median of a few rounds is the figure a stall does not."""
    ordered = sorted(results, key=lambda result: result["patch_p99"])
    return {**ordered[len(ordered) // 2], "p99_rounds": [r["patch_p99"] for r in results]}


def failed_row(variant: str, clients: int, senders: int, error: str) -> dict[str, Any]:
    nan = float("nan")
    measures = ("patch_p50", "patch_p99", "fanout_p99", "ack_p50", "ack_p99")
    return {
        "variant": variant,
        "clients": clients,
        "senders": senders,
        "ops": 0,
        **dict.fromkeys(measures, nan),
        "delivered_per_s": 0.0,
        "delivered_share": 0.0,
        "error": error,
    }


def table(rows: list[dict[str, Any]]) -> str:
    floor = {(r["clients"], r["senders"]): r for r in rows if r["variant"] == "bare"}
    lines = [
        "| variant | clients | senders | patch p50 ms | patch p99 ms | p99 × floor "
        "| fan-out p99 ms | × floor | ack p50 ms | ack p99 ms | delivered msg/s | × floor |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    labels = dict(VARIANTS)
    for r in rows:
        base = r.get("floor") or floor.get((r["clients"], r["senders"]))
        p99_ratio = r["patch_p99"] / base["patch_p99"] if base else float("nan")
        rate_ratio = r["delivered_per_s"] / base["delivered_per_s"] if base else float("nan")
        fan_ratio = r["fanout_p99"] / base["fanout_p99"] if base else float("nan")
        lines.append(
            f"| {labels[r['variant']]} | {r['clients']} | {r['senders']} | {r['patch_p50']:.1f} "
            f"| {r['patch_p99']:.1f} | {p99_ratio:.2f} | {r['fanout_p99']:.1f} | {fan_ratio:.2f} "
            f"| {r['ack_p50']:.1f} | {r['ack_p99']:.1f} "
            f"| {r['delivered_per_s']:.0f} | {rate_ratio:.2f} |"
        )
    return "\n".join(lines)


# (variant, clients) → the most patch p99 may be, as a multiple of the floor's at the same
# clients and senders.
GOALS = {("daphne", 50): 2.0, ("uvicorn", 200): 3.0}
GOAL_VARIANTS = ("daphne", "uvicorn")
GOAL_CLIENTS = (50, 200)


def goals(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Patch p99 of daphne and uvicorn at 50 and 200 clients beside the floor's, per sender
    count, with the goal where there is one (None elsewhere) and whether it holds."""
    floor = {(r["clients"], r["senders"]): r for r in rows if r["variant"] == "bare"}
    out = []
    for r in rows:
        if r["variant"] not in GOAL_VARIANTS or r["clients"] not in GOAL_CLIENTS:
            continue
        # The floor rounds taken beside this variant's (run_variant); the pooled floor row
        # only for a row that has none.
        base = r.get("floor") or floor.get((r["clients"], r["senders"]))
        p99 = _measured(r["patch_p99"])
        floor_p99 = _measured(base["patch_p99"]) if base else None
        ratio = p99 / floor_p99 if p99 is not None and floor_p99 else None
        goal = GOALS.get((r["variant"], r["clients"]))
        out.append(
            {
                "variant": r["variant"],
                "clients": r["clients"],
                "senders": r["senders"],
                "p99_ms": None if p99 is None else round(p99, 2),
                "floor_p99_ms": None if floor_p99 is None else round(floor_p99, 2),
                "ratio": None if ratio is None else round(ratio, 2),
                "p99_rounds_ms": [round(v, 2) for v in r.get("p99_rounds", [])],
                "floor_p99_rounds_ms": [round(v, 2) for v in (base or {}).get("p99_rounds", [])],
                "goal": goal,
                # Not measured (a failed scenario, no floor) is not met.
                "holds": None if goal is None else ratio is not None and ratio <= goal,
            }
        )
    return out


def _strict(row: dict[str, Any]) -> dict[str, Any]:
    """A row with NaN (a measure that failed) as None, its paired floor row too."""
    return {
        k: _measured(v) if isinstance(v, float) else _strict(v) if isinstance(v, dict) else v
        for k, v in row.items()
    }


def _measured(value: float) -> float | None:
    return None if value != value else value  # NaN: nothing was measured


def goal_table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| variant | clients | senders | patch p99 ms | floor p99 ms | × floor | goal | holds |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for g in rows:
        goal = f"≤ {g['goal']:g}×" if g["goal"] is not None else "–"
        holds = "–" if g["holds"] is None else ("yes" if g["holds"] else "**no**")
        p99, floor, ratio = (
            "failed" if g[key] is None else f"{g[key]:.{digits}f}"
            for key, digits in (("p99_ms", 1), ("floor_p99_ms", 1), ("ratio", 2))
        )
        lines.append(
            f"| {g['variant']} | {g['clients']} | {g['senders']} | {p99} "
            f"| {floor} | {ratio} | {goal} | {holds} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="10 and 50 clients, 2 s windows")
    parser.add_argument("--seconds", type=float, default=4.0, help="measured window per scenario")
    parser.add_argument(
        "--only", help="comma-separated variants: bare,daphne,uvicorn,daphne-normal,redis2"
    )
    parser.add_argument("--clients", help="comma-separated client counts, e.g. 50,200")
    parser.add_argument("--json", help="also write the rows (and the goals) to this file")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="measure each scenario this many times and report the round with the median p99",
    )
    parser.add_argument("--serve-bare", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_bare:
        asyncio.run(serve_bare(args.serve_bare))
        return
    started = time.monotonic()
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores", flush=True)
    rows = run(args)
    print()
    print(table(rows))
    summary = goals(rows)
    if summary:
        print("\nGoals: patch p99 ≤ 2× the floor at 50 clients (daphne), ≤ 3× at 200 (uvicorn)")
        print(goal_table(summary))
    print(f"\n(run took {time.monotonic() - started:.0f} s)")
    if args.json:
        # A measure that failed is null, not NaN (which strict JSON readers refuse).
        clean = [_strict(r) for r in rows]
        Path(args.json).write_text(json.dumps({"rows": clean, "goals": summary}, indent=2))


if __name__ == "__main__":
    main()
