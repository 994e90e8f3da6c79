"""What each op entity is: its model, its fields and how they are checked.

The op engine (`ops.py`) is generic over these specs; adding a field to a map item means
adding one line here (and the model field), nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models

from personas.models import Channel, Feature, Persona

from ..models import (
    CARD_LANE_KINDS,
    Card,
    Comment,
    ContentAssignment,
    ContentStatus,
    ContentType,
    EmotionPoint,
    FrictionPoint,
    FrictionStatus,
    JourneyMap,
    JourneyRole,
    Lane,
    LaneKind,
    Stage,
    TargetEntity,
    Touchpoint,
    Transition,
    Vote,
)
from . import fields as f


@dataclass(frozen=True)
class Ref:
    """The field holds the id of another row, in this map or in the map's workspace."""

    model: type[models.Model]
    scope: str  # "map" or "workspace"
    lane_kinds: frozenset[str] | None = None


@dataclass(frozen=True)
class FieldSpec:
    parse: Callable[[Any, str], Any]
    required: bool = False
    default: Any = None
    ref: Ref | None = None
    many: bool = False  # a many-to-many list of refs
    container: bool = False  # where the item sits: changed by `move`, not `update`
    updatable: bool = True


@dataclass(frozen=True)
class EntitySpec:
    name: str
    model: type[models.Model]
    collection: str  # key of the list in the map document
    fields: dict[str, FieldSpec]
    ordered: bool = False
    server_fields: tuple[str, ...] = ()  # set by the server, read-only for clients
    creatable: bool = True
    updatable: bool = True
    deletable: bool = True

    @property
    def sibling_fields(self) -> tuple[str, ...]:
        """Fields that define the list an item is ordered within."""
        return tuple(name for name, spec in self.fields.items() if spec.container)


def _stage() -> FieldSpec:
    return FieldSpec(f.uuid_value, required=True, ref=Ref(Stage, "map"), container=True)


def _lane(kinds: frozenset[str]) -> FieldSpec:
    return FieldSpec(
        f.uuid_value, required=True, ref=Ref(Lane, "map", lane_kinds=kinds), container=True
    )


def _workspace_ref(model: type[models.Model]) -> FieldSpec:
    return FieldSpec(f.optional_uuid, ref=Ref(model, "workspace"))


def _title() -> FieldSpec:
    return FieldSpec(f.text(max_length=300, required=True), required=True)


def _description() -> FieldSpec:
    return FieldSpec(f.text(max_length=10_000), default="")


_ORDER_KEY = FieldSpec(f.order_key)
_TARGET = {
    "target_entity": FieldSpec(f.choice(TargetEntity.values), required=True, updatable=False),
    "target_id": FieldSpec(f.uuid_value, required=True, updatable=False),
}

