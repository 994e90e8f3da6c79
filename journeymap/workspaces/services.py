"""Writes to workspaces, memberships and share links."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .access import hash_share_token
from .models import Membership, Role, ShareLink, Workspace


def workspace_create(*, name: str, owner: User) -> Workspace:
    with transaction.atomic():
        workspace = Workspace.objects.create(name=name)
        Membership.objects.create(workspace=workspace, user=owner, role=Role.OWNER)
    return workspace


def workspace_update(*, workspace: Workspace, name: str) -> Workspace:
    workspace.name = name
    workspace.save(update_fields=["name", "updated_at"])
    return workspace


def membership_set(*, workspace: Workspace, user: User, role: str) -> Membership:
    """Add a member or change a member's role; the workspace always keeps an owner."""
    with transaction.atomic():
        membership, created = Membership.objects.select_for_update().get_or_create(
            workspace=workspace, user=user, defaults={"role": role}
        )
        if not created and membership.role != role:
            _keep_an_owner(workspace=workspace, leaving=membership)
            membership.role = role
            membership.save(update_fields=["role"])
    return membership


def membership_remove(*, membership: Membership) -> None:
    with transaction.atomic():
        _keep_an_owner(workspace=membership.workspace, leaving=membership)
        membership.delete()


def _keep_an_owner(*, workspace: Workspace, leaving: Membership) -> None:
    if leaving.role != Role.OWNER:
        return
    owners = Membership.objects.select_for_update().filter(workspace=workspace, role=Role.OWNER)
    if owners.exclude(pk=leaving.pk).count() == 0:
        raise ValidationError({"role": "a workspace must keep at least one owner"})


def share_link_create(
    *,
    journey_map: Any,
    created_by: User,
    label: str = "",
    expires_at: datetime | None = None,
) -> tuple[ShareLink, str]:
    """Create a link and return it with its token. Only the hash is stored, so the token
    can be shown once and never again."""
    token = secrets.token_urlsafe(32)  # 256 bits
    link = ShareLink.objects.create(
        map=journey_map,
        label=label,
        token_hash=hash_share_token(token),
        created_by=created_by,
        expires_at=expires_at,
    )
    return link, token


def share_link_revoke(*, link: ShareLink) -> ShareLink:
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link
