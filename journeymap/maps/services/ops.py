"""`apply_ops`: the one write path for map content (see docs/architecture.md, "The one write path").

A batch is applied in one transaction under a row lock on the map, op by op against the
database as the earlier ops of the same batch left it, so an op may refer to what an earlier
op created. Any rejected op raises and rolls the whole batch back: all or nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction

from journeymap.core.actors import actor_info
from journeymap.core.errors import OpRejected

from ..access import map_access
from ..models import JourneyMap, MapOp
from . import fields as f
from .actions import Batch, Op, apply_one, prefetch_creates, serialize_row
from .events import notify_committed


@dataclass(frozen=True)
class AppliedBatch:
    map_id: uuid.UUID
    seq: int
    op_id: uuid.UUID
    actor: dict[str, str]
    client_id: str
    ops: list[Op]
    duplicate: bool = False

    def as_patch(self) -> dict[str, Any]:
        return {
            "type": "patch",
            "seq": self.seq,
            "op_id": str(self.op_id),
            "actor": self.actor,
            "ops": self.ops,
        }

    def as_ack(self) -> dict[str, Any]:
        return {"type": "ack", "op_id": str(self.op_id), "seq": self.seq}


def patch_from_log(entry: MapOp) -> dict[str, Any]:
    """The patch a logged batch was broadcast as (for catch-up)."""
    return AppliedBatch(
        map_id=entry.map_id,
        seq=entry.seq,
        op_id=entry.op_id,
        actor=actor_info(entry.actor),
        client_id=entry.client_id,
        ops=entry.ops,
    ).as_patch()


def apply_ops(
    *,
    map_id: uuid.UUID | str,
    actor: AbstractBaseUser | AnonymousUser | None,
    client_id: str = "",
    op_id: uuid.UUID | str,
    ops: Any,
) -> AppliedBatch:
    """Apply a batch of ops to a map, all or nothing, and return what was applied.

    Raises OpRejected (code invalid | not_found | forbidden | conflict) and changes nothing
    when any op is refused. Re-sending an accepted `op_id` returns the first result.
    """
    parsed_op_id = _parse_envelope(op_id, ops)
    # Checked before the lock: a reader's batch is refused without waiting on, or holding up,
    # the writers of this map.
    access = map_access(map_id=map_id, user=actor)
    if access is None:
        raise OpRejected("not_found", "no such map")
    if not access.can_write:
        raise OpRejected("forbidden", "your role does not allow changing this map")
    with transaction.atomic():
        # The row lock serialises writers per map: seq is read and bumped under it, so it
        # rises by exactly one per accepted batch with no gaps, whatever the concurrency.
        journey_map = JourneyMap.objects.select_for_update().filter(id=access.map_id).first()
        if journey_map is None:
            raise OpRejected("not_found", "no such map")
        logged = MapOp.objects.filter(map=journey_map, op_id=parsed_op_id).first()
        if logged is not None:
            if logged.actor_id != getattr(actor, "pk", None):
                raise OpRejected("conflict", "op_id was already used by someone else")
            return AppliedBatch(
                map_id=journey_map.id,
                seq=logged.seq,
                op_id=logged.op_id,
                actor=actor_info(actor),
                client_id=logged.client_id,
                ops=logged.ops,
                duplicate=True,
            )

        batch = Batch(map=journey_map, actor=actor, role=access.role)
        prefetch_creates(batch, ops)
        for index, raw in enumerate(ops):
            try:
                apply_one(batch, raw)
            except OpRejected as rejected:
                raise rejected.at(index) from None

        journey_map.seq += 1
        journey_map.save(update_fields=["seq", "updated_at"])
        MapOp.objects.create(
            map=journey_map,
            seq=journey_map.seq,
            op_id=parsed_op_id,
            actor=batch.actor,
            client_id=client_id[:64],
            ops=batch.ops,
        )
        applied = AppliedBatch(
            map_id=journey_map.id,
            seq=journey_map.seq,
            op_id=parsed_op_id,
            actor=actor_info(actor),
            client_id=client_id,
            ops=batch.ops,
        )
        transaction.on_commit(partial(notify_committed, applied))
    return applied


def _parse_envelope(op_id: Any, ops: Any) -> uuid.UUID:
    try:
        parsed = f.uuid_value(op_id, "op_id")
    except OpRejected:
        raise OpRejected("invalid", "op_id must be a UUID") from None
    if not isinstance(ops, list) or not ops:
        raise OpRejected("invalid", "ops must be a non-empty list")
    if len(ops) > settings.OPS_MAX_PER_BATCH:
        raise OpRejected("invalid", f"at most {settings.OPS_MAX_PER_BATCH} ops per batch")
    return parsed


__all__ = [
    "AppliedBatch",
    "OpRejected",
    "actor_info",
    "apply_ops",
    "patch_from_log",
    "serialize_row",
]
