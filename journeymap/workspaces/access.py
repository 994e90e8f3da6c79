"""Who may do what in which workspace. Every read and write path asks here."""

from __future__ import annotations

import hashlib
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.utils import timezone

from .models import WRITE_ROLES, Invitation, Membership, ShareLink, Workspace


def role_in(*, user: Any, workspace_id: UUID | str) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return (
        Membership.objects.filter(workspace_id=workspace_id, user=user)
        .values_list("role", flat=True)
        .first()
    )


def can_write(*, user: Any, workspace_id: UUID | str) -> bool:
    return role_in(user=user, workspace_id=workspace_id) in WRITE_ROLES


def workspaces_of(*, user: Any) -> QuerySet[Workspace]:
    if user is None or not getattr(user, "is_authenticated", False):
        return Workspace.objects.none()
    return Workspace.objects.filter(memberships__user=user)


def hash_share_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_invitation_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a token names, in any state (the accept service decides), or None."""
    if not token or len(token) > 200:
        return None
    return Invitation.objects.filter(token_hash=hash_invitation_token(token)).first()


def share_link_for_token(token: str) -> ShareLink | None:
    """The active share link a token opens, or None (unknown, revoked or expired)."""
    if not token or len(token) > 200:
        return None
    now = timezone.now()
    link = (
        ShareLink.objects.filter(token_hash=hash_share_token(token), revoked_at__isnull=True)
        # A link of a trashed map opens nothing (select_related would not hide it).
        .filter(map__deleted_at__isnull=True)
        .select_related("map")
        .first()
    )
    if link is None or (link.expires_at is not None and link.expires_at <= now):
        return None
    return link
