"""Reads of maps. `map_document` is the shape of GET /api/maps/<id>/, of the live
`snapshot`, of named versions and of the PDF export; it runs a fixed number of queries
however large the map is."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import QuerySet

from journeymap.core.json import json_value
from personas.models import Channel, Persona

from .models import FrictionPoint, JourneyMap, MapOp
from .services.entities import ENTITIES, EntitySpec, column
from .services.ops import patch_from_log

MAP_FIELDS = ("title", "description", "votes_per_user")


def _rows(spec: EntitySpec, journey_map: JourneyMap) -> list[dict[str, Any]]:
    plain = [name for name, field in spec.fields.items() if not field.many]
    columns = ["id", *(column(spec, name) for name in plain)]
    if spec.name == "comment":
        # Joined in the same query, so comments cost no extra round trip per author.
        columns += ["author_id", "created_at", *AUTHOR_NAME_COLUMNS]
    elif spec.name == "vote":
        columns += ["voter_id"]
    rows = []
    for values in spec.model._default_manager.filter(map=journey_map).values(*columns):
        row: dict[str, Any] = {"id": str(values["id"])}
        for name in plain:
            row[name] = json_value(values[column(spec, name)])
        if spec.name == "comment":
            row["author"] = _user_id(values["author_id"])
            row["author_name"] = _display_name(values)
            row["created_at"] = json_value(values["created_at"])
        elif spec.name == "vote":
            row["voter"] = _user_id(values["voter_id"])
        rows.append(row)
    if spec.ordered:
        # Python compares code points, the same order fractional-index keys are built for.
        rows.sort(key=lambda row: (row["order_key"], row["id"]))
    return rows


AUTHOR_NAME_COLUMNS = ("author__username", "author__first_name", "author__last_name")


def _display_name(values: dict[str, Any]) -> str:
    full = f"{values['author__first_name']} {values['author__last_name']}".strip()
    return full or values["author__username"] or ""


def _user_id(pk: Any) -> str | None:
    # User ids travel as strings, like every other id in the document and in patches.
    return None if pk is None else str(pk)


def _friction_links(journey_map: JourneyMap) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    personas: dict[str, list[str]] = defaultdict(list)
    features: dict[str, list[str]] = defaultdict(list)
    # A trashed persona's links stay in the table (a restore brings them back) but not here.
    through_personas = FrictionPoint.personas.through.objects.filter(
        frictionpoint__map=journey_map, persona__deleted_at__isnull=True
    )
    for friction_id, persona_id in through_personas.values_list("frictionpoint_id", "persona_id"):
        personas[str(friction_id)].append(str(persona_id))
    through_features = FrictionPoint.features.through.objects.filter(frictionpoint__map=journey_map)
    for friction_id, feature_id in through_features.values_list("frictionpoint_id", "feature_id"):
        features[str(friction_id)].append(str(feature_id))
    return personas, features


def map_directory(*, workspace_id: Any) -> dict[str, list[dict[str, Any]]]:
    """Workspace-level things a map refers to, with what a board needs to draw them."""
    channels = [
        {"id": str(row["id"]), "name": row["name"], "kind": row["kind"], "color": row["color"]}
        for row in Channel.objects.filter(workspace_id=workspace_id).values(
            "id", "name", "kind", "color"
        )
    ]
    personas = [
        {
            "id": str(row["id"]),
            "name": row["name"],
            "tier": row["tier"],
            "color": row["color"],
            "photo": f"/media/{row['photo']}" if row["photo"] else None,
        }
        for row in Persona.objects.filter(workspace_id=workspace_id).values(
            "id", "name", "tier", "color", "photo"
        )
    ]
    return {"channels": channels, "personas": personas}


def map_document(*, journey_map: JourneyMap) -> dict[str, Any]:
    """The whole map, nested: every collection of the entity registry, and the directory."""
    document: dict[str, Any] = {
        "id": str(journey_map.id),
        "workspace": str(journey_map.workspace_id),
        "seq": journey_map.seq,
        **{name: getattr(journey_map, name) for name in MAP_FIELDS},
        "personas": [
            str(pk)
            for pk in JourneyMap.personas.through.objects.filter(
                journeymap_id=journey_map.id, persona__deleted_at__isnull=True
            ).values_list("persona_id", flat=True)
        ],
    }
    friction_personas, friction_features = _friction_links(journey_map)
    for spec in ENTITIES.values():
        if spec.name == "map":
            continue
        rows = _rows(spec, journey_map)
        if spec.name == "friction":
            for row in rows:
                row["personas"] = friction_personas.get(row["id"], [])
                row["features"] = friction_features.get(row["id"], [])
        document[spec.collection] = rows
    document["directory"] = map_directory(workspace_id=journey_map.workspace_id)
    return document


# Where a map document refers to the workspace directory; a share document lists only these.
_PERSONA_REFS = (("touchpoints", "persona"), ("contents", "persona"), ("emotions", "persona"))
_CHANNEL_REFS = (("touchpoints", "channel"), ("contents", "channel"))


def share_view(document: dict[str, Any]) -> dict[str, Any]:
    """The share document: what a share link may see of a `map_document`.

    The board as drawn, and nothing about the workspace or the people in it: no workspace id,
    no comments (the team's conversation), votes without their voters, and a directory of
    only the personas and channels the map itself references (not the workspace's whole
    list). No user id is left in it.
    """
    personas = set(document["personas"])
    for collection, name in _PERSONA_REFS:
        personas.update(row[name] for row in document[collection] if row.get(name))
    for row in document["frictions"]:
        personas.update(row["personas"])
    channels = {row[name] for collection, name in _CHANNEL_REFS for row in document[collection]}
    directory = document["directory"]
    shared = {key: value for key, value in document.items() if key != "workspace"}
    shared["comments"] = []
    shared["votes"] = [
        {key: value for key, value in vote.items() if key != "voter"} for vote in document["votes"]
    ]
    shared["directory"] = {
        "personas": [row for row in directory["personas"] if row["id"] in personas],
        "channels": [row for row in directory["channels"] if row["id"] in channels],
    }
    shared["read_only"] = True
    return shared


def share_patch(patch: dict[str, Any]) -> dict[str, Any]:
    """A patch as a share link sees it, by the rules of `share_view`: no comment ops, votes
    without their voter, and no actor. It keeps its seq even when no op is left, so the
    share client's stream stays gapless."""
    ops = []
    for op in patch["ops"]:
        if op["entity"] == "comment":
            continue
        if op["entity"] == "vote" and "voter" in (op.get("fields") or {}):
            op = {**op, "fields": {k: v for k, v in op["fields"].items() if k != "voter"}}
        ops.append(op)
    return {**patch, "actor": None, "ops": ops}


def share_document(*, journey_map: JourneyMap) -> dict[str, Any]:
    """The map as a share link sees it (GET /api/share/<token>/, the share socket)."""
    return share_view(map_document(journey_map=journey_map))


def maps_visible_to(*, user: Any) -> QuerySet[JourneyMap]:
    return JourneyMap.objects.filter(workspace__memberships__user=user)


def patches_since(*, journey_map: JourneyMap, since: int, limit: int) -> list[dict[str, Any]]:
    """Patches after `since`, in seq order, as they were broadcast."""
    entries = (
        MapOp.objects.filter(map=journey_map, seq__gt=since)
        .select_related("actor")
        .order_by("seq")[:limit]
    )
    return [patch_from_log(entry) for entry in entries]
