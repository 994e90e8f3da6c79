"""Turn a demo map written as plain data into op batches (with the same builder as map
templates, `maps/services/blueprint.py`) and apply them through `apply_ops`.

Every item id and every batch's op_id is fixed (uuid5 of the map's slug and the item's key),
so the demo map is the same on every machine and a rerun is recognised.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import transaction

from journeymap.maps.models import JourneyMap
from journeymap.maps.services.blueprint import (
    Blueprint,
    CardSpec,
    ContentSpec,
    EmotionSpec,
    FrictionSpec,
    LaneSpec,
    StageSpec,
    TouchpointSpec,
    blueprint_batches,
)
from journeymap.maps.services.ops import apply_ops
from journeymap.workspaces.models import Workspace
from personas.models import Persona

from .catalog import channel_id, feature_id
from .ids import Created, demo_id
from .personas import persona_id

# The demo's data files write touchpoints and friction points in the builder's own shape.
Tp = TouchpointSpec
Fr = FrictionSpec


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
    existing = JourneyMap.all_objects.filter(pk=map_id).first()  # trashed: leave it there
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
        batches = blueprint_batches(blueprint=_blueprint(spec), resolve=_resolver(spec))
        for name, ops in batches:
            apply_ops(
                map_id=map_id,
                actor=actor,
                client_id="seed_demo",
                op_id=demo_id(f"map:{spec.slug}:op:{name}"),
                ops=ops,
            )
    created["journeymap"] += 1
    return journey_map


def _blueprint(spec: MapSpec) -> Blueprint:
    return Blueprint(
        stages=[StageSpec(key, name, description) for key, name, description in spec.stages],
        # A demo lane's key is its kind: each kind appears once.
        lanes=[LaneSpec(key=kind, name=name, kind=kind) for name, kind in spec.lanes],
        cards=[CardSpec(stage, kind, title) for stage, kind, title in spec.cards],
        touchpoints=spec.touchpoints,
        frictions=spec.frictions,
        contents=[
            ContentSpec(
                stage=ct.stage,
                title=ct.title,
                persona=ct.persona,
                channel=ct.channel,
                content_type=ct.content_type,
                status=ct.status,
                url=f"https://northwind.example/{ct.path}",
            )
            for ct in spec.contents
        ],
        emotions=[
            EmotionSpec(stage=stage_key, persona=persona, score=score, note=note)
            for persona, points in spec.emotions.items()
            for (stage_key, _, _), (score, note) in zip(spec.stages, points, strict=True)
        ],
        transitions=spec.transitions,
        comments=spec.comments,
        votes=spec.votes,
    )


def _resolver(spec: MapSpec) -> Callable[[str, str], str]:
    workspace_ids = {"persona": persona_id, "channel": channel_id, "feature": feature_id}

    def resolve(entity: str, key: str) -> str:
        if entity in workspace_ids:
            return str(workspace_ids[entity](key))
        return str(demo_id(f"map:{spec.slug}:{entity}:{key}"))

    return resolve
