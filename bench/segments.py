"""Segment benchmark on PostgreSQL: how long the two seed examples take to evaluate through
`customers_matching`, beside a hand-written SQL query for each in the same run; and the
customer-data import's throughput and peak memory.

    .venv/bin/python bench/segments.py [--customers 1000000] [--purchases 5000000]
                                       [--import-customers 1000000] [--import-purchases 1000000]

Evaluation: the customers and purchases are written straight into the tables with COPY
(this is set-up, not what is measured), then each query runs `--repeat` times, the ORM's and
the hand-written alternating, and the medians are shown with their ratio. The counts must
agree. Goal (issue "Segments, customer data and features"): ratio ≤ 1.5×.

Import: a customers file and a purchases file are generated and imported together by
`customer_data_import` into an empty workspace, in a fresh process, whose peak resident
memory (`ru_maxrss`) is reported. Goal: ≤ 300 MB.
"""

from __future__ import annotations

import argparse
import io
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
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_BENCH_DB = os.environ.get("BENCH_SEGMENTS_DB", "journeymap_bench_segments")
PRODUCTS = [f"Product {n}" for n in range(40)]
SEED_PRODUCT = PRODUCTS[3]
GENDERS = ["female", "male", "Male", "non-binary"]
CITIES = ["Leeds", "York", "Bath", "Hull", "Derby", "Luton"]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "journeymap.settings")
    os.environ["JOURNEYMAP_TESTING"] = "1"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _copy(cursor: Any, table: str, columns: str, rows: Any) -> None:
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        buffer = io.StringIO()
        for n, row in enumerate(rows, 1):
            buffer.write(row)
            if n % 50_000 == 0:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
        copy.write(buffer.getvalue())


def fill(workspace_id: uuid.UUID, customers: int, purchases: int) -> None:
    """Customers with ages 16–80 and a mixed-case gender; purchases over two years."""
    from django.db import connection

    rng = random.Random(7)
    today = date.today()
    now = datetime.now(UTC)
    ids = [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(customers)]

    def customer_rows() -> Any:
        for n, pk in enumerate(ids):
            born = today - timedelta(days=rng.randrange(16 * 365, 80 * 365))
            yield (
                f"{pk}\t{workspace_id}\tC{n}\tc{n}@example.com\tFirst{n % 997}\tLast{n % 991}\t"
                f"{rng.choice(GENDERS)}\t{born}\t{rng.choice(CITIES)}\tUK\t"
                f"{rng.randrange(15_000, 90_000)}\t{today - timedelta(days=rng.randrange(900))}\t"
                f"{{}}\t{now.isoformat()}\n"
            )

    def purchase_rows() -> Any:
        for _ in range(purchases):
            when = now - timedelta(minutes=rng.randrange(0, 730 * 1440))
            yield (
                f"{uuid.UUID(int=rng.getrandbits(128), version=4)}\t{rng.choice(ids)}\t"
                f"{rng.choice(PRODUCTS)}\t{rng.randrange(5, 400)}.{rng.randrange(100):02d}\t"
                f"{when.isoformat()}\t\t\n"
            )

    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # psycopg's own cursor, for COPY
        _copy(
            cursor,
            "personas_customerprofile",
            "id, workspace_id, external_id, email, first_name, last_name, gender, birth_date, "
            "city, country, income, signup_date, attributes, created_at",
            customer_rows(),
        )
        _copy(
            cursor,
            "personas_purchase",
            "id, customer_id, product, amount, purchased_at, channel, fingerprint",
            purchase_rows(),
        )
        cursor.execute("ANALYZE personas_customerprofile")
        cursor.execute("ANALYZE personas_purchase")


YOUNG_MEN = {
    "all": [
        {"field": "gender", "op": "eq", "value": "male"},
        {"field": "age", "op": "between", "value": [18, 25]},
    ]
}
BUYERS = {
    "all": [
        {
            "purchases": {"product": SEED_PRODUCT, "within_days": 90},
            "agg": "count",
            "op": "gte",
            "value": 1,
        },
        {"purchases": {}, "agg": "sum", "op": "gt", "value": 500},
    ]
}

# What someone who knows the schema would write by hand for each.
HAND_YOUNG_MEN = """
SELECT count(*) FROM personas_customerprofile
WHERE workspace_id = %(ws)s AND lower(gender) = 'male'
  AND birth_date > %(born_after)s AND birth_date <= %(born_by)s
"""
HAND_BUYERS = """
SELECT count(*) FROM personas_customerprofile c
WHERE c.workspace_id = %(ws)s
  AND EXISTS (SELECT 1 FROM personas_purchase p WHERE p.customer_id = c.id
              AND upper(p.product) = upper(%(product)s) AND p.purchased_at >= %(since)s)
  AND (SELECT coalesce(sum(p.amount), 0) FROM personas_purchase p
       WHERE p.customer_id = c.id) > 500
"""


