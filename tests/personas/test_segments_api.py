"""The segment editor's endpoints: the grammar, the live preview, saving only what was sent,
the size history and the members as CSV."""

from __future__ import annotations

import csv
import io
import warnings
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from asgiref.sync import async_to_sync
from django.core.management import call_command
from django.utils import timezone

from personas.models import Purchase, Segment, SegmentSnapshot
from personas.rules import PROFILE_FIELDS

from ..conftest import World
from ..factories import CustomerFactory, SegmentFactory

# "Bought X in the last 3 months and spent more than 500."
BOUGHT_X_SPENT_500 = {
    "all": [
        {"purchases": {"product": "X", "within_days": 90}, "agg": "count", "op": "gte", "value": 1},
        {"purchases": {}, "agg": "sum", "op": "gt", "value": 500},
    ]
}


def _buy(customer: Any, product: str, amount: str, days_ago: int) -> None:
    Purchase.objects.create(
        customer=customer,
        product=product,
        amount=Decimal(amount),
        purchased_at=timezone.now() - timedelta(days=days_ago),
    )


@pytest.fixture
def customers(world: World) -> dict[str, Any]:
    """Five Acme customers; two bought X lately and spent over 500 in all."""
    workspace = world.acme.workspace
    made = {
        key: CustomerFactory(workspace=workspace, external_id=key, first_name=key.title())
        for key in ("a", "b", "c", "d", "e")
    }
    _buy(made["a"], "X", "600", 10)  # in
    _buy(made["b"], "X", "100", 30)  # in: 100 + 450
    _buy(made["b"], "Y", "450", 200)
    _buy(made["c"], "X", "700", 200)  # X too long ago
    _buy(made["d"], "Y", "900", 5)  # never bought X
    CustomerFactory(workspace=world.other.workspace, external_id="foreign")
    return made


def test_the_field_list_is_the_grammar_of_rules_py(world: World, client_as: Any) -> None:
    body = client_as("viewer").get("/api/segments/fields/").json()
    assert {f["name"]: f["kind"] for f in body["fields"]} == PROFILE_FIELDS
    age = next(f for f in body["fields"] if f["name"] == "age")
    assert "between" in age["operators"] and "contains" not in age["operators"]
    assert body["purchases"]["aggregates"] == ["count", "sum"]
    assert "products" not in body


def test_the_field_list_offers_the_workspace_products_to_members_only(
    customers: dict[str, Any], world: World, client_as: Any
) -> None:
    workspace = world.acme.workspace.id
    body = client_as("viewer").get(f"/api/segments/fields/?workspace={workspace}").json()
    assert body["products"] == ["X", "Y"]  # most bought first
    refused = client_as("outsider").get(f"/api/segments/fields/?workspace={workspace}")
    assert refused.status_code == 404


def test_preview_size_equals_the_saved_segment_size(
    customers: dict[str, Any], world: World, client_as: Any
) -> None:
    client = client_as("editor")
    workspace = str(world.acme.workspace.id)
    preview = client.post(
        "/api/segments/preview/",
        {"workspace": workspace, "rules": BOUGHT_X_SPENT_500},
        format="json",
    )
    assert preview.status_code == 200, preview.content
    body = preview.json()
    assert body["size"] == 2 and body["total"] == 5  # the other workspace's customer not counted
    assert [row["external_id"] for row in body["sample"]] == ["a", "b"]
    assert body["sample"][0]["name"] == customers["a"].name
    saved = client.post(
        "/api/segments/",
        {"workspace": workspace, "name": "X buyers", "rules": BOUGHT_X_SPENT_500},
        format="json",
    )
    assert saved.status_code == 201, saved.content
    assert saved.json()["size"] == body["size"]


def test_preview_of_no_rules_is_everyone_and_a_viewer_may_preview(
    customers: dict[str, Any], world: World, client_as: Any
) -> None:
    body = client_as("viewer").post(
        "/api/segments/preview/",
        {"workspace": str(world.acme.workspace.id), "rules": {}},
        format="json",
    )
    assert body.status_code == 200
    assert body.json()["size"] == body.json()["total"] == 5
    assert len(body.json()["sample"]) == 5


