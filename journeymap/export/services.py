"""The export use cases: check the limits, gather, render in the limited subprocess, record.

Views call exactly one function here and send back the `Export` it returns, or turn an
`ExportRefused` into an error answer in the API's `{"code", "detail"}` shape."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.utils.text import slugify

from journeymap.core.metrics import EXPORT
from journeymap.maps.models import JourneyMap
from journeymap.workspaces.audit import audit_record
from journeymap.workspaces.models import ShareLink, Workspace
from personas.models import Persona

from . import pdf
from .fetcher import FetchPolicy
from .models import ExportFormat, ExportRecord, ExportStatus
from .options import ExportOptions, OptionsRejected
from .render import STATIC_ROOT, build_map_html, build_persona_html, export_css
from .sandbox import RenderCutOff, run_limited
from .selectors import map_export_data, persona_sheet_data
from .table import features_csv, map_csv

DEFAULT_LIMITS = {
    "EXPORT_RENDER_SECONDS": 30.0,
    "EXPORT_RENDER_MEMORY_MB": 1536,
    "EXPORT_MAX_STAGES": 400,
    "EXPORT_MAX_ITEMS": 6000,
    "EXPORT_MAX_TEXT_CHARS": 3_000_000,
    "EXPORT_CONCURRENT_RENDERS": 2,
    "EXPORT_QUEUE_SECONDS": 10.0,
}
COUNTED = ("lanes", "cards", "touchpoints", "frictions", "contents", "emotions")
TEXT_FIELDS = ("title", "name", "description", "note", "url")


def limit(name: str) -> Any:
    return getattr(settings, name, DEFAULT_LIMITS[name])


@dataclass(frozen=True)
class Export:
    content: bytes
    content_type: str
    filename: str


class ExportRefused(Exception):
    """An export not delivered: refused before rendering, or cut off by a limit."""

    def __init__(self, *, code: str, detail: str, status: int) -> None:
        super().__init__(detail)
        self.code, self.detail, self.status = code, detail, status


@dataclass(frozen=True)
class Caller:
    """Who asks for an export, and from where (`address`, for the audit log)."""

    user: Any
    share_link: ShareLink | None
    address: str | None = None


@dataclass(frozen=True)
class Audited:
    """What a delivered export writes to the audit log: `<action>` on `subject`."""

    workspace: Workspace
    action: str
    subject: str
    detail: dict[str, Any]


def _check_size(document: Mapping[str, Any]) -> None:
    """Refuse, before any layout, a map past the export's input limits."""
    stages = len(document["stages"])
    items = sum(len(document[name]) for name in COUNTED)
    chars = sum(
        len(str(row.get(field) or ""))
        for name in ("stages", *COUNTED)
        for row in document[name]
        for field in TEXT_FIELDS
    )
    for value, name, what in (
        (stages, "EXPORT_MAX_STAGES", "stages"),
        (items, "EXPORT_MAX_ITEMS", "items"),
        (chars, "EXPORT_MAX_TEXT_CHARS", "characters of text"),
    ):
        if value > limit(name):
            raise ExportRefused(
                code="export_too_large",
                detail=f"the map has {value} {what}; an export takes at most {limit(name)}",
                status=413,
            )


def _policy(media_names: frozenset[str]) -> FetchPolicy:
    return FetchPolicy(
        static_root=str(STATIC_ROOT), media_root=str(settings.MEDIA_ROOT), media_names=media_names
    )


_slots_lock = threading.Lock()
_slots: dict[int, threading.BoundedSemaphore] = {}


def _render_slots() -> threading.BoundedSemaphore:
    # Per process: each render child may take EXPORT_RENDER_MEMORY_MB, so only a few at once.
    size = int(limit("EXPORT_CONCURRENT_RENDERS"))
    with _slots_lock:
        return _slots.setdefault(size, threading.BoundedSemaphore(size))


def _render(target: Callable[..., bytes], **kwargs: Any) -> bytes:
    slots = _render_slots()
    if not slots.acquire(timeout=float(limit("EXPORT_QUEUE_SECONDS"))):
        raise ExportRefused(
            code="export_busy", detail="too many exports at once: retry in a moment", status=429
        )
    try:
        return run_limited(
            target,
            kwargs=kwargs,
            seconds=float(limit("EXPORT_RENDER_SECONDS")),
            memory_mb=int(limit("EXPORT_RENDER_MEMORY_MB")),
        ).content
    except RenderCutOff as error:
        raise ExportRefused(
            code=f"export_{error.reason}", detail=f"export stopped: {error.detail}", status=422
        ) from None
    finally:
        slots.release()


def _recorded(
    *,
    caller: Caller,
    fmt: str,
    workspace_id: Any,
    run: Callable[[], Export],
    audited: Audited,
    **about: Any,
) -> Export:
    started = time.monotonic()
    status, size, detail = ExportStatus.OK, 0, ""
    try:
        result = run()
        size = len(result.content)
        return result
    except ExportRefused as error:
        status = ExportStatus.CUT_OFF if error.status == 422 else ExportStatus.REFUSED
        detail = error.detail[:300]
        raise
    except Exception as error:
        status, detail = ExportStatus.FAILED, type(error).__name__
        raise
    finally:
        user = caller.user if getattr(caller.user, "is_authenticated", False) else None
        ExportRecord.objects.create(
            workspace_id=workspace_id,
            user=user,
            share_link=caller.share_link,
            format=fmt,
            status=status,
            bytes=size,
            duration_ms=int((time.monotonic() - started) * 1000),
            detail=detail,
            **about,
        )
        if status == ExportStatus.OK:
            _audit(caller, audited)
        EXPORT.labels(fmt, status).observe(time.monotonic() - started)


