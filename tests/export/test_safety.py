"""Hostile content and render bombs: nothing is fetched, nothing attached, nothing hangs."""

from __future__ import annotations

import http.server
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection

from journeymap.maps.models import Card, JourneyMap, Lane, Stage
from journeymap.maps.services.ops import apply_ops

from .helpers import URLCONF, build_map, pdf_attachments, pdf_text

pytestmark = pytest.mark.urls(URLCONF)


class Canary:
    def __init__(self) -> None:
        self.hits: list[str] = []
        canary = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                canary.hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"


@pytest.fixture
def canary() -> Iterator[Canary]:
    bird = Canary()
    thread = threading.Thread(target=bird.server.serve_forever, daemon=True)
    thread.start()
    yield bird
    bird.server.shutdown()
    bird.server.server_close()


def payloads(url: str) -> list[str]:
    return [
        f'<img src="{url}/img">',
        '<img src="file:///etc/hostname">',
        f'<link rel="attachment" href="{url}/attach">',
        '<link rel=attachment href="file:///etc/hostname">',
        f'<style>@import url("{url}/import.css"); body {{ background: url({url}/bg) }}</style>',
        f'<svg xmlns="http://www.w3.org/2000/svg"><image href="{url}/svg" width="9" height="9"/></svg>',
        f'<iframe src="{url}/frame"></iframe><object data="file:///etc/hostname"></object>',
        '"><script>alert(1)</script>',
        f"url({url}/css) file:///etc/hostname",
    ]