def test_preview_refuses_bad_rules_naming_the_spot(world: World, client_as: Any) -> None:
    rules = {"all": [{"field": "age", "op": "gt", "value": 30}, {"field": "age", "op": "gt"}]}
    response = client_as("editor").post(
        "/api/segments/preview/",
        {"workspace": str(world.acme.workspace.id), "rules": rules},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["path"] == "rules.all[1]"
    assert body["errors"]["rules"][0].startswith("rules.all[1]:")
    bad_value = client_as("editor").post(
        "/api/segments/preview/",
        {
            "workspace": str(world.acme.workspace.id),
            "rules": {"any": [{"field": "age", "op": "between", "value": [40, 20]}]},
        },
        format="json",
    )
    assert bad_value.status_code == 400 and bad_value.json()["path"] == "rules.any[0].value"


@pytest.mark.parametrize("who", ["outsider", "anonymous"])
def test_preview_of_a_foreign_workspace_is_not_found(
    customers: dict[str, Any], world: World, client_as: Any, who: str
) -> None:
    response = client_as(who).post(
        "/api/segments/preview/",
        # Bad rules too: the refusal must not depend on them.
        {"workspace": str(world.acme.workspace.id), "rules": {"nope": 1}},
        format="json",
    )
    assert response.status_code == (404 if who == "outsider" else 401)


def test_preview_without_a_workspace_is_a_bad_request(world: World, client_as: Any) -> None:
    response = client_as("editor").post("/api/segments/preview/", {"rules": {}}, format="json")
    assert response.status_code == 400
    assert "workspace" in response.json()["errors"]


def test_patch_of_one_field_keeps_the_other_editors_change(world: World, client_as: Any) -> None:
    segment = SegmentFactory(workspace=world.acme.workspace, name="Before", description="old")
    url = f"/api/segments/{segment.id}/"
    # Two editors load the segment; one changes the rules, the other only the name.
    stale = Segment.objects.get(pk=segment.pk)
    new_rules = {"field": "country", "op": "eq", "value": "France"}
    assert client_as("editor").patch(url, {"rules": new_rules}, format="json").status_code == 200
    from personas.services import segment_save

    segment_save(segment=stale, data={"name": "Renamed"})
    segment.refresh_from_db()
    assert (segment.name, segment.rules, segment.description) == ("Renamed", new_rules, "old")
    # And through the API: personas alone leaves the rest as it is.
    response = client_as("owner").patch(
        url, {"personas": [str(world.acme.persona.id)]}, format="json"
    )
    assert response.status_code == 200
    segment.refresh_from_db()
    assert segment.name == "Renamed" and segment.rules == new_rules
    assert list(segment.personas.all()) == [world.acme.persona]


def test_snapshots_are_written_on_save_and_read_at_most_once_a_day(
    customers: dict[str, Any], world: World, client_as: Any
) -> None:
    client = client_as("editor")
    # The purchases are dated from the real now; the days move on from today.
    day1 = timezone.localdate()
    day2 = day1 + timedelta(days=1)
    with time_machine.travel(day1, tick=False):
        created = client.post(
            "/api/segments/",
            {
                "workspace": str(world.acme.workspace.id),
                "name": "X buyers",
                "rules": BOUGHT_X_SPENT_500,
            },
            format="json",
        ).json()
    segment = Segment.objects.get(pk=created["id"])
    url = f"/api/segments/{segment.id}/"
    with time_machine.travel(day1, tick=False):
        client.get(url)  # the day already has its point
        assert SegmentSnapshot.objects.filter(segment=segment).count() == 1
    with time_machine.travel(day2, tick=False):
        client.get(url)
        _buy(customers["e"], "X", "999", 0)  # e joins the segment
        client.get(url)  # the day's point is not taken again
        client_as("viewer").get(url)
    rows = list(SegmentSnapshot.objects.filter(segment=segment).values_list("taken_on", "size"))
    assert rows == [(day1, 2), (day2, 2)]
    with time_machine.travel(day2, tick=False):
        # A save records the day's size afresh (upsert, still one row for the day).
        client.patch(url, {"description": "updated"}, format="json")
        history = client.get(f"{url}snapshots/?days=30").json()
    assert history == [
        {"taken_on": day1.isoformat(), "size": 2},
        {"taken_on": day2.isoformat(), "size": 3},
    ]


def test_the_daily_command_records_every_segment(customers: dict[str, Any], world: World) -> None:
    everyone = SegmentFactory(workspace=world.acme.workspace, rules={})
    other = SegmentFactory(workspace=world.other.workspace, rules={})
    out = io.StringIO()
    with time_machine.travel(date(2026, 6, 1), tick=False):
        call_command("snapshot_segments", stdout=out)
        call_command("snapshot_segments", stdout=out)  # twice a day: still one point
    assert "2 segment(s)" in out.getvalue()
    assert list(everyone.snapshots.values_list("taken_on", "size")) == [(date(2026, 6, 1), 5)]
    assert list(other.snapshots.values_list("size", flat=True)) == [1]


def test_snapshots_and_the_trend_stay_in_the_workspace(world: World, client_as: Any) -> None:
    segment = SegmentFactory(workspace=world.acme.workspace)
    SegmentSnapshot.objects.create(segment=segment, taken_on=timezone.localdate(), size=7)
    assert client_as("outsider").get(f"/api/segments/{segment.id}/snapshots/").status_code == 404
    listed = client_as("viewer").get(f"/api/segments/?workspace={world.acme.workspace.id}")
    trend = listed.json()["results"][0]["trend"]
    assert trend == [{"taken_on": timezone.localdate().isoformat(), "size": 7}]


def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_members_csv_neutralises_formulas_and_streams(world: World, client_as: Any) -> None:
    workspace = world.acme.workspace
    CustomerFactory(
        workspace=workspace,
        external_id="m1",
        email="eve@example.com",
        first_name='=HYPERLINK("http://evil.example/","click")',
        last_name="-2+3",
        country="France",
    )
    CustomerFactory(workspace=workspace, external_id="m2", first_name="Bob", country="Spain")
    segment = SegmentFactory(
        workspace=workspace,
        name="French customers",
        rules={"field": "country", "op": "eq", "value": "france"},
    )
    response = client_as("viewer").get(f"/api/segments/{segment.id}/customers.csv")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="french-customers.csv"' in response["Content-Disposition"]
    rows = _csv_rows(b"".join(response.streaming_content))
    assert rows[0][:4] == ["external_id", "email", "first_name", "last_name"]
    assert rows[1][:4] == [
        "m1",
        "eve@example.com",
        '\'=HYPERLINK("http://evil.example/","click")',
        "'-2+3",
    ]
    assert len(rows) == 2  # Bob is not French


def test_members_csv_streams_under_asgi_without_reading_it_all_first(
    world: World, client_as: Any
) -> None:
    for n in range(3):
        CustomerFactory(workspace=world.acme.workspace, external_id=f"k{n}")
    segment = SegmentFactory(workspace=world.acme.workspace, rules={})
    response = client_as("viewer").get(f"/api/segments/{segment.id}/customers.csv")
    response.batch = 2

    async def consume() -> list[bytes]:
        return [part async for part in response]

    # Django warns when it must read a synchronous iterator into a list to serve it.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        parts = async_to_sync(consume)()
    assert len(parts) == 4  # the header, then one line per member
    assert [row[0] for row in _csv_rows(b"".join(parts))[1:]] == ["k0", "k1", "k2"]


def test_members_csv_of_a_foreign_segment_is_not_found(world: World, client_as: Any) -> None:
    segment = SegmentFactory(workspace=world.other.workspace)
    assert client_as("editor").get(f"/api/segments/{segment.id}/customers.csv").status_code == 404


def test_a_page_of_members_reads_their_values_in_the_same_query(
    world: Any, client_as: Any, django_assert_max_num_queries: Any
) -> None:
    from personas.models import Segment

    from ..factories import CustomerFactory

    for n in range(30):
        CustomerFactory(workspace=world.acme.workspace, external_id=f"M{n}", gender="male")
    segment = Segment.objects.create(
        workspace=world.acme.workspace,
        name="Men",
        rules={"field": "gender", "op": "eq", "value": "male"},
    )
    client = client_as("editor")
    with django_assert_max_num_queries(12):
        page = client.get(f"/api/segments/{segment.pk}/customers/").json()
    assert page["count"] == 30
    assert all(c["values"]["lifetime_value"]["source"] == "none" for c in page["results"])
