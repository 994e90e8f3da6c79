"""Run the live layer in real server processes, for the multi-process tests and the benchmark:
a throw-away PostgreSQL database, a seeded map with signed-in users, daphne or uvicorn
processes on free ports. Nothing here is used by the application itself."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def postgres_available(url: str) -> bool:
    try:
        import psycopg

        with psycopg.connect(_admin_url(url), connect_timeout=2):
            return True
    except Exception:
        return False


def _admin_url(url: str) -> str:
    return urlunparse(urlparse(url)._replace(path="/postgres"))


def create_database(server_url: str) -> str:
    """Create an empty database on the server of `server_url`; returns its URL."""
    import psycopg

    name = "jm_rt_" + secrets.token_hex(5)
    with psycopg.connect(_admin_url(server_url), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return urlunparse(urlparse(server_url)._replace(path="/" + name))


def drop_database(url: str) -> None:
    import psycopg

    name = urlparse(url).path.lstrip("/")
    with psycopg.connect(_admin_url(url), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def environment(**overrides: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    env.update({"DJANGO_SETTINGS_MODULE": "journeymap.settings", "PYTHONUNBUFFERED": "1"})
    env.update(overrides)
    return env


def migrate(env: Mapping[str, str]) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=dict(env),
        check=True,
        timeout=300,
    )


_SEED = """
import json, django
django.setup()
from journeymap.realtime.testing import seed_map
print("SEED" + json.dumps(seed_map(editors={editors}, password={password!r}, shares={shares})))
"""


def seed(
    env: Mapping[str, str], editors: int = 2, password: str | None = None, shares: int = 0
) -> dict[str, Any]:
    """Seed a workspace and a map in the database of `env`; returns ids, usernames, session
    keys and `shares` share-link tokens (and gives the users `password`, when one is given)."""
    script = _SEED.format(editors=editors, password=password, shares=shares)
    output = subprocess.run(  # noqa: S603 — our own interpreter and script
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=dict(env),
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("SEED"))
    return dict(json.loads(line[4:]))


def seed_map(*, editors: int, password: str | None = None, shares: int = 0) -> dict[str, Any]:
    """Runs inside a configured Django process (see `seed`)."""
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore

    from journeymap.maps.models import JourneyMap, Lane, Stage
    from journeymap.workspaces.models import Membership, Workspace
    from journeymap.workspaces.services import share_link_create

    workspace = Workspace.objects.create(name="Live test")
    sessions = []
    users = []
    names = []
    for number in range(editors):
        user = get_user_model().objects.create(username=f"live{number}-{secrets.token_hex(3)}")
        if password:
            user.set_password(password)
            user.save(update_fields=["password"])
        Membership.objects.create(workspace=workspace, user=user, role="editor")
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.save()
        sessions.append(store.session_key)
        users.append(str(user.pk))
        names.append(user.get_username())
    journey_map = JourneyMap.objects.create(workspace=workspace, title="Live")
    stage = Stage.objects.create(map=journey_map, name="Discover", order_key="a0")
    lane = Lane.objects.create(map=journey_map, name="Actions", kind="actions", order_key="a0")
    tokens = []
    for number in range(shares):  # made by the first editor, through the service (expiry)
        creator = get_user_model().objects.get(pk=users[0])
        _link, token = share_link_create(
            journey_map=journey_map, created_by=creator, label=f"share {number}"
        )
        tokens.append(token)
    return {
        "share_tokens": tokens,
        "map": str(journey_map.id),
        "stage": str(stage.id),
        "lane": str(lane.id),
        "sessions": sessions,
        "users": users,
        "usernames": names,
    }


class Server:
    """One server process serving journeymap.asgi:application."""

    def __init__(self, kind: str, env: Mapping[str, str], port: int | None = None) -> None:
        """kind: daphne | uvicorn | uvicorn-websockets."""
        self.kind = kind
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # Clients connect to this process directly, so its own origin is the one to allow.
        env = {"WS_ALLOWED_ORIGINS": self.url, **env}
        if kind == "daphne":
            command = [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(self.port)]
            command += ["-v", "0", "journeymap.asgi:application"]
        elif kind in ("uvicorn", "uvicorn-websockets"):
            command = [str(BIN / "uvicorn"), "journeymap.asgi:application"]
            if kind == "uvicorn-websockets":  # the `websockets` library's protocol, not sans-I/O
                command += ["--ws", "websockets"]
            command += ["--host", "127.0.0.1", "--port", str(self.port), "--lifespan", "off"]
            command += ["--log-level", "warning", "--no-access-log"]
            # Deflate is negotiated per socket, so it would compress each frame once per
            # socket: off, to keep the fan-out encode-once.
            command += ["--ws-per-message-deflate", "false"]
        else:
            raise ValueError(kind)
        # A file, not a pipe: a pipe nobody reads fills up and stalls the server.
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=dict(env), stdout=subprocess.DEVNULL, stderr=self.log
        )

    def wait_ready(self, timeout: float = 30) -> Server:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.kind} exited: {self.stderr()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.1)
        raise TimeoutError(f"{self.kind} did not listen on {self.port}")

    def kill(self) -> None:
        """As a crash would: no goodbyes."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def stderr(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-4000:]
