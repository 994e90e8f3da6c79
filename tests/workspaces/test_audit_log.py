"""The audit log: what each action done through the API records (who, from where, what),
and the owners-only API that reads it back, with its filters and its CSV."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from journeymap.workspaces.audit import audit_record
from journeymap.workspaces.models import AuditEntry, Membership, Role
from journeymap.workspaces.services import invitation_create, share_link_create

from ..conftest import World
from ..eventlogs import log_text, post_log
from ..factories import SegmentFactory, UserFactory

ADDRESS = "203.0.113.7"


def signed_in(user: User, address: str = ADDRESS) -> APIClient:
    """A client whose requests come from `address`, as the server sees REMOTE_ADDR."""
    client = APIClient(REMOTE_ADDR=address)
    client.force_authenticate(user)
    return client


def only(action: str) -> AuditEntry:
    entries = list(AuditEntry.objects.filter(action=action))
    assert len(entries) == 1, f"{action}: {len(entries)} entries"
    return entries[0]


def assert_by(entry: AuditEntry, user: User, workspace: Any) -> None:
    assert (entry.actor, entry.actor_name) == (user, user.username)
    assert entry.address == ADDRESS
    assert entry.workspace_id == workspace.id


# --- what is recorded -------------------------------------------------------------------


def test_an_invitation_created_accepted_and_revoked(world: World) -> None:
    acme = world.acme.workspace
    owner = signed_in(world.owner)
    made = owner.post(
        f"/api/workspaces/{acme.id}/invitations/", {"role": "editor", "label": "for Carla"}
    )
    assert made.status_code == 201
    created = only("invitation.created")
    assert_by(created, world.owner, acme)
    assert created.subject == "for Carla"
    assert created.detail["role"] == "editor"
    assert created.detail["invitation"] == made.json()["id"]

    carla = UserFactory(username="carla")
    joined = signed_in(carla).post(f"/api/invitations/{made.json()['token']}/accept/")
    assert joined.status_code == 200
    accepted = only("invitation.accepted")
    assert_by(accepted, carla, acme)
    added = only("member.added")
    assert_by(added, carla, acme)
    assert added.subject == "carla"
    assert (added.detail["user"], added.detail["role"]) == (carla.pk, "editor")
    # Accepting again answers the same and records nothing more.
    signed_in(carla).post(f"/api/invitations/{made.json()['token']}/accept/")
    assert (
        AuditEntry.objects.filter(action__in=["member.added", "invitation.accepted"]).count() == 2
    )

    pending, _ = invitation_create(workspace=acme, created_by=world.owner, role="viewer")
    url = f"/api/workspaces/{acme.id}/invitations/{pending.id}/"
    assert owner.delete(url).status_code == 204
    revoked = only("invitation.revoked")
    assert_by(revoked, world.owner, acme)
    assert revoked.detail["invitation"] == str(pending.id)
    owner.delete(url)  # revoking again changes nothing, so records nothing
    assert AuditEntry.objects.filter(action="invitation.revoked").count() == 1


def test_a_role_change_a_removal_and_leaving(world: World) -> None:
    acme = world.acme.workspace
    owner = signed_in(world.owner)
    editor = Membership.objects.get(workspace=acme, user=world.editor)
    url = f"/api/workspaces/{acme.id}/members/{editor.id}/"
    assert owner.patch(url, {"role": "owner"}).status_code == 200
    changed = only("member.role_changed")
    assert_by(changed, world.owner, acme)
    assert changed.subject == "editor"
    assert (changed.detail["from"], changed.detail["to"]) == ("editor", "owner")
    owner.patch(url, {"role": "owner"})  # the same role again: no change, no entry
    assert AuditEntry.objects.filter(action="member.role_changed").count() == 1

    viewer = Membership.objects.get(workspace=acme, user=world.viewer)
    assert owner.delete(f"/api/workspaces/{acme.id}/members/{viewer.id}/").status_code == 204
    removed = only("member.removed")
    assert_by(removed, world.owner, acme)
    assert (removed.subject, removed.detail["user"]) == ("viewer", world.viewer.pk)

    mine = Membership.objects.get(workspace=acme, user=world.owner)
    assert owner.delete(f"/api/workspaces/{acme.id}/members/{mine.id}/").status_code == 204
    left = only("member.left")
    assert_by(left, world.owner, acme)
    assert left.subject == "owner"


def test_a_refused_membership_change_records_nothing(world: World) -> None:
    acme = world.acme.workspace
    mine = Membership.objects.get(workspace=acme, user=world.owner)
    url = f"/api/workspaces/{acme.id}/members/{mine.id}/"
    assert signed_in(world.owner).delete(url).status_code == 400  # the last owner stays
    assert signed_in(world.owner).patch(url, {"role": "viewer"}).status_code == 400
    assert signed_in(world.editor).delete(url).status_code == 403
    assert not AuditEntry.objects.exists()


def test_workspace_created_and_renamed(world: World) -> None:
    client = signed_in(world.owner)
    made = client.post("/api/workspaces/", {"name": "Lab"})
    assert made.status_code == 201
    created = only("workspace.created")
    assert str(created.workspace_id) == made.json()["id"]
    assert created.subject == "Lab"
    client.patch(f"/api/workspaces/{made.json()['id']}/", {"name": "Research lab"})
    renamed = only("workspace.renamed")
    assert (renamed.detail["from"], renamed.detail["to"]) == ("Lab", "Research lab")
    assert renamed.actor == world.owner and renamed.address == ADDRESS


def test_share_link_created_and_revoked(world: World) -> None:
    side = world.acme
    client = signed_in(world.editor)
    made = client.post("/api/share-links/", {"map": str(side.map.id), "label": "Board review"})
    assert made.status_code == 201
    created = only("share_link.created")
    assert_by(created, world.editor, side.workspace)
    assert created.subject == side.map.title
    assert created.detail == {
        "share_link": made.json()["id"],
        "map": str(side.map.id),
        "map_title": side.map.title,
        "label": "Board review",
        "expires_at": created.detail["expires_at"],
    }
    assert created.detail["expires_at"][:16] == made.json()["expires_at"][:16]
    assert client.delete(f"/api/share-links/{made.json()['id']}/").status_code == 204
    revoked = only("share_link.revoked")
    assert_by(revoked, world.editor, side.workspace)
    assert revoked.detail["label"] == "Board review"


@pytest.mark.parametrize(
    ("path", "fmt"),
    [("export.pdf?sections=cover", "pdf"), ("export.png", "png"), ("export.csv", "csv")],
)
def test_each_map_export_format(world: World, path: str, fmt: str) -> None:
    side = world.acme
    response = signed_in(world.viewer).get(f"/api/maps/{side.map.id}/{path}")
    assert response.status_code == 200
    entry = only("map.exported")
    assert_by(entry, world.viewer, side.workspace)
    assert entry.subject == side.map.title
    assert entry.detail == {"format": fmt, "map": str(side.map.id), "map_title": side.map.title}


def test_a_refused_export_records_nothing(world: World) -> None:
    url = f"/api/maps/{world.acme.map.id}/export.pdf?personas={uuid.uuid4()}"
    assert signed_in(world.owner).get(url).status_code == 400
    assert (
        signed_in(world.outsider).get(f"/api/maps/{world.acme.map.id}/export.csv").status_code
        == 404
    )
    assert not AuditEntry.objects.exists()


def test_an_export_through_a_share_link_names_the_link(world: World) -> None:
    link, token = share_link_create(
        journey_map=world.acme.map, created_by=world.owner, label="Client deck"
    )
    AuditEntry.objects.all().delete()
    client = APIClient(REMOTE_ADDR=ADDRESS)
    client.credentials(HTTP_AUTHORIZATION=f"Share {token}")
    assert client.get(f"/api/maps/{world.acme.map.id}/export.csv").status_code == 200
    entry = only("map.exported")
    assert (entry.actor, entry.actor_name, entry.address) == (None, "", ADDRESS)
    assert entry.detail["share_link"] == str(link.id)
    assert entry.detail["share_link_label"] == "Client deck"


def test_persona_sheet_features_and_segment_exports(world: World) -> None:
    side = world.acme
    client = signed_in(world.owner)
    assert client.get(f"/api/personas/{side.persona.id}/sheet.pdf").status_code == 200
    sheet = only("persona.exported")
    assert_by(sheet, world.owner, side.workspace)
    assert sheet.detail == {
        "format": "pdf",
        "persona": str(side.persona.id),
        "persona_name": side.persona.name,
    }
    url = f"/api/feature-priorities/export.csv?workspace={side.workspace.id}"
    assert client.get(url).status_code == 200
    features = only("features.exported")
    assert_by(features, world.owner, side.workspace)
    assert features.detail == {"format": "csv"}
    segment = SegmentFactory(workspace=side.workspace, name="Young")
    response = client.get(f"/api/segments/{segment.id}/customers.csv")
    assert response.status_code == 200
    b"".join(response.streaming_content)
    members = only("segment.exported")
    assert_by(members, world.owner, side.workspace)
    assert (members.subject, members.detail["segment"]) == ("Young", str(segment.id))


def test_an_event_log_import(world: World, mapped: dict[str, Any]) -> None:
    journey_map = mapped["map"]
    text = log_text([("c1", "Ad", 1), ("c1", "Site", 2), ("c2", "Ad", 3)])
    response = post_log(signed_in(world.editor), journey_map.id, text)
    assert response.status_code == 201, response.content
    entry = only("events.imported")
    assert_by(entry, world.editor, world.acme.workspace)
    assert entry.subject == journey_map.title
    assert entry.detail["rows"] == 3
    assert entry.detail["cases"] == 2
    assert entry.detail["map"] == str(journey_map.id)
    assert entry.detail["file"] == response.json()["filename"]

    upload = SimpleUploadedFile("march.csv", text.encode(), content_type="text/csv")
    named = signed_in(world.editor).post(
        f"/api/maps/{journey_map.id}/events/", {"file": upload}, format="multipart"
    )
    assert named.status_code == 201
    assert AuditEntry.objects.filter(action="events.imported").first().detail["file"] == "march.csv"


def test_a_failed_event_import_records_nothing(world: World, mapped: dict[str, Any]) -> None:
    bad = "case_id,touchpoint,timestamp\nc1,Ad,not-a-time\n"
    response = post_log(signed_in(world.editor), mapped["map"].id, bad)
    assert response.json()["status"] == "failed"
    assert not AuditEntry.objects.filter(action="events.imported").exists()


def test_a_customer_import(world: World) -> None:
    upload = SimpleUploadedFile(
        "customers.csv", b"external_id,email\nC1,ann@example.com\n", content_type="text/csv"
    )
    response = signed_in(world.editor).post(
        "/api/customers/import/",
        {"workspace": str(world.acme.workspace.id), "customers": upload},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    entry = only("customers.imported")
    assert_by(entry, world.editor, world.acme.workspace)
    assert entry.detail["created"] == 1


def test_the_address_follows_the_trusted_proxy_setting(world: World, settings: Any) -> None:
    settings.NUM_PROXIES = 1
    client = signed_in(world.owner, address="10.0.0.2")  # the proxy
    client.post(
        "/api/share-links/",
        {"map": str(world.acme.map.id)},
        HTTP_X_FORWARDED_FOR="198.51.100.1, 192.0.2.44",
    )
    assert only("share_link.created").address == "192.0.2.44"
    settings.NUM_PROXIES = 0
    client.post(
        "/api/share-links/", {"map": str(world.acme.map.id)}, HTTP_X_FORWARDED_FOR="192.0.2.99"
    )
    assert AuditEntry.objects.order_by("-created_at").first().address == "10.0.0.2"


# --- reading it back --------------------------------------------------------------------


def _entry(world: World, action: str, *, by: User | None = None, **fields: Any) -> AuditEntry:
    return audit_record(
        workspace=fields.pop("workspace", world.acme.workspace),
        actor=by or world.owner,
        action=action,
        address=ADDRESS,
        **fields,
    )


def _read(client: APIClient, workspace: Any, **query: Any) -> Any:
    return client.get("/api/audit/", {"workspace": str(workspace.id), **query})


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 200), ("editor", 403), ("viewer", 403), ("outsider", 404), ("anonymous", 401)],
)
def test_only_owners_read_the_log(world: World, client_as: Any, who: str, status: int) -> None:
    _entry(world, "member.removed", subject="carla")
    for path in ("/api/audit/", "/api/audit/export.csv"):
        response = client_as(who).get(path, {"workspace": str(world.acme.workspace.id)})
        assert response.status_code == status, path
        if status != 200:
            assert "carla" not in response.content.decode()


def test_another_workspace_is_a_404_and_a_share_link_reads_nothing(
    world: World, client_as: Any
) -> None:
    _entry(world, "member.removed", workspace=world.other.workspace, by=world.outsider)
    assert _read(client_as("owner"), world.other.workspace).status_code == 404
    assert client_as("owner").get("/api/audit/").status_code == 400
    assert client_as("owner").get("/api/audit/", {"workspace": "nope"}).status_code == 400
    _, token = share_link_create(journey_map=world.acme.map, created_by=world.owner)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Share {token}")
    assert _read(client, world.acme.workspace).status_code in {401, 403, 404}


def test_entries_newest_first_in_pages_with_the_actor_kept(world: World, client_as: Any) -> None:
    start = timezone.now() - timedelta(days=3)
    with time_machine.travel(start, tick=False) as clock:
        for index in range(7):
            _entry(world, "map.exported", subject=f"Map {index}", detail={"format": "pdf"})
            clock.shift(timedelta(minutes=1))
    _entry(world, "member.removed", workspace=world.other.workspace, by=world.outsider)
    client = client_as("owner")
    first = _read(client, world.acme.workspace, page_size=5).json()
    assert first["count"] == 7
    assert [e["subject"] for e in first["results"]] == [f"Map {i}" for i in (6, 5, 4, 3, 2)]
    second = client.get(first["next"]).json()
    assert [e["subject"] for e in second["results"]] == ["Map 1", "Map 0"]
    entry = first["results"][0]
    assert set(entry) == {"id", "created_at", "actor", "action", "subject", "detail", "address"}
    assert entry["actor"] == {"id": world.owner.pk, "name": "owner"}
    assert (entry["detail"], entry["address"]) == ({"format": "pdf"}, ADDRESS)

    world.owner.delete()
    Membership.objects.filter(user=world.editor).update(role=Role.OWNER)
    kept = _read(client_as("editor"), world.acme.workspace).json()["results"][0]
    assert kept["actor"] == {"id": None, "name": "owner"}


def test_filters_by_action_person_and_dates(world: World, client_as: Any) -> None:
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=10), tick=False):
        _entry(world, "member.removed", subject="old")
    _entry(world, "member.role_changed", subject="changed")
    _entry(world, "invitation.created", subject="invited")
    _entry(world, "map.exported", subject="exported", by=world.editor)
    _entry(world, "share_link.created", subject="shared")
    client = client_as("owner")

    def subjects(**query: Any) -> set[str]:
        response = _read(client, world.acme.workspace, **query)
        assert response.status_code == 200, response.content
        return {e["subject"] for e in response.json()["results"]}

    assert subjects(action="member.role_changed") == {"changed"}
    assert subjects(action="member.") == {"old", "changed"}
    assert subjects(action="member.,invitation.") == {"old", "changed", "invited"}
    assert subjects(action="member") == set()  # no dot: an exact name, which none has
    assert subjects(actor=world.editor.pk) == {"exported"}
    since = (now - timedelta(days=1)).date().isoformat()
    assert subjects(since=since) == {"changed", "invited", "exported", "shared"}
    until = (now - timedelta(days=10)).date().isoformat()
    assert subjects(until=until) == {"old"}  # a date `until` includes its whole day
    assert subjects(since=until, until=until, action="member.") == {"old"}
    assert subjects(since=(now - timedelta(minutes=5)).isoformat()) == {
        "changed", "invited", "exported", "shared"
    }  # fmt: skip

    for bad in ({"since": "last week"}, {"actor": "ann"}, {"since": since, "until": until}):
        response = _read(client, world.acme.workspace, **bad)
        assert response.status_code == 400, bad
        assert response.json()["code"] == "invalid"


def test_the_csv_neutralises_formulas_and_keeps_the_filters(world: World, client_as: Any) -> None:
    _entry(world, "map.exported", subject='=HYPERLINK("http://evil","x")', detail={"a": 1})
    _entry(world, "member.removed", subject="+carla", by=world.editor)
    response = client_as("owner").get(
        "/api/audit/export.csv", {"workspace": str(world.acme.workspace.id), "action": "map."}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 1
    assert rows[0]["subject"] == '\'=HYPERLINK("http://evil","x")'
    assert (rows[0]["action"], rows[0]["actor_name"]) == ("map.exported", "owner")
    assert (rows[0]["detail"], rows[0]["address"]) == ('{"a": 1}', ADDRESS)
    everything = client_as("owner").get(
        "/api/audit/export.csv", {"workspace": str(world.acme.workspace.id)}
    )
    text = b"".join(everything.streaming_content).decode("utf-8-sig")
    assert "'+carla" in text and "\n+carla" not in text
