"""Journey analytics in the browser: import an event log through the board's dialog, watch the
cards fill with traffic, read the analysis panel, the graph and Sankey, and the content ×
channel matrix's gaps."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .conftest import AnalyticsMap, User

# Six customers: all land, five reach the form, three sign up and get the welcome email;
# one looks at pricing and leaves; one event names a page the map does not have.
EVENT_LOG = """case_id,touchpoint,timestamp
c1,Landing page,2026-03-01T09:00:00Z
c1,Signup form,2026-03-01T09:02:00Z
c1,Welcome email,2026-03-01T09:40:00Z
c2,Landing page,2026-03-01T10:00:00Z
c2,Signup form,2026-03-01T10:05:00Z
c2,Welcome email,2026-03-01T11:05:00Z
c3,Landing page,2026-03-01T11:00:00Z
c3,Signup form,2026-03-01T11:01:00Z
c3,Welcome email,2026-03-01T11:31:00Z
c4,Landing page,2026-03-01T12:00:00Z
c4,Signup form,2026-03-01T12:09:00Z
c5,Landing page,2026-03-01T13:00:00Z
c5,Signup form,2026-03-01T13:03:00Z
c5,Help centre,2026-03-01T13:04:00Z
c6,Landing page,2026-03-01T14:00:00Z
c6,Pricing page,2026-03-01T14:01:00Z
"""


def import_log(ana: User, csv: str = EVENT_LOG) -> None:
    page = ana.page
    page.get_by_role("button", name="Import events").click()
    dialog = page.get_by_role("dialog", name="Import events")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Event log file").set_input_files(
        files=[{"name": "signup.csv", "mimeType": "text/csv", "buffer": csv.encode()}]
    )
    expect(dialog.get_by_test_id("event-dropzone")).to_contain_text("signup.csv")
    dialog.get_by_role("button", name="Import", exact=True).click()
    report = dialog.get_by_test_id("import-report")
    expect(report).to_contain_text("Imported signup.csv")
    expect(report.locator(".import-stats")).to_contain_text("Rows16")
    expect(report.locator(".import-stats")).to_contain_text("Cases6")
    expect(report).to_contain_text("Help centre")


def test_import_a_log_and_see_traffic_on_the_board_and_in_the_panel(
    ana: User, analytics_map: AnalyticsMap
) -> None:
    ana.open_map(analytics_map.map_id)
    page = ana.page
    # No transitions yet: no traffic on the cards.
    expect(page.get_by_test_id("touchpoint-traffic")).to_have_count(0)

    import_log(ana)
    dialog = page.get_by_role("dialog", name="Import events")
    # The import is listed (the current one shows its report; closing and reopening lists it).
    dialog.get_by_role("button", name="Close").click()

    # The counts reach the board as a live patch; the heat turns on by itself.
    landing = page.locator(
        f'.item[data-id="{analytics_map.touchpoints["Landing page"]}"] [data-testid="touchpoint-traffic"]'
    )
    expect(landing).to_contain_text("6 in")
    form = page.locator(
        f'.item[data-id="{analytics_map.touchpoints["Signup form"]}"] [data-testid="touchpoint-traffic"]'
    )
    expect(form).to_contain_text("5 in")
    expect(form).to_contain_text("40% drop off")
    expect(page.locator(".item.hotspot", has_text="Password rules are unclear")).to_contain_text(
        "Hotspot #1"
    )
    expect(page.get_by_test_id("dropoff-strip")).to_be_visible()

    page.get_by_role("button", name="Analysis").click()
    panel = page.get_by_test_id("analysis-panel")
    critical = panel.get_by_test_id("critical-path")
    expect(critical.locator("li")).to_have_text(
        [
            re.compile("Landing page"),
            re.compile("Signup form"),
            re.compile("Welcome email"),
        ]
    )
    expect(panel.get_by_test_id("critical-share")).to_contain_text("83%")
    expect(panel.get_by_role("region", name="Drop-off by stage")).to_contain_text("During")
    expect(panel.get_by_role("region", name="Step durations")).to_contain_text("min")
    expect(panel.get_by_role("region", name="Conformance")).to_contain_text("Help centre")

    # Turning the heat off takes the numbers off the cards.
    panel.get_by_label("Show on board").uncheck()
    expect(page.get_by_test_id("touchpoint-traffic")).to_have_count(0)

    # Earlier imports are listed, and deleting one takes its counts out again.
    page.get_by_role("button", name="Import events").click()
    dialog = page.get_by_role("dialog", name="Import events")
    dialog.get_by_role("button", name="Delete the import of signup.csv").click()
    expect(dialog.get_by_text("None yet.")).to_be_visible()
    dialog.get_by_role("button", name="Close").click()
    for _ in range(40):
        if all(t["count"] == 0 for t in ana.board()["transitions"]):
            break
        page.wait_for_timeout(250)
    else:
        raise AssertionError("the deleted import's counts stayed on the board")


def test_graph_view_draws_the_canvas_the_sankey_and_a_node_card(
    ana: User, analytics_map: AnalyticsMap
) -> None:
    ana.open_map(analytics_map.map_id)
    import_log(ana)
    page = ana.page
    page.goto(f"{ana.app.url}/maps/{analytics_map.map_id}/graph/")
    canvas = page.get_by_test_id("graph-canvas")
    expect(canvas).to_have_attribute("aria-label", re.compile(r"4 touchpoints in 3 stage columns"))
    expect(canvas.locator("canvas").first).to_be_attached()
    sankey = page.get_by_test_id("sankey")
    expect(sankey).to_be_visible()
    assert sankey.locator("path.link").count() >= 2
    expect(sankey.locator("text", has_text="Signup form")).to_be_visible()

    # The text alternative: a collapsible table of the nodes; its buttons open the node card.
    page.get_by_text("Table of the graph's nodes").click()
    table = page.get_by_test_id("graph-table")
    expect(table.locator("tbody tr")).to_have_count(4)
    table.get_by_role("button", name="Signup form").click()
    card = page.get_by_test_id("node-card")
    expect(card).to_contain_text("Signup form")
    expect(card).to_contain_text("Customers in5")


def test_content_matrix_flags_gaps_on_preferred_channels_and_fills_one(
    ana: User, analytics_map: AnalyticsMap
) -> None:
    page = ana.page
    page.goto(f"{ana.app.url}/maps/{analytics_map.map_id}/content/")
    expect(page.get_by_role("heading", name="Content by stage and channel")).to_be_visible()
    expect(page.get_by_label("Persona")).to_have_value(analytics_map.persona_id)
    website = page.locator(
        "tbody tr", has=page.get_by_role("rowheader", name=re.compile("Website"))
    )
    expect(website.get_by_role("rowheader")).to_contain_text("Preferred")
    # Three stages, no content: a gap in every Website cell, none on Email (not preferred).
    expect(website.get_by_test_id("content-gap")).to_have_count(3)
    email = page.locator("tbody tr", has=page.get_by_role("rowheader", name=re.compile("Email")))
    expect(email.get_by_test_id("content-gap")).to_have_count(0)
    expect(page.get_by_test_id("gap-summary")).to_contain_text("3 gaps")

    # Filling a cell goes through the sync engine: the gap closes and the map has the item.
    page.get_by_role("button", name="Add content: Website, During").click()
    field = page.get_by_label("New content item: Website, During")
    field.fill("Signup walkthrough video")
    field.press("Enter")
    expect(website.get_by_test_id("content-gap")).to_have_count(2)
    expect(website).to_contain_text("Signup walkthrough video")
    page.get_by_test_id("connection-status").filter(has_text="Live").wait_for()

    def saved() -> list[dict]:
        return ana.api("GET", f"/api/maps/{analytics_map.map_id}/")["contents"]

    for _ in range(40):
        contents = saved()
        if contents:
            break
        page.wait_for_timeout(250)
    assert [(c["title"], c["stage"], c["channel"], c["persona"]) for c in contents] == [
        (
            "Signup walkthrough video",
            analytics_map.stages["During"],
            analytics_map.website,
            analytics_map.persona_id,
        )
    ]

    def stored() -> list[tuple[str, str, str, str]]:
        return [(c["title"], c["status"], c["stage"], c["channel"]) for c in saved()]

    # Edit it where it stands: rename, change its status, drag it to Email · After, delete.
    item = page.get_by_test_id("matrix-item").filter(has_text="Signup walkthrough video")
    item.get_by_role("button", name="Signup walkthrough video", exact=True).dblclick()
    rename = page.get_by_label("Rename Signup walkthrough video")
    rename.fill("Signup tour")
    rename.press("Enter")
    item = page.get_by_test_id("matrix-item").filter(has_text="Signup tour")
    item.get_by_label("Status of Signup tour").select_option("live")
    expect(item.get_by_label("Status of Signup tour")).to_have_value("live")
    for _ in range(40):  # the edits are acknowledged before the drag starts
        if [(c["title"], c["status"]) for c in saved()] == [("Signup tour", "live")]:
            break
        page.wait_for_timeout(250)
    grip = item.get_by_role("button", name="Move Signup tour").bounding_box()
    target = email.locator("td").nth(2).bounding_box()
    assert grip and target
    x, y = grip["x"] + grip["width"] / 2, grip["y"] + grip["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 10, y - 10, steps=5)
    page.mouse.move(target["x"] + target["width"] / 2, target["y"] + target["height"] / 2, steps=20)
    page.mouse.up()
    expect(email).to_contain_text("Signup tour")
    expect(website.get_by_test_id("content-gap")).to_have_count(3)

    want = [("Signup tour", "live", analytics_map.stages["After"], analytics_map.email)]
    for _ in range(40):
        if stored() == want:
            break
        page.wait_for_timeout(250)
    assert stored() == want
    page.get_by_role("button", name="Delete Signup tour").click()
    expect(page.get_by_test_id("matrix-item")).to_have_count(0)
    for _ in range(40):
        if not saved():
            break
        page.wait_for_timeout(250)
    assert saved() == []


def test_a_touchpoint_marked_as_goal_ends_the_analysed_journey(
    ana: User, analytics_map: AnalyticsMap
) -> None:
    ana.open_map(analytics_map.map_id)
    page = ana.page
    import_log(ana)
    page.get_by_role("dialog", name="Import events").get_by_role("button", name="Close").click()
    card = page.get_by_role("group", name="Touchpoint: Signup form")
    card.click()
    details = page.get_by_role("complementary", name="touchpoint details")
    details.get_by_label("Journey role").select_option("goal")
    expect(card.locator(".journey-role")).to_have_text("goal")
    for _ in range(40):
        analysis = ana.api("GET", f"/api/maps/{analytics_map.map_id}/analysis/")
        if analysis["meta"]["goals_source"] == "map":
            break
        page.wait_for_timeout(250)
    assert analysis["meta"]["goals"]["items"] == [analytics_map.touchpoints["Signup form"]]
    assert analysis["critical_path"]["path"][-1] == analytics_map.touchpoints["Signup form"]


def test_a_large_import_shows_its_progress_until_the_report(
    ana: User, analytics_map: AnalyticsMap
) -> None:
    """A log past the inline limit answers 202 and runs in the background: the dialog polls
    the import and shows its phase and progress until the report comes. The server's side of
    that is covered by its own tests; here its answers are played back to the browser."""
    ana.open_map(analytics_map.map_id)
    page = ana.page
    base = {
        "id": "00000000-0000-4000-8000-000000000202",
        "map": analytics_map.map_id,
        "filename": "big.csv",
        "created_by": {"id": "1", "name": "Ana Alvarez"},
        "created_at": "2026-03-01T09:00:00Z",
        "finished_at": None,
        "report": None,
    }
    polls: list[str] = []

    def running(rows: int, done_bytes: int) -> dict:
        progress = {"phase": "storing", "rows": rows, "bytes": done_bytes, "total_bytes": 4000}
        return {**base, "status": "running", "progress": progress}

    def answer(route, request) -> None:  # noqa: ANN001
        if request.method == "POST":
            route.fulfill(status=202, json=running(0, 0))
        elif request.url.endswith(f"{base['id']}/"):
            polls.append(request.url)
            if len(polls) < 3:
                route.fulfill(json=running(1000 * len(polls), 1000 * len(polls)))
            else:
                report = {
                    "rows": 4000,
                    "cases": 900,
                    "transitions": 12,
                    "transitions_changed": 3,
                    "unknown_touchpoints": [],
                    "created_touchpoints": [],
                    "errors": [],
                }
                route.fulfill(
                    json={
                        **base,
                        "status": "done",
                        "progress": None,
                        "report": report,
                        "finished_at": "2026-03-01T09:01:00Z",
                    }
                )
        else:
            route.continue_()

    page.route(re.compile(r".*/api/maps/[0-9a-f-]+/events/.*"), answer)
    page.get_by_role("button", name="Import events").click()
    dialog = page.get_by_role("dialog", name="Import events")
    dialog.get_by_label("Event log file").set_input_files(
        files=[
            {"name": "big.csv", "mimeType": "text/csv", "buffer": b"case_id,touchpoint,timestamp\n"}
        ]
    )
    dialog.get_by_role("button", name="Import", exact=True).click()
    expect(dialog.locator(".import-progress")).to_contain_text(
        re.compile(r"Storing… [12],000 rows")
    )
    expect(dialog.get_by_role("button", name="Import", exact=True)).to_be_disabled()
    report = dialog.get_by_test_id("import-report")
    expect(report).to_contain_text("Imported big.csv")
    expect(report.locator(".import-stats")).to_contain_text("Cases900")
    assert len(polls) >= 3
