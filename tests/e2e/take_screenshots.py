"""Screenshots of the home, the board, the share view, the content matrix, the features,
customers, segments and trash pages for docs/screenshots/.

Run against a server with `manage.py seed_demo` data:
    .venv/bin/python tests/e2e/take_screenshots.py http://127.0.0.1:8000 [out_dir]
Uses Debian's Chromium (never a downloaded browser).
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def sign_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")


def main(base: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        context = browser.new_context(
            viewport={"width": 1440, "height": 900}, device_scale_factor=1
        )
        page = context.new_page()
        page.goto(f"{base}/login/")
        page.wait_for_selector("form.login-form")
        page.screenshot(path=str(out / "login.png"))
        sign_in(page, base, "demo", "demo")
        page.wait_for_selector(".map-card")
        page.wait_for_timeout(400)
        page.screenshot(path=str(out / "home.png"))

        page.locator(".map-card", has_text="Buying").first.click()
        page.wait_for_selector('[data-testid="connection-status"][data-status="online"]')
        map_id = page.url.rstrip("/").split("/")[-1]
        # A second person on the map, so presence shows a team.
        colleague = browser.new_context(viewport={"width": 1440, "height": 900})
        other = colleague.new_page()
        sign_in(other, base, "viewer", "viewer")
        other.goto(f"{base}/maps/{map_id}/")
        other.wait_for_selector('[data-testid="connection-status"][data-status="online"]')
        page.wait_for_selector(".presence-item >> nth=1")
        page.mouse.move(5, 5)
        page.wait_for_timeout(600)
        page.screenshot(path=str(out / "board.png"))
        page.locator(".item-touchpoint, .item-card").first.click()
        page.wait_for_selector(".detail-panel")
        page.wait_for_timeout(300)
        page.screenshot(path=str(out / "board-detail.png"))
        page.keyboard.press("Escape")
        scroller = page.locator(".board-scroll")
        scroller.evaluate("(el) => el.scrollTo(0, 560)")
        page.wait_for_timeout(300)
        page.screenshot(path=str(out / "board-friction.png"))

        personas = page.request.get(f"{base}/api/personas/").json()
        first = (personas.get("results") if isinstance(personas, dict) else personas) or []
        if first:
            page.goto(f"{base}/personas/{first[0]['id']}/")
            page.wait_for_selector(".persona-hero")
            page.wait_for_timeout(300)
            page.screenshot(path=str(out / "persona-editor.png"), full_page=True)

        csrf = next(c["value"] for c in context.cookies() if c["name"] == "csrftoken")
        link = page.request.post(
            f"{base}/api/share-links/",
            data={"map": map_id, "label": "Screenshots"},
            headers={"X-CSRFToken": csrf, "Referer": f"{base}/"},
        ).json()
        guest = browser.new_context(viewport={"width": 1440, "height": 900})
        share = guest.new_page()
        share.goto(f"{base}/share/{link['token']}/")
        share.wait_for_selector('[data-testid="connection-status"][data-status="online"]')
        share.wait_for_timeout(600)
        share.screenshot(path=str(out / "share.png"))

        page.goto(f"{base}/maps/{map_id}/content/")
        page.wait_for_selector("table.matrix")
        page.wait_for_timeout(600)
        page.screenshot(path=str(out / "content-matrix.png"), full_page=True)
        page.goto(f"{base}/features/")
        page.wait_for_selector(".features-table tbody tr")
        page.wait_for_timeout(400)
        page.screenshot(path=str(out / "features.png"), full_page=True)
        page.goto(f"{base}/customers/")
        page.wait_for_selector(".customers-table tbody tr")
        page.wait_for_timeout(300)
        page.screenshot(path=str(out / "customers.png"), full_page=True)
        page.goto(f"{base}/segments/")
        page.get_by_role("button", name="Suggest segments").click()
        page.wait_for_selector(".suggestion-list li", timeout=60_000)
        page.wait_for_timeout(400)
        page.screenshot(path=str(out / "segments.png"), full_page=True)
        segments = page.request.get(f"{base}/api/segments/").json()
        listed = (segments.get("results") if isinstance(segments, dict) else segments) or []
        if listed:
            page.goto(f"{base}/segments/{listed[-1]['id']}/")
            page.wait_for_timeout(1500)
            page.screenshot(path=str(out / "segment.png"), full_page=True)
            page.get_by_role("button", name="Edit", exact=True).click()
            page.wait_for_selector('[data-testid="segment-preview"]')
            page.wait_for_timeout(1200)
            page.screenshot(path=str(out / "segment-builder.png"), full_page=True)

        laptop = browser.new_context(viewport={"width": 1280, "height": 720})
        laptop.add_cookies(context.cookies())
        small = laptop.new_page()
        small.goto(f"{base}/maps/{map_id}/")
        small.wait_for_selector('[data-testid="connection-status"][data-status="online"]')
        small.wait_for_timeout(600)
        small.screenshot(path=str(out / "board-laptop.png"))
        projector = browser.new_context(viewport={"width": 1920, "height": 1080})
        projector.add_cookies(context.cookies())
        big = projector.new_page()
        big.goto(f"{base}/maps/{map_id}/")
        big.wait_for_selector('[data-testid="connection-status"][data-status="online"]')
        big.wait_for_timeout(600)
        big.screenshot(path=str(out / "board-projector.png"))
        # Last: it deletes (and then puts back) a few things. Imported here, not at the top,
        # because it imports this module's helpers.
        from take_trash_screenshot import trash_screenshot

        trash_screenshot(context, base, out)
        browser.close()


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
    folder = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("docs/screenshots")
    main(target.rstrip("/"), folder)
