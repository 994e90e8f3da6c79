"""Every new workspace starts with the default interview guide. A signal, because workspaces
sit below personas and must not import them."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save

from journeymap.workspaces.models import Workspace


def _give_default_guide(
    sender: type[Workspace], instance: Workspace, created: bool, raw: bool = False, **_: Any
) -> None:
    # A raw save (loaddata) brings its own guides.
    if created and not raw:
        from .research import guide_create_default

        guide_create_default(workspace=instance)


def connect() -> None:
    post_save.connect(_give_default_guide, sender=Workspace, dispatch_uid="default-interview-guide")
