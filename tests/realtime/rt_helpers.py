"""Helpers shared by the live-layer tests (tests.realtime.rt_helpers)."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator
from django.conf import settings as django_settings
from django.test import Client

from journeymap.realtime import testing
from journeymap.realtime.protocol import PROTOCOL_VERSION

PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def require_or_skip(reason: str) -> None:
    """Skip a test needing a service that is not there — or fail when REQUIRE_SERVICES=1."""
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1)")
    pytest.skip(reason)


def redis_available(url: str = REDIS_URL) -> bool:
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1)
        client.ping()
        client.close()
        return True
    except Exception:
        return False


@contextmanager
def shared_services_env(**settings: str) -> Iterator[dict[str, str]]:
    """The environment for server processes that share PostgreSQL and Redis, as deployed: a
    migrated PostgreSQL database and a Redis key prefix of their own, both removed after.
    Skips (fails with REQUIRE_SERVICES=1) when either service is not there."""
    if not testing.postgres_available(PG_URL):
        require_or_skip("PostgreSQL is not reachable at " + PG_URL)
    if not redis_available(REDIS_URL):
        require_or_skip("Redis is not reachable at " + REDIS_URL)
    database = testing.create_database(PG_URL)
    prefix = "jmtest" + secrets.token_hex(4)
    env = testing.environment(
        DATABASE_URL=database, REDIS_URL=REDIS_URL, REALTIME_REDIS_PREFIX=prefix, **settings
    )
    try:
        testing.migrate(env)
        yield env
    finally:
        testing.drop_database(database)
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
        client.close()


@contextmanager
def running(servers: list[testing.Server]) -> Iterator[list[testing.Server]]:
    """Servers that are stopped however the block ends."""
    try:
        yield servers
    finally:
        for server in servers:
            server.stop()


def redis_layer_settings(url: str, prefix: str) -> dict[str, Any]:
    return {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [{"address": url, "max_connections": 100}],
                "prefix": prefix,
                "capacity": 1000,
                "expiry": 30,
            },
        }
    }


def session_cookie(user: Any) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value


def card_op(board: dict[str, str], title: str = "Sign up", **fields: Any) -> dict[str, Any]:
    return {
        "action": "create",
        "entity": "card",
        "id": str(uuid.uuid4()),
        "fields": {"stage": board["stage"], "lane": board["lane"], "title": title, **fields},
    }


class Closed(Exception):
    def __init__(self, code: int | None) -> None:
        super().__init__(f"socket closed with {code}")
        self.code = code


class Socket:
    """A WebsocketCommunicator that sorts what arrives: presence frames aside, the rest in
    order, so a test can wait for the frame it cares about. Reads the output queue directly
    (the communicator's own receive cancels the application on a timeout)."""

    def __init__(self, communicator: WebsocketCommunicator) -> None:
        self.comm = communicator
        self.presence: list[dict[str, Any]] = []

    async def send(self, message: dict[str, Any]) -> None:
        await self.comm.send_to(text_data=json.dumps(message))

    async def send_text(self, text: str) -> None:
        await self.comm.send_to(text_data=text)

    async def raw(self, timeout: float = 3) -> dict[str, Any]:
        if self.comm.future.done():
            self.comm.future.result()  # re-raise what crashed the application, if anything
        return await asyncio.wait_for(self.comm.output_queue.get(), timeout)

    async def frame(self, timeout: float = 3) -> dict[str, Any]:
        """The next frame of any type; raises Closed when the server closed instead."""
        message = await self.raw(timeout)
        if message["type"] == "websocket.close":
            raise Closed(message.get("code"))
        frame: dict[str, Any] = json.loads(message["text"])
        if frame["type"] == "presence":
            self.presence.append(frame)
        return frame

    async def next(self, timeout: float = 3) -> dict[str, Any]:
        """The next frame that is not presence."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            left = deadline - asyncio.get_running_loop().time()
            frame = await self.frame(max(left, 0.001))
            if frame["type"] != "presence":
                return frame

    async def expect(self, kind: str, timeout: float = 3) -> dict[str, Any]:
        frame = await self.next(timeout)
        assert frame["type"] == kind, frame
        return frame

    async def peers(
        self, predicate: Callable[[list[dict[str, Any]]], bool], timeout: float = 3
    ) -> list[dict[str, Any]]:
        """Wait for a presence frame whose peers satisfy `predicate` (other frames are
        dropped)."""
        if self.presence and predicate(self.presence[-1]["peers"]):
            return self.presence[-1]["peers"]
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            left = deadline - asyncio.get_running_loop().time()
            frame = await self.frame(max(left, 0.001))
            if frame["type"] == "presence" and predicate(frame["peers"]):
                return frame["peers"]

    async def nothing(self, timeout: float = 0.3) -> None:
        """Assert that no frame other than presence arrives within `timeout`."""
        try:
            frame = await self.next(timeout)
        except TimeoutError:
            return
        raise AssertionError(f"unexpected frame {frame}")

    async def closed(self, timeout: float = 3) -> int | None:
        """Wait for the server to close the socket; returns the close code."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            left = deadline - asyncio.get_running_loop().time()
            try:
                await self.frame(max(left, 0.001))
            except Closed as closed:
                return closed.code

    async def ops(self, ops: list[dict[str, Any]], op_id: str | None = None) -> dict[str, Any]:
        """Send a batch; return its ack, reject or error (patches meanwhile are dropped)."""
        op_id = op_id or str(uuid.uuid4())
        await self.send({"type": "ops", "op_id": op_id, "ops": ops})
        while True:
            frame = await self.next()
            if frame["type"] in ("ack", "reject", "error") and frame.get("op_id") in (op_id, None):
                return frame

    async def hello(self, last_seq: int | None = None) -> dict[str, Any]:
        await self.send({"type": "hello", "last_seq": last_seq, "protocol": PROTOCOL_VERSION})
        while True:
            frame = await self.next()
            if frame["type"] in ("snapshot", "catchup"):
                return frame

    async def close(self) -> None:
        await self.comm.disconnect()


def titles(client: Any) -> list[str]:
    """Card titles in a MapClient's copy of the map."""
    assert client.state is not None
    return [card["title"] for card in client.state["cards"]]
