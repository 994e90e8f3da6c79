"""Named versions of a map, restore, and the readable history of the op log.

A version is the map document at a `seq`. Restoring one never writes rows directly: it
computes the ops that turn the current map into the saved one and sends them through
`apply_ops`, so the op log stays complete and every open screen follows the restore as it
follows any edit.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from journeymap.core.actors import actor_info
from personas.models import Channel, Feature, Persona

from ..models import JourneyMap, MapOp, MapVersion
from ..selectors import map_document
from .entities import ENTITIES
from .ops import AppliedBatch, apply_ops

Op = dict[str, Any]
Row = dict[str, Any]

# Creation order respects references (a friction may point at a touchpoint, a transition
# joins two); deletion runs the other way, children first, so no delete cascades into a row
# the restore keeps or deletes again.
CONTAINERS = ("stage", "lane")
ITEMS = ("touchpoint", "card", "friction", "content", "emotion", "transition")
DELETE_ORDER = (
    "transition",
    "emotion",
    "content",
    "friction",
    "card",
    "touchpoint",
    "lane",
    "stage",
)
# Comments and votes are the conversation about a map, not its content: a restore leaves them
# as they are (those on items the restore deletes go with their item, as with any delete).
MAP_FIELDS = ("title", "description", "votes_per_user", "personas")
WORKSPACE_REFS = {"channel": Channel, "persona": Persona, "personas": Persona, "features": Feature}


@contextmanager
def _consistent_reads() -> Iterator[None]:
    """A transaction in which every query sees the same committed state.

    PostgreSQL's default READ COMMITTED gives each statement its own snapshot, so a map read
    table by table could mix two batches; REPEATABLE READ fixes one snapshot for the whole
    transaction, without taking locks. SQLite (BEGIN IMMEDIATE here) reads one state anyway.
    Inside a caller's transaction the caller decides (e.g. by locking the map row).
    """
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def consistent_document(*, map_id: uuid.UUID | str) -> dict[str, Any] | None:
    """`map_document` read from one consistent state (its `seq` matches its rows)."""
    with _consistent_reads():
        journey_map = JourneyMap.objects.filter(id=map_id).first()
        return None if journey_map is None else map_document(journey_map=journey_map)


def version_create(*, journey_map: JourneyMap, name: str, actor: Any) -> MapVersion:
    with _consistent_reads():
        fresh = JourneyMap.objects.get(id=journey_map.id)
        snapshot = map_document(journey_map=fresh)
        # The directory is the workspace's (channels, personas), not the map's: not versioned.
        snapshot.pop("directory", None)
        return MapVersion.objects.create(
            map=fresh, name=name, seq=snapshot["seq"], snapshot=snapshot, created_by=actor
        )


def version_restore(*, version: MapVersion, actor: Any, client_id: str = "") -> list[AppliedBatch]:
    """Turn the map back into `version`, through apply_ops; returns the committed batches.

    The ops usually fit one batch. A large restore is split at OPS_MAX_PER_BATCH into
    several batches committed in one transaction: all of them or none.
    """
    with transaction.atomic():
        # Lock first: every content write takes this lock (apply_ops), so the map read below
        # is the state the restore ops will apply to, with no edit slipping in between.
        locked = JourneyMap.objects.select_for_update().filter(id=version.map_id).first()
        if locked is None:
            return []
        current = map_document(journey_map=locked)
        ops = restore_ops(
            current=current, target=version.snapshot, existing=_existing_refs(current["workspace"])
        )
        size = settings.OPS_MAX_PER_BATCH
        return [
            apply_ops(
                map_id=version.map_id,
                actor=actor,
                client_id=client_id,
                op_id=uuid.uuid4(),
                ops=ops[start : start + size],
            )
            for start in range(0, len(ops), size)
        ]


def _existing_refs(workspace_id: str) -> dict[str, set[str]]:
    return {
        name: {
            str(pk)
            for pk in model._default_manager.filter(workspace_id=workspace_id).values_list(
                "pk", flat=True
            )
        }
        for name, model in WORKSPACE_REFS.items()
    }


def restore_ops(
    *, current: dict[str, Any], target: dict[str, Any], existing: dict[str, set[str]]
) -> list[Op]:
    """The ops that turn map document `current` into `target` (comments and votes aside).

    `existing` holds the ids of workspace records (channels, personas, features) that still
    exist; references in `target` to deleted ones are dropped rather than failing the restore.
    """
    now = {entity: _by_id(current, entity) for entity in (*CONTAINERS, *ITEMS)}
    then = {
        entity: _sanitized(_by_id(target, entity), existing) for entity in (*CONTAINERS, *ITEMS)
    }
    ops: list[Op] = []

    for entity in CONTAINERS:
        ops += _creates(entity, now[entity], then[entity])
    for entity in CONTAINERS:
        ops += _updates(entity, now[entity], then[entity])
        ops += _moves(entity, now[entity], then[entity])
    for entity in ITEMS:
        # Kept items go back to their saved stage and lane before anything is deleted, so that
        # deleting a stage never takes with it an item the saved version still has.
        ops += _moves(entity, now[entity], then[entity])
    for entity in DELETE_ORDER:
        ops += [
            {"action": "delete", "entity": entity, "id": item_id}
            for item_id in now[entity]
            if item_id not in then[entity]
        ]
    for entity in ITEMS:
        ops += _creates(entity, now[entity], then[entity])
    for entity in ITEMS:
        ops += _updates(entity, now[entity], then[entity])

    map_now = {name: current.get(name) for name in MAP_FIELDS}
    map_then = _sanitized({"map": {name: target.get(name) for name in MAP_FIELDS}}, existing)["map"]
    changed = {
        name: value
        for name, value in map_then.items()
        if value is not None and _comparable(value) != _comparable(map_now[name])
    }
    if changed:
        ops.append({"action": "update", "entity": "map", "id": current["id"], "fields": changed})
    return ops


def _by_id(document: dict[str, Any], entity: str) -> dict[str, Row]:
    return {row["id"]: row for row in document.get(ENTITIES[entity].collection, [])}


def _sanitized(rows: dict[str, Row], existing: dict[str, set[str]]) -> dict[str, Row]:
    clean: dict[str, Row] = {}
    for item_id, row in rows.items():
        row = dict(row)
        for name, known in existing.items():
            if name not in row:
                continue
            value = row[name]
            if isinstance(value, list):
                row[name] = [ref for ref in value if ref in known]
            elif value is not None and value not in known:
                row[name] = None
        if row.get("persona", "") is None and "score" in row:
            continue  # an emotion point of a deleted persona cannot come back
        clean[item_id] = row
    return clean


def _comparable(value: Any) -> Any:
    return sorted(value) if isinstance(value, list) else value


def _creates(entity: str, now: dict[str, Row], then: dict[str, Row]) -> list[Op]:
    spec = ENTITIES[entity]
    return [
        {
            "action": "create",
            "entity": entity,
            "id": item_id,
            "fields": {name: row[name] for name in spec.fields if name in row},
        }
        for item_id, row in then.items()
        if item_id not in now
    ]


def _moves(entity: str, now: dict[str, Row], then: dict[str, Row]) -> list[Op]:
    spec = ENTITIES[entity]
    if not spec.ordered:
        return []
    placed = (*spec.sibling_fields, "order_key")
    return [
        {
            "action": "move",
            "entity": entity,
            "id": item_id,
            "fields": {name: row[name] for name in placed},
        }
        for item_id, row in then.items()
        if item_id in now and any(now[item_id].get(name) != row.get(name) for name in placed)
    ]


def _updates(entity: str, now: dict[str, Row], then: dict[str, Row]) -> list[Op]:
    spec = ENTITIES[entity]
    editable = [
        name
        for name, field in spec.fields.items()
        if field.updatable and not field.container and name != "order_key"
    ]
    ops = []
    for item_id, row in then.items():
        if item_id not in now:
            continue
        changed = {
            name: row[name]
            for name in editable
            if name in row and _comparable(row[name]) != _comparable(now[item_id].get(name))
        }
        if changed:
            ops.append({"action": "update", "entity": entity, "id": item_id, "fields": changed})
    return ops


# --- history -----------------------------------------------------------------------------

LABELS = {
    "map": ("the map", "the map"),
    "stage": ("stage", "stages"),
    "lane": ("lane", "lanes"),
    "card": ("card", "cards"),
    "touchpoint": ("touchpoint", "touchpoints"),
    "friction": ("friction point", "friction points"),
    "content": ("content item", "content items"),
    "emotion": ("emotion point", "emotion points"),
    "transition": ("transition", "transitions"),
    "comment": ("comment", "comments"),
    "vote": ("vote", "votes"),
}
VERBS = {"create": "added", "update": "changed", "move": "moved", "delete": "deleted"}
NAME_FIELDS = ("title", "name", "body")
LOOK_BACK = 1000  # older log entries searched for the names of items deleted since


def _item_names(entries: list[MapOp]) -> dict[tuple[str, str], str]:
    """Latest known names of the items a page of history mentions: from the newest op that
    names them, else from the rows as they are now (one query per entity)."""
    names: dict[tuple[str, str], str] = {}
    wanted: dict[str, set[str]] = {}
    for entry in entries:
        for op in entry.ops:
            fields = op.get("fields") or {}
            label = next((fields[name] for name in NAME_FIELDS if fields.get(name)), None)
            key = (op["entity"], op["id"])
            if label:
                names.setdefault(key, str(label))
            elif op["entity"] != "map":
                wanted.setdefault(op["entity"], set()).add(op["id"])
    for entity, ids in wanted.items():
        ids -= {item_id for kind, item_id in names if kind == entity}
        model = ENTITIES[entity].model
        field = next((name for name in NAME_FIELDS if hasattr(model, name)), None)
        if field is None:
            continue
        for pk, label in model._default_manager.filter(pk__in=ids).values_list("pk", field):
            names.setdefault((entity, str(pk)), str(label))
    missing = {(kind, item_id) for kind, ids in wanted.items() for item_id in ids} - set(names)
    if missing and entries:
        # Deleted since: the name is in an older op that created or renamed the item.
        older = MapOp.objects.filter(map_id=entries[0].map_id, seq__lt=min(e.seq for e in entries))
        for ops in older.order_by("-seq").values_list("ops", flat=True)[:LOOK_BACK]:
            for op in ops:
                key = (op["entity"], op["id"])
                fields = op.get("fields") or {}
                label = next((fields[name] for name in NAME_FIELDS if fields.get(name)), None)
                if key in missing and label:
                    names[key] = str(label)
                    missing.discard(key)
            if not missing:
                break
    return names


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def summarize(ops: list[Op], names: dict[tuple[str, str], str]) -> str:
    """e.g. 'added card “Sign-up form”, moved 2 touchpoints and deleted stage “Old”'."""
    groups: dict[tuple[str, str], list[Op]] = {}
    for op in ops:
        groups.setdefault((op["action"], op["entity"]), []).append(op)
    parts = []
    for (action, entity), members in groups.items():
        one, many = LABELS.get(entity, (entity, entity + "s"))
        if entity == "map":
            changed = sorted({name for op in members for name in (op.get("fields") or {})})
            parts.append(f"changed {', '.join(changed) or 'settings'} of the map")
        elif len(members) > 1:
            parts.append(f"{VERBS[action]} {len(members)} {many}")
        else:
            op = members[0]
            fields = op.get("fields") or {}
            own = next((fields[key] for key in NAME_FIELDS if fields.get(key)), None)
            name = str(own) if own else names.get((entity, op["id"]))
            what = f"{one} “{_short(name)}”" if name else one
            if action == "update":
                listed = ", ".join(sorted(op.get("fields") or {}))
                parts.append(f"changed {listed} of {what}" if listed else f"changed {what}")
            else:
                parts.append(f"{VERBS[action]} {what}")
    if len(parts) > 1:
        return ", ".join(parts[:-1]) + " and " + parts[-1]
    return parts[0] if parts else "no changes"


def history_entries(entries: list[MapOp]) -> list[dict[str, Any]]:
    """A page of the op log as people read it: who, when, what."""
    names = _item_names(entries)
    result = []
    for entry in entries:
        counts: dict[str, int] = {}
        for op in entry.ops:
            counts[op["action"]] = counts.get(op["action"], 0) + 1
        actor = actor_info(entry.actor)
        result.append(
            {
                "seq": entry.seq,
                "op_id": str(entry.op_id),
                "actor": actor,
                "created_at": entry.created_at,
                "summary": f"{actor['name']} {summarize(entry.ops, names)}",
                "counts": counts,
                "ops": entry.ops,
            }
        )
    return result
