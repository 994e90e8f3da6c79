"""Personas kept current, segments by rules, features tagged to personas."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from personas.models import Persona, PersonaVersion

from ..conftest import World

FULL_PERSONA = {
    "name": "Maya Chen",
    "tier": "primary",
    "bio": "Weekend hiker who researches every purchase.",
    "quotes": ["I read the reviews before I read the price."],
    "age": 34,
    "gender": "female",
    "location": "Leeds, UK",
    "income": "£45–60k",
    "education": "MSc",
    "family": "Partner, one child",
    "job_title": "UX researcher",
    "company": "Mid-size agency",
    "personality": ["Curious", "Cautious"],
    "values": ["Durability"],
    "interests": ["Hiking"],
    "lifestyle": "Active at weekends",
    "behaviours": ["Compares three shops"],
    "goals": ["Buy once, buy well"],
    "needs": ["Honest sizing"],
    "pain_points": ["Returns are a hassle"],
    "motivations": ["Safety on the hill"],
    "expectations": ["Next-day delivery"],
    "objections": ["Price of premium brands"],
    "preferred_content": ["Video reviews"],
    "empathy_map": {
        "says": ["Is it waterproof?"],
        "thinks": [],
        "does": ["Reads forums"],
        "feels": ["Unsure"],
    },
    "lifetime_value": "1250.00",
    "churn_risk": "low",
    "review_cadence_days": 90,
}


def test_a_persona_with_every_field_round_trips(world: World, client_as: Any) -> None:
    client = client_as("editor")
    body = {
        **FULL_PERSONA,
        "workspace": str(world.acme.workspace.id),
        "preferred_channels": [str(world.acme.channel.id)],
    }
    response = client.post("/api/personas/", body, format="json")
    assert response.status_code == 201, response.content
    created = client.get(f"/api/personas/{response.json()['id']}/").json()
    for key, value in FULL_PERSONA.items():
        assert created[key] == value, key
    assert created["preferred_channels"] == [str(world.acme.channel.id)]
    assert created["owner"] == world.editor.pk
    assert created["is_stale"] is True  # never reviewed


def test_every_edit_is_kept_as_a_version(world: World, client_as: Any) -> None:
    client = client_as("editor")
    url = f"/api/personas/{world.acme.persona.id}/"
    client.patch(url, {"goals": ["Save time"], "pain_points": ["Queues"]}, format="json")
    client.patch(url, {"goals": ["Save time"]}, format="json")  # no change, no version
    client.patch(url, {"name": "Renamed"}, format="json")
    versions = client.get(f"{url}versions/").json()
    assert [v["changed_fields"] for v in versions] == [["name"], ["goals", "pain_points"]]
    assert versions[1]["data"]["goals"] == ["Save time"] and versions[0]["created_by"] == "editor"


def test_review_status_warns_when_overdue(world: World, client_as: Any) -> None:
    persona = world.acme.persona
    persona.last_reviewed_at = timezone.localdate() - timedelta(days=100)
    persona.review_cadence_days = 90
    persona.save()
    client = client_as("editor")
    stale = client.get(f"/api/personas/?stale=true&workspace={world.acme.workspace.id}").json()
    assert [p["id"] for p in stale] == [str(persona.id)]
    reviewed = client.post(f"/api/personas/{persona.id}/review/", {}, format="json").json()
    assert reviewed["is_stale"] is False
    assert reviewed["review_due_on"] == str(timezone.localdate() + timedelta(days=90))
    assert client.get("/api/personas/?stale=true").json() == []


def test_bad_persona_input_names_the_field_and_changes_nothing(
    world: World, client_as: Any
) -> None:
    client = client_as("editor")
    before = PersonaVersion.objects.count(), Persona.objects.count()
    for bad, field in [
        ({"empathy_map": {"smells": ["x"]}}, "empathy_map"),
        ({"tier": "tertiary"}, "tier"),
        ({"goals": "not a list"}, "goals"),
        ({"preferred_channels": [str(world.other.channel.id)]}, "preferred_channels"),
    ]:
        response = client.patch(f"/api/personas/{world.acme.persona.id}/", bad, format="json")
        assert response.status_code == 400
        assert field in response.json()["errors"], field
    assert (PersonaVersion.objects.count(), Persona.objects.count()) == before


def test_segment_rules_are_checked_and_evaluated(world: World, client_as: Any) -> None:
    from ..factories import CustomerFactory

    client = client_as("editor")
    workspace = str(world.acme.workspace.id)
    for n, (gender, age) in enumerate([("male", 19), ("male", 30), ("female", 20), ("Male", 25)]):
        CustomerFactory(workspace=world.acme.workspace, external_id=f"c{n}", gender=gender, age=age)
    CustomerFactory(workspace=world.other.workspace, external_id="foreign", gender="male", age=20)
    bad = client.post(
        "/api/segments/",
        {
            "workspace": workspace,
            "name": "x",
            "rules": {"field": "shoe_size", "op": "eq", "value": 1},
        },
        format="json",
    )
    assert bad.status_code == 400 and "rules.field" in str(bad.json()["errors"]["rules"])
    rules = {
        "all": [
            {"field": "gender", "op": "eq", "value": "male"},
            {"field": "age", "op": "between", "value": [18, 25]},
        ]
    }
    created = client.post(
        "/api/segments/",
        {
            "workspace": workspace,
            "name": "Young men",
            "rules": rules,
            "personas": [str(world.acme.persona.id)],
        },
        format="json",
    )
    assert created.status_code == 201
    customers = client.get(f"/api/segments/{created.json()['id']}/customers/").json()
    assert customers["count"] == 2
    assert sorted(c["external_id"] for c in customers["results"]) == ["c0", "c3"]
    persona = client.get(f"/api/personas/{world.acme.persona.id}/").json()
    assert persona["segments"] == [created.json()["id"]]


def test_features_are_tagged_to_personas_with_relevance(world: World, client_as: Any) -> None:
    client = client_as("editor")
    body = {
        "workspace": str(world.acme.workspace.id),
        "name": "Saved carts",
        "persona_tags": [{"persona": str(world.acme.persona.id), "relevance": 5}],
    }
    feature = client.post("/api/features/", body, format="json").json()
    assert feature["persona_tags"] == [{"persona": str(world.acme.persona.id), "relevance": 5}]
    tagged = client.get(f"/api/features/?persona={world.acme.persona.id}").json()["results"]
    assert client.get("/api/features/?persona=not-a-uuid").status_code == 400
    assert [f["id"] for f in tagged] == [feature["id"]]
    twice = client.patch(
        f"/api/features/{feature['id']}/",
        {"persona_tags": [body["persona_tags"][0]] * 2},
        format="json",
    )
    assert twice.status_code == 400
    bad = client.patch(
        f"/api/features/{feature['id']}/",
        {"persona_tags": [{"persona": str(world.acme.persona.id), "relevance": 9}]},
        format="json",
    )
    assert bad.status_code == 400


def test_channel_names_are_unique_per_workspace(world: World, client_as: Any) -> None:
    client = client_as("editor")
    response = client.post(
        "/api/channels/",
        {"workspace": str(world.acme.workspace.id), "name": "Email"},
        format="json",
    )
    assert response.status_code == 400 and "name" in response.json()["errors"]
    other = client_as("outsider").post(
        "/api/channels/", {"workspace": str(world.other.workspace.id), "name": "Web"}, format="json"
    )
    assert other.status_code == 201


def test_a_duplicate_external_id_on_update_is_a_400(
    world: World, client_as: Any, monkeypatch: Any
) -> None:
    from personas.api.serializers import CustomerSerializer
    from personas.models import CustomerProfile

    from ..factories import CustomerFactory

    CustomerFactory(workspace=world.acme.workspace, external_id="A")
    other = CustomerFactory(workspace=world.acme.workspace, external_id="B")
    client = client_as("editor")
    url = f"/api/customers/{other.id}/"
    assert client.patch(url, {"external_id": "A"}, format="json").status_code == 400
    # Two writers can both pass the serializer's check; the database's answer is a 400 too.
    monkeypatch.setattr(CustomerSerializer, "unique_in_workspace", ())
    response = client.patch(url, {"external_id": "A"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"external_id": ["already used in this workspace"]}
    assert CustomerProfile.objects.get(pk=other.pk).external_id == "B"


def test_two_patches_of_different_feature_fields_both_hold(world: Any, client_as: Any) -> None:
    """A PATCH writes only what it sends: a stale copy of the row does not undo the status
    someone else set meanwhile."""
    from personas.models import Feature
    from personas.services import feature_save

    feature = Feature.objects.create(workspace=world.acme.workspace, name="Saved carts")
    stale = Feature.objects.get(pk=feature.pk)
    client = client_as("editor")
    assert (
        client.patch(
            f"/api/features/{feature.id}/", {"status": "planned"}, format="json"
        ).status_code
        == 200
    )
    feature_save(feature=stale, data={"description": "Across devices"})
    feature.refresh_from_db()
    assert (feature.status, feature.description) == ("planned", "Across devices")
