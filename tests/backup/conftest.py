"""The richest workspace there is: the demo (Northwind Outfitters, beside Larkspur) plus a row
of every kind the demo does not make (share link, invitation, audit entry, persona template,
segment snapshot, map version, event import and its events, export record)."""

from __future__ import annotations

import io
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from journeymap.export.models import ExportRecord
from journeymap.maps.eventlog.services import ImportOptions, event_import_run, event_import_start
from journeymap.maps.models import JourneyMap, Touchpoint
from journeymap.maps.services.versions import version_create
from journeymap.workspaces.audit import audit_record
from journeymap.workspaces.models import Workspace
from journeymap.workspaces.services import invitation_create, share_link_create
from personas.models import PersonaTemplate, Segment, SegmentSnapshot
from personas.template import default_sections


def northwind() -> Workspace:
    return Workspace.objects.get(memberships__user__username="demo")


def larkspur() -> Workspace:
    return Workspace.objects.get(memberships__user__username="outsider")


def _event_log(journey_map: JourneyMap, tmp_path: Path) -> Path:
    titles = list(
        Touchpoint.objects.filter(map=journey_map)
        .order_by("order_key")
        .values_list("title", flat=True)[:3]
    )
    lines = ["case_id,touchpoint,timestamp"]
    for case in range(5):
        for step, title in enumerate(titles):
            lines.append(f'c{case},"{title}",2026-03-01T09:{step * 7 + case:02d}:00Z')
    path = tmp_path / "events.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def enrich(workspace: Workspace, tmp_path: Path) -> None:
    demo = get_user_model().objects.get(username="demo")
    journey_map = JourneyMap.objects.filter(workspace=workspace).order_by("title").first()
    assert journey_map is not None
    link, _token = share_link_create(journey_map=journey_map, created_by=demo, label="board")
    invitation_create(workspace=workspace, created_by=demo, role="editor", email="new@example.com")
    audit_record(
        workspace=workspace,
        actor=demo,
        action="backup.test",
        subject=journey_map.title,
        detail={"map": str(journey_map.id)},
    )
    PersonaTemplate.objects.update_or_create(
        workspace=workspace, defaults={"sections": default_sections()}
    )
    segment = Segment.objects.filter(workspace=workspace).first()
    assert segment is not None
    SegmentSnapshot.objects.create(segment=segment, taken_on=date(2026, 11, 1), size=42)
    version_create(journey_map=journey_map, name="Before the workshop", actor=demo)
    started = event_import_start(
        journey_map=journey_map, actor=demo, filename="events.csv", options=ImportOptions()
    )
    event_import_run(
        event_import=started,
        path=_event_log(journey_map, tmp_path),
        actor=demo,
        options=ImportOptions(),
    )
    ExportRecord.objects.create(
        workspace=workspace,
        map=journey_map,
        user=demo,
        share_link=link,
        format="pdf",
        status="ok",
        options={"map": str(journey_map.id)},
        bytes=1000,
    )


@pytest.fixture
def demo(settings: Any, tmp_path: Path) -> Workspace:
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False
    workspace = northwind()
    enrich(workspace, tmp_path)
    return workspace


@pytest.fixture
def backup_path(tmp_path: Path) -> Path:
    return tmp_path / f"backup-{uuid.uuid4().hex[:6]}.jsonl.gz"
