"""A product manager's feature list in the browser: create a feature, describe it, set its
status, tag a persona with a relevance by clicking, filter, untag and delete; every change
is in the API afterwards."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from .conftest import User


def _features(ana: User) -> list[dict[str, Any]]:
    listed = ana.api("GET", f"/api/features/?workspace={ana.app.workspace}")
    return listed["results"] if isinstance(listed, dict) else listed


def _eventually(ana: User, check: Any) -> None:
    for _ in range(40):
        if check():
            return
        ana.page.wait_for_timeout(250)
    assert check()


def test_create_tag_and_prioritise_a_feature(ana: User) -> None:
    page = ana.page
    page.goto(f"{ana.app.url}/features/")
    expect(page.get_by_role("heading", name="Features")).to_be_visible()
    page.get_by_label("New feature name").fill("Saved carts")
    page.get_by_role("button", name="Add feature").click()
    row = page.get_by_test_id("feature-row").filter(has=page.get_by_label("Name of Saved carts"))
    expect(row).to_be_visible()

    row.get_by_label("Description of Saved carts").fill("Keep a basket across devices")
    row.get_by_label("Status of Saved carts").select_option("planned")
    row.get_by_label("Tag a persona to Saved carts").select_option(label="Maya Okafor")
    relevance = row.get_by_role("radiogroup", name="Relevance of Saved carts to Maya Okafor")
    expect(relevance).to_be_visible()
    relevance.get_by_role("radio", name="5 of 5").click()
    expect(relevance.get_by_role("radio", name="5 of 5")).to_have_attribute("aria-checked", "true")

    def saved() -> bool:
        feature = next((f for f in _features(ana) if f["name"] == "Saved carts"), None)
        return bool(
            feature
            and feature["status"] == "planned"
            and feature["description"] == "Keep a basket across devices"
            and [t["relevance"] for t in feature["persona_tags"]] == [5]
        )

    _eventually(ana, saved)

    # The filters narrow the list; the persona filter keeps what is tagged to Maya.
    page.get_by_label("Filter by status").select_option("shipped")
    expect(page.get_by_test_id("feature-row")).to_have_count(0)
    expect(page.get_by_text("No feature matches these filters.")).to_be_visible()
    page.get_by_label("Filter by status").select_option("")
    page.get_by_label("Filter by persona").select_option(label="Maya Okafor")
    expect(page.get_by_test_id("feature-row")).to_have_count(1)
    page.get_by_label("Filter by persona").select_option("")

    row.get_by_role("button", name="Untag Maya Okafor from Saved carts").click()
    _eventually(
        ana,
        lambda: next(f for f in _features(ana) if f["name"] == "Saved carts")["persona_tags"] == [],
    )
    row.get_by_role("button", name="Delete Saved carts").click()
    expect(page.get_by_label("Name of Saved carts")).to_have_count(0)
    _eventually(ana, lambda: all(f["name"] != "Saved carts" for f in _features(ana)))
