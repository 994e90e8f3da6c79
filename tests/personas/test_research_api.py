"""Research behind personas: interview guides, interview notes with answers per question,
quotes and pain points promoted into personas with a link back, evidence per field group and
the workspace's progress toward 6–10 interviews per two personas."""

from __future__ import annotations

from typing import Any

import pytest

from journeymap.workspaces.services import workspace_create
from personas.models import InterviewGuide, InterviewNote, PersonaEvidence, PersonaVersion

from ..conftest import World
from ..factories import PersonaFactory, UserFactory


def default_guide(world: World) -> InterviewGuide:
    return InterviewGuide.objects.get(workspace=world.acme.workspace, is_default=True)


def new_note(client: Any, world: World, **fields: Any) -> dict[str, Any]:
    body = {"workspace": str(world.acme.workspace.id), "title": "Call with Ann", **fields}
    response = client.post("/api/interview-notes/", body, format="json")
    assert response.status_code == 201, response.content
    return dict(response.json())


def promote(client: Any, note: dict[str, Any], persona: Any, field: str, text: str) -> Any:
    return client.post(
        f"/api/interview-notes/{note['id']}/promote/",
        {"persona": str(persona.id), "field": field, "text": text},
        format="json",
    )


def test_a_new_workspace_has_the_classic_buyer_persona_guide(db: Any) -> None:
    workspace = workspace_create(name="Fresh", owner=UserFactory())
    guide = InterviewGuide.objects.get(workspace=workspace)
    assert guide.is_default
    assert guide.name == "Buyer persona interview"
    texts = " ".join(question["text"].lower() for question in guide.questions)
    for topic in (
        "company do",
        "job title",
        "measured",
        "report to",
        "typical day",
        "skills",
        "success",
        "challenges",
        "blogs",
        "associations",
        "social networks",
        "career path",
        "personal background",
        "educational background",
        "vendors",
        "research new vendors",
        "recent purchase",
    ):
        assert topic in texts, topic
    ids = [question["id"] for question in guide.questions]
    assert len(ids) == len(set(ids))


def test_guides_are_edited_with_stable_question_ids(world: World, client_as: Any) -> None:
    client = client_as("editor")
    guide = default_guide(world)
    questions = [*guide.questions[:2][::-1], {"id": "new-one", "text": "What would you change?"}]
    response = client.patch(
        f"/api/interview-guides/{guide.id}/", {"questions": questions}, format="json"
    )
    assert response.status_code == 200, response.content
    assert [q["id"] for q in response.json()["questions"]] == ["role", "company", "new-one"]


def test_a_guide_with_two_questions_of_one_id_is_refused(world: World, client_as: Any) -> None:
    guide = default_guide(world)
    response = client_as("editor").patch(
        f"/api/interview-guides/{guide.id}/",
        {"questions": [{"id": "a", "text": "One"}, {"id": "a", "text": "Two"}]},
        format="json",
    )
    assert response.status_code == 400
    guide.refresh_from_db()
    assert len(guide.questions) == 18


def test_a_note_taken_with_a_guide_starts_with_its_questions(world: World, client_as: Any) -> None:
    client = client_as("editor")
    note = new_note(client, world, guide=str(default_guide(world).id), interviewee="Ann")
    assert len(note["answers"]) == 18
    assert note["answers"][0] == {
        "question": "company",
        "text": default_guide(world).questions[0]["text"],
        "answer": "",
    }
    assert note["created_by"] == "editor"
    answers = note["answers"]
    answers[7]["answer"] = "Returns take three weeks."
    saved = client.patch(
        f"/api/interview-notes/{note['id']}/",
        {
            "answers": answers,
            "interviewed_on": "2026-11-20",
            "personas": [str(world.acme.persona.id)],
        },
        format="json",
    ).json()
    assert saved["answers"][7]["answer"] == "Returns take three weeks."
    assert saved["personas"] == [str(world.acme.persona.id)]
    listed = client.get(f"/api/interview-notes/?persona={world.acme.persona.id}").json()
    assert [n["id"] for n in listed["results"]] == [note["id"]]


def test_a_note_cannot_link_another_workspaces_persona_or_guide(
    world: World, client_as: Any
) -> None:
    client = client_as("owner")
    other_guide = InterviewGuide.objects.get(workspace=world.other.workspace)
    for body in (
        {"personas": [str(world.other.persona.id)]},
        {"guide": str(other_guide.id)},
    ):
        response = client.post(
            "/api/interview-notes/",
            {"workspace": str(world.acme.workspace.id), "title": "Sneaky", **body},
            format="json",
        )
        assert response.status_code == 400
    assert not InterviewNote.objects.filter(title="Sneaky").exists()


def test_deleting_a_guide_keeps_the_notes_and_their_answers(world: World, client_as: Any) -> None:
    client = client_as("editor")
    guide = default_guide(world)
    note = new_note(client, world, guide=str(guide.id))
    assert client.delete(f"/api/interview-guides/{guide.id}/").status_code == 204
    kept = client.get(f"/api/interview-notes/{note['id']}/").json()
    assert kept["guide"] is None
    assert len(kept["answers"]) == 18


def test_promoting_a_quote_puts_it_into_the_persona_with_a_link(
    world: World, client_as: Any
) -> None:
    client = client_as("editor")
    persona = world.acme.persona
    note = new_note(client, world)
    versions = PersonaVersion.objects.filter(persona=persona).count()

    response = promote(client, note, persona, "quotes", "  I just want it to fit.  ")

    assert response.status_code == 200, response.content
    assert response.json()["persona"]["quotes"] == ["I just want it to fit."]
    assert response.json()["evidence"]["field"] == "quotes"
    evidence = PersonaEvidence.objects.get()
    assert (evidence.note_id, evidence.persona_id, evidence.text) == (
        uuid_of(note),
        persona.id,
        "I just want it to fit.",
    )
    assert PersonaVersion.objects.filter(persona=persona).count() == versions + 1
    assert client.get(f"/api/interview-notes/{note['id']}/").json()["personas"] == [str(persona.id)]


