"""What the scenarios share: the stack, REST calls, map documents, process memory."""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests

if TYPE_CHECKING:
    from deploy.stack import Stack


def make_stack(**env: str) -> Stack:
    """Two daphne processes behind nginx, on the stack's own PostgreSQL and Redis. The access
    poll and presence timings are the documented defaults unless a scenario overrides them."""
    # RELIABILITY_STACK names another module with the same Stack API (to try a scenario
    # against a stack that is being changed); deploy.stack is the one `make reliability` uses.
    module = importlib.import_module(os.environ.get("RELIABILITY_STACK", "deploy.stack"))
    stack: Stack = module.Stack(workers=2, server="daphne", env={"LOG_LEVEL": "ERROR", **env})
    return stack


class Api:
    """REST calls through nginx, authenticated by an API token or a session cookie."""

    def __init__(self, base_url: str, *, token: str | None = None, session: str | None = None):
        self.base_url = base_url.rstrip("/")
        self.http = requests.Session()
        self.http.trust_env = False  # no proxy between the driver and the stack
        if token:
            self.http.headers["Authorization"] = f"Token {token}"
        if session:
            # Session requests that change something need Django's CSRF pair.
            csrf = secrets.token_hex(16)
            self.http.cookies.set("sessionid", session)
            self.http.cookies.set("csrftoken", csrf)
            self.http.headers["X-CSRFToken"] = csrf
            self.http.headers["Referer"] = self.base_url + "/"

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", 30)
        return self.http.request(method, self.base_url + path, **kwargs)

    def json(self, method: str, path: str, expect: int = 200, **kwargs: Any) -> Any:
        response = self.request(method, path, **kwargs)
        if response.status_code != expect:
            raise RuntimeError(
                f"{method} {path}: {response.status_code} {response.text[:300]} (want {expect})"
            )
        return response.json() if response.content else None

    def document(self, map_id: str) -> dict[str, Any]:
        return dict(self.json("GET", f"/api/maps/{map_id}/"))

    def op_log(self, map_id: str) -> list[dict[str, Any]]:
        """Every batch of the map's op log (GET /api/maps/<id>/ops/?since=N, page by page)."""
        batches: list[dict[str, Any]] = []
        since = 0
        while True:
            page = self.json("GET", f"/api/maps/{map_id}/ops/?since={since}")
            items = page["patches"]
            if not items:
                return batches
            batches.extend(items)
            since = max(int(item["seq"]) for item in items)


def normalised(document: dict[str, Any]) -> dict[str, Any]:
    """As tests/realtime/test_convergence.py compares documents: without the workspace
    directory, many-to-many id lists as sets."""
    result = {key: value for key, value in document.items() if key != "directory"}
    result["personas"] = sorted(result.get("personas", []))
    for row in result.get("frictions", []):
        row["personas"] = sorted(row["personas"])
        row["features"] = sorted(row["features"])
    return dict(json.loads(json.dumps(result, sort_keys=True)))


def card_create(lane: str, stage: str, title: str) -> dict[str, Any]:
    return {
        "action": "create",
        "entity": "card",
        "id": str(uuid.uuid4()),
        "fields": {"lane": lane, "stage": stage, "title": title},
    }


def card_update(card: str, **fields: Any) -> dict[str, Any]:
    return {"action": "update", "entity": "card", "id": card, "fields": fields}


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def mib(value: float) -> str:
    return f"{value / 2**20:.0f} MiB"


def raise_fd_limit(wanted: int) -> None:
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = min(hard, max(soft, wanted))
    if target > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


async def wait_until(
    check: Callable[[], bool | Awaitable[bool]], timeout: float, step: float = 0.05
) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if not isinstance(result, bool):
            result = await result
        if result:
            return True
        await asyncio.sleep(step)
    return False
