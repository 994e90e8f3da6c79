"""The customers page: import profiles and purchases from CSV with progress and a report, see
a refused file's rows named, search, open a customer, export their data and erase them."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from .conftest import LiveApp, User
from .test_accessibility import assert_accessible


def _csv(name: str, text: str) -> dict[str, Any]:
    return {"name": name, "mimeType": "text/csv", "buffer": text.encode()}


@pytest.fixture
def ana(browser: Browser, app: LiveApp) -> Iterator[User]:
    """Ana, in a context that lets the axe-core script in (the app's CSP forbids it)."""
    user = User(browser, app, "ana", bypass_csp=True)
    user.sign_in()
    yield user
    user.close()


def test_import_search_export_and_erase_a_customer(ana: User) -> None:
    page = ana.page
    tag = uuid.uuid4().hex[:6]
    customers = (
        "external_id,email,first_name,last_name,gender,birth_date,city,country,income,signup_date\n"
        f"K{tag}-1,ann.{tag}@example.com,Ann,Lee,female,1990-05-17,Leeds,UK,42000,2024-03-01\n"
        f"K{tag}-2,,Bob,Roy,male,2001-12-01,York,UK,,\n"
    )
    purchases = (
        "customer_external_id,product,amount,purchased_at,channel\n"
        f"K{tag}-1,Tent,349.00,2026-10-01,Store\nK{tag}-2,Boots,120,2026-11-01,Website\n"
    )
    page.goto(f"{ana.app.url}/customers/")
    expect(page.get_by_role("heading", name="Customers", exact=True)).to_be_visible()
    page.get_by_label("Customers CSV").set_input_files(_csv("customers.csv", customers))
    page.get_by_label("Purchases CSV").set_input_files(_csv("purchases.csv", purchases))
    page.get_by_role("button", name="Import", exact=True).click()
    report = page.get_by_test_id("customer-import-report")
    expect(report).to_be_visible()
    expect(report.locator("div", has_text="New customers")).to_contain_text("2")
    expect(report.locator("div", has_text="Purchases added")).to_contain_text("2")

    # The same purchases again add nothing; a bad row names its line and column.
    page.get_by_label("Purchases CSV").set_input_files(
        _csv("bad.csv", purchases + f"K{tag}-1,Stove,lots,2026-10-02,\n")
    )
    page.get_by_role("button", name="Import", exact=True).click()
    problems = page.get_by_role("table", name="Problems in the file")
    expect(problems).to_contain_text("amount")
    expect(problems.get_by_role("row").nth(1)).to_contain_text("4")
    assert_accessible(page)
    listed = ana.api("GET", f"/api/customers/?workspace={ana.app.workspace}&search=K{tag}")
    assert listed["count"] == 2

    page.get_by_label("Search customers").fill(f"K{tag}-1")
    table = page.get_by_role("table", name="Customers")
    row = table.get_by_role("row").filter(has_text=f"ann.{tag}@example.com")
    expect(row).to_have_count(1)
    expect(table.get_by_role("row")).to_have_count(2)  # the header and Ann
    row.get_by_role("button", name=f"K{tag}-1").click()
    dialog = page.get_by_role("dialog", name="Ann Lee")
    expect(dialog).to_contain_text("Lifetime value")
    expect(dialog).to_contain_text("349 (computed)")
    assert_accessible(page)

    with page.expect_download() as download:
        dialog.get_by_role("button", name="Export all data (JSON)").click()
    exported = json.loads(open(download.value.path()).read())  # noqa: PTH123
    assert exported["profile"]["external_id"] == f"K{tag}-1"
    assert [p["product"] for p in exported["purchases"]] == ["Tent"]

    dialog.get_by_role("button", name="Erase customer…").click()
    erase = dialog.get_by_role("button", name="Erase permanently")
    expect(erase).to_be_disabled()
    assert_accessible(page)
    dialog.get_by_label("External id to confirm").fill(f"K{tag}-1")
    erase.click()
    expect(page.get_by_role("status").filter(has_text=f"Erased customer K{tag}-1")).to_be_visible()
    left = ana.api("GET", f"/api/customers/?workspace={ana.app.workspace}&search=K{tag}")
    assert [c["external_id"] for c in left["results"]] == [f"K{tag}-2"]
