"""The persona repository in the browser: search, filters and sort kept in the URL; picking
personas to compare side by side with their differences marked; the photo editor (drop,
crop, save; a non-image refused); what a persona appears in; the home page's overdue
reviews; and the repository and comparison pages checked for WCAG violations."""

from __future__ import annotations

import base64
import io
import re
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from .conftest import LiveApp, User, apply_ops
from .test_accessibility import assert_accessible


def new_persona(user: User, name: str, **fields: Any) -> dict[str, Any]:
    body = {"workspace": user.app.workspace, "name": name, **fields}
    return user.api("POST", "/api/personas/", body)


def card(page: Page, name: str):  # noqa: ANN201 - a Playwright Locator
    return page.locator("article.repo-card").filter(
        has=page.get_by_role("heading", name=name, exact=True)
    )


def png(width: int = 640, height: int = 400) -> bytes:
    image = Image.new("RGB", (width, height), "#0d9488")
    for x in range(width // 2, width):
        for y in range(0, height, 4):
            image.putpixel((x, y), (250, 204, 21))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def auditor(browser: Browser, app: LiveApp) -> Iterator[User]:
    # The axe script goes in as an inline <script>; a strict script-src would refuse it.
    user = User(browser, app, "ana", bypass_csp=True)
    user.page.emulate_media(reduced_motion="reduce")
    user.sign_in()
    yield user
    user.close()


def test_repository_search_filters_and_sort_live_in_the_url(ana: User) -> None:
    tag = uuid.uuid4().hex[:5]
    reviewed = new_persona(ana, f"Quill {tag} Reviewed", tier="primary", job_title="Buyer")
    ana.api("POST", f"/api/personas/{reviewed['id']}/review/", {})
    older = new_persona(ana, f"Quill {tag} Older", tier="primary", company="Harbour Ltd")
    long_ago = (date.today() - timedelta(days=400)).isoformat()
    ana.api("POST", f"/api/personas/{older['id']}/review/", {"reviewed_on": long_ago})
    never = new_persona(ana, f"Quill {tag} Never", tier="secondary", bio="Rarely buys online")
    page = ana.page

    page.goto(f"{ana.app.url}/personas/")
    expect(page.get_by_role("link", name="+ New persona")).to_have_attribute(
        "href", "/personas/new/"
    )
    expect(page.locator(".repo-counts")).to_contain_text(re.compile(r"\d+ personas · \d+ overdue"))
    page.get_by_placeholder("Search name, job, company, bio").fill(f"quill {tag}")
    expect(page.locator("article.repo-card")).to_have_count(3)
    expect(page).to_have_url(re.compile(rf"q=quill\+{tag}"))
    # Bio and company are searched too.
    page.get_by_placeholder("Search name, job, company, bio").fill("rarely buys")
    expect(page.locator("article.repo-card")).to_have_count(1)
    expect(card(page, never["name"])).to_be_visible()
    page.get_by_placeholder("Search name, job, company, bio").fill(f"quill {tag}")

    # Each card says its tier, review state, last review and owner.
    expect(card(page, never["name"])).to_contain_text("Never reviewed")
    expect(card(page, older["name"])).to_contain_text("Review overdue")
    expect(card(page, reviewed["name"]).locator(".badge-warn")).to_have_count(0)
    expect(card(page, reviewed["name"])).to_contain_text("Owner")

    review = page.get_by_role("combobox", name=re.compile("^Review"))
    page.get_by_label("Tier").select_option("secondary")
    expect(page.locator("article.repo-card")).to_have_count(1)
    expect(card(page, never["name"])).to_be_visible()
    page.get_by_label("Tier").select_option("all")

    review.select_option("overdue")
    expect(page.locator("article.repo-card")).to_have_count(2)
    expect(card(page, reviewed["name"])).to_have_count(0)
    review.select_option("current")
    expect(page.locator("article.repo-card")).to_have_count(1)
    expect(card(page, reviewed["name"])).to_be_visible()
    review.select_option("all")

    names = page.locator("article.repo-card h3")
    page.get_by_label("Sort").select_option("reviewed")
    expect(names).to_have_text([never["name"], older["name"], reviewed["name"]])
    page.get_by_label("Sort").select_option("-reviewed")
    expect(names).to_have_text([reviewed["name"], older["name"], never["name"]])
    page.get_by_label("Sort").select_option("name")
    expect(names).to_have_text([never["name"], older["name"], reviewed["name"]])

    # The state is the URL's: a reload (or a shared link) shows the same list.
    page.get_by_label("Tier").select_option("primary")
    page.get_by_label("Sort").select_option("-reviewed")
    page.reload()
    expect(page.get_by_label("Tier")).to_have_value("primary")
    expect(page.get_by_placeholder("Search name, job, company, bio")).to_have_value(f"quill {tag}")
    expect(names).to_have_text([reviewed["name"], older["name"]])


def test_compare_two_personas_from_the_repository(ana: User) -> None:
    tag = uuid.uuid4().hex[:5]
    first = new_persona(
        ana,
        f"Rhea {tag}",
        tier="primary",
        location="Lisbon",
        age=34,
        goals=["Save time", "Look professional"],
    )
    second = new_persona(
        ana,
        f"Soren {tag}",
        tier="secondary",
        location="Lisbon",
        age=51,
        goals=["save time", "Spend less"],
    )
    page = ana.page
    page.goto(f"{ana.app.url}/personas/?q={tag}")
    expect(page.locator("article.repo-card")).to_have_count(2)
    page.get_by_role("button", name="Compare", exact=True).click()
    compare = page.get_by_role("button", name="Compare selected")
    expect(compare).to_be_disabled()
    for persona in (first, second):
        box = page.get_by_label(f"Select {persona['name']} for comparison")
        box.click()
        expect(box).to_be_checked()
    expect(page.locator(".repo-compare-bar")).to_contain_text("2 of 4 selected")
    compare.click()

    expect(page).to_have_url(re.compile(rf"/personas/compare/\?ids={first['id']},{second['id']}"))
    table = page.locator("table.compare-table")
    expect(table.get_by_role("columnheader", name=re.compile(first["name"]))).to_be_visible()
    expect(table.get_by_role("columnheader", name=re.compile(second["name"]))).to_be_visible()
    tier = table.locator("tr[data-row=tier]")
    expect(tier.locator("td.cmp-diff")).to_have_count(2)
    expect(table.locator("tr[data-row=age] td.cmp-diff")).to_have_count(2)
    location = table.locator("tr[data-row=location]")
    expect(location).to_be_visible()
    expect(location.locator("td.cmp-diff")).to_have_count(0)
    goals = table.locator("tr[data-row=goals]")
    expect(goals.locator("li.cmp-all")).to_have_count(2)
    expect(goals.locator("li.cmp-all").first).to_contain_text("shared")
    expect(goals.locator("li.cmp-unique")).to_have_text(["Look professional", "Spend less"])

    toggle = page.get_by_label("Show differences only")
    toggle.click()
    expect(toggle).to_be_checked()
    expect(location).to_have_count(0)
    expect(tier).to_be_visible()
    expect(goals).to_be_visible()
    expect(page).to_have_url(re.compile(r"diff=1"))

    # Removing one leaves a single persona and the URL says so.
    page.get_by_role("button", name=f"Remove {second['name']} from the comparison").click()
    expect(page).to_have_url(re.compile(rf"ids={first['id']}(&|$)"))
    expect(page.get_by_text("Add at least one more persona to compare.")).to_be_visible()
    page.get_by_label("Add persona").select_option(second["id"])
    expect(page).to_have_url(
        re.compile(rf"ids={first['id']}%2C{second['id']}|ids={first['id']},{second['id']}")
    )
    expect(tier.locator("td.cmp-diff")).to_have_count(2)


def test_upload_crop_and_remove_a_photo_and_refuse_a_non_image(ana: User) -> None:
    persona = new_persona(ana, f"Photo {uuid.uuid4().hex[:5]}", color="#7c3aed")
    page = ana.page
    page.goto(f"{ana.app.url}/personas/{persona['id']}/")
    editor = page.locator(".photo-editor")
    expect(editor.get_by_role("button", name="Upload photo")).to_be_visible()

    # A text file is refused before anything is sent.
    with page.expect_file_chooser() as chooser:
        editor.get_by_role("button", name="Upload photo").click()
    chooser.value.set_files(
        {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"not a picture"}
    )
    expect(editor.get_by_role("alert")).to_contain_text("is not a JPEG, PNG or WebP image")
    expect(page.get_by_role("dialog")).to_have_count(0)

    # Drop a PNG on the avatar: the crop dialog opens with its zoom slider.
    drop = page.get_by_test_id("photo-drop")
    transfer = page.evaluate_handle(
        """([data, name]) => {
            const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, {type: 'image/png'}));
            return transfer;
        }""",
        [base64.b64encode(png()).decode(), "face.png"],
    )
    drop.dispatch_event("dragenter", {"dataTransfer": transfer})
    drop.dispatch_event("drop", {"dataTransfer": transfer})
    dialog = page.get_by_role("dialog", name="Crop photo")
    expect(dialog).to_be_visible()
    expect(editor.get_by_role("alert")).to_have_count(0)
    expect(dialog.get_by_role("img", name="The photo being cropped")).to_be_visible()
    dialog.get_by_label("Zoom").fill("2")
    save = dialog.get_by_role("button", name="Save photo")
    expect(save).to_be_enabled()
    save.click()
    expect(dialog).to_have_count(0)

    photo = editor.locator("img.avatar-photo")
    expect(photo).to_be_visible()
    src = photo.get_attribute("src")
    assert src
    served = page.request.get(src if src.startswith("http") else f"{ana.app.url}{src}")
    assert served.ok
    assert served.headers["content-type"].startswith("image/")
    kept = Image.open(io.BytesIO(served.body()))
    assert kept.size == (512, 512)
    assert ana.api("GET", f"/api/personas/{persona['id']}/")["photo"]

    # A second photo replaces the first.
    with page.expect_file_chooser() as chooser:
        editor.get_by_role("button", name="Change photo").last.click()
    chooser.value.set_files({"name": "wide.png", "mimeType": "image/png", "buffer": png(900, 300)})
    dialog.get_by_role("button", name="Save photo").click()
    expect(dialog).to_have_count(0)
    expect(photo).not_to_have_attribute("src", src)

    editor.get_by_role("button", name="Remove photo").click()
    expect(photo).to_have_count(0)
    expect(editor.get_by_role("button", name="Upload photo")).to_be_visible()
    assert ana.api("GET", f"/api/personas/{persona['id']}/")["photo"] is None


def test_persona_usage_lists_maps_and_features(ana: User) -> None:
    persona = new_persona(ana, f"Usage {uuid.uuid4().hex[:5]}")
    title = f"Harbour onboarding {uuid.uuid4().hex[:4]}"
    map_id = ana.new_map(title)
    apply_ops(
        ana,
        map_id,
        [
            {
                "action": "update",
                "entity": "map",
                "id": map_id,
                "fields": {"personas": [persona["id"]]},
            }
        ],
    )
    feature = f"Saved boats {uuid.uuid4().hex[:4]}"
    ana.api(
        "POST",
        "/api/features/",
        {
            "workspace": ana.app.workspace,
            "name": feature,
            "persona_tags": [{"persona": persona["id"], "relevance": 4}],
        },
    )
    page = ana.page
    page.goto(f"{ana.app.url}/personas/{persona['id']}/")
    usage = page.locator("section.persona-usage")
    maps = usage.get_by_role("group", name=re.compile("Journey maps"))
    expect(maps.get_by_role("link", name=title)).to_have_attribute("href", f"/maps/{map_id}/")
    expect(maps.locator(".count")).to_have_text("1")
    features = usage.get_by_role("group", name=re.compile("Features"))
    expect(features.get_by_role("link", name=feature)).to_have_attribute("href", "/features/")
    expect(features).to_contain_text("relevance 4 of 5")
    expect(usage.get_by_role("group", name=re.compile("Segments"))).to_contain_text(
        "No segment quantifies this persona."
    )
    expect(usage.get_by_role("group", name=re.compile("Friction points"))).to_contain_text(
        "No friction point"
    )


def test_home_lists_overdue_personas_until_reviewed(ana: User) -> None:
    persona = new_persona(ana, f"Overdue {uuid.uuid4().hex[:5]}")
    page = ana.page
    page.goto(f"{ana.app.url}/")
    section = page.locator("section.overdue-reviews")
    row = section.locator(f"li[data-persona='{persona['id']}']")
    expect(row).to_be_visible()
    expect(row).to_contain_text("never")
    expect(row.get_by_role("link", name=persona["name"])).to_have_attribute(
        "href", f"/personas/{persona['id']}/"
    )
    ana.api("POST", f"/api/personas/{persona['id']}/review/", {"note": "Checked with research"})
    page.reload()
    expect(section.get_by_role("heading", name="Overdue reviews")).to_be_visible()
    expect(row).to_have_count(0)


def test_repository_and_comparison_pass_axe(auditor: User) -> None:
    tag = uuid.uuid4().hex[:5]
    first = new_persona(auditor, f"Axe {tag} One", goals=["Fast answers"], location="Porto")
    second = new_persona(
        auditor, f"Axe {tag} Two", tier="secondary", goals=["Fast answers", "Low cost"]
    )
    page = auditor.page
    page.goto(f"{auditor.app.url}/personas/?compare=1")
    expect(page.locator("article.repo-card").first).to_be_visible()
    assert_accessible(page)
    page.goto(f"{auditor.app.url}/personas/compare/?ids={first['id']},{second['id']}")
    expect(page.locator("table.compare-table tr[data-row=tier]")).to_be_visible()
    assert_accessible(page)
