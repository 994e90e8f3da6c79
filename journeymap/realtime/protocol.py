"""The live protocol's frames (docs/protocol.md): parse what clients send, encode what the
server sends. Parsing never touches the database; a frame that does not parse raises
FrameError, which the consumer turns into an `error` frame while keeping the socket open."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from typing import Any

from journeymap.maps.services.entities import ENTITIES

CLIENT_TYPES = ("hello", "ops", "presence", "ping")
MAX_FIELD_NAME = 64
# Bumped when a change would break clients built for the previous version: a `hello` from an
# older client (or one that names no version) is answered `reload_required` and closed.
PROTOCOL_VERSION = 2


class FrameError(Exception):
    """A malformed client frame: `code` is one of too_large | bad_json | bad_frame."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Hello:
    last_seq: int | None
    protocol: int | None  # None: the client names no version (one built before versioning)


@dataclass(frozen=True, slots=True)
class OpsFrame:
    # Passed through to apply_ops, which owns their validation (and says `invalid`).
    op_id: Any
    ops: Any


@dataclass(frozen=True, slots=True)
class PresenceFrame:
    focus: dict[str, str | None] | None


@dataclass(frozen=True, slots=True)
class Ping:
    pass


ClientFrame = Hello | OpsFrame | PresenceFrame | Ping


def utf8_length_exceeds(text: str, limit: int) -> bool:
    # A character is 1 to 4 bytes: the cheap bounds settle almost every frame without encoding.
    if len(text) > limit:
        return True
    if len(text) * 4 <= limit:
        return False
    return len(text.encode("utf-8", "surrogatepass")) > limit


# JSON escapes of a UTF-16 surrogate (a pair decodes to one character, a lone half stays a
# surrogate) and of NUL. Seen only in frames that spell characters as escapes, so the full
# check below runs rarely; what it finds no UTF-8 text can hold (a lone surrogate) or no
# PostgreSQL text column can store (NUL), and a reply echoing it could not even be sent.
_SUSPECT_ESCAPE = re.compile(r"\\u(?:[dD][89a-fA-F]|0000)")


def _holds_unstorable_text(message: Any) -> bool:
    """Whether any string in the parsed frame, key or value, has a lone surrogate or a NUL.
    Iterative: the frame may nest as deep as the parser allowed."""
    stack = [message]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if "\x00" in value or (not value.isascii() and _has_lone_surrogate(value)):
                return True
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


def _has_lone_surrogate(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def parse_frame(*, text: str | None, data: bytes | None, limit: int) -> ClientFrame:
    if text is None:
        size = len(data or b"")
        if size > limit:
            raise FrameError("too_large", f"frames are limited to {limit} bytes")
        raise FrameError("bad_frame", "frames must be JSON text, not binary")
    if utf8_length_exceeds(text, limit):
        raise FrameError("too_large", f"frames are limited to {limit} bytes")
    try:
        message = json.loads(text)
    except ValueError:
        raise FrameError("bad_json", "the frame is not valid JSON") from None
    except RecursionError:
        # The parser recurses per level: a frame of nested brackets would otherwise end the
        # socket (and its receive loop) instead of being answered.
        raise FrameError("bad_json", "the frame nests too deeply") from None
    if not isinstance(message, dict):
        raise FrameError("bad_frame", "a frame must be a JSON object")
    if _SUSPECT_ESCAPE.search(text) and _holds_unstorable_text(message):
        detail = "text must be valid Unicode without NUL characters (no lone surrogates)"
        raise FrameError("bad_frame", detail)
    kind = message.get("type")
    if kind == "ops":
        return OpsFrame(op_id=message.get("op_id"), ops=message.get("ops"))
    if kind == "hello":
        return Hello(
            last_seq=_last_seq(message.get("last_seq")),
            protocol=_protocol(message.get("protocol")),
        )
    if kind == "presence":
        if "focus" not in message:
            raise FrameError("bad_frame", "presence needs a focus (an object or null)")
        return PresenceFrame(focus=parse_focus(message["focus"]))
    if kind == "ping":
        return Ping()
    raise FrameError("bad_frame", f"type must be one of: {', '.join(CLIENT_TYPES)}")


def _last_seq(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise FrameError("bad_frame", "last_seq must be null or a non-negative integer")
    return value


def _protocol(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise FrameError("bad_frame", "protocol must be an integer")
    return value


def parse_focus(value: Any) -> dict[str, str | None] | None:
    """What a person is looking at or editing: an entity, its id, optionally a field."""
    if value is None:
        return None
    if not isinstance(value, dict) or not set(value) <= {"entity", "id", "field"}:
        raise FrameError("bad_frame", "focus must be null or {entity, id, field?}")
    entity = value.get("entity")
    if not isinstance(entity, str) or entity not in ENTITIES:
        raise FrameError("bad_frame", f"focus.entity must be one of: {', '.join(ENTITIES)}")
    try:
        item_id = str(uuid.UUID(str(value.get("id"))))
    except ValueError:
        raise FrameError("bad_frame", "focus.id must be a UUID") from None
    field = value.get("field")
    if field is not None and (not isinstance(field, str) or len(field) > MAX_FIELD_NAME):
        raise FrameError("bad_frame", f"focus.field must be a string of at most {MAX_FIELD_NAME}")
    return {"entity": entity, "id": item_id, "field": field}


def encode(message: dict[str, Any]) -> str:
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False)


def error_frame(code: str, detail: str) -> str:
    return encode({"type": "error", "code": code, "detail": detail})


def rate_limited_frame(*, kind: str, retry_after: float, op_id: Any = None) -> str:
    """The answer to a frame over its socket's rate: dropped, the socket stays usable."""
    frame: dict[str, Any] = {
        "type": "error",
        "code": "rate_limited",
        "detail": f"too many {kind} frames; retry after {retry_after:.2f} s",
        "retry_after": round(retry_after, 3),
        "frame_type": kind,  # which frame was dropped: hello | ops | presence
    }
    if isinstance(op_id, str):
        frame["op_id"] = op_id
    return encode(frame)


def reload_required_frame() -> str:
    return encode(
        {
            "type": "error",
            "code": "reload_required",
            "detail": "this client speaks an older version of the live protocol; reload it",
            "protocol": PROTOCOL_VERSION,
        }
    )


def reject_frame(
    op_id: Any, code: str, detail: str, index: int | None = None, field: str | None = None
) -> str:
    return encode(
        {
            "type": "reject",
            "op_id": op_id if isinstance(op_id, str) else None,
            "code": code,
            "detail": detail,
            "index": index,
            "field": field,
        }
    )


PONG = encode({"type": "pong"})
