"""The trash in the browser: deleting a map from the home page or a persona from the
repository moves it to the trash (with an Undo), and /trash/ brings it back as it was."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from .conftest import LiveApp, User, add_cards
from .test_accessibility import assert_accessible


def test_a_map_deleted_from_the_home_page_comes_back_with_its_cards(ana: User) -> None:
    title = f"Returns {uuid.uuid4().hex[:6]}"
    map_id = ana.new_map(title, template="b2c_purchase")
    document = ana.api("GET", f"/api/maps/{map_id}/")
    stage = document["stages"][0]["name"]
    lane = next(row["name"] for row in document["lanes"] if row["kind"] == "actions")
    add_cards(ana, map_id, stage, lane, ["Print the label", "Drop at the store"])
    page = ana.page
    page.goto(f"{ana.app.url}/")
    card = page.locator(".map-card-wrap").filter(has_text=title)
    card.get_by_role("button", name=f"Delete map {title}").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("trash for 30 days")
    dialog.get_by_role("button", name="Move to trash").click()
    notice = page.get_by_test_id("trash-notice")
    expect(notice).to_contain_text("moved to trash")
    expect(card).to_have_count(0)

    # Undo from the notice: the map is back on the home page.
    notice.get_by_role("button", name="Undo").click()
    expect(notice).to_contain_text("restored")
    expect(page.locator(".map-card-wrap").filter(has_text=title)).to_have_count(1)

    # Delete again, then restore from the Trash page and open it.
    page.locator(".map-card-wrap").filter(has_text=title).get_by_role(
        "button", name=f"Delete map {title}"
    ).click()
    page.get_by_role("dialog").get_by_role("button", name="Move to trash").click()
    expect(page.locator(".map-card-wrap").filter(has_text=title)).to_have_count(0)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Trash").click()
    page.wait_for_url(f"{ana.app.url}/trash/")
    row = page.locator(f'.trash-row[data-id="{map_id}"]')
    expect(row).to_contain_text(title)
    expect(row).to_contain_text("Deleted by Ana Alvarez")
    expect(row).to_contain_text("Deleted for good on")
    expect(row).to_contain_text("30 days left")
    # Editors restore; only owners delete for good.
    expect(row.get_by_role("button", name=f"Delete forever {title}")).to_have_count(0)
    row.get_by_role("button", name=f"Restore {title}").click()
    expect(row).to_have_count(0)
    page.get_by_role("link", name=f"Open {title}").click()
    page.wait_for_url(f"{ana.app.url}/maps/{map_id}/")
    ana.wait_live()
    expect(page.get_by_text("Print the label")).to_be_visible()
    expect(page.get_by_text("Drop at the store")).to_be_visible()


def test_a_persona_deleted_from_the_repository_is_restored_from_the_trash(ana: User) -> None:
    name = f"Rosa {uuid.uuid4().hex[:6]}"
    persona = ana.api("POST", "/api/personas/", {"workspace": ana.app.workspace, "name": name})
    page = ana.page
    page.goto(f"{ana.app.url}/personas/")
    card = page.locator(f'[data-persona="{persona["id"]}"]')
    card.get_by_role("button", name=f"Delete persona {name}").click()
    page.get_by_role("dialog").get_by_role("button", name="Move to trash").click()
    expect(page.get_by_test_id("trash-notice")).to_contain_text(name)
    expect(card).to_have_count(0)

    page.get_by_test_id("trash-notice").get_by_role("link", name="Open trash").click()
    page.wait_for_url(f"{ana.app.url}/trash/")
    row = page.locator(f'.trash-row[data-id="{persona["id"]}"]')
    expect(row).to_contain_text("Persona")
    row.get_by_role("button", name=f"Restore {name}").click()
    page.get_by_role("link", name=f"Open {name}").click()
    page.wait_for_url(f"{ana.app.url}/personas/{persona['id']}/")
    page.goto(f"{ana.app.url}/personas/")
    expect(page.locator(f'[data-persona="{persona["id"]}"]')).to_have_count(1)


@pytest.fixture
def owner(browser: Browser, app: LiveApp) -> Iterator[User]:
    """An owner of the e2e workspace, who also sees "Delete forever"."""
    app.manage(
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model\n"
        "from journeymap.workspaces.models import Membership\n"
        "user, made = get_user_model().objects.get_or_create(username='olga')\n"
        "user.first_name, user.last_name = 'Olga', 'Owner'\n"
        "user.set_password('journey-e2e-pass'); user.save()\n"
        f"Membership.objects.get_or_create(workspace_id='{app.workspace}', user=user,"
        " defaults={'role': 'owner'})\n",
    )
    user = User(browser, app, "olga", name="Olga Owner", bypass_csp=True)
    user.page.emulate_media(reduced_motion="reduce")
    user.sign_in()
    yield user
    user.close()


def test_the_trash_page_is_accessible_and_owners_delete_for_good(owner: User) -> None:
    page = owner.page
    page.goto(f"{owner.app.url}/trash/")
    expect(page.get_by_role("heading", name="Trash")).to_be_visible()
    page.locator(".trash-list, .trash-empty").first.wait_for()
    assert_accessible(page)

    title = f"Old pilot {uuid.uuid4().hex[:6]}"
    map_id = owner.new_map(title)
    owner.api("DELETE", f"/api/maps/{map_id}/")
    page.reload()
    row = page.locator(f'.trash-row[data-id="{map_id}"]')
    expect(row).to_contain_text("Deleted by Olga Owner")
    assert_accessible(page)
    row.get_by_role("button", name=f"Delete forever {title}").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("cannot be restored")
    assert_accessible(page)
    dialog.get_by_role("button", name="Delete forever").click()
    expect(row).to_have_count(0)
    listed = owner.api("GET", f"/api/trash/?workspace={owner.app.workspace}")
    assert map_id not in [item["id"] for item in listed]
