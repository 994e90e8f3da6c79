"""Who may export, the CSV and PNG formats, the persona sheet, records and the schema."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

import pytest
from rest_framework.test import APIClient

from journeymap.export.models import ExportRecord
from journeymap.maps.services.ops import apply_ops
from journeymap.workspaces.services import share_link_create

from .helpers import URLCONF, pdf_pages, pdf_text

pytestmark = pytest.mark.urls(URLCONF)


@pytest.mark.parametrize(
    ("who", "status"), [("owner", 200), ("viewer", 200), ("outsider", 404), ("anonymous", 401)]
)
def test_members_export_others_do_not(world: Any, client_as: Any, who: str, status: int) -> None:
    response = client_as(who).get(f"/api/maps/{world.acme.map.id}/export.csv")
    assert response.status_code == status
    if status != 200:
        assert set(response.json()) >= {"code", "detail"}


def test_a_share_link_exports_the_share_document(world: Any) -> None:
    link, token = share_link_create(journey_map=world.acme.map, created_by=world.owner)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Share {token}")
    response = client.get(
        f"/api/maps/{world.acme.map.id}/export.pdf", {"sections": "cover,features"}
    )
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Shared map" in text and "Acme" not in text.replace("Acme journey", "")
    assert client.get(f"/api/maps/{world.other.map.id}/export.pdf").status_code == 404
    assert client.get(f"/api/personas/{world.acme.persona.id}/sheet.pdf").status_code in {401, 403}
    record = ExportRecord.objects.get(map=world.acme.map)
    assert record.share_link == link and record.user is None


def test_csv_round_trips_with_formulas_neutralised(world: Any, client_as: Any) -> None:
    side = world.acme
    titles = [
        '=HYPERLINK("http://x","y")',
        "+1+1",
        "-2",
        "@SUM(A1)",
        'Plain, "quoted"\nnew line',
    ]
    ops = [
        {
            "action": "create",
            "entity": "card",
            "id": str(uuid.uuid4()),
            "fields": {
                "stage": side.stage,
                "lane": side.lanes["actions"],
                "title": title,
                "description": "=1+2",
            },
        }
        for title in titles
    ]
    ops.append(
        {
            "action": "create",
            "entity": "friction",
            "id": str(uuid.uuid4()),
            "fields": {
                "stage": side.stage,
                "lane": side.lanes["friction"],
                "title": "Slow",
                "severity": 4,
            },
        }
    )
    ops.append(
        {
            "action": "create",
            "entity": "touchpoint",
            "id": str(uuid.uuid4()),
            "fields": {
                "stage": side.stage,
                "lane": side.lanes["touchpoints"],
                "title": "Mail",
                "emotion": -2,
                "channel": str(side.channel.id),
                "persona": str(side.persona.id),
            },
        }
    )
    apply_ops(map_id=side.map.id, actor=world.owner, op_id=uuid.uuid4(), ops=ops)
    response = client_as("viewer").get(f"/api/maps/{side.map.id}/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="acme-journey.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert rows[0] == [
        "stage",
        "lane",
        "kind",
        "title",
        "description",
        "channel",
        "persona",
        "severity",
        "emotion",
    ]
    cards = [row for row in rows[1:] if row[2] == "card"]
    assert [row[3] for row in cards] == ["'" + t if t[0] in "=+-@\t\r" else t for t in titles]
    assert {row[4] for row in cards} == {"'=1+2"}
    (friction,) = [row for row in rows if row[2] == "friction"]
    assert friction[:4] == ["Discover", "friction", "friction", "Slow"] and friction[7] == "4"
    (touch,) = [row for row in rows if row[2] == "touchpoint"]
    assert touch[5] == "Email" and touch[6] == side.persona.name and touch[8] == "'-2"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1", "'=1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A", "'@A"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=1", "a=1"),
        ("", ""),
        (None, ""),
        (3, "3"),
        (-3, "'-3"),
    ],
)
def test_neutralise(value: Any, cell: str) -> None:
    from journeymap.export.table import neutralise

    assert neutralise(value) == cell


def test_png_is_the_map_grid(world: Any, client_as: Any) -> None:
    response = client_as("viewer").get(f"/api/maps/{world.acme.map.id}/export.png", {"paper": "a3"})
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    from PIL import Image

    image = Image.open(io.BytesIO(response.content))
    assert image.width > image.height > 500  # landscape


def test_persona_sheet_for_members_only(world: Any, client_as: Any) -> None:
    persona = world.acme.persona
    persona.quotes = ["I just want it to work"]
    persona.empathy_map = {
        "says": ["Hello"],
        "thinks": ["Hmm"],
        "does": ["Clicks"],
        "feels": ["Calm"],
    }
    persona.save()
    response = client_as("viewer").get(f"/api/personas/{persona.id}/sheet.pdf")
    assert response.status_code == 200
    assert pdf_pages(response.content) == 1
    text = pdf_text(response.content)
    for expected in (persona.name, "I just want it to work", "SAYS", "Hello", "FEELS", "Calm"):
        assert expected in text
    assert client_as("outsider").get(f"/api/personas/{persona.id}/sheet.pdf").status_code == 404
    assert client_as("viewer").get(f"/api/personas/{uuid.uuid4()}/sheet.pdf").status_code == 404


def test_every_export_is_recorded(world: Any, client_as: Any, settings: Any) -> None:
    client_as("viewer").get(f"/api/maps/{world.acme.map.id}/export.pdf", {"paper": "a3"})
    settings.EXPORT_MAX_STAGES = 0
    client_as("viewer").get(f"/api/maps/{world.acme.map.id}/export.csv")
    ok, refused = ExportRecord.objects.order_by("created_at")
    assert (ok.format, ok.status, ok.user, ok.map) == ("pdf", "ok", world.viewer, world.acme.map)
    assert ok.bytes > 1000 and ok.duration_ms > 0 and ok.options["paper"] == "a3"
    assert (refused.format, refused.status, refused.bytes) == ("csv", "refused", 0)
    assert "stages" in refused.detail


def test_the_schema_documents_binary_answers(settings: Any) -> None:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator(urlconf=URLCONF).get_schema(request=None, public=True)
    paths = schema["paths"]
    pdf = paths["/api/maps/{map_id}/export.pdf"]["get"]
    assert pdf["responses"]["200"]["content"]["application/pdf"]["schema"]["format"] == "binary"
    assert {"413", "422", "404"} <= set(pdf["responses"])
    assert "application/json" in pdf["responses"]["422"]["content"]
    png = paths["/api/maps/{map_id}/export.png"]["get"]["responses"]["200"]["content"]
    csv_ = paths["/api/maps/{map_id}/export.csv"]["get"]["responses"]["200"]["content"]
    sheet = paths["/api/personas/{persona_id}/sheet.pdf"]["get"]["responses"]["200"]["content"]
    assert ("image/png" in png, "text/csv" in csv_, "application/pdf" in sheet) == (True,) * 3
    names = {p["name"] for p in pdf["parameters"]}
    assert {"personas", "sections", "paper"} <= names
