"""The report's content and pagination, read back from the PDF."""

from __future__ import annotations

import math
import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from rest_framework.test import APIClient

from journeymap.analysis.read import map_analysis
from journeymap.export.options import STAGES_PER_PAGE
from journeymap.maps.models import JourneyMap

from .helpers import URLCONF, build_map, pdf_page_lines, pdf_pages, pdf_text

pytestmark = pytest.mark.urls(URLCONF)


@pytest.fixture
def demo(settings: Any, tmp_path: Any, db: Any) -> JourneyMap:
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path  # the demo writes persona photos; keep them out of the tree
    call_command("seed_demo", verbosity=0)
    return JourneyMap.objects.get(title="Buying outdoor kit online")


def _as(username: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(username=username))
    return client


def test_demo_report_names_what_is_on_the_map(demo: JourneyMap) -> None:
    response = _as("demo").get(f"/api/maps/{demo.id}/export.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert demo.title in text
    stages = demo_document_names(demo)
    for name in stages["stages"] + stages["personas"]:
        assert name in text, name
    analysis = map_analysis(journey_map=demo)
    top = analysis["friction_hotspots"]["items"][0]
    assert top["title"] in text
    # The analysis summary shows the API's figures, unchanged.
    assert (
        f"{top['title']} {top['stage_name']} {top['severity']} {top['traffic']} {top['score']}"
        in text
    )
    share = round(100 * analysis["critical_path"]["share"], 1)
    assert f"{share} % of customers follow this path" in text
    totals = analysis["drop_off"]["totals"]
    assert f"{totals['completed_pct']} % done" in text
    for stage in analysis["drop_off"]["stages"]:
        row = f"{stage['stage_name']} {stage['inflow']} {stage['outflow']} {stage['lost']} {stage['lost_pct']}"
        assert row in text


def demo_document_names(journey_map: JourneyMap) -> dict[str, list[str]]:
    from journeymap.maps.selectors import map_document

    document = map_document(journey_map=journey_map)
    directory = {p["id"]: p["name"] for p in document["directory"]["personas"]}
    return {
        "stages": [stage["name"] for stage in document["stages"]],
        "personas": [directory[pid] for pid in document["personas"]],
    }


def test_options_choose_personas_sections_and_paper(demo: JourneyMap) -> None:
    from journeymap.maps.selectors import map_document

    document = map_document(journey_map=demo)
    directory = {p["id"]: p["name"] for p in document["directory"]["personas"]}
    chosen, other = document["personas"][0], document["personas"][1]
    response = _as("demo").get(
        f"/api/maps/{demo.id}/export.pdf",
        {"personas": chosen, "sections": "personas,emotions", "paper": "a3"},
    )
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert directory[chosen] in text
    assert directory[other] not in text
    assert "Friction heatmap" not in text
    assert "Emotion curve" in text


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"paper": "letter"}, "paper"),
        ({"sections": "cover,gossip"}, "sections"),
        ({"personas": "x"}, "personas"),
    ],
)
def test_bad_options_are_a_400(
    world: Any, client_as: Any, query: dict[str, str], field: str
) -> None:
    response = client_as("viewer").get(f"/api/maps/{world.acme.map.id}/export.pdf", query)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["field"] == field


def _grid_headings(text: str, total: int) -> list[str]:
    return re.findall(rf"Stages \d+–\d+ of {total}", text)


def test_a_wide_map_splits_its_grid_across_pages(world: Any, client_as: Any) -> None:
    small = client_as("viewer").get(
        f"/api/maps/{world.acme.map.id}/export.pdf", {"sections": "map"}
    )
    assert small.status_code == 200
    assert len(_grid_headings(pdf_text(small.content), 1)) == 1

    build_map(journey_map=world.acme.map, actor=world.owner, stages=39, cards_per_stage=1)
    wide = client_as("viewer").get(f"/api/maps/{world.acme.map.id}/export.pdf", {"sections": "map"})
    assert wide.status_code == 200
    text = pdf_text(wide.content)
    expected = math.ceil(40 / STAGES_PER_PAGE["a4"])
    assert len(_grid_headings(text, 40)) == expected
    assert pdf_pages(wide.content) >= expected > pdf_pages(small.content)
    assert "Stage 39" in text and "Card 39.1" in text
    a3 = client_as("viewer").get(
        f"/api/maps/{world.acme.map.id}/export.pdf", {"sections": "map", "paper": "a3"}
    )
    assert len(_grid_headings(pdf_text(a3.content), 40)) == math.ceil(40 / STAGES_PER_PAGE["a3"])


