"""The report's content as template-ready plain data, from the map document and the
export context. Pure functions: no ORM, no I/O, so they are tested and benchmarked alone."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from .options import ExportContext, ExportOptions
from .svg import emotion_curve

Row = dict[str, Any]


def _by_id(rows: Sequence[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    return {str(row["id"]): row for row in rows}


def chosen_personas(
    *, document: Mapping[str, Any], extra: ExportContext, options: ExportOptions
) -> list[Row]:
    """The personas the report covers, in the order of the context (by name)."""
    wanted = set(options.personas) if options.personas is not None else set(document["personas"])
    return [persona for persona in extra.personas if persona["id"] in wanted]


def grid_pages(*, document: Mapping[str, Any], options: ExportOptions) -> list[Row]:
    """The stages × lanes grid, cut into pages of at most `stages_per_page` stages."""
    channels = _by_id(document["directory"]["channels"])
    personas = _by_id(document["directory"]["personas"])
    cells: dict[tuple[str, str], list[Row]] = defaultdict(list)

    def name(table: Mapping[str, Mapping[str, Any]], key: Any) -> str:
        return str(table[key]["name"]) if key and key in table else ""

    for card in document["cards"]:
        cells[(card["lane"], card["stage"])].append(
            {"kind": "card", "title": card["title"], "description": card["description"]}
        )
    for point in document["touchpoints"]:
        cells[(point["lane"], point["stage"])].append(
            {
                "kind": "touchpoint",
                "title": point["title"],
                "description": point["description"],
                "channel": name(channels, point.get("channel")),
                "persona": name(personas, point.get("persona")),
                "emotion": point.get("emotion", 0),
            }
        )
    for friction in document["frictions"]:
        cells[(friction["lane"], friction["stage"])].append(
            {
                "kind": "friction",
                "title": friction["title"],
                "description": friction["description"],
                "severity": friction.get("severity", 0),
                "status": friction.get("status", ""),
            }
        )
    for content in document["contents"]:
        cells[(content["lane"], content["stage"])].append(
            {
                "kind": "content",
                "title": content["title"],
                "description": content["description"],
                "channel": name(channels, content.get("channel")),
                "persona": name(personas, content.get("persona")),
                "content_type": content.get("content_type", ""),
                "url": content.get("url", ""),
            }
        )
    emotions: dict[str, list[Row]] = defaultdict(list)
    for point in document["emotions"]:
        emotions[point["stage"]].append(
            {
                "persona": name(personas, point.get("persona")),
                "score": point["score"],
                "note": point.get("note", ""),
            }
        )
    stages = list(document["stages"])
    # As few pages as `stages_per_page` allows, with the stages spread evenly over them
    # (7 stages on A4 are 4 + 3, not 6 + 1).
    count = max(math.ceil(len(stages) / options.stages_per_page), 1)
    size = max(math.ceil(len(stages) / count), 1)
    pages = []
    for start in range(0, max(len(stages), 1), size):
        chunk = stages[start : start + size]
        rows = []
        for lane in document["lanes"]:
            if lane["kind"] == "emotions":
                row_cells = [
                    [{"kind": "emotion", **e} for e in emotions.get(s["id"], [])] for s in chunk
                ]
            else:
                row_cells = [cells.get((lane["id"], s["id"]), []) for s in chunk]
            rows.append({"lane": lane, "cells": row_cells})
        pages.append(
            {
                "pad": range(size - len(chunk)),
                "stages": chunk,
                "rows": rows,
                "first": start + 1,
                "last": start + len(chunk),
                "total": len(stages),
            }
        )
    return pages


def emotion_section(*, document: Mapping[str, Any], personas: Sequence[Row]) -> Row:
    stages = [{"id": s["id"], "name": s["name"]} for s in document["stages"]]
    series = []
    for persona in personas:
        scores = {
            p["stage"]: p["score"] for p in document["emotions"] if p["persona"] == persona["id"]
        }
        series.append({"name": persona["name"], "color": persona["color"], "scores": scores})
    return {"svg": emotion_curve(stages=stages, series=series), "legend": series}


def friction_heatmap(*, document: Mapping[str, Any]) -> list[Row]:
    """Per stage, how many friction points at each severity (1–5), with a 0–1 intensity."""
    counts: dict[str, list[int]] = {s["id"]: [0] * 5 for s in document["stages"]}
    for friction in document["frictions"]:
        severity = friction.get("severity")
        if friction["stage"] in counts and isinstance(severity, int) and 1 <= severity <= 5:
            counts[friction["stage"]][severity - 1] += 1
    peak = max((n for row in counts.values() for n in row), default=0) or 1
    return [
        {
            "stage": s["name"],
            "total": sum(counts[s["id"]]),
            "cells": [
                {"count": n, "alpha": round(0.08 + 0.8 * n / peak, 2) if n else 0}
                for n in counts[s["id"]]
            ],
        }
        for s in document["stages"]
    ]


def content_matrix(*, document: Mapping[str, Any], personas: Sequence[Row]) -> list[Row]:
    """Per persona (and the shared content), a stage × channel table of content titles."""
    channels = _by_id(document["directory"]["channels"])
    groups: list[tuple[str | None, str]] = [(p["id"], p["name"]) for p in personas] + [
        (None, "Everyone (shared)")
    ]
    tables = []
    for persona_id, label in groups:
        rows = [c for c in document["contents"] if c.get("persona") == persona_id]
        if not rows:
            continue
        used = sorted(
            {c.get("channel") or "" for c in rows},
            key=lambda k: (k == "", str(channels[k]["name"]) if k in channels else ""),
        )
        columns = [
            {"id": key, "name": str(channels[key]["name"]) if key in channels else "No channel"}
            for key in used
        ]
        grid = []
        for stage in document["stages"]:
            at_stage = [c for c in rows if c["stage"] == stage["id"]]
            if not at_stage:
                continue  # a stage without content for this persona is a blank row
            grid.append(
                {
                    "stage": stage["name"],
                    "cells": [
                        [c for c in at_stage if (c.get("channel") or "") == col["id"]]
                        for col in columns
                    ],
                }
            )
        tables.append({"persona": label, "columns": columns, "rows": grid})
    return tables


def features_by_persona(*, features: Sequence[Row], personas: Sequence[Row]) -> Row:
    """A feature × persona table of relevance (1–5), one row per feature tagged for any of
    the personas, the highest priority score first (then the most relevant to these
    personas). The score is the workspace's (docs/features.md), whichever personas the
    report covers, so that it reads the same as on the features page."""
    ids = [persona["id"] for persona in personas]
    rows = []
    for feature in features:
        cells = [feature["relevance"].get(pid) for pid in ids]
        if any(cells):
            rows.append({**feature, "cells": cells, "total": sum(c or 0 for c in cells)})
    rows.sort(key=lambda f: (-f.get("score", 0), -f["total"], f["name"]))
    return {"personas": [persona["name"] for persona in personas], "rows": rows}


def analysis_summary(*, analysis: Mapping[str, Any] | None) -> Row | None:
    """The figures of the analysis API the report shows, unchanged."""
    if analysis is None:
        return None
    critical = analysis["critical_path"]
    return {
        "critical": critical,
        "share_pct": round(100 * float(critical.get("share") or 0), 1),
        "drop_off": analysis["drop_off"]["stages"],
        "totals": analysis["drop_off"]["totals"],
        "hotspots": analysis["friction_hotspots"]["items"],
        "durations": analysis["step_durations"]["stages"],
        "durations_note": analysis["step_durations"].get("note") or "",
        "edges": analysis["meta"].get("edges"),
        "notes": analysis["meta"].get("notes", []),
    }


def report(*, document: Mapping[str, Any], extra: ExportContext, options: ExportOptions) -> Row:
    """The whole template context of a map report."""
    personas = chosen_personas(document=document, extra=extra, options=options)
    wants = set(options.sections)
    return {
        "map": document,
        "extra": extra,
        "options": options,
        "sections": wants,
        "personas": personas,
        "grid": grid_pages(document=document, options=options) if "map" in wants else [],
        "emotions": emotion_section(document=document, personas=personas)
        if "emotions" in wants
        else None,
        "heatmap": friction_heatmap(document=document) if "friction" in wants else [],
        "analysis": analysis_summary(analysis=extra.analysis) if "analysis" in wants else None,
        "content": content_matrix(document=document, personas=personas)
        if "content" in wants
        else [],
        "features": features_by_persona(features=extra.features, personas=personas)
        if "features" in wants
        else [],
    }
