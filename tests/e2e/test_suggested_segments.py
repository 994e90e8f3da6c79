"""Suggested segments in the browser: the demo's customers are clustered, each cluster is
offered as a readable rule with its size, and accepting one creates that segment."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from .conftest import DEMO_USER, Demo, LiveApp, User
from .test_accessibility import assert_accessible


@pytest.fixture
def dana(browser: Browser, app: LiveApp, demo: Demo) -> Iterator[User]:
    user = User(browser, app, **DEMO_USER, bypass_csp=True)
    user.page.emulate_media(reduced_motion="reduce")
    user.sign_in()
    yield user
    user.close()


def test_accept_a_suggested_segment(dana: User, demo: Demo) -> None:
    page = dana.page
    page.goto(f"{dana.app.url}/segments/")
    panel = page.get_by_role("region", name="Suggested segments")
    panel.get_by_role("button", name="Suggest segments").click()
    suggestions = panel.get_by_role("list", name="Suggested segments").get_by_role("listitem")
    expect(suggestions.first).to_be_visible(timeout=30_000)
    assert suggestions.count() >= 2
    assert_accessible(page)

    offered = dana.api("GET", f"/api/segments/suggestions/?workspace={demo.workspace}")
    first = offered["suggestions"][0]
    expect(suggestions.first).to_contain_text(first["name"])
    panel.get_by_role("button", name=f"Accept segment {first['name']}").click()
    page.wait_for_url(re.compile(r"/segments/[0-9a-f-]{36}/$"))
    segment_id = page.url.rstrip("/").split("/")[-1]
    segment = dana.api("GET", f"/api/segments/{segment_id}/")
    assert segment["rules"] == first["rules"]
    assert segment["size"] == first["rule_size"]
    expect(page.get_by_role("heading", level=1)).to_contain_text(first["name"])

    # Edit first: the builder opens on the suggestion's rule, with its name and live size.
    second = offered["suggestions"][1]
    page.goto(f"{dana.app.url}/segments/")
    panel.get_by_role("button", name=re.compile(r"^Suggest")).click()
    panel.get_by_role("button", name=f"Edit segment {second['name']} before creating it").click()
    page.wait_for_url(re.compile(r"/segments/new/\?"))
    expect(page.get_by_label("Name", exact=True)).to_have_value(second["name"])
    expect(page.get_by_test_id("segment-preview")).to_contain_text(f"{second['rule_size']:,} of")
