"""Daphne's send path, framed once per fan-out and written at once.

Under daphne, each ASGI `websocket.send` goes through daphne's `handle_reply` and autobahn's
`sendMessage` → `sendFrame` → `sendData`: ~30 µs per socket, a third of it formatting the
arguments of a debug log line that is never written (measured with py-spy, docs/benchmarks.md
"Daphne's send path"). Twisted then buffers the bytes and sends them on the loop's next turn,
after an `epoll_ctl` to watch the socket and another to stop. A patch is the same bytes for
every member of a room, so `writer_for` gives a daphne socket a writer that frames a text
message once (RFC 6455 §5.2: final, unmasked, uncompressed — the frame autobahn itself sends
with daphne's options) and, when nothing is waiting in Twisted's buffer, sends it straight
away, as asyncio's own transports do; whatever the kernel does not take goes to the buffer.

The writer only takes the short cut when autobahn would have sent the same bytes at once: the
socket open, no per-message compression, no fragmenting or masking, nothing in autobahn's own
send queue, no frame or octet logging, no TLS in the process. Otherwise it says no and the
frame goes through ASGI as before. Any other server (uvicorn) gets no writer.
"""

from __future__ import annotations

import functools
import struct
from collections.abc import Callable
from typing import Any

TextWriter = Callable[[str], bool]

_last_text: str | None = None
_last_frame = b""


def text_frame(text: str) -> bytes:
    """One final, unmasked text frame (RFC 6455 §5.2). The last frame built is kept, so a
    fan-out frames its patch once however many sockets it reaches (all on the loop thread)."""
    global _last_text, _last_frame
    if text is _last_text:
        return _last_frame
    payload = text.encode()
    size = len(payload)
    if size <= 125:
        header = bytes((0x81, size))
    elif size <= 0xFFFF:
        header = struct.pack("!BBH", 0x81, 126, size)
    else:
        header = struct.pack("!BBQ", 0x81, 127, size)
    frame = header + payload
    _last_text, _last_frame = text, frame
    return frame


def writer_for(send: Any) -> TextWriter | None:
    """A pre-framed writer for `send` when it is daphne's, else None."""
    protocol, server = _daphne_protocol(send)
    if protocol is None:
        return None
    from autobahn.websocket.protocol import WebSocketProtocol

    open_state = WebSocketProtocol.STATE_OPEN
    connections = server.connections

    def write(text: str) -> bool:
        if (
            protocol.state != open_state
            or protocol._perMessageCompress is not None
            or protocol.send_queue
            or protocol.autoFragmentSize
            or protocol.maskServerFrames
            or protocol.logFrames
            or protocol.logOctets
            or connections.get(protocol, {}).get("disconnected")
        ):
            return False
        frame = text_frame(text)
        if 0 < protocol.maxMessagePayloadSize < len(frame):
            return False  # autobahn's path refuses it, with its own error
        _write_now(protocol.transport, frame)
        return True

    return write


def _write_now(transport: Any, frame: bytes) -> None:
    """Send `frame` on a Twisted TCP transport now if its buffer is empty, else queue it.

    Only an empty buffer may be bypassed: bytes already queued must leave first."""
    try:
        idle = (
            not transport._tempDataBuffer
            and transport.offset == len(transport.dataBuffer)
            and transport.connected
            and not transport._writeDisconnected
            and not transport.TLS
        )
    except AttributeError:  # not the TCP transport this was written against
        idle = False
    if idle:
        sent = transport.writeSomeData(frame)  # an int, or the error the socket raised
        if isinstance(sent, int) and sent >= 0:
            if sent == len(frame):
                return
            frame = frame[sent:]
        # On an error Twisted's own write path (next) meets it and closes the connection.
    transport.write(frame)


def _daphne_protocol(send: Any) -> tuple[Any, Any]:
    """daphne passes each application `partial(server.handle_reply, protocol)` as `send`."""
    if not isinstance(send, functools.partial) or len(send.args) != 1 or send.keywords:
        return None, None
    from daphne.server import Server
    from daphne.ws_protocol import WebSocketProtocol as DaphneSocket

    bound = send.func
    server = getattr(bound, "__self__", None)
    handler = getattr(bound, "__func__", None)
    if not isinstance(server, Server) or handler is not Server.handle_reply:
        return None, None
    protocol = send.args[0]
    if not isinstance(protocol, DaphneSocket):
        return None, None
    return protocol, server
