"""Signing in: session with CSRF for the browser, tokens for scripts."""

from __future__ import annotations

from typing import Any

from rest_framework.test import APIClient

from ..conftest import World


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


def test_owners_manage_members_and_keep_an_owner(world: World, client_as: Any) -> None:
    owner = client_as("owner")
    url = f"/api/workspaces/{world.acme.workspace.id}/members/"
    added = owner.post(url, {"user": "outsider", "role": "viewer"}, format="json")
    assert added.status_code == 201
    assert owner.get(f"/api/maps/{world.acme.map.id}/").status_code == 200
    members = {m["username"]: m["id"] for m in owner.get(url).json()}
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
        "/api/share-links/",
    ]:
        assert path in paths, path
    assert client.get("/api/docs/").status_code == 200
