"""Fresh ids for a restore `--as-new`: every row's UUID, and every reference to one.

A new id is a keyed hash of the old one (HMAC-SHA-256 under a random key per restore), so
the mapping needs no table: the same old id always gets the same new id within a restore,
wherever it appears. References come in three kinds:
- foreign keys: always remapped;
- plain UUID columns (a comment's `target_id`, an event's `touchpoint_id`): remapped when
  the value is the id of a row in the backup;
- text inside JSON (op logs, map versions, persona versions, audit details, an import's
  report) and text columns: a string that *is* a UUID (the whole string) of a row in the
  backup is remapped, at any depth, dict keys included. Text that merely contains one (a
  URL in a description) is left alone, and so is the same text in every other column, so
  the op log and the rows it produced keep agreeing.
"Of a row in the backup" is decided against the set of every UUID key in the file, read in
a first pass and kept as sorted 64-bit prefixes (8 bytes a row; a prefix collision between
two random UUIDs is a 1-in-2^64 event per pair).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid
from typing import Any

import numpy as np
from django.db import models

from .fileformat import BackupFileError, read_lines
from .plan import ModelPlan

UUID_TEXT = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)


class IdMap:
    def __init__(self, known: np.ndarray[Any, np.dtype[np.uint64]], key: bytes | None = None):
        self._known = known
        self._key = key or secrets.token_bytes(32)

    def new(self, old: uuid.UUID) -> uuid.UUID:
        digest = hmac.new(self._key, old.bytes, hashlib.sha256).digest()
        return uuid.UUID(bytes=digest[:16], version=4)

    def knows(self, value: uuid.UUID) -> bool:
        prefix = np.uint64(value.int >> 64)
        at = int(np.searchsorted(self._known, prefix))
        return at < len(self._known) and self._known[at] == prefix

    def text(self, value: str) -> str:
        if len(value) == 36 and UUID_TEXT.fullmatch(value):
            old = uuid.UUID(value)
            if self.knows(old):
                new = str(self.new(old))
                return new.upper() if value.isupper() else new
        return value

    def json(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.json(item) for item in value]
        if isinstance(value, dict):
            return {self.text(key): self.json(item) for key, item in value.items()}
        return value


def collect_ids(path: str, plans: dict[str, ModelPlan], key: bytes | None = None) -> IdMap:
    """First pass over the file: every UUID primary key it holds. `key` (random unless
    given) is the HMAC key: whoever holds it can tell which new id an old one got."""
    chunks: list[np.ndarray[Any, np.dtype[np.uint64]]] = []
    pending: list[int] = []
    position: int | None = None
    for line in read_lines(path):
        if isinstance(line, list):
            if position is not None and line[position] is not None:
                pending.append(uuid.UUID(str(line[position])).int >> 64)
                if len(pending) >= 100_000:
                    chunks.append(np.array(pending, dtype=np.uint64))
                    pending = []
        elif isinstance(line, dict) and line.get("t") == "model":
            plan = plans.get(str(line.get("label")))
            position = None
            if plan is not None and isinstance(plan.model._meta.pk, models.UUIDField):
                try:
                    position = list(line["columns"]).index(plan.model._meta.pk.attname)
                except (KeyError, ValueError):
                    raise BackupFileError(f"{plan.label} has no primary key column") from None
    chunks.append(np.array(pending, dtype=np.uint64))
    return IdMap(np.unique(np.concatenate(chunks)), key)
