"""Benchmark: what waiting for the disk costs a SQLite commit, as the live write path does it.

Each batch is one transaction of the shape `apply_ops` writes for a one-op update: the card
row, the map row's seq, and the op-log row with its unique (map, op_id) index, in WAL mode,
10 ms apart (the live benchmark's 100 batches/s, so the CPU and the disk idle in between).
It prints p50, p99 and the worst commit for synchronous=FULL (the default: an ack survives a
power loss; the baseline) and NORMAL (it survives the process being killed, not the machine
losing power), in alternating rounds, and NORMAL's ratio to FULL.

    .venv/bin/python bench/sqlite_commit.py [--batches 500] [--rounds 4]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import tempfile
import time
import uuid
from pathlib import Path

LEVELS = ("FULL", "NORMAL")


def one_round(folder: Path, level: str, batches: int) -> list[float]:
    path = folder / f"{level}-{uuid.uuid4().hex}.sqlite3"
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute(f"PRAGMA synchronous={level}")
        connection.execute("CREATE TABLE map (id INTEGER PRIMARY KEY, seq INTEGER)")
        connection.execute(
            "CREATE TABLE card (id INTEGER PRIMARY KEY, title TEXT, body TEXT, updated TEXT)"
        )
        connection.execute(
            "CREATE TABLE op (id INTEGER PRIMARY KEY, map INTEGER, op_id TEXT, seq INTEGER, "
            "ops TEXT, UNIQUE (map, op_id))"
        )
        connection.execute("INSERT INTO map VALUES (1, 0)")
        connection.executemany(
            "INSERT INTO card VALUES (?, 'card', ?, '')", [(i, "x" * 600) for i in range(500)]
        )
        latencies = []
        for i in range(batches):
            time.sleep(0.01)
            started = time.perf_counter()
            connection.execute("BEGIN IMMEDIATE")
            connection.execute(
                "UPDATE card SET title = ?, updated = ? WHERE id = ?",
                (f"t{i}", str(time.time()), (i * 37) % 500),
            )
            connection.execute("UPDATE map SET seq = seq + 1 WHERE id = 1")
            connection.execute(
                "INSERT INTO op (map, op_id, seq, ops) VALUES (1, ?, ?, ?)",
                (str(uuid.uuid4()), i, '[{"action":"update"}]'),
            )
            connection.execute("COMMIT")
            latencies.append(time.perf_counter() - started)
        return latencies
    finally:
        connection.close()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--batches", type=int, default=500, help="commits per round")
    parser.add_argument("--rounds", type=int, default=4, help="rounds of each level, alternated")
    args = parser.parse_args()
    results: dict[str, list[float]] = {level: [] for level in LEVELS}
    # Under the system temporary folder, like the live benchmark's database.
    with tempfile.TemporaryDirectory(prefix="jm-commit-") as folder:
        os.sync()
        for _round in range(args.rounds):
            for level in LEVELS:
                results[level] += one_round(Path(folder), level, args.batches)
    full = results["FULL"]
    print("| synchronous | commits | p50 ms | p99 ms | max ms | p50 × FULL | p99 × FULL |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for level in LEVELS:
        values = results[level]
        print(
            f"| {level} | {len(values)} | {pct(values, 0.5):.2f} | {pct(values, 0.99):.2f} "
            f"| {max(values) * 1000:.1f} | {pct(values, 0.5) / pct(full, 0.5):.2f} "
            f"| {pct(values, 0.99) / pct(full, 0.99):.2f} |"
        )


if __name__ == "__main__":
    main()