def _audit(caller: Caller, audited: Audited) -> None:
    """Only delivered exports are audited: a refused one handed out nothing."""
    link = caller.share_link
    shared = {"share_link": str(link.pk), "share_link_label": link.label} if link else {}
    audit_record(
        workspace=audited.workspace,
        actor=caller.user,
        action=audited.action,
        subject=audited.subject,
        detail={**audited.detail, **shared},
        address=caller.address,
    )


def _map_audit(journey_map: JourneyMap, fmt: str) -> Audited:
    detail = {"format": fmt, "map": str(journey_map.pk), "map_title": journey_map.title}
    return Audited(journey_map.workspace, "map.exported", journey_map.title, detail)


def _filename(title: str, suffix: str) -> str:
    return f"{slugify(title)[:60] or 'journey-map'}.{suffix}"


def _map_html(
    journey_map: JourneyMap, caller: Caller, options: ExportOptions
) -> tuple[str, str, FetchPolicy]:
    document, extra, photos = map_export_data(
        journey_map=journey_map, shared=caller.share_link is not None
    )
    _check_size(document)
    known = {p["id"] for p in extra.personas}
    unknown = [pid for pid in options.personas or () if pid not in known]
    if unknown:
        raise ExportRefused(
            code="invalid", detail=f"no such persona on this map: {unknown[0]}", status=400
        )
    html = build_map_html(document=document, extra=extra, options=options)
    return html, export_css(options=options), _policy(photos)


def export_map(
    *, journey_map: JourneyMap, caller: Caller, options: ExportOptions, fmt: str
) -> Export:
    """The map as a PDF report (`fmt="pdf"`) or its first grid page as a PNG (`"png"`)."""

    def run() -> Export:
        if fmt == ExportFormat.PNG:
            chosen = ExportOptions(
                personas=options.personas, sections=("map",), paper=options.paper
            )
            html, css, policy = _map_html(journey_map, caller, chosen)
            content = _render(pdf.render_png, html=html, css=css, policy=policy)
            return Export(content, "image/png", _filename(journey_map.title, "png"))
        html, css, policy = _map_html(journey_map, caller, options)
        content = _render(pdf.render_pdf, html=html, css=css, policy=policy)
        return Export(content, "application/pdf", _filename(journey_map.title, "pdf"))

    return _recorded(
        caller=caller,
        fmt=fmt,
        workspace_id=journey_map.workspace_id,
        run=run,
        audited=_map_audit(journey_map, str(fmt)),
        map=journey_map,
        options=asdict(options),
    )


def export_map_csv(*, journey_map: JourneyMap, caller: Caller) -> Export:
    def run() -> Export:
        document, _, _ = map_export_data(
            journey_map=journey_map, shared=caller.share_link is not None
        )
        _check_size(document)
        return Export(
            map_csv(document=document),
            "text/csv; charset=utf-8",
            _filename(journey_map.title, "csv"),
        )

    return _recorded(
        caller=caller,
        fmt=ExportFormat.CSV,
        workspace_id=journey_map.workspace_id,
        run=run,
        audited=_map_audit(journey_map, "csv"),
        map=journey_map,
    )


def export_features_csv(*, workspace_id: Any, caller: Caller) -> Export:
    """The workspace's features by priority score (docs/features.md), as CSV."""
    from journeymap.analysis.priority_read import feature_priorities

    def run() -> Export:
        priorities = feature_priorities(workspace_id=workspace_id)
        return Export(
            features_csv(priorities=priorities), "text/csv; charset=utf-8", "features.csv"
        )

    audited = Audited(
        Workspace.objects.get(pk=workspace_id),
        "features.exported",
        "feature priorities",
        {"format": "csv"},
    )
    return _recorded(
        caller=caller,
        fmt=ExportFormat.FEATURES_CSV,
        workspace_id=workspace_id,
        run=run,
        audited=audited,
    )


def export_persona_sheet(*, persona: Persona, caller: Caller, options: ExportOptions) -> Export:
    def run() -> Export:
        details, extra, photos = persona_sheet_data(persona=persona)
        html = build_persona_html(persona=details, extra=extra, options=options)
        content = _render(
            pdf.render_pdf, html=html, css=export_css(options=options), policy=_policy(photos)
        )
        return Export(content, "application/pdf", _filename(persona.name, "pdf"))

    return _recorded(
        caller=caller,
        fmt=ExportFormat.PERSONA_PDF,
        workspace_id=persona.workspace_id,
        run=run,
        audited=Audited(
            persona.workspace,
            "persona.exported",
            persona.name,
            {"format": "pdf", "persona": str(persona.pk), "persona_name": persona.name},
        ),
        persona=persona,
        options={"paper": options.paper},
    )


__all__ = [
    "Caller",
    "Export",
    "ExportRefused",
    "OptionsRejected",
    "export_map",
    "export_map_csv",
    "export_persona_sheet",
]
