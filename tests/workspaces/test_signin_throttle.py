"""Failed sign-ins are limited per username and per client address, on both sign-in
endpoints and the admin's, and the counts live in the shared cache."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.realtime.rt_helpers import redis_available, require_or_skip

from ..conftest import World

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
ENDPOINTS = ["/api/auth/login/", "/api/auth/token/"]


@pytest.fixture(autouse=True)
def small_limits(settings: Any) -> None:
    settings.LOGIN_FAILURES_PER_USERNAME = 3
    settings.LOGIN_FAILURES_PER_ADDRESS = 6


def attempt(
    endpoint: str, username: str, password: str, address: str = "203.0.113.7", **headers: str
) -> Any:
    client = APIClient()
    return client.post(
        endpoint,
        {"username": username, "password": password},
        format="json",
        REMOTE_ADDR=address,
        **headers,
    )


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_one_username_from_rotating_addresses_is_stopped(world: World, endpoint: str) -> None:
    for n in range(3):
        assert attempt(endpoint, "owner", "wrong", address=f"198.51.100.{n}").status_code == 400
    refused = attempt(endpoint, "owner", "pw", address="198.51.100.99")
    assert refused.status_code == 429  # even with the right password, from a fresh address
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["code"] == "throttled"
    # Other people are not locked out.
    assert attempt(endpoint, "editor", "pw", address="198.51.100.99").status_code == 200


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_one_address_across_usernames_is_stopped(world: World, endpoint: str) -> None:
    for n in range(6):
        assert attempt(endpoint, f"nobody{n}", "wrong").status_code == 400
    assert attempt(endpoint, "owner", "pw").status_code == 429
    assert attempt(endpoint, "owner", "pw", address="192.0.2.1").status_code == 200


def test_both_endpoints_share_the_count(world: World) -> None:
    attempt("/api/auth/login/", "owner", "wrong")
    attempt("/api/auth/token/", "owner", "wrong")
    attempt("/api/auth/login/", "owner", "wrong")
    assert attempt("/api/auth/token/", "owner", "pw").status_code == 429


def test_forwarded_for_rotation_does_not_help(world: World) -> None:
    """With NUM_PROXIES = 0 (the default) X-Forwarded-For is the client's own word."""
    for n in range(6):
        response = attempt(
            "/api/auth/token/", f"nobody{n}", "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}"
        )
        assert response.status_code == 400
    refused = attempt("/api/auth/token/", "owner", "pw", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert refused.status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_counts(world: World, settings: Any) -> None:
    settings.NUM_PROXIES = 1
    proxy = "10.1.1.1"
    for n in range(6):  # the proxy appends the real client; anything to its left is ignored
        forwarded = f"6.6.6.{n}, 203.0.113.50"
        assert attempt("/api/auth/token/", f"x{n}", "wrong", proxy, HTTP_X_FORWARDED_FOR=forwarded)
    assert (
        attempt(
            "/api/auth/token/", "owner", "pw", proxy, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.50"
        ).status_code
        == 429
    )
    ok = attempt("/api/auth/token/", "owner", "pw", proxy, HTTP_X_FORWARDED_FOR="203.0.113.51")
    assert ok.status_code == 200


def test_a_right_password_clears_the_username_count(world: World) -> None:
    for _ in range(2):
        attempt("/api/auth/token/", "owner", "wrong", address="192.0.2.10")
    assert attempt("/api/auth/token/", "owner", "pw", address="192.0.2.10").status_code == 200
    for _ in range(2):
        attempt("/api/auth/token/", "owner", "wrong", address="192.0.2.11")
    assert attempt("/api/auth/token/", "owner", "pw", address="192.0.2.12").status_code == 200


def test_the_admin_is_not_mounted_unless_enabled(world: World, client: Any) -> None:
    assert client.get("/admin/").status_code == 404
    assert client.get("/admin/login/").status_code == 404
    assert client.post("/admin/login/", {"username": "owner", "password": "pw"}).status_code == 404
    assert client.get("/admin/auth/user/").status_code == 404


def test_the_admin_sign_in_is_throttled_the_same_way(
    world: World, client: Any, settings: Any
) -> None:
    settings.ADMIN_ENABLED = True
    world.owner.is_staff = world.owner.is_superuser = True
    world.owner.save()
    assert client.get("/admin/login/").status_code == 200
    for n in range(3):
        failed = client.post(
            "/admin/login/", {"username": "owner", "password": "wrong"}, REMOTE_ADDR=f"10.2.0.{n}"
        )
        assert failed.status_code == 200  # the form again, with an error
    refused = client.post("/admin/login/", {"username": "owner", "password": "pw"})
    assert refused.status_code == 429
    # The API shares the count: it is one limit for the username, wherever it signs in.
    assert attempt("/api/auth/token/", "owner", "pw").status_code == 429


def test_the_admin_signs_in_when_enabled(world: World, client: Any, settings: Any) -> None:
    settings.ADMIN_ENABLED = True
    world.owner.is_staff = world.owner.is_superuser = True
    world.owner.save()
    signed_in = client.post("/admin/login/", {"username": "owner", "password": "pw"})
    assert signed_in.status_code == 302
    assert client.get("/admin/").status_code == 200


_FAIL_ELSEWHERE = """
import django
django.setup()
from journeymap.workspaces.signin import signin_failed
for n in range({count}):
    signin_failed(username={username!r}, address="198.18.0." + str(n))
print("done")
"""


def test_another_process_shares_the_count(world: World, settings: Any) -> None:
    """A second server process, with the Redis cache that REDIS_URL brings, records the
    failures; this process then refuses the username."""
    if not redis_available(REDIS_URL):
        require_or_skip("Redis is not reachable at " + REDIS_URL)
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    username = "owner"
    # Only this username's count is reset (never FLUSHDB: other tests share the Redis db).
    from journeymap.workspaces.signin import signin_refused, signin_succeeded

    signin_succeeded(username=username)
    assert signin_refused(username=username, address="192.0.2.77") is None
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "journeymap.settings",
        "REDIS_URL": REDIS_URL,
        "LOGIN_FAILURES_PER_USERNAME": "3",
    }
    script = _FAIL_ELSEWHERE.format(count=3, username=username)
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert attempt("/api/auth/token/", username, "pw", address="192.0.2.77").status_code == 429
    assert attempt("/api/auth/token/", "editor", "pw", address="192.0.2.77").status_code == 200
