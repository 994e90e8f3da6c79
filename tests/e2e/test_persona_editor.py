"""The persona editor in the browser: a persona created at /personas/new/ and every section filled
in place and saved by itself; two editors on the same field (the second is told, nothing is lost)
while different fields merge; history and restore; marking reviewed; a viewer's read-only page;
and the editor checked for WCAG violations."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import DEMO_USER, Demo, LiveApp, User
from .test_accessibility import assert_accessible

# Set to a folder to save a picture of the editor (docs/screenshots/persona-editor.png). Not by
# default: a test run should not rewrite a tracked picture (its pixels differ run to run).
SCREENSHOTS = os.environ.get("E2E_SCREENSHOTS")

VIEWER_SCRIPT = """
from django.contrib.auth import get_user_model
from journeymap.workspaces.models import Membership, Workspace
User = get_user_model()
user, made = User.objects.get_or_create(username="vera")
if made:
    user.set_password("journey-e2e-pass")
    user.first_name, user.last_name = "Vera", "Viewer"
    user.save()
Membership.objects.get_or_create(
    workspace=Workspace.objects.get(pk="{workspace}"), user=user, defaults={{"role": "viewer"}}
)
"""


def new_persona(user: User, name: str, **fields: Any) -> dict[str, Any]:
    return user.api(
        "POST", "/api/personas/", {"workspace": user.app.workspace, "name": name, **fields}
    )


def open_persona(user: User, persona_id: str) -> Page:
    page = user.page
    page.goto(f"{user.app.url}/personas/{persona_id}/")
    page.locator(".persona-hero").wait_for(timeout=20_000)
    return page


def saved(page: Page) -> None:
    expect(page.get_by_test_id("save-status")).to_have_text(re.compile(r"^Saved"))


def section(page: Page, key: str) -> Any:
    return page.locator(f'section[data-section="{key}"]')


def add_items(page: Page, scope: Any, item: str, texts: list[str]) -> None:
    field = scope.get_by_label(f"New {item}", exact=True)
    for text in texts:
        field.fill(text)
        field.press("Enter")
        expect(scope.get_by_role("textbox", name=re.compile(rf"^{item}", re.I)).last).to_have_value(
            text
        )
    saved(page)


def fill_text(page: Page, scope: Any, label: str, value: str) -> None:
    field = scope.get_by_label(label, exact=True)
    field.fill(value)
    field.press("Tab")
    saved(page)


def test_create_a_persona_and_fill_every_section_in_place(ana: User) -> None:
    page = ana.page
    name = f"Trail Runner {uuid.uuid4().hex[:4]}"
    page.goto(f"{ana.app.url}/personas/new/")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Tier").select_option("secondary")
    page.get_by_label("Job title (optional)").fill("Nurse")
    page.get_by_role("button", name="Create persona").click()
    page.wait_for_url(re.compile(r"/personas/[0-9a-f-]+/$"))
    persona_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    expect(page.get_by_label("Persona name")).to_have_value(name)

    # Goals: three added, the last moved to the top, the middle one removed, one reworded.
    goals = section(page, "goals")
    add_items(page, goals, "goal", ["Finish a marathon", "Stay injury free", "Run with friends"])
    goals.get_by_role("button", name="Move Goal 3 up").click()
    goals.get_by_role("button", name="Move Goal 2 up").click()
    saved(page)
    expect(goals.get_by_label("Goal 1", exact=True)).to_have_value("Run with friends")
    goals.get_by_role("button", name="Remove Goal 3").click()
    saved(page)
    fill_text(page, goals, "Goal 2", "Finish a marathon under 4h")
    # The drag handle reorders too (pointer drag with dnd-kit).
    add_items(page, goals, "goal", ["Sleep well"])
    handle = goals.get_by_role("button", name="Drag Goal 3")
    target = goals.get_by_role("button", name="Drag Goal 1")
    src, dst = handle.bounding_box(), target.bounding_box()
    assert src and dst
    page.mouse.move(src["x"] + src["width"] / 2, src["y"] + src["height"] / 2)
    page.mouse.down()
    page.mouse.move(src["x"] + 5, src["y"] - 10, steps=4)
    page.mouse.move(dst["x"] + dst["width"] / 2, dst["y"] + 2, steps=8)
    page.mouse.up()
    expect(goals.get_by_label("Goal 1", exact=True)).to_have_value("Sleep well")
    saved(page)

    lists = {
        "pain_points": ("pain point", ["Shoes wear out fast"]),
        "needs": ("need", ["A training plan"]),
        "motivations": ("motivation", ["Health"]),
        "expectations": ("expectation", ["Free returns"]),
        "objections": ("objection", ["Too expensive"]),
        "behaviours": ("behaviour", ["Runs at dawn", "Tracks every run"]),
        "quotes": ("quote", ["I want shoes that last"]),
    }
    for key, (item, texts) in lists.items():
        add_items(page, section(page, key), item, texts)

    demographics = section(page, "demographics")
    values = {
        "Age": "34",
        "Gender": "Woman",
        "Location": "Leeds",
        "Income": "£40k",
        "Education": "BSc Nursing",
        "Family": "Partner, one child",
        "Job title": "Charge nurse",
        "Company": "NHS",
    }
    for label, value in values.items():
        fill_text(page, demographics, label, value)

    psycho = section(page, "psychographics")
    add_items(page, psycho, "trait", ["Disciplined"])
    add_items(page, psycho, "value", ["Community"])
    add_items(page, psycho, "interest", ["Trail running", "Podcasts"])
    fill_text(page, psycho, "Lifestyle", "Shift work, runs on days off")

    empathy = section(page, "empathy_map")
    for quadrant in ["says", "thinks", "does", "feels"]:
        add_items(page, empathy, f"{quadrant} item", [f"{quadrant.capitalize()} something"])

    channels = section(page, "channels")
    website = channels.locator("label.chip-toggle", has_text="Website")
    website.click()
    expect(website).to_have_class(re.compile(r"\bon\b"))
    saved(page)
    add_items(page, channels, "content type", ["How-to videos"])

    value = section(page, "value")
    fill_text(page, value, "Lifetime value", "1200")
    value.get_by_label("Churn risk").select_option("medium")
    saved(page)

    page.get_by_label("Tier", exact=True).select_option("primary")
    saved(page)
    fill_text(page, page.locator(".persona-hero"), "Bio", "Runs to stay sane.")

    page.reload()
    page.locator(".persona-hero").wait_for(timeout=20_000)
    expect(page.get_by_label("Persona name")).to_have_value(name)
    expect(section(page, "goals").get_by_label("Goal 1", exact=True)).to_have_value("Sleep well")
    expect(section(page, "demographics").get_by_label("Company", exact=True)).to_have_value("NHS")
    expect(channels.locator("label.chip-toggle", has_text="Website")).to_have_class(
        re.compile(r"\bon\b")
    )

    p = ana.api("GET", f"/api/personas/{persona_id}/")
    channel_ids = {c["name"]: c["id"] for c in listed(ana, "/api/channels/")}
    assert p["tier"] == "primary"
    assert p["bio"] == "Runs to stay sane."
    assert p["goals"] == ["Sleep well", "Run with friends", "Finish a marathon under 4h"]
    for key, (_, texts) in lists.items():
        assert p[key] == texts, key
    assert p["age"] == 34
    for label, value_text in values.items():
        if label != "Age":
            assert p[label.lower().replace(" ", "_")] == value_text
    assert p["personality"] == ["Disciplined"]
    assert p["values"] == ["Community"]
    assert p["interests"] == ["Trail running", "Podcasts"]
    assert p["lifestyle"] == "Shift work, runs on days off"
    assert p["empathy_map"] == {
        q: [f"{q.capitalize()} something"] for q in ["says", "thinks", "does", "feels"]
    }
    assert p["preferred_channels"] == [channel_ids["Website"]]
    assert p["preferred_content"] == ["How-to videos"]
    assert float(p["lifetime_value"]) == 1200
    assert p["churn_risk"] == "medium"


def listed(user: User, path: str) -> list[dict[str, Any]]:
    body = user.api("GET", f"{path}?workspace={user.app.workspace}")
    return body["results"] if isinstance(body, dict) else body


def test_two_editors_on_one_field_the_second_sees_the_other_value(ana: User, ben: User) -> None:
    persona = new_persona(ana, f"Shared {uuid.uuid4().hex[:4]}", bio="First bio")
    page = open_persona(ana, persona["id"])
    # Ben changes the name and the bio while Ana has the page open.
    ben.api(
        "PATCH",
        f"/api/personas/{persona['id']}/",
        {"name": "Ben's name", "bio": "Ben's bio", "base_version": persona["version"]},
    )
    name = page.get_by_label("Persona name")
    name.fill("Ana's name")
    name.press("Enter")
    notice = page.locator('.conflict-notice[data-field="name"]')
    expect(notice).to_contain_text("ben changed this while you were editing")
    expect(notice).to_contain_text("their value: Ben's name")
    expect(notice).to_contain_text("Ana's name")
    assert ben.api("GET", f"/api/personas/{persona['id']}/")["name"] == "Ben's name"

    # A field nobody else touched merges fine.
    fill_text(page, section(page, "demographics"), "Location", "Bristol")
    assert ben.api("GET", f"/api/personas/{persona['id']}/")["location"] == "Bristol"

    # "Use mine" sends Ana's value again on top of Ben's version.
    notice.get_by_role("button", name="Use mine").click()
    expect(notice).to_have_count(0)
    saved(page)
    assert ben.api("GET", f"/api/personas/{persona['id']}/")["name"] == "Ana's name"

    # Bio: Ana started from a stale version too (Ben edits again); she keeps his.
    current = ana.api("GET", f"/api/personas/{persona['id']}/")
    ben.api(
        "PATCH",
        f"/api/personas/{persona['id']}/",
        {"bio": "Ben's second bio", "base_version": current["version"]},
    )
    bio = page.get_by_label("Bio")
    bio.fill("Ana's bio")
    bio.press("Tab")
    bio_notice = page.locator('.conflict-notice[data-field="bio"]')
    expect(bio_notice).to_contain_text("their value: Ben's second bio")
    bio_notice.get_by_role("button", name="Keep theirs").click()
    expect(bio_notice).to_have_count(0)
    expect(bio).to_have_value("Ben's second bio")
    final = ben.api("GET", f"/api/personas/{persona['id']}/")
    assert final["bio"] == "Ben's second bio"
    assert final["location"] == "Bristol"


def test_history_lists_versions_and_restore_brings_back_an_old_name(ana: User) -> None:
    old = f"Old name {uuid.uuid4().hex[:4]}"
    persona = new_persona(ana, old)
    ana.api("PATCH", f"/api/personas/{persona['id']}/", {"name": "New name"})
    ana.api("PATCH", f"/api/personas/{persona['id']}/", {"goals": ["Save time"]})
    page = open_persona(ana, persona["id"])
    page.get_by_role("button", name="History").click()
    dialog = page.get_by_role("dialog", name="History")
    rows = dialog.locator(".version-row")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("Goals")
    second = dialog.locator('.version-row[data-version="2"]')
    expect(second).to_contain_text("Name")
    expect(second).to_contain_text("ana")
    second.get_by_role("button", name=re.compile("Show changes")).click()
    expect(second.locator(".diff-before")).to_contain_text(old)
    expect(second.locator(".diff-after")).to_contain_text("New name")

    first = dialog.locator('.version-row[data-version="1"]')
    first.get_by_role("button", name=re.compile("Restore this version")).click()
    first.get_by_role("button", name="Yes, restore").click()
    expect(rows).to_have_count(4)
    dialog.get_by_role("button", name="Close").click()
    expect(page.get_by_label("Persona name")).to_have_value(old)
    restored = ana.api("GET", f"/api/personas/{persona['id']}/")
    assert restored["name"] == old
    assert restored["goals"] == []


def test_mark_reviewed_with_a_note_clears_the_overdue_banner(ana: User) -> None:
    persona = new_persona(ana, f"Unreviewed {uuid.uuid4().hex[:4]}", goals=["Be heard"])
    page = open_persona(ana, persona["id"])
    expect(page.get_by_test_id("overdue-banner")).to_be_visible()
    expect(page.get_by_test_id("overdue-badge")).to_be_visible()
    page.get_by_role("button", name="Mark reviewed…").click()
    dialog = page.get_by_role("dialog", name=re.compile("^Review"))
    expect(dialog).to_contain_text("never reviewed")
    expect(dialog.locator(".diff-table")).to_contain_text("Goals")
    dialog.get_by_label("Review note (optional)").fill("Checked against three interviews.")
    dialog.get_by_role("button", name="Mark reviewed").click()
    expect(dialog).to_have_count(0)
    expect(page.get_by_test_id("overdue-banner")).to_have_count(0)
    expect(page.get_by_test_id("overdue-badge")).to_have_count(0)
    expect(page.get_by_test_id("last-reviewed")).not_to_have_text("never")
    reviews = ana.api("GET", f"/api/personas/{persona['id']}/reviews/")
    reviews = reviews["results"] if isinstance(reviews, dict) else reviews
    assert reviews[0]["note"] == "Checked against three interviews."
    assert reviews[0]["reviewed_by"] == "ana"
    page.reload()
    page.locator(".persona-hero").wait_for(timeout=20_000)
    expect(page.get_by_test_id("overdue-banner")).to_have_count(0)


@pytest.fixture
def viewer(browser: Browser, app: LiveApp) -> Iterator[User]:
    app.manage("shell", "-c", VIEWER_SCRIPT.format(workspace=app.workspace))
    user = User(browser, app, "vera", name="Vera Viewer")
    user.sign_in()
    yield user
    user.close()


def test_a_viewer_sees_the_persona_without_any_input(ana: User, viewer: User) -> None:
    persona = new_persona(ana, f"Read only {uuid.uuid4().hex[:4]}", goals=["Know more"], age=41)
    page = open_persona(viewer, persona["id"])
    expect(page.get_by_role("heading", name=persona["name"], level=1)).to_be_visible()
    expect(section(page, "goals")).to_contain_text("Know more")
    expect(section(page, "demographics")).to_contain_text("41")
    expect(page.get_by_text("Read only", exact=True)).to_be_visible()
    editor = page.locator(".persona-editor")
    assert editor.locator("input, textarea, select").count() == 0
    for name in ["Sections", "Mark reviewed…", "Use mine"]:
        expect(page.get_by_role("button", name=name)).to_have_count(0)


@pytest.fixture
def owner(browser: Browser, app: LiveApp, demo: Demo) -> Iterator[User]:
    # The axe script goes in as an inline <script>; a strict script-src would refuse it.
    user = User(browser, app, **DEMO_USER, bypass_csp=True)
    user.page.emulate_media(reduced_motion="reduce")
    user.sign_in()
    yield user
    user.close()


def test_the_editor_has_no_serious_wcag_violations(owner: User, demo: Demo) -> None:
    page = open_persona(owner, demo.persona_id)
    expect(page.get_by_test_id("save-status")).to_be_attached()
    page.locator(".research-box").get_by_text("interviews").first.wait_for()
    assert_accessible(page)
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / "persona-editor.png"), full_page=True)
    page.get_by_role("button", name="History").click()
    page.get_by_role("dialog", name="History").locator(
        ".version-row, .history-panel p"
    ).first.wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Close").click()
    page.get_by_role("button", name="Sections").click()
    expect(page.get_by_role("dialog", name="Persona sections")).to_be_visible()
    assert_accessible(page)


def test_sections_dialog_hides_and_reorders_sections_for_the_workspace(ana: User) -> None:
    template = ana.api("GET", f"/api/persona-template/?workspace={ana.app.workspace}")
    persona = new_persona(ana, f"Template {uuid.uuid4().hex[:4]}", objections=["Too dear"])
    try:
        page = open_persona(ana, persona["id"])
        page.get_by_role("button", name="Sections").click()
        dialog = page.get_by_role("dialog", name="Persona sections")
        dialog.get_by_label(re.compile(r"^Objections")).click()
        expect(dialog.get_by_label(re.compile(r"^Objections"))).not_to_be_checked()
        for _ in range(len(template["sections"]) - 1):
            dialog.get_by_role("button", name="Move Value attributes up").or_(
                dialog.get_by_role("button", name="Move Value up")
            ).click()
        dialog.get_by_role("button", name="Save sections").click()
        expect(dialog).to_have_count(0)
        order = page.locator("section[data-section]")
        expect(order.first).to_have_attribute("data-section", "value")
        expect(section(page, "objections")).to_have_count(0)
        # Hidden but filled in: still reachable.
        page.get_by_role("button", name=re.compile("Show hidden sections")).click()
        expect(section(page, "objections")).to_contain_text("Hidden")
        saved_template = ana.api("GET", f"/api/persona-template/?workspace={ana.app.workspace}")
        assert saved_template["sections"][0]["key"] == "value"
        assert not next(s for s in saved_template["sections"] if s["key"] == "objections")[
            "visible"
        ]
    finally:
        ana.api(
            "PUT",
            "/api/persona-template/",
            {
                "workspace": ana.app.workspace,
                "sections": [
                    {"key": s["key"], "visible": s["visible"]} for s in template["sections"]
                ],
            },
        )
