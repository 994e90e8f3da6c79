"""Benchmark: how long a full garbage collection stalls a serving process, with the objects
loaded at start-up frozen (journeymap/asgi.py) and, as the baseline measured in the same run,
without.

Each variant runs in a fresh process that imports journeymap.asgi (Django, the apps, the URL
conf), as a server does before its first socket; it then times `gc.collect()` — the pause
a generation-2 collection puts on every socket of the process — `--repeat` times.

    .venv/bin/python bench/gc_pause.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

MEASURE = """
import gc, json, os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "journeymap.settings")
if sys.argv[1] == "unfrozen":
    gc.freeze = lambda: None  # what asgi.py did before it froze the start-up objects
import journeymap.asgi  # noqa: F401
tracked = len(gc.get_objects())
pauses = []
for _ in range(int(sys.argv[2])):
    started = time.perf_counter()
    gc.collect()
    pauses.append((time.perf_counter() - started) * 1000)
print(json.dumps({"tracked": tracked, "frozen": gc.get_freeze_count(), "pauses": pauses}))
"""


def run(variant: str, repeat: int) -> dict[str, object]:
    env = {**os.environ, "JOURNEYMAP_TESTING": "1", "DEBUG": "0", "LOG_LEVEL": "ERROR"}
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", MEASURE, variant, str(repeat)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    rows = {variant: run(variant, args.repeat) for variant in ("unfrozen", "frozen")}
    print(f"  {'variant':<9} {'tracked':>8} {'frozen':>8} {'median ms':>10} {'max ms':>8}")
    medians = {}
    for variant, row in rows.items():
        pauses = row["pauses"]
        assert isinstance(pauses, list)
        medians[variant] = statistics.median(pauses)
        print(
            f"  {variant:<9} {row['tracked']:>8} {row['frozen']:>8} "
            f"{medians[variant]:>10.3f} {max(pauses):>8.3f}"
        )
    ratio = medians["frozen"] / medians["unfrozen"]
    print(f"  full collection, frozen ÷ unfrozen (baseline): {ratio:.4f}×")


if __name__ == "__main__":
    main()
