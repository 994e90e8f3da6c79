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
from tests.eventlogs import HEADER, LOG_ROWS, log_text, post_log, stamp, weights

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


def test_awkward_characters_are_stored_as_written(
    world: Any, client_as: Any, mapped: dict[str, Any]
) -> None:
    """Tabs, backslashes, line breaks and a literal \\N are data, not COPY syntax."""
    awkward = ["tab\there", "back\\slash", "line\nbreak", "\\N", "crlf\r\nx"]
    lines = [HEADER]
    for index, case in enumerate(awkward):
        quoted = '"' + case.replace('"', '""') + '"'
        lines += [f"{quoted},Ad,{stamp(index)},,", f"{quoted},Site,{stamp(index + 1)},,"]
        lines.append(f'{quoted},"odd\\N {index}",{stamp(index + 2)},"p\\N","c\t"')
    response = post_log(client_as("editor"), mapped["map"].id, "\n".join(lines) + "\n")
    body = response.json()
    assert body["status"] == "done", body["report"]
    stored = set(JourneyEvent.objects.values_list("case_id", flat=True))
    assert stored == set(awkward)
    assert {n["name"] for n in body["report"]["unknown_touchpoints"]} == {
        f"odd\\N {index}" for index in range(len(awkward))
    }
    assert set(JourneyEvent.objects.exclude(persona="").values_list("persona", "channel")) == {
        ("p\\N", "c")  # surrounding whitespace (the tab) is trimmed, as for every field
    }
    tp = mapped["tp"]
    assert weights(mapped["map"].id) == {(tp["Ad"], tp["Site"]): len(awkward)}


def test_events_of_a_deleted_touchpoint_count_as_unknown(
    world: Any, client_as: Any, mapped: dict[str, Any]
) -> None:
    """The events stay as evidence; a deleted touchpoint's steps are no transitions (not
    even the ones around it joined up), and its name shows among those the map lacks."""
    import uuid

    from journeymap.maps.eventlog.selectors import event_counts
    from journeymap.maps.services.ops import apply_ops

    post_log(client_as("editor"), mapped["map"].id, log_text(LOG_ROWS))
    tp = mapped["tp"]
    apply_ops(
        map_id=mapped["map"].id,
        actor=world.owner,
        op_id=uuid.uuid4(),
        ops=[{"action": "delete", "entity": "touchpoint", "id": tp["Site"]}],
    )
    assert JourneyEvent.objects.count() == len(LOG_ROWS)
    assert directly_follows(map_id=mapped["map"].id) == []
    counts = event_counts(map_id=mapped["map"].id)
    assert counts["Site"] == 5
    assert counts[tp["Ad"]] == 4
    assert tp["Site"] not in counts


def test_a_bad_row_after_many_batches_changes_nothing(
    world: Any, client_as: Any, mapped: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Events are stored a batch at a time (committed batches on SQLite, one stream on
    PostgreSQL); a bad row in a late batch still leaves no event and no weight behind."""
    from journeymap.maps.eventlog import services

    monkeypatch.setattr(services, "INSERT_BATCH", 5)
    rows = [(f"b{n}", "Ad" if n % 2 else "Site", n % 50) for n in range(60)]
    text = log_text(rows) + "late,Ad,not-a-time,,\n"
    body = post_log(client_as("editor"), mapped["map"].id, text).json()
    assert body["status"] == "failed"
    assert body["report"]["errors"][0]["line"] == 62
    assert JourneyEvent.objects.count() == 0
    assert weights(mapped["map"].id) == {}


def test_many_batches_count_like_one(world: Any, client_as: Any, mapped: dict[str, Any]) -> None:
    from journeymap.maps.eventlog import services

    rows = [(f"m{n // 3}", ["Ad", "Site", "Checkout"][n % 3], n % 3) for n in range(90)]
    original = services.INSERT_BATCH
    services.INSERT_BATCH = 7
    try:
        body = post_log(client_as("editor"), mapped["map"].id, log_text(rows)).json()
    finally:
        services.INSERT_BATCH = original
    assert body["report"]["rows"] == 90
    assert body["report"]["cases"] == 30
    tp = mapped["tp"]
    assert weights(mapped["map"].id) == {
        (tp["Ad"], tp["Site"]): 30,
        (tp["Site"], tp["Checkout"]): 30,
    }
    # Every event lies in the import's id range, through which all reads find them.
    event_import = EventImport.objects.get()
    ids = list(JourneyEvent.objects.values_list("id", flat=True))
    assert event_import.first_event_id is not None
    assert event_import.first_event_id <= min(ids)
    assert event_import.last_event_id == max(ids)
