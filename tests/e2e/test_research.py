"""Research in the browser: an interview note taken with the default guide, what was said
promoted to a persona as evidence, the research progress, editing a guide, a viewer's
read-only view, and the research pages checked for WCAG violations."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import ROOT, LiveApp, User
from .test_accessibility import assert_accessible

QUOTE_ANSWER = (
    "We lose a whole afternoon every week. I just want the reorder to work in two clicks, honestly."
)
QUOTE = "I just want the reorder to work in two clicks"
PAIN = "Reconciling supplier invoices by hand every Friday."

VIEWER_SCRIPT = """
from django.contrib.auth import get_user_model
from journeymap.workspaces.models import Membership, Workspace

user = get_user_model().objects.create_user({username!r}, password={password!r})
user.first_name, user.last_name = "Vic", "Viewer"
user.save()
Membership.objects.create(workspace=Workspace.objects.get(pk={workspace!r}), user=user,
                          role="viewer")
"""


def listed(user: User, path: str) -> list[dict[str, Any]]:
    body = user.api("GET", path)
    return body["results"] if isinstance(body, dict) else body


def default_guide(user: User) -> dict[str, Any]:
    guides = listed(user, f"/api/interview-guides/?workspace={user.app.workspace}")
    return next(g for g in guides if g["is_default"])


def maya(user: User) -> dict[str, Any]:
    personas = listed(user, f"/api/personas/?workspace={user.app.workspace}")
    return next(p for p in personas if p["name"] == "Maya Okafor")


def progress_of(user: User, persona_id: str) -> tuple[int, int]:
    body = user.api("GET", f"/api/research/progress/?workspace={user.app.workspace}")
    row = next(r for r in body["per_persona"] if str(r["persona"]) == persona_id)
    return int(body["interviews"]), int(row["interviews"])


def blur(page: Page) -> None:
    page.keyboard.press("Tab")


def promote(page: Page, question: str, field: str) -> None:
    page.get_by_role("button", name=f"Promote from “{question}”").click()
    dialog = page.get_by_role("dialog", name="Promote to a persona")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Persona", exact=True).select_option(label="Maya Okafor (linked)")
    dialog.locator("label.chip-toggle", has_text=re.compile(f"^{field}$")).click()
    expect(dialog.get_by_role("radio", name=field, exact=True)).to_be_checked()
    dialog.get_by_role("button", name="Promote", exact=True).click()
    expect(dialog).to_be_hidden()


def new_note_via_api(user: User, guide: dict[str, Any], **fields: Any) -> dict[str, Any]:
    answers = [{"question": q["id"], "text": q["text"], "answer": ""} for q in guide["questions"]]
    answers[0]["answer"] = PAIN
    body = {
        "workspace": user.app.workspace,
        "title": f"Interview {uuid.uuid4().hex[:6]}",
        "interviewee": "Jonas Weber",
        "interviewee_role": "Store manager",
        "company": "Trailhead Supply",
        "interviewed_on": "2024-04-02",
        "guide": guide["id"],
        "answers": answers,
        **fields,
    }
    return user.api("POST", "/api/interview-notes/", body)


@pytest.fixture
def viewer(browser: Browser, app: LiveApp) -> Iterator[User]:
    username = f"vic{uuid.uuid4().hex[:6]}"
    user = User(browser, app, username, name="Vic Viewer")
    app.manage(
        "shell",
        "-c",
        VIEWER_SCRIPT.format(username=username, password=user.password, workspace=app.workspace),
    )
    user.sign_in()
    yield user
    user.close()


@pytest.fixture
def auditor(browser: Browser, app: LiveApp) -> Iterator[User]:
    # The axe script goes in as an inline <script>; a strict script-src would refuse it.
    user = User(browser, app, "ana", bypass_csp=True)
    user.page.emulate_media(reduced_motion="reduce")
    user.sign_in()
    yield user
    user.close()


def test_interview_note_from_the_default_guide_promoted_to_a_persona(ana: User) -> None:
    page = ana.page
    guide = default_guide(ana)
    assert guide["name"] == "Buyer persona interview"
    assert len(guide["questions"]) == 18
    persona = maya(ana)
    before_total, before_maya = progress_of(ana, str(persona["id"]))
    first_q, second_q = guide["questions"][7]["text"], guide["questions"][16]["text"]

    page.goto(f"{ana.app.url}/research/")
    expect(page.get_by_role("heading", name="Customer interviews")).to_be_visible()
    expect(page.get_by_test_id("research-interview-count")).to_contain_text(str(before_total))
    page.get_by_role("button", name="New interview note").click()
    dialog = page.get_by_role("dialog", name="New interview note")
    expect(dialog.get_by_role("radio", name=re.compile("^Buyer persona interview"))).to_be_checked()
    dialog.get_by_role("button", name="Create note").click()
    page.wait_for_url(re.compile(r"/research/notes/[0-9a-f-]+/$"))
    note_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    status = page.get_by_test_id("save-status")

    # Every question of the guide is there to answer.
    expect(page.locator(".answer")).to_have_count(18)
    page.get_by_label("Interviewee", exact=True).fill("Priya Shah")
    blur(page)
    expect(status).to_have_text("All changes saved")
    # The title made for a new note follows the interviewee.
    expect(page.get_by_label("Title", exact=True)).to_have_value("Interview with Priya Shah")
    page.get_by_label("Date", exact=True).fill("2024-05-14")
    blur(page)
    page.get_by_label("Company", exact=True).fill("Northwind Outfitters")
    blur(page)
    page.get_by_label(first_q, exact=True).fill(PAIN)
    blur(page)
    page.get_by_label(second_q, exact=True).fill(QUOTE_ANSWER)
    blur(page)
    expect(status).to_have_text("All changes saved")

    # Link the persona (an optimistic checkbox: click, then expect).
    page.get_by_role("group", name="Linked personas").locator(
        "label", has_text="Maya Okafor"
    ).click()
    expect(page.get_by_role("checkbox", name="Maya Okafor")).to_be_checked()
    expect(status).to_have_text("All changes saved")

    # A quote: select words in the answer, then Promote…
    answer = page.get_by_label(second_q, exact=True)
    start = QUOTE_ANSWER.index(QUOTE)
    answer.evaluate(
        "(el, [s, e]) => { el.focus(); el.setSelectionRange(s, e); }", [start, start + len(QUOTE)]
    )
    page.get_by_role("button", name=f"Promote from “{second_q}”").click()
    dialog = page.get_by_role("dialog", name="Promote to a persona")
    expect(dialog.get_by_label("Text", exact=True)).to_have_value(QUOTE)
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    answer.evaluate(
        "(el, [s, e]) => { el.focus(); el.setSelectionRange(s, e); }", [start, start + len(QUOTE)]
    )
    promote(page, second_q, "Quote")
    items = page.get_by_test_id("promoted-item")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text(QUOTE)
    expect(items.first).to_contain_text("Quote")

    # A pain point: nothing selected, so the whole answer.
    page.get_by_label(first_q, exact=True).evaluate("el => el.setSelectionRange(0, 0)")
    promote(page, first_q, "Pain point")
    expect(items).to_have_count(2)
    pain_item = items.filter(has_text="Pain point")
    expect(pain_item).to_contain_text(PAIN)
    expect(pain_item.get_by_role("link", name="Maya Okafor")).to_have_attribute(
        "href", f"/personas/{persona['id']}/"
    )

    # The persona has them, and its evidence leads back to this note.
    after = ana.api("GET", f"/api/personas/{persona['id']}/")
    assert QUOTE in after["quotes"]
    assert PAIN in after["pain_points"]
    evidence = ana.api("GET", f"/api/personas/{persona['id']}/evidence/")
    linked = {(i["field"], i["text"]) for i in evidence["items"] if str(i["note"]) == note_id}
    assert linked == {("quotes", QUOTE), ("pain_points", PAIN)}
    assert note_id in {str(i["id"]) for i in evidence["interviews"]}

    # The note kept everything typed.
    page.reload()
    expect(page.get_by_label("Interviewee", exact=True)).to_have_value("Priya Shah")
    expect(page.get_by_label("Date", exact=True)).to_have_value("2024-05-14")
    expect(page.get_by_label(second_q, exact=True)).to_have_value(QUOTE_ANSWER)
    expect(page.get_by_role("checkbox", name="Maya Okafor")).to_be_checked()
    expect(page.get_by_test_id("promoted-item")).to_have_count(2)

    # Progress went up, on the hub too; the note is listed with what it gave.
    total, for_maya = progress_of(ana, str(persona["id"]))
    assert (total, for_maya) == (before_total + 1, before_maya + 1)
    page.goto(f"{ana.app.url}/research/")
    expect(page.get_by_test_id("research-interview-count")).to_contain_text(str(total))
    bar = page.get_by_test_id("persona-progress").filter(has_text="Maya Okafor")
    expect(bar.get_by_test_id("persona-interviews")).to_have_text(str(for_maya))
    expect(bar.get_by_role("link", name="Maya Okafor")).to_have_attribute(
        "href", f"/personas/{persona['id']}/"
    )
    page.get_by_label("Search", exact=True).fill("Priya")
    row = page.get_by_test_id("note-row").filter(has_text="Priya Shah")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Northwind Outfitters")
    expect(row).to_contain_text("Buyer persona interview")
    expect(row.locator(".note-row-promoted")).to_contain_text("2")
    page.get_by_label("Persona", exact=True).select_option(label="Maya Okafor")
    expect(row).to_have_count(1)

    if os.environ.get("RESEARCH_SCREENSHOTS"):
        take_screenshots(ana, note_id, guide)


def take_screenshots(ana: User, note_id: str, guide: dict[str, Any]) -> None:
    """docs/screenshots/research.png and interview-note.png, from a workspace with a little
    more research in it."""
    page = ana.page
    shots = ROOT / "docs" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    leo = ana.api(
        "POST",
        "/api/personas/",
        {
            "workspace": ana.app.workspace,
            "name": "Leo Brandt",
            "tier": "secondary",
            "color": "#d97706",
            "job_title": "Procurement manager",
        },
    )
    for who, role, company, day in [
        ("Jonas Weber", "Store manager", "Trailhead Supply", "2024-05-02"),
        ("Aiko Tanaka", "Buyer", "Summit & Co", "2024-05-09"),
    ]:
        made = new_note_via_api(
            ana,
            guide,
            title=f"Interview with {who}",
            interviewee=who,
            interviewee_role=role,
            company=company,
            interviewed_on=day,
            personas=[maya(ana)["id"]],
        )
        ana.api(
            "POST",
            f"/api/interview-notes/{made['id']}/promote/",
            {"persona": maya(ana)["id"], "field": "goals", "text": f"Restock in one go ({who})"},
        )
    page.goto(f"{ana.app.url}/research/")
    expect(page.get_by_test_id("note-row")).to_have_count(3)
    expect(page.get_by_test_id("persona-progress").filter(has_text=leo["name"])).to_be_visible()
    page.screenshot(path=str(shots / "research.png"), full_page=True)

    page.goto(f"{ana.app.url}/research/notes/{note_id}/")
    expect(page.get_by_test_id("promoted-item")).to_have_count(2)
    page.get_by_label("Role", exact=True).fill("Operations lead")
    answers = [
        "Outdoor gear retail, 14 stores and a web shop; about 220 people.",
        "Operations lead: I own stock levels and supplier relations for all stores.",
        "Stock-outs on bestsellers and days of cover. If the shelves are full, I'm doing well.",
    ]
    for question, text in zip(guide["questions"][:3], answers, strict=True):
        page.get_by_label(question["text"], exact=True).fill(text)
        blur(page)
    page.get_by_role("textbox", name="Summary").fill(
        "Weekly reordering eats an afternoon; wants a two-click reorder and no manual "
        "invoice matching."
    )
    page.get_by_role("heading", name="Answers").click()
    expect(page.get_by_test_id("save-status")).to_have_text("All changes saved")
    page.set_viewport_size({"width": 1440, "height": 1240})
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(shots / "interview-note.png"))


def test_changing_a_notes_guide_keeps_its_answers_and_deleting_it(ana: User) -> None:
    page = ana.page
    guide = default_guide(ana)
    other = ana.api(
        "POST",
        "/api/interview-guides/",
        {
            "workspace": ana.app.workspace,
            "name": f"Short check-in {uuid.uuid4().hex[:4]}",
            "description": "",
            "questions": [{"id": "why", "text": "Why did you sign up?"}],
        },
    )
    note = new_note_via_api(ana, guide)
    page.goto(f"{ana.app.url}/research/notes/{note['id']}/")
    first_q = guide["questions"][0]["text"]
    expect(page.get_by_label(first_q, exact=True)).to_have_value(PAIN)
    page.get_by_label("Guide", exact=True).select_option(label=other["name"])
    # The new guide's question is there, and the answered question of the old one stays.
    expect(page.get_by_label("Why did you sign up?", exact=True)).to_be_visible()
    expect(page.get_by_label(first_q, exact=True)).to_have_value(PAIN)
    expect(page.locator(".answer")).to_have_count(2)
    expect(page.get_by_test_id("save-status")).to_have_text("All changes saved")
    saved = ana.api("GET", f"/api/interview-notes/{note['id']}/")
    assert str(saved["guide"]) == str(other["id"])
    assert [a["question"] for a in saved["answers"]] == ["why", guide["questions"][0]["id"]]

    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Delete note").click()
    page.wait_for_url(f"{ana.app.url}/research/")
    expect(page.get_by_role("heading", name="Interview notes")).to_be_visible()
    expect(page.get_by_role("link", name=note["title"])).to_have_count(0)


def test_unlinking_a_promoted_item_keeps_the_persona_text(ana: User) -> None:
    page = ana.page
    persona = maya(ana)
    note = new_note_via_api(ana, default_guide(ana))
    text = f"Unlink me {uuid.uuid4().hex[:6]}"
    ana.api(
        "POST",
        f"/api/interview-notes/{note['id']}/promote/",
        {"persona": persona["id"], "field": "needs", "text": text},
    )
    page.goto(f"{ana.app.url}/research/notes/{note['id']}/")
    item = page.get_by_test_id("promoted-item").filter(has_text=text)
    expect(item).to_have_count(1)
    item.get_by_role("button", name=re.compile("^Unlink")).click()
    expect(page.get_by_test_id("promoted-item").filter(has_text=text)).to_have_count(0)
    evidence = ana.api("GET", f"/api/personas/{persona['id']}/evidence/")
    assert text not in {i["text"] for i in evidence["items"]}
    assert text in ana.api("GET", f"/api/personas/{persona['id']}/")["needs"]


def test_edit_a_guide_add_reorder_remove_questions(ana: User) -> None:
    page = ana.page
    name = f"Onboarding interview {uuid.uuid4().hex[:4]}"
    page.goto(f"{ana.app.url}/research/")
    page.get_by_role("button", name="New guide").click()
    dialog = page.get_by_role("dialog", name="New interview guide")
    dialog.get_by_label("Name").fill(name)
    dialog.get_by_role("button", name="Create guide").click()
    page.wait_for_url(re.compile(r"/research/guides/[0-9a-f-]+/$"))
    guide_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    expect(page.get_by_role("heading", name=name)).to_be_visible()

    for n, text in enumerate(["How did you hear of us?", "What almost stopped you?", "Why now?"]):
        page.get_by_role("button", name="+ Add question").click()
        field = page.get_by_label(f"Question {n + 1}", exact=True)
        expect(field).to_be_focused()
        field.fill(text)
    page.get_by_label("Description", exact=True).fill("For people in their first month.")
    page.get_by_role("button", name="Save guide").click()
    status = page.get_by_test_id("guide-status")
    expect(status).to_have_text("All changes saved")
    first = ana.api("GET", f"/api/interview-guides/{guide_id}/")
    ids = {q["text"]: q["id"] for q in first["questions"]}
    assert list(ids) == ["How did you hear of us?", "What almost stopped you?", "Why now?"]

    # Move "Why now?" to the top, remove "What almost stopped you?", add one more.
    page.get_by_role("button", name="Move question 3 up").click()
    # Focus follows the moved question, so the keyboard can keep moving it.
    expect(page.get_by_role("button", name="Move question 2 up")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Move question 1 down")).to_be_focused()
    expect(page.get_by_label("Question 1", exact=True)).to_have_value("Why now?")
    page.get_by_role("button", name="Remove question 3").click()
    page.get_by_role("button", name="+ Add question").click()
    page.get_by_label("Question 3", exact=True).fill("What would you tell a friend?")
    expect(status).to_have_text("Unsaved changes")
    page.get_by_role("button", name="Save guide").click()
    expect(status).to_have_text("All changes saved")

    page.reload()
    questions = page.get_by_test_id("guide-question").locator("textarea")
    expect(questions).to_have_count(3)
    expect(page.get_by_label("Question 1", exact=True)).to_have_value("Why now?")
    expect(page.get_by_label("Question 2", exact=True)).to_have_value("How did you hear of us?")
    expect(page.get_by_label("Question 3", exact=True)).to_have_value(
        "What would you tell a friend?"
    )
    expect(page.get_by_label("Description", exact=True)).to_have_value(
        "For people in their first month."
    )
    # Kept questions keep their ids, so notes' answers stay attached.
    saved = ana.api("GET", f"/api/interview-guides/{guide_id}/")
    assert [q["id"] for q in saved["questions"][:2]] == [
        ids["Why now?"],
        ids["How did you hear of us?"],
    ]

    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Delete guide").click()
    page.wait_for_url(f"{ana.app.url}/research/")
    expect(page.get_by_role("link", name=name)).to_have_count(0)


def test_a_viewer_reads_research_without_inputs(ana: User, viewer: User) -> None:
    guide = default_guide(ana)
    persona = maya(ana)
    note = new_note_via_api(ana, guide, personas=[persona["id"]])
    ana.api(
        "POST",
        f"/api/interview-notes/{note['id']}/promote/",
        {"persona": persona["id"], "field": "pain_points", "text": PAIN},
    )
    page = viewer.page

    page.goto(f"{viewer.app.url}/research/")
    expect(page.get_by_role("link", name=note["title"])).to_be_visible()
    expect(page.get_by_role("button", name="New interview note")).to_have_count(0)
    expect(page.get_by_role("button", name="New guide")).to_have_count(0)

    page.goto(f"{viewer.app.url}/research/notes/{note['id']}/")
    expect(page.get_by_role("heading", name=note["title"], level=1)).to_be_visible()
    expect(page.get_by_text(PAIN).first).to_be_visible()
    expect(page.get_by_test_id("promoted-item")).to_have_count(1)
    main = page.locator(".note-page")
    expect(main.locator("input, textarea, select")).to_have_count(0)
    expect(main.get_by_role("button", name=re.compile("Promote|Delete"))).to_have_count(0)

    page.goto(f"{viewer.app.url}/research/guides/{guide['id']}/")
    expect(page.get_by_role("heading", name="Buyer persona interview", level=1)).to_be_visible()
    expect(page.locator(".question-row")).to_have_count(18)
    expect(page.locator(".guide-page").locator("input, textarea, select, button")).to_have_count(0)


def test_research_pages_have_no_serious_wcag_violations(auditor: User) -> None:
    guide = default_guide(auditor)
    persona = maya(auditor)
    note = new_note_via_api(auditor, guide, personas=[persona["id"]])
    auditor.api(
        "POST",
        f"/api/interview-notes/{note['id']}/promote/",
        {"persona": persona["id"], "field": "quotes", "text": "Two clicks, that is all I ask."},
    )
    page = auditor.page
    page.goto(f"{auditor.app.url}/research/")
    expect(page.get_by_test_id("note-row").first).to_be_visible()
    expect(page.get_by_test_id("persona-progress").first).to_be_visible()
    assert_accessible(page)

    page.goto(f"{auditor.app.url}/research/notes/{note['id']}/")
    expect(page.get_by_test_id("promoted-item")).to_have_count(1)
    assert_accessible(page)
    page.get_by_role("button", name=f"Promote from “{guide['questions'][0]['text']}”").click()
    expect(page.get_by_role("dialog", name="Promote to a persona")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{auditor.app.url}/research/guides/{guide['id']}/")
    expect(page.get_by_test_id("guide-question")).to_have_count(18)
    assert_accessible(page)
