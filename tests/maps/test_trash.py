"""The trash: deleting a map or a persona moves it there for TRASH_RETENTION_DAYS, during
which nothing sees it and a restore brings it back exactly as it was; then
`manage.py purge_trash` deletes it for good. Every step is audited."""

from __future__ import annotations

import uuid
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from journeymap.maps.models import Card, JourneyMap, MapOp, MapVersion
from journeymap.maps.services.ops import apply_ops
from journeymap.maps.services.trash import NotInTrash, map_restore, map_trash, trash_purge
from journeymap.maps.services.versions import version_create
from journeymap.workspaces.access import share_link_for_token
from journeymap.workspaces.models import AuditEntry, ShareLink
from journeymap.workspaces.services import share_link_create
from personas.models import FeaturePersona, Persona
from personas.trash import persona_restore, persona_trash

from ..conftest import World
from ..factories import FeatureFactory, SegmentFactory

ADDRESS = "203.0.113.7"


def _card(world: World, title: str = "Sign up") -> str:
    card_id = str(uuid.uuid4())
    side = world.acme
    apply_ops(
        map_id=side.map.id,
        actor=world.owner,
        op_id=uuid.uuid4(),
        ops=[
            {
                "action": "create",
                "entity": "card",
                "id": card_id,
                "fields": {"stage": side.stage, "lane": side.lanes["actions"], "title": title},
            }
        ],
    )
    return card_id


def _actions(workspace: Any) -> list[str]:
    return list(
        AuditEntry.objects.filter(workspace=workspace)
        .order_by("created_at")
        .values_list("action", flat=True)
    )


# --- maps -----------------------------------------------------------------------------------


def test_deleting_a_map_moves_it_to_the_trash_and_restore_brings_it_back_as_it_was(
    world: World, client_as: Any
) -> None:
    side = world.acme
    card_id = _card(world)
    version_create(journey_map=side.map, name="Before", actor=world.owner)
    side.map.refresh_from_db()
    seq, updated_at = side.map.seq, side.map.updated_at
    before = client_as("owner").get(f"/api/maps/{side.map.id}/").json()

    editor = client_as("editor")
    response = editor.delete(f"/api/maps/{side.map.id}/", REMOTE_ADDR=ADDRESS)
    assert response.status_code == 204
    assert editor.get(f"/api/maps/{side.map.id}/").status_code == 404
    assert editor.delete(f"/api/maps/{side.map.id}/").status_code == 404  # twice: gone
    row = JourneyMap.all_objects.get(pk=side.map.id)
    assert row.deleted_by == world.editor and row.deleted_at is not None

    listed = editor.get(f"/api/trash/?workspace={side.workspace.id}").json()
    assert [(item["kind"], item["id"]) for item in listed] == [("map", str(side.map.id))]
    item = listed[0]
    assert item["title"] == side.map.title
    assert item["deleted_by"]["id"] == str(world.editor.id)
    assert item["purge_at"][:10] == (row.deleted_at + timedelta(days=30)).date().isoformat()

    # A map with the same title made meanwhile does not stand in the way: titles repeat.
    created = client_as("owner").post(
        "/api/maps/", {"workspace": str(side.workspace.id), "title": side.map.title}, format="json"
    )
    assert created.status_code == 201

    restored = editor.post(f"/api/trash/map/{side.map.id}/restore/", REMOTE_ADDR=ADDRESS)
    assert restored.status_code == 200
    assert restored.json() == {
        "kind": "map",
        "id": str(side.map.id),
        "title": side.map.title,
        "workspace": str(side.workspace.id),
    }
    after = client_as("owner").get(f"/api/maps/{side.map.id}/").json()
    assert after == before
    assert after["seq"] == seq and any(card["id"] == card_id for card in after["cards"])
    row.refresh_from_db()
    assert row.updated_at == updated_at and row.deleted_at is None and row.deleted_by is None
    assert MapOp.objects.filter(map=side.map).count() == seq
    assert MapVersion.objects.filter(map=side.map).count() == 1
    assert editor.get(f"/api/trash/?workspace={side.workspace.id}").json() == []
    assert editor.post(f"/api/trash/map/{side.map.id}/restore/").status_code == 404

    entries = AuditEntry.objects.filter(workspace=side.workspace, action__startswith="map.")
    assert [
        (e.action, e.actor, e.address, e.detail["map"]) for e in entries.order_by("created_at")
    ] == [
        ("map.trashed", world.editor, ADDRESS, str(side.map.id)),
        ("map.restored", world.editor, ADDRESS, str(side.map.id)),
    ]


