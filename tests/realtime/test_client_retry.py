"""The Python client keeps an edit it could not get applied and retries it: a batch answered
`server_error` (the server changed nothing, e.g. PostgreSQL was restarting) is re-sent with the
same op_id, a hello answered so is asked again, and a proxy's 502 at the handshake (no process
to hand the socket to while one restarts) is retried rather than taken for a refusal.

The server here is a stand-in speaking the protocol (docs/protocol.md), so the failure can be
placed exactly; the reliability runner (reliability/durability.py) drives the same paths
against real daphne processes behind nginx with PostgreSQL restarted."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from http import HTTPStatus
from typing import Any

import pytest
from websockets.asyncio.server import ServerConnection, serve
from websockets.http11 import Request, Response

from journeymap.realtime.client import AccessDenied, MapClient

MAP_ID = str(uuid.uuid4())


class FakeServer:
    """Answers hello with a snapshot and ops with ack + patch, after the failures it is told
    to give: `hello_errors` hellos and `ops_errors` batches answered `server_error`,
    `handshake_status` handshakes refused with that HTTP status."""

    def __init__(self, *, hello_errors: int = 0, ops_errors: int = 0) -> None:
        self.hello_errors = hello_errors
        self.ops_errors = ops_errors
        self.handshake_refusals: list[int] = []
        self.handshakes = 0
        self.received: list[dict[str, Any]] = []
        self.seq = 0
        self.applied: list[str] = []
        self.url = ""

    def process_request(self, _connection: ServerConnection, _request: Request) -> Response | None:
        self.handshakes += 1
        if self.handshake_refusals:
            status = HTTPStatus(self.handshake_refusals.pop(0))
            return Response(status.value, status.phrase, _headers(), b"")
        return None

    async def handler(self, ws: ServerConnection) -> None:
        async for text in ws:
            frame = json.loads(text)
            self.received.append(frame)
            if frame["type"] == "hello":
                if self.hello_errors:
                    self.hello_errors -= 1
                    await ws.send(json.dumps({"type": "error", "code": "server_error"}))
                    continue
                document = {"id": MAP_ID, "title": "Map", "seq": self.seq, "cards": []}
                await ws.send(json.dumps({"type": "snapshot", "seq": self.seq, "map": document}))
            elif frame["type"] == "ops":
                if self.ops_errors:
                    self.ops_errors -= 1
                    error = {"type": "error", "code": "server_error", "op_id": frame["op_id"]}
                    await ws.send(json.dumps({**error, "detail": "changed nothing, retry"}))
                    continue
                if frame["op_id"] not in self.applied:  # what (map, op_id) uniqueness does
                    self.applied.append(frame["op_id"])
                    self.seq += 1
                    patch = {"type": "patch", "seq": self.seq, "op_id": frame["op_id"]}
                    await ws.send(json.dumps({**patch, "ops": frame["ops"]}))
                await ws.send(json.dumps({"type": "ack", "op_id": frame["op_id"], "seq": self.seq}))


def _headers() -> Any:
    from websockets.datastructures import Headers

    return Headers([("Content-Length", "0")])


@pytest.fixture
async def server_factory() -> AsyncIterator[Any]:
    servers = []

    async def start(fake: FakeServer) -> FakeServer:
        server = await serve(fake.handler, "127.0.0.1", 0, process_request=fake.process_request)
        servers.append(server)
        port = next(iter(server.sockets)).getsockname()[1]
        fake.url = f"http://127.0.0.1:{port}"
        return fake

    yield start
    for server in servers:
        server.close()
        await server.wait_closed()


def _card(title: str) -> dict[str, Any]:
    return {
        "action": "create",
        "entity": "card",
        "id": str(uuid.uuid4()),
        "fields": {"title": title},
    }


async def test_a_batch_answered_server_error_is_resent_with_its_op_id(server_factory: Any) -> None:
    fake = await server_factory(FakeServer(ops_errors=2))
    async with MapClient(fake.url, MAP_ID) as client:
        ack = await client.send_ops([_card("Sign up")], timeout=20)

        sent = [frame["op_id"] for frame in fake.received if frame["type"] == "ops"]
        assert len(sent) == 3  # two refusals, then applied
        assert set(sent) == {ack["op_id"]}
        assert fake.applied == [ack["op_id"]]  # applied once
        assert client.state is not None
        assert [card["title"] for card in client.state["cards"]] == ["Sign up"]


async def test_a_hello_answered_server_error_is_asked_again(server_factory: Any) -> None:
    fake = await server_factory(FakeServer(hello_errors=2))
    async with MapClient(fake.url, MAP_ID) as client:
        assert client.seq == 0
        assert [frame["type"] for frame in fake.received] == ["hello", "hello", "hello"]
        assert fake.handshakes == 1  # on the same socket


@pytest.mark.parametrize("status", [502, 503, 504])
async def test_a_proxy_with_no_process_behind_it_is_retried(
    server_factory: Any, status: int
) -> None:
    fake = FakeServer()
    fake.handshake_refusals = [status, status]
    await server_factory(fake)
    async with MapClient(fake.url, MAP_ID) as client:
        assert client.seq == 0
        assert fake.handshakes == 3
        await client.send_ops([_card("Pay")])
        assert fake.applied


@pytest.mark.parametrize("status", [403, 404])
async def test_a_refused_handshake_is_final(server_factory: Any, status: int) -> None:
    fake = FakeServer()
    fake.handshake_refusals = [status] * 5
    await server_factory(fake)
    with pytest.raises(AccessDenied, match=str(status)):
        await MapClient(fake.url, MAP_ID).connect(timeout=10)
    assert fake.handshakes == 1
