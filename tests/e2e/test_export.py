"""Exports from the board (the PDF report through its dialog, the CSV through the menu with
the keyboard) and share links managed in the share dialog: created with an expiry, listed,
opened by a guest, revoked, and the guest's open view closed."""

from __future__ import annotations

import os
import re
import subprocess
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from .conftest import ExportMap, LiveApp, User

# Set to a folder to save pictures of the export and share dialogs (docs/screenshots/).
SCREENSHOTS = os.environ.get("E2E_SCREENSHOTS")


def _screenshot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        page.wait_for_timeout(250)
        page.locator("dialog[open]").screenshot(path=str(Path(SCREENSHOTS) / name))


def _pdf_text(path: Path) -> str:
    done = subprocess.run(  # noqa: S603
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def test_pdf_report_through_the_dialog_and_csv_with_the_keyboard(
    ana: User, export_map: ExportMap, tmp_path: Path
) -> None:
    ana.open_map(export_map.map_id)
    page = ana.page

    menu_button = page.get_by_role("button", name="Export", exact=True)
    expect(menu_button).to_have_attribute("aria-haspopup", "menu")
    menu_button.click()
    expect(menu_button).to_have_attribute("aria-expanded", "true")
    page.get_by_role("menuitem", name="PDF report…").click()

    dialog = page.get_by_role("dialog", name="Export a PDF report")
    expect(dialog).to_be_visible()
    # Everything is on by default.
    expect(dialog.get_by_role("radio", name=re.compile("^A4"))).to_be_checked()
    expect(dialog.get_by_role("checkbox", name=export_map.persona)).to_be_checked()
    sections = dialog.locator('input[name="sections"]')
    expect(sections).to_have_count(8)
    for index in range(8):
        expect(sections.nth(index)).to_be_checked()
    _screenshot(page, "export-dialog.png")

    # No section, no report: the button says why it is off.
    for index in range(8):
        sections.nth(index).uncheck()
    expect(dialog.get_by_text("Choose at least one section.")).to_be_visible()
    expect(dialog.get_by_role("button", name="Download PDF")).to_be_disabled()
    for name in ("Cover and contents", "Journey map"):
        dialog.get_by_role("checkbox", name=name).check()
    dialog.get_by_role("radio", name=re.compile("^A3")).check()

    with page.expect_download(timeout=60_000) as info:
        dialog.get_by_role("button", name="Download PDF").click()
    download = info.value
    slug = export_map.title.lower().replace(" ", "-")
    assert download.suggested_filename == f"{slug}.pdf"
    pdf = tmp_path / "report.pdf"
    download.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    text = _pdf_text(pdf)
    assert export_map.title in text
    assert "Compares boats" in text
    expect(dialog.get_by_role("status")).to_have_text("The report was downloaded.")
    dialog.get_by_role("button", name="Close", exact=True).last.click()
    expect(page.get_by_role("dialog")).to_have_count(0)

    # The menu by keyboard: ArrowDown opens it on its first item, ArrowDown ×2 is CSV.
    menu_button.focus()
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("menuitem", name="PDF report…")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.get_by_role("menu")).to_have_count(0)
    expect(menu_button).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("menuitem", name="CSV spreadsheet")).to_be_focused()
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    download = info.value
    assert download.suggested_filename == f"{slug}.csv"
    csv = tmp_path / "items.csv"
    download.save_as(csv)
    lines = csv.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "stage,lane,kind,title,description,channel,persona,severity,emotion"
    assert any("Compares boats" in line for line in lines[1:])
    assert any("Booking page" in line for line in lines[1:])


def test_an_export_refusal_is_shown_in_the_dialog(ana: User, export_map: ExportMap) -> None:
    ana.open_map(export_map.map_id)
    page = ana.page
    page.route(
        re.compile(r"/export\.pdf"),
        lambda route: route.fulfill(
            status=413,
            content_type="application/json",
            body='{"code": "export_too_large", "detail": "At most 400 items."}',
        ),
    )
    page.get_by_role("button", name="Export", exact=True).click()
    page.get_by_role("menuitem", name="PDF report…").click()
    dialog = page.get_by_role("dialog", name="Export a PDF report")
    dialog.get_by_role("button", name="Download PDF").click()
    expect(dialog.get_by_role("alert")).to_have_text(
        "This map is too large to export. At most 400 items."
    )


