"""Scenario 8: a workspace is backed up and restored with the project's commands, and every
map document is the same afterwards.

Three maps get cards through the REST write path; `manage.py backup_workspace` writes the
backup; then the workspace is wrecked (a map retitled, cards deleted, a map deleted) and
`manage.py restore_workspace <file> --replace` brings it back. Every map's GET
/api/maps/<id>/ must equal its document at backup time, with a seq no lower than then."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path
from typing import Any

from .common import Api, card_create, normalised
from .seeding import seed
from .table import Row, progress

MAPS = 3


def _post_ops(api: Api, map_id: str, ops: list[dict[str, Any]]) -> None:
    api.json("POST", f"/api/maps/{map_id}/ops/", json={"op_id": str(uuid.uuid4()), "ops": ops})


def _content(document: dict[str, Any]) -> dict[str, Any]:
    """The document without its seq: a restore moves seq forward (never back), so clients
    holding a copy see a change and resync rather than trust a seq that meant other content."""
    return {key: value for key, value in normalised(document).items() if key != "seq"}


def _scenario(stack: Any) -> list[Row]:
    seeded = seed(stack, maps=MAPS, editors=1)
    api = Api(stack.base_url, token=seeded["owner"]["token"])
    for number, board in enumerate(seeded["maps"]):
        cards = [
            card_create(board["lane"], board["stage"], f"Map {number} card {n}") for n in range(8)
        ]
        _post_ops(api, board["id"], cards)
    before = {board["id"]: normalised(api.document(board["id"])) for board in seeded["maps"]}
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "workspace.backup")
        done = stack.manage("backup_workspace", seeded["workspace"], "--output", path)
        progress(
            (done.stdout or done.stderr).strip().splitlines()[-1]
            if (done.stdout or done.stderr).strip()
            else "backed up"
        )
        first, second, third = seeded["maps"]
        _post_ops(
            api,
            first["id"],
            [
                {
                    "action": "update",
                    "entity": "map",
                    "id": first["id"],
                    "fields": {"title": "Wrecked"},
                }
            ],
        )
        doomed = before[second["id"]]["cards"][:4]
        _post_ops(
            api,
            second["id"],
            [{"action": "delete", "entity": "card", "id": card["id"]} for card in doomed],
        )
        api.json("DELETE", f"/api/maps/{third['id']}/", expect=204)
        wrecked = sum(
            1
            for map_id, document in before.items()
            if api.request("GET", f"/api/maps/{map_id}/").status_code != 200
            or normalised(api.document(map_id)) != document
        )
        done = stack.manage("restore_workspace", path, "--replace")
        progress(done.stdout.strip().splitlines()[-1] if done.stdout.strip() else "restored")
    equal = 0
    for map_id, document in before.items():
        response = api.request("GET", f"/api/maps/{map_id}/")
        if response.status_code == 200 and _content(response.json()) == _content(document):
            # seq only moves forward, so a live client's catch-up sees the jump and reloads.
            equal += 1 if response.json()["seq"] >= document["seq"] else 0
        else:
            after = normalised(response.json()) if response.status_code == 200 else {}
            differs = sorted(
                key for key in set(document) | set(after) if document.get(key) != after.get(key)
            )
            progress(
                f"map {map_id}: {response.status_code} after the restore, differs in {differs}"
            )
            for key in differs[:3]:
                progress(f"  {key}: {str(document.get(key))[:200]} → {str(after.get(key))[:200]}")
    return [
        Row(
            "8",
            "backup, wreck, restore: every map document as it was at backup time",
            f"{wrecked}/{MAPS} maps changed before the restore; {equal}/{MAPS} equal after",
            f"{MAPS}/{MAPS} equal",
            equal == MAPS and wrecked == MAPS,
        )
    ]


def backups(stack: Any, seed_value: int, quick: bool) -> list[Row]:
    del seed_value, quick
    return _scenario(stack)
