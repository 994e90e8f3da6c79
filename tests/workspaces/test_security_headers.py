"""The Content-Security-Policy every page carries, and the API docs working under it."""

from __future__ import annotations

import re
from typing import Any

import pytest


def policy(response: Any) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("path", ["/login/", "/", "/api/auth/me/", "/api/schema/"])
def test_every_response_carries_a_strict_policy(db: Any, client: Any, path: str) -> None:
    csp = policy(client.get(path))
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]  # no nonce unless the page used one
    assert csp["style-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:", "blob:"]
    assert csp["connect-src"][0] == "'self'"
    assert "ws://localhost:*" in csp["connect-src"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert not any("unsafe" in value for values in csp.values() for value in values)


def test_the_api_docs_load_from_our_own_origin_with_nonces(db: Any, client: Any) -> None:
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    csp = policy(response)
    nonce = re.search(r"'nonce-([^']+)'", " ".join(csp["script-src"]))
    assert nonce, csp["script-src"]
    assert f'<script nonce="{nonce.group(1)}">' in html
    assert f'<style nonce="{nonce.group(1)}">' in html
    assert "cdn.jsdelivr.net" not in html
    for src in re.findall(r'<script src="([^"]+)"', html):
        assert src.startswith("/static/drf_spectacular_sidecar/"), src
