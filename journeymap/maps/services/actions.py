"""The four op actions and the checks they share. Each handler applies one op to the
database inside the transaction `apply_ops` holds, and appends the normalised op to the batch.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.utils import timezone
from fractional_indexing import generate_key_between

from journeymap.core.actors import actor_info
from journeymap.core.errors import OpRejected
from journeymap.core.json import json_value
from journeymap.workspaces.models import Role

from ..models import EmotionPoint, FrictionPoint, JourneyMap, Vote
from . import fields as f
from .cascade import dependents_of
from .entities import ENTITIES, TARGET_MODELS, EntitySpec, column
from .itemsql import update_item
from .lookups import Batch, Op, id_taken, pair_taken, parse_checked, read_ahead

__all__ = ["ACTIONS", "Batch", "Op", "apply_one", "serialize_row"]

ACTIONS = ("create", "update", "move", "delete")


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
    taken = read_ahead(batch, spec, fields, taken_id=item_id)
    try:
        if taken if taken is not None else id_taken(batch, spec, item_id):
            raise OpRejected("conflict", f"a {spec.name} with this id already exists")
        _create_checked(batch, spec, item_id, fields)
    finally:
        batch.ahead.clear()


def _create_checked(
    batch: Batch, spec: EntitySpec, item_id: uuid.UUID, fields: dict[str, Any]
) -> None:
    values: dict[str, Any] = {}
    for name, field_spec in spec.fields.items():
        if name in fields:
            values[name] = parse_checked(batch, spec, name, field_spec, fields[name])
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
    # The row itself is read only when the op needs more than its existence: a comment's
    # author, a many-to-many field to set, the map (already read under the lock). A plain
    # update is one UPDATE whose row count says whether the item exists.
    needs_row = spec.name == "map" or (spec.name == "comment" and "body" in fields)
    needs_row = needs_row or any(spec.fields[name].many for name in fields)
    row = _get_row(batch, spec, item_id) if needs_row else None
    try:
        changed = _parse_update(batch, spec, fields)
    except OpRejected:
        if row is None:
            # An op on a missing item says not_found before anything else about it.
            _get_row(batch, spec, item_id)
        raise
    if row is not None and spec.name == "comment" and "body" in fields:
        if row.author_id != batch.actor.pk:
            raise OpRejected("forbidden", "only the author can edit a comment", field="body")
    plain = {column(spec, name): changed[name] for name in changed if not spec.fields[name].many}
    if row is None:
        plain["updated_at"] = timezone.now()
        found = update_item(model=spec.model, map_id=batch.map.id, item_id=item_id, values=plain)
        if not found:
            raise OpRejected("not_found", f"no {spec.name} with this id in this map")
    elif plain:
        for name, value in plain.items():
            setattr(row, name, value)
        update_fields = list(plain)
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


def _parse_update(batch: Batch, spec: EntitySpec, fields: dict[str, Any]) -> dict[str, Any]:
    if not fields:
        raise OpRejected("invalid", "fields must name at least one field to change")
    changed: dict[str, Any] = {}
    for name, value in fields.items():
        field_spec = spec.fields[name]
        if field_spec.container or name == "order_key":
            raise OpRejected("invalid", "changes with a move op, not an update", field=name)
        if not field_spec.updatable:
            raise OpRejected("invalid", "cannot be changed after creation", field=name)
        changed[name] = parse_checked(batch, spec, name, field_spec, value)
    return changed


def _move(batch: Batch, spec: EntitySpec, item_id: uuid.UUID, fields: dict[str, Any]) -> None:
    if not spec.ordered:
        raise OpRejected("invalid", f"a {spec.name} has no order to move in")
    # A move that names where the item goes (what a board sends) is one UPDATE whose row
    # count says whether the item exists; one that leaves a container or the key out reads
    # the item's current place first.
    current: dict[str, Any] | None = None
    if "order_key" not in fields or any(name not in fields for name in spec.sibling_fields):
        current = _place_of(batch, spec, item_id)
    try:
        for name in fields:
            if name != "order_key" and not spec.fields[name].container:
                raise OpRejected("invalid", "changes with an update op, not a move", field=name)
        read_ahead(
            batch, spec, {name: fields[name] for name in spec.sibling_fields if name in fields}
        )
        # Read above whenever a container is left out, so `current` has every one not given.
        place: dict[str, Any] = dict(current or {})
        for name in spec.sibling_fields:
            if name in fields:
                place[name] = parse_checked(batch, spec, name, spec.fields[name], fields[name])
        if "order_key" in fields:
            key = f.order_key(fields["order_key"], "order_key")
        else:
            key = _key_after_last(batch, spec, place, exclude=item_id)
    except OpRejected:
        if current is None:
            # An op on a missing item says not_found before anything else about it.
            _get_row(batch, spec, item_id)
        raise
    finally:
        batch.ahead.clear()
    changes = {column(spec, name): value for name, value in place.items()}
    changes.update(order_key=key, updated_at=timezone.now())
    found = update_item(model=spec.model, map_id=batch.map.id, item_id=item_id, values=changes)
    if not found:
        raise OpRejected("not_found", f"no {spec.name} with this id in this map")
    batch.ops.append(
        {
            "action": "move",
            "entity": spec.name,
            "id": str(item_id),
            "fields": {
                **{name: json_value(value) for name, value in place.items()},
                "order_key": key,
            },
        }
    )


def _place_of(batch: Batch, spec: EntitySpec, item_id: uuid.UUID) -> dict[str, Any]:
    """Where an item sits now: its containers (by field name), or not_found."""
    columns = [column(spec, name) for name in spec.sibling_fields]
    rows = spec.model._default_manager.filter(map=batch.map, pk=item_id).order_by()
    found = list(rows.values_list("pk", *columns)[:1])
    if not found:
        raise OpRejected("not_found", f"no {spec.name} with this id in this map")
    return dict(zip(spec.sibling_fields, found[0][1:], strict=True))


def _delete(batch: Batch, spec: EntitySpec, item_id: uuid.UUID, fields: dict[str, Any]) -> None:
    batch.checked_refs.clear()
    batch.taken_ids = batch.taken_pairs = None
    if not spec.deletable:
        raise OpRejected("invalid", f"a {spec.name} cannot be deleted by an op")
    if spec.name in ("comment", "vote"):
        row = _get_row(batch, spec, item_id)
        if spec.name == "comment" and row.author_id != batch.actor.pk and batch.role != Role.OWNER:
            raise OpRejected(
                "forbidden", "only the author or a workspace owner can delete a comment"
            )
        if spec.name == "vote" and row.voter_id != batch.actor.pk:
            raise OpRejected("forbidden", "you can only take back your own votes")
    doomed, unlinked_frictions = dependents_of(batch.map, spec.name, item_id)
    for entity, ids in doomed.items():
        model = ENTITIES[entity].model
        _, deleted = model._default_manager.filter(map=batch.map, pk__in=ids).delete()
        if entity == spec.name and not deleted.get(model._meta.label, 0):
            # Nothing was read first: the item's own DELETE says whether it existed (what
            # was found to go with it is rolled back with the batch).
            raise OpRejected("not_found", f"no {spec.name} with this id in this map")
    if unlinked_frictions:
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
        if pair_taken(batch, values["from_touchpoint"], values["to_touchpoint"]):
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