def test_a_trashed_map_is_invisible_everywhere(world: World, client_as: Any) -> None:
    side = world.acme
    link, token = share_link_create(journey_map=side.map, created_by=world.owner)
    owner = client_as("owner")
    map_trash(journey_map=side.map, actor=world.owner, address=None)

    assert str(side.map.id) not in [m["id"] for m in owner.get("/api/maps/").json()["results"]]
    assert owner.get(f"/api/maps/?workspace={side.workspace.id}").json()["results"] == []
    for path in ("", "analysis/", "export.csv", "export.pdf", "history/", "versions/", "ops/"):
        assert owner.get(f"/api/maps/{side.map.id}/{path}").status_code == 404, path
    ops = {"op_id": str(uuid.uuid4()), "ops": []}
    assert owner.post(f"/api/maps/{side.map.id}/ops/", ops, format="json").status_code == 404
    # The share link opens nothing and is not listed; it is not revoked, so a restore
    # brings it back.
    assert client_as("anonymous").get(f"/api/share/{token}/").status_code == 404
    assert share_link_for_token(token) is None
    assert owner.get("/api/share-links/").json()["results"] == []
    map_restore(map_id=side.map.id, actor=world.owner, address=None)
    assert client_as("anonymous").get(f"/api/share/{token}/").status_code == 200
    assert ShareLink.objects.get(pk=link.pk).revoked_at is None


def test_a_trashed_maps_frictions_leave_the_feature_priorities(
    world: World, client_as: Any
) -> None:
    side = world.acme
    apply_ops(
        map_id=side.map.id,
        actor=world.owner,
        op_id=uuid.uuid4(),
        ops=[
            {
                "action": "create",
                "entity": "friction",
                "fields": {"stage": side.stage, "lane": side.lanes["friction"], "title": "Slow"},
            }
        ],
    )
    from journeymap.analysis.priority_read import workspace_frictions

    assert [row["title"] for row in workspace_frictions(workspace_id=side.workspace.id)] == ["Slow"]
    map_trash(journey_map=side.map, actor=world.owner, address=None)
    assert workspace_frictions(workspace_id=side.workspace.id) == []


def test_a_trashed_map_refuses_every_op(world: World) -> None:
    side = world.acme
    map_trash(journey_map=side.map, actor=world.owner, address=None)
    with pytest.raises(Exception) as refused:
        _card(world)
    assert getattr(refused.value, "code", None) == "not_found"
    assert not Card.objects.filter(map_id=side.map.id).exists()
    with pytest.raises(NotInTrash):
        map_trash(journey_map=side.map, actor=world.owner, address=None)


# --- personas -------------------------------------------------------------------------------


