"""Benchmark: the PDF export of the demo map and of a 40-stage, 600-item map.

For each map it times the whole export service (gather the data, run the templates, render
in the limited subprocess, record) and reads the render child's peak memory. Beside it, in
the same run, WeasyPrint renders a pre-built static HTML of the same content (the same
HTML and CSS, written to a folder with its photos, default fetcher, in a plain child
process): the floor the export cannot beat. The ratio of the two is what the export costs
on top of WeasyPrint.

    .venv/bin/python bench/pdf.py [--repeat 5]

Uses a throwaway SQLite file and media folder unless DATABASE_URL / MEDIA_ROOT are set.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
_tmp = tempfile.mkdtemp(prefix="jm-bench-pdf-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_tmp}/bench.sqlite3")
os.environ.setdefault("MEDIA_ROOT", f"{_tmp}/media")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "journeymap.settings")
os.environ.setdefault("JOURNEYMAP_TESTING", "1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from map_read import build_map  # noqa: E402

from journeymap.export import services  # noqa: E402
from journeymap.export.options import ExportOptions  # noqa: E402
from journeymap.maps.models import JourneyMap  # noqa: E402

GOALS = {"demo": 2.0, "40 stages, 600 items": 6.0}
RATIO_GOAL = 1.3


def static_render(folder: str) -> None:
    """WeasyPrint on the static copy, with nothing of the export around it."""
    from weasyprint import CSS, HTML

    base = Path(folder)
    html = (base / "report.html").read_text(encoding="utf-8")
    css = CSS(filename=str(base / "export.css"))
    HTML(string=html, base_url=f"{base.as_uri()}/").write_pdf(stylesheets=[css])


def _baseline_child(folder: str, conn: Any) -> None:
    started = time.perf_counter()
    static_render(folder)
    conn.send((time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))


def baseline(folder: str) -> tuple[float, int]:
    """One static render in a forkserver child, like the export's: its time and peak RSS."""
    context = multiprocessing.get_context("forkserver")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_baseline_child, args=(folder, sender))
    started = time.perf_counter()
    child.start()
    seconds, peak = receiver.recv()
    child.join()
    return time.perf_counter() - started, int(peak)


def static_copy(journey_map: JourneyMap, caller: services.Caller) -> str:
    html, css, _ = services._map_html(journey_map, caller, ExportOptions())
    folder = Path(tempfile.mkdtemp(prefix="static-", dir=_tmp))
    # The photos as plain files beside the page, so the default fetcher finds them.
    html = html.replace('src="/media/', 'src="media/')
    (folder / "report.html").write_text(html, encoding="utf-8")
    (folder / "export.css").write_text(css, encoding="utf-8")
    shutil.copytree(settings.MEDIA_ROOT, folder / "media", dirs_exist_ok=True)
    return str(folder)


def export_once(journey_map: JourneyMap, caller: services.Caller) -> tuple[float, int]:
    peaks: list[int] = []
    original: Callable[..., Any] = services.run_limited

    def spy(*args: Any, **kwargs: Any) -> Any:
        rendered = original(*args, **kwargs)
        peaks.append(rendered.peak_kb)
        return rendered

    services.run_limited = spy
    try:
        started = time.perf_counter()
        services.export_map(
            journey_map=journey_map, caller=caller, options=ExportOptions(), fmt="pdf"
        )
        return time.perf_counter() - started, peaks[0]
    finally:
        services.run_limited = original


def measure(name: str, journey_map: JourneyMap, user: Any, repeat: int) -> dict[str, Any]:
    caller = services.Caller(user=user, share_link=None)
    folder = static_copy(journey_map, caller)
    export_once(journey_map, caller)  # warm the forkserver and the analysis cache
    baseline(folder)
    runs, base = [], []
    for _ in range(repeat):  # interleaved, so load on the machine hits both alike
        runs.append(export_once(journey_map, caller))
        base.append(baseline(folder))
    export_s = statistics.median(r[0] for r in runs)
    base_s = statistics.median(b[0] for b in base)
    return {
        "map": name,
        "export_s": export_s,
        "export_mb": max(r[1] for r in runs) / 1024,
        "static_s": base_s,
        "static_mb": max(b[1] for b in base) / 1024,
        "ratio": export_s / base_s,
        "goal_s": GOALS[name],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    settings.DEBUG = True  # seed_demo only runs with DEBUG on; this is a throwaway database
    call_command("seed_demo", verbosity=0)
    settings.DEBUG = False
    demo_user = get_user_model().objects.get(username="demo")
    demo = JourneyMap.objects.get(title="Buying outdoor kit online")
    big_user, big = build_map()
    rows = [
        measure("demo", demo, demo_user, args.repeat),
        measure("40 stages, 600 items", big, big_user, args.repeat),
    ]
    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; median of {args.repeat}"
    )
    header = ("map", "export s", "peak MB", "static s", "peak MB", "ratio", "goal")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        ok = row["export_s"] < row["goal_s"] and row["ratio"] <= RATIO_GOAL
        print(
            f"| {row['map']} | {row['export_s']:.2f} | {row['export_mb']:.0f} | "
            f"{row['static_s']:.2f} | {row['static_mb']:.0f} | {row['ratio']:.2f}× | "
            f"< {row['goal_s']:g} s, ≤ {RATIO_GOAL}× {'ok' if ok else 'MISSED'} |"
        )


if __name__ == "__main__":
    main()
