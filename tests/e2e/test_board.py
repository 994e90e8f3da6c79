"""One person building a map in the browser: sign in, template, stages, cards, drag, edit,
reload."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from .conftest import User, stage_and_lane


def drag(page: Page, source: Locator, target: Locator) -> None:
    """A real pointer drag (press, move past the activation distance, move, release)."""
    start = source.bounding_box()
    end = target.bounding_box()
    assert start and end
    x, y = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 12, y + 12, steps=4)
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] - 12, steps=15)
    page.mouse.up()


def test_sign_in_redirects_and_bad_password_is_explained(app, browser) -> None:
    user = User(browser, app, "ana")
    page = user.page
    page.goto(f"{app.url}/personas/")
    page.wait_for_url(re.compile(r"/login/\?next="))
    page.get_by_label("Username").fill("ana")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Wrong username or password")
    page.get_by_label("Password").fill("journey-e2e-pass")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{app.url}/personas/")
    expect(page.get_by_role("heading", name="Personas")).to_be_visible()
    user.close()


def test_create_a_map_from_a_template(ana: User) -> None:
    page = ana.page
    page.get_by_role("button", name="+ New journey map").click()
    page.get_by_label("Title").fill("Checkout on mobile")
    page.locator(".template-option", has_text="B2C purchase journey").click()
    page.get_by_role("button", name="Create map").click()
    page.wait_for_url(re.compile(r"/maps/[0-9a-f-]{36}/$"))
    ana.wait_live()
    expect(page.locator(".board-title")).to_contain_text("Checkout on mobile")
    document = ana.board()
    assert len(document["stages"]) >= 4
    expect(page.locator(".stage-head")).to_have_count(len(document["stages"]))
    expect(page.locator(".lane-head")).to_have_count(len(document["lanes"]))
    # The new map is listed at home.
    page.goto(f"{ana.app.url}/")
    expect(page.locator(".map-card", has_text="Checkout on mobile")).to_be_visible()


def test_build_a_board_drag_edit_and_reload(ana: User) -> None:
    map_id = ana.new_map("Workshop board")
    ana.open_map(map_id)
    page = ana.page

    page.get_by_role("button", name="Add stage").click()
    name = page.get_by_role("textbox", name="Stage name")
    name.fill("Loyalty")
    name.press("Enter")
    expect(page.locator(".stage-head", has_text="Loyalty")).to_be_visible()

    page.get_by_role("button", name="Add card to Customer actions in Before").click()
    composer = page.get_by_label("New card in Customer actions, Before")
    composer.fill("Reads reviews")
    composer.press("Enter")
    composer.fill("Asks a friend")
    composer.press("Enter")
    composer.press("Escape")

    document = ana.board()
    during, actions = stage_and_lane(document, "During", "Customer actions")
    card = page.locator('.item[data-entity="card"]', has_text="Reads reviews")
    target = page.locator(f'.cell[data-stage="{during}"][data-lane="{actions}"]')
    drag(page, card, target)
    expect(target.locator(".item", has_text="Reads reviews")).to_be_visible()

    friend = page.locator('.item[data-entity="card"]', has_text="Asks a friend")
    friend.focus()
    page.keyboard.press("Enter")
    title = page.get_by_role("textbox", name="card title")
    title.fill("Asks two friends")
    title.press("Enter")
    expect(page.locator(".item", has_text="Asks two friends")).to_be_visible()

    ana.wait_live()
    page.reload()
    ana.wait_live()
    expect(page.locator(".stage-head", has_text="Loyalty")).to_be_visible()
    expect(target.locator(".item", has_text="Reads reviews")).to_be_visible()
    before, _ = stage_and_lane(ana.board(), "Before", "Customer actions")
    cell = page.locator(f'.cell[data-stage="{before}"][data-lane="{actions}"]')
    expect(cell.locator(".item", has_text="Asks two friends")).to_be_visible()
    saved = ana.api("GET", f"/api/maps/{map_id}/")
    titles = {card["title"]: card["stage"] for card in saved["cards"]}
    assert titles == {"Reads reviews": during, "Asks two friends": before}


def test_keyboard_moves_a_card_to_the_next_stage(ana: User) -> None:
    map_id = ana.new_map("Keyboard map")
    ana.open_map(map_id)
    page = ana.page
    page.get_by_role("button", name="Add card to Thoughts in Before").click()
    composer = page.get_by_label("New card in Thoughts, Before")
    composer.fill("Is this worth it?")
    composer.press("Enter")
    composer.press("Escape")
    card = page.locator('.item[data-entity="card"]', has_text="Is this worth it?")
    card.focus()
    page.keyboard.press("Alt+ArrowRight")
    during, thoughts = stage_and_lane(ana.board(), "During", "Thoughts")
    moved = page.locator(f'.cell[data-stage="{during}"][data-lane="{thoughts}"] .item')
    expect(moved).to_have_text(re.compile("Is this worth it"))
    expect(moved).to_be_focused()
    ana.wait_live()
    saved = ana.api("GET", f"/api/maps/{map_id}/")
    assert [c["stage"] for c in saved["cards"]] == [during]


def test_drag_a_stage_to_reorder_it(ana: User) -> None:
    map_id = ana.new_map("Reorder stages")
    ana.open_map(map_id)
    page = ana.page
    after = page.locator(".stage-head", has_text="After")
    before = page.locator(".stage-head", has_text="Before")
    after.hover()
    drag(page, after.get_by_role("button", name="Move stage After"), before)
    expect(page.locator(".stage-head").first).to_contain_text("After")
    ana.wait_live()
    saved = ana.api("GET", f"/api/maps/{map_id}/")
    assert [stage["name"] for stage in saved["stages"]] == ["After", "Before", "During"]
    # Lanes reorder from the keyboard: Alt+Down on a lane's handle.
    page.get_by_role("button", name="Move lane Customer actions").focus()
    page.keyboard.press("Alt+ArrowDown")
    expect(page.locator(".lane-head").nth(1)).to_contain_text("Customer actions")
    ana.wait_live()
    saved = ana.api("GET", f"/api/maps/{map_id}/")
    assert [lane["name"] for lane in saved["lanes"]][:2] == ["Thoughts", "Customer actions"]


def test_persona_page_shows_fields_and_a_review_warning(ana: User) -> None:
    page = ana.page
    page.get_by_role("link", name="Personas", exact=True).click()
    page.locator(".repo-card", has_text="Maya Okafor").get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="Maya Okafor")).to_be_attached()
    # Never reviewed: stale.
    expect(page.get_by_test_id("overdue-banner")).to_contain_text("Review overdue")
    expect(page.get_by_label("Empathy map")).to_be_visible()
