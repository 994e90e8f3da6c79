"""Every item on a map as CSV rows, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

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
# A cell a spreadsheet would read as a formula (or as a command through DDE).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


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
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(map_rows(document=document))
    # A BOM, so spreadsheet programs read the file as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")
