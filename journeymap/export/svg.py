"""The emotion curve as inline SVG, built here rather than in a template so every piece of
user text goes through `xml.sax.saxutils` and the markup is whole by construction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from xml.sax.saxutils import escape, quoteattr

from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 900.0, 260.0
LEFT, RIGHT, TOP, BOTTOM = 50.0, 70.0, 16.0, 44.0
# WeasyPrint does not apply the page stylesheet inside inline SVG, so styles are attributes.
TEXT = 'font-family="DejaVu Sans" font-size="11" fill="#475569"'
SCORES = range(-3, 4)


def hex_colour(value: str) -> str:
    """`value` if it is #rgb or #rrggbb, else the default persona colour: a colour goes into
    `style` and SVG attributes, where escaping alone would not stop a CSS declaration."""
    ok = value.startswith("#") and len(value) in (4, 7)
    return value if ok and all(c in "0123456789abcdefABCDEF" for c in value[1:]) else "#6366f1"


def emotion_curve(
    *, stages: Sequence[Mapping[str, str]], series: Sequence[Mapping[str, object]]
) -> SafeString:
    """One polyline per persona over the stages, on a −3…+3 scale.

    `stages`: [{"id", "name"}]; `series`: [{"name", "color", "scores": {stage_id: score}}].
    A persona without a score at a stage leaves a gap (the line breaks there)."""
    count = max(len(stages), 1)
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    step = plot_w / max(count - 1, 1)

    def x(index: int) -> float:
        return LEFT + (index * step if count > 1 else plot_w / 2)

    def y(score: float) -> float:
        return TOP + (3 - score) / 6 * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH:g} {HEIGHT:g}"'
        ' width="100%" role="img">'
    ]
    for score in SCORES:
        stroke = "#94a3b8" if score == 0 else "#e2e8f0"
        label = f"{score:+d}" if score else "0"
        parts.append(
            f'<line stroke="{stroke}" stroke-width="1" x1="{LEFT:g}" x2="{WIDTH - RIGHT + 40:g}" '
            f'y1="{y(score):.1f}" y2="{y(score):.1f}"/><text {TEXT} x="{LEFT - 10:g}" '
            f'y="{y(score) + 4:.1f}" text-anchor="end">{label}</text>'
        )
    for index, stage in enumerate(stages):
        label = str(stage["name"])
        short = label if len(label) <= 18 else label[:17] + "…"
        parts.append(
            f'<text {TEXT} x="{x(index):.1f}" y="{HEIGHT - BOTTOM + 26:g}" '
            f'text-anchor="middle">{escape(short)}</text>'
        )
    for line in series:
        colour = quoteattr(hex_colour(str(line.get("color") or "")))
        scores = line.get("scores")
        if not isinstance(scores, Mapping):
            continue
        run: list[str] = []
        runs: list[list[str]] = []
        for index, stage in enumerate(stages):
            value = scores.get(stage["id"])
            if isinstance(value, int | float):
                point = f"{x(index):.1f},{y(max(-3, min(3, float(value)))):.1f}"
                run.append(point)
                parts.append(
                    f'<circle cx="{point.split(",")[0]}" cy="{point.split(",")[1]}" r="4" '
                    f"fill={colour}/>"
                )
            elif run:
                runs.append(run)
                run = []
        if run:
            runs.append(run)
        for points in runs:
            parts.append(
                f'<polyline fill="none" stroke={colour} stroke-width="2.5" '
                f'points="{" ".join(points)}"/>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every user string above is escaped
