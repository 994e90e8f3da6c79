"""Editing personas the way researchers do: per-field conflicts between two editors, versions
and restore, owner and cadence, reviews with what changed since, the workspace template, the
repository's filters and where a persona is used."""

from __future__ import annotations

import threading
import uuid
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connections
from django.utils import timezone
from rest_framework.test import APIClient

from journeymap.maps.services.ops import apply_ops
from personas.models import FeaturePersona, Persona, PersonaReview, PersonaVersion
from personas.services import persona_update

from ..conftest import World, needs_postgres
from ..factories import (
    ChannelFactory,
    FeatureFactory,
    PersonaFactory,
    SegmentFactory,
    UserFactory,
    WorkspaceFactory,
)


def url(persona: Any, rest: str = "") -> str:
    return f"/api/personas/{persona.id}/{rest}"


def loaded_version(client: APIClient, persona: Any) -> int:
    return int(client.get(url(persona)).json()["version"])


# -- two editors ---------------------------------------------------------------------------


def test_a_stale_save_of_the_same_field_is_refused_with_the_current_value(
    world: World, client_as: Any
) -> None:
    editor, owner = client_as("editor"), client_as("owner")
    persona = world.acme.persona
    base = loaded_version(editor, persona)
    assert loaded_version(owner, persona) == base

    first = editor.patch(url(persona), {"name": "Maya", "base_version": base}, format="json")
    assert first.status_code == 200, first.content
    second = owner.patch(url(persona), {"name": "Mia", "base_version": base}, format="json")

    assert second.status_code == 409
    body = second.json()
    assert body["conflicts"] == {"name": "Maya"}
    assert body["changed_by"] == "editor"
    assert body["version"] == first.json()["version"]
    persona.refresh_from_db()
    assert persona.name == "Maya"
    # Taking the newer version as the base, the second editor may overwrite on purpose.
    again = owner.patch(
        url(persona), {"name": "Mia", "base_version": body["version"]}, format="json"
    )
    assert again.status_code == 200
    assert again.json()["name"] == "Mia"


