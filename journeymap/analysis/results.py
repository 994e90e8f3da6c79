"""Pieces every analysis result is made of, so that all of them read alike."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from . import bounds
from .graph import JourneyGraph


def touchpoint_ref(
    *, journey: JourneyGraph, node: str, attrs: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The fields that name a touchpoint in a result: id, title and stage. Pass the node's
    `attrs` when at hand: looking them up is most of the cost in loops over every node."""
    if attrs is None:
        attrs = journey.graph.nodes[node]
    return {
        "touchpoint": node,
        "title": attrs["title"],
        "stage": attrs["stage"],
        "stage_name": journey.stage_by_id[attrs["stage"]].name,
    }


def finding_list(*, items: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """A list of findings, cut at `bounds.LIST_LIMIT`; `count` says how many there were."""
    truncated = len(items) > bounds.LIST_LIMIT
    return {
        "count": len(items),
        "items": list(items[: bounds.LIST_LIMIT]),
        "truncated": truncated,
        "truncation": f"first {bounds.LIST_LIMIT} of {len(items)}" if truncated else None,
    }


def position(*, journey: JourneyGraph, node: str) -> int:
    """Where the touchpoint sits in journey order (stage, order key, id): a stable sort key."""
    value: int = journey.graph.nodes[node]["position"]
    return value
