"""Turn a demo map written as plain data into op batches and apply them through `apply_ops`.

Every item id and every batch's op_id is fixed (uuid5 of the map's slug and the item's key),
so the demo map is the same on every machine and a rerun is recognised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import transaction

from journeymap.maps.models import JourneyMap
from journeymap.maps.services.ops import apply_ops
from personas.models import Persona

from ..models import Workspace
from .catalog import channel_id, feature_id
from .ids import Created, demo_id
from .personas import persona_id


class Tp(NamedTuple):
    key: str
    stage: str
    title: str
    channel: str
    persona: str
    emotion: int
    description: str = ""


class Fr(NamedTuple):
    key: str
    stage: str
    title: str
    severity: int
    status: str
    touchpoint: str | None
    personas: list[str]
    features: list[str]
    description: str = ""


class Ct(NamedTuple):
    stage: str
    title: str
    persona: str
    channel: str
    content_type: str
    status: str
    path: str  # under https://northwind.example/


@dataclass(frozen=True)
class MapSpec:
    slug: str
    title: str
    description: str
    personas: list[str]
    stages: list[tuple[str, str, str]]  # key, name, description
    lanes: list[tuple[str, str]]  # name, kind (the kind is also the lane's key)
    cards: list[tuple[str, str, str]]  # stage, lane kind, title
    touchpoints: list[Tp]
    frictions: list[Fr]
    contents: list[Ct]
    emotions: dict[str, list[tuple[int, str]]]  # persona → (score, note) per stage, in order
    transitions: list[tuple[str, str, int]]  # from touchpoint, to touchpoint, count
    comments: list[tuple[str, str, str]]  # entity, key, body
    votes: list[tuple[str, str]] = field(default_factory=list)  # entity, key


def seed_map(*, spec: MapSpec, workspace: Workspace, actor: Any, created: Created) -> JourneyMap:
    map_id = demo_id(f"map:{spec.slug}")
    existing = JourneyMap.objects.filter(pk=map_id).first()
    if existing is not None:
        # Built on an earlier run; people may have edited it since, so leave it be.
        return existing
    with transaction.atomic():
        journey_map = JourneyMap.objects.create(
            id=map_id,
            workspace=workspace,
            title=spec.title,
            description=spec.description,
            created_by=actor,
        )
        journey_map.personas.set(
            Persona.objects.filter(pk__in=[persona_id(key) for key in spec.personas])
        )
        for name, ops in _batches(spec):
            apply_ops(
                map_id=map_id,
                actor=actor,
                client_id="seed_demo",
                op_id=demo_id(f"map:{spec.slug}:op:{name}"),
                ops=ops,
            )
    created["journeymap"] += 1
    return journey_map


def _batches(spec: MapSpec) -> list[tuple[str, list[dict[str, Any]]]]:
    """The map's history, one batch per kind of work, as a team would build it up."""

    def item(entity: str, key: str) -> str:
        return str(demo_id(f"map:{spec.slug}:{entity}:{key}"))

    def create(entity: str, key: str, **fields: Any) -> dict[str, Any]:
        return {"action": "create", "entity": entity, "id": item(entity, key), "fields": fields}

    def stage(key: str) -> str:
        return item("stage", key)

    def lane(kind: str) -> str:
        return item("lane", kind)

    structure = [
        create("stage", key, name=name, description=description)
        for key, name, description in spec.stages
    ] + [create("lane", kind, name=name, kind=kind) for name, kind in spec.lanes]
    cards = [
        create("card", str(index), stage=stage(stage_key), lane=lane(kind), title=title)
        for index, (stage_key, kind, title) in enumerate(spec.cards)
    ]
    touchpoints = [
        create(
            "touchpoint",
            tp.key,
            stage=stage(tp.stage),
            lane=lane("touchpoints"),
            channel=channel_id(tp.channel),
            persona=persona_id(tp.persona),
            title=tp.title,
            description=tp.description,
            emotion=tp.emotion,
        )
        for tp in spec.touchpoints
    ]
    frictions = [
        create(
            "friction",
            fr.key,
            stage=stage(fr.stage),
            lane=lane("friction"),
            touchpoint=item("touchpoint", fr.touchpoint) if fr.touchpoint else None,
            title=fr.title,
            description=fr.description,
            severity=fr.severity,
            status=fr.status,
            personas=[persona_id(key) for key in fr.personas],
            features=[feature_id(key) for key in fr.features],
        )
        for fr in spec.frictions
    ]
    contents = [
        create(
            "content",
            str(index),
            stage=stage(ct.stage),
            lane=lane("content"),
            persona=persona_id(ct.persona),
            channel=channel_id(ct.channel),
            title=ct.title,
            content_type=ct.content_type,
            status=ct.status,
            url=f"https://northwind.example/{ct.path}",
        )
        for index, ct in enumerate(spec.contents)
    ]
    emotions = [
        create(
            "emotion",
            f"{persona}:{stage_key}",
            stage=stage(stage_key),
            persona=persona_id(persona),
            score=score,
            note=note,
        )
        for persona, points in spec.emotions.items()
        for (stage_key, _, _), (score, note) in zip(spec.stages, points, strict=True)
    ]
    transitions = [
        create(
            "transition",
            f"{source}>{target}",
            from_touchpoint=item("touchpoint", source),
            to_touchpoint=item("touchpoint", target),
            count=count,
        )
        for source, target, count in spec.transitions
    ]
    discussion = [
        create(
            "comment",
            str(index),
            target_entity=entity,
            target_id=item(entity, key),
            body=body,
        )
        for index, (entity, key, body) in enumerate(spec.comments)
    ] + [
        create("vote", f"{entity}:{key}", target_entity=entity, target_id=item(entity, key))
        for entity, key in spec.votes
    ]
    return [
        ("structure", structure + cards),
        ("touchpoints", touchpoints),
        ("frictions", frictions),
        ("contents", contents),
        ("emotions", emotions),
        ("transitions", transitions),
        ("discussion", discussion),
    ]
