"""Seed a workshop into a stack's database: one workspace, an owner with an API token, many
signed-in editors (one session each) and maps with a stage and a lane, optionally share links.

Runs in a subprocess with the stack's environment (`seed(stack, ...)`), so the driver process
never imports Django settings for a database it does not own."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from journeymap.realtime.testing import ROOT

_SCRIPT = """
import json, django
django.setup()
from reliability.seeding import seed_workshop
print("SEED" + json.dumps(seed_workshop(**json.loads({args!r}))))
"""


def seed(stack: Any, *, maps: int = 1, editors: int = 2, shares: int = 0) -> dict[str, Any]:
    """Seed the stack's database; returns the ids, session keys and tokens (see seed_workshop)."""
    args = json.dumps({"maps": maps, "editors": editors, "shares": shares})
    output = subprocess.run(  # noqa: S603 — our own interpreter and script
        [sys.executable, "-c", _SCRIPT.format(args=args)],
        cwd=ROOT,
        env=dict(stack.env),
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("SEED"))
    return dict(json.loads(line[4:]))


def _session_for(user: Any) -> str:
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return str(store.session_key)


def seed_workshop(*, maps: int, editors: int, shares: int) -> dict[str, Any]:
    """Runs inside a configured Django process (see `seed`)."""
    import secrets

    from django.contrib.auth import get_user_model

    from journeymap.maps.models import JourneyMap, Lane, Stage
    from journeymap.workspaces.models import Membership, Workspace
    from journeymap.workspaces.services import api_token_create, share_link_create

    user_model = get_user_model()
    suffix = secrets.token_hex(3)
    workspace = Workspace.objects.create(name=f"Reliability {suffix}")
    owner = user_model.objects.create(username=f"owner-{suffix}")
    Membership.objects.create(workspace=workspace, user=owner, role="owner")
    _token, api_token = api_token_create(user=owner)
    users = []
    for number in range(editors):
        user = user_model.objects.create(username=f"ed{number}-{suffix}")
        membership = Membership.objects.create(workspace=workspace, user=user, role="editor")
        users.append(
            {
                "id": str(user.pk),
                "username": user.get_username(),
                "membership": str(membership.pk),
                "session": _session_for(user),
            }
        )
    seeded_maps = []
    for number in range(maps):
        journey_map = JourneyMap.objects.create(workspace=workspace, title=f"Workshop {number}")
        stage = Stage.objects.create(map=journey_map, name="Discover", order_key="a0")
        lane = Lane.objects.create(map=journey_map, name="Actions", kind="actions", order_key="a0")
        links = []
        for index in range(shares):
            link, token = share_link_create(
                journey_map=journey_map, created_by=owner, label=f"share {index}"
            )
            links.append({"id": str(link.pk), "token": token})
        seeded_maps.append(
            {
                "id": str(journey_map.id),
                "stage": str(stage.id),
                "lane": str(lane.id),
                "shares": links,
            }
        )
    return {
        "workspace": str(workspace.id),
        "owner": {"id": str(owner.pk), "token": api_token, "session": _session_for(owner)},
        "users": users,
        "maps": seeded_maps,
    }