def test_full_report_page_counts(world: Any, client_as: Any) -> None:
    small = client_as("viewer").get(f"/api/maps/{world.acme.map.id}/export.pdf")
    assert small.status_code == 200
    small_pages = pdf_pages(small.content)
    build_map(journey_map=world.acme.map, actor=world.owner, stages=39, cards_per_stage=2)
    wide = client_as("viewer").get(f"/api/maps/{world.acme.map.id}/export.pdf")
    assert pdf_pages(wide.content) > small_pages
    text = pdf_text(wide.content)
    assert "Contents" in text and "Page 1 of" not in text  # the cover has no running footer
    assert f"Page 2 of {pdf_pages(wide.content)}" in text


def test_render_map_pdf_is_a_function_of_plain_data(tmp_path: Any) -> None:
    """No database: a document and a context as dicts, bytes out."""
    from journeymap.export.fetcher import ExportFetcher, FetchPolicy
    from journeymap.export.options import ExportContext, ExportOptions
    from journeymap.export.render import STATIC_ROOT, render_map_pdf

    persona = {"id": "p1", "name": "Pat", "color": "#123456", "tier": "primary"}
    document: dict[str, Any] = {
        "title": "Plain map",
        "description": "",
        "personas": ["p1"],
        "stages": [{"id": "s1", "name": "Arrive"}, {"id": "s2", "name": "Leave"}],
        "lanes": [{"id": "l1", "name": "Steps", "kind": "touchpoints"}],
        "cards": [],
        "frictions": [],
        "contents": [],
        "transitions": [],
        "touchpoints": [
            {
                "id": "t1",
                "stage": "s1",
                "lane": "l1",
                "title": "Door",
                "description": "",
                "emotion": 2,
                "persona": "p1",
            }
        ],
        "emotions": [{"id": "e1", "stage": "s1", "persona": "p1", "score": 2, "note": ""}],
        "directory": {"channels": [], "personas": [persona]},
    }
    extra = ExportContext(
        workspace_name="Plain workspace",
        generated_on="2026-01-02",
        personas=[
            {
                **persona,
                "tier_label": "Primary",
                "photo": None,
                "role": "",
                "bio": "",
                "quote": "Hi",
                "facts": [],
                "lists": [],
                "empathy": [("Says", ["Hello"])],
                "segments": [],
            }
        ],
    )
    fetcher = ExportFetcher(
        policy=FetchPolicy(static_root=str(STATIC_ROOT), media_root=str(tmp_path))
    )
    content = render_map_pdf(
        document=document, extra=extra, options=ExportOptions(), fetcher=fetcher
    )
    text = pdf_text(content)
    for expected in (
        "Plain map",
        "Plain workspace",
        "2026-01-02",
        "Arrive",
        "Leave",
        "Door",
        "Pat",
    ):
        assert expected in text
    assert "analysis is not available" in text
    assert fetcher.refused == []


def test_contents_and_bookmarks_agree_on_pages(demo: JourneyMap) -> None:
    import pypdfium2

    response = _as("demo").get(f"/api/maps/{demo.id}/export.pdf")
    pdf = pypdfium2.PdfDocument(response.content)
    try:
        marks = [
            (mark.level, mark.get_title(), mark.get_dest().get_index()) for mark in pdf.get_toc()
        ]
    finally:
        pdf.close()
    top = {title: index + 1 for level, title, index in marks if level == 0}
    assert list(top)[:3] == [demo.title, "Personas", "The journey map"]
    assert {"Emotion curve", "Friction heatmap", "Analysis summary"} <= set(top)
    lines = pdf_page_lines(response.content, 2)
    listed = {
        match.group(1): match.group(2)
        for line in lines
        if (match := re.match(r"\d+\. (.+?) ?\.{3,} ?(\d+)$", line.strip()))
    }
    assert int(listed["The journey map"]) == top["The journey map"]
    assert int(listed["Analysis summary"]) == top["Analysis summary"]
    personas = [title for level, title, _ in marks if level == 1][:4]
    assert all(f"Persona: {name}" in listed for name in personas)
