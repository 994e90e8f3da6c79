"""Writes to workspaces, memberships, invitations, share links, API tokens and passwords.

Each change an owner may need to account for later is audited (`audit_record`) inside its
transaction; `address` is the client address the view derived (core.addresses)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .access import hash_invitation_token, hash_share_token, invitation_for_token
from .audit import audit_record
from .models import ApiToken, Invitation, Membership, Role, ShareLink, Workspace


def workspace_create(*, name: str, owner: User, address: str | None = None) -> Workspace:
    with transaction.atomic():
        workspace = Workspace.objects.create(name=name)
        Membership.objects.create(workspace=workspace, user=owner, role=Role.OWNER)
        audit_record(
            workspace=workspace,
            actor=owner,
            action="workspace.created",
            subject=name,
            address=address,
        )
    return workspace


def workspace_update(
    *, workspace: Workspace, name: str, actor: Any = None, address: str | None = None
) -> Workspace:
    with transaction.atomic():
        before = workspace.name
        workspace.name = name
        workspace.save(update_fields=["name", "updated_at"])
        if before != name:
            audit_record(
                workspace=workspace,
                actor=actor,
                action="workspace.renamed",
                subject=name,
                detail={"from": before, "to": name},
                address=address,
            )
    return workspace


def membership_set(
    *,
    workspace: Workspace,
    user: User,
    role: str,
    actor: Any = None,
    address: str | None = None,
) -> Membership:
    """Add a member or change a member's role; the workspace always keeps an owner."""
    with transaction.atomic():
        membership, created = Membership.objects.select_for_update().get_or_create(
            workspace=workspace, user=user, defaults={"role": role}
        )
        if created:
            _audit_member(membership, actor=actor, action="member.added", address=address)
        elif membership.role != role:
            _keep_an_owner(workspace=workspace, leaving=membership)
            before = membership.role
            membership.role = role
            membership.save(update_fields=["role"])
            _audit_member(
                membership,
                actor=actor,
                action="member.role_changed",
                address=address,
                detail={"from": before, "to": role},
            )
    return membership


def membership_remove(
    *, membership: Membership, actor: Any = None, address: str | None = None
) -> None:
    """Remove a member; removing yourself is recorded as leaving."""
    with transaction.atomic():
        _keep_an_owner(workspace=membership.workspace, leaving=membership)
        membership.delete()
        leaving = getattr(actor, "pk", None) == membership.user_id
        _audit_member(
            membership,
            actor=actor,
            action="member.left" if leaving else "member.removed",
            address=address,
        )


def _audit_member(
    membership: Membership,
    *,
    actor: Any,
    action: str,
    address: str | None,
    detail: dict[str, Any] | None = None,
) -> None:
    # The member's username is the subject, so the entry still reads right after the
    # account is deleted; the id lets the log be searched by person.
    audit_record(
        workspace=membership.workspace,
        actor=actor,
        action=action,
        subject=membership.user.get_username(),
        detail={"user": membership.user_id, "role": membership.role, **(detail or {})},
        address=address,
    )


def _keep_an_owner(*, workspace: Workspace, leaving: Membership) -> None:
    if leaving.role != Role.OWNER:
        return
    owners = Membership.objects.select_for_update().filter(workspace=workspace, role=Role.OWNER)
    if owners.exclude(pk=leaving.pk).count() == 0:
        raise ValidationError({"role": "a workspace must keep at least one owner"})


def share_link_expiry(*, expires_at: datetime | None) -> datetime:
    """When a new link expires: SHARE_LINK_DEFAULT_DAYS from now unless given, and never
    past SHARE_LINK_MAX_DAYS — a link is a bearer credential that travels in chats and
    e-mails, so none opens its map forever. Raises ValidationError for a time in the past
    or beyond the maximum."""
    now = timezone.now()
    if expires_at is None:
        return now + timedelta(days=settings.SHARE_LINK_DEFAULT_DAYS)
    if expires_at <= now:
        raise ValidationError({"expires_at": "must be in the future"})
    max_days = settings.SHARE_LINK_MAX_DAYS
    if expires_at > now + timedelta(days=max_days):
        raise ValidationError({"expires_at": f"must be at most {max_days} days from now"})
    return expires_at


def share_link_create(
    *,
    journey_map: Any,
    created_by: User,
    label: str = "",
    expires_at: datetime | None = None,
    address: str | None = None,
) -> tuple[ShareLink, str]:
    """Create a link and return it with its token. Only the hash is stored, so the token
    can be shown once and never again. `expires_at`: see `share_link_expiry`."""
    expiry = share_link_expiry(expires_at=expires_at)
    token = secrets.token_urlsafe(32)  # 256 bits
    with transaction.atomic():
        link = ShareLink.objects.create(
            map=journey_map,
            label=label,
            token_hash=hash_share_token(token),
            created_by=created_by,
            expires_at=expiry,
        )
        _audit_link(link, actor=created_by, action="share_link.created", address=address)
    return link, token


def share_link_revoke(
    *, link: ShareLink, actor: Any = None, address: str | None = None
) -> ShareLink:
    with transaction.atomic():
        if link.revoked_at is None:
            link.revoked_at = timezone.now()
            link.save(update_fields=["revoked_at"])
            _audit_link(link, actor=actor, action="share_link.revoked", address=address)
    return link


