"""Run one render in a child process with a wall-clock and an address-space limit.

Layout cost grows with what users typed, so a hostile or enormous map could hold a worker
for minutes or take gigabytes. The render runs in a child forked from a forkserver (a small
single-threaded process that has imported WeasyPrint once, so a child starts in
milliseconds and never inherits the server's threads or database connections). The child
sets RLIMIT_AS (a MemoryError instead of the host's OOM killer) and RLIMIT_CPU, and the
parent kills it when the wall-clock budget runs out.
"""

from __future__ import annotations

import multiprocessing
import resource
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(["journeymap.export.warm"])


class RenderCutOff(Exception):
    """The render went past a limit (`reason`: "time", "memory" or "crashed")."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Rendered:
    content: bytes
    peak_kb: int  # the child's peak resident set


def _child(
    conn: Connection,
    target: Callable[..., bytes],
    kwargs: dict[str, Any],
    memory_bytes: int,
    cpu_seconds: int,
) -> None:
    try:
        from .pdf import warm_fonts

        warm_fonts()  # a no-op after the forkserver's preload; never under the limit
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
        content = target(**kwargs)
        conn.send(("ok", (content, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)))
    except MemoryError:
        conn.send(("memory", "the render ran out of its memory limit"))
    except BaseException as error:  # anything else is reported, not re-raised in a child
        conn.send(("error", f"{type(error).__name__}: {str(error)[:200]}"))
    finally:
        conn.close()


def run_limited(
    target: Callable[..., bytes], *, kwargs: dict[str, Any], seconds: float, memory_mb: int
) -> Rendered:
    """`target(**kwargs)` in a child: its bytes and peak memory, or `RenderCutOff`."""
    receiver, sender = _context.Pipe(duplex=False)
    child = _context.Process(
        target=_child,
        args=(sender, target, kwargs, memory_mb * 1024 * 1024, int(seconds) + 1),
        daemon=True,
    )
    child.start()
    sender.close()
    try:
        # Read before join: a large PDF fills the pipe, and the child only exits once read.
        if not receiver.poll(seconds):
            raise RenderCutOff("time", f"the render took longer than {seconds:g} s")
        try:
            status, payload = receiver.recv()
        except EOFError:
            raise RenderCutOff("crashed", "the render process stopped without an answer") from None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join(5)
    if status == "ok":
        content, peak_kb = payload
        return Rendered(content=content, peak_kb=int(peak_kb))
    if status == "memory":
        raise RenderCutOff("memory", payload)
    raise RenderCutOff("crashed", payload)
