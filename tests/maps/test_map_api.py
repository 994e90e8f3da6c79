"""Maps over REST: the nested read, templates, op batches, catch-up and share links."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from journeymap.maps.models import JourneyMap, MapOp
from journeymap.maps.services.ops import apply_ops

from ..conftest import World


def grow(world: World, stages: int, items_per_stage: int) -> None:
    side = world.acme
    ops: list[dict[str, Any]] = []
    for s in range(stages):
        stage = str(uuid.uuid4())
        ops.append(
            {"action": "create", "entity": "stage", "id": stage, "fields": {"name": f"S{s}"}}
        )
        previous = None
        for i in range(items_per_stage):
            tp = str(uuid.uuid4())
            ops += [
                {
                    "action": "create",
                    "entity": "card",
                    "fields": {"stage": stage, "lane": side.lanes["actions"], "title": f"c{i}"},
                },
                {
                    "action": "create",
                    "entity": "touchpoint",
                    "id": tp,
                    "fields": {
                        "stage": stage,
                        "lane": side.lanes["touchpoints"],
                        "title": f"t{i}",
                        "channel": str(side.channel.id),
                    },
                },
                {
                    "action": "create",
                    "entity": "friction",
                    "fields": {
                        "stage": stage,
                        "lane": side.lanes["friction"],
                        "title": f"f{i}",
                        "touchpoint": tp,
                        "personas": [str(side.persona.id)],
                    },
                },
                {
                    "action": "create",
                    "entity": "comment",
                    "fields": {"target_entity": "touchpoint", "target_id": tp, "body": "why?"},
                },
            ]
            if previous:
                ops.append(
                    {
                        "action": "create",
                        "entity": "transition",
                        "fields": {"from_touchpoint": previous, "to_touchpoint": tp, "count": 10},
                    }
                )
            previous = tp
        ops.append(
            {
                "action": "create",
                "entity": "emotion",
                "fields": {"stage": stage, "persona": str(side.persona.id), "score": 1},
            }
        )
    apply_ops(map_id=side.map.id, actor=world.owner, op_id=uuid.uuid4(), ops=ops)


def queries_for_read(client: Any, map_id: Any) -> tuple[int, dict[str, Any]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/maps/{map_id}/")
    assert response.status_code == 200
    return len(queries), response.json()


def test_map_read_takes_the_same_number_of_queries_however_large(
    world: World, client_as: Any
) -> None:
    client = client_as("viewer")
    small, _ = queries_for_read(client, world.acme.map.id)
    grow(world, stages=6, items_per_stage=8)
    large, document = queries_for_read(client, world.acme.map.id)
    assert len(document["touchpoints"]) == 48 and len(document["comments"]) == 48
    assert large == small
    assert large <= 25


def test_map_read_is_nested_with_seq(world: World, client_as: Any) -> None:
    grow(world, stages=2, items_per_stage=2)
    document = client_as("viewer").get(f"/api/maps/{world.acme.map.id}/").json()
    assert document["seq"] == JourneyMap.objects.get(pk=world.acme.map.id).seq == 2
    friction = document["frictions"][0]
    assert friction["personas"] == [str(world.acme.persona.id)]
    assert document["comments"][0]["author_name"]
    assert {c["name"] for c in document["directory"]["channels"]} == {"Email"}
    keys = [s["order_key"] for s in document["stages"]]
    assert keys == sorted(keys)


def test_create_a_map_from_a_template(world: World, client_as: Any) -> None:
    client = client_as("editor")
    templates = client.get("/api/maps/templates/").json()
    assert {t["key"] for t in templates} >= {
        "blank",
        "b2c_purchase",
        "b2b_saas_onboarding",
        "service_blueprint",
    }
    response = client.post(
        "/api/maps/",
        {
            "workspace": str(world.acme.workspace.id),
            "title": "Checkout",
            "template": "b2c_purchase",
            "personas": [str(world.acme.persona.id)],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    document = response.json()
    assert document["title"] == "Checkout" and document["seq"] == 1
    assert len(document["stages"]) >= 5 and len(document["lanes"]) >= 5
    assert document["personas"] == [str(world.acme.persona.id)]
    assert MapOp.objects.filter(map_id=document["id"]).count() == 1


def test_unknown_template_is_a_clear_error(world: World, client_as: Any) -> None:
    response = client_as("editor").post(
        "/api/maps/",
        {"workspace": str(world.acme.workspace.id), "title": "X", "template": "nope"},
        format="json",
    )
    assert response.status_code == 400
    assert "template" in response.json()["errors"]
    assert not JourneyMap.objects.filter(title="X").exists()


def test_ops_over_rest_apply_log_and_answer_like_the_socket(world: World, client_as: Any) -> None:
    client = client_as("editor")
    url = f"/api/maps/{world.acme.map.id}/ops/"
    op_id = str(uuid.uuid4())
    envelope = {
        "op_id": op_id,
        "ops": [{"action": "create", "entity": "stage", "fields": {"name": "Buy"}}],
    }
    first = client.post(url, envelope, format="json")
    assert first.status_code == 200
    assert first.json()["seq"] == 2 and first.json()["duplicate"] is False
    again = client.post(url, envelope, format="json")
    assert again.json()["seq"] == 2 and again.json()["duplicate"] is True
    patches = client.get(f"{url}?since=1").json()
    assert patches["seq"] == 2
    assert [p["seq"] for p in patches["patches"]] == [2]
    assert patches["patches"][0]["op_id"] == op_id
    assert patches["patches"][0]["actor"]["id"] == str(world.editor.pk)


@pytest.mark.parametrize(
    ("ops", "status", "code", "field"),
    [
        (
            [{"action": "create", "entity": "friction", "fields": {"title": "x", "severity": 7}}],
            400,
            "invalid",
            "stage",
        ),
        (
            [
                {
                    "action": "update",
                    "entity": "card",
                    "id": str(uuid.uuid4()),
                    "fields": {"title": "x"},
                }
            ],
            404,
            "not_found",
            None,
        ),
        (
            [
                {
                    "action": "create",
                    "entity": "stage",
                    "fields": {"name": "x", "order_key": "not a key!"},
                }
            ],
            400,
            "invalid",
            "order_key",
        ),
        (
            # PostgreSQL cannot store NUL in text: refused as bad input, never a 500.
            [{"action": "create", "entity": "stage", "fields": {"name": "Be\x00fore"}}],
            400,
            "invalid",
            "name",
        ),
    ],
)
def test_rejected_ops_over_rest(
    world: World, client_as: Any, ops: list[Any], status: int, code: str, field: str | None
) -> None:
    response = client_as("editor").post(
        f"/api/maps/{world.acme.map.id}/ops/",
        {"op_id": str(uuid.uuid4()), "ops": ops},
        format="json",
    )
    assert response.status_code == status
    body = response.json()
    assert (body["code"], body["field"], body["index"]) == (code, field, 0)
    assert JourneyMap.objects.get(pk=world.acme.map.id).seq == 1


def test_map_patch_is_an_op_batch(world: World, client_as: Any) -> None:
    response = client_as("editor").patch(
        f"/api/maps/{world.acme.map.id}/", {"title": "Renamed", "votes_per_user": 3}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["title"] == "Renamed" and response.json()["seq"] == 2
    logged = MapOp.objects.get(map=world.acme.map, seq=2)
    assert logged.ops[0]["entity"] == "map" and logged.ops[0]["fields"]["title"] == "Renamed"


def test_filters_and_ordering(world: World, client_as: Any) -> None:
    client = client_as("owner")
    second = client.post(
        "/api/maps/",
        {"workspace": str(world.acme.workspace.id), "title": "Aardvark"},
        format="json",
    ).json()
    world.acme.map.personas.add(world.acme.persona)
    by_persona = client.get(f"/api/maps/?persona={world.acme.persona.id}").json()["results"]
    assert [m["id"] for m in by_persona] == [str(world.acme.map.id)]
    ordered = client.get("/api/maps/?ordering=title").json()["results"]
    assert [m["title"] for m in ordered] == ["Aardvark", "Acme journey"]
    assert ordered[0]["stage_count"] == 3 and second["id"] == ordered[0]["id"]
    assert client.get("/api/maps/?workspace=not-a-uuid").status_code == 400


class TestShareLinks:
    def make_link(self, world: World, client_as: Any) -> str:
        response = client_as("editor").post(
            "/api/share-links/", {"map": str(world.acme.map.id), "label": "Board"}, format="json"
        )
        assert response.status_code == 201
        token = response.json()["token"]
        assert len(token) >= 43  # 256 bits, url-safe base64
        return token

    def test_a_share_link_reads_its_map_and_nothing_else(
        self, world: World, client_as: Any, api: Any
    ) -> None:
        token = self.make_link(world, client_as)
        assert api.get(f"/api/share/{token}/").json()["id"] == str(world.acme.map.id)
        api.credentials(HTTP_AUTHORIZATION=f"Share {token}")
        assert api.get(f"/api/maps/{world.acme.map.id}/").status_code == 200
        assert api.get(f"/api/maps/{world.other.map.id}/").status_code == 404
        assert (
            api.patch(f"/api/maps/{world.acme.map.id}/", {"title": "x"}, format="json").status_code
            == 403
        )
        ops = {
            "op_id": str(uuid.uuid4()),
            "ops": [{"action": "create", "entity": "stage", "fields": {"name": "x"}}],
        }
        assert (
            api.post(f"/api/maps/{world.acme.map.id}/ops/", ops, format="json").status_code == 403
        )
        assert api.get("/api/personas/").status_code == 403
        assert JourneyMap.objects.get(pk=world.acme.map.id).seq == 1

    def test_a_revoked_link_opens_nothing(self, world: World, client_as: Any, api: Any) -> None:
        token = self.make_link(world, client_as)
        link_id = client_as("owner").get("/api/share-links/").json()["results"][0]["id"]
        assert client_as("owner").delete(f"/api/share-links/{link_id}/").status_code == 204
        assert api.get(f"/api/share/{token}/").status_code == 404
        api.credentials(HTTP_AUTHORIZATION=f"Share {token}")
        assert api.get(f"/api/maps/{world.acme.map.id}/").status_code == 401

    def test_the_token_is_stored_hashed(self, world: World, client_as: Any) -> None:
        from journeymap.workspaces.models import ShareLink

        token = self.make_link(world, client_as)
        assert not ShareLink.objects.filter(token_hash=token).exists()
        assert "token" not in client_as("owner").get("/api/share-links/").json()["results"][0]
