"""Run a coroutine inline until it has to wait.

Fan-out hands one pre-encoded frame to every socket's ASGI `send`. Under daphne and uvicorn's
default WebSocket protocol that coroutine never waits (it writes to the transport and
returns), so a Task per socket per frame would be pure overhead. `start` runs the coroutine
on the spot, and only when it really suspends (uvicorn's legacy `websockets` protocol waiting
for a slow client's buffer to drain) does the rest of it become a Task — so one stalled
socket never holds up the others. This is what Python 3.12's eager tasks do; we run on 3.11.
"""

from __future__ import annotations

from collections.abc import Awaitable, Coroutine, Generator
from typing import Any


class _Resume:
    """Awaitable that continues a coroutine which already yielded `first` to its driver."""

    __slots__ = ("coro", "first")

    def __init__(self, coro: Coroutine[Any, Any, Any], first: Any) -> None:
        self.coro = coro
        self.first = first

    def __await__(self) -> Generator[Any, Any, Any]:
        coro = self.coro
        to_yield = self.first
        while True:
            try:
                sent = yield to_yield
            except GeneratorExit:
                coro.close()
                raise
            except BaseException as exc:  # cancellation, forwarded like a Task would
                try:
                    to_yield = coro.throw(exc)
                except StopIteration as stop:
                    return stop.value
                continue
            try:
                to_yield = coro.send(sent)
            except StopIteration as stop:
                return stop.value


def start(coro: Coroutine[Any, Any, Any]) -> Awaitable[Any] | None:
    """Run `coro` until it completes (→ None) or suspends (→ an awaitable of the rest).

    Exceptions raised before the first suspension propagate to the caller.
    """
    try:
        first = coro.send(None)
    except StopIteration:
        return None
    return _Resume(coro, first)
