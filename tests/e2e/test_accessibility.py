"""WCAG 2.1 A and AA on every page a person uses, checked by axe-core in the browser, and the
board worked with the keyboard alone."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .conftest import DEMO_USER, FRONTEND, Demo, LiveApp, User, add_cards, stage_and_lane

AXE = FRONTEND / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}


def axe_violations(page: Page) -> list[dict[str, Any]]:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm install` in frontend/")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """(tags) => axe.run(document, {
            runOnly: {type: 'tag', values: tags},
            resultTypes: ['violations'],
        })""",
        WCAG_TAGS,
    )
    return list(result["violations"])


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for rule in violations:
        lines.append(f"{rule['id']} ({rule['impact']}, {len(rule['nodes'])}×): {rule['help']}")
        for node in rule["nodes"][:8]:
            target = " ".join(
                " > ".join(part) if isinstance(part, list) else part for part in node["target"]
            )
            summary = node.get("failureSummary", "").replace("\n", " ")
            lines.append(f"    {target}  {summary[:200]}")
        if len(rule["nodes"]) > 8:
            lines.append(f"    … and {len(rule['nodes']) - 8} more")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    # Contrast is measured on what is painted: let entry transitions settle first.
    page.wait_for_timeout(300)
    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING]
    assert not blocking, (
        f"{page.url} has serious or critical WCAG violations:\n{describe(blocking)}"
    )


@pytest.fixture
def visitor(browser: Browser, app: LiveApp, demo: Demo) -> Iterator[User]:
    # The axe script goes in as an inline <script>; a strict script-src would refuse it.
    user = User(browser, app, **DEMO_USER, bypass_csp=True)
    # Colours are measured as painted, so nothing should be mid-transition.
    user.page.emulate_media(reduced_motion="reduce")
    user.sign_in()
    yield user
    user.close()


@pytest.fixture
def guest(browser: Browser) -> Iterator[Page]:
    """Someone who is not signed in: the sign-in page and share links."""
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, bypass_csp=True, reduced_motion="reduce"
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def live_board(page: Page) -> None:
    page.get_by_test_id("connection-status").filter(has_text="Live").wait_for(timeout=15_000)
    for entity in ("card", "touchpoint", "friction"):
        page.locator(f'.item[data-entity="{entity}"]').first.wait_for()
    page.locator(".emotion-point").first.wait_for()


def graph_loaded(page: Page) -> None:
    expect(page.get_by_role("heading", name="Paths, drop-offs and bottlenecks")).to_be_visible()
    # The analysis, or the note that it is unavailable: either way the page is settled.
    expect(page.get_by_text("Analysing…")).to_have_count(0)


def graph_drawn(page: Page) -> None:
    graph_loaded(page)
    page.get_by_test_id("sankey").wait_for()
    page.get_by_test_id("graph-canvas").locator("canvas").first.wait_for(state="attached")
    # The text alternative open too, so its table is checked.
    page.get_by_text("Table of the graph's nodes").click()
    page.get_by_test_id("graph-table").wait_for()


def team_loaded(page: Page) -> None:
    page.get_by_test_id("member-row").first.wait_for()
    pending = page.get_by_role("region", name="Pending invitations")
    expect(pending.get_by_text("Loading…")).to_have_count(0)


# Each page with what must be on it before it is worth checking.
PAGES: dict[str, tuple[Callable[[Demo], str], Callable[[Page], None]]] = {
    "home": (lambda d: "/", lambda p: p.locator(".map-card").first.wait_for()),
    "board": (lambda d: f"/maps/{d.map_id}/", live_board),
    "personas": (lambda d: "/personas/", lambda p: p.locator(".repo-card").first.wait_for()),
    "persona": (
        lambda d: f"/personas/{d.persona_id}/",
        lambda p: p.locator(".persona-hero").wait_for(),
    ),
    "segment": (
        lambda d: f"/segments/{d.segment_id}/",
        lambda p: p.locator(".table tbody tr").first.wait_for(),
    ),
    "features": (
        lambda d: "/features/",
        lambda p: p.locator(".features-table tbody tr").first.wait_for(),
    ),
    "graph": (lambda d: f"/maps/{d.map_id}/graph/", graph_loaded),
    # The demo map has observed transitions: the canvas, the Sankey and the node table draw.
    "graph-with-data": (lambda d: f"/maps/{d.map_id}/graph/", lambda p: graph_drawn(p)),
    "content-matrix": (
        lambda d: f"/maps/{d.map_id}/content/",
        lambda p: p.locator(".matrix tbody tr").first.wait_for(),
    ),
    # The demo user owns the workspace: the members with their role menus, the invitation
    # form and the pending invitations.
    "team": (lambda d: "/team/", lambda p: team_loaded(p)),
    "invitation": (
        lambda d: "/invitations/no-such-invitation/",
        lambda p: p.get_by_role("button", name="Join workspace").wait_for(),
    ),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_serious_wcag_violations(visitor: User, demo: Demo, name: str) -> None:
    path, ready = PAGES[name]
    visitor.page.goto(f"{visitor.app.url}{path(demo)}")
    ready(visitor.page)
    assert_accessible(visitor.page)


def test_board_with_panels_menus_and_dialogs_open_has_no_serious_wcag_violations(
    visitor: User, demo: Demo
) -> None:
    page = visitor.page
    page.goto(f"{visitor.app.url}/maps/{demo.map_id}/")
    live_board(page)

    page.locator('.item[data-entity="friction"]').first.click()
    expect(page.locator(".detail-panel")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Close details").click()

    page.get_by_role("button", name="Add lane").click()
    expect(page.get_by_role("group", name="Lane type")).to_be_visible()
    assert_accessible(page)
    page.keyboard.press("Escape")

    page.get_by_role("button", name=re.compile(r"at Research: .* to change")).first.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".emotion-picker")).to_be_visible()
    assert_accessible(page)
    page.keyboard.press("Escape")

    page.get_by_role("button", name="Share").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    assert_accessible(page)


def test_team_page_with_a_new_invitation_and_dialog_and_a_dead_invitation_link_have_no_serious_wcag_violations(  # noqa: E501
    visitor: User,
) -> None:
    page = visitor.page
    page.goto(f"{visitor.app.url}/team/")
    team_loaded(page)
    invite = page.get_by_role("region", name="Invite someone")
    invite.get_by_label("Label (optional)").fill("Accessibility check")
    invite.get_by_role("button", name="Create invitation").click()
    expect(invite.get_by_label("Invitation link")).to_be_visible()
    expect(page.get_by_test_id("invitation-row").first).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name=re.compile(r"^Remove ")).first.click()
    expect(page.get_by_role("dialog")).to_be_visible()
    assert_accessible(page)
    page.keyboard.press("Escape")

    page.goto(f"{visitor.app.url}/invitations/no-such-invitation/")
    page.get_by_role("button", name="Join workspace").click()
    expect(page.get_by_role("heading", name="This invitation link does not work")).to_be_visible()
    assert_accessible(page)


def test_share_view_has_no_serious_wcag_violations(guest: Page, app: LiveApp, demo: Demo) -> None:
    guest.goto(f"{app.url}/share/{demo.share_token}/")
    live_board(guest)
    expect(guest.get_by_text("Read-only view")).to_be_visible()
    assert_accessible(guest)


def test_sign_in_page_has_no_serious_wcag_violations(guest: Page, app: LiveApp) -> None:
    guest.goto(f"{app.url}/login/")
    expect(guest.get_by_label("Password")).to_be_visible()
    assert_accessible(guest)


# True once the focused element is on screen and not faded out (tools that appear on focus
# fade in, so this is polled).
FOCUS_SHOWN = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return false;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) return false;
    let opacity = 1;
    for (let node = el; node; node = node.parentElement) {
        opacity *= Number(getComputedStyle(node).opacity);
    }
    return opacity > 0.9;
}"""


