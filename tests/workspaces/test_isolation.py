"""The isolation matrix: every route × method × role. A record of another workspace is a
404, viewers read but never write, anonymous callers get 401, and a refused request changes
nothing at all."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps

from journeymap.maps.services.versions import version_create
from journeymap.workspaces.models import ShareLink
from personas.models import Segment

from ..conftest import World
from ..factories import CustomerFactory, FeatureFactory, SegmentFactory

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
        "add member",
        "post",
        lambda w, r: f"/api/workspaces/{r['workspace']}/members/",
        OWNER_ONLY,
        lambda w, r: {"user": "outsider", "role": "viewer"},
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
            rows = model._default_manager.order_by("pk").values()
            state[model.__name__] = [dict(row) for row in rows]
    return state


def expected(case: Case, role: str) -> set[int]:
    if role == "anonymous":
        return {401}
    if role == "outsider":
        if case.url.__name__ and case.method == "get" and case.name.endswith("list"):
            return {200}
        return {400} if case.kind == CREATE else {404}
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


LISTS = ["workspaces", "maps", "personas", "channels", "segments", "features", "customers"]


@pytest.mark.parametrize("route", LISTS)
@pytest.mark.parametrize("role", ["owner", "viewer", "outsider"])
def test_lists_show_only_the_callers_workspaces(
    world: World, client_as: Any, route: str, role: str
) -> None:
    records(world)
    SegmentFactory(workspace=world.other.workspace)
    CustomerFactory(workspace=world.other.workspace)
    FeatureFactory(workspace=world.other.workspace)
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
