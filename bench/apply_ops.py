"""Benchmark: what `apply_ops` costs per batch, for one-op update, create, move and delete
batches of a card, on SQLite (WAL) and PostgreSQL (a kept connection).

For each kind it prints the statements one batch sends and the median (and p90) wall and CPU
time per batch, beside a baseline measured in the same run, interleaved: a bare single-row
`UPDATE` of a card and the `INSERT` of its op-log row, done with the ORM in one transaction —
what any durable, logged edit has to do — and the ratio of the two.

    .venv/bin/python bench/apply_ops.py [--repeat 300] [--database sqlite,postgres]

PostgreSQL runs in a throwaway database on BENCH_POSTGRES_URL's server and is skipped when
that server is not reachable. DEBUG is off, as deployed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
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

PG_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
KINDS = ("update", "create", "move", "delete")
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "bench-" + "x" * 50,
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "LOG_LEVEL": "ERROR",
    "DJANGO_SETTINGS_MODULE": "journeymap.settings",
}


# --- the measuring process (one per database) --------------------------------------------------


def measure(repeat: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction

    from journeymap.maps.models import Card, JourneyMap, MapOp
    from journeymap.maps.services.ops import apply_ops
    from journeymap.workspaces.models import Membership, Role, Workspace

    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_user(username="bench")
    workspace = Workspace.objects.create(name="Bench")
    Membership.objects.create(workspace=workspace, user=user, role=Role.EDITOR)
    journey_map = JourneyMap.objects.create(workspace=workspace, title="Bench map")
    stage, lane = str(uuid.uuid4()), str(uuid.uuid4())
    card = str(uuid.uuid4())
    doomed = [str(uuid.uuid4()) for _ in range(repeat + 2)]

    def batch(ops: list[dict[str, Any]]) -> None:
        apply_ops(map_id=journey_map.id, actor=user, op_id=uuid.uuid4(), ops=ops)

    batch(
        [
            {"action": "create", "entity": "stage", "id": stage, "fields": {"name": "Stage"}},
            {"action": "create", "entity": "lane", "id": lane, "fields": {"name": "Do"}},
        ]
    )
    where = {"stage": stage, "lane": lane}
    batch(
        [
            {"action": "create", "entity": "card", "id": item, "fields": {**where, "title": "c"}}
            for item in [card, *doomed]
        ]
    )
    counter = [0]

    def op(kind: str) -> list[dict[str, Any]]:
        counter[0] += 1
        n = counter[0]
        if kind == "update":
            return [
                {"action": "update", "entity": "card", "id": card, "fields": {"title": f"t{n}"}}
            ]
        if kind == "create":
            fields = {**where, "title": f"new {n}"}
            return [
                {"action": "create", "entity": "card", "id": str(uuid.uuid4()), "fields": fields}
            ]
        if kind == "move":
            key = "a1" if n % 2 else "a2"
            return [{"action": "move", "entity": "card", "id": card, "fields": {"order_key": key}}]
        return [{"action": "delete", "entity": "card", "id": doomed.pop(), "fields": {}}]

    # The baseline: the one row changed and the one log row added, in one transaction, on a
    # map of its own so its seq never meets apply_ops's.
    base_map = JourneyMap.objects.create(workspace=workspace, title="Baseline map")
    base_seq = [0]

    def baseline() -> None:
        base_seq[0] += 1
        ops = [{"action": "update", "entity": "card", "id": card, "fields": {"title": "b"}}]
        with transaction.atomic():
            Card.objects.filter(pk=card).update(title=f"b{base_seq[0]}")
            MapOp.objects.create(
                map=base_map, seq=base_seq[0], op_id=uuid.uuid4(), actor=user, ops=ops
            )

    def statements(fn: Callable[[], None]) -> int:
        count = [0]

        def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            count[0] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(wrapper):
            fn()
        return count[0]

    def timed(fn: Callable[[], None], wall: list[float], cpu: list[float]) -> None:
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)

    def run_kind(kind: str) -> Callable[[], None]:
        return lambda: batch(op(kind))

    runs: dict[str, Callable[[], None]] = {kind: run_kind(kind) for kind in KINDS}
    runs["baseline"] = baseline
    counts = {name: statements(fn) for name, fn in runs.items()}  # also the warm-up
    wall: dict[str, list[float]] = {name: [] for name in runs}
    cpu: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):
        # Interleaved, so the machine's other load falls on every kind and the baseline alike.
        for name, fn in runs.items():
            timed(fn, wall[name], cpu[name])
    return {
        "database": connection.vendor,
        "repeat": repeat,
        "results": {
            name: {
                "statements": counts[name],
                "median_ms": statistics.median(wall[name]),
                "p90_ms": statistics.quantiles(wall[name], n=10)[-1],
                "cpu_median_ms": statistics.median(cpu[name]),
            }
            for name in runs
        },
    }


# --- the driver ----------------------------------------------------------------------------------


def run_child(database_url: str, repeat: int) -> dict[str, Any]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    env.pop("JOURNEYMAP_TESTING", None)
    env.update(PRODUCTION, DATABASE_URL=database_url)
    out = subprocess.run(
        [sys.executable, __file__, "--child", "--repeat", str(repeat)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def report(result: dict[str, Any]) -> str:
    rows = result["results"]
    base = rows["baseline"]
    lines = [
        f"{result['database']}: {result['repeat']} batches of each kind, interleaved",
        f"  {'batch':<9} {'statements':>10} {'median ms':>10} {'p90 ms':>8} {'CPU ms':>7}"
        f" {'× baseline':>10}",
    ]
    for name, row in rows.items():
        label = "baseline" if name == "baseline" else f"{name}"
        lines.append(
            f"  {label:<9} {row['statements']:>10} {row['median_ms']:>10.2f} "
            f"{row['p90_ms']:>8.2f} {row['cpu_median_ms']:>7.2f} "
            f"{row['median_ms'] / base['median_ms']:>9.2f}×"
        )
    lines.append(
        "  (baseline: one ORM UPDATE of the card and one INSERT of a MapOp, in one transaction)"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=300, help="batches of each kind")
    parser.add_argument("--database", default="sqlite,postgres", help="sqlite,postgres")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.repeat)))
        return
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores", flush=True)
    results = []
    for name in args.database.split(","):
        if name == "sqlite":
            folder = tempfile.mkdtemp(prefix="jm-bench-")
            results.append(run_child(f"sqlite:///{folder}/bench.sqlite3", args.repeat))
        elif name == "postgres":
            from journeymap.realtime import testing

            try:
                database = testing.create_database(PG_URL)
            except Exception as error:  # noqa: BLE001 — no server here: say so, go on
                print(f"postgres skipped: {error}")
                continue
            try:
                results.append(run_child(database, args.repeat))
            finally:
                testing.drop_database(database)
        else:
            parser.error(f"unknown database {name!r}")
        print(report(results[-1]), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
