"""How a person who did something is named in patches, history and presence."""

from __future__ import annotations

from typing import Any


def actor_info(user: Any) -> dict[str, str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return {"id": "", "name": "anonymous"}
    name = user.get_full_name() or user.get_username()
    return {"id": str(user.pk), "name": name}
