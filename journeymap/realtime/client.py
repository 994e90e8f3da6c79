"""A Python client for the live map protocol (docs/protocol.md), on asyncio + `websockets`.

    async with MapClient("http://127.0.0.1:8000", map_id, session=session_id) as client:
        await client.send_ops([{"action": "update", "entity": "map", "id": map_id,
                                "fields": {"title": "Checkout v2"}}])
        print(client.state["title"], client.seq)

It keeps a copy of the map (`state`, the GET /api/maps/<id>/ shape) current by applying every
patch, asks to catch up when it sees a gap in `seq`, and reconnects by itself with back-off,
re-sending ops that were not acknowledged (same `op_id`, so a resend is harmless). The tests
and the benchmark drive the server through it; integrators can script edits with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import time
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlparse

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidMessage, InvalidStatus

from .login import LoginFailed, login

logger = logging.getLogger(__name__)

__all__ = ["AccessDenied", "LoginFailed", "MapClient", "Rejected", "ReloadRequired", "login"]

# The live protocol version this client speaks (journeymap.realtime.protocol.PROTOCOL_VERSION;
# a test keeps the two equal). Not imported: this module runs without Django.
PROTOCOL_VERSION = 2

ORDERED = {"stages", "lanes", "cards", "touchpoints", "frictions", "contents"}
# Close codes after which reconnecting cannot help: access ended, map deleted, signed out,
# and a protocol this client does not speak.
FINAL_CLOSE_CODES = {4401, 4403, 4404, 4426}
# Handshake answers that say "not now" rather than "not you": a proxy in front of processes
# that are restarting (502, 504), an overloaded server (503), a throttle (429).
TRANSIENT_STATUSES = {429, 500, 502, 503, 504}
# After a `server_error` (the server changed nothing, e.g. its database was unreachable), the
# batch or hello is re-sent after this many seconds, doubled per retry up to the maximum.
SERVER_ERROR_RETRY = 0.25
SERVER_ERROR_RETRY_MAX = 4.0


class Rejected(Exception):
    """The server refused a batch (code: invalid | not_found | forbidden | conflict)."""

    def __init__(self, frame: dict[str, Any]) -> None:
        super().__init__(f"{frame.get('code')}: {frame.get('detail')}")
        self.code = frame.get("code")
        self.detail = frame.get("detail")
        self.index = frame.get("index")
        self.field = frame.get("field")


class AccessDenied(Exception):
    """The handshake was refused or access ended (not a member, link revoked, map gone)."""


class ReloadRequired(Exception):
    """The server speaks a newer protocol than this client (close code 4426)."""


def apply_patch(document: dict[str, Any], patch: dict[str, Any]) -> None:
    """Apply a patch to a map document in place, op by op (deletes are listed explicitly,
    cascades included, so no knowledge of the schema is needed beyond collection names)."""
    touched: set[str] = set()
    for op in patch["ops"]:
        entity, fields = op["entity"], op.get("fields") or {}
        if entity == "map":
            document.update(fields)
            continue
        rows: list[dict[str, Any]] = document.setdefault(entity + "s", [])
        index = next((i for i, row in enumerate(rows) if row["id"] == op["id"]), None)
        if op["action"] == "create":
            row = {"id": op["id"], **fields}
            if index is None:
                rows.append(row)
            else:
                rows[index] = row
        elif op["action"] == "delete":
            if index is not None:
                del rows[index]
        elif index is not None:  # update, move
            rows[index].update(fields)
        touched.add(entity + "s")
    for collection in touched & ORDERED:
        document[collection].sort(key=lambda row: (row.get("order_key") or "", row["id"]))
    document["seq"] = patch["seq"]


class MapClient:
    def __init__(
        self,
        base_url: str,
        map_id: str | uuid.UUID,
        *,
        session: str | None = None,
        share: str | None = None,
        origin: str | None = None,
        session_cookie_name: str = "sessionid",
        reconnect: bool = True,
        track_state: bool = True,
        max_size: int = 64 * 1024 * 1024,
    ) -> None:
        parts = urlparse(base_url)
        scheme = "wss" if parts.scheme in ("https", "wss") else "ws"
        self.url = f"{scheme}://{parts.netloc}/ws/maps/{map_id}/"
        if share:
            self.url += "?" + urlencode({"share": share})
        self.origin = origin or f"{'https' if scheme == 'wss' else 'http'}://{parts.netloc}"
        self.headers = {"Cookie": f"{session_cookie_name}={session}"} if session else {}
        self.map_id = str(map_id)
        self.reconnect = reconnect
        self.track_state = track_state
        self.max_size = max_size

        self.state: dict[str, Any] | None = None
        self.seq: int | None = None
        self.you: dict[str, Any] = {}
        self.peers: list[dict[str, Any]] = []
        self.errors: list[dict[str, Any]] = []
        self.connects = 0
        self.on_patch: list[Callable[[dict[str, Any]], None]] = []
        self.on_presence: list[Callable[[list[dict[str, Any]]], None]] = []

        self._ws: ClientConnection | None = None
        self._pending: dict[str, tuple[str, asyncio.Future[dict[str, Any]]]] = {}
        self._ahead: dict[int, dict[str, Any]] = {}
        self._catching_up = False
        self._ready = asyncio.Event()
        self._seq_changed = asyncio.Event()
        self._pongs: list[asyncio.Future[None]] = []
        self._focus: dict[str, Any] | None = None
        self._server_errors: dict[str, int] = {}  # retries so far, per op_id (or "hello")
        self._closing = False
        self._failure: BaseException | None = None
        self._runner: asyncio.Task[None] | None = None

    # --- lifecycle -------------------------------------------------------------------------------

    async def connect(self, timeout: float = 10) -> MapClient:
        """Connect and wait until `state` holds the map."""
        self._runner = asyncio.create_task(self._run())
        ready = asyncio.ensure_future(self._ready.wait())
        await asyncio.wait(
            {ready, self._runner}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
        )
        if not ready.done():
            ready.cancel()
            if self._runner.done():
                self._runner.result()
                if self._failure is not None:
                    raise self._failure
            raise TimeoutError("no snapshot from the server")
        return self

    async def __aenter__(self) -> MapClient:
        return await self.connect()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        self._closing = True
        if self._ws is not None:
            await self._ws.close()
        if self._runner is not None:
            self._runner.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._runner

    def drop(self) -> None:
        """Cut the connection abruptly, as a lost network would (it reconnects by itself)."""
        if self._ws is not None:
            self._ws.transport.abort()

    # --- sending ---------------------------------------------------------------------------------

    async def send_ops(
        self,
        ops: list[dict[str, Any]],
        *,
        op_id: str | None = None,
        timeout: float = 30,
        applied: bool = True,
    ) -> dict[str, Any]:
        """Send a batch; returns the ack (raises Rejected). With `applied`, also waits until
        the local `state` includes the batch."""
        op_id = op_id or str(uuid.uuid4())
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        text = json.dumps({"type": "ops", "op_id": op_id, "ops": ops})
        self._pending[op_id] = (text, future)
        await self._send_text(text)
        try:
            ack = await asyncio.wait_for(asyncio.shield(future), timeout)
        finally:
            # Acked, refused or given up on: no longer re-sent on reconnect.
            self._pending.pop(op_id, None)
            self._server_errors.pop(op_id, None)
        if applied and self.track_state:
            await self.wait_for_seq(ack["seq"], timeout)
        return ack

    async def set_focus(self, focus: dict[str, Any] | None) -> None:
        self._focus = focus  # re-sent after a reconnect
        await self._send_text(json.dumps({"type": "presence", "focus": focus}))

    async def ping(self, timeout: float = 10) -> float:
        """Round trip through the server, in seconds."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pongs.append(future)
        started = time.perf_counter()
        await self._send_text('{"type":"ping"}')
        await asyncio.wait_for(future, timeout)
        return time.perf_counter() - started

    async def wait_for_seq(self, seq: int, timeout: float = 30) -> None:
        async def reached() -> None:
            while self.seq is None or self.seq < seq:
                self._seq_changed.clear()
                await self._seq_changed.wait()

        await asyncio.wait_for(reached(), timeout)

    async def _send_text(self, text: str) -> None:
        if self._failure is not None:
            raise self._failure
        if self._ws is None:
            return  # pending ops and the focus are sent on reconnect
        try:
            await self._ws.send(text)
        except ConnectionClosed:
            pass  # the runner reconnects and re-sends pending ops

    # --- receiving -------------------------------------------------------------------------------

    async def _run(self) -> None:
        delay = 0.1
        while not self._closing:
            try:
                async with connect(
                    self.url,
                    origin=self.origin,  # type: ignore[arg-type]
                    additional_headers=self.headers,
                    max_size=self.max_size,
                    compression=None,  # per-socket deflate would undo the server's encode-once
                    proxy=None,
                    open_timeout=10,
                ) as ws:
                    self._ws = ws
                    self.connects += 1
                    delay = 0.1
                    await ws.send(self._hello())
                    self._catching_up = True
                    for text, _future in list(self._pending.values()):
                        await ws.send(text)
                    if self._focus is not None:
                        await ws.send(json.dumps({"type": "presence", "focus": self._focus}))
                    async for message in ws:
                        self._handle(json.loads(message))
                    code = ws.close_code
                self._ws = None
                if code in FINAL_CLOSE_CODES:
                    error = ReloadRequired if code == 4426 else AccessDenied
                    self._fail(error(f"closed by the server ({code})"))
                    return
            except InvalidStatus as refused:
                status = refused.response.status_code
                if status not in TRANSIENT_STATUSES:
                    self._fail(AccessDenied(f"handshake refused ({status})"))
                    return
                # A proxy with no process to hand the socket to (one restarting): retry.
                self._ws = None
                logger.debug("handshake answered %s, retrying", status)
            # InvalidMessage: the handshake was cut (an overloaded or dying process).
            except (OSError, ConnectionClosed, TimeoutError, InvalidMessage) as lost:
                self._ws = None
                logger.debug("connection lost: %r", lost)
            if self._closing or not self.reconnect:
                return
            await asyncio.sleep(delay * (0.5 + random.random()))  # noqa: S311 (jitter)
            delay = min(delay * 2, 5.0)

    def _fail(self, error: BaseException) -> None:
        self._failure = error
        for _text, future in self._pending.values():
            if not future.done():
                future.set_exception(error)

    def _handle(self, frame: dict[str, Any]) -> None:
        kind = frame["type"]
        if kind == "patch":
            self._on_patch(frame)
        elif kind == "ack":
            self._resolve(frame.get("op_id"), result=frame)
        elif kind == "reject":
            self._resolve(frame.get("op_id"), error=Rejected(frame))
        elif kind == "snapshot":
            self.you = frame.get("you", self.you)
            self.state = frame["map"] if self.track_state else None
            self.seq = frame["seq"]
            self._catch_up([])
        elif kind == "catchup":
            self.you = frame.get("you", self.you)
            self._catch_up(frame["patches"])
        elif kind == "presence":
            self.peers = frame["peers"]
            for callback in self.on_presence:
                callback(self.peers)
        elif kind == "pong":
            while self._pongs:
                future = self._pongs.pop(0)
                if not future.done():
                    future.set_result(None)
                    break
        elif kind == "error":
            self.errors.append(frame)
            if frame.get("code") == "rate_limited":
                self._retry_later(frame)
            elif frame.get("code") == "server_error":
                self._retry_after_server_error(frame)
            elif frame.get("op_id"):
                self._resolve(frame["op_id"], error=RuntimeError(frame.get("detail")))

    def _retry_later(self, frame: dict[str, Any]) -> None:
        """A dropped batch is re-sent (same op_id), a dropped hello asked again."""
        entry = self._pending.get(str(frame.get("op_id")))
        hello = frame.get("frame_type") == "hello" and self._catching_up
        text = entry[0] if entry else self._hello() if hello else None
        if text is not None:
            delay = float(frame.get("retry_after") or 0.5)
            asyncio.get_running_loop().call_later(delay, self._send_soon, text)

    def _retry_after_server_error(self, frame: dict[str, Any]) -> None:
        """The server could not handle a frame and changed nothing: a batch is re-sent with
        the same op_id (so it is applied once however often it is sent), and a hello asked
        again while this client waits for one; anything else is left to the caller."""
        op_id = frame.get("op_id")
        entry = self._pending.get(str(op_id)) if op_id else None
        text = entry[0] if entry else self._hello() if not op_id and self._catching_up else None
        if text is None:
            return
        key = str(op_id or "hello")
        tries = self._server_errors.get(key, 0)
        self._server_errors[key] = tries + 1
        delay = min(SERVER_ERROR_RETRY * 2**tries, SERVER_ERROR_RETRY_MAX)
        delay *= 0.5 + random.random()  # noqa: S311 (jitter)
        asyncio.get_running_loop().call_later(delay, self._resend, key, text)

    def _resend(self, key: str, text: str) -> None:
        if key != "hello" and key not in self._pending:
            return  # acknowledged or given up on meanwhile
        if key == "hello" and not self._catching_up:
            return
        self._send_soon(text)

    def _send_soon(self, text: str) -> None:
        ws = self._ws
        if ws is not None:
            asyncio.ensure_future(ws.send(text)).add_done_callback(_ignore_result)

    def _hello(self) -> str:
        return json.dumps({"type": "hello", "last_seq": self.seq, "protocol": PROTOCOL_VERSION})

    def _resolve(
        self, op_id: Any, *, result: Any = None, error: BaseException | None = None
    ) -> None:
        entry = self._pending.get(op_id)
        if entry is None or entry[1].done():
            return
        if error is not None:
            entry[1].set_exception(error)
        else:
            entry[1].set_result(result)

    def _on_patch(self, patch: dict[str, Any]) -> None:
        if self.seq is None or patch["seq"] > self.seq + 1 or self._catching_up:
            self._ahead[patch["seq"]] = patch
            if self.seq is not None and not self._catching_up:
                self._request_catch_up()
            return
        if patch["seq"] == self.seq + 1:
            self._apply(patch)
            self._apply_ahead()

    def _request_catch_up(self) -> None:
        self._catching_up = True
        self._send_soon(self._hello())

    def _catch_up(self, patches: list[dict[str, Any]]) -> None:
        self._server_errors.pop("hello", None)
        for patch in patches:
            if self.seq is not None and patch["seq"] == self.seq + 1:
                self._apply(patch)
        self._catching_up = False
        self._apply_ahead()
        self._ready.set()
        self._seq_changed.set()

    def _apply_ahead(self) -> None:
        for seq in sorted(self._ahead):
            patch = self._ahead.pop(seq)
            if self.seq is None or seq <= self.seq:
                continue  # already covered
            if seq == self.seq + 1:
                self._apply(patch)
            else:
                self._ahead[seq] = patch
                self._request_catch_up()
                return

    def _apply(self, patch: dict[str, Any]) -> None:
        if self.track_state and self.state is not None:
            apply_patch(self.state, patch)
        self.seq = patch["seq"]
        self._seq_changed.set()
        for callback in self.on_patch:
            callback(patch)


def _ignore_result(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()
