"""Event-log imports: directly-follows counts and durations computed in the database, written
into the map's transitions through apply_ops; bad rows change nothing.

The hand-made log (times in minutes after 09:00 on 2026-03-01, UTC):

    case c1: Ad 0 → Site 10 → Checkout 40
    case c2: Ad 0 → Site 20 → Checkout 30
    case c3: Ad 0 → Site 5                 (drops)
    case c4: Site 0 → Ad 1 → Site 2 → Help 3   (Help is on no map)

so Ad→Site happens 4 times (c1 10 min, c2 20, c3 5, c4 1), Site→Checkout twice (30, 10),
Site→Ad once (1) and Site→Help is no transition (Help is unknown). Nearest-rank: the median
of Ad→Site's sorted [1, 5, 10, 20] minutes is the 2nd (5 min), its p90 the 4th (20 min).
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from journeymap.maps.eventlog.models import EventImport, ImportStatus, JourneyEvent
from journeymap.maps.eventlog.parse import parse_timestamp
from journeymap.maps.eventlog.selectors import directly_follows
from journeymap.maps.models import MapOp
from tests.eventlogs import LOG_ROWS, log_text, post_log, weights

pytestmark = pytest.mark.django_db


def test_counts_and_durations_are_computed_by_hand(
    world: Any, client_as: Any, mapped: dict[str, Any]
) -> None:
    tp = mapped["tp"]
    seq_before = mapped["map"].seq
    response = post_log(client_as("editor"), mapped["map"].id, log_text(LOG_ROWS))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "done", body["report"]
    report = body["report"]
    assert report["rows"] == 12
    assert report["cases"] == 4
    assert report["transitions"] == 3
    assert report["unknown_touchpoints"] == [{"name": "help", "events": 1}]

    assert weights(mapped["map"].id) == {
        (tp["Ad"], tp["Site"]): 4,
        (tp["Site"], tp["Checkout"]): 2,
        (tp["Site"], tp["Ad"]): 1,
    }
    # The weights arrived as an ordinary op batch, so every open board got a patch.
    mapped["map"].refresh_from_db()
    assert mapped["map"].seq == seq_before + 1
    assert MapOp.objects.filter(map=mapped["map"], client_id="event-import").count() == 1

    steps = {
        (s.from_touchpoint, s.to_touchpoint): s for s in directly_follows(map_id=mapped["map"].id)
    }
    ad_site = steps[(tp["Ad"], tp["Site"])]
    assert (ad_site.count, ad_site.median_s, ad_site.p90_s) == (4, 300, 1200)
    assert ad_site.mean_s == pytest.approx((1 + 5 + 10 + 20) * 60 / 4)
    site_checkout = steps[(tp["Site"], tp["Checkout"])]
    assert (site_checkout.median_s, site_checkout.p90_s) == (600, 1800)


def test_row_order_does_not_matter(world: Any, client_as: Any, mapped: dict[str, Any]) -> None:
    shuffled = LOG_ROWS[:]
    random.Random(7).shuffle(shuffled)
    response = post_log(client_as("editor"), mapped["map"].id, log_text(shuffled))
    assert response.status_code == 201
    tp = mapped["tp"]
    assert weights(mapped["map"].id)[(tp["Ad"], tp["Site"])] == 4


def test_equal_timestamps_keep_file_order(
    world: Any, client_as: Any, mapped: dict[str, Any]
) -> None:
    rows = [("d1", "Ad", 0), ("d1", "Site", 0), ("d1", "Checkout", 0)]
    post_log(client_as("editor"), mapped["map"].id, log_text(rows))
    tp = mapped["tp"]
    assert weights(mapped["map"].id) == {
        (tp["Ad"], tp["Site"]): 1,
        (tp["Site"], tp["Checkout"]): 1,
    }


def test_a_repeated_touchpoint_is_no_transition(
    world: Any, client_as: Any, mapped: dict[str, Any]
) -> None:
    rows = [("r1", "Ad", 0), ("r1", "Ad", 1), ("r1", "Site", 2)]
    post_log(client_as("editor"), mapped["map"].id, log_text(rows))
    tp = mapped["tp"]
    assert weights(mapped["map"].id) == {(tp["Ad"], tp["Site"]): 1}


def test_touchpoints_are_named_by_id_or_title_in_any_case(
    world: Any, client_as: Any, mapped: dict[str, Any]
) -> None:
    tp = mapped["tp"]
    rows = [("e1", tp["Ad"], 0), ("e1", "  SITE ", 1)]
    post_log(client_as("editor"), mapped["map"].id, log_text(rows))
    assert weights(mapped["map"].id) == {(tp["Ad"], tp["Site"]): 1}


def test_a_bad_row_is_reported_by_line_and_changes_nothing(
    world: Any, client_as: Any, mapped: dict[str, Any]
) -> None:
    text = log_text(LOG_ROWS[:3]) + "c9,Ad,yesterday,,\nc9,,2026-03-01T10:00:00Z,,\n"
    seq = mapped["map"].seq
    response = post_log(client_as("editor"), mapped["map"].id, text)
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "failed"
    errors = body["report"]["errors"]
    assert [(e["line"], e["column"]) for e in errors] == [(5, "timestamp"), (6, "touchpoint")]
    assert "yesterday" in errors[0]["message"]
    assert JourneyEvent.objects.count() == 0
    assert weights(mapped["map"].id) == {}
    mapped["map"].refresh_from_db()
    assert mapped["map"].seq == seq


def test_a_missing_column_is_a_clear_failure(
    world: Any, client_as: Any, mapped: dict[str, Any]
) -> None:
    response = post_log(client_as("editor"), mapped["map"].id, "case,step\n1,Ad\n")
    assert response.json()["status"] == "failed"
    assert "case_id" in response.json()["report"]["detail"]


def test_missing_touchpoints_can_be_created_in_a_stage(
    world: Any, client_as: Any, mapped: dict[str, Any]
) -> None:
    stage = mapped["stages"][2]
    response = post_log(
        client_as("editor"), mapped["map"].id, log_text(LOG_ROWS), create_missing_in=stage
    )
    report = response.json()["report"]
    assert [t["title"] for t in report["created_touchpoints"]] == ["help"]
    help_id = report["created_touchpoints"][0]["id"]
    assert report["unknown_touchpoints"] == []
    assert weights(mapped["map"].id)[(mapped["tp"]["Site"], help_id)] == 1


def test_create_missing_in_must_be_a_stage_of_the_map(
    world: Any, client_as: Any, mapped: dict[str, Any]
) -> None:
    response = post_log(
        client_as("editor"),
        mapped["map"].id,
        log_text(LOG_ROWS),
        create_missing_in=world.other.stage,
    )
    assert response.status_code == 400
    assert EventImport.objects.count() == 0


def test_imports_add_up_and_deleting_one_recounts(
    world: Any, client_as: Any, mapped: dict[str, Any]
) -> None:
    client = client_as("editor")
    tp = mapped["tp"]
    first = post_log(client, mapped["map"].id, log_text(LOG_ROWS)).json()
    post_log(client, mapped["map"].id, log_text([("x1", "Ad", 0), ("x1", "Site", 1)]))
    assert weights(mapped["map"].id)[(tp["Ad"], tp["Site"])] == 5
    listed = client.get(f"/api/maps/{mapped['map'].id}/events/").json()
    assert len(listed) == 2
    deleted = client.delete(f"/api/maps/{mapped['map'].id}/events/{first['id']}/")
    assert deleted.status_code == 204
    assert weights(mapped["map"].id) == {
        (tp["Ad"], tp["Site"]): 1,
        (tp["Site"], tp["Checkout"]): 0,
        (tp["Site"], tp["Ad"]): 0,
    }


@pytest.mark.parametrize("who, code", [("viewer", 403), ("outsider", 404), ("anonymous", 401)])
def test_only_editors_import(
    world: Any, client_as: Any, mapped: dict[str, Any], who: str, code: int
) -> None:
    response = post_log(client_as(who), mapped["map"].id, log_text(LOG_ROWS))
    assert response.status_code == code
    assert EventImport.objects.count() == 0


def test_another_workspace_cannot_read_imports(
    world: Any, client_as: Any, mapped: dict[str, Any]
) -> None:
    created = post_log(client_as("editor"), mapped["map"].id, log_text(LOG_ROWS)).json()
    outsider = client_as("outsider")
    assert outsider.get(f"/api/maps/{mapped['map'].id}/events/").status_code == 404
    assert outsider.get(f"/api/maps/{mapped['map'].id}/events/{created['id']}/").status_code == 404
    assert (
        outsider.get(f"/api/maps/{world.other.map.id}/events/{created['id']}/").status_code == 404
    )


def test_multipart_upload(world: Any, client_as: Any, mapped: dict[str, Any]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("march.csv", log_text(LOG_ROWS).encode(), "text/csv")
    response = client_as("editor").post(
        f"/api/maps/{mapped['map'].id}/events/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 201
    assert response.json()["filename"] == "march.csv"
    assert EventImport.objects.get().status == ImportStatus.DONE


@pytest.mark.parametrize(
    "text, millis",
    [
        ("2026-03-01T09:00:00Z", 1772355600000),
        ("2026-03-01T10:00:00+01:00", 1772355600000),
        ("2026-03-01 09:00:00", 1772355600000),
        ("1772355600", 1772355600000),
        ("1772355600000", 1772355600000),
    ],
)
def test_timestamps(text: str, millis: int) -> None:
    assert parse_timestamp(text) == millis


@pytest.mark.parametrize("text", ["", "soon", "-5", "nan", "1e30"])
def test_bad_timestamps(text: str) -> None:
    with pytest.raises(ValueError):
        parse_timestamp(text)
