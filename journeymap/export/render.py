"""Map and persona reports: plain data → Django template → HTML → PDF.

`build_*_html` are the template step; `render_*_pdf` add the WeasyPrint step in this
process (the service runs that step in the limited subprocess instead). Templates
autoescape every user string; the only markup made in Python is the emotion curve, which
escapes its text itself (svg.py)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

from .fetcher import ExportFetcher
from .layout import report
from .options import ExportContext, ExportOptions
from .pdf import html_to_pdf

STATIC_ROOT = Path(__file__).resolve().parent / "static" / "export"


@cache
def _base_css() -> str:
    return (STATIC_ROOT / "export.css").read_text(encoding="utf-8")


def export_css(*, options: ExportOptions) -> str:
    # The page size is the one option CSS cannot read from the document, so it goes first.
    return f"@page {{ size: {options.paper.upper()} landscape; }}\n{_base_css()}"


def build_map_html(
    *, document: Mapping[str, Any], extra: ExportContext, options: ExportOptions
) -> str:
    return render_to_string(
        "export/report.html", report(document=document, extra=extra, options=options)
    )


def build_persona_html(
    *, persona: Mapping[str, Any], extra: ExportContext, options: ExportOptions
) -> str:
    features = [
        {**feature, "relevance": feature["relevance"][persona["id"]]}
        for feature in extra.features
        if persona["id"] in feature["relevance"]
    ]
    features.sort(key=lambda f: (-f["relevance"], f["name"]))
    context = {"persona": persona, "extra": extra, "options": options, "features": features}
    return render_to_string("export/persona_sheet.html", context)


def render_map_pdf(
    *,
    document: Mapping[str, Any],
    extra: ExportContext,
    options: ExportOptions,
    fetcher: ExportFetcher,
) -> bytes:
    """The stakeholder report of one map, rendered in this process."""
    html = build_map_html(document=document, extra=extra, options=options)
    return html_to_pdf(html=html, css=export_css(options=options), fetcher=fetcher)


def render_persona_pdf(
    *,
    persona: Mapping[str, Any],
    extra: ExportContext,
    options: ExportOptions,
    fetcher: ExportFetcher,
) -> bytes:
    """A one-persona sheet, rendered in this process."""
    html = build_persona_html(persona=persona, extra=extra, options=options)
    return html_to_pdf(html=html, css=export_css(options=options), fetcher=fetcher)
