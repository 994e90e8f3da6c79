"""The persona story end to end, in the browser only: a researcher takes two interview notes
with the default guide, builds a new persona from them (a quote and a pain point from the first,
a goal and a feeling from the second), sees which sections are backed by research, compares the
persona with one of the demo's, and marks it reviewed. The API is only read, at the end, to
check what was stored."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, Route, expect

from .conftest import DEMO_USER, Demo, LiveApp, User

GUIDE = "Buyer persona interview"
CHALLENGES = "What are your biggest challenges?"
PURCHASE = "Tell me about a recent purchase decision: why, who was involved, how you chose."
SUCCESS = "What are you responsible for, and what does success mean in your role?"
TYPICAL_DAY = "What does a typical day look like for you?"
GUIDES_REQUEST = re.compile(r"/api/interview-guides/(\?|$)")


@dataclass(frozen=True)
class Interview:
    interviewee: str
    day: str
    answers: dict[str, str]  # question → answer


@pytest.fixture
def researcher(browser: Browser, app: LiveApp, demo: Demo) -> Iterator[User]:
    """Dana, the owner of the demo workspace, where the demo personas live."""
    user = User(browser, app, **DEMO_USER)
    user.sign_in()
    yield user
    user.close()


def blur(page: Page) -> None:
    page.keyboard.press("Tab")


def section(page: Page, key: str) -> Locator:
    return page.locator(f'section[data-section="{key}"]')


def take_note(page: Page, url: str, interview: Interview) -> str:
    """A new note from the default guide on the research hub, filled in; its id."""
    page.goto(f"{url}/research/")
    expect(page.get_by_role("heading", name="Customer interviews")).to_be_visible()
    # Once the guides are listed (see the last step of the test for why it waits).
    expect(page.get_by_test_id("guide-row").filter(has_text=GUIDE)).to_be_visible()
    page.get_by_role("button", name="New interview note").click()
    dialog = page.get_by_role("dialog", name="New interview note")
    expect(dialog.get_by_role("radio", name=re.compile(f"^{GUIDE}"))).to_be_checked()
    dialog.get_by_role("button", name="Create note").click()
    page.wait_for_url(re.compile(r"/research/notes/[0-9a-f-]+/$"))
    note_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    status = page.get_by_test_id("save-status")
    expect(page.locator(".answer")).to_have_count(18)

    page.get_by_label("Interviewee", exact=True).fill(interview.interviewee)
    blur(page)
    expect(status).to_have_text("All changes saved")
    expect(page.get_by_label("Title", exact=True)).to_have_value(
        f"Interview with {interview.interviewee}"
    )
    page.get_by_label("Date", exact=True).fill(interview.day)
    blur(page)
    for question, answer in interview.answers.items():
        page.get_by_label(question, exact=True).fill(answer)
        blur(page)
    expect(status).to_have_text("All changes saved")
    return note_id


def link_persona(page: Page, name: str) -> None:
    # An optimistic checkbox: click its chip, then expect.
    page.get_by_role("group", name="Linked personas").locator("label", has_text=name).click()
    expect(page.get_by_role("checkbox", name=name)).to_be_checked()
    expect(page.get_by_test_id("save-status")).to_have_text("All changes saved")


def select_words(page: Page, question: str, words: str | None) -> None:
    """Select `words` in the answer to `question` (None: nothing selected, the whole answer)."""
    answer = page.get_by_label(question, exact=True)
    if words is None:
        answer.evaluate("el => { el.focus(); el.setSelectionRange(0, 0); }")
        return
    start = answer.input_value().index(words)
    answer.evaluate(
        "(el, [s, e]) => { el.focus(); el.setSelectionRange(s, e); }", [start, start + len(words)]
    )


def promote(page: Page, persona: str, question: str, target: str, text: str) -> None:
    """ "Promote…" on an answer: the dialog offers `text`, it goes to `persona` as `target`."""
    page.get_by_role("button", name=f"Promote from “{question}”").click()
    dialog = page.get_by_role("dialog", name="Promote to a persona")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Text", exact=True)).to_have_value(text)
    dialog.get_by_label("Persona", exact=True).select_option(label=f"{persona} (linked)")
    dialog.locator("label.chip-toggle", has_text=re.compile(f"^{target}$")).click()
    expect(dialog.get_by_role("radio", name=target, exact=True)).to_be_checked()
    dialog.get_by_role("button", name="Promote", exact=True).click()
    expect(dialog).to_be_hidden()


def items(body: Any) -> list[dict[str, Any]]:
    return body["results"] if isinstance(body, dict) else body


def test_a_persona_built_from_two_interviews_compared_and_reviewed_in_the_browser(
    researcher: User, demo: Demo
) -> None:
    page = researcher.page
    url = researcher.app.url
    tag = uuid.uuid4().hex[:6]
    name = f"Quinn Harbour {tag}"
    job_title = f"Procurement lead {tag}"
    review_note = f"Checked against both interviews ({tag})."

    quote = f"I want to see stock for every store on one screen ({tag})"
    pain = f"Purchase orders are re-typed into three systems every Monday ({tag})."
    goal = f"Cut the reorder cycle from a week to a day ({tag})."
    feels = f"anxious when a bestseller runs out before the weekend ({tag})"
    first = Interview(
        interviewee=f"Priya Shah {tag}",
        day="2024-05-14",
        answers={
            CHALLENGES: pain,
            PURCHASE: f"We chose the new till vendor in March. Honestly, {quote}. That decided it.",
        },
    )
    second = Interview(
        interviewee=f"Tomas Lind {tag}",
        day="2024-05-21",
        answers={
            SUCCESS: goal,
            TYPICAL_DAY: f"Stock checks at eight, calls with suppliers; I get {feels}.",
        },
    )

    # 1. Two interview notes, taken with the default guide.
    first_id = take_note(page, url, first)
    second_id = take_note(page, url, second)

    # 2. The new persona, made at /personas/new/.
    page.goto(f"{url}/personas/new/")
    expect(page.get_by_role("heading", name="New persona")).to_be_visible()
    page.get_by_label("Name").fill(name)
    page.get_by_label("Tier").select_option("secondary")
    page.get_by_label("Job title (optional)").fill(job_title)
    page.get_by_role("button", name="Create persona").click()
    page.wait_for_url(re.compile(r"/personas/[0-9a-f-]+/$"))
    persona_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    expect(page.get_by_label("Persona name")).to_have_value(name)
    expect(section(page, "demographics").get_by_label("Job title", exact=True)).to_have_value(
        job_title
    )

    # 3. Each note is linked to the persona and gives it two things.
    promoted = page.get_by_test_id("promoted-item")
    page.goto(f"{url}/research/notes/{first_id}/")
    expect(page.get_by_label("Interviewee", exact=True)).to_have_value(first.interviewee)
    link_persona(page, name)
    select_words(page, PURCHASE, quote)
    promote(page, name, PURCHASE, "Quote", quote)
    expect(promoted).to_have_count(1)
    select_words(page, CHALLENGES, None)
    promote(page, name, CHALLENGES, "Pain point", pain)
    expect(promoted).to_have_count(2)
    expect(promoted.filter(has_text=quote)).to_contain_text("Quote")
    expect(promoted.filter(has_text=pain)).to_contain_text("Pain point")
    expect(promoted.filter(has_text=pain).get_by_role("link", name=name)).to_have_attribute(
        "href", f"/personas/{persona_id}/"
    )

    page.goto(f"{url}/research/notes/{second_id}/")
    expect(page.get_by_label("Interviewee", exact=True)).to_have_value(second.interviewee)
    link_persona(page, name)
    select_words(page, SUCCESS, None)
    promote(page, name, SUCCESS, "Goal", goal)
    expect(promoted).to_have_count(1)
    select_words(page, TYPICAL_DAY, feels)
    promote(page, name, TYPICAL_DAY, "Feels", feels)
    expect(promoted).to_have_count(2)
    expect(promoted.filter(has_text=goal)).to_contain_text("Goal")
    expect(promoted.filter(has_text=feels)).to_contain_text("Feels")

    # 4. The persona: what was promoted sits in its sections, the quote names its interview,
    # the sections research backs say so, and the research box counts both interviews.
    page.goto(f"{url}/personas/{persona_id}/")
    page.locator(".persona-hero").wait_for(timeout=20_000)
    quotes = section(page, "quotes")
    expect(quotes.get_by_label("Quote 1", exact=True)).to_have_value(quote)
    source = quotes.locator(".quote-source").get_by_role("link")
    expect(source).to_have_text(f"from {first.interviewee}, Interview with {first.interviewee}")
    expect(source).to_have_attribute("href", f"/research/notes/{first_id}/")
    expect(section(page, "pain_points").get_by_label("Pain point 1", exact=True)).to_have_value(
        pain
    )
    expect(section(page, "goals").get_by_label("Goal 1", exact=True)).to_have_value(goal)
    empathy = section(page, "empathy_map")
    expect(empathy.get_by_label("Feels item 1", exact=True)).to_have_value(feels)
    for key in ["quotes", "pain_points", "goals", "empathy_map"]:
        expect(section(page, key).locator(".evidence-badge"), key).to_have_text(
            "Backed by research · 1"
        )
    for key in ["demographics", "psychographics"]:
        expect(section(page, key).locator(".evidence-badge"), key).to_have_text("Assumption")
    research = page.locator(".research-box")
    expect(research.locator(".research-progress-text")).to_contain_text("2 of 3–5 interviews")
    expect(
        research.get_by_role("link", name=f"Interview with {first.interviewee}")
    ).to_have_attribute("href", f"/research/notes/{first_id}/")
    expect(
        research.get_by_role("link", name=f"Interview with {second.interviewee}")
    ).to_have_attribute("href", f"/research/notes/{second_id}/")

    # The demo persona to compare with, as its own page names it.
    page.goto(f"{url}/personas/{demo.persona_id}/")
    page.locator(".persona-hero").wait_for(timeout=20_000)
    other = page.get_by_label("Persona name").input_value()
    assert other

    # 5. The repository: pick both, compare them side by side.
    page.goto(f"{url}/personas/")
    expect(page.locator("article.repo-card").first).to_be_visible()
    page.get_by_role("button", name="Compare", exact=True).click()
    compare = page.get_by_role("button", name="Compare selected")
    expect(compare).to_be_disabled()
    for chosen in (name, other):
        box = page.get_by_label(f"Select {chosen} for comparison")
        box.click()
        expect(box).to_be_checked()
    expect(page.locator(".repo-compare-bar")).to_contain_text("2 of 4 selected")
    compare.click()
    expect(page).to_have_url(re.compile(r"/personas/compare/\?ids="))
    table = page.locator("table.compare-table")
    heads = table.locator("th.cmp-head")
    expect(heads).to_have_count(2)
    expect(heads.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(heads.get_by_role("link", name=other, exact=True)).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"^2 personas · [1-9]\d* of \d+ fields differ$"))
    ).to_be_visible()
    expect(table.locator("tr[data-row=job_title] td.cmp-diff")).to_have_count(2)
    expect(table.locator("tr[data-row=job_title]")).to_have_class(re.compile(r"\bcmp-differs\b"))
    for row, text in [("quotes", quote), ("pain_points", pain), ("goals", goal), ("feels", feels)]:
        cell = table.locator(f"tr[data-row={row}] li", has_text=text)
        expect(cell, row).to_have_class(re.compile(r"\bcmp-unique\b"))
    toggle = page.get_by_label("Show differences only")
    toggle.click()
    expect(toggle).to_be_checked()
    expect(table.locator("tr.cmp-same")).to_have_count(0)
    expect(table.locator("tr[data-row=job_title]")).to_be_visible()

    # 6. Back on the persona: never reviewed, so overdue; marked reviewed with a note.
    heads.get_by_role("link", name=name, exact=True).click()
    page.wait_for_url(f"{url}/personas/{persona_id}/")
    banner = page.get_by_test_id("overdue-banner")
    expect(banner).to_contain_text("never been reviewed")
    expect(page.get_by_test_id("overdue-badge")).to_be_visible()
    expect(page.get_by_test_id("last-reviewed")).to_have_text("never")
    page.get_by_role("button", name="Mark reviewed…").click()
    dialog = page.get_by_role("dialog", name=f"Review {name}")
    expect(dialog).to_contain_text("never reviewed")
    counts = dialog.locator(".review-counts")
    expect(counts).to_contain_text("4 new evidence items")
    expect(counts).to_contain_text("2 new interviews")
    dialog.get_by_label("Review note (optional)").fill(review_note)
    dialog.get_by_role("button", name="Mark reviewed").click()
    expect(dialog).to_have_count(0)
    expect(banner).to_have_count(0)
    expect(page.get_by_test_id("overdue-badge")).to_have_count(0)
    expect(page.get_by_test_id("last-reviewed")).not_to_have_text("never")
    page.reload()
    page.locator(".persona-hero").wait_for(timeout=20_000)
    expect(page.get_by_label("Persona name")).to_have_value(name)
    expect(banner).to_have_count(0)

    # What was stored: the review with its note, and four evidence items from the two notes.
    reviews = items(researcher.api("GET", f"/api/personas/{persona_id}/reviews/"))
    assert len(reviews) == 1
    assert reviews[0]["note"] == review_note
    assert reviews[0]["reviewed_by"] == DEMO_USER["username"]
    evidence = researcher.api("GET", f"/api/personas/{persona_id}/evidence/")
    linked = {(str(i["note"]), i["field"], i["text"]) for i in evidence["items"]}
    assert linked == {
        (first_id, "quotes", quote),
        (first_id, "pain_points", pain),
        (second_id, "goals", goal),
        (second_id, "feels", feels),
    }
    assert {str(i["id"]) for i in evidence["interviews"]} == {first_id, second_id}

    # 7. A researcher quick off the mark: "New interview note" clicked while the guides are
    # still loading (held here, as a slow network would) still gets the default guide.
    held: list[Route] = []

    def hold(route: Route) -> None:
        held.append(route)

    page.route(GUIDES_REQUEST, hold)
    page.goto(f"{url}/research/")
    expect(page.get_by_role("heading", name="Customer interviews")).to_be_visible()
    page.get_by_role("button", name="New interview note").click()
    dialog = page.get_by_role("dialog", name="New interview note")
    expect(dialog.get_by_role("radio")).to_have_count(1)  # only "No guide" so far
    assert held, "the research hub did not ask for the guides"
    for route in held:
        route.continue_()
    page.unroute(GUIDES_REQUEST)
    expect(page.get_by_test_id("guide-row").filter(has_text=GUIDE)).to_be_visible()
    expect(dialog.get_by_role("radio", name=re.compile(f"^{GUIDE}"))).to_be_checked()