def uuid_of(record: dict[str, Any]) -> Any:
    import uuid

    return uuid.UUID(record["id"])


def test_promoting_into_an_empathy_quadrant_and_twice_the_same_text(
    world: World, client_as: Any
) -> None:
    client = client_as("editor")
    persona = world.acme.persona
    note = new_note(client, world)
    promote(client, note, persona, "feels", "Anxious about sizes")
    again = promote(client, note, persona, "feels", "Anxious about sizes")
    assert again.status_code == 200
    persona.refresh_from_db()
    assert persona.empathy_map["feels"] == ["Anxious about sizes"]
    assert PersonaEvidence.objects.filter(persona=persona).count() == 2


@pytest.mark.parametrize(
    "field, text",
    [("horoscope", "Leo"), ("quotes", "   "), ("name", "Renamed")],
    ids=["unknown field", "blank text", "not a list field"],
)
def test_a_bad_promotion_is_refused_and_changes_nothing(
    world: World, client_as: Any, field: str, text: str
) -> None:
    client = client_as("editor")
    note = new_note(client, world)
    response = promote(client, note, world.acme.persona, field, text)
    assert response.status_code == 400
    world.acme.persona.refresh_from_db()
    assert world.acme.persona.quotes == []
    assert world.acme.persona.name != "Renamed"
    assert not PersonaEvidence.objects.exists()


def test_promoting_into_another_workspaces_persona_is_refused(world: World, client_as: Any) -> None:
    client = client_as("owner")
    note = new_note(client, world)
    response = promote(client, note, world.other.persona, "quotes", "Hello")
    assert response.status_code == 400
    world.other.persona.refresh_from_db()
    assert world.other.persona.quotes == []


def test_evidence_per_field_group_shows_what_is_an_assumption(world: World, client_as: Any) -> None:
    client = client_as("editor")
    persona = world.acme.persona
    note = new_note(client, world, interviewee="Ann", interviewed_on="2026-11-02")
    promote(client, note, persona, "quotes", "Fit first")
    promote(client, note, persona, "pain_points", "Returns are slow")
    promote(client, note, persona, "objections", "Too pricey")

    summary = client_as("viewer").get(f"/api/personas/{persona.id}/evidence/").json()

    groups = {group["key"]: (group["count"], group["backed"]) for group in summary["groups"]}
    assert groups["quotes"] == (1, True)
    assert groups["pain_points"] == (2, True)
    assert groups["demographics"] == (0, False)
    assert groups["empathy_map"] == (0, False)
    assert [item["text"] for item in summary["items"]] == [
        "Fit first",
        "Returns are slow",
        "Too pricey",
    ]
    assert summary["items"][0]["note_title"] == "Call with Ann"
    assert summary["interviews"] == [
        {
            "id": note["id"],
            "title": "Call with Ann",
            "interviewee": "Ann",
            "interviewed_on": "2026-11-02",
        }
    ]
    assert summary["target"] == {"min": 3, "max": 5}


def test_unlinking_evidence_keeps_the_persona_text(world: World, client_as: Any) -> None:
    client = client_as("editor")
    persona = world.acme.persona
    note = new_note(client, world)
    evidence = promote(client, note, persona, "goals", "Buy once").json()["evidence"]
    assert client.delete(f"/api/persona-evidence/{evidence['id']}/").status_code == 204
    persona.refresh_from_db()
    assert persona.goals[-1] == "Buy once"
    assert not PersonaEvidence.objects.exists()


def test_progress_counts_interviews_against_six_to_ten_per_two_personas(
    world: World, client_as: Any
) -> None:
    client = client_as("editor")
    second = PersonaFactory(workspace=world.acme.workspace, name="Zed")
    for index in range(4):
        note = new_note(client, world, title=f"Call {index}")
        personas = [str(world.acme.persona.id)] + ([str(second.id)] if index == 0 else [])
        client.patch(f"/api/interview-notes/{note['id']}/", {"personas": personas}, format="json")

    progress = (
        client_as("viewer")
        .get(f"/api/research/progress/?workspace={world.acme.workspace.id}")
        .json()
    )

    assert (progress["interviews"], progress["personas"]) == (4, 2)
    assert (progress["target_min"], progress["target_max"]) == (6, 10)
    counts = {row["name"]: row["interviews"] for row in progress["per_persona"]}
    assert counts == {world.acme.persona.name: 4, "Zed": 1}


def test_notes_search_in_title_interviewee_summary_and_answers(
    world: World, client_as: Any
) -> None:
    client = client_as("editor")
    new_note(client, world, title="Store visit", interviewee="Priya")
    new_note(client, world, title="Phone call", summary="Talked about returns")
    new_note(
        client,
        world,
        title="Video call",
        answers=[{"question": "challenges", "text": "Challenges?", "answer": "Wet tents"}],
    )
    base = f"/api/interview-notes/?workspace={world.acme.workspace.id}&search="
    assert [n["title"] for n in client.get(base + "priya").json()["results"]] == ["Store visit"]
    assert [n["title"] for n in client.get(base + "RETURNS").json()["results"]] == ["Phone call"]
    assert [n["title"] for n in client.get(base + "wet tent").json()["results"]] == ["Video call"]
