"""Event-log test data: the hand-made log of tests/maps/test_event_import.py and a map
with the touchpoints it names (the `mapped` fixture in tests/conftest.py)."""

from __future__ import annotations

import uuid
from typing import Any

from journeymap.maps.models import Transition
from journeymap.maps.services.ops import apply_ops

HEADER = "case_id,touchpoint,timestamp,persona,channel"
LOG_ROWS = [
    ("c1", "Ad", 0),
    ("c1", "Site", 10),
    ("c1", "Checkout", 40),
    ("c2", "Ad", 0),
    ("c2", "Site", 20),
    ("c2", "Checkout", 30),
    ("c3", "Ad", 0),
    ("c3", "Site", 5),
    ("c4", "Site", 0),
    ("c4", "Ad", 1),
    ("c4", "Site", 2),
    ("c4", "help", 3),
]


def stamp(minutes: int) -> str:
    return f"2026-03-01T09:{minutes:02d}:00Z"


def log_text(rows: list[tuple[str, str, int]]) -> str:
    lines = [HEADER] + [f"{case},{tp},{stamp(m)},maya,web" for case, tp, m in rows]
    return "\n".join(lines) + "\n"


def build_mapped(world: Any) -> dict[str, Any]:
    """Three stages with one touchpoint each (Ad, Site, Checkout) on the Acme map."""
    side = world.acme
    stages = [side.stage, str(uuid.uuid4()), str(uuid.uuid4())]
    ops: list[dict[str, Any]] = [
        {"action": "create", "entity": "stage", "id": stage, "fields": {"name": name}}
        for stage, name in zip(stages[1:], ["Consider", "Buy"], strict=True)
    ]
    touchpoints = {}
    for stage, title in zip(stages, ["Ad", "Site", "Checkout"], strict=True):
        touchpoints[title] = str(uuid.uuid4())
        ops.append(
            {
                "action": "create",
                "entity": "touchpoint",
                "id": touchpoints[title],
                "fields": {"stage": stage, "lane": side.lanes["touchpoints"], "title": title},
            }
        )
    apply_ops(map_id=side.map.id, actor=world.owner, op_id=uuid.uuid4(), ops=ops)
    side.map.refresh_from_db()
    return {"map": side.map, "stages": stages, "tp": touchpoints}


def post_log(client: Any, map_id: Any, text: str, **query: str) -> Any:
    suffix = "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""
    return client.post(
        f"/api/maps/{map_id}/events/{suffix}", data=text.encode(), content_type="text/csv"
    )


def weights(map_id: Any) -> dict[tuple[str, str], int]:
    return {
        (str(a), str(b)): n
        for a, b, n in Transition.objects.filter(map_id=map_id).values_list(
            "from_touchpoint_id", "to_touchpoint_id", "count"
        )
    }
