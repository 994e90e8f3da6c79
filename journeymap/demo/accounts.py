"""The demo people and their workspaces: `demo` owns Northwind Outfitters, `viewer` may only
look at it, and `outsider` owns a second, unrelated workspace."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model

from journeymap.workspaces.models import Membership, Role, Workspace

from .ids import Created, demo_id, ensure

# username → (first name, last name); each password is the username.
USERS = {
    "demo": ("Dana", "Morgan"),
    "viewer": ("Victor", "Hale"),
    "outsider": ("Olivia", "Stone"),
}

NORTHWIND = "Northwind Outfitters"
LARKSPUR = "Larkspur Dental Studio"


@dataclass(frozen=True)
class Accounts:
    demo: Any
    viewer: Any
    outsider: Any
    northwind: Workspace
    larkspur: Workspace


def seed_accounts(*, created: Created) -> Accounts:
    users = {username: _user(username, created=created) for username in USERS}
    northwind, _ = ensure(Workspace, "workspace:northwind", created, name=NORTHWIND)
    larkspur, _ = ensure(Workspace, "workspace:larkspur", created, name=LARKSPUR)
    _member(northwind, users["demo"], Role.OWNER, created=created)
    _member(northwind, users["viewer"], Role.VIEWER, created=created)
    _member(larkspur, users["outsider"], Role.OWNER, created=created)
    return Accounts(
        demo=users["demo"],
        viewer=users["viewer"],
        outsider=users["outsider"],
        northwind=northwind,
        larkspur=larkspur,
    )


def _user(username: str, *, created: Created) -> Any:
    user_model = get_user_model()
    user = user_model._default_manager.filter(username=username).first()
    if user is None:
        first, last = USERS[username]
        user = user_model._default_manager.create_user(
            username=username,
            password=username,
            first_name=first,
            last_name=last,
            email=f"{username}@example.com",
        )
        created["user"] += 1
    elif not user.check_password(username):
        # The demo promises name = password; put it back if someone changed it. Only then,
        # because set_password salts afresh and a rerun should change nothing.
        user.set_password(username)
        user.save(update_fields=["password"])
    return user


def _member(workspace: Workspace, user: Any, role: Role, *, created: Created) -> None:
    membership = Membership.objects.filter(workspace=workspace, user=user).first()
    if membership is None:
        Membership.objects.create(
            id=demo_id(f"membership:{workspace.pk}:{user.username}"),
            workspace=workspace,
            user=user,
            role=role,
        )
        created["membership"] += 1
    elif membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
