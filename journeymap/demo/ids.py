"""Fixed ids for demo rows: the same name gives the same UUID on every run and every machine,
so a rerun of `seed_demo` finds what it made before instead of adding a copy."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any, TypeVar

from django.db import models

# Any fixed UUID would do; this one is uuid5(NAMESPACE_DNS, "demo.journeymap").
DEMO_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "demo.journeymap")

M = TypeVar("M", bound=models.Model)

# What one run added, by model ("persona": 4, …); empty on a rerun.
Created = Counter[str]


def demo_id(name: str) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, name)


def ensure(model: type[M], key: str, created: Created, /, **fields: Any) -> tuple[M, bool]:
    """The row with the fixed id of `key`, created with `fields` if it is missing.

    An existing row is left as it is, so whatever people changed in the demo survives a rerun.
    """
    # The base manager sees rows in the trash too: a trashed demo row stays trashed.
    row = model._base_manager.filter(pk=demo_id(key)).first()
    if row is not None:
        return row, False
    row = model._default_manager.create(pk=demo_id(key), **fields)
    created[model._meta.model_name or model.__name__] += 1
    return row, True