def test_a_card_is_reached_edited_and_moved_with_the_keyboard_alone(ana: User) -> None:
    map_id = ana.new_map("Keyboard only")
    add_cards(ana, map_id, "Before", "Customer actions", ["Compares prices", "Reads reviews"])
    ana.open_map(map_id)
    page = ana.page
    card = page.locator('.item[data-entity="card"]', has_text="Compares prices")

    # From the top of the page, Tab alone reaches the card, and each stop on the way shows.
    page.locator("body").focus()
    for _ in range(80):
        page.keyboard.press("Tab")
        if card.evaluate("(el) => el === document.activeElement"):
            break
        stop = page.evaluate(
            "() => document.activeElement.getAttribute('aria-label')"
            " || document.activeElement.textContent.trim()"
        )
        try:
            page.wait_for_function(FOCUS_SHOWN, timeout=2_000)
        except PlaywrightTimeoutError:
            pytest.fail(f"Tab moved focus to {stop!r}, which cannot be seen")
    else:
        pytest.fail("80 presses of Tab never reached the card")
    outline = card.evaluate("(el) => getComputedStyle(el).outlineStyle")
    assert outline != "none", "the focused card shows no focus outline"

    page.keyboard.press("Enter")
    title = page.get_by_role("textbox", name="card title")
    expect(title).to_be_focused()
    page.keyboard.press("Control+a")
    page.keyboard.type("Compares prices on two sites")
    page.keyboard.press("Enter")
    renamed = page.locator('.item[data-entity="card"]', has_text="Compares prices on two sites")
    expect(renamed).to_be_focused()

    # Down within the cell, Right to the next stage, Shift+Down to the next lane of cards.
    page.keyboard.press("Alt+ArrowDown")
    before, actions = stage_and_lane(ana.board(), "Before", "Customer actions")
    first_cell = page.locator(f'.cell[data-stage="{before}"][data-lane="{actions}"] .item')
    expect(first_cell).to_have_text(
        [re.compile("Reads reviews"), re.compile("Compares prices on two sites")]
    )
    page.keyboard.press("Alt+ArrowRight")
    page.keyboard.press("Alt+Shift+ArrowDown")
    during, thoughts = stage_and_lane(ana.board(), "During", "Thoughts")
    moved = page.locator(f'.cell[data-stage="{during}"][data-lane="{thoughts}"] .item')
    expect(moved).to_have_text([re.compile("Compares prices on two sites")])
    expect(moved).to_be_focused()
    expect(page.locator(".sr-only[aria-live]")).to_have_text(
        "Moved “Compares prices on two sites” to lane “Thoughts”."
    )

    # Space opens the details; Escape closes them and the card keeps the focus.
    page.keyboard.press(" ")
    expect(page.locator(".detail-panel")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator(".detail-panel")).to_have_count(0)
    expect(moved).to_be_focused()

    ana.wait_live()
    saved = ana.api("GET", f"/api/maps/{map_id}/")
    placed = {c["title"]: (c["stage"], c["lane"]) for c in saved["cards"]}
    assert placed == {
        "Compares prices on two sites": (during, thoughts),
        "Reads reviews": (before, actions),
    }


