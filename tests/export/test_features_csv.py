"""GET /api/feature-priorities/export.csv: the features by priority as CSV, safe to open in a
spreadsheet, and the map report's features page in the same order."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

import pytest

from journeymap.export.models import ExportFormat, ExportRecord
from journeymap.export.selectors import workspace_features
from journeymap.maps.services.ops import apply_ops
from personas.models import FeaturePersona

from ..factories import FeatureFactory

pytestmark = pytest.mark.django_db


def _rows(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_lists_features_by_score_and_neutralises_formulas(
    world: Any, client_as: Any
) -> None:
    side = world.acme
    side.persona.name = "=HYPERLINK(persona)"
    side.persona.save()
    hostile = FeatureFactory(workspace=side.workspace, name="=cmd|' /C calc'!A0", status="planned")
    FeaturePersona.objects.create(feature=hostile, persona=side.persona, relevance=5)
    FeatureFactory(workspace=side.workspace, name="+1 plain")
    FeatureFactory(workspace=world.other.workspace, name="Secret")
    friction = str(uuid.uuid4())
    apply_ops(
        map_id=side.map.id,
        actor=world.owner,
        op_id=uuid.uuid4(),
        ops=[
            {
                "action": "create",
                "entity": "friction",
                "id": friction,
                "fields": {
                    "stage": side.stage,
                    "lane": side.lanes["friction"],
                    "title": "@SUM(1)",
                    "severity": 4,
                    "features": [str(hostile.id)],
                },
            }
        ],
    )

    response = client_as("viewer").get(
        f"/api/feature-priorities/export.csv?workspace={side.workspace.id}"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="features.csv"' in response["Content-Disposition"]
    header, *rows = _rows(response)
    assert header == ["feature", "status", "score", "personas", "frictions"]
    assert [row[0] for row in rows] == ["'=cmd|' /C calc'!A0", "'+1 plain"]
    first = rows[0]
    assert first[1] == "planned"
    assert float(first[2]) == 15 + 4.0  # primary 3 × 5, severity 4 without an event log
    assert first[3] == "'=HYPERLINK(persona) (5)"
    assert first[4] == "'@SUM(1) (Acme journey, severity 4)"
    assert "Secret" not in response.content.decode()
    # Recorded like every export.
    record = ExportRecord.objects.get(format=ExportFormat.FEATURES_CSV)
    assert record.workspace_id == side.workspace.id and record.user == world.viewer


def test_the_report_features_come_by_score(world: Any) -> None:
    side = world.acme
    first = FeatureFactory(workspace=side.workspace, name="Zebra")
    second = FeatureFactory(workspace=side.workspace, name="Aardvark")
    FeaturePersona.objects.create(feature=first, persona=side.persona, relevance=5)
    FeaturePersona.objects.create(feature=second, persona=side.persona, relevance=2)
    features = workspace_features(workspace_id=side.workspace.id)
    assert [f["name"] for f in features] == ["Zebra", "Aardvark"]
    assert features[0]["score"] == 15 and features[0]["score_parts"]["personas"] == 15
    assert features[1]["relevance"] == {str(side.persona.id): 2}
