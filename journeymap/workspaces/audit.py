"""The audit log: one call, `audit_record`, inside the transaction of the change it records."""

from __future__ import annotations

from typing import Any

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
