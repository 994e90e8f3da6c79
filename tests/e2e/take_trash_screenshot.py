"""docs/screenshots/trash.png: the Trash page with a few deleted maps and a persona.

Run against a server with `manage.py seed_demo` data (take_screenshots.py calls it last):
    .venv/bin/python tests/e2e/take_trash_screenshot.py http://127.0.0.1:8000 [out_dir]
It deletes two maps it creates and one demo persona, takes the picture, then deletes the two
maps for good and restores the persona, so the demo is left as it was.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, sync_playwright

try:
    from take_screenshots import ARGS, CHROMIUM, sign_in
except ImportError:  # imported as tests.e2e.take_trash_screenshot
    from .take_screenshots import ARGS, CHROMIUM, sign_in


def _call(context: BrowserContext, base: str, method: str, path: str, body: Any = None) -> Any:
    csrf = next(c["value"] for c in context.cookies() if c["name"] == "csrftoken")
    response = context.request.fetch(
        f"{base}{path}",
        method=method,
        data=body,
        headers={"X-CSRFToken": csrf, "Referer": f"{base}/"},
    )
    assert response.ok, f"{method} {path}: {response.status} {response.text()}"
    return response.json() if response.status != 204 else None


def trash_screenshot(context: BrowserContext, base: str, out: Path) -> None:
    """`context` is signed in as the demo owner."""
    me = _call(context, base, "GET", "/api/auth/me/")
    workspace = next(
        m["workspace"] for m in me["memberships"] if m["workspace_name"] == "Northwind Outfitters"
    )
    made = [
        _call(context, base, "POST", "/api/maps/", {"workspace": workspace, "title": title})["id"]
        for title in ("Returns by post (2025 pilot)", "In-store pickup — old draft")
    ]
    personas = _call(context, base, "GET", f"/api/personas/?workspace={workspace}")["results"]
    persona = personas[-1]["id"]
    for map_id in made:
        _call(context, base, "DELETE", f"/api/maps/{map_id}/")
    _call(context, base, "DELETE", f"/api/personas/{persona}/")
    try:
        page = context.new_page()
        page.goto(f"{base}/trash/")
        page.wait_for_selector(".trash-row")
        page.wait_for_timeout(400)
        page.screenshot(path=str(out / "trash.png"))
        page.close()
    finally:
        for map_id in made:
            _call(context, base, "DELETE", f"/api/trash/map/{map_id}/")
        _call(context, base, "POST", f"/api/trash/persona/{persona}/restore/")


def main(base: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        sign_in(context.new_page(), base, "demo", "demo")
        trash_screenshot(context, base, out)
        browser.close()


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
    folder = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("docs/screenshots")
    main(target.rstrip("/"), folder)
