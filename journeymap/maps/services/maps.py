"""Creating and removing whole maps. Content changes go through `apply_ops`."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction

from journeymap.workspaces.models import Workspace
from personas.models import Persona

from ..models import JourneyMap
from .ops import apply_ops
from .templates import template_ops


def map_create(
    *,
    workspace: Workspace,
    actor: Any,
    title: str,
    description: str = "",
    personas: list[Persona] | None = None,
    template: str = "blank",
) -> JourneyMap:
    """A new map, filled from a template through the one write path (so its first
    batch is seq 1 in the op log, like every later edit)."""
    ops = template_ops(template=template)
    with transaction.atomic():
        journey_map = JourneyMap.objects.create(
            workspace=workspace, title=title, description=description, created_by=actor
        )
        if personas:
            journey_map.personas.set(personas)
        if ops:
            apply_ops(
                map_id=journey_map.id,
                actor=actor,
                client_id="template",
                op_id=uuid.uuid4(),
                ops=ops,
            )
    journey_map.refresh_from_db()
    return journey_map


def map_delete(*, journey_map: JourneyMap) -> None:
    journey_map.delete()
