"""What a workspace looks like to its users: every map document, the op log clients catch up
from, and the persona, segment, feature, customer and research API outputs — captured so a
restore can be compared with what was backed up."""

from __future__ import annotations

import json
import re
from typing import Any

from django.core.files.storage import default_storage
from rest_framework.test import APIClient

from journeymap.backup.plan import backup_plan
from journeymap.maps.eventlog.services import events_of
from journeymap.maps.models import EventImport, JourneyMap, MapVersion
from journeymap.maps.selectors import patches_since
from journeymap.maps.services.versions import consistent_document
from journeymap.workspaces.models import Membership, Role
from personas.models import Persona

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
LISTS = (
    "personas",
    "segments",
    "features",
    "channels",
    "customers",
    "interview-guides",
    "interview-notes",
)


def _pages(client: APIClient, url: str) -> list[Any]:
    items: list[Any] = []
    next_url: str | None = url
    while next_url:
        response = client.get(next_url)
        assert response.status_code == 200, (next_url, response.content[:300])
        body = response.json()
        if isinstance(body, list):
            return body
        items.extend(body["results"])
        next_url = body.get("next")
    return items


def _get(client: APIClient, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return response.json()


def workspace_state(workspace_id: Any) -> dict[str, Any]:
    owner = Membership.objects.filter(workspace_id=workspace_id, role=Role.OWNER).first()
    assert owner is not None
    client = APIClient()
    client.force_authenticate(owner.user)
    state: dict[str, Any] = {"maps": {}, "api": {}, "photos": {}, "events": {}}
    maps = JourneyMap._base_manager.filter(workspace_id=workspace_id).order_by("title", "id")
    for journey_map in maps:
        key = str(journey_map.id)
        state["maps"][key] = {
            "document": consistent_document(map_id=journey_map.id),
            "api": _get(client, f"/api/maps/{key}/"),
            "log": patches_since(journey_map=journey_map, since=0, limit=100_000),
            "versions": list(
                MapVersion.objects.filter(map=journey_map)
                .order_by("created_at")
                .values("id", "name", "seq", "snapshot", "created_at")
            ),
        }
    for event_import in EventImport.objects.filter(map__workspace_id=workspace_id).order_by("id"):
        state["events"][str(event_import.id)] = {
            "status": event_import.status,
            "report": event_import.report,
            "events": list(
                events_of(event_import)
                .order_by("id")
                .values_list("case_id", "touchpoint_id", "label", "at_ms", "line")
            ),
            "analysis": _get(client, f"/api/maps/{event_import.map_id}/analysis/"),
        }
    query = f"?workspace={workspace_id}&page_size=500"
    # Reading a segment records its size of the day (its trend): read each once first, so
    # the state captured is the one the next read sees too.
    for segment in _pages(client, f"/api/segments/{query}"):
        _get(client, f"/api/segments/{segment['id']}/")
    for name in LISTS:
        state["api"][name] = _pages(client, f"/api/{name}/{query}")
    for persona in state["api"]["personas"]:
        state["api"][f"persona {persona['id']}"] = _get(client, f"/api/personas/{persona['id']}/")
        state["api"][f"persona {persona['id']} versions"] = _pages(
            client, f"/api/personas/{persona['id']}/versions/"
        )
    for segment in state["api"]["segments"]:
        state["api"][f"segment {segment['id']}"] = _get(client, f"/api/segments/{segment['id']}/")
    state["api"]["members"] = _pages(client, f"/api/workspaces/{workspace_id}/members/")
    for persona in Persona._base_manager.filter(workspace_id=workspace_id).exclude(photo=""):
        with default_storage.open(persona.photo.name, "rb") as stream:
            state["photos"][str(persona.id)] = stream.read()
    return normalised(state)


def row_counts(workspace_id: Any) -> dict[str, int]:
    return {plan.label: plan.rows_of(workspace_id).count() for plan in backup_plan()}


def canonical(value: Any) -> Any:
    """`value` with every UUID replaced by the order of its first appearance: equal for two
    workspaces that differ only in their ids, if every reference still points alike."""
    seen: dict[str, str] = {}

    def rename(match: re.Match[str]) -> str:
        return seen.setdefault(match.group(0), f"<id {len(seen)}>")

    text = json.dumps(value, sort_keys=True, default=str)
    return json.loads(UUID.sub(rename, text))


def differences(before: Any, after: Any, path: str = "", limit: int = 5) -> list[str]:
    """Where two states differ (a few paths with both values), for assertion messages."""
    found: list[str] = []
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(set(before) | set(after), key=str):
            if len(found) >= limit:
                break
            found += differences(before.get(key), after.get(key), f"{path}/{key}", limit)
    elif isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        for i, (b, a) in enumerate(zip(before, after, strict=True)):
            if len(found) >= limit:
                break
            found += differences(b, a, f"{path}[{i}]", limit)
    elif before != after:
        found.append(f"{path}: {str(before)[:150]} != {str(after)[:150]}")
    return found[:limit]


# Lists served in no defined order: many-to-many ids and a feature's persona tags, read
# without ORDER BY, come in whatever order the database's plan reads them (PostgreSQL's
# heap order changes when rows are deleted and inserted again). Every other list, stages,
# lanes and items included, is compared in the order it is served.
UNORDERED = frozenset({"persona_tags", "personas", "features", "preferred_channels"})


def normalised(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: normalised(v, k) for k, v in value.items()}
    if isinstance(value, list):
        items = [normalised(item) for item in value]
        ids_only = all(not isinstance(item, dict | list) for item in items)
        if key in UNORDERED and (ids_only or key == "persona_tags"):
            return sorted(items, key=lambda item: json.dumps(item, sort_keys=True, default=str))
        return items
    return value
