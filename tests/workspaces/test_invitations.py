"""People join a workspace by accepting a one-time invitation an owner created."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from journeymap.workspaces.access import hash_invitation_token
from journeymap.workspaces.models import Invitation, Membership, Role

from ..conftest import World
from ..factories import UserFactory


def invite(world: World, client_as: Any, **body: Any) -> dict[str, Any]:
    response = client_as("owner").post(
        f"/api/workspaces/{world.acme.workspace.id}/invitations/",
        {"role": "viewer", **body},
        format="json",
    )
    assert response.status_code == 201, response.content
    return dict(response.json())


def accept(client: Any, token: str) -> Any:
    return client.post(f"/api/invitations/{token}/accept/")


def test_an_invitation_makes_the_person_who_accepts_it_a_member(
    world: World, client_as: Any
) -> None:
    created = invite(world, client_as, email="ann@example.com", label="Ann")
    assert len(created["token"]) >= 43  # 256 bits, url-safe base64
    assert created["accept_url"].endswith(f"/invitations/{created['token']}/")
    assert "/api/" not in created["accept_url"]
    assert created["status"] == "pending"
    expires = timezone.now() + timedelta(days=7)
    assert abs((Invitation.objects.get().expires_at - expires).total_seconds()) < 60
    joined = accept(client_as("outsider"), created["token"])
    assert joined.status_code == 200
    assert joined.json() == {
        "workspace": str(world.acme.workspace.id),
        "workspace_name": "Acme",
        "role": "viewer",
    }
    assert client_as("outsider").get(f"/api/maps/{world.acme.map.id}/").status_code == 200
    listed = client_as("owner").get(f"/api/workspaces/{world.acme.workspace.id}/invitations/")
    assert listed.json()[0]["status"] == "accepted"
    assert listed.json()[0]["accepted_by"] == "outsider"
    assert "token" not in listed.json()[0]


def test_the_token_is_stored_hashed(world: World, client_as: Any) -> None:
    token = invite(world, client_as)["token"]
    stored = Invitation.objects.get()
    assert stored.token_hash == hash_invitation_token(token)
    assert token not in str(list(Invitation.objects.values()))


def test_accepting_again_is_harmless(world: World, client_as: Any) -> None:
    token = invite(world, client_as)["token"]
    outsider = client_as("outsider")
    first, again = accept(outsider, token), accept(outsider, token)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert Membership.objects.filter(workspace=world.acme.workspace).count() == 4


def test_a_used_invitation_does_not_admit_anyone_else(world: World, client_as: Any) -> None:
    token = invite(world, client_as)["token"]
    accept(client_as("outsider"), token)
    stranger = UserFactory(username="stranger")
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(stranger)
    assert accept(client, token).status_code == 404
    assert not Membership.objects.filter(user=stranger).exists()


@pytest.mark.parametrize("state", ["expired", "revoked", "unknown"])
def test_expired_revoked_or_unknown_is_a_404(world: World, client_as: Any, state: str) -> None:
    created = invite(world, client_as)
    token = created["token"]
    if state == "expired":
        Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    elif state == "revoked":
        url = f"/api/workspaces/{world.acme.workspace.id}/invitations/{created['id']}/"
        assert client_as("owner").delete(url).status_code == 204
        assert Invitation.objects.get().status == "revoked"
    else:
        token = "x" * 43
    assert accept(client_as("outsider"), token).status_code == 404
    assert not Membership.objects.filter(
        workspace=world.acme.workspace, user=world.outsider
    ).exists()


def test_a_removed_member_cannot_rejoin_with_the_used_link(world: World, client_as: Any) -> None:
    token = invite(world, client_as)["token"]
    accept(client_as("outsider"), token)
    Membership.objects.filter(user=world.outsider, workspace=world.acme.workspace).delete()
    assert accept(client_as("outsider"), token).status_code == 404


def test_an_existing_member_keeps_their_role(world: World, client_as: Any) -> None:
    token = invite(world, client_as, role="viewer")["token"]
    assert accept(client_as("editor"), token).json()["role"] == "editor"
    assert Membership.objects.get(user=world.editor).role == Role.EDITOR


def test_accepting_needs_a_signed_in_person(world: World, client_as: Any) -> None:
    token = invite(world, client_as)["token"]
    assert accept(client_as("anonymous"), token).status_code == 401
    assert Invitation.objects.get().status == "pending"


@pytest.mark.parametrize(
    "body",
    [{"role": "admin"}, {"role": "viewer", "email": "not-an-email"}, {"label": "x" * 201}],
)
def test_bad_input_is_a_clear_error_and_creates_nothing(
    world: World, client_as: Any, body: dict[str, Any]
) -> None:
    response = client_as("owner").post(
        f"/api/workspaces/{world.acme.workspace.id}/invitations/", body, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) & {"role", "email", "label"}
    assert not Invitation.objects.exists()


def test_an_invitation_of_another_workspace_is_a_404(world: World, client_as: Any) -> None:
    other = client_as("outsider").post(
        f"/api/workspaces/{world.other.workspace.id}/invitations/", {"role": "viewer"}
    )
    assert other.status_code == 201
    url = f"/api/workspaces/{world.acme.workspace.id}/invitations/{other.json()['id']}/"
    assert client_as("owner").delete(url).status_code == 404
    assert Invitation.objects.get().status == "pending"
    bad = f"/api/workspaces/{world.acme.workspace.id}/invitations/not-a-uuid/"
    assert client_as("owner").delete(bad).status_code == 404


def test_only_owners_invite(world: World, client_as: Any) -> None:
    url = f"/api/workspaces/{world.acme.workspace.id}/invitations/"
    assert client_as("editor").post(url, {"role": "owner"}).status_code == 403
    assert client_as("editor").get(url).status_code == 403
    assert client_as("outsider").post(url, {"role": "owner"}).status_code == 404
    assert not Invitation.objects.exists()
