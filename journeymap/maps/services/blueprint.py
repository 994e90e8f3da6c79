"""A map written as plain data (a blueprint) and the op batches that build it.

Map templates and the demo workspace both describe maps this way; `blueprint_batches` turns a
blueprint into ordinary create ops, so every map, however it starts, is built through
`apply_ops` and its history opens with readable patches.

Items refer to each other by *key* (a stage key, a lane key, a touchpoint key; workspace
records such as personas, channels and features by theirs). The caller's `resolve(entity, key)`
turns a key into the id the op carries: templates mint fresh uuid4s, the demo derives stable
uuid5s so that a rerun is recognised. Order keys are spelled out, so the batches never depend
on what the map already holds.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from fractional_indexing import generate_n_keys_between

Op = dict[str, Any]
Resolve = Callable[[str, str], str]


class StageSpec(NamedTuple):
    key: str
    name: str
    description: str = ""


class LaneSpec(NamedTuple):
    key: str
    name: str
    kind: str


class CardSpec(NamedTuple):
    stage: str
    lane: str
    title: str


class TouchpointSpec(NamedTuple):
    key: str
    stage: str
    title: str
    channel: str | None = None
    persona: str | None = None
    emotion: int = 0
    description: str = ""


class FrictionSpec(NamedTuple):
    key: str
    stage: str
    title: str
    severity: int
    status: str
    touchpoint: str | None
    personas: list[str]
    features: list[str]
    description: str = ""


class ContentSpec(NamedTuple):
    stage: str
    title: str
    persona: str
    channel: str
    content_type: str
    status: str
    url: str


class EmotionSpec(NamedTuple):
    stage: str
    persona: str
    score: int
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class Blueprint:
    stages: list[StageSpec]
    lanes: list[LaneSpec]
    cards: list[CardSpec] = field(default_factory=list)
    touchpoints: list[TouchpointSpec] = field(default_factory=list)
    frictions: list[FrictionSpec] = field(default_factory=list)
    contents: list[ContentSpec] = field(default_factory=list)
    emotions: list[EmotionSpec] = field(default_factory=list)
    transitions: list[tuple[str, str, int]] = field(default_factory=list)  # from, to, count
    comments: list[tuple[str, str, str]] = field(default_factory=list)  # entity, key, body
    votes: list[tuple[str, str]] = field(default_factory=list)  # entity, key


def fresh_ids() -> Resolve:
    """A resolver that gives each (entity, key) a new uuid4, the same one every time it is
    asked again (as a client creating the items would)."""
    minted: dict[tuple[str, str], str] = {}

    def resolve(entity: str, key: str) -> str:
        return minted.setdefault((entity, key), str(uuid.uuid4()))

    return resolve


def blueprint_batches(*, blueprint: Blueprint, resolve: Resolve) -> list[tuple[str, list[Op]]]:
    """The ops that build `blueprint` in an empty map, one named batch per kind of work, in the
    order a team would build it up (structure first, discussion last). Empty batches are left
    out, since apply_ops refuses an empty batch."""
    bp = blueprint

    def create(entity: str, key: str, **fields: Any) -> Op:
        return {"action": "create", "entity": entity, "id": resolve(entity, key), "fields": fields}

    def ref(entity: str, key: str | None) -> str | None:
        return resolve(entity, key) if key is not None else None

    lane_kind = {lane.key: lane.kind for lane in bp.lanes}
    lane_of = {kind: key for key, kind in reversed(list(lane_kind.items()))}

    structure = [
        create("stage", s.key, name=s.name, description=s.description, order_key=order)
        for s, order in zip(bp.stages, _keys(len(bp.stages)), strict=True)
    ] + [
        create("lane", lane.key, name=lane.name, kind=lane.kind, order_key=order)
        for lane, order in zip(bp.lanes, _keys(len(bp.lanes)), strict=True)
    ]
    cards = [
        create(
            "card",
            f"{card.stage}:{card.lane}:{index}",
            stage=resolve("stage", card.stage),
            lane=resolve("lane", card.lane),
            title=card.title,
            order_key=order,
        )
        for (card, index), order in _in_cells(bp.cards, lambda c: (c.stage, c.lane))
    ]
    touchpoints = [
        create(
            "touchpoint",
            tp.key,
            stage=resolve("stage", tp.stage),
            lane=resolve("lane", lane_of["touchpoints"]),
            channel=ref("channel", tp.channel),
            persona=ref("persona", tp.persona),
            title=tp.title,
            description=tp.description,
            emotion=tp.emotion,
            order_key=order,
        )
        for (tp, _), order in _in_cells(bp.touchpoints, lambda t: (t.stage,))
    ]
    frictions = [
        create(
            "friction",
            fr.key,
            stage=resolve("stage", fr.stage),
            lane=resolve("lane", lane_of["friction"]),
            touchpoint=ref("touchpoint", fr.touchpoint),
            title=fr.title,
            description=fr.description,
            severity=fr.severity,
            status=fr.status,
            personas=[resolve("persona", key) for key in fr.personas],
            features=[resolve("feature", key) for key in fr.features],
        )
        for fr in bp.frictions
    ]
    contents = [
        create(
            "content",
            str(index),
            stage=resolve("stage", ct.stage),
            lane=resolve("lane", lane_of["content"]),
            persona=resolve("persona", ct.persona),
            channel=resolve("channel", ct.channel),
            title=ct.title,
            content_type=ct.content_type,
            status=ct.status,
            url=ct.url,
        )
        for index, ct in enumerate(bp.contents)
    ]
    emotions = [
        create(
            "emotion",
            f"{point.persona}:{point.stage}",
            stage=resolve("stage", point.stage),
            persona=resolve("persona", point.persona),
            score=point.score,
            note=point.note,
        )
        for point in bp.emotions
    ]
    transitions = [
        create(
            "transition",
            f"{source}>{target}",
            from_touchpoint=resolve("touchpoint", source),
            to_touchpoint=resolve("touchpoint", target),
            count=count,
        )
        for source, target, count in bp.transitions
    ]
    discussion = [
        create(
            "comment", str(index), target_entity=entity, target_id=resolve(entity, key), body=body
        )
        for index, (entity, key, body) in enumerate(bp.comments)
    ] + [
        create("vote", f"{entity}:{key}", target_entity=entity, target_id=resolve(entity, key))
        for entity, key in bp.votes
    ]
    batches = [
        ("structure", structure + cards),
        ("touchpoints", touchpoints),
        ("frictions", frictions),
        ("contents", contents),
        ("emotions", emotions),
        ("transitions", transitions),
        ("discussion", discussion),
    ]
    return [(name, ops) for name, ops in batches if ops]


def _keys(count: int) -> list[str]:
    return [str(key) for key in generate_n_keys_between(None, None, count)] if count else []


def _in_cells(items: list[Any], cell: Callable[[Any], tuple[str, ...]]) -> list[tuple[Any, str]]:
    """Each item (with its index in the list) beside its order key within its cell, so items
    keep the order they are written in."""
    by_cell: dict[tuple[str, ...], list[tuple[Any, int]]] = {}
    for index, item in enumerate(items):
        by_cell.setdefault(cell(item), []).append((item, index))
    keyed: list[tuple[tuple[Any, int], str]] = []
    for members in by_cell.values():
        keyed.extend(zip(members, _keys(len(members)), strict=True))
    keyed.sort(key=lambda pair: pair[0][1])
    return [(member, order) for member, order in keyed]
