"""One accepted socket as the fan-out sees it: an ordered, non-blocking outbox.

Every frame for a socket — fan-out patches, presence, and the consumer's own replies — goes
through `push`, so frames leave in the order they were pushed and pushing never waits.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any

from . import conf, eager, wire
from .access import Principal

if TYPE_CHECKING:
    from .room import Room

logger = logging.getLogger(__name__)

Message = dict[str, Any]
Send = Callable[[Message], Coroutine[Any, Any, None]]

IDLE, SYNCING, LIVE = "idle", "syncing", "live"


class Conn:
    __slots__ = (
        "send",
        "write_text",
        "client_id",
        "principal",
        "peer",
        "room",
        "mode",
        "seq",
        "buffer",
        "backlog",
        "ended",
        "close_code",
        "close_reason",
        "loop",
    )

    def __init__(self, send: Send, *, client_id: str, principal: Principal) -> None:
        self.send = send
        self.write_text = wire.writer_for(send)
        self.client_id = client_id
        self.principal = principal
        self.peer: dict[str, Any] = {"client_id": client_id, "user": principal.info, "focus": None}
        self.room: Room | None = None
        # Patches reach a socket only once it has a base state: after its `hello` is answered
        # (LIVE). While a hello is being answered (SYNCING) they wait in `buffer`, and those
        # the answer already covers are dropped, so the client sees one gapless stream.
        self.mode = IDLE
        self.seq = 0
        self.buffer: list[tuple[int, Message]] = []
        self.backlog: deque[Message] | None = None
        self.loop = asyncio.get_running_loop()
        self.ended: asyncio.Future[None] = self.loop.create_future()
        self.close_code: int | None = None
        self.close_reason: str | None = None

    # --- the hot path ------------------------------------------------------------------------

    def deliver_patch(self, seq: int, message: Message) -> None:
        if self.mode == LIVE:
            if seq > self.seq:
                self.seq = seq
                self.push(message)
        elif self.mode == SYNCING:
            self.buffer.append((seq, message))

    def push(self, message: Message) -> None:
        """Hand a message to the socket now, or queue it behind a send still in progress."""
        if self.ended.done():
            return
        if self.backlog is not None:
            if len(self.backlog) >= conf.max_backlog():
                logger.warning("client %s is not reading; disconnecting it", self.client_id)
                self.backlog.clear()
                self.end(4008, "slow_consumer")
                return
            self.backlog.append(message)
            return
        # Under daphne, text goes out pre-framed and at once (wire.py); the writer says no
        # whenever autobahn's own path is needed, and the message takes the ASGI send.
        write_text = self.write_text
        if write_text is not None and message["type"] == "websocket.send" and "text" in message:
            try:
                if write_text(message["text"]):
                    return
            except Exception:
                self._broken()
                return
        try:
            rest = eager.start(self.send(message))
        except Exception:
            self._broken()
            return
        if rest is not None:
            self.backlog = deque()
            self.loop.create_task(self._drain(rest))

    async def _drain(self, rest: Awaitable[Any]) -> None:
        try:
            await rest
            while self.backlog:
                await self.send(self.backlog.popleft())
        except Exception:
            self._broken()
        self.backlog = None

    def _broken(self) -> None:
        # The server already knows the socket is gone and will tell the consumer; stop
        # sending to it so nobody else waits on it.
        logger.debug("send to client %s failed", self.client_id, exc_info=True)
        self.end(None, None)

    # --- replies and state -------------------------------------------------------------------

    def reply(self, frame: str) -> None:
        self.push({"type": "websocket.send", "text": frame})

    def begin_sync(self) -> None:
        if self.mode != SYNCING:
            self.mode = SYNCING
            self.buffer = []

    def end_sync(self, seq: int, frame: str) -> None:
        """Send the hello's answer, then the patches that arrived meanwhile and it lacks."""
        self.reply(frame)
        self.seq = seq
        self.mode = LIVE
        buffered, self.buffer = self.buffer, []
        for patch_seq, message in sorted(buffered, key=lambda item: item[0]):
            if patch_seq > self.seq:
                self.seq = patch_seq
                self.push(message)

    def end(self, code: int | None, reason: str | None) -> None:
        """Stop this socket: the consumer closes it with `code` (None: already gone)."""
        if not self.ended.done():
            self.close_code = code
            self.close_reason = reason
            self.ended.set_result(None)
            if self.room is not None:
                self.room.discard(self)
