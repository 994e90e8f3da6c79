"""What a share link opens is never cached and never leaks its URL as a Referer."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def share_token(world: Any, client_as: Any) -> str:
    response = client_as("editor").post(
        "/api/share-links/", {"map": str(world.acme.map.id)}, format="json"
    )
    return str(response.json()["token"])


def test_shared_pages_and_api_send_no_referrer_and_no_store(world: Any, client_as: Any) -> None:
    token = share_token(world, client_as)
    browser = Client()
    answers = [
        browser.get(f"/share/{token}/"),
        browser.get(f"/api/share/{token}/"),
        browser.get(f"/api/maps/{world.acme.map.id}/", HTTP_AUTHORIZATION=f"Share {token}"),
    ]
    for response in answers:
        assert response.status_code == 200, response.content[:200]
        assert response["Referrer-Policy"] == "no-referrer"
        assert response["Cache-Control"] == "no-store"


def test_members_pages_keep_the_usual_policy(world: Any, client_as: Any) -> None:
    response = client_as("editor").get(f"/api/maps/{world.acme.map.id}/")
    assert response.status_code == 200
    assert response.get("Referrer-Policy") != "no-referrer"