def test_board_with_analysis_heat_and_import_dialog_has_no_serious_wcag_violations(
    visitor: User, demo: Demo
) -> None:
    page = visitor.page
    page.goto(f"{visitor.app.url}/maps/{demo.map_id}/")
    live_board(page)
    # The demo map has transitions, so the cards carry traffic and hotspots their heat.
    page.get_by_test_id("touchpoint-traffic").first.wait_for()
    page.locator(".item.hotspot").first.wait_for()
    page.get_by_role("button", name="Analysis").click()
    page.get_by_test_id("critical-path").wait_for()
    assert_accessible(page)

    page.get_by_role("button", name="Import events").click()
    expect(page.get_by_role("dialog", name="Import events")).to_be_visible()
    assert_accessible(page)


def test_board_with_export_menu_export_dialog_and_share_links_has_no_serious_wcag_violations(
    visitor: User, demo: Demo
) -> None:
    page = visitor.page
    page.goto(f"{visitor.app.url}/maps/{demo.map_id}/")
    live_board(page)

    page.get_by_role("button", name="Export", exact=True).click()
    expect(page.get_by_role("menu")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("menuitem", name="PDF report…").click()
    expect(page.get_by_role("dialog", name="Export a PDF report")).to_be_visible()
    assert_accessible(page)
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)

    # The share dialog with its list (the demo's link) and a link just made, shown once.
    page.get_by_role("button", name="Share", exact=True).click()
    dialog = page.get_by_role("dialog", name="Share a read-only view")
    expect(dialog.get_by_test_id("share-link-row").first).to_be_visible()
    dialog.get_by_label("Label").fill("Accessibility review")
    dialog.get_by_role("button", name="Create link").click()
    expect(dialog.get_by_test_id("share-created")).to_be_visible()
    assert_accessible(page)
    row = dialog.get_by_test_id("share-link-row").filter(has_text="Accessibility review")
    row.get_by_role("button", name="Revoke “Accessibility review”").click()
    expect(row.get_by_role("group")).to_be_visible()
    assert_accessible(page)


def test_features_page_with_a_score_breakdown_and_the_friction_picker_open_has_no_serious_wcag_violations(  # noqa: E501
    visitor: User, demo: Demo
) -> None:
    page = visitor.page
    page.goto(f"{visitor.app.url}/features/")
    row = page.get_by_test_id("feature-row").first
    row.wait_for()
    score = row.get_by_test_id("feature-score")
    score.focus()
    expect(row.get_by_role("tooltip")).to_be_visible()
    assert_accessible(page)
    row.get_by_role("button", name=re.compile("^Link friction points to ")).click()
    picker = row.get_by_role("group", name=re.compile("^Friction points to link to "))
    picker.get_by_role("checkbox").first.wait_for()
    assert_accessible(page)
