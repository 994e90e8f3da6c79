"""`make reliability`: every scenario of docs/reliability.md through nginx in front of two
daphne processes, printed as one table.

    .venv/bin/python reliability/run.py [--quick] [--only 1a,4] [--seed N] [--json out.json]

Exits non-zero when any line does not hold (or a scenario could not run).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from reliability.common import make_stack  # noqa: E402
from reliability.table import Row, render  # noqa: E402

Scenario = Callable[[Any, int, bool], list[Row]]


@dataclass(frozen=True)
class Entry:
    title: str
    run: Scenario
    # The stack it runs on: None for none (the benchmark starts its own servers), "shared"
    # for the one stack most scenarios share (each seeds its own workspace), "fresh" for a
    # stack of its own (the load, so memory before and after is the load's alone), or a
    # dict of settings for a stack of its own with them.
    stack: str | dict[str, str] | None = "shared"


def scenarios() -> dict[str, Entry]:
    from reliability import (
        backups,
        convergence,
        durability,
        hostile,
        load,
        recovery,
        revocation,
        write_path,
    )

    return {
        "1a": Entry("daphne processes SIGKILLed mid-edit", durability.kill_workers),
        "1b": Entry("PostgreSQL restarted mid-edit", durability.restart_postgres),
        "2": Entry("convergence under concurrency, through nginx", convergence.convergence),
        "3": Entry("hostile WebSocket input through nginx", hostile.hostile, hostile.UNLIMITED),
        "4": Entry("a workshop's load through nginx", load.load, "fresh"),
        "5": Entry("the write path beside the floor", write_path.write_path, None),
        "6": Entry("revocation on every process", revocation.revocation),
        "7": Entry("trash and audit log through the REST API", recovery.recovery),
        "8": Entry("back up and restore a workspace", backups.backups),
    }


def _run(entry: Entry, stack: Any, seed: int, quick: bool) -> list[Row]:
    if stack is not None:
        for worker in stack.workers:  # a scenario before may have killed one
            if not worker.alive:
                worker.start()
    return entry.run(stack, seed, quick)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short runs, for development")
    parser.add_argument("--only", help="comma-separated scenario numbers, e.g. 1a,4")
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args(argv)
    available = scenarios()
    wanted = args.only.split(",") if args.only else list(available)
    unknown = [number for number in wanted if number not in available]
    if unknown:
        parser.error(f"unknown scenario {', '.join(unknown)} (known: {', '.join(available)})")
    rows_of: dict[str, list[Row]] = {}
    # Scenarios that start their own servers (the write-path benchmark) run first, before
    # any stack has loaded the machine: its SQLite commits fsync, and the disk writes of a
    # stack being torn down (PostgreSQL's shutdown checkpoint) landed in its p99 — 54.7 ms
    # against 6–8 ms on the quiet machine. The table keeps the scenarios' order.
    run_order = sorted(wanted, key=lambda number: available[number].stack is not None)
    with contextlib.ExitStack() as stacks:
        shared: Any = None
        for number in run_order:
            entry = available[number]
            print(f"== {number}: {entry.title}", file=sys.stderr, flush=True)
            started = time.monotonic()
            try:
                if entry.stack is None:
                    got = _run(entry, None, args.seed, args.quick)
                elif entry.stack == "shared":
                    if shared is None:
                        shared = stacks.enter_context(make_stack())
                    got = _run(entry, shared, args.seed, args.quick)
                else:
                    env = entry.stack if isinstance(entry.stack, dict) else {}
                    with make_stack(**env) as own:
                        got = _run(entry, own, args.seed, args.quick)
            except Exception as error:  # a scenario that cannot run is a line that fails
                traceback.print_exc()
                got = [Row(number, entry.title, f"could not run: {error!r}"[:300], "runs", False)]
            for row in got:
                mark = "ok " if row.holds else "NO "
                print(f"   {mark} {row.number} {row.figure}", file=sys.stderr, flush=True)
            print(f"   ({time.monotonic() - started:.0f} s)", file=sys.stderr, flush=True)
            rows_of[number] = got
    rows = [row for number in wanted for row in rows_of.get(number, [])]
    print(render(rows))
    if args.json:
        Path(args.json).write_text(json.dumps([row.as_dict() for row in rows], indent=2))
    return 0 if rows and all(row.holds for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
