"""Fixtures shared by the whole suite.

`world` is two workspaces: "Acme" with an owner, an editor and a viewer, and "Other" owned
by an outsider. Each has a persona, a channel and a map with one stage and a lane of each
kind, so tests can aim ops and requests at realistic targets.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from rest_framework.test import APIClient

from journeymap.maps.models import JourneyMap, LaneKind
from journeymap.maps.services.ops import apply_ops
from journeymap.workspaces.models import Role, Workspace

from . import factories

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
# Servers and commands the tests start in subprocesses get the test defaults too
# (journeymap/settings.py, TESTING); this process already has them.
os.environ.setdefault("JOURNEYMAP_TESTING", "1")


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Each test starts with an empty cache, so sign-in failure counts and DRF's throttles
    never carry over from one test to the next (the test cache is per process, in memory)."""
    cache.clear()


def needs_postgres() -> None:
    """Skip (or, in CI, fail) a test that only means something on PostgreSQL."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://…")


@dataclass
class Side:
    workspace: Workspace
    map: JourneyMap
    persona: Any
    channel: Any
    stage: str
    lanes: dict[str, str]


@dataclass
class World:
    owner: Any
    editor: Any
    viewer: Any
    outsider: Any
    acme: Side
    other: Side

    def user(self, who: str) -> Any:
        return None if who == "anonymous" else getattr(self, who)


def build_side(owner: Any, name: str) -> Side:
    workspace = factories.WorkspaceFactory(name=name)
    factories.MembershipFactory(workspace=workspace, user=owner, role=Role.OWNER)
    persona = factories.PersonaFactory(workspace=workspace)
    channel = factories.ChannelFactory(workspace=workspace, name="Email", kind="email")
    journey_map = factories.MapFactory(workspace=workspace, title=f"{name} journey")
    stage = str(uuid.uuid4())
    lanes = {kind: str(uuid.uuid4()) for kind in LaneKind.values}
    ops = [{"action": "create", "entity": "stage", "id": stage, "fields": {"name": "Discover"}}]
    ops += [
        {
            "action": "create",
            "entity": "lane",
            "id": lane_id,
            "fields": {"name": kind, "kind": kind},
        }
        for kind, lane_id in lanes.items()
    ]
    apply_ops(map_id=journey_map.id, actor=owner, op_id=uuid.uuid4(), ops=ops)
    journey_map.refresh_from_db()
    return Side(workspace, journey_map, persona, channel, stage, lanes)


@pytest.fixture
def world(db: Any) -> World:
    owner = factories.UserFactory(username="owner")
    editor = factories.UserFactory(username="editor")
    viewer = factories.UserFactory(username="viewer")
    outsider = factories.UserFactory(username="outsider")
    acme = build_side(owner, "Acme")
    factories.MembershipFactory(workspace=acme.workspace, user=editor, role=Role.EDITOR)
    factories.MembershipFactory(workspace=acme.workspace, user=viewer, role=Role.VIEWER)
    other = build_side(outsider, "Other")
    return World(owner, editor, viewer, outsider, acme, other)


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def client_as(world: World) -> Any:
    """An API client signed in as one of the world's people ("anonymous" for nobody)."""

    def make(who: str) -> APIClient:
        client = APIClient()
        user = world.user(who)
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def mapped(world: World) -> dict[str, Any]:
    """The Acme map with three stages and a touchpoint each: Ad, Site, Checkout."""
    from tests.eventlogs import build_mapped

    return build_mapped(world)
