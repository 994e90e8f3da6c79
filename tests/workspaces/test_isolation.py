"""The isolation matrix: every route × method × role. A record of another workspace is a
404 (a creation aimed at another workspace too), viewers read but never write, anonymous
callers get 401, and a refused request changes nothing at all."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps

from journeymap.maps.services.trash import map_trash
from journeymap.maps.services.versions import version_create
from journeymap.workspaces.models import Role, ShareLink
from journeymap.workspaces.services import invitation_create
from personas.models import CustomerProfile, InterviewGuide, InterviewNote, Segment
from personas.research import note_promote, note_save
from personas.services import persona_update
from personas.template import SECTION_LABELS
from personas.trash import persona_trash

from ..conftest import World
from ..factories import (
    CustomerFactory,
    FeatureFactory,
    MapFactory,
    MembershipFactory,
    PersonaFactory,
    SegmentFactory,
)

ROLES = ["owner", "editor", "viewer", "outsider", "anonymous"]
READ, WRITE, CREATE, OWNER_ONLY = "read", "write", "create", "owner_only"


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    url: Callable[[World, dict[str, Any]], str]
    kind: str
    body: Callable[[World, dict[str, Any]], dict[str, Any]] | None = None


def records(world: World) -> dict[str, Any]:
    """One record of every kind in the Acme workspace."""
    side = world.acme
    segment = SegmentFactory(workspace=side.workspace)
    feature = FeatureFactory(workspace=side.workspace)
    customer = CustomerFactory(workspace=side.workspace)
    link = ShareLink.objects.create(map=side.map, token_hash=uuid.uuid4().hex * 2)
    version = version_create(journey_map=side.map, name="Before the workshop", actor=world.owner)
    invitation, _ = invitation_create(
        workspace=side.workspace, created_by=world.owner, role="viewer"
    )
    persona_update(persona=side.persona, actor=world.owner, data={"bio": "Version 1"})
    guide = InterviewGuide.objects.get(workspace=side.workspace, is_default=True)
    note = note_save(
        note=InterviewNote(workspace=side.workspace),
        actor=world.owner,
        data={"title": "Call with Ann", "guide": guide},
    )
    evidence = note_promote(
        note=note, persona=side.persona, field="quotes", text="Too slow", actor=world.owner
    )
    trashed_map = map_trash(
        journey_map=MapFactory(workspace=side.workspace), actor=world.owner, address=None
    )
    trashed_persona = persona_trash(
        persona=PersonaFactory(workspace=side.workspace), actor=world.owner, address=None
    )
    return {
        "workspace": side.workspace.id,
        "map": side.map.id,
        "persona": side.persona.id,
        "channel": side.channel.id,
        "segment": segment.id,
        "feature": feature.id,
        "customer": customer.id,
        "link": link.id,
        "version": version.id,
        "invitation": invitation.id,
        "guide": guide.id,
        "note": note.id,
        "evidence": evidence.id,
        "trashed_map": trashed_map.id,
        "trashed_persona": trashed_persona.id,
    }


def _stage_op(world: World, r: dict[str, Any]) -> dict[str, Any]:
    return {
        "op_id": str(uuid.uuid4()),
        "ops": [{"action": "create", "entity": "stage", "fields": {"name": "New stage"}}],
    }


CRUD = {
    "personas": ("persona", {"name": "Pat"}, {"name": "Pat Jr"}),
    "channels": ("channel", {"name": "Kiosk", "kind": "store"}, {"color": "#112233"}),
    "segments": ("segment", {"name": "Young", "rules": {}}, {"name": "Older"}),
    "features": ("feature", {"name": "Wishlist"}, {"status": "planned"}),
    "customers": ("customer", {"external_id": "NEW-1"}, {"name": "Ann"}),
    "interview-guides": ("guide", {"name": "Discovery"}, {"name": "Renamed"}),
    "interview-notes": ("note", {"title": "Call with Bo"}, {"summary": "Short call"}),
}

CASES: list[Case] = [
    Case("workspace list", "get", lambda w, r: "/api/workspaces/", READ),
    Case("workspace detail", "get", lambda w, r: f"/api/workspaces/{r['workspace']}/", READ),
    Case(
        "workspace rename",
        "patch",
        lambda w, r: f"/api/workspaces/{r['workspace']}/",
        OWNER_ONLY,
        lambda w, r: {"name": "Renamed"},
    ),
    Case("members", "get", lambda w, r: f"/api/workspaces/{r['workspace']}/members/", READ),
    Case(
        "invitations",
        "get",
        lambda w, r: f"/api/workspaces/{r['workspace']}/invitations/",
        OWNER_ONLY,
    ),
    Case(
        "invite",
        "post",
        lambda w, r: f"/api/workspaces/{r['workspace']}/invitations/",
        OWNER_ONLY,
        lambda w, r: {"role": "viewer", "label": "for Ann"},
    ),
    Case(
        "revoke an invitation",
        "delete",
        lambda w, r: f"/api/workspaces/{r['workspace']}/invitations/{r['invitation']}/",
        OWNER_ONLY,
    ),
    Case("audit log", "get", lambda w, r: f"/api/audit/?workspace={r['workspace']}", OWNER_ONLY),
    Case(
        "audit log csv",
        "get",
        lambda w, r: f"/api/audit/export.csv?workspace={r['workspace']}",
        OWNER_ONLY,
    ),
    Case("map list", "get", lambda w, r: "/api/maps/", READ),
    Case("map detail", "get", lambda w, r: f"/api/maps/{r['map']}/", READ),
    Case(
        "map create",
        "post",
        lambda w, r: "/api/maps/",
        CREATE,
        lambda w, r: {"workspace": str(r["workspace"]), "title": "New map"},
    ),
    Case(
        "map rename",
        "patch",
        lambda w, r: f"/api/maps/{r['map']}/",
        WRITE,
        lambda w, r: {"title": "Renamed"},
    ),
    Case("map delete", "delete", lambda w, r: f"/api/maps/{r['map']}/", WRITE),
    Case("ops since", "get", lambda w, r: f"/api/maps/{r['map']}/ops/?since=0", READ),
    Case("ops post", "post", lambda w, r: f"/api/maps/{r['map']}/ops/", WRITE, _stage_op),
    Case("map history", "get", lambda w, r: f"/api/maps/{r['map']}/history/", READ),
    Case("map versions", "get", lambda w, r: f"/api/maps/{r['map']}/versions/", READ),
    Case(
        "map version detail",
        "get",
        lambda w, r: f"/api/maps/{r['map']}/versions/{r['version']}/",
        READ,
    ),
    Case(
        "save a version",
        "post",
        lambda w, r: f"/api/maps/{r['map']}/versions/",
        WRITE,
        lambda w, r: {"name": "After lunch"},
    ),
    Case(
        "restore a version",
        "post",
        lambda w, r: f"/api/maps/{r['map']}/versions/{r['version']}/restore/",
        WRITE,
        lambda w, r: {},
    ),
    Case("persona versions", "get", lambda w, r: f"/api/personas/{r['persona']}/versions/", READ),
    Case(
        "persona review",
        "post",
        lambda w, r: f"/api/personas/{r['persona']}/review/",
        WRITE,
        lambda w, r: {},
    ),
    Case("segment customers", "get", lambda w, r: f"/api/segments/{r['segment']}/customers/", READ),
    Case(
        "customer import",
        "post",
        lambda w, r: "/api/customers/import/",
        CREATE,
        lambda w, r: {"workspace": str(r["workspace"]), "csv": "external_id\nIMP-1\n"},
    ),
    Case("share-link list", "get", lambda w, r: "/api/share-links/", READ),
    Case("share-link detail", "get", lambda w, r: f"/api/share-links/{r['link']}/", READ),
    Case(
        "share-link create",
        "post",
        lambda w, r: "/api/share-links/",
        CREATE,
        lambda w, r: {"map": str(r["map"])},
    ),
    Case("share-link revoke", "delete", lambda w, r: f"/api/share-links/{r['link']}/", WRITE),
    Case("persona versions", "get", lambda w, r: f"/api/personas/{r['persona']}/versions/", READ),
    Case(
        "persona restore",
        "post",
        lambda w, r: f"/api/personas/{r['persona']}/versions/1/restore/",
        WRITE,
    ),
    Case(
        "persona review",
        "post",
        lambda w, r: f"/api/personas/{r['persona']}/review/",
        WRITE,
        lambda w, r: {"note": "Checked"},
    ),
    Case("persona reviews", "get", lambda w, r: f"/api/personas/{r['persona']}/reviews/", READ),
    Case(
        "persona since review",
        "get",
        lambda w, r: f"/api/personas/{r['persona']}/since-review/",
        READ,
    ),
    Case("persona evidence", "get", lambda w, r: f"/api/personas/{r['persona']}/evidence/", READ),
    Case("persona usage", "get", lambda w, r: f"/api/personas/{r['persona']}/usage/", READ),
    Case(
        "persona template",
        "get",
        lambda w, r: f"/api/persona-template/?workspace={r['workspace']}",
        READ,
    ),
    Case(
        "persona template save",
        "put",
        lambda w, r: "/api/persona-template/",
        WRITE,
        lambda w, r: {
            "workspace": str(r["workspace"]),
            "sections": [{"key": key, "visible": key != "demographics"} for key in SECTION_LABELS],
        },
    ),
    Case(
        "research progress",
        "get",
        lambda w, r: f"/api/research/progress/?workspace={r['workspace']}",
        READ,
    ),
    Case(
        "promote from a note",
        "post",
        lambda w, r: f"/api/interview-notes/{r['note']}/promote/",
        WRITE,
        lambda w, r: {"persona": str(r["persona"]), "field": "pain_points", "text": "Slow"},
    ),
    Case(
        "evidence unlink", "delete", lambda w, r: f"/api/persona-evidence/{r['evidence']}/", WRITE
    ),
    # The trash: owners and editors see and restore it, viewers are refused, owners purge.
    Case("trash items", "get", lambda w, r: f"/api/trash/?workspace={r['workspace']}", WRITE),
]
for kind in ("map", "persona"):
    CASES += [
        Case(
            f"trash restore {kind}",
            "post",
            lambda w, r, kind=kind: f"/api/trash/{kind}/{r['trashed_' + kind]}/restore/",
            WRITE,
            lambda w, r: {},
        ),
        Case(
            f"trash purge {kind}",
            "delete",
            lambda w, r, kind=kind: f"/api/trash/{kind}/{r['trashed_' + kind]}/",
            OWNER_ONLY,
        ),
    ]
for route, (key, create_body, update_body) in CRUD.items():
    CASES += [
        Case(f"{route} list", "get", lambda w, r, route=route: f"/api/{route}/", READ),
        Case(
            f"{route} detail",
            "get",
            lambda w, r, route=route, key=key: f"/api/{route}/{r[key]}/",
            READ,
        ),
        Case(
            f"{route} create",
            "post",
            lambda w, r, route=route: f"/api/{route}/",
            CREATE,
            lambda w, r, body=create_body: {**body, "workspace": str(r["workspace"])},
        ),
        Case(
            f"{route} update",
            "patch",
            lambda w, r, route=route, key=key: f"/api/{route}/{r[key]}/",
            WRITE,
            lambda w, r, body=update_body: body,
        ),
        Case(
            f"{route} delete",
            "delete",
            lambda w, r, route=route, key=key: f"/api/{route}/{r[key]}/",
            WRITE,
        ),
    ]


def fingerprint() -> dict[str, Any]:
    """Everything a refused request must leave as it was."""
    state: dict[str, Any] = {}
    for label in ("workspaces", "personas", "maps"):
        for model in apps.get_app_config(label).get_models():
            # The base manager: rows in the trash count too.
            rows = model._base_manager.order_by("pk").values()
            state[model.__name__] = [dict(row) for row in rows]
    return state


def expected(case: Case, role: str) -> set[int]:
    if role == "anonymous":
        return {401}
    if role == "outsider":
        if case.url.__name__ and case.method == "get" and case.name.endswith("list"):
            return {200}
        return {404}
    if case.kind == READ:
        return {200}
    if role == "viewer":
        return {403}
    if case.kind == OWNER_ONLY and role != "owner":
        return {403}
    return {200, 201, 204}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_matrix(world: World, client_as: Any, case: Case, role: str) -> None:
    r = records(world)
    client = client_as(role)
    before = fingerprint() if case.method != "get" else None
    body = case.body(world, r) if case.body else None
    response = getattr(client, case.method)(case.url(world, r), body, format="json")
    assert response.status_code in expected(case, role), response.content[:300]
    if before is not None and response.status_code >= 400:
        assert fingerprint() == before, "a refused request changed something"


LISTS = [
    "workspaces", "maps", "personas", "channels", "segments", "features", "customers",
    "interview-guides", "interview-notes",
]  # fmt: skip


@pytest.mark.parametrize("route", LISTS)
@pytest.mark.parametrize("role", ["owner", "viewer", "outsider"])
def test_lists_show_only_the_callers_workspaces(
    world: World, client_as: Any, route: str, role: str
) -> None:
    records(world)
    SegmentFactory(workspace=world.other.workspace)
    CustomerFactory(workspace=world.other.workspace)
    FeatureFactory(workspace=world.other.workspace)
    InterviewNote.objects.create(workspace=world.other.workspace, title="Their call")
    mine = world.other.workspace.id if role == "outsider" else world.acme.workspace.id
    response = client_as(role).get(f"/api/{route}/")
    assert response.status_code == 200
    results = response.json()["results"]
    assert results, f"{role} should see their own {route}"
    for item in results:
        assert item.get("workspace", item["id"]) == str(mine)


def test_a_filter_on_another_workspace_returns_nothing(world: World, client_as: Any) -> None:
    response = client_as("owner").get(f"/api/maps/?workspace={world.other.workspace.id}")
    assert response.json()["results"] == []


def test_references_to_another_workspace_are_refused(world: World, client_as: Any) -> None:
    response = client_as("owner").post(
        "/api/segments/",
        {
            "workspace": str(world.acme.workspace.id),
            "name": "Sneaky",
            "personas": [str(world.other.persona.id)],
        },
        format="json",
    )
    assert response.status_code == 400
    assert "personas" in response.json()["errors"]
    assert not Segment.objects.filter(name="Sneaky").exists()


# Authorisation comes before validation: whatever a refused caller sends, the answer is the
# same, so that a validation message (a duplicate id, a reference that resolves) cannot tell
# an outsider anything about a workspace they cannot see.
def _create_bodies(world: World, r: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    persona, channel = str(r["persona"]), str(r["channel"])
    taken = CustomerProfile.objects.get(pk=r["customer"]).external_id
    nowhere = str(uuid.uuid4())
    return {
        "/api/personas/": [
            {"name": "Pat"},
            {"name": ""},
            {"name": "Pat", "tier": "tertiary"},
            {"name": "Pat", "preferred_channels": [channel]},
            {"name": "Pat", "preferred_channels": [nowhere]},
        ],
        "/api/channels/": [
            {"name": "Kiosk", "kind": "store"},
            {"name": "Email"},  # taken in Acme
            {"name": "Kiosk", "kind": "teleport"},
        ],
        "/api/segments/": [
            {"name": "Young", "rules": {}},
            {"name": "Young", "personas": [persona]},
            {"name": "Young", "rules": {"field": "shoe_size", "op": "eq", "value": 1}},
            {"name": "Young", "rules": {"purchase": {"product": "Tent", "within_days": 10**12}}},
        ],
        "/api/features/": [
            {"name": "Wishlist"},
            {"name": "Wishlist", "status": "someday"},
            {"name": "Wishlist", "persona_tags": [{"persona": persona, "relevance": 3}]},
            {"name": "Wishlist", "persona_tags": [{"persona": persona, "relevance": 9}]},
        ],
        "/api/customers/": [
            {"external_id": "NEW-1"},
            {"external_id": taken},
            {"external_id": "NEW-1", "email": "not an email"},
            {"external_id": "x" * 500},
        ],
        "/api/customers/import/": [
            {"csv": "external_id\nIMP-1\n"},
            {"csv": f"external_id\n{taken}\n"},
            {"csv": "name\nno id column\n"},
            {"csv": "external_id,age\nIMP-1,two hundred\n"},
            {"kind": "nonsense", "csv": "external_id\nIMP-1\n"},
            {},
        ],
        "/api/maps/": [
            {"title": "New map"},
            {"title": "New map", "personas": [persona]},
            {"title": "New map", "personas": [nowhere]},
            {"title": "New map", "template": "nonsense"},
            {"title": ""},
        ],
    }


def _share_link_bodies(r: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"map": str(r["map"])},
        {"map": str(r["map"]), "expires_at": "not a date"},
        {"map": str(r["map"]), "label": "x" * 5000},
    ]


def _answers(client: Any, url: str, bodies: list[dict[str, Any]]) -> set[tuple[int, bytes]]:
    return {(response.status_code, response.content) for response in _posts(client, url, bodies)}


def _posts(client: Any, url: str, bodies: list[dict[str, Any]]) -> list[Any]:
    return [client.post(url, body, format="json") for body in bodies]


@pytest.mark.parametrize(
    "url",
    [
        "/api/personas/",
        "/api/channels/",
        "/api/segments/",
        "/api/features/",
        "/api/customers/",
        "/api/customers/import/",
        "/api/maps/",
    ],
)
def test_an_outsider_gets_the_same_404_whatever_the_body(
    world: World, client_as: Any, url: str
) -> None:
    r = records(world)
    bodies = [{**body, "workspace": str(r["workspace"])} for body in _create_bodies(world, r)[url]]
    # A workspace that does not exist at all answers exactly like one that is not theirs.
    bodies += [{**bodies[0], "workspace": str(uuid.uuid4())}]
    before = fingerprint()
    answers = _answers(client_as("outsider"), url, bodies)
    assert answers == {(404, b'{"code":"not_found","detail":"no such workspace"}')}
    assert fingerprint() == before


@pytest.mark.parametrize(
    "url",
    [
        "/api/personas/",
        "/api/channels/",
        "/api/segments/",
        "/api/features/",
        "/api/customers/",
        "/api/customers/import/",
        "/api/maps/",
    ],
)
def test_a_viewer_gets_the_same_403_whatever_the_body(
    world: World, client_as: Any, url: str
) -> None:
    r = records(world)
    bodies = [{**body, "workspace": str(r["workspace"])} for body in _create_bodies(world, r)[url]]
    before = fingerprint()
    answers = _answers(client_as("viewer"), url, bodies)
    assert len(answers) == 1
    assert next(iter(answers))[0] == 403
    assert fingerprint() == before


def test_share_link_creation_is_authorised_before_validation(world: World, client_as: Any) -> None:
    r = records(world)
    bodies = _share_link_bodies(r) + [{"map": str(uuid.uuid4())}]  # no such map at all
    before = fingerprint()
    assert _answers(client_as("outsider"), "/api/share-links/", bodies) == {
        (404, b'{"code":"not_found","detail":"no such map"}')
    }
    viewer = _answers(client_as("viewer"), "/api/share-links/", _share_link_bodies(r))
    assert {status for status, _ in viewer} == {403} and len(viewer) == 1
    assert fingerprint() == before


UPDATES = {
    "personas": ("persona", [{"name": "Pat"}, {"tier": "tertiary"}, {"goals": "not a list"}]),
    "channels": ("channel", [{"color": "#112233"}, {"kind": "teleport"}]),
    "segments": (
        "segment",
        [{"name": "Older"}, {"rules": {"purchase": {"product": "X", "within_days": 10**12}}}],
    ),
    "features": ("feature", [{"status": "planned"}, {"status": "someday"}]),
    "customers": (
        "customer",
        [{"first_name": "Ann"}, {"external_id": "TAKEN"}, {"birth_date": "not a date"}],
    ),
}


@pytest.mark.parametrize("route", list(UPDATES))
def test_updates_are_refused_the_same_way_whatever_the_body(
    world: World, client_as: Any, route: str
) -> None:
    r = records(world)
    CustomerFactory(workspace=world.acme.workspace, external_id="TAKEN")
    key, bodies = UPDATES[route]
    url = f"/api/{route}/{r[key]}/"
    before = fingerprint()
    outsider = {
        (response.status_code, response.content)
        for response in (client_as("outsider").patch(url, b, format="json") for b in bodies)
    }
    assert len(outsider) == 1 and next(iter(outsider))[0] == 404
    viewer = {
        (response.status_code, response.content)
        for response in (client_as("viewer").patch(url, b, format="json") for b in bodies)
    }
    assert len(viewer) == 1 and next(iter(viewer))[0] == 403
    assert fingerprint() == before


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/personas/", lambda o: {"name": "Pat", "preferred_channels": [o.channel]}),
        ("/api/segments/", lambda o: {"name": "Young", "personas": [o.persona]}),
        (
            "/api/features/",
            lambda o: {"name": "Wishlist", "persona_tags": [{"persona": o.persona}]},
        ),
    ],
)
def test_references_resolve_only_within_the_callers_workspaces(
    world: World, client_as: Any, url: str, body: Callable[[Any], dict[str, Any]]
) -> None:
    """A record of a workspace the caller cannot see answers exactly like no record at all;
    one of another of the caller's workspaces is refused as not of the target workspace."""

    @dataclass
    class Ids:
        channel: str
        persona: str

    workspace = str(world.acme.workspace.id)
    foreign = Ids(str(world.other.channel.id), str(world.other.persona.id))
    missing = Ids(str(uuid.uuid4()), str(uuid.uuid4()))
    client = client_as("owner")
    before = fingerprint()
    answers = [
        client.post(url, {**body(ids), "workspace": workspace}, format="json")
        for ids in (foreign, missing)
    ]
    assert [a.status_code for a in answers] == [400, 400]
    first, second = (a.json()["errors"] for a in answers)
    assert str(first).replace(foreign.channel, "?").replace(foreign.persona, "?") == str(
        second
    ).replace(missing.channel, "?").replace(missing.persona, "?")
    # A member of both workspaces may see the record, but not use it in the other one.
    assert fingerprint() == before
    MembershipFactory(workspace=world.other.workspace, user=world.owner, role=Role.EDITOR)
    before = fingerprint()
    mixed = client.post(url, {**body(foreign), "workspace": workspace}, format="json")
    assert mixed.status_code == 400
    assert "not found in this workspace" in str(mixed.json()["errors"])
    assert fingerprint() == before
