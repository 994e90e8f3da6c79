"""Reading a map document: the rows the journey graph is built from.

A document comes from `map_document`, where every id is a string and every field has been
checked by the op engine; the readers still take nothing on trust (a document may also come
from a saved version or a test), so odd rows are skipped and counted in `ignored`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


class JourneyTooLarge(ValueError):
    """The map is past a limit in `bounds`; analysing it would hold a worker too long."""


@dataclass(frozen=True)
class Stage:
    id: str
    name: str
    index: int


@dataclass(frozen=True)
class Friction:
    id: str
    title: str
    stage: str
    touchpoint: str | None  # None: the friction is on the stage, not on one step
    severity: int


@dataclass(frozen=True)
class Content:
    id: str
    stage: str
    persona: str | None


@dataclass(frozen=True)
class EmotionPoint:
    id: str
    stage: str
    persona: str
    score: int
    note: str


def check_size(*, document: Mapping[str, Any], limits: Mapping[str, int]) -> None:
    """Refuse a document with a collection longer than its limit, before reading any row."""
    for key, limit in limits.items():
        rows = document.get(key) or ()
        if not isinstance(rows, Sequence):
            raise ValueError(f"the document's {key} is not a list")
        if len(rows) > limit:
            raise JourneyTooLarge(f"{len(rows)} {key}; analysis stops at {limit}")


def read_stages(*, document: Mapping[str, Any]) -> tuple[Stage, ...]:
    rows = [row for row in _rows(document, "stages") if _id(row.get("id")) is not None]
    # Fractional-index keys compare by code point; the id settles equal keys.
    rows.sort(key=lambda row: (str(row.get("order_key") or ""), str(row["id"])))
    return tuple(
        Stage(id=str(row["id"]), name=str(row.get("name") or ""), index=index)
        for index, row in enumerate(rows)
    )


# The touchpoint roles a map can set (`journey_role`); anything else is no role.
ROLES = ("entry", "goal")


def read_touchpoints(
    *,
    document: Mapping[str, Any],
    persona: str | None,
    stage_by_id: Mapping[str, Stage],
    ignored: dict[str, int],
) -> tuple[dict[str, str], dict[str, dict[str, Any]]]:
    """Every touchpoint on the map (id → title), and the node attributes of those the
    persona filter keeps, in journey order with their `position` in it."""
    map_touchpoints: dict[str, str] = {}
    kept: list[tuple[tuple[int, str, str], str, dict[str, Any]]] = []
    for row in _rows(document, "touchpoints"):
        touchpoint, stage = _id(row.get("id")), stage_by_id.get(_id(row.get("stage")) or "")
        if touchpoint is None or stage is None:
            ignored["touchpoints_without_stage"] += 1
            continue
        map_touchpoints[touchpoint] = str(row.get("title") or "")
        owner = _id(row.get("persona"))
        if persona is not None and owner not in (None, persona):
            continue
        attrs = {
            "title": map_touchpoints[touchpoint],
            "stage": stage.id,
            "stage_index": stage.index,
            "channel": _id(row.get("channel")),
            "persona": owner,
            "emotion": _bounded_int(row.get("emotion"), low=-3, high=3, default=0),
            "journey_role": row.get("journey_role") if row.get("journey_role") in ROLES else "",
        }
        kept.append(((stage.index, str(row.get("order_key") or ""), touchpoint), touchpoint, attrs))
    kept.sort(key=lambda item: item[0])
    node_attrs: dict[str, dict[str, Any]] = {}
    for position, (_, node, attrs) in enumerate(kept):
        attrs["position"] = position
        node_attrs[node] = attrs
    return map_touchpoints, node_attrs


def read_frictions(
    *,
    document: Mapping[str, Any],
    persona: str | None,
    stage_by_id: Mapping[str, Stage],
    map_touchpoints: Mapping[str, str],
    kept: Mapping[str, Any],
    ignored: dict[str, int],
) -> tuple[Friction, ...]:
    """Friction points for everyone or for the persona; those on another persona's
    touchpoint are left out, those on a touchpoint off the map count for their stage."""
    frictions = []
    for row in _rows(document, "frictions"):
        friction, stage = _id(row.get("id")), _id(row.get("stage"))
        if friction is None or stage is None or stage not in stage_by_id:
            ignored["frictions_without_stage"] += 1
            continue
        personas = {str(value) for value in row.get("personas") or ()}
        if persona is not None and personas and persona not in personas:
            continue
        touchpoint = _id(row.get("touchpoint"))
        if touchpoint in map_touchpoints and touchpoint not in kept:
            continue
        severity = _bounded_int(row.get("severity"), low=1, high=5, default=3)
        frictions.append(
            Friction(
                id=friction,
                title=str(row.get("title") or ""),
                stage=stage,
                touchpoint=touchpoint if touchpoint in kept else None,
                severity=severity,
            )
        )
    return tuple(frictions)


def read_transitions(
    *,
    document: Mapping[str, Any],
    map_touchpoints: Mapping[str, str],
    kept: Mapping[str, Any],
    ignored: dict[str, int],
) -> tuple[dict[tuple[str, str], int], bool]:
    """Observed counts between kept touchpoints, and whether the map has any transition
    at all between its touchpoints (whatever the persona filter kept)."""
    counts: dict[tuple[str, str], int] = {}
    any_on_map = False
    for row in _rows(document, "transitions"):
        source, target = _id(row.get("from_touchpoint")), _id(row.get("to_touchpoint"))
        if source is None or target is None:
            ignored["transitions_off_map"] += 1
            continue
        if source not in map_touchpoints or target not in map_touchpoints:
            ignored["transitions_off_map"] += 1
            continue
        any_on_map = True
        if source not in kept or target not in kept:
            continue
        count = row.get("count", 0)
        # `type(...) is int` also turns away bools, which are ints to isinstance.
        if type(count) is not int or count < 0:
            ignored["transitions_with_bad_count"] += 1
            continue
        counts[source, target] = counts.get((source, target), 0) + count
    return counts, any_on_map


def read_contents(
    *, document: Mapping[str, Any], persona: str | None, stage_by_id: Mapping[str, Stage]
) -> tuple[Content, ...]:
    contents = []
    for row in _rows(document, "contents"):
        content, stage, owner = _id(row.get("id")), _id(row.get("stage")), _id(row.get("persona"))
        if content is None or stage is None or stage not in stage_by_id:
            continue
        if persona is not None and owner not in (None, persona):
            continue
        contents.append(Content(id=content, stage=stage, persona=owner))
    return tuple(contents)


def read_emotion_points(
    *, document: Mapping[str, Any], persona: str | None, stage_by_id: Mapping[str, Stage]
) -> tuple[EmotionPoint, ...]:
    points = []
    for row in _rows(document, "emotions"):
        point, stage, owner = _id(row.get("id")), _id(row.get("stage")), _id(row.get("persona"))
        if point is None or stage is None or stage not in stage_by_id or owner is None:
            continue
        if persona is not None and owner != persona:
            continue
        score = _bounded_int(row.get("score"), low=-3, high=3, default=0)
        note = str(row.get("note") or "")
        points.append(EmotionPoint(id=point, stage=stage, persona=owner, score=score, note=note))
    return tuple(points)


def read_map_personas(*, document: Mapping[str, Any]) -> set[str]:
    return {str(value) for value in document.get("personas") or ()}


def read_channel_names(*, document: Mapping[str, Any]) -> dict[str, str]:
    directory = document.get("directory")
    channels = (directory.get("channels") or ()) if isinstance(directory, Mapping) else ()
    return {
        str(row["id"]): str(row.get("name") or "")
        for row in channels
        if isinstance(row, Mapping) and row.get("id") is not None
    }


def sketch_document(
    *,
    stages: Sequence[Sequence[str]],
    transitions: Mapping[tuple[str, str], int] | None = None,
) -> dict[str, Any]:
    """A minimal map document: stage n holds the touchpoints listed n-th.

    >>> [stage["id"] for stage in sketch_document(stages=[["a"], ["b"]])["stages"]]
    ['stage-1', 'stage-2']
    """
    stage_rows = [
        {"id": f"stage-{n}", "name": f"Stage {n}", "order_key": f"a{n:05d}"}
        for n in range(1, len(stages) + 1)
    ]
    touchpoints = [
        {"id": touchpoint, "stage": f"stage-{n}", "title": touchpoint, "order_key": "a0"}
        for n, names in enumerate(stages, start=1)
        for touchpoint in names
    ]
    return {
        "stages": stage_rows,
        "touchpoints": touchpoints,
        "transitions": [
            {"from_touchpoint": source, "to_touchpoint": target, "count": count}
            for (source, target), count in (transitions or {}).items()
        ],
    }


def _rows(document: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    rows = document.get(key) or ()
    # Rows are dicts as `map_document` builds them; anything else must at least be a Mapping.
    return [row for row in rows if type(row) is dict or isinstance(row, Mapping)]


def _id(value: Any) -> str | None:
    # Ids travel as strings in the document; anything else is normalised to one.
    if type(value) is str:
        return value or None
    return None if value is None else str(value)


def _bounded_int(value: Any, *, low: int, high: int, default: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        return default
    return min(max(value, low), high)
