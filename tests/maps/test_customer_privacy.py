"""A customer's data rights: export everything held about them, and erase them everywhere,
each recorded in the audit log."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django.utils import timezone

from journeymap.maps.eventlog.models import JourneyEvent
from journeymap.workspaces.models import AuditEntry
from personas.models import CustomerProfile, Purchase

from ..conftest import World
from ..eventlogs import post_log
from ..factories import CustomerFactory, SegmentFactory


def _ann(world: World) -> CustomerProfile:
    ann = cast(
        CustomerProfile,
        CustomerFactory(
            workspace=world.acme.workspace,
            external_id="c1",
            email="ann@example.com",
            first_name="Ann",
            gender="female",
            attributes={"tier": "gold"},
        ),
    )
    Purchase.objects.create(
        customer=ann, product="Tent", amount=Decimal("349.00"), purchased_at=timezone.now()
    )
    return ann


def test_export_holds_the_profile_purchases_segments_and_events(
    world: World, client_as: Any, mapped: dict[str, Any]
) -> None:
    ann = _ann(world)
    SegmentFactory(
        workspace=world.acme.workspace,
        name="Women",
        rules={"field": "gender", "op": "eq", "value": "FEMALE"},
    )
    SegmentFactory(
        workspace=world.acme.workspace,
        name="Men",
        rules={"field": "gender", "op": "eq", "value": "male"},
    )
    log = "case_id,touchpoint,timestamp\nc1,Ad,2026-03-01T09:00:00Z\nc1,Site,2026-03-01T09:05:00Z\nc2,Ad,2026-03-01T09:00:00Z\n"
    assert post_log(client_as("owner"), mapped["map"].id, log).status_code in (201, 202)
    response = client_as("editor").get(f"/api/customers/{ann.pk}/export/")
    assert response.status_code == 200
    data = response.json()
    assert data["profile"]["external_id"] == "c1" and data["profile"]["attributes"] == {
        "tier": "gold"
    }
    assert [p["product"] for p in data["purchases"]] == ["Tent"]
    assert [s["name"] for s in data["segments"]] == ["Women"]
    assert [e["touchpoint"] for e in data["events"]] == ["Ad", "Site"]
    assert data["events_total"] == 2
    entry = AuditEntry.objects.get(action="customer.exported")
    assert (entry.actor, entry.subject) == (world.editor, "customer c1")


def test_erase_removes_the_customer_everywhere_and_leaves_an_audit_entry(
    world: World, client_as: Any, mapped: dict[str, Any]
) -> None:
    ann = _ann(world)
    log = "case_id,touchpoint,timestamp\nc1,Ad,2026-03-01T09:00:00Z\nc2,Ad,2026-03-01T09:00:00Z\n"
    post_log(client_as("owner"), mapped["map"].id, log)
    response = client_as("owner").post(f"/api/customers/{ann.pk}/erase/")
    assert response.status_code == 200
    assert response.json() == {"purchases": 1, "events": 1}
    assert not CustomerProfile.objects.filter(pk=ann.pk).exists()
    assert not Purchase.objects.exists()
    assert list(JourneyEvent.objects.values_list("case_id", flat=True)) == ["c2"]
    entry = AuditEntry.objects.get(action="customer.erased")
    assert entry.subject == "customer c1" and entry.detail == {"purchases": 1, "events": 1}
    assert "ann" not in str(entry.detail).lower()


def test_only_writers_of_the_workspace_reach_a_customer(world: World, client_as: Any) -> None:
    ann = _ann(world)
    other = CustomerFactory(workspace=world.other.workspace, external_id="x")
    for who, expected in (("outsider", 404), ("viewer", 403), ("anonymous", 403)):
        client = client_as(who)
        assert client.get(f"/api/customers/{ann.pk}/export/").status_code in {expected, 401}
        assert client.post(f"/api/customers/{ann.pk}/erase/").status_code in {expected, 401}
    # Another workspace's customer is a 404 for a writer of this one, whatever the path.
    assert client_as("editor").post(f"/api/customers/{other.pk}/erase/").status_code == 404
    assert CustomerProfile.objects.count() == 2
    assert not AuditEntry.objects.exists()
