"""Every item on a map, and a workspace's features by priority, as CSV rows, safe to open in
a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

# The cell rule lives in core, where personas' CSV (segment members) can use it too.
from journeymap.core.spreadsheet import neutralise

HEADER = (
    "stage",
    "lane",
    "kind",
    "title",
    "description",
    "channel",
    "persona",
    "severity",
    "emotion",
)


def map_rows(*, document: Mapping[str, Any]) -> list[tuple[str, ...]]:
    """Cards, touchpoints, friction points, content and emotion points, in stage order, then
    lane order, then as drawn."""
    stages = {s["id"]: (index, s["name"]) for index, s in enumerate(document["stages"])}
    lanes = {lane["id"]: (index, lane["name"]) for index, lane in enumerate(document["lanes"])}
    channels = {c["id"]: c["name"] for c in document["directory"]["channels"]}
    personas = {p["id"]: p["name"] for p in document["directory"]["personas"]}
    rows: list[tuple[tuple[int, int, int], tuple[Any, ...]]] = []

    def add(kind: str, item: Mapping[str, Any], order: int, **values: Any) -> None:
        stage = stages.get(item.get("stage"), (len(stages), ""))
        lane = lanes.get(item.get("lane"), (len(lanes), ""))
        row = (
            stage[1],
            lane[1],
            kind,
            values.get("title", item.get("title", "")),
            item.get("description", ""),
            channels.get(item.get("channel"), ""),
            personas.get(item.get("persona"), ""),
            values.get("severity", ""),
            values.get("emotion", ""),
        )
        rows.append(((stage[0], lane[0], order), row))

    order = 0
    for card in document["cards"]:
        add("card", card, order := order + 1)
    for point in document["touchpoints"]:
        add("touchpoint", point, order := order + 1, emotion=point.get("emotion", ""))
    for friction in document["frictions"]:
        add("friction", friction, order := order + 1, severity=friction.get("severity", ""))
    for content in document["contents"]:
        add("content", content, order := order + 1)
    for emotion in document["emotions"]:
        add(
            "emotion",
            emotion,
            order := order + 1,
            title=emotion.get("note", ""),
            emotion=emotion.get("score", ""),
        )
    rows.sort(key=lambda pair: pair[0])
    return [tuple(neutralise(value) for value in row) for _, row in rows]


def map_csv(*, document: Mapping[str, Any]) -> bytes:
    return _csv(HEADER, map_rows(document=document))


def _csv(header: tuple[str, ...], rows: Iterable[tuple[str, ...]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    # A BOM, so spreadsheet programs read the file as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


FEATURE_HEADER = ("feature", "status", "score", "personas", "frictions")


def feature_rows(*, priorities: Iterable[Mapping[str, Any]]) -> list[tuple[str, ...]]:
    """One row per feature, in priority order (`analysis.priority_read.feature_priorities`):
    its personas as "name (relevance)" and its friction points as "title (map, severity)",
    each list joined with "; "."""
    rows = []
    for row in priorities:
        parts = row["parts"]
        personas = "; ".join(
            f"{item['name']} ({item['relevance']})" for item in parts["personas"]["items"]
        )
        frictions = "; ".join(
            f"{item['title']} ({item['map_title']}, severity {item['severity']})"
            for item in parts["friction"]["items"]
        )
        values = (row["name"], row["status"], row["score"], personas, frictions)
        rows.append(tuple(neutralise(value) for value in values))
    return rows


def features_csv(*, priorities: Iterable[Mapping[str, Any]]) -> bytes:
    return _csv(FEATURE_HEADER, feature_rows(priorities=priorities))
