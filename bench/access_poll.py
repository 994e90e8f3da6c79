"""Benchmark: one access poll of a map (journeymap.realtime.access.poll_access), the check each
process runs every ACCESS_POLL_INTERVAL (0.5 s) for every map it has sockets on.

With 1, 10 and 50 signed-in sockets (each its own person and session) on one map, it prints
the median and p90 wall and CPU time of a poll as it runs between edits — every session's
verdict remembered from the poll before — beside a baseline measured in the same run,
interleaved: the same poll with nothing remembered (every session decoded and its auth hashes
computed, as every poll did before the verdicts were remembered), and the ratio of the two.

    .venv/bin/python bench/access_poll.py [--repeat 300]

SQLite (WAL) in a throwaway file; DEBUG off, as deployed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIZES = (1, 10, 50)


def measure(size: int, repeat: int) -> None:
    import uuid

    from django.contrib.auth import get_user_model

    from journeymap.realtime import sessions as session_checks
    from journeymap.realtime.access import poll_access
    from journeymap.realtime.testing import seed_map

    seeded = seed_map(editors=size)
    users = {str(u.pk): u for u in get_user_model().objects.filter(pk__in=seeded["users"])}
    claims = {
        key: session_checks.SessionClaim(
            user_id=user_id, auth_hash=users[user_id].get_session_auth_hash()
        )
        for key, user_id in zip(seeded["sessions"], seeded["users"], strict=True)
    }
    map_id = uuid.UUID(seeded["map"])

    def poll() -> None:
        _audience, alive = poll_access(map_id=map_id, with_shares=False, claims=claims)
        assert len(alive) == size, "every seeded session is signed in"

    def forgetting() -> None:
        session_checks._stored_session_signs_in.cache_clear()
        poll()

    runs: dict[str, Callable[[], None]] = {"remembered": poll, "baseline": forgetting}
    wall: dict[str, list[float]] = {name: [] for name in runs}
    cpu: dict[str, list[float]] = {name: [] for name in runs}
    poll()  # warm-up
    for _ in range(repeat):
        for name, fn in runs.items():
            started, started_cpu = time.perf_counter(), time.process_time()
            fn()
            wall[name].append((time.perf_counter() - started) * 1000)
            cpu[name].append((time.process_time() - started_cpu) * 1000)
    base = statistics.median(wall["baseline"])
    for name in runs:
        median = statistics.median(wall[name])
        print(
            f"  {size:>7} {name:<12} {median:>10.2f} "
            f"{statistics.quantiles(wall[name], n=10)[-1]:>8.2f} "
            f"{statistics.median(cpu[name]):>7.2f} {median / base:>9.2f}×"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="jm-bench-")
    os.environ.pop("JOURNEYMAP_TESTING", None)
    os.environ.update(
        DEBUG="0",
        SECRET_KEY="bench-" + "x" * 50,
        ALLOWED_HOSTS="127.0.0.1",
        LOG_LEVEL="ERROR",
        DJANGO_SETTINGS_MODULE="journeymap.settings",
        DATABASE_URL=f"sqlite:///{folder}/db.sqlite3",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"access poll of one map, {args.repeat} polls of each kind, interleaved")
    header = f"  {'sockets':>7} {'kind':<12} {'median ms':>10} {'p90 ms':>8} {'CPU ms':>7}"
    print(header + f" {'× baseline':>10}")
    for size in SIZES:
        measure(size, args.repeat)
    print("  (baseline: the same poll with no verdict remembered)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
