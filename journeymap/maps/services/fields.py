"""Parsers for op fields: each turns a JSON value into a model value or raises OpRejected
naming the field. They are plain functions so entity specs read like a schema."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from fractional_indexing import FIError, validate_order_key

from journeymap.core.errors import OpRejected

Parser = Callable[[Any, str], Any]

_HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


def text(*, max_length: int, required: bool = False) -> Parser:
    def parse(value: Any, name: str) -> str:
        if value is None and not required:
            return ""
        if not isinstance(value, str):
            raise OpRejected("invalid", "must be a string", field=name)
        value = value.strip() if required else value
        if required and not value:
            raise OpRejected("invalid", "must not be empty", field=name)
        if len(value) > max_length:
            raise OpRejected("invalid", f"must be at most {max_length} characters", field=name)
        if not storable(value):
            raise OpRejected("invalid", "must not contain NUL or unpaired surrogates", field=name)
        return value

    return parse


def storable(value: str) -> bool:
    """Whether a database can store the text: PostgreSQL refuses NUL in text columns, and
    a lone surrogate (valid in JSON's \\u escapes) is not UTF-8 at all. Without this check
    REST ops would answer 500 on PostgreSQL for what is plainly bad input."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def integer(*, low: int, high: int) -> Parser:
    def parse(value: Any, name: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise OpRejected("invalid", "must be an integer", field=name)
        if not low <= value <= high:
            raise OpRejected("invalid", f"must be between {low} and {high}", field=name)
        return value

    return parse


def boolean(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise OpRejected("invalid", "must be true or false", field=name)
    return value


def choice(options: Iterable[str]) -> Parser:
    allowed = tuple(options)

    def parse(value: Any, name: str) -> str:
        if value not in allowed:
            raise OpRejected("invalid", f"must be one of: {', '.join(allowed)}", field=name)
        return str(value)

    return parse


def color(value: Any, name: str) -> str:
    if value in (None, ""):
        return ""
    if not isinstance(value, str) or not _HEX_COLOR.match(value):
        raise OpRejected("invalid", "must be a colour like #1a2b3c", field=name)
    return value.lower()


def url(value: Any, name: str) -> str:
    if value in (None, ""):
        return ""
    if not isinstance(value, str) or len(value) > 500:
        raise OpRejected("invalid", "must be an http(s) URL of at most 500 characters", field=name)
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        raise OpRejected("invalid", "must be an http(s) URL", field=name) from None
    return value


def order_key(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value or len(value) > 64:
        raise OpRejected("invalid", "must be a fractional-index key", field=name)
    try:
        validate_order_key(value)
    except FIError:
        raise OpRejected("invalid", "is not a valid fractional-index key", field=name) from None
    return value


def uuid_value(value: Any, name: str) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    if not isinstance(value, str):
        raise OpRejected("invalid", "must be a UUID", field=name)
    try:
        return uuid.UUID(value)
    except ValueError:
        raise OpRejected("invalid", "must be a UUID", field=name) from None


def optional_uuid(value: Any, name: str) -> uuid.UUID | None:
    return None if value is None else uuid_value(value, name)


def uuid_list(value: Any, name: str) -> list[uuid.UUID]:
    if not isinstance(value, list):
        raise OpRejected("invalid", "must be a list of UUIDs", field=name)
    seen: dict[uuid.UUID, None] = {}
    for item in value:
        seen[uuid_value(item, name)] = None
    return list(seen)
