"""Scenario 7: recoverable mistakes, through the REST API behind nginx.

A deleted map and a deleted persona go to the workspace's trash and come back, equal to what
they were before the deletion; the audit log then holds the deletions, the restores, a
membership change, a share link's creation, an export and an event import."""

from __future__ import annotations

from typing import Any

from .common import Api, card_create, normalised
from .seeding import seed
from .table import Row, progress

AUDITED = [
    "map.trashed",
    "map.restored",
    "persona.trashed",
    "persona.restored",
    "member.role_changed",
    "share_link.created",
    "map.exported",
    "events.imported",
]


def _differences(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    keys = sorted(set(before) | set(after))
    return [key for key in keys if before.get(key) != after.get(key)]


def _in_trash(api: Api, workspace: str, kind: str, item: str) -> bool:
    listed = api.json("GET", f"/api/trash/?workspace={workspace}")
    rows = listed["results"] if isinstance(listed, dict) else listed
    return any(row["kind"] == kind and row["id"] == item for row in rows)


def _scenario(stack: Any) -> list[Row]:
    seeded = seed(stack, maps=1, editors=1)
    workspace = seeded["workspace"]
    board = seeded["maps"][0]
    map_id = board["id"]
    api = Api(stack.base_url, token=seeded["owner"]["token"])
    # Something worth restoring: cards, through the one write path.
    ops = [card_create(board["lane"], board["stage"], f"Card {n}") for n in range(5)]
    api.json("POST", f"/api/maps/{map_id}/ops/", json={"op_id": ops[0]["id"], "ops": ops})
    persona = api.json(
        "POST", "/api/personas/", expect=201, json={"workspace": workspace, "name": "Pat"}
    )
    rows = []

    before = normalised(api.document(map_id))
    api.json("DELETE", f"/api/maps/{map_id}/", expect=204)
    gone = api.request("GET", f"/api/maps/{map_id}/").status_code
    trashed = _in_trash(api, workspace, "map", map_id)
    api.json("POST", f"/api/trash/map/{map_id}/restore/")
    after = normalised(api.document(map_id))
    differs = _differences(before, after)
    rows.append(
        Row(
            "7a",
            "a deleted map goes to the trash and is restored as it was",
            f"GET after delete {gone}, in trash {'yes' if trashed else 'no'}, restored document "
            + ("equal" if not differs else f"differs in {', '.join(differs)}"),
            "404, listed, equal",
            gone == 404 and trashed and not differs,
        )
    )

    persona_id = persona["id"]
    before = api.json("GET", f"/api/personas/{persona_id}/")
    api.json("DELETE", f"/api/personas/{persona_id}/", expect=204)
    gone = api.request("GET", f"/api/personas/{persona_id}/").status_code
    trashed = _in_trash(api, workspace, "persona", persona_id)
    api.json("POST", f"/api/trash/persona/{persona_id}/restore/")
    after = api.json("GET", f"/api/personas/{persona_id}/")
    differs = [key for key in _differences(before, after) if key != "updated_at"]
    rows.append(
        Row(
            "7b",
            "a deleted persona goes to the trash and is restored as it was",
            f"GET after delete {gone}, in trash {'yes' if trashed else 'no'}, restored persona "
            + ("equal" if not differs else f"differs in {', '.join(differs)}"),
            "404, listed, equal",
            gone == 404 and trashed and not differs,
        )
    )

    member = seeded["users"][0]["membership"]
    api.json("PATCH", f"/api/workspaces/{workspace}/members/{member}/", json={"role": "viewer"})
    api.json("POST", "/api/share-links/", expect=201, json={"map": map_id, "label": "client"})
    exported = api.request("GET", f"/api/maps/{map_id}/export.csv").status_code
    csv = (
        "case_id,touchpoint,timestamp\nc1,Visit,2026-01-01T10:00:00Z\nc1,Buy,2026-01-01T10:05:00Z\n"
    )
    imported = api.request(
        "POST",
        f"/api/maps/{map_id}/events/",
        data=csv.encode(),
        headers={"Content-Type": "text/csv"},
    ).status_code
    progress(f"export.csv {exported}, event import {imported}")
    audit = api.json("GET", f"/api/audit/?workspace={workspace}&page_size=200")
    entries = audit["results"] if isinstance(audit, dict) else audit
    actions = {entry["action"] for entry in entries}
    missing = [action for action in AUDITED if action not in actions]
    rows.append(
        Row(
            "7c",
            "the audit log records deletions, restores, membership, share links, exports, imports",
            f"{len(entries)} entries; "
            + ("all 8 kinds present" if not missing else f"missing {', '.join(missing)}"),
            "all 8 kinds present",
            not missing,
        )
    )
    return rows


def recovery(stack: Any, seed_value: int, quick: bool) -> list[Row]:
    del seed_value, quick
    return _scenario(stack)
