"""Build the demo: who can sign in, what they own, and the maps they work on.

Every step finds rows by fixed ids and only adds what is missing, so running it again
changes nothing; map content goes through `apply_ops` like every other edit.
"""

from __future__ import annotations

from collections import Counter

from django.conf import settings
from django.db import transaction

from .accounts import seed_accounts
from .catalog import seed_channels, seed_features
from .customers import seed_customers, seed_segments
from .ids import Created
from .larkspur import seed_larkspur
from .map_aftercare import AFTERCARE
from .map_online import ONLINE_PURCHASE
from .mapbuild import seed_map
from .personas import seed_personas


class DemoRefused(Exception):
    """The demo creates users whose password is their name: never outside DEBUG."""


def seed_demo() -> Created:
    """Create whatever part of the demo is missing; returns what was created, by model."""
    if not settings.DEBUG:
        raise DemoRefused(
            "seed_demo creates the users demo, viewer and outsider with their names as "
            "passwords, so it only runs with DEBUG on. Set DEBUG=1 for a local demo."
        )
    created: Created = Counter()
    with transaction.atomic():
        accounts = seed_accounts(created=created)
        workspace = accounts.northwind
        channels = seed_channels(workspace=workspace, created=created)
        personas = seed_personas(
            workspace=workspace, owner=accounts.demo, channels=channels, created=created
        )
        seed_segments(workspace=workspace, personas=personas, created=created)
        seed_customers(workspace=workspace, created=created)
        seed_features(workspace=workspace, personas=personas, created=created)
        for spec in (ONLINE_PURCHASE, AFTERCARE):
            seed_map(spec=spec, workspace=workspace, actor=accounts.demo, created=created)
        seed_larkspur(workspace=accounts.larkspur, owner=accounts.outsider, created=created)
    return created
