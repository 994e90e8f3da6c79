"""What an op batch reads besides the rows it writes: whether ids are taken, whether the
references in its fields exist (in the map, or in the map's workspace), and which of them the
batch has already checked. Each op asks as little as it can, and in as few queries as it can:
a one-op batch is most of what a board sends, one statement each is what it costs.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from journeymap.core.errors import OpRejected

from ..models import JourneyMap, Transition
from .entities import ENTITIES, EntitySpec, FieldSpec

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
    # What the current op's `read_ahead` looked up (found or not), so that `parse_checked`
    # does not ask again for what it already knows is absent. Emptied after each op.
    ahead: set[tuple[type[models.Model], uuid.UUID]] = field(default_factory=set)


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
        item_id = maybe_uuid(raw.get("id"))
        if spec is None or item_id is None:
            continue
        ids[spec.model].add(item_id)
        fields = raw.get("fields")
        if spec.name == "transition" and isinstance(fields, dict):
            source = maybe_uuid(fields.get("from_touchpoint"))
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


def maybe_uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def id_taken(batch: Batch, spec: EntitySpec, item_id: uuid.UUID) -> bool:
    if batch.taken_ids is not None and spec.model in batch.taken_ids:
        return item_id in batch.taken_ids[spec.model]
    return spec.model._default_manager.filter(pk=item_id).exists()


def pair_taken(batch: Batch, source: uuid.UUID, target: uuid.UUID) -> bool:
    if batch.taken_pairs is not None and source in batch.pair_sources:
        return (source, target) in batch.taken_pairs
    return Transition.objects.filter(
        map=batch.map, from_touchpoint_id=source, to_touchpoint_id=target
    ).exists()


def read_ahead(
    batch: Batch, spec: EntitySpec, fields: dict[str, Any], taken_id: uuid.UUID | None = None
) -> bool | None:
    """Look up, in one query, what an op's fields refer to (the ids of its single and
    many-valued references not yet checked in this batch) and, with `taken_id`, whether
    an item of the op's model already has that id: a create of a card asked three questions
    of three tables one query each. What is found goes into `batch.checked_refs`, what is
    looked up into `batch.ahead`; `parse_checked` then answers from them. Values that do
    not parse are skipped here, and refused by `parse_checked` with the usual error.

    Returns whether `taken_id` is taken (None when it was not asked, or the batch's
    `taken_ids` already know)."""
    wanted: dict[tuple[type[models.Model], str], set[uuid.UUID]] = defaultdict(set)
    lanes: set[type[models.Model]] = set()
    for name, raw in fields.items():
        field_spec = spec.fields.get(name)
        ref = field_spec.ref if field_spec is not None else None
        if field_spec is None or ref is None:
            continue
        values = raw if field_spec.many and isinstance(raw, list) else [raw]
        for value in values:
            item = maybe_uuid(value) if value is not None else None
            if item is not None and (ref.model, item) not in batch.checked_refs:
                wanted[(ref.model, ref.scope)].add(item)
                if ref.lane_kinds is not None:
                    lanes.add(ref.model)
    ask_taken = taken_id is not None and not (
        batch.taken_ids is not None and spec.model in batch.taken_ids
    )
    if not wanted and not ask_taken:
        return None
    text: models.CharField[str, str] = models.CharField()
    parts: list[models.QuerySet[Any]] = []
    tags: list[type[models.Model] | None] = []
    for (model, scope), ids in wanted.items():
        where: dict[str, Any] = (
            {"map": batch.map} if scope == "map" else {"workspace_id": batch.map.workspace_id}
        )
        kind: Any = "kind" if model in lanes else models.Value("", output_field=text)
        tag = models.Value(str(len(tags)), output_field=text)
        found = model._default_manager.filter(pk__in=ids, **where).order_by()
        parts.append(found.values_list("pk", tag, kind))
        tags.append(model)
        batch.ahead.update((model, item) for item in ids)
    if ask_taken:
        tag = models.Value(str(len(tags)), output_field=text)
        empty = models.Value("", output_field=text)
        same = spec.model._default_manager.filter(pk=taken_id).order_by()
        parts.append(same.values_list("pk", tag, empty))
        tags.append(None)
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    taken = False if ask_taken else None
    for pk, tag_text, kind_value in rows:
        model_or_none = tags[int(tag_text)]
        if model_or_none is None:
            taken = True
        else:
            lane_kind = kind_value if model_or_none in lanes else None
            batch.checked_refs[(model_or_none, pk)] = lane_kind
    return taken


def parse_checked(
    batch: Batch, spec: EntitySpec, name: str, field_spec: FieldSpec, raw: Any
) -> Any:
    value = field_spec.parse(raw, name)
    ref = field_spec.ref
    if ref is None or value is None:
        return value
    ids = value if field_spec.many else [value]
    if not ids:
        return value
    unchecked = [
        item
        for item in ids
        if (ref.model, item) not in batch.checked_refs and (ref.model, item) not in batch.ahead
    ]
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
