"""What a delete takes with it."""

from __future__ import annotations

import uuid
from collections import defaultdict

from django.db import models

from ..models import (
    Card,
    Comment,
    ContentAssignment,
    EmotionPoint,
    FrictionPoint,
    JourneyMap,
    Touchpoint,
    Transition,
    Vote,
)


def dependents_of(
    journey_map: JourneyMap, entity: str, item_id: uuid.UUID
) -> tuple[dict[str, set[uuid.UUID]], set[uuid.UUID]]:
    """Everything deleting this item takes with it, and the friction points that merely
    lose their link to a deleted touchpoint. Spelled out so the patch names every row
    that changes and clients need no knowledge of cascades."""
    doomed: dict[str, set[uuid.UUID]] = defaultdict(set)
    doomed[entity].add(item_id)
    container = {"stage": "stage_id", "lane": "lane_id"}.get(entity)
    if container:
        children: dict[str, type[models.Model]] = {
            "card": Card,
            "touchpoint": Touchpoint,
            "friction": FrictionPoint,
            "content": ContentAssignment,
        }
        if entity == "stage":
            children["emotion"] = EmotionPoint
        for child, model in children.items():
            ids = model._default_manager.filter(map=journey_map, **{container: item_id})
            doomed[child].update(ids.values_list("pk", flat=True))
    touchpoints = doomed.get("touchpoint", set())
    unlinked: set[uuid.UUID] = set()
    if touchpoints:
        transitions = Transition.objects.filter(map=journey_map).filter(
            models.Q(from_touchpoint_id__in=touchpoints)
            | models.Q(to_touchpoint_id__in=touchpoints)
        )
        doomed["transition"].update(transitions.values_list("pk", flat=True))
        linked = FrictionPoint.objects.filter(map=journey_map, touchpoint_id__in=touchpoints)
        unlinked = set(linked.values_list("pk", flat=True)) - doomed.get("friction", set())
    targets = set().union(*doomed.values())
    if entity not in ("comment", "vote"):
        # The comments and votes on everything that goes, in one query for both tables.
        on_targets = {"map": journey_map, "target_id__in": targets}
        comments = Comment.objects.filter(**on_targets).order_by()
        votes = Vote.objects.filter(**on_targets).order_by()
        kind = models.Value("comment", output_field=models.CharField())
        found = comments.values_list("pk", kind).union(
            votes.values_list("pk", models.Value("vote", output_field=models.CharField())),
            all=True,
        )
        for pk, name in found:
            doomed[name].add(pk)
    return {name: ids for name, ids in doomed.items() if ids}, unlinked
