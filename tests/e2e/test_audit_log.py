"""The audit log in the browser: an owner removes a member, creates a share link and exports
a map, then reads those as sentences on /audit/, filters them by kind (kept in the URL) and
downloads them; a member who is not an owner is told the log is for owners. axe-core finds
no serious or critical WCAG violation on the page."""

from __future__ import annotations

import csv
import io
import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import LiveApp, Team, User
from .test_accessibility import assert_accessible

# Set to a folder to save a picture of the log (docs/screenshots/audit-log.png).
SCREENSHOTS = os.environ.get("E2E_SCREENSHOTS")


@pytest.fixture
def owner(browser: Browser, app: LiveApp, team: Team) -> Iterator[User]:
    # bypass_csp: axe-core goes in as an inline script.
    user = User(browser, app, team.owner, name="Olive Owens", bypass_csp=True)
    user.page.emulate_media(reduced_motion="reduce")
    user.sign_in()
    yield user
    user.close()


def rows(page: Page):  # noqa: ANN201
    return page.locator(".audit-table tbody tr")


def join_as(owner: User, invitee: User, team: Team, role: str) -> None:
    made = owner.api("POST", f"/api/workspaces/{team.workspace}/invitations/", {"role": role})
    invitee.sign_in()
    invitee.api("POST", f"/api/invitations/{made['token']}/accept/")


def test_an_owner_reads_what_was_done_and_a_member_is_refused(
    owner: User, invitee: User, team: Team, tmp_path: Path
) -> None:
    join_as(owner, invitee, team, "viewer")
    title = f"Checkout {uuid.uuid4().hex[:4]}"
    map_id = owner.api(
        "POST", "/api/maps/", {"workspace": team.workspace, "title": title, "template": "blank"}
    )["id"]

    # The viewer has no link to the log, and the page itself says why it shows nothing.
    guest = invitee.page
    guest.goto(f"{invitee.app.url}/")
    guest.get_by_label("Workspace", exact=True).select_option(team.workspace)
    guest.wait_for_url(f"{invitee.app.url}/")
    expect(guest.get_by_role("link", name="Team")).to_be_visible()
    expect(guest.get_by_role("link", name="Audit log")).to_have_count(0)
    guest.goto(f"{invitee.app.url}/audit/")
    expect(guest.get_by_text("Only owners can read the audit log")).to_be_visible()
    expect(guest.locator(".audit-table")).to_have_count(0)

    # The owner removes the viewer on the team page ...
    page = owner.page
    page.goto(f"{owner.app.url}/team/")
    page.get_by_role("button", name=f"Remove {team.invitee}").click()
    dialog = page.get_by_role("dialog", name=f"Remove {team.invitee}?")
    dialog.get_by_role("button", name="Remove", exact=True).click()
    expect(dialog).to_have_count(0)

    # ... shares the map and exports it from the board.
    owner.open_map(map_id)
    page.get_by_role("button", name="Share", exact=True).click()
    share = page.get_by_role("dialog", name="Share a read-only view")
    share.get_by_label("Label").fill("Steering group")
    share.get_by_role("button", name="Create link").click()
    expect(share.get_by_test_id("share-created")).to_contain_text("Steering group")
    page.keyboard.press("Escape")
    expect(share).to_have_count(0)
    page.get_by_role("button", name="Export", exact=True).click()
    with page.expect_download():
        page.get_by_role("menuitem", name="CSV spreadsheet").click()

    page.goto(f"{owner.app.url}/")
    page.get_by_role("link", name="Audit log").click()
    page.wait_for_url(f"{owner.app.url}/audit/")
    expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
    expected = [
        f"{team.owner} exported {title} as CSV",
        f"{team.owner} created a share link “Steering group” to {title}",
        f"{team.owner} removed {team.invitee} from the workspace",
        f"{team.invitee} joined the workspace as viewer",
    ]
    for sentence in expected:
        expect(rows(page).filter(has_text=sentence)).to_have_count(1)
    # Newest first; each row says where from.
    texts = rows(page).all_inner_texts()
    positions = [next(i for i, t in enumerate(texts) if s in t) for s in expected]
    assert positions == sorted(positions), texts
    expect(rows(page).first.locator(".audit-where")).to_have_text("127.0.0.1")
    if SCREENSHOTS:
        page.wait_for_timeout(250)
        page.screenshot(path=str(Path(SCREENSHOTS) / "audit-log.png"), full_page=True)
    assert_accessible(page)

    # A kind filter narrows the table and lives in the URL, so a reload keeps it.
    page.get_by_role("button", name="Share links").click()
    page.wait_for_url(re.compile(r"/audit/\?kind=share_links$"))
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_contain_text("created a share link")
    page.reload()
    expect(page.get_by_role("button", name="Share links")).to_have_attribute("aria-pressed", "true")
    expect(rows(page)).to_have_count(1)
    page.get_by_role("button", name="Members").click()
    expect(rows(page).filter(has_text="removed")).to_have_count(1)
    expect(rows(page).filter(has_text="share link")).to_have_count(0)

    # The download holds the filtered entries.
    with page.expect_download() as info:
        page.get_by_role("link", name="Download CSV").click()
    target = tmp_path / "audit.csv"
    info.value.save_as(target)
    table = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    actions = {row["action"] for row in table}
    assert "member.removed" in actions and "share_link.created" not in actions
    assert all(row["address"] == "127.0.0.1" for row in table)

    # A date range with nothing in it shows the empty state, with a way back.
    page.goto(f"{owner.app.url}/audit/?since=2001-01-01&until=2001-01-31")
    expect(page.get_by_text("Nothing recorded matches these filters.")).to_be_visible()
    page.get_by_role("button", name="Show everything").click()
    expect(rows(page).filter(has_text=expected[0])).to_have_count(1)
