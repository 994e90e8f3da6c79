"""Map builders and PDF readers shared by the export tests."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path
from typing import Any

from journeymap.maps.models import JourneyMap
from journeymap.maps.services.ops import apply_ops

URLCONF = "tests.export.urls"


def _poppler(tool: str, *args: str) -> str:
    """Run one of poppler-utils' tools (found on PATH, by full path) and return its stdout."""
    executable = shutil.which(tool)
    assert executable, f"{tool} (poppler-utils) is needed"
    return subprocess.run(  # noqa: S603 - our own arguments, no shell
        [executable, *args], capture_output=True, check=True, text=True
    ).stdout


def pdf_text(content: bytes) -> str:
    """The PDF's text in drawing order, whitespace collapsed (cells wrap titles)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(content)
        handle.flush()
        out = _poppler("pdftotext", "-raw", handle.name, "-")
    return re.sub(r"\s+", " ", out)


def pdf_pages(content: bytes) -> int:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(content)
        handle.flush()
        info = _poppler("pdfinfo", handle.name)
    match = re.search(r"^Pages:\s+(\d+)", info, re.M)
    assert match
    return int(match.group(1))


def pdf_attachments(content: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "out.pdf"
        path.write_bytes(content)
        return _poppler("pdfdetach", "-list", str(path))


def build_map(
    *,
    journey_map: JourneyMap,
    actor: Any,
    stages: int,
    cards_per_stage: int = 0,
    title: str = "Stage",
    text: str = "",
) -> list[str]:
    """`stages` stages, an actions lane and `cards_per_stage` cards each, through apply_ops."""
    stage_ids = [str(uuid.uuid4()) for _ in range(stages)]
    lane = str(uuid.uuid4())
    ops: list[dict[str, Any]] = [
        {
            "action": "create",
            "entity": "lane",
            "id": lane,
            "fields": {"name": "Doing", "kind": "actions"},
        }
    ]
    for index, stage in enumerate(stage_ids):
        ops.append(
            {
                "action": "create",
                "entity": "stage",
                "id": stage,
                "fields": {"name": f"{title} {index + 1}"},
            }
        )
        for card in range(cards_per_stage):
            ops.append(
                {
                    "action": "create",
                    "entity": "card",
                    "id": str(uuid.uuid4()),
                    "fields": {
                        "stage": stage,
                        "lane": lane,
                        "title": f"Card {index + 1}.{card + 1}",
                        "description": text,
                    },
                }
            )
    apply_ops(map_id=journey_map.id, actor=actor, op_id=uuid.uuid4(), ops=ops)
    return stage_ids


def pdf_page_lines(content: bytes, page: int) -> list[str]:
    """One page's text lines in reading order (leaders and all), 1-based page number."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(content)
        handle.flush()
        return _poppler(
            "pdftotext", "-f", str(page), "-l", str(page), handle.name, "-"
        ).splitlines()