ENTITIES: dict[str, EntitySpec] = {
    spec.name: spec
    for spec in [
        EntitySpec(
            name="map",
            model=JourneyMap,
            collection="",
            fields={
                "title": FieldSpec(f.text(max_length=200, required=True)),
                "description": _description(),
                "votes_per_user": FieldSpec(f.integer(low=0, high=100)),
                "personas": FieldSpec(f.uuid_list, ref=Ref(Persona, "workspace"), many=True),
            },
            creatable=False,
            deletable=False,
        ),
        EntitySpec(
            name="stage",
            model=Stage,
            collection="stages",
            ordered=True,
            fields={
                "name": FieldSpec(f.text(max_length=200, required=True), required=True),
                "description": _description(),
                "order_key": _ORDER_KEY,
            },
        ),
        EntitySpec(
            name="lane",
            model=Lane,
            collection="lanes",
            ordered=True,
            fields={
                "name": FieldSpec(f.text(max_length=200, required=True), required=True),
                "kind": FieldSpec(f.choice(LaneKind.values), default=LaneKind.TEXT.value),
                "order_key": _ORDER_KEY,
            },
        ),
        EntitySpec(
            name="card",
            model=Card,
            collection="cards",
            ordered=True,
            fields={
                "stage": _stage(),
                "lane": _lane(frozenset(CARD_LANE_KINDS)),
                "title": _title(),
                "description": _description(),
                "color": FieldSpec(f.color, default=""),
                "order_key": _ORDER_KEY,
            },
        ),
        EntitySpec(
            name="touchpoint",
            model=Touchpoint,
            collection="touchpoints",
            ordered=True,
            fields={
                "stage": _stage(),
                "lane": _lane(frozenset({LaneKind.TOUCHPOINTS})),
                "channel": _workspace_ref(Channel),
                "persona": _workspace_ref(Persona),
                "title": _title(),
                "description": _description(),
                "emotion": FieldSpec(f.integer(low=-3, high=3), default=0),
                "journey_role": FieldSpec(f.choice(["", *JourneyRole.values]), default=""),
                "order_key": _ORDER_KEY,
            },
        ),
        EntitySpec(
            name="friction",
            model=FrictionPoint,
            collection="frictions",
            ordered=True,
            fields={
                "stage": _stage(),
                "lane": _lane(frozenset({LaneKind.FRICTION})),
                "touchpoint": FieldSpec(f.optional_uuid, ref=Ref(Touchpoint, "map")),
                "title": _title(),
                "description": _description(),
                "severity": FieldSpec(f.integer(low=1, high=5), default=3),
                "status": FieldSpec(f.choice(FrictionStatus.values), default="open"),
                "personas": FieldSpec(
                    f.uuid_list, ref=Ref(Persona, "workspace"), many=True, default=list
                ),
                "features": FieldSpec(
                    f.uuid_list, ref=Ref(Feature, "workspace"), many=True, default=list
                ),
                "order_key": _ORDER_KEY,
            },
        ),
        EntitySpec(
            name="content",
            model=ContentAssignment,
            collection="contents",
            ordered=True,
            fields={
                "stage": _stage(),
                "lane": _lane(frozenset({LaneKind.CONTENT})),
                "persona": _workspace_ref(Persona),
                "channel": _workspace_ref(Channel),
                "title": _title(),
                "description": _description(),
                "content_type": FieldSpec(f.choice(ContentType.values), default="article"),
                "url": FieldSpec(f.url, default=""),
                "status": FieldSpec(f.choice(ContentStatus.values), default="planned"),
                "order_key": _ORDER_KEY,
            },
        ),
        EntitySpec(
            name="emotion",
            model=EmotionPoint,
            collection="emotions",
            fields={
                "stage": FieldSpec(
                    f.uuid_value, required=True, ref=Ref(Stage, "map"), updatable=False
                ),
                "persona": FieldSpec(
                    f.uuid_value, required=True, ref=Ref(Persona, "workspace"), updatable=False
                ),
                "score": FieldSpec(f.integer(low=-3, high=3), required=True),
                "note": FieldSpec(f.text(max_length=300), default=""),
            },
        ),
        EntitySpec(
            name="transition",
            model=Transition,
            collection="transitions",
            fields={
                "from_touchpoint": FieldSpec(
                    f.uuid_value, required=True, ref=Ref(Touchpoint, "map"), updatable=False
                ),
                "to_touchpoint": FieldSpec(
                    f.uuid_value, required=True, ref=Ref(Touchpoint, "map"), updatable=False
                ),
                "count": FieldSpec(f.integer(low=0, high=2_000_000_000), default=0),
            },
        ),
        EntitySpec(
            name="comment",
            model=Comment,
            collection="comments",
            fields={
                **_TARGET,
                "body": FieldSpec(f.text(max_length=5000, required=True), required=True),
                "resolved": FieldSpec(f.boolean, default=False),
            },
            server_fields=("author", "author_name", "created_at"),
        ),
        EntitySpec(
            name="vote",
            model=Vote,
            collection="votes",
            fields=dict(_TARGET),
            server_fields=("voter",),
            updatable=False,
        ),
    ]
}

# Entities a comment or vote may point at, with their models.
TARGET_MODELS: dict[str, type[models.Model]] = {
    name: ENTITIES[name].model for name in TargetEntity.values
}


def column(spec: EntitySpec, name: str) -> str:
    """The model attribute a field is stored in (`stage` → `stage_id`)."""
    field_spec = spec.fields.get(name)
    if field_spec is not None and field_spec.ref is not None and not field_spec.many:
        return f"{name}_id"
    return name
