"""Event-log import benchmark: rows/s and peak memory of `POST /api/maps/<id>/events/`'s
service, beside a pandas in-memory baseline on the same file in the same run.

    .venv/bin/python bench/event_import.py [--rows 100000 1000000] [--databases sqlite postgres]

For each size a log is generated (cases of 3–15 events over 36 touchpoints in 6 stages,
mostly forward, sometimes back, 2% of events on touchpoints the map lacks). Each measurement
runs in a fresh process, so its peak resident memory (`ru_maxrss`) is its own; each
(baseline, import) pair runs `--repeat` times, and the table shows the medians (times, ratio)
and the largest peak:

- import: the whole service, both passes over the file, the inserts, the directly-follows and
  duration query and the transition writes through apply_ops;
- baseline: pandas `read_csv`, sort by case and time, `shift` within cases, `groupby` the pairs
  for counts, medians and 90th percentiles — the same figures, computed in memory.

Goals (issue "Journey analytics"): peak memory ≤ 300 MB at 1M rows, time ≤ 3× the baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_BENCH_DB = "journeymap_bench_events"
STAGES = 6
PER_STAGE = 6


def touchpoint_titles() -> list[list[str]]:
    return [[f"Step {s}.{t}" for t in range(PER_STAGE)] for s in range(STAGES)]


def generate(path: Path, rows: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    titles = touchpoint_titles()
    start = datetime(2026, 3, 1, tzinfo=UTC)
    written = case = 0
    with path.open("w") as out:
        out.write("case_id,touchpoint,timestamp,persona,channel\n")
        while written < rows:
            case += 1
            stage = 0
            moment = start + timedelta(minutes=rng.randrange(0, 43_200))
            for _ in range(rng.randint(3, 15)):
                if written >= rows:
                    break
                name = (
                    f"Unmapped {rng.randrange(5)}"
                    if rng.random() < 0.02
                    else rng.choice(titles[stage])
                )
                out.write(f"case-{case},{name},{moment.isoformat()},,web\n")
                written += 1
                moment += timedelta(seconds=rng.randrange(5, 3600))
                step = rng.random()
                stage = min(STAGES - 1, stage + 1) if step < 0.6 else max(0, stage - (step > 0.9))


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker_import(log: Path, database_url: str) -> dict[str, float]:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "journeymap.settings")
    os.environ["JOURNEYMAP_TESTING"] = "1"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from journeymap.maps.eventlog.services import (
        ImportOptions,
        event_import_run,
        event_import_start,
    )
    from journeymap.maps.models import JourneyMap, LaneKind
    from journeymap.maps.services.ops import apply_ops
    from journeymap.workspaces.models import Membership, Role, Workspace

    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_user(f"bench-{uuid.uuid4().hex[:8]}")
    workspace = Workspace.objects.create(name="Bench")
    Membership.objects.create(workspace=workspace, user=user, role=Role.OWNER)
    journey_map = JourneyMap.objects.create(workspace=workspace, title="Bench")
    lane = str(uuid.uuid4())
    ops: list[dict[str, object]] = [
        {
            "action": "create",
            "entity": "lane",
            "id": lane,
            "fields": {"name": "Touchpoints", "kind": LaneKind.TOUCHPOINTS},
        }
    ]
    for stage_titles in touchpoint_titles():
        stage = str(uuid.uuid4())
        ops.append(
            {
                "action": "create",
                "entity": "stage",
                "id": stage,
                "fields": {"name": stage_titles[0]},
            }
        )
        ops += [
            {
                "action": "create",
                "entity": "touchpoint",
                "id": str(uuid.uuid4()),
                "fields": {"stage": stage, "lane": lane, "title": title},
            }
            for title in stage_titles
        ]
    apply_ops(map_id=journey_map.id, actor=user, op_id=uuid.uuid4(), ops=ops)
    before = peak_mb()
    started = time.perf_counter()
    event_import = event_import_start(
        journey_map=journey_map, actor=user, filename=log.name, options=ImportOptions()
    )
    event_import_run(event_import=event_import, path=log, actor=user, options=ImportOptions())
    seconds = time.perf_counter() - started
    if event_import.status != "done":
        raise SystemExit(f"import failed: {event_import.report}")
    return {
        "seconds": seconds,
        "rows": float(event_import.report["rows"]),
        "transitions": float(event_import.report["transitions"]),
        "peak_mb": peak_mb(),
        "setup_peak_mb": before,
    }


def worker_pandas(log: Path) -> dict[str, float]:
    import pandas as pd

    started = time.perf_counter()
    frame = pd.read_csv(log, usecols=["case_id", "touchpoint", "timestamp"])
    frame["at"] = pd.to_datetime(frame["timestamp"], utc=True, format="ISO8601")
    frame = frame.sort_values(["case_id", "at"], kind="stable")
    frame["prev"] = frame.groupby("case_id")["touchpoint"].shift()
    frame["took"] = frame.groupby("case_id")["at"].diff().dt.total_seconds()
    # Steps into or out of a touchpoint the map lacks are no transitions (as in the import).
    known = frame["prev"].notna() & ~frame["prev"].str.startswith("Unmapped", na=False)
    known &= ~frame["touchpoint"].str.startswith("Unmapped") & (
        frame["prev"] != frame["touchpoint"]
    )
    steps = frame[known].groupby(["prev", "touchpoint"])["took"]
    figures = steps.agg(["count", "median", lambda s: s.quantile(0.9)])
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "rows": float(len(frame)),
        "transitions": float(len(figures)),
        "peak_mb": peak_mb(),
    }


def run_worker(kind: str, log: Path, database_url: str = "") -> dict[str, float]:
    command = [
        sys.executable,
        __file__,
        "--worker",
        kind,
        "--log",
        str(log),
        "--database-url",
        database_url,
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise SystemExit(f"{kind} worker failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def postgres_url() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{PG_BENCH_DB}"')
            conn.execute(f'CREATE DATABASE "{PG_BENCH_DB}"')
    except Exception as error:  # noqa: BLE001
        print(f"PostgreSQL not available ({error}); skipping it")
        return None
    return f"postgres://postgres@127.0.0.1:5432/{PG_BENCH_DB}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each pair; the table shows medians"
    )
    parser.add_argument("--worker", choices=["import", "pandas"])
    parser.add_argument("--log", type=Path)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    if args.worker:
        result = (
            worker_import(args.log, args.database_url)
            if args.worker == "import"
            else worker_pandas(args.log)
        )
        print(json.dumps(result))
        return

    print(
        "| rows | database | import s | rows/s | peak MB | pandas s | pandas peak MB | time ratio |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="journeymap-bench-") as tmp:
        for rows in args.rows:
            log = Path(tmp) / f"events-{rows}.csv"
            generate(log, rows)
            for database in args.databases:
                # Pair by pair: the baseline and the import alternate, so a noisy moment on
                # the machine weighs on both; the medians of `--repeat` pairs are shown.
                pairs = []
                for attempt in range(args.repeat):
                    baseline = run_worker("pandas", log)
                    if database == "sqlite":
                        url = f"sqlite:///{Path(tmp) / f'bench-{rows}-{attempt}.sqlite3'}"
                    else:
                        maybe = postgres_url()
                        if maybe is None:
                            break
                        url = maybe
                    measured = run_worker("import", log, url)
                    assert measured["transitions"] == baseline["transitions"], (
                        measured,
                        baseline,
                    )
                    pairs.append((measured, baseline))
                if not pairs:
                    continue
                seconds = statistics.median(m["seconds"] for m, _ in pairs)
                base = statistics.median(b["seconds"] for _, b in pairs)
                ratio = statistics.median(m["seconds"] / b["seconds"] for m, b in pairs)
                print(
                    f"| {rows:,} | {database} | {seconds:.2f} | {rows / seconds:,.0f} | "
                    f"{max(m['peak_mb'] for m, _ in pairs):.0f} | {base:.2f} | "
                    f"{max(b['peak_mb'] for _, b in pairs):.0f} | {ratio:.2f}× |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
