"""The audit log: one call, `audit_record`, inside the transaction of the change it records;
one read, `audit_entries`, behind the owners' API (api/audit.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from .models import AuditEntry, Workspace


def audit_record(
    *,
    workspace: Workspace,
    actor: Any,
    action: str,
    subject: str = "",
    detail: dict[str, Any] | None = None,
    address: str | None = None,
) -> AuditEntry:
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        workspace=workspace,
        actor=user,
        actor_name=user.get_username() if user is not None else "",
        action=action,
        subject=subject[:200],
        detail=detail or {},
        address=address,
    )


def audit_entries(
    *,
    workspace_id: Any,
    actions: list[str] | None = None,
    actor_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[AuditEntry]:
    """A workspace's entries, newest first. `actions`: each either an exact action name or
    a prefix ending in "." (`member.` is every membership change); any may match. `since`
    is inclusive, `until` exclusive, so consecutive ranges never count an entry twice."""
    entries = AuditEntry.objects.filter(workspace_id=workspace_id)
    if actions:
        match = Q()
        for name in actions:
            match |= Q(action__startswith=name) if name.endswith(".") else Q(action=name)
        entries = entries.filter(match)
    if actor_id is not None:
        entries = entries.filter(actor_id=actor_id)
    if since is not None:
        entries = entries.filter(created_at__gte=since)
    if until is not None:
        entries = entries.filter(created_at__lt=until)
    # The id breaks ties between entries of the same instant, so pages never overlap.
    return entries.order_by("-created_at", "-id")
