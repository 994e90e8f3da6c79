"""The four op actions and the checks they share. Each handler applies one op to the
database inside the transaction `apply_ops` holds, and appends the normalised op to the batch.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from fractional_indexing import generate_key_between

from journeymap.core.actors import actor_info
from journeymap.core.errors import OpRejected
from journeymap.core.json import json_value
from journeymap.workspaces.models import Role

from ..models import EmotionPoint, FrictionPoint, JourneyMap, Transition, Vote
from . import fields as f
from .cascade import dependents_of
from .entities import ENTITIES, TARGET_MODELS, EntitySpec, FieldSpec, column

ACTIONS = ("create", "update", "move", "delete")
Op = dict[str, Any]


@dataclass
class Batch:
    map: JourneyMap
    actor: Any  # a User with a write role, checked before any op runs
    role: str
    ops: list[Op] = field(default_factory=list)
    # References this batch has already checked, with the lane kind for lanes: a batch of
    # hundreds of ops naming the same few stages and touchpoints checks each of them once.
    # A delete empties it, since what it took along may be among them.
    checked_refs: dict[tuple[type[models.Model], uuid.UUID], str | None] = field(
        default_factory=dict
    )
    # For a batch of many creates (see `prefetch_creates`), what already exists, read once up
    # front: the ids taken per model, and the transition pairs taken from the batch's source
    # touchpoints. None: not read, so each create asks the database. A delete drops them
    # (what it took along may be among them), as it does `checked_refs`.
    taken_ids: dict[type[models.Model], set[uuid.UUID]] | None = None
    taken_pairs: set[tuple[uuid.UUID, uuid.UUID]] | None = None
    pair_sources: frozenset[uuid.UUID] = frozenset()


# From this many creates in one batch, the existence checks are read in one query per model
# instead of two per create (an event import's 500 transition creates made 1,000 queries).
PREFETCH_CREATES_AT = 20


def prefetch_creates(batch: Batch, ops: list[Any]) -> None:
    """Read, for a batch with many creates, which of their ids are already taken and which
    of their transitions already exist, so that each create checks a set instead of the
    database. Ops that are malformed are skipped here; `apply_one` refuses them."""
    ids: dict[type[models.Model], set[uuid.UUID]] = defaultdict(set)
    sources: set[uuid.UUID] = set()
    for raw in ops:
        if not isinstance(raw, dict) or raw.get("action") != "create":
            continue
        entity = raw.get("entity")
        spec = ENTITIES.get(entity) if isinstance(entity, str) else None
        item_id = _maybe_uuid(raw.get("id"))
        if spec is None or item_id is None:
            continue
        ids[spec.model].add(item_id)
        fields = raw.get("fields")
        if spec.name == "transition" and isinstance(fields, dict):
            source = _maybe_uuid(fields.get("from_touchpoint"))
            if source is not None:
                sources.add(source)
    if sum(len(found) for found in ids.values()) < PREFETCH_CREATES_AT:
        return
    batch.taken_ids = {
        model: set(model._default_manager.filter(pk__in=found).values_list("pk", flat=True))
        for model, found in ids.items()
    }
    if sources:
        batch.pair_sources = frozenset(sources)
        batch.taken_pairs = set(
            Transition.objects.filter(map=batch.map, from_touchpoint_id__in=sources).values_list(
                "from_touchpoint_id", "to_touchpoint_id"
            )
        )


def _maybe_uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _id_taken(batch: Batch, spec: EntitySpec, item_id: uuid.UUID) -> bool:
    if batch.taken_ids is not None and spec.model in batch.taken_ids:
        return item_id in batch.taken_ids[spec.model]
    return spec.model._default_manager.filter(pk=item_id).exists()


def _pair_taken(batch: Batch, source: uuid.UUID, target: uuid.UUID) -> bool:
    if batch.taken_pairs is not None and source in batch.pair_sources:
        return (source, target) in batch.taken_pairs
    return Transition.objects.filter(
        map=batch.map, from_touchpoint_id=source, to_touchpoint_id=target
    ).exists()


def apply_one(batch: Batch, raw: Any) -> None:
    if not isinstance(raw, dict):
        raise OpRejected("invalid", "each op must be an object")
    action = raw.get("action")
    if action not in ACTIONS:
        raise OpRejected("invalid", f"action must be one of: {', '.join(ACTIONS)}")
    spec = ENTITIES.get(raw.get("entity", ""))
    if spec is None:
        raise OpRejected("invalid", f"entity must be one of: {', '.join(ENTITIES)}")
    fields = raw.get("fields", {})
    if fields is None:
        fields = {}
    if not isinstance(fields, dict):
        raise OpRejected("invalid", "fields must be an object")
    for name in fields:
        if name in spec.server_fields:
            raise OpRejected("invalid", "is set by the server", field=name)
        if name not in spec.fields:
            raise OpRejected("invalid", f"is not a field of {spec.name}", field=name)
    if action == "create" and raw.get("id") is None:
        item_id = uuid.uuid4()
    else:
        try:
            item_id = f.uuid_value(raw.get("id"), "id")
        except OpRejected:
            raise OpRejected("invalid", "id must be a UUID") from None
    handler = {"create": _create, "update": _update, "move": _move, "delete": _delete}[action]
    handler(batch, spec, item_id, fields)


# --- actions -----------------------------------------------------------------------------


def _create(batch: Batch, spec: EntitySpec, item_id: uuid.UUID, fields: dict[str, Any]) -> None:
    if not spec.creatable:
        raise OpRejected("invalid", f"{spec.name} cannot be created by an op")
    if _id_taken(batch, spec, item_id):
        raise OpRejected("conflict", f"a {spec.name} with this id already exists")
    values: dict[str, Any] = {}
    for name, field_spec in spec.fields.items():
        if name in fields:
            values[name] = _parse_checked(batch, spec, name, field_spec, fields[name])
        elif field_spec.required:
            raise OpRejected("invalid", "is required", field=name)
        elif name != "order_key":
            default = field_spec.default
            values[name] = default() if callable(default) else default
    _check_create_rules(batch, spec, values)
    if spec.ordered and "order_key" not in values:
        values["order_key"] = _key_after_last(batch, spec, values)

    many = {name: values.pop(name) for name in list(values) if spec.fields[name].many}
    row = spec.model(
        pk=item_id,
        map=batch.map,
        **{column(spec, name): value for name, value in values.items()},
        **_server_values(batch, spec),
    )
    row.save(force_insert=True)
    if batch.taken_ids is not None and spec.model in batch.taken_ids:
        batch.taken_ids[spec.model].add(item_id)
    if batch.taken_pairs is not None and spec.name == "transition":
        batch.taken_pairs.add((values["from_touchpoint"], values["to_touchpoint"]))
    for name, ids in many.items():
        getattr(row, name).set(ids)
    batch.ops.append(
        {
            "action": "create",
            "entity": spec.name,
            "id": str(item_id),
            "fields": serialize_row(spec, row, many),
        }
    )


def _update(batch: Batch, spec: EntitySpec, item_id: uuid.UUID, fields: dict[str, Any]) -> None:
    if not spec.updatable:
        raise OpRejected("invalid", f"a {spec.name} cannot be updated; delete it instead")
    row = _get_row(batch, spec, item_id)
    if not fields:
        raise OpRejected("invalid", "fields must name at least one field to change")
    if spec.name == "comment" and "body" in fields and row.author_id != batch.actor.pk:
        raise OpRejected("forbidden", "only the author can edit a comment", field="body")
    changed: dict[str, Any] = {}
    for name, value in fields.items():
        field_spec = spec.fields[name]
        if field_spec.container or name == "order_key":
            raise OpRejected("invalid", "changes with a move op, not an update", field=name)
        if not field_spec.updatable:
            raise OpRejected("invalid", "cannot be changed after creation", field=name)
        changed[name] = _parse_checked(batch, spec, name, field_spec, value)
    plain = [name for name in changed if not spec.fields[name].many]
    for name in plain:
        setattr(row, column(spec, name), changed[name])
    if plain:
        update_fields = [column(spec, name) for name in plain]
        if spec.name != "map":
            update_fields.append("updated_at")
        row.save(update_fields=update_fields)
    for name in changed:
        if spec.fields[name].many:
            getattr(row, name).set(changed[name])
    batch.ops.append(
        {
            "action": "update",
            "entity": spec.name,
            "id": str(item_id),
            "fields": {name: json_value(value) for name, value in changed.items()},
        }
    )


def _move(batch: Batch, spec: EntitySpec, item_id: uuid.UUID, fields: dict[str, Any]) -> None:
    if not spec.ordered:
        raise OpRejected("invalid", f"a {spec.name} has no order to move in")
    row = _get_row(batch, spec, item_id)
    for name in fields:
        if name != "order_key" and not spec.fields[name].container:
            raise OpRejected("invalid", "changes with an update op, not a move", field=name)
    for name in spec.sibling_fields:
        if name in fields:
            value = _parse_checked(batch, spec, name, spec.fields[name], fields[name])
            setattr(row, column(spec, name), value)
    if "order_key" in fields:
        row.order_key = f.order_key(fields["order_key"], "order_key")
    else:
        current = {name: getattr(row, column(spec, name)) for name in spec.sibling_fields}
        row.order_key = _key_after_last(batch, spec, current, exclude=item_id)
    moved = [column(spec, name) for name in spec.sibling_fields] + ["order_key"]
    row.save(update_fields=[*moved, "updated_at"])
    batch.ops.append(
        {
            "action": "move",
            "entity": spec.name,
            "id": str(item_id),
            "fields": {
                name: json_value(getattr(row, column(spec, name)))
                for name in (*spec.sibling_fields, "order_key")
            },
        }
    )


def _delete(batch: Batch, spec: EntitySpec, item_id: uuid.UUID, fields: dict[str, Any]) -> None:
    batch.checked_refs.clear()
    batch.taken_ids = batch.taken_pairs = None
    if not spec.deletable:
        raise OpRejected("invalid", f"a {spec.name} cannot be deleted by an op")
    row = _get_row(batch, spec, item_id)
    if spec.name == "comment" and row.author_id != batch.actor.pk and batch.role != Role.OWNER:
        raise OpRejected("forbidden", "only the author or a workspace owner can delete a comment")
    if spec.name == "vote" and row.voter_id != batch.actor.pk:
        raise OpRejected("forbidden", "you can only take back your own votes")
    doomed, unlinked_frictions = dependents_of(batch.map, spec.name, item_id)
    for entity, ids in doomed.items():
        ENTITIES[entity].model._default_manager.filter(map=batch.map, pk__in=ids).delete()
    FrictionPoint.objects.filter(pk__in=unlinked_frictions).update(touchpoint=None)
    batch.ops.append({"action": "delete", "entity": spec.name, "id": str(item_id), "fields": {}})
    for entity in sorted(doomed):
        for doomed_id in sorted(doomed[entity], key=str):
            if doomed_id != item_id:
                batch.ops.append(
                    {"action": "delete", "entity": entity, "id": str(doomed_id), "fields": {}}
                )
    for friction_id in sorted(unlinked_frictions, key=str):
        batch.ops.append(
            {
                "action": "update",
                "entity": "friction",
                "id": str(friction_id),
                "fields": {"touchpoint": None},
            }
        )


# --- helpers -----------------------------------------------------------------------------


def _get_row(batch: Batch, spec: EntitySpec, item_id: uuid.UUID) -> Any:
    if spec.name == "map":
        if item_id != batch.map.id:
            raise OpRejected("not_found", "a map op must name this map's id")
        return batch.map
    row = spec.model._default_manager.filter(map=batch.map, pk=item_id).first()
    if row is None:
        raise OpRejected("not_found", f"no {spec.name} with this id in this map")
    return row


def _parse_checked(
    batch: Batch, spec: EntitySpec, name: str, field_spec: FieldSpec, raw: Any
) -> Any:
    value = field_spec.parse(raw, name)
    ref = field_spec.ref
    if ref is None or value is None:
        return value
    ids = value if field_spec.many else [value]
    if not ids:
        return value
    unchecked = [item for item in ids if (ref.model, item) not in batch.checked_refs]
    if unchecked:
        scope: dict[str, Any] = (
            {"map": batch.map} if ref.scope == "map" else {"workspace_id": batch.map.workspace_id}
        )
        found = ref.model._default_manager.filter(pk__in=unchecked, **scope)
        if ref.lane_kinds is not None:
            batch.checked_refs.update(
                ((ref.model, pk), kind) for pk, kind in found.values_list("pk", "kind")
            )
        else:
            batch.checked_refs.update(
                ((ref.model, pk), None) for pk in found.values_list("pk", flat=True)
            )
    missing = [item for item in ids if (ref.model, item) not in batch.checked_refs]
    if ref.lane_kinds is not None:
        if missing:
            raise OpRejected("not_found", "no such lane in this map", field=name)
        kinds = {batch.checked_refs[(ref.model, item)] for item in ids}
        if not kinds <= ref.lane_kinds:
            allowed = ", ".join(sorted(ref.lane_kinds))
            raise OpRejected(
                "invalid", f"a {spec.name} belongs in a lane of kind {allowed}", field=name
            )
        return value
    if missing:
        where = "this map" if ref.scope == "map" else "this workspace"
        raise OpRejected("not_found", f"refers to something not in {where}", field=name)
    return value


def _check_create_rules(batch: Batch, spec: EntitySpec, values: dict[str, Any]) -> None:
    """Rules that span rows: uniqueness, targets, the vote budget."""
    journey_map = batch.map
    if spec.name == "emotion":
        taken = EmotionPoint.objects.filter(
            map=journey_map, stage_id=values["stage"], persona_id=values["persona"]
        ).exists()
        if taken:
            raise OpRejected(
                "conflict", "this persona already has an emotion point at this stage; update it"
            )
    elif spec.name == "transition":
        if values["from_touchpoint"] == values["to_touchpoint"]:
            raise OpRejected("invalid", "must differ from from_touchpoint", field="to_touchpoint")
        if _pair_taken(batch, values["from_touchpoint"], values["to_touchpoint"]):
            raise OpRejected("conflict", "this transition already exists; update its count")
    elif spec.name in ("comment", "vote"):
        _check_target(journey_map, values["target_entity"], values["target_id"])
        if spec.name == "vote":
            used = Vote.objects.filter(map=journey_map, voter=batch.actor).count()
            if used >= journey_map.votes_per_user:
                raise OpRejected(
                    "conflict",
                    f"no votes left: {journey_map.votes_per_user} per person on this map",
                )


def _check_target(journey_map: JourneyMap, entity: str, target_id: uuid.UUID) -> None:
    if entity == "map":
        exists = target_id == journey_map.id
    else:
        model = TARGET_MODELS[entity]
        exists = model._default_manager.filter(map=journey_map, pk=target_id).exists()
    if not exists:
        raise OpRejected("not_found", f"no {entity} with this id in this map", field="target_id")


def _server_values(batch: Batch, spec: EntitySpec) -> dict[str, Any]:
    if spec.name == "comment":
        return {"author": batch.actor}
    if spec.name == "vote":
        return {"voter": batch.actor}
    return {}


def _key_after_last(
    batch: Batch,
    spec: EntitySpec,
    values: dict[str, Any],
    exclude: uuid.UUID | None = None,
) -> str:
    siblings = spec.model._default_manager.filter(
        map=batch.map, **{column(spec, name): values[name] for name in spec.sibling_fields}
    )
    if exclude is not None:
        siblings = siblings.exclude(pk=exclude)
    last = siblings.order_by("-order_key").values_list("order_key", flat=True).first()
    return str(generate_key_between(last, None))


def serialize_row(
    spec: EntitySpec, row: models.Model, many: dict[str, list[uuid.UUID]] | None = None
) -> dict[str, Any]:
    """An item as the map document shows it (without its id)."""
    many = many or {}
    data: dict[str, Any] = {}
    for name, field_spec in spec.fields.items():
        if field_spec.many:
            data[name] = json_value(many.get(name, []))
        else:
            data[name] = json_value(getattr(row, column(spec, name)))
    if spec.name == "comment":
        author = row.author  # type: ignore[attr-defined]
        data["author"] = str(author.pk) if author else None
        data["author_name"] = actor_info(author)["name"] if author else ""
        data["created_at"] = json_value(row.created_at)  # type: ignore[attr-defined]
    elif spec.name == "vote":
        data["voter"] = str(row.voter_id)  # type: ignore[attr-defined]
    return data
