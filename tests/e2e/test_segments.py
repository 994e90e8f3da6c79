"""Segments in the browser: a rule built with the rule builder, its live size, saving it and
finding it in the list; and the segment pages checked for WCAG violations."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from journeymap.demo.customers import SHELL_JACKET

from .conftest import DEMO_USER, Demo, LiveApp, User
from .test_accessibility import assert_accessible

# "Bought X in the last 3 months and spent more than 500", as the API stores it.
RULES = {
    "all": [
        {
            "purchases": {"product": SHELL_JACKET, "within_days": 90},
            "agg": "count",
            "op": "gte",
            "value": 1,
        },
        {"purchases": {}, "agg": "sum", "op": "gt", "value": 500},
    ]
}


@pytest.fixture
def owner(browser: Browser, app: LiveApp, demo: Demo) -> Iterator[User]:
    # The axe script goes in as an inline <script>; a strict script-src would refuse it.
    user = User(browser, app, **DEMO_USER, bypass_csp=True)
    user.page.emulate_media(reduced_motion="reduce")
    user.sign_in()
    yield user
    user.close()


def add_condition(page: Page, field: str) -> None:
    """Add a condition to the top group and pick its field."""
    root = page.locator(".rule-builder .ruleGroup").first
    before = root.locator(".rule").count()
    root.get_by_role("button", name="+ Condition").first.click()
    rule = root.locator(".rule").nth(before)
    rule.get_by_title("Field").select_option(label=field)


def test_build_a_segment_with_the_rule_builder_see_its_size_and_save_it(
    owner: User, demo: Demo
) -> None:
    page = owner.page
    expected = owner.api(
        "POST", "/api/segments/preview/", {"workspace": demo.workspace, "rules": RULES}
    )
    assert 0 < expected["size"] < expected["total"]
    name = f"Shell buyers who spend {uuid.uuid4().hex[:4]}"

    page.goto(f"{owner.app.url}/segments/new/")
    page.get_by_label("Name").fill(name)
    preview = page.get_by_test_id("segment-preview")
    # No rules yet: everyone.
    expect(preview).to_contain_text(f"{expected['total']} of {expected['total']} customers")

    add_condition(page, "Number of purchases")
    first = page.locator(".rule-builder .rule").nth(0)
    expect(first.get_by_title("Comparison")).to_have_value(">=")
    expect(first.get_by_label("Number of purchases")).to_have_value("1")
    first.get_by_label("Product (blank for any product)").fill(SHELL_JACKET)
    first.get_by_label(re.compile("^Within the last")).fill("90")

    add_condition(page, "Amount spent")
    second = page.locator(".rule-builder .rule").nth(1)
    second.get_by_title("Comparison").select_option(label=">")
    # While the amount is blank the page says what is missing instead of counting.
    expect(preview).to_contain_text("Amount spent: enter a number.")
    second.get_by_label("Amount spent").fill("500")

    expect(preview).to_contain_text(
        f"{expected['size']} of {expected['total']} customers", timeout=10_000
    )
    assert_accessible(page)

    page.get_by_role("checkbox", name="Priya Raman").check()
    page.get_by_role("button", name="Create segment").click()
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()
    segment_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    saved = owner.api("GET", f"/api/segments/{segment_id}/")
    assert saved["rules"] == RULES
    assert saved["size"] == expected["size"]
    expect(page.get_by_role("link", name="Download members CSV")).to_have_attribute(
        "href", f"/api/segments/{segment_id}/customers.csv"
    )
    # Saving recorded today's size: the chart has its first point.
    expect(
        page.get_by_role("img", name=re.compile(f"^{expected['size']} customers on"))
    ).to_be_visible()

    page.get_by_role("link", name="Segments", exact=True).first.click()
    row = page.get_by_test_id("segment-row").filter(has_text=name)
    expect(row).to_be_visible()
    expect(row).to_contain_text(str(expected["size"]))
    expect(row.get_by_role("link", name="Priya Raman")).to_be_visible()

    # And the other side: the persona lists the segment with its live size.
    row.get_by_role("link", name="Priya Raman").click()
    segments = page.get_by_role("region", name="Segments")
    expect(segments.get_by_role("link", name=name)).to_be_visible()
    expect(segments.get_by_role("listitem").filter(has_text=name)).to_contain_text(
        f"{expected['size']} customers"
    )


def test_editing_a_segment_keeps_the_rules_and_saves_the_change(owner: User, demo: Demo) -> None:
    page = owner.page
    created = owner.api(
        "POST",
        "/api/segments/",
        {"workspace": demo.workspace, "name": f"Edit me {uuid.uuid4().hex[:4]}", "rules": RULES},
    )
    page.goto(f"{owner.app.url}/segments/{created['id']}/")
    page.get_by_role("button", name="Edit").click()
    form = page.get_by_role("form")
    expect(form.locator(".rule")).to_have_count(2)
    expect(page.get_by_test_id("segment-preview")).to_contain_text(f"{created['size']} of ")
    assert_accessible(page)
    form.get_by_label("Description").fill("Candidates for care content")
    form.get_by_role("button", name="Save changes").click()
    # Saved: the editor closes and the heading shows the new description.
    expect(page.get_by_role("form")).to_have_count(0)
    expect(page.locator(".page-head")).to_contain_text("Candidates for care content")
    saved = owner.api("GET", f"/api/segments/{created['id']}/")
    assert saved["rules"] == RULES and saved["description"] == "Candidates for care content"


@pytest.mark.parametrize("where", ["list", "new", "segment"])
def test_segment_pages_have_no_serious_wcag_violations(owner: User, demo: Demo, where: str) -> None:
    page = owner.page
    path = {
        "list": "/segments/",
        "new": "/segments/new/",
        "segment": f"/segments/{demo.segment_id}/",
    }[where]
    page.goto(f"{owner.app.url}{path}")
    if where == "list":
        page.get_by_test_id("segment-row").first.wait_for()
    elif where == "new":
        page.locator(".rule-builder .ruleGroup").first.wait_for()
        add_condition(page, "Age")
        page.locator(".rule-builder .rule").first.get_by_title("Comparison").select_option(
            label="between"
        )
    else:
        page.locator(".table tbody tr").first.wait_for()
        page.locator(".size-trend").wait_for()
    assert_accessible(page)
