"""Scenario 5: the write path's patch p99 at 50 and 200 clients under daphne and uvicorn,
beside the bare `websockets` floor measured in the same run (bench/ws_fanout.py, which
starts its own servers; its goals are copied here as they are)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from journeymap.realtime.testing import ROOT

from .table import Row, progress

ROUNDS = 3


def write_path(stack: Any, seed_value: int, quick: bool) -> list[Row]:
    del seed_value  # the benchmark's load is fixed
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "fanout.json"
        command = [sys.executable, "bench/ws_fanout.py", "--only", "daphne,uvicorn"]
        command += ["--clients", "50,200", "--json", str(out)]
        # Three rounds of each scenario, the median round's p99 reported (bench/ws_fanout.py
        # says why); every round's figure is in the table.
        command += ["--quick"] if quick else ["--rounds", str(ROUNDS)]
        progress(" ".join(command[1:]))
        os.sync()  # what was written before (an install, a stack's data) is not its noise
        done = subprocess.run(  # noqa: S603 — our own interpreter and benchmark
            command, cwd=ROOT, capture_output=True, text=True, timeout=1800
        )
        if done.returncode != 0 or not out.exists():
            detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            return [
                Row(
                    "5",
                    "write path p99 beside the floor",
                    f"not measured: {detail[0]}"[:300],
                    "≤ 2× floor at 50 daphne, ≤ 3× at 200 uvicorn",
                    False,
                )
            ]
        report = json.loads(out.read_text())
    goals = report.get("goals") if isinstance(report, dict) else None
    if not goals:
        return [
            Row(
                "5",
                "write path p99 beside the floor",
                "not measured: the benchmark wrote no goals",
                "≤ 2× floor at 50 daphne, ≤ 3× at 200 uvicorn",
                False,
            )
        ]
    rows = []
    for goal in goals:
        if goal.get("goal") is None:
            continue
        measured = goal.get("ratio") is not None
        rounds = ", ".join(f"{v:.1f}" for v in goal.get("p99_rounds_ms", []))
        floor_rounds = ", ".join(f"{v:.1f}" for v in goal.get("floor_p99_rounds_ms", []))
        figure = (
            f"p99 {goal['p99_ms']:.1f} ms, floor {goal['floor_p99_ms']:.1f} ms: "
            f"{goal['ratio']:.2f}× ({goal['senders']} sender{'s' if goal['senders'] != 1 else ''})"
            + (f"; median of rounds {rounds} (floor {floor_rounds})" if rounds else "")
            if measured
            else "not measured (the run failed or no floor)"
        )
        rows.append(
            Row(
                "5",
                f"patch p99, {goal['clients']} clients, {goal['variant']}",
                figure,
                f"≤ {goal['goal']:g}× floor",
                bool(goal.get("holds")),
            )
        )
    return rows or [
        Row(
            "5",
            "write path p99 beside the floor",
            "not measured: no goal rows",
            "≤ 2× / ≤ 3× floor",
            False,
        )
    ]