def test_a_trashed_persona_disappears_and_comes_back_where_it_was(
    world: World, client_as: Any
) -> None:
    side = world.acme
    persona = side.persona
    side.map.personas.add(persona)
    feature = FeatureFactory(workspace=side.workspace)
    FeaturePersona.objects.create(feature=feature, persona=persona, relevance=5)
    segment = SegmentFactory(workspace=side.workspace)
    segment.personas.add(persona)
    touchpoint = str(uuid.uuid4())
    apply_ops(
        map_id=side.map.id,
        actor=world.owner,
        op_id=uuid.uuid4(),
        ops=[
            {
                "action": "create",
                "entity": "touchpoint",
                "id": touchpoint,
                "fields": {
                    "stage": side.stage,
                    "lane": side.lanes["touchpoints"],
                    "title": "Ad",
                    "persona": str(persona.id),
                },
            },
            {
                "action": "create",
                "entity": "friction",
                "fields": {
                    "stage": side.stage,
                    "lane": side.lanes["friction"],
                    "title": "Slow",
                    "personas": [str(persona.id)],
                },
            },
        ],
    )
    owner = client_as("owner")
    doc_before = owner.get(f"/api/maps/{side.map.id}/").json()
    assert doc_before["personas"] == [str(persona.id)]

    assert owner.delete(f"/api/personas/{persona.id}/", REMOTE_ADDR=ADDRESS).status_code == 204
    assert owner.delete(f"/api/personas/{persona.id}/").status_code == 404
    assert owner.get(f"/api/personas/{persona.id}/").status_code == 404
    assert owner.get("/api/personas/").json()["results"] == []
    assert owner.get(f"/api/personas/?search={persona.name[:4]}").json()["results"] == []
    doc = owner.get(f"/api/maps/{side.map.id}/").json()
    assert doc["personas"] == []
    assert doc["directory"]["personas"] == []
    assert doc["frictions"][0]["personas"] == []
    # The touchpoint keeps the id (the board draws it as a removed persona); nothing broke.
    assert doc["touchpoints"][0]["persona"] == str(persona.id)
    assert owner.get(f"/api/features/{feature.id}/").json()["persona_tags"] == []
    assert owner.get(f"/api/segments/{segment.id}/").json()["personas"] == []
    assert owner.get(f"/api/maps/{side.map.id}/analysis/").status_code == 200
    # Nothing can point at it meanwhile.
    refused = owner.patch(
        f"/api/maps/{side.map.id}/", {"personas": [str(persona.id)]}, format="json"
    )
    assert refused.status_code in (400, 404)
    # Editing what referenced it keeps the hidden links (a restore brings them back).
    changed = owner.patch(
        f"/api/features/{feature.id}/", {"persona_tags": [], "name": "Renamed"}, format="json"
    )
    assert changed.status_code == 200
    assert (
        owner.patch(f"/api/maps/{side.map.id}/", {"personas": []}, format="json").status_code == 200
    )

    listed = owner.get(f"/api/trash/?workspace={side.workspace.id}").json()
    assert [(item["kind"], item["title"]) for item in listed] == [("persona", persona.name)]
    restored = owner.post(f"/api/trash/persona/{persona.id}/restore/", REMOTE_ADDR=ADDRESS)
    assert restored.status_code == 200 and restored.json()["title"] == persona.name

    doc_after = owner.get(f"/api/maps/{side.map.id}/").json()
    assert doc_after["personas"] == [str(persona.id)]
    assert doc_after["frictions"][0]["personas"] == [str(persona.id)]
    assert [p["id"] for p in doc_after["directory"]["personas"]] == [str(persona.id)]
    tags = owner.get(f"/api/features/{feature.id}/").json()["persona_tags"]
    assert tags == [{"persona": str(persona.id), "relevance": 5}]
    assert owner.get(f"/api/segments/{segment.id}/").json()["personas"] == [str(persona.id)]
    assert _actions(side.workspace)[-2:] == ["persona.trashed", "persona.restored"]
    entry = AuditEntry.objects.filter(action="persona.trashed").get()
    assert (entry.actor, entry.address, entry.subject) == (world.owner, ADDRESS, persona.name)


# --- who may do what ------------------------------------------------------------------------


def test_viewers_are_refused_the_trash(world: World, client_as: Any) -> None:
    side = world.acme
    map_trash(journey_map=side.map, actor=world.owner, address=None)
    viewer = client_as("viewer")
    assert viewer.get(f"/api/trash/?workspace={side.workspace.id}").status_code == 403
    assert viewer.post(f"/api/trash/map/{side.map.id}/restore/").status_code == 403
    assert viewer.delete(f"/api/trash/map/{side.map.id}/").status_code == 403
    assert JourneyMap.all_objects.get(pk=side.map.id).deleted_at is not None


def test_only_owners_delete_for_good(world: World, client_as: Any) -> None:
    side = world.acme
    map_trash(journey_map=side.map, actor=world.owner, address=None)
    persona_trash(persona=side.persona, actor=world.owner, address=None)
    assert client_as("editor").delete(f"/api/trash/map/{side.map.id}/").status_code == 403
    assert JourneyMap.all_objects.filter(pk=side.map.id).exists()
    owner = client_as("owner")
    for kind, pk in (("map", side.map.id), ("persona", side.persona.id)):
        assert owner.delete(f"/api/trash/{kind}/{pk}/", REMOTE_ADDR=ADDRESS).status_code == 204
        assert owner.delete(f"/api/trash/{kind}/{pk}/").status_code == 404
    assert not JourneyMap.all_objects.filter(pk=side.map.id).exists()
    assert not Persona.all_objects.filter(pk=side.persona.id).exists()
    assert not MapOp.objects.filter(map_id=side.map.id).exists()  # the real cascade
    assert owner.get(f"/api/trash/?workspace={side.workspace.id}").json() == []
    purged = AuditEntry.objects.filter(action__endswith=".purged").order_by("created_at")
    assert [(e.action, e.actor, e.address) for e in purged] == [
        ("map.purged", world.owner, ADDRESS),
        ("persona.purged", world.owner, ADDRESS),
    ]


def test_a_live_item_is_not_in_the_trash(world: World, client_as: Any) -> None:
    owner = client_as("owner")
    assert owner.post(f"/api/trash/map/{world.acme.map.id}/restore/").status_code == 404
    assert owner.delete(f"/api/trash/persona/{world.acme.persona.id}/").status_code == 404
    assert owner.delete(f"/api/trash/card/{world.acme.map.id}/").status_code == 404
    assert JourneyMap.objects.filter(pk=world.acme.map.id).exists()