def worker_evaluate(database_url: str, customers: int, purchases: int, repeat: int) -> Any:
    setup_django(database_url)
    from django.db import connection
    from django.utils import timezone

    from journeymap.workspaces.models import Workspace
    from personas.selectors import customers_matching

    workspace = Workspace.objects.create(name="Bench")
    started = time.perf_counter()
    fill(workspace.id, customers, purchases)
    fill_seconds = time.perf_counter() - started
    now = timezone.now()
    today = timezone.localdate(now)

    def years_back(years: int) -> date:
        try:
            return today.replace(year=today.year - years)
        except ValueError:
            return today.replace(year=today.year - years, day=28)

    params: dict[str, Any] = {
        "ws": workspace.id,
        "born_after": years_back(26),
        "born_by": years_back(18),
        "product": SEED_PRODUCT,
        "since": now - timedelta(days=90),
    }
    results = []
    for name, rules, hand in (
        ("men aged 18–25", YOUNG_MEN, HAND_YOUNG_MEN),
        ("bought X in 90 days, spent > 500", BUYERS, HAND_BUYERS),
    ):
        orm_times, hand_times = [], []
        orm_count = hand_count = -1
        for _ in range(repeat):
            t = time.perf_counter()
            orm_count = customers_matching(workspace_id=workspace.id, rules=rules, now=now).count()
            orm_times.append(time.perf_counter() - t)
            t = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(hand, params)
                hand_count = cursor.fetchone()[0]
            hand_times.append(time.perf_counter() - t)
        assert orm_count == hand_count, (name, orm_count, hand_count)
        results.append(
            {
                "segment": name,
                "members": orm_count,
                "orm_s": statistics.median(orm_times),
                "hand_s": statistics.median(hand_times),
                "ratio": statistics.median(
                    o / h for o, h in zip(orm_times, hand_times, strict=True)
                ),
            }
        )
    return {"fill_seconds": fill_seconds, "results": results}


def generate_files(folder: Path, customers: int, purchases: int) -> tuple[Path, Path]:
    rng = random.Random(11)
    people, bought = folder / "customers.csv", folder / "purchases.csv"
    with people.open("w") as out:
        out.write(
            "external_id,email,first_name,last_name,gender,birth_date,city,country,income,"
            "signup_date,loyalty\n"
        )
        for n in range(customers):
            born = date(1950, 1, 1) + timedelta(days=rng.randrange(20_000))
            out.write(
                f"I{n},i{n}@example.com,First{n % 997},Last{n % 991},{rng.choice(GENDERS)},"
                f"{born},{rng.choice(CITIES)},UK,{rng.randrange(15_000, 90_000)},"
                f"2025-0{1 + n % 9}-01,"
                f"{'gold' if n % 7 == 0 else ''}\n"
            )
    start = datetime(2025, 1, 1, tzinfo=UTC)
    with bought.open("w") as out:
        out.write("customer_external_id,product,amount,purchased_at,channel\n")
        for _ in range(purchases):
            when = start + timedelta(seconds=rng.randrange(60_000_000))
            out.write(
                f"I{rng.randrange(customers)},{rng.choice(PRODUCTS)},{rng.randrange(5, 400)}.50,"
                f"{when.strftime('%Y-%m-%dT%H:%M:%SZ')},Website\n"
            )
    return people, bought


def worker_import(database_url: str, people: Path, bought: Path) -> Any:
    setup_django(database_url)
    from journeymap.workspaces.models import Workspace
    from personas.imports import customer_data_import

    workspace = Workspace.objects.create(name="Import bench")
    before = peak_mb()
    started = time.perf_counter()
    with people.open(newline="") as customers, bought.open(newline="") as purchases:
        result = customer_data_import(
            workspace=workspace, actor=None, customers=customers, purchases=purchases
        )
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "result": result.as_dict(),
        "peak_mb": peak_mb(),
        "setup_mb": before,
    }


def run_worker(*args: str) -> Any:
    command = [sys.executable, __file__, "--worker", *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise SystemExit(f"worker failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def fresh_database() -> str:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_BENCH_DB}"')
        conn.execute(f'CREATE DATABASE "{PG_BENCH_DB}"')
    return f"postgres://postgres@127.0.0.1:5432/{PG_BENCH_DB}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--purchases", type=int, default=5_000_000)
    parser.add_argument("--import-customers", type=int, default=1_000_000)
    parser.add_argument("--import-purchases", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", choices=["evaluate", "import"], help="run one half")
    parser.add_argument("--worker", nargs="+")
    args = parser.parse_args()
    if args.worker:
        kind, *rest = args.worker
        if kind == "evaluate":
            url, customers, purchases, repeat = rest
            out = worker_evaluate(url, int(customers), int(purchases), int(repeat))
        else:
            url, people, bought = rest
            out = worker_import(url, Path(people), Path(bought))
        print(json.dumps(out))
        return

    if args.only != "import":
        evaluate(args)
    if args.only != "evaluate":
        imports(args)


def evaluate(args: argparse.Namespace) -> None:
    url = fresh_database()
    evaluated = run_worker(
        "evaluate", url, str(args.customers), str(args.purchases), str(args.repeat)
    )
    print(
        f"PostgreSQL, {args.customers:,} customers, {args.purchases:,} purchases "
        f"(filled by COPY in {evaluated['fill_seconds']:.0f} s); medians of {args.repeat}"
    )
    print("| segment | members | ORM s | hand SQL s | ratio |")
    print("|---|---:|---:|---:|---:|")
    for row in evaluated["results"]:
        print(
            f"| {row['segment']} | {row['members']:,} | {row['orm_s']:.3f} | "
            f"{row['hand_s']:.3f} | {row['ratio']:.2f}× |"
        )


def imports(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="journeymap-bench-") as tmp:
        people, bought = generate_files(Path(tmp), args.import_customers, args.import_purchases)
        url = fresh_database()
        imported = run_worker("import", url, str(people), str(bought))
    rows = args.import_customers + args.import_purchases
    print()
    print("| import | rows | seconds | rows/s | peak MB |")
    print("|---|---:|---:|---:|---:|")
    print(
        f"| {args.import_customers:,} customers + {args.import_purchases:,} purchases | "
        f"{rows:,} | {imported['seconds']:.1f} | {rows / imported['seconds']:,.0f} | "
        f"{imported['peak_mb']:.0f} |"
    )
    print(json.dumps(imported["result"]))


if __name__ == "__main__":
    main()
