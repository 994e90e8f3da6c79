"""A product manager's feature list in the browser: create a feature, describe it, set its
status, tag a persona with a relevance by clicking, filter, untag and delete; the priority
score reorders the list as personas are tagged, and friction points are linked from a picker
(an op on the map) and shown on the board. Every change is in the API afterwards."""

from __future__ import annotations

import re
import uuid
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


def _row(ana: User, name: str) -> Any:
    page = ana.page
    return page.get_by_test_id("feature-row").filter(has=page.get_by_label(f"Name of {name}"))


def _order(ana: User, names: set[str]) -> list[str]:
    """The names of the listed features, top to bottom, keeping only `names`."""
    values = ana.page.locator("[data-testid=feature-row] input.feature-name").evaluate_all(
        "inputs => inputs.map((input) => input.value)"
    )
    return [value for value in values if value in names]


def _friction_map(ana: User, title: str, friction: str, severity: int) -> tuple[str, str]:
    """A blank map with one friction point: (map id, friction id)."""
    map_id = ana.new_map(title)
    document = ana.api("GET", f"/api/maps/{map_id}/")
    lane = next(lane["id"] for lane in document["lanes"] if lane["kind"] == "friction")
    friction_id = str(uuid.uuid4())
    ana.api(
        "POST",
        f"/api/maps/{map_id}/ops/",
        {
            "op_id": str(uuid.uuid4()),
            "ops": [
                {
                    "action": "create",
                    "entity": "friction",
                    "id": friction_id,
                    "fields": {
                        "stage": document["stages"][0]["id"],
                        "lane": lane,
                        "title": friction,
                        "severity": severity,
                    },
                }
            ],
        },
    )
    return map_id, friction_id


def _delete_features(ana: User, names: set[str]) -> None:
    for feature in _features(ana):
        if feature["name"] in names:
            ana.api("DELETE", f"/api/features/{feature['id']}/")


def test_tagging_a_persona_reorders_the_features_by_priority(ana: User) -> None:
    names = {"Wishlist sharing", "Gift wrapping"}
    for name in sorted(names):
        ana.api("POST", "/api/features/", {"workspace": ana.app.workspace, "name": name})
    page = ana.page
    try:
        page.goto(f"{ana.app.url}/features/")
        wishlist, gifts = _row(ana, "Wishlist sharing"), _row(ana, "Gift wrapping")
        expect(wishlist.get_by_test_id("feature-score")).to_have_text("0")
        # Equal scores: by name.
        assert _order(ana, names) == ["Gift wrapping", "Wishlist sharing"]

        wishlist.get_by_label("Tag a persona to Wishlist sharing").select_option(
            label="Maya Okafor"
        )
        # Maya is a primary persona (3) at the default relevance (3).
        expect(wishlist.get_by_test_id("feature-score")).to_have_text("9")
        assert _order(ana, names) == ["Wishlist sharing", "Gift wrapping"]
        relevance = wishlist.get_by_role(
            "radiogroup", name="Relevance of Wishlist sharing to Maya Okafor"
        )
        relevance.get_by_role("radio", name="5 of 5").click()
        expect(wishlist.get_by_test_id("feature-score")).to_have_text("15")

        # The breakdown shows on hover and is the score's accessible description.
        score = wishlist.get_by_role("button", name="Priority score of Wishlist sharing: 15")
        score.hover()
        tip = wishlist.get_by_role("tooltip")
        expect(tip).to_be_visible()
        expect(tip).to_contain_text("Maya Okafor: primary 3 × relevance 5 = 15")
        expect(score).to_have_accessible_description(
            re.compile(r"Priority 15 = personas \+ reach \+ friction")
        )

        page.get_by_label("Sort features by").select_option("name")
        assert _order(ana, names) == ["Gift wrapping", "Wishlist sharing"]
        page.get_by_label("Minimum score").fill("10")
        expect(gifts).to_have_count(0)
        expect(wishlist).to_have_count(1)
        page.get_by_label("Minimum score").fill("")
        expect(gifts).to_have_count(1)

        _eventually(
            ana,
            lambda: (
                [
                    row["name"]
                    for row in ana.api(
                        "GET", f"/api/feature-priorities/?workspace={ana.app.workspace}"
                    )
                    if row["name"] in names
                ]
                == ["Wishlist sharing", "Gift wrapping"]
            ),
        )
    finally:
        _delete_features(ana, names)


def test_a_friction_point_is_linked_from_the_picker_and_shown_on_the_board(ana: User) -> None:
    map_id, friction_id = _friction_map(ana, "Checkout journey", "Card declined", 5)
    feature = ana.api(
        "POST", "/api/features/", {"workspace": ana.app.workspace, "name": "Retry payment"}
    )
    page = ana.page
    try:
        page.goto(f"{ana.app.url}/features/")
        row = _row(ana, "Retry payment")
        row.get_by_role("button", name="Link friction points to Retry payment").click()
        picker = row.get_by_role("group", name="Friction points to link to Retry payment")
        group = picker.locator("fieldset").filter(has_text="Checkout journey")
        box = group.get_by_role("checkbox", name=re.compile("Card declined"))
        # The box shows what the friction point holds, so it turns checked once the op's
        # optimistic update lands (a tick later): click, then wait for it.
        box.click()
        expect(box).to_be_checked()

        def linked() -> list[str]:
            document = ana.api("GET", f"/api/maps/{map_id}/")
            return next(f for f in document["frictions"] if f["id"] == friction_id)["features"]

        _eventually(ana, lambda: linked() == [feature["id"]])
        # No event log on that map: the friction point counts by its severity alone.
        expect(row.get_by_test_id("feature-score")).to_have_text("5")
        resolved = row.get_by_role("list", name="Friction points resolved by Retry payment")
        expect(resolved).to_contain_text("Card declined")
        row.get_by_test_id("feature-score").focus()
        expect(row.get_by_role("tooltip")).to_contain_text("severity 5, no event log")

        # The board shows what resolves the friction point.
        page.goto(f"{ana.app.url}/maps/{map_id}/")
        ana.wait_live()
        expect(page.get_by_test_id("resolved-by")).to_contain_text("Retry payment")

        page.goto(f"{ana.app.url}/features/")
        _row(ana, "Retry payment").get_by_role(
            "button", name="Unlink Card declined from Retry payment"
        ).click()
        _eventually(ana, lambda: linked() == [])
        expect(_row(ana, "Retry payment").get_by_test_id("feature-score")).to_have_text("0")
    finally:
        _delete_features(ana, {"Retry payment"})
        ana.api("DELETE", f"/api/maps/{map_id}/")
