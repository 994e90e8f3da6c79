"""Benchmark: GET /api/maps/<id>/ on a map of 40 stages and 600 items.

Prints the query count and the median time of the endpoint, and the ratio to a baseline
measured in the same run: the same rows fetched with `.values()` and dumped with
`json.dumps` (what the endpoint cannot beat, since it does that work and more).

    .venv/bin/python bench/map_read.py [--repeat 30]

Uses a throwaway SQLite file unless DATABASE_URL is set.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
_tmp = tempfile.mkdtemp(prefix="jm-bench-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_tmp}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "journeymap.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from journeymap.maps.models import JourneyMap  # noqa: E402
from journeymap.maps.services.entities import ENTITIES  # noqa: E402
from journeymap.maps.services.ops import apply_ops  # noqa: E402
from journeymap.workspaces.models import Membership, Role, Workspace  # noqa: E402
from personas.models import Channel, Persona  # noqa: E402

STAGES = 40
ITEMS = 600
LANE_KINDS = ["actions", "thoughts", "touchpoints", "friction", "content", "opportunities"]


def build_map() -> tuple[Any, JourneyMap]:
    user = get_user_model().objects.create_user(username=f"bench-{uuid.uuid4().hex[:6]}")
    workspace = Workspace.objects.create(name="Bench")
    Membership.objects.create(workspace=workspace, user=user, role=Role.OWNER)
    channel = Channel.objects.create(workspace=workspace, name="Web", kind="web")
    persona = Persona.objects.create(workspace=workspace, name="Pat")
    journey_map = JourneyMap.objects.create(workspace=workspace, title="Bench map")
    stages = [str(uuid.uuid4()) for _ in range(STAGES)]
    lanes = {kind: str(uuid.uuid4()) for kind in LANE_KINDS}
    ops: list[dict[str, Any]] = [
        {"action": "create", "entity": "stage", "id": s, "fields": {"name": f"Stage {n}"}}
        for n, s in enumerate(stages)
    ]
    ops += [
        {"action": "create", "entity": "lane", "id": lane, "fields": {"name": kind, "kind": kind}}
        for kind, lane in lanes.items()
    ]
    apply_ops(map_id=journey_map.id, actor=user, op_id=uuid.uuid4(), ops=ops)
    items: list[dict[str, Any]] = []
    touchpoints: list[str] = []
    for n in range(ITEMS):
        stage = stages[n % STAGES]
        kind = ["actions", "touchpoints", "friction", "content", "thoughts", "comment"][n % 6]
        if kind == "touchpoints":
            tp = str(uuid.uuid4())
            touchpoints.append(tp)
            fields = {
                "stage": stage,
                "lane": lanes[kind],
                "title": f"Touchpoint {n}",
                "channel": str(channel.id),
                "persona": str(persona.id),
                "emotion": n % 7 - 3,
            }
            items.append({"action": "create", "entity": "touchpoint", "id": tp, "fields": fields})
        elif kind == "friction":
            fields = {
                "stage": stage,
                "lane": lanes[kind],
                "title": f"Friction {n}",
                "severity": n % 5 + 1,
                "personas": [str(persona.id)],
            }
            items.append({"action": "create", "entity": "friction", "fields": fields})
        elif kind == "content":
            fields = {
                "stage": stage,
                "lane": lanes[kind],
                "title": f"Content {n}",
                "channel": str(channel.id),
            }
            items.append({"action": "create", "entity": "content", "fields": fields})
        elif kind == "comment":
            fields = {"target_entity": "stage", "target_id": stage, "body": f"Comment {n}"}
            items.append({"action": "create", "entity": "comment", "fields": fields})
        else:
            fields = {"stage": stage, "lane": lanes[kind], "title": f"Card {n}"}
            items.append({"action": "create", "entity": "card", "fields": fields})
    for a, b in zip(touchpoints, touchpoints[1:], strict=False):
        items.append(
            {
                "action": "create",
                "entity": "transition",
                "fields": {"from_touchpoint": a, "to_touchpoint": b, "count": 10},
            }
        )
    for start in range(0, len(items), 400):
        apply_ops(
            map_id=journey_map.id, actor=user, op_id=uuid.uuid4(), ops=items[start : start + 400]
        )
    journey_map.refresh_from_db()
    return user, journey_map


def baseline(journey_map: JourneyMap) -> bytes:
    """The same rows, fetched flat with .values() and dumped: the floor for this read."""
    document: dict[str, Any] = {"map": list(JourneyMap.objects.filter(pk=journey_map.pk).values())}
    for spec in ENTITIES.values():
        if spec.name != "map":
            document[spec.collection] = list(
                spec.model._default_manager.filter(map=journey_map).values()
            )
    return json.dumps(document, default=str).encode()


class QueryCounter:
    """Counts statements sent to the database (the query log of DEBUG is cleared at each
    request start, so it cannot be trusted across a request)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self) -> QueryCounter:
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._wrapper.__exit__(*exc)


def timed(fn: Any, repeat: int) -> list[float]:
    fn()  # warm up
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    user, journey_map = build_map()
    client = APIClient()
    client.force_authenticate(user)
    url = f"/api/maps/{journey_map.id}/"

    with QueryCounter() as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    document = response.json()
    counted = sum(len(document[s.collection]) for s in ENTITIES.values() if s.collection)
    endpoint = timed(lambda: client.get(url).content, args.repeat)
    floor = timed(lambda: baseline(journey_map), args.repeat)
    with QueryCounter() as baseline_queries:
        baseline(journey_map)

    p50_endpoint, p50_floor = statistics.median(endpoint), statistics.median(floor)
    print(f"database: {connection.vendor}")
    print(f"map: {len(document['stages'])} stages, {counted - len(document['stages'])} other rows")
    print(f"GET {url}: {queries.count} queries, median {p50_endpoint:.1f} ms over {args.repeat}")
    print(
        f"baseline .values()+json.dumps: {baseline_queries.count} queries, "
        f"median {p50_floor:.1f} ms"
    )
    print(f"ratio endpoint/baseline: {p50_endpoint / p50_floor:.2f}x")


if __name__ == "__main__":
    main()
