"""Serves the browser app: one HTML page for every browser route, with the Vite build's
hashed assets. The client-side router takes it from there; data comes from /api/."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie

ENTRY = "src/main.tsx"


def _manifest_path() -> Path:
    return Path(settings.FRONTEND_DIST) / ".vite" / "manifest.json"


@lru_cache(maxsize=4)
def _assets_for(mtime_ns: int) -> dict[str, list[str]]:
    """Script, style and preload paths (relative to STATIC_URL) for the entry chunk.
    Keyed by the manifest's mtime so a rebuild is picked up without a restart."""
    manifest: dict[str, Any] = json.loads(_manifest_path().read_text(encoding="utf-8"))
    entry = manifest[ENTRY]
    styles: list[str] = list(entry.get("css", []))
    preloads: list[str] = []
    seen: set[str] = set()
    pending = list(entry.get("imports", []))
    while pending:  # the entry's static imports, transitively, each preloaded once
        key = pending.pop()
        if key in seen:
            continue
        seen.add(key)
        chunk = manifest[key]
        preloads.append(chunk["file"])
        styles.extend(css for css in chunk.get("css", []) if css not in styles)
        pending.extend(chunk.get("imports", []))
    return {"scripts": [entry["file"]], "styles": styles, "preloads": preloads}


def vite_assets() -> dict[str, list[str]] | None:
    try:
        mtime = _manifest_path().stat().st_mtime_ns
    except FileNotFoundError:
        return None
    return _assets_for(mtime)


@ensure_csrf_cookie
def index(request: HttpRequest, **route: Any) -> HttpResponse:
    """Every browser route (docs/architecture.md, "Routes") renders this page; the CSRF
    cookie it sets is what the app sends back as X-CSRFToken on writes (sign-in included)."""
    assets = vite_assets()
    if assets is None:
        return HttpResponse(
            "The browser app is not built. Run `make frontend` "
            "(or `cd frontend && npm ci && npm run build`).",
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    return render(request, "frontend/index.html", {"assets": assets})
