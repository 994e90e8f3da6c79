"""A customer's data protection rights: everything held about one customer, and erasure.

It lives in the maps layer because a customer appears in two places: the profile with its
purchases (personas) and the event logs of the workspace's maps, where an event's case id
is the customer's external id when the log was exported from the same system."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from journeymap.workspaces.audit import audit_record
from journeymap.workspaces.models import AuditEntry
from personas.imports import CUSTOMER_COLUMNS
from personas.models import CustomerProfile
from personas.selectors import customer_values, segment_customers

from ..eventlog.models import JourneyEvent

# The export lists at most this many events; `events_total` says how many there are.
EXPORT_MAX_EVENTS = 10_000


def _events(customer: CustomerProfile) -> QuerySet[JourneyEvent]:
    """The workspace's journey events whose case id is the customer's external id or email.
    The event table has no index on the case (docs/analysis.md, "Storage"): this reads the
    workspace's events once, which is acceptable for a request made rarely and by hand."""
    cases = Q(case_id=customer.external_id)
    if customer.email:
        cases |= Q(case_id__iexact=customer.email)
    return JourneyEvent.objects.filter(cases, event_import__map__workspace_id=customer.workspace_id)


def customer_export(
    *, customer: CustomerProfile, actor: Any, address: str | None = None
) -> dict[str, Any]:
    """Everything held about one customer, as JSON-ready data; the request is audited."""
    segments = [
        {"id": str(segment.id), "name": segment.name}
        for segment in customer.workspace.segments.all()
        if segment_customers(segment=segment).filter(pk=customer.pk).exists()
    ]
    events = _events(customer).select_related("event_import__map").order_by("at_ms", "line")
    total = events.count()
    data = {
        "exported_at": timezone.now().isoformat(),
        "workspace": {"id": str(customer.workspace_id), "name": customer.workspace.name},
        "profile": _profile(customer),
        "purchases": [
            {
                "product": p.product,
                "amount": str(p.amount),
                "purchased_at": p.purchased_at.isoformat(),
                "channel": p.channel,
            }
            for p in customer.purchases.order_by("purchased_at")
        ],
        "segments": segments,
        "events_total": total,
        "events": [
            {
                "map": str(event.event_import.map_id),
                "map_title": event.event_import.map.title,
                "case_id": event.case_id,
                "touchpoint": event.label,
                "at_ms": event.at_ms,
                "persona": event.persona,
                "channel": event.channel,
            }
            for event in events[:EXPORT_MAX_EVENTS]
        ],
        "audit": [
            {"action": e.action, "at": e.created_at.isoformat(), "by": e.actor_name}
            for e in AuditEntry.objects.filter(
                workspace_id=customer.workspace_id, subject=_subject(customer)
            )
        ],
    }
    with transaction.atomic():
        audit_record(
            workspace=customer.workspace,
            actor=actor,
            action="customer.exported",
            subject=_subject(customer),
            address=address,
        )
    return data


def customer_erase(
    *, customer: CustomerProfile, actor: Any, address: str | None = None
) -> dict[str, int]:
    """Delete the profile, its purchases and its journey events, in one transaction. The
    audit entry keeps the external id and the counts, nothing else of the person."""
    with transaction.atomic():
        purchases = customer.purchases.count()
        events, _ = _events(customer).delete()
        subject = _subject(customer)
        workspace = customer.workspace
        customer.delete()
        counts = {"purchases": purchases, "events": events}
        audit_record(
            workspace=workspace,
            actor=actor,
            action="customer.erased",
            subject=subject,
            detail=counts,
            address=address,
        )
    return counts


def _profile(customer: CustomerProfile) -> dict[str, Any]:
    profile: dict[str, Any] = {"id": str(customer.id)}
    for name in CUSTOMER_COLUMNS:
        value = getattr(customer, name)
        profile[name] = value if value is None or isinstance(value, str | float) else str(value)
    profile["age"] = customer.age
    profile["attributes"] = customer.attributes
    profile["values"] = customer_values(customer=customer)
    profile["created_at"] = customer.created_at.isoformat()
    return profile


def _subject(customer: CustomerProfile) -> str:
    return f"customer {customer.external_id}"