def test_hostile_map_fetches_nothing_and_attaches_nothing(
    world: Any, client_as: Any, canary: Canary
) -> None:
    side = world.acme
    texts = payloads(canary.url)
    ops: list[dict[str, Any]] = [
        {
            "action": "update",
            "entity": "map",
            "id": str(side.map.id),
            "fields": {"title": texts[0][:200], "description": " ".join(texts)},
        },
        {
            "action": "update",
            "entity": "stage",
            "id": side.stage,
            "fields": {"name": texts[4][:200], "description": texts[5]},
        },
    ]
    for index, text in enumerate(texts):
        ops.append(
            {
                "action": "create",
                "entity": "card",
                "id": str(uuid.uuid4()),
                "fields": {
                    "stage": side.stage,
                    "lane": side.lanes["actions"],
                    "title": text[:300],
                    "description": text,
                },
            }
        )
        ops.append(
            {
                "action": "create",
                "entity": "content",
                "id": str(uuid.uuid4()),
                "fields": {
                    "stage": side.stage,
                    "lane": side.lanes["content"],
                    "title": text[:300],
                    "url": f"{canary.url}/content{index}",
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
                    "title": text[:300],
                    "description": text,
                    "persona": str(side.persona.id),
                },
            }
        )
    apply_ops(map_id=side.map.id, actor=world.owner, op_id=uuid.uuid4(), ops=ops)
    side.persona.bio = " ".join(texts)
    side.persona.quotes = texts
    side.persona.empathy_map = {"says": texts, "thinks": texts[:2], "does": [], "feels": []}
    side.persona.name = '<img src="file:///etc/hostname">'
    hostile_colour = f"red; background: url({canary.url}/colour)"
    # PostgreSQL refuses more than the column's 7 characters; SQLite stores the whole payload.
    side.persona.color = hostile_colour if connection.vendor == "sqlite" else hostile_colour[:7]
    side.persona.photo.name = "../../../etc/hostname"
    side.persona.save()
    side.map.personas.add(side.persona)

    pdf = client_as("viewer").get(f"/api/maps/{side.map.id}/export.pdf")
    assert pdf.status_code == 200
    png = client_as("viewer").get(f"/api/maps/{side.map.id}/export.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    sheet = client_as("viewer").get(f"/api/personas/{side.persona.id}/sheet.pdf")
    assert sheet.status_code == 200

    assert canary.hits == []
    for content in (pdf.content, sheet.content):
        assert "0 embedded files" in pdf_attachments(content)
        assert b"/EmbeddedFile" not in content
        assert b"/URI (file:" not in content and canary.url.encode() + b"/attach" not in content
    text = pdf_text(pdf.content)
    assert "<img" in text and "<link rel=" in text and "@import" in text and "<image href=" in text
    assert "file:///etc/hostname" in text
    assert "<img" in pdf_text(sheet.content)


def test_the_size_limit_refuses_a_5000_stage_map_before_rendering(
    world: Any, client_as: Any
) -> None:
    journey_map = world.acme.map
    Stage.objects.bulk_create(
        Stage(map=journey_map, name=f"S{i}", order_key=f"b{i:05d}") for i in range(5000)
    )
    response = client_as("viewer").get(f"/api/maps/{journey_map.id}/export.pdf")
    assert response.status_code == 413
    assert response.json()["code"] == "export_too_large"
    assert "5001 stages" in response.json()["detail"]


def _heavy(journey_map: JourneyMap) -> None:
    # Rows straight into the table: the point is the render, not the write path.
    lane = Lane.objects.create(map=journey_map, name="Doing", kind="actions", order_key="b0")
    stages = Stage.objects.bulk_create(
        Stage(map=journey_map, name=f"Stage {i}", order_key=f"b{i:04d}") for i in range(120)
    )
    text = "lorem ipsum dolor sit amet " * 10
    Card.objects.bulk_create(
        Card(
            map=journey_map,
            stage=stage,
            lane=lane,
            title=f"{text[:290]} {n}",
            description=text,
            order_key=f"a{n}",
        )
        for stage in stages
        for n in range(12)
    )


def test_a_render_bomb_is_cut_off_and_the_server_keeps_serving(
    world: Any, client_as: Any, settings: Any
) -> None:
    settings.EXPORT_RENDER_SECONDS = 1.0
    _heavy(world.acme.map)
    response = client_as("viewer").get(f"/api/maps/{world.acme.map.id}/export.pdf")
    assert response.status_code == 422
    assert response.json() == {
        "code": "export_time",
        "detail": "export stopped: the render took longer than 1 s",
    }
    settings.EXPORT_RENDER_SECONDS = 30.0
    again = client_as("owner").get(f"/api/maps/{world.other.map.id}/export.pdf")
    assert again.status_code == 404  # not theirs, answered at once
    small = client_as("outsider").get(f"/api/maps/{world.other.map.id}/export.pdf")
    assert small.status_code == 200 and small.content.startswith(b"%PDF")


def test_the_memory_limit_stops_a_render(world: Any, client_as: Any, settings: Any) -> None:
    settings.EXPORT_RENDER_MEMORY_MB = 64  # below what a WeasyPrint process needs at all
    response = client_as("viewer").get(f"/api/maps/{world.acme.map.id}/export.pdf")
    assert response.status_code == 422
    assert response.json()["code"] in {"export_memory", "export_crashed"}
    settings.EXPORT_RENDER_MEMORY_MB = 1536
    assert client_as("viewer").get(f"/api/maps/{world.acme.map.id}/export.pdf").status_code == 200


def test_huge_text_is_refused_by_size(world: Any, client_as: Any, settings: Any) -> None:
    settings.EXPORT_MAX_TEXT_CHARS = 50_000
    build_map(
        journey_map=world.acme.map, actor=world.owner, stages=3, cards_per_stage=3, text="x" * 9000
    )
    response = client_as("viewer").get(f"/api/maps/{world.acme.map.id}/export.csv")
    assert response.status_code == 413
    assert response.json()["code"] == "export_too_large"


def test_the_fetcher_alone_blocks_unescaped_payloads(canary: Canary, tmp_path: Any) -> None:
    """Defence in depth: even markup that escaped the templates cannot fetch or attach."""
    from weasyprint import HTML

    from journeymap.export.fetcher import FetchPolicy
    from journeymap.export.pdf import render_pdf
    from journeymap.export.render import STATIC_ROOT

    raw = (
        "<html><body>"
        + "".join(payloads(canary.url))
        + f'<a rel="attachment" href="{canary.url}/a">a</a></body></html>'
    )
    css = f'@import url("{canary.url}/i.css"); @font-face {{ font-family: x; src: url({canary.url}/f.woff) }} body {{ background: url(file:///etc/hostname) }}'
    policy = FetchPolicy(static_root=str(STATIC_ROOT), media_root=str(tmp_path))
    content = render_pdf(html=raw, css=css, policy=policy)
    assert canary.hits == []
    assert "0 embedded files" in pdf_attachments(content)
    # The control: WeasyPrint's own fetcher does reach the canary with the same markup.
    HTML(string=raw, base_url=canary.url).write_pdf()
    assert canary.hits


def test_the_emotion_curve_escapes_names_and_colours() -> None:
    from xml.etree import ElementTree

    from journeymap.export.svg import emotion_curve, hex_colour

    svg = emotion_curve(
        stages=[
            {"id": "a", "name": '<image href="file:///etc/hostname"/>'},
            {"id": "b", "name": "B & C"},
        ],
        series=[{"name": "x", "color": '"/><image href="x"/>', "scores": {"a": -3, "b": 9}}],
    )
    tree = ElementTree.fromstring(str(svg))  # noqa: S314 - our own output, checked whole
    tags = {element.tag.split("}")[-1] for element in tree.iter()}
    assert tags == {"svg", "line", "text", "circle", "polyline"}
    assert "&lt;image" in svg and "B &amp; C" in svg and 'fill="#6366f1"' in svg
    assert [hex_colour(v) for v in ("#abc", "#A1B2C3", "red", "#12345g", "#fff; x")] == [
        "#abc",
        "#A1B2C3",
        "#6366f1",
        "#6366f1",
        "#6366f1",
    ]


def test_renders_beyond_the_concurrency_cap_wait_then_are_refused(
    world: Any, client_as: Any, settings: Any
) -> None:
    from journeymap.export.services import _render_slots

    settings.EXPORT_CONCURRENT_RENDERS = 1
    settings.EXPORT_QUEUE_SECONDS = 0.1
    slots = _render_slots()
    assert slots.acquire(timeout=1)  # another request is rendering
    try:
        response = client_as("viewer").get(f"/api/maps/{world.acme.map.id}/export.pdf")
    finally:
        slots.release()
    assert response.status_code == 429
    assert response.json()["code"] == "export_busy"
    assert client_as("viewer").get(f"/api/maps/{world.acme.map.id}/export.pdf").status_code == 200