@pytest.mark.parametrize("kind", ["map", "persona"])
@pytest.mark.parametrize("who", ["owner", "editor", "viewer"])
def test_another_workspaces_trash_is_a_404_whatever_the_request(
    world: World, client_as: Any, kind: str, who: str
) -> None:
    other = world.other
    map_trash(journey_map=other.map, actor=world.outsider, address=None)
    persona_trash(persona=other.persona, actor=world.outsider, address=None)
    pk = other.map.id if kind == "map" else other.persona.id
    client = client_as(who)
    assert client.get(f"/api/trash/?workspace={other.workspace.id}").status_code == 404
    assert (
        client.post(f"/api/trash/{kind}/{pk}/restore/", {"x": 1}, format="json").status_code == 404
    )
    assert client.delete(f"/api/trash/{kind}/{pk}/").status_code == 404
    assert JourneyMap.all_objects.get(pk=other.map.id).deleted_at is not None
    assert Persona.all_objects.get(pk=other.persona.id).deleted_at is not None
    assert not AuditEntry.objects.filter(action__in=["map.restored", "map.purged"]).exists()


def test_the_trash_list_needs_a_workspace(world: World, client_as: Any) -> None:
    assert client_as("owner").get("/api/trash/").status_code == 400
    assert client_as("owner").get("/api/trash/?workspace=nope").status_code == 400
    assert (
        client_as("anonymous").get(f"/api/trash/?workspace={world.acme.workspace.id}").status_code
        == 401
    )


def test_the_list_is_newest_first_across_kinds(world: World, client_as: Any) -> None:
    side = world.acme
    with time_machine.travel(timezone.now() - timedelta(days=2), tick=False):
        map_trash(journey_map=side.map, actor=world.owner, address=None)
    persona_trash(persona=side.persona, actor=None, address=None)
    listed = client_as("owner").get(f"/api/trash/?workspace={side.workspace.id}").json()
    assert [item["kind"] for item in listed] == ["persona", "map"]
    assert listed[0]["deleted_by"] is None


# --- purge ----------------------------------------------------------------------------------


def test_purge_trash_deletes_for_good_after_thirty_days_only(world: World) -> None:
    side = world.acme
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        map_trash(journey_map=side.map, actor=world.owner, address=None)
    with time_machine.travel(start + timedelta(days=10), tick=False):
        persona_trash(persona=side.persona, actor=world.owner, address=None)

    with time_machine.travel(start + timedelta(days=29, hours=23), tick=False):
        out = StringIO()
        call_command("purge_trash", stdout=out)
        assert "purged 0 map(s) and 0 persona(s)" in out.getvalue()
    assert JourneyMap.all_objects.filter(pk=side.map.id).exists()

    with time_machine.travel(start + timedelta(days=30, minutes=1), tick=False):
        out = StringIO()
        call_command("purge_trash", stdout=out)
        assert "purged 1 map(s) and 0 persona(s)" in out.getvalue()
    assert not JourneyMap.all_objects.filter(pk=side.map.id).exists()
    assert Persona.all_objects.filter(pk=side.persona.id).exists()
    # The other workspace's live map is untouched.
    assert JourneyMap.objects.filter(pk=world.other.map.id).exists()

    with time_machine.travel(start + timedelta(days=41), tick=False):
        assert trash_purge(older_than=timezone.now() - timedelta(days=30)) == {
            "maps": 0,
            "personas": 1,
        }
    purged = AuditEntry.objects.filter(action__endswith=".purged").order_by("created_at")
    assert [(e.action, e.actor) for e in purged] == [("map.purged", None), ("persona.purged", None)]


def test_purge_keeps_an_item_restored_and_trashed_again_since(world: World) -> None:
    side = world.acme
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        map_trash(journey_map=side.map, actor=world.owner, address=None)
    with time_machine.travel(start + timedelta(days=31), tick=False):
        map_restore(map_id=side.map.id, actor=world.owner, address=None)
        map_trash(journey_map=side.map, actor=world.owner, address=None)
        call_command("purge_trash", stdout=StringIO())
    assert JourneyMap.all_objects.filter(pk=side.map.id).exists()


def test_purge_trash_honours_the_setting(world: World, settings: Any) -> None:
    settings.TRASH_RETENTION_DAYS = 7
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        persona_restore_target = world.acme.persona
        persona_trash(persona=persona_restore_target, actor=world.owner, address=None)
    with time_machine.travel(start + timedelta(days=8), tick=False):
        call_command("purge_trash", stdout=StringIO())
    assert not Persona.all_objects.filter(pk=world.acme.persona.id).exists()
    with pytest.raises(NotInTrash):
        persona_restore(persona_id=world.acme.persona.id, actor=world.owner, address=None)