def test_share_link_created_listed_opened_and_revoked(
    ana: User, browser: Browser, app: LiveApp, export_map: ExportMap, tmp_path: Path
) -> None:
    ana.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app.url)
    ana.open_map(export_map.map_id)
    page = ana.page
    page.get_by_role("button", name="Share", exact=True).click()
    dialog = page.get_by_role("dialog", name="Share a read-only view")
    expect(dialog.get_by_text("No links yet.")).to_be_visible()
    expiry = dialog.get_by_label("Expires on")
    # 30 days ahead unless chosen; the limit is said.
    expect(expiry).to_have_value((date.today() + timedelta(days=30)).isoformat())
    expect(dialog.get_by_text(re.compile("at most 365 days from today"))).to_be_visible()

    # Past the maximum: the server's refusal is shown and nothing is made.
    dialog.get_by_label("Label").fill("Steering group")
    expiry.fill((date.today() + timedelta(days=400)).isoformat())
    dialog.get_by_role("button", name="Create link").click()
    expect(dialog.get_by_role("alert")).to_contain_text("at most 365 days from now")
    expect(dialog.get_by_text("No links yet.")).to_be_visible()

    ends = date.today() + timedelta(days=14)
    expiry.fill(ends.isoformat())
    dialog.get_by_role("button", name="Create link").click()
    created = dialog.get_by_test_id("share-created")
    expect(created).to_contain_text("Steering group")
    url = dialog.get_by_test_id("share-url").input_value()
    assert re.fullmatch(rf"{re.escape(app.url)}/share/[^/]+/", url), url
    created.get_by_role("button", name="Copy").click()
    expect(created.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("() => navigator.clipboard.readText()") == url

    row = dialog.get_by_test_id("share-link-row").filter(has_text="Steering group")
    expect(row).to_have_attribute("data-status", "active")
    expect(row).to_contain_text("Active")
    expect(row).to_contain_text(str(ends.day))
    # The list never shows a token.
    assert url.rsplit("/", 2)[-2] not in (row.text_content() or "")
    _screenshot(page, "share-links.png")

    # A guest opens it in a browser of their own, and can download the report.
    guest_context = browser.new_context(viewport={"width": 1280, "height": 800})
    guest_context.set_default_timeout(10_000)
    try:
        guest = guest_context.new_page()
        guest.goto(url)
        guest.get_by_test_id("connection-status").filter(has_text="Live").wait_for(timeout=15_000)
        expect(guest.locator(".board-title")).to_contain_text(export_map.title)
        expect(guest.get_by_text("Read-only view")).to_be_visible()
        expect(guest.get_by_role("button", name="Export", exact=True)).to_have_count(0)
        with guest.expect_download(timeout=60_000) as info:
            guest.get_by_role("button", name="Download PDF").click()
        pdf = tmp_path / "shared.pdf"
        info.value.save_as(pdf)
        assert pdf.read_bytes().startswith(b"%PDF")
        assert export_map.title in _pdf_text(pdf)

        # Revoke, with a confirm; the guest's live view is taken away.
        row.get_by_role("button", name="Revoke “Steering group”").click()
        row.get_by_role("button", name="Yes, revoke").click()
        expect(row).to_have_attribute("data-status", "revoked")
        expect(row).to_contain_text("Revoked")
        expect(row.get_by_role("button", name=re.compile("Revoke"))).to_have_count(0)
        gone = guest.get_by_test_id("share-gone")
        expect(gone).to_be_visible(timeout=5_000)
        expect(gone).to_contain_text("revoked")
        expect(guest.locator(".board-title")).to_have_count(0)

        guest.reload()
        expect(guest.get_by_test_id("share-gone")).to_contain_text("unknown, revoked or expired")
    finally:
        guest_context.close()


def test_persona_sheet_pdf_from_the_persona_page(ana: User, tmp_path: Path) -> None:
    personas = ana.api("GET", f"/api/personas/?workspace={ana.app.workspace}")
    personas = personas["results"] if isinstance(personas, dict) else personas
    maya = next(p for p in personas if p["name"] == "Maya Okafor")
    page = ana.page
    page.goto(f"{ana.app.url}/personas/{maya['id']}/")
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Persona sheet (PDF)").click()
    download = info.value
    assert download.suggested_filename == "maya-okafor.pdf"
    pdf = tmp_path / "sheet.pdf"
    download.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "Maya Okafor" in _pdf_text(pdf)
