"""Sign in to a Journeymap server for the live client (`journeymap.realtime.client`)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from http.cookies import SimpleCookie
from typing import Any


class LoginFailed(Exception):
    """The server did not sign the user in."""


def login(base_url: str, username: str, password: str) -> str:
    """Sign in through POST /api/auth/login/ and return the session id (blocking; call it
    with asyncio.to_thread from async code)."""
    jar: dict[str, str] = {}

    def remember(response: Any) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            jar.update({name: morsel.value for name, morsel in cookie.items()})

    opener = urllib.request.build_opener()
    # GET /api/auth/me/ sets the CSRF cookie the login POST must echo (even when it answers
    # 403 to a visitor who is not signed in yet).
    try:
        with opener.open(f"{base_url}/api/auth/me/", timeout=10) as response:  # noqa: S310
            remember(response)
    except urllib.error.HTTPError as refused:
        remember(refused)
    headers = {"Content-Type": "application/json", "Referer": base_url + "/", "Origin": base_url}
    if "csrftoken" in jar:
        headers["X-CSRFToken"] = jar["csrftoken"]
        headers["Cookie"] = f"csrftoken={jar['csrftoken']}"
    body = json.dumps({"username": username, "password": password}).encode()
    request = urllib.request.Request(f"{base_url}/api/auth/login/", body, headers, method="POST")  # noqa: S310
    with opener.open(request, timeout=10) as response:  # noqa: S310
        remember(response)
    if "sessionid" not in jar:
        raise LoginFailed("login did not return a session")
    return jar["sessionid"]