def test_edits_of_different_fields_from_the_same_version_both_land(
    world: World, client_as: Any
) -> None:
    editor, owner = client_as("editor"), client_as("owner")
    persona = world.acme.persona
    base = loaded_version(editor, persona)
    goals = ["Finish in one visit"]
    assert (
        editor.patch(url(persona), {"goals": goals, "base_version": base}, format="json")
    ).status_code == 200
    response = owner.patch(
        url(persona), {"bio": "Runs a shop", "base_version": base}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["goals"] == goals
    assert response.json()["bio"] == "Runs a shop"


def test_a_refused_save_changes_none_of_the_fields_it_sent(world: World, client_as: Any) -> None:
    editor, owner = client_as("editor"), client_as("owner")
    persona = world.acme.persona
    base = loaded_version(editor, persona)
    editor.patch(url(persona), {"tier": "secondary", "base_version": base}, format="json")
    versions = PersonaVersion.objects.filter(persona=persona).count()

    response = owner.patch(
        url(persona),
        {"tier": "negative", "bio": "Would have landed", "base_version": base},
        format="json",
    )

    assert response.status_code == 409
    assert set(response.json()["conflicts"]) == {"tier"}
    persona.refresh_from_db()
    assert (persona.tier, persona.bio) == ("secondary", "")
    assert PersonaVersion.objects.filter(persona=persona).count() == versions


def test_sending_the_value_already_stored_is_no_conflict(world: World, client_as: Any) -> None:
    editor, owner = client_as("editor"), client_as("owner")
    persona = world.acme.persona
    base = loaded_version(editor, persona)
    editor.patch(url(persona), {"quotes": ["Too slow"], "base_version": base}, format="json")
    response = owner.patch(
        url(persona), {"quotes": ["Too slow"], "base_version": base}, format="json"
    )
    assert response.status_code == 200


def test_conflicts_cover_channels_and_the_empathy_map(world: World, client_as: Any) -> None:
    editor, owner = client_as("editor"), client_as("owner")
    persona = world.acme.persona
    kiosk = ChannelFactory(workspace=world.acme.workspace, name="Kiosk")
    base = loaded_version(editor, persona)
    editor.patch(
        url(persona),
        {
            "preferred_channels": [str(kiosk.id)],
            "empathy_map": {"says": ["Where is it?"]},
            "base_version": base,
        },
        format="json",
    )
    response = owner.patch(
        url(persona),
        {
            "preferred_channels": [str(world.acme.channel.id)],
            "empathy_map": {"feels": ["Lost"]},
            "base_version": base,
        },
        format="json",
    )
    assert response.status_code == 409
    conflicts = response.json()["conflicts"]
    assert conflicts["preferred_channels"] == [str(kiosk.id)]
    assert conflicts["empathy_map"]["says"] == ["Where is it?"]


def test_ones_own_quick_saves_never_conflict(world: World, client_as: Any) -> None:
    editor = client_as("editor")
    persona = world.acme.persona
    base = loaded_version(editor, persona)
    assert (
        editor.patch(url(persona), {"name": "One", "base_version": base}, format="json")
    ).status_code == 200
    # A second save still in flight from the same editor, on the same old base.
    assert (
        editor.patch(url(persona), {"name": "Two", "base_version": base}, format="json")
    ).status_code == 200


def test_without_a_base_version_the_last_write_wins(world: World, client_as: Any) -> None:
    client_as("editor").patch(url(world.acme.persona), {"name": "A"}, format="json")
    response = client_as("owner").patch(url(world.acme.persona), {"name": "B"}, format="json")
    assert response.status_code == 200
    assert response.json()["name"] == "B"


@pytest.mark.django_db(transaction=True)
def test_two_editors_saving_at_the_same_instant_one_wins_one_is_told(
    world: World,
) -> None:
    """On PostgreSQL, where two saves really run at once: the row lock orders them, so the
    second sees the first's version and is refused rather than overwriting it."""
    needs_postgres()
    persona = world.acme.persona
    base = PersonaVersion.objects.filter(persona=persona).count()
    barrier = threading.Barrier(2)
    answers: dict[str, int] = {}

    def save(who: Any, name: str) -> None:
        client = APIClient()
        client.force_authenticate(who)
        barrier.wait()
        response = client.patch(url(persona), {"name": name, "base_version": base}, format="json")
        answers[name] = response.status_code
        connections.close_all()

    threads = [
        threading.Thread(target=save, args=(world.editor, "From editor")),
        threading.Thread(target=save, args=(world.owner, "From owner")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(answers.values()) == [200, 409], answers
    winner = next(name for name, code in answers.items() if code == 200)
    persona.refresh_from_db()
    assert persona.name == winner


# -- versions and restore ------------------------------------------------------------------


def test_each_edit_is_a_version_naming_who_changed_which_field(
    world: World, client_as: Any
) -> None:
    persona = world.acme.persona
    client_as("editor").patch(url(persona), {"name": "Maya", "age": 34}, format="json")
    client_as("owner").patch(url(persona), {"goals": ["Buy once"]}, format="json")

    versions = client_as("viewer").get(url(persona, "versions/")).json()

    assert [(v["number"], v["created_by"], v["changed_fields"]) for v in versions[:2]] == [
        (2, "owner", ["goals"]),
        (1, "editor", ["age", "name"]),
    ]
    assert versions[1]["data"]["name"] == "Maya"


def test_restore_brings_back_an_old_version_as_a_new_one(world: World, client_as: Any) -> None:
    client = client_as("editor")
    persona = world.acme.persona
    client.patch(url(persona), {"name": "First", "goals": ["One"]}, format="json")
    client.patch(url(persona), {"name": "Second", "goals": ["Two", "Three"]}, format="json")

    response = client.post(url(persona, "versions/1/restore/"))

    assert response.status_code == 200, response.content
    assert (response.json()["name"], response.json()["goals"]) == ("First", ["One"])
    newest = PersonaVersion.objects.filter(persona=persona).order_by("-number").first()
    assert newest is not None
    assert newest.number == 3
    assert newest.changed_fields == ["goals", "name"]


def test_restore_leaves_the_review_date_and_refuses_an_unknown_version(
    world: World, client_as: Any
) -> None:
    client = client_as("editor")
    persona = world.acme.persona
    client.patch(url(persona), {"name": "First"}, format="json")
    client.post(url(persona, "review/"), {}, format="json")
    client.post(url(persona, "versions/1/restore/"))
    persona.refresh_from_db()
    assert persona.last_reviewed_at == timezone.localdate()
    assert client.post(url(persona, "versions/99/restore/")).status_code == 404


def test_restore_skips_channels_the_workspace_no_longer_has(world: World, client_as: Any) -> None:
    client = client_as("editor")
    persona = world.acme.persona
    kiosk = ChannelFactory(workspace=world.acme.workspace, name="Kiosk")
    client.patch(url(persona), {"preferred_channels": [str(kiosk.id)]}, format="json")
    client.patch(url(persona), {"preferred_channels": []}, format="json")
    kiosk.delete()
    response = client.post(url(persona, "versions/1/restore/"))
    assert response.status_code == 200
    assert response.json()["preferred_channels"] == []


def test_a_viewer_cannot_restore(world: World, client_as: Any) -> None:
    persona = world.acme.persona
    client_as("editor").patch(url(persona), {"name": "First"}, format="json")
    assert client_as("viewer").post(url(persona, "versions/1/restore/")).status_code == 403


# -- owner, cadence, reviews ---------------------------------------------------------------


def test_the_owner_is_a_member_of_the_workspace(world: World, client_as: Any) -> None:
    client = client_as("owner")
    persona = world.acme.persona
    response = client.patch(url(persona), {"owner": world.editor.id}, format="json")
    assert response.status_code == 200
    assert response.json()["owner_name"] == "editor"
    # Someone who shares no workspace with the caller does not exist for them.
    refused = client.patch(url(persona), {"owner": world.outsider.id}, format="json")
    assert refused.status_code == 400
    persona.refresh_from_db()
    assert persona.owner == world.editor


def test_an_owner_from_another_of_the_callers_workspaces_is_refused(
    world: World, client_as: Any
) -> None:
    shared = WorkspaceFactory(name="Shared")
    stranger = UserFactory(username="stranger")
    from journeymap.workspaces.models import Membership, Role

    Membership.objects.create(workspace=shared, user=world.owner, role=Role.OWNER)
    Membership.objects.create(workspace=shared, user=stranger, role=Role.EDITOR)
    response = client_as("owner").patch(
        url(world.acme.persona), {"owner": stranger.id}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["owner"] == ["not a member of this workspace"]


@pytest.mark.parametrize("days", [0, 731])
def test_the_review_cadence_is_between_a_day_and_two_years(
    world: World, client_as: Any, days: int
) -> None:
    response = client_as("owner").patch(
        url(world.acme.persona), {"review_cadence_days": days}, format="json"
    )
    assert response.status_code == 400


def test_staleness_follows_the_cadence_on_a_frozen_clock(world: World, client_as: Any) -> None:
    client = client_as("editor")
    persona = world.acme.persona
    assert client.get(url(persona)).json()["is_stale"] is True  # never reviewed
    client.patch(url(persona), {"review_cadence_days": 30}, format="json")
    with time_machine.travel(date(2026, 3, 1), tick=False):
        reviewed = client.post(url(persona, "review/"), {"note": "Fits the March calls"}).json()
        assert reviewed["is_stale"] is False
        assert reviewed["review_due_on"] == "2026-03-31"
    with time_machine.travel(date(2026, 3, 31), tick=False):
        assert client.get(url(persona)).json()["is_stale"] is False
    with time_machine.travel(date(2026, 4, 1), tick=False):
        assert client.get(url(persona)).json()["is_stale"] is True
        stale = client.get(f"/api/personas/?workspace={world.acme.workspace.id}&stale=1").json()
        assert [p["id"] for p in stale] == [str(persona.id)]


def test_a_review_records_who_when_and_the_note(world: World, client_as: Any) -> None:
    persona = world.acme.persona
    with time_machine.travel(date(2026, 6, 2), tick=False):
        client_as("editor").post(url(persona, "review/"), {"note": "Six calls agree"})
    reviews = client_as("viewer").get(url(persona, "reviews/")).json()
    assert [(r["reviewed_on"], r["reviewed_by"], r["note"]) for r in reviews] == [
        ("2026-06-02", "editor", "Six calls agree")
    ]


def test_since_review_shows_the_diff_and_the_new_evidence(world: World, client_as: Any) -> None:
    client = client_as("editor")
    persona = world.acme.persona
    client.patch(url(persona), {"goals": ["Buy once"], "bio": "Runner"}, format="json")
    client.post(url(persona, "review/"), {"note": "First pass"})
    client.patch(url(persona), {"goals": ["Buy once", "Buy right"]}, format="json")
    client.patch(url(persona), {"empathy_map": {"feels": ["Rushed"]}}, format="json")
    note = client.post(
        "/api/interview-notes/",
        {"workspace": str(world.acme.workspace.id), "title": "Call with Bo"},
        format="json",
    ).json()
    client.post(
        f"/api/interview-notes/{note['id']}/promote/",
        {"persona": str(persona.id), "field": "quotes", "text": "I run at dawn"},
        format="json",
    )

    summary = client.get(url(persona, "since-review/")).json()

    assert summary["last_review"]["note"] == "First pass"
    changes = {change["field"]: change for change in summary["changes"]}
    assert changes["goals"] == {
        "field": "goals",
        "before": ["Buy once"],
        "after": ["Buy once", "Buy right"],
    }
    assert changes["empathy_map.feels"]["after"] == ["Rushed"]
    assert changes["quotes"]["after"] == ["I run at dawn"]
    assert "bio" not in changes
    assert summary["versions"] == 3
    assert (summary["new_evidence"], summary["new_interviews"]) == (1, 1)


def test_since_review_of_a_never_reviewed_persona_lists_what_it_holds(
    world: World, client_as: Any
) -> None:
    client = client_as("editor")
    persona = world.acme.persona
    client.patch(url(persona), {"bio": "Runner"}, format="json")
    summary = client.get(url(persona, "since-review/")).json()
    assert summary["last_review"] is None
    fields = {change["field"] for change in summary["changes"]}
    assert "bio" in fields
    assert "objections" not in fields  # still empty: nothing to read
    assert all(change["before"] is None for change in summary["changes"])


# -- template ------------------------------------------------------------------------------


def test_the_template_orders_and_hides_sections_per_workspace(world: World, client_as: Any) -> None:
    client = client_as("editor")
    path = f"/api/persona-template/?workspace={world.acme.workspace.id}"
    default = client.get(path).json()["sections"]
    assert default[0] == {"key": "quotes", "label": "Quotes", "visible": True}
    assert all(section["visible"] for section in default)

    wanted = [{"key": s["key"], "visible": s["key"] != "demographics"} for s in reversed(default)]
    saved = client.put(
        "/api/persona-template/",
        {"workspace": str(world.acme.workspace.id), "sections": wanted},
        format="json",
    )
    assert saved.status_code == 200, saved.content
    again = client.get(path).json()["sections"]
    assert [s["key"] for s in again] == [s["key"] for s in wanted]
    assert [s["key"] for s in again if not s["visible"]] == ["demographics"]
    # Another workspace keeps its own template.
    other = client_as("outsider").get(
        f"/api/persona-template/?workspace={world.other.workspace.id}"
    )
    assert all(section["visible"] for section in other.json()["sections"])


@pytest.mark.parametrize(
    "sections",
    [
        [{"key": "quotes", "visible": True}],
        [{"key": "horoscope", "visible": True}],
        "all",
    ],
    ids=["missing sections", "unknown section", "not a list"],
)
def test_a_bad_template_is_refused_and_changes_nothing(
    world: World, client_as: Any, sections: Any
) -> None:
    client = client_as("editor")
    response = client.put(
        "/api/persona-template/",
        {"workspace": str(world.acme.workspace.id), "sections": sections},
        format="json",
    )
    assert response.status_code == 400
    stored = client.get(f"/api/persona-template/?workspace={world.acme.workspace.id}").json()
    assert all(section["visible"] for section in stored["sections"])


def test_a_duplicated_section_is_refused(world: World, client_as: Any) -> None:
    from personas.template import SECTION_LABELS

    sections = [{"key": key, "visible": True} for key in SECTION_LABELS]
    sections[-1] = {"key": "quotes", "visible": False}
    response = client_as("editor").put(
        "/api/persona-template/",
        {"workspace": str(world.acme.workspace.id), "sections": sections},
        format="json",
    )
    assert response.status_code == 400


# -- repository ----------------------------------------------------------------------------


def test_the_repository_searches_filters_and_sorts(world: World, client_as: Any) -> None:
    workspace = world.acme.workspace
    today = timezone.localdate()
    PersonaFactory(workspace=workspace, name="Ada", job_title="Buyer", last_reviewed_at=today)
    PersonaFactory(
        workspace=workspace,
        name="Bea",
        tier="negative",
        company="Buyers Club",
        last_reviewed_at=today - timedelta(days=200),
    )
    client = client_as("viewer")
    base = f"/api/personas/?workspace={workspace.id}"

    def names(query: str) -> list[str]:
        return [p["name"] for p in client.get(base + query).json()["results"]]

    assert names("&search=buyer") == ["Ada", "Bea"]
    assert names("&tier=negative") == ["Bea"]
    never = world.acme.persona.name
    assert names("&ordering=last_reviewed_at") == [never, "Bea", "Ada"]
    assert names("&ordering=-last_reviewed_at") == ["Ada", "Bea", never]
    assert client.get(base + "&ordering=shoe_size").status_code == 400


def test_primary_count_warns_about_too_many_primary_personas(world: World, client_as: Any) -> None:
    for index in range(5):
        PersonaFactory(workspace=world.acme.workspace, name=f"P{index}", tier="primary")
    listed = client_as("viewer").get(f"/api/personas/?workspace={world.acme.workspace.id}")
    assert {p["primary_count"] for p in listed.json()["results"]} == {
        Persona.objects.filter(workspace=world.acme.workspace, tier="primary").count()
    }
    assert listed.json()["results"][0]["primary_count"] == 6


# -- usage ---------------------------------------------------------------------------------


def test_usage_lists_maps_features_segments_and_friction_points(
    world: World, client_as: Any
) -> None:
    side = world.acme
    persona = side.persona
    feature = FeatureFactory(workspace=side.workspace, name="Fit guide")
    FeaturePersona.objects.create(feature=feature, persona=persona, relevance=5)
    segment = SegmentFactory(workspace=side.workspace, name="Runners", rules={})
    segment.personas.add(persona)
    friction = str(uuid.uuid4())
    apply_ops(
        map_id=side.map.id,
        actor=world.owner,
        op_id=uuid.uuid4(),
        ops=[
            {
                "action": "create",
                "entity": "friction",
                "id": friction,
                "fields": {
                    "stage": side.stage,
                    "lane": side.lanes["friction"],
                    "title": "Sizes unclear",
                    "severity": 4,
                    "personas": [str(persona.id)],
                },
            }
        ],
    )

    usage = client_as("viewer").get(url(persona, "usage/")).json()

    assert usage["maps"] == [{"id": str(side.map.id), "title": side.map.title}]
    assert usage["features"] == [
        {"id": str(feature.id), "name": "Fit guide", "status": "idea", "relevance": 5}
    ]
    assert usage["segments"] == [{"id": str(segment.id), "name": "Runners", "size": 0}]
    assert [(f["title"], f["severity"], f["stage_name"]) for f in usage["friction_points"]] == [
        ("Sizes unclear", 4, "Discover")
    ]


def test_usage_of_another_workspaces_persona_is_a_404(world: World, client_as: Any) -> None:
    assert client_as("owner").get(url(world.other.persona, "usage/")).status_code == 404


def test_the_service_records_reviews_at_the_version_reviewed(world: World) -> None:
    from personas.services import persona_mark_reviewed

    persona = persona_update(persona=world.acme.persona, actor=world.owner, data={"bio": "x"})
    persona_mark_reviewed(persona=persona, actor=world.owner, note="ok")
    review = PersonaReview.objects.get(persona=persona)
    assert review.version == PersonaVersion.objects.filter(persona=persona).count()
