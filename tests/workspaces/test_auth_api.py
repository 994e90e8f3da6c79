"""Signing in: session with CSRF for the browser, tokens for scripts (hashed, expiring,
revoked on logout and on a password change)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from rest_framework.test import APIClient

from journeymap.workspaces.models import ApiToken

from ..conftest import World


def get_token(api: APIClient, username: str = "editor", password: str = "pw") -> str:  # noqa: S107
    response = api.post(
        "/api/auth/token/", {"username": username, "password": password}, format="json"
    )
    assert response.status_code == 200, response.content
    return str(response.json()["token"])


def with_token(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_browser_sign_in_needs_the_csrf_token(world: World) -> None:
    browser = APIClient(enforce_csrf_checks=True)
    refused = browser.post(
        "/api/auth/login/", {"username": "owner", "password": "pw"}, format="json"
    )
    assert refused.status_code == 403
    browser.get("/api/auth/me/")  # anonymous: 401, but sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    signed_in = browser.post(
        "/api/auth/login/",
        {"username": "owner", "password": "pw"},
        format="json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert signed_in.status_code == 200
    assert signed_in.json()["memberships"][0]["role"] == "owner"
    me = browser.get("/api/auth/me/").json()
    assert me["username"] == "owner"
    # Writes with the session still need the CSRF header.
    token = browser.cookies["csrftoken"].value
    no_header = browser.post("/api/workspaces/", {"name": "New"}, format="json")
    assert no_header.status_code == 403
    with_header = browser.post(
        "/api/workspaces/", {"name": "New"}, format="json", HTTP_X_CSRFTOKEN=token
    )
    assert with_header.status_code == 201


def test_wrong_password_is_a_clear_error(world: World, api: APIClient) -> None:
    response = api.post(
        "/api/auth/login/", {"username": "owner", "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert "password" in response.json()["errors"]


def test_token_for_scripts(world: World, api: APIClient) -> None:
    token = api.post(
        "/api/auth/token/", {"username": "editor", "password": "pw"}, format="json"
    ).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    maps = api.get("/api/maps/").json()["results"]
    assert [m["id"] for m in maps] == [str(world.acme.map.id)]


def test_anonymous_is_told_to_authenticate(world: World, api: APIClient) -> None:
    response = api.get("/api/maps/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


def test_logout_ends_the_session(world: World) -> None:
    browser = APIClient()
    browser.login(username="owner", password="pw")
    assert browser.get("/api/auth/me/").status_code == 200
    browser.post("/api/auth/logout/")
    assert browser.get("/api/auth/me/").status_code in (401, 403)


def test_tokens_are_stored_hashed_and_expire(world: World, api: APIClient) -> None:
    response = api.post("/api/auth/token/", {"username": "editor", "password": "pw"})
    token = response.json()["token"]
    stored = ApiToken.objects.get(user=world.editor)
    assert token not in (stored.digest, stored.token_key)  # only a digest (and a prefix)
    assert len(stored.digest) == 128  # SHA-512
    expiry = timezone.now() + timedelta(days=30)
    assert abs((stored.expiry - expiry).total_seconds()) < 60
    assert response.json()["expiry"] is not None
    ApiToken.objects.filter(pk=stored.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    assert with_token(token).get("/api/maps/").status_code == 401


def test_token_lifetime_follows_the_setting(world: World, api: APIClient, settings: Any) -> None:
    settings.API_TOKEN_TTL_DAYS = 2
    get_token(api)
    expiry = ApiToken.objects.get(user=world.editor).expiry
    assert abs((expiry - (timezone.now() + timedelta(days=2))).total_seconds()) < 60


def test_logout_with_a_token_revokes_that_token_only(world: World, api: APIClient) -> None:
    first, second = get_token(api), get_token(api)
    assert with_token(first).post("/api/auth/logout/").status_code == 204
    assert with_token(first).get("/api/maps/").status_code == 401
    assert with_token(second).get("/api/maps/").status_code == 200


def test_logout_all_revokes_every_token(world: World, api: APIClient) -> None:
    first, second = get_token(api), get_token(api)
    assert with_token(first).post("/api/auth/logout-all/").status_code == 204
    assert with_token(first).get("/api/maps/").status_code == 401
    assert with_token(second).get("/api/maps/").status_code == 401
    assert not ApiToken.objects.filter(user=world.editor).exists()


def test_password_change_through_the_api_revokes_tokens(world: World, api: APIClient) -> None:
    token = get_token(api)
    browser = APIClient()
    browser.login(username="editor", password="pw")
    changed = browser.post(
        "/api/auth/password/",
        {"current_password": "pw", "new_password": "a-much-longer-passphrase-42"},
    )
    assert changed.status_code == 204, changed.content
    assert with_token(token).get("/api/maps/").status_code == 401
    assert not ApiToken.objects.filter(user=world.editor).exists()
    assert browser.get("/api/auth/me/").status_code == 200  # this session stays signed in
    assert get_token(api, password="a-much-longer-passphrase-42")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"current_password": "wrong", "new_password": "a-much-longer-passphrase-42"}, "current"),
        ({"current_password": "pw", "new_password": "123"}, "new_password"),
        ({"current_password": "pw"}, "new_password"),
    ],
)
def test_a_refused_password_change_changes_nothing(
    world: World, api: APIClient, body: dict[str, str], field: str
) -> None:
    token = get_token(api)
    response = with_token(token).post("/api/auth/password/", body)
    assert response.status_code == 400
    assert any(key.startswith(field) for key in response.json()["errors"])
    assert with_token(token).get("/api/maps/").status_code == 200
    world.editor.refresh_from_db()
    assert world.editor.check_password("pw")


@pytest.mark.parametrize("how", ["set_password", "queryset_update"])
def test_a_password_changed_anywhere_else_revokes_tokens(
    world: World, api: APIClient, how: str
) -> None:
    """The admin, `manage.py changepassword` or a shell change the password without the API;
    the token is refused all the same, and every token of the user is deleted."""
    token, other = get_token(api), get_token(api)
    if how == "set_password":
        world.editor.set_password("changed-elsewhere-1234")
        world.editor.save()
    else:
        from django.contrib.auth.hashers import make_password

        User.objects.filter(pk=world.editor.pk).update(password=make_password("x-elsewhere-9"))
    assert with_token(token).get("/api/maps/").status_code == 401
    assert not ApiToken.objects.filter(user=world.editor).exists()
    assert with_token(other).get("/api/maps/").status_code == 401


def test_owners_manage_members_and_keep_an_owner(world: World, client_as: Any) -> None:
    owner = client_as("owner")
    url = f"/api/workspaces/{world.acme.workspace.id}/members/"
    invite = owner.post(
        f"/api/workspaces/{world.acme.workspace.id}/invitations/", {"role": "viewer"}
    ).json()
    joined = client_as("outsider").post(f"/api/invitations/{invite['token']}/accept/")
    assert joined.status_code == 200
    assert client_as("outsider").get(f"/api/maps/{world.acme.map.id}/").status_code == 200
    members = {m["username"]: m["id"] for m in owner.get(url).json()}
    promoted = owner.patch(f"{url}{members['outsider']}/", {"role": "editor"})
    assert promoted.status_code == 200 and promoted.json()["role"] == "editor"
    last_owner = owner.delete(f"{url}{members['owner']}/")
    assert last_owner.status_code == 400 and "owner" in str(last_owner.json())
    assert owner.delete(f"{url}{members['outsider']}/").status_code == 204
    assert client_as("outsider").get(f"/api/maps/{world.acme.map.id}/").status_code == 404


def test_openapi_schema_and_docs(world: World, client_as: Any) -> None:
    client = client_as("anonymous")
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in [
        "/api/maps/{id}/",
        "/api/maps/{id}/ops/",
        "/api/personas/",
        "/api/segments/{id}/customers/",
        "/api/auth/token/",
        "/api/auth/logout/",
        "/api/auth/password/",
        "/api/workspaces/{id}/invitations/",
        "/api/workspaces/{id}/invitations/{invitation_id}/",
        "/api/invitations/{token}/accept/",
        "/api/share-links/",
    ]:
        assert path in paths, path
    assert client.get("/api/docs/").status_code == 200


def test_members_cannot_be_added_by_username(world: World, client_as: Any) -> None:
    url = f"/api/workspaces/{world.acme.workspace.id}/members/"
    response = client_as("owner").post(url, {"user": "outsider", "role": "viewer"})
    assert response.status_code == 405
    assert client_as("outsider").get(f"/api/maps/{world.acme.map.id}/").status_code == 404
    schema = client_as("anonymous").get(
        "/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    assert "post" not in schema.json()["paths"]["/api/workspaces/{id}/members/"]