def _audit_link(link: ShareLink, *, actor: Any, action: str, address: str | None) -> None:
    journey_map = link.map
    audit_record(
        workspace=journey_map.workspace,
        actor=actor,
        action=action,
        subject=journey_map.title,
        detail={
            "share_link": str(link.pk),
            "map": str(journey_map.pk),
            "map_title": journey_map.title,
            "label": link.label,
            "expires_at": link.expires_at.isoformat() if link.expires_at else None,
        },
        address=address,
    )


class InvitationNotFound(Exception):
    """Unknown, expired, revoked, or already used by someone else: the same answer for all."""


def invitation_create(
    *,
    workspace: Workspace,
    created_by: User,
    role: str,
    email: str = "",
    label: str = "",
    address: str | None = None,
) -> tuple[Invitation, str]:
    """Create an invitation and return it with its token, which is shown once: only the
    SHA-256 of it is stored."""
    if role not in Role.values:
        raise ValidationError({"role": f"must be one of {', '.join(Role.values)}"})
    token = secrets.token_urlsafe(32)  # 256 bits
    with transaction.atomic():
        invitation = Invitation.objects.create(
            workspace=workspace,
            role=role,
            email=email,
            label=label,
            token_hash=hash_invitation_token(token),
            created_by=created_by,
            expires_at=timezone.now() + timedelta(days=settings.INVITATION_TTL_DAYS),
        )
        _audit_invitation(
            invitation, actor=created_by, action="invitation.created", address=address
        )
    return invitation, token


def invitation_revoke(
    *, invitation: Invitation, actor: Any = None, address: str | None = None
) -> Invitation:
    """A pending invitation stops working; revoking one again, or one already used, changes
    nothing (a membership it made is removed through the members endpoint)."""
    with transaction.atomic():
        if invitation.revoked_at is None and invitation.accepted_at is None:
            invitation.revoked_at = timezone.now()
            invitation.save(update_fields=["revoked_at"])
            _audit_invitation(invitation, actor=actor, action="invitation.revoked", address=address)
    return invitation


def _audit_invitation(
    invitation: Invitation, *, actor: Any, action: str, address: str | None
) -> None:
    audit_record(
        workspace=invitation.workspace,
        actor=actor,
        action=action,
        subject=invitation.label or invitation.email,
        detail={
            "invitation": str(invitation.pk),
            "role": invitation.role,
            "label": invitation.label,
            "email": invitation.email,
            "expires_at": invitation.expires_at.isoformat(),
        },
        address=address,
    )


def invitation_accept(*, token: str, user: User, address: str | None = None) -> Membership:
    """Make `user` a member with the invitation's role and use the invitation up.

    Idempotent for its user: accepting again answers the same membership. A person who is
    already a member keeps their role. Anything else (unknown, expired, revoked, used by
    another person, or the membership since removed) raises InvitationNotFound."""
    found = invitation_for_token(token)
    if found is None:
        raise InvitationNotFound()
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=found.pk)
        if invitation.revoked_at is not None:
            raise InvitationNotFound()
        if invitation.accepted_at is not None:
            membership = Membership.objects.filter(
                workspace_id=invitation.workspace_id, user=user
            ).first()
            if invitation.accepted_by_id != user.pk or membership is None:
                raise InvitationNotFound()
            return membership
        if invitation.expires_at <= timezone.now():
            raise InvitationNotFound()
        membership, created = Membership.objects.get_or_create(
            workspace_id=invitation.workspace_id, user=user, defaults={"role": invitation.role}
        )
        invitation.accepted_by = user
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_by", "accepted_at"])
        _audit_invitation(invitation, actor=user, action="invitation.accepted", address=address)
        if created:
            _audit_member(
                membership,
                actor=user,
                action="member.added",
                address=address,
                detail={"invitation": str(invitation.pk)},
            )
    return membership


def api_token_create(*, user: User) -> tuple[ApiToken, str]:
    """A new token for `user`, expiring after API_TOKEN_TTL_DAYS. Only its digest is stored;
    the token itself is returned once."""
    token: ApiToken
    token, key = ApiToken.objects.create(
        user=user,
        expiry=timedelta(days=settings.API_TOKEN_TTL_DAYS),
        password_fingerprint=user.get_session_auth_hash(),
    )
    return token, key


def api_token_revoke(*, token: ApiToken) -> None:
    token.delete()


def api_tokens_revoke_all(*, user: User) -> int:
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return deleted


def user_password_change(*, user: User, current_password: str, new_password: str) -> User:
    """Check the current password and the new one against AUTH_PASSWORD_VALIDATORS, store
    the new one and revoke every API token of the user. (Authentication also refuses a token
    issued under an older password, so a change made elsewhere revokes tokens too.)"""
    if not user.check_password(current_password):
        raise ValidationError({"current_password": "wrong password"})
    try:
        password_validation.validate_password(new_password, user=user)
    except ValidationError as error:
        raise ValidationError({"new_password": error.messages}) from None
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        api_tokens_revoke_all(user=user)
    return user
