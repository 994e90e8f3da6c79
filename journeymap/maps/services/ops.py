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
from django.db import IntegrityError, transaction
from django.utils import timezone

from journeymap.core.actors import actor_info
from journeymap.core.errors import OpRejected

from ..access import map_access
from ..models import MapOp
from . import fields as f
from .actions import Batch, Op, apply_one, serialize_row
from .events import notify_committed
from .lookups import prefetch_creates
from .writelock import bump_seq_if_writer, lock_map_for_writer, log_batch


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
    try:
        map_uuid = uuid.UUID(str(map_id))
    except ValueError:
        raise OpRejected("not_found", "no such map") from None
    if not _active_user(actor):
        raise OpRejected("not_found", "no such map")
    user: Any = actor
    try:
        with transaction.atomic():
            return _apply_locked(
                map_id=map_uuid,
                actor=user,
                client_id=client_id,
                op_id=parsed_op_id,
                ops=ops,
            )
    except _Refused:
        # Not a writer (or no such map): say which, with the one access check, after the
        # transaction, so the refusal holds no lock.
        access = map_access(map_id=map_uuid, user=user)
        if access is None:
            raise OpRejected("not_found", "no such map") from None
        raise OpRejected("forbidden", "your role does not allow changing this map") from None
    except IntegrityError:
        # The same op_id sent twice at once: the second waited on the row lock, but its read
        # was planned before the first committed and missed the first's log row, so the
        # unique (map, op_id) refused its insert and it rolled back. Answer as a resend.
        logged = MapOp.objects.filter(map_id=map_uuid, op_id=parsed_op_id).first()
        if logged is None:
            raise
        return _resent(logged, user)


class _Refused(Exception):
    """The locked read found no map this actor may write: roll back, then say why."""


def _active_user(actor: Any) -> bool:
    return (
        actor is not None
        and bool(getattr(actor, "is_authenticated", False))
        and bool(getattr(actor, "is_active", False))
    )


def _apply_locked(
    *,
    map_id: uuid.UUID,
    actor: Any,  # an active, signed-in user; their role is what this function checks
    client_id: str,
    op_id: uuid.UUID,
    ops: list[Any],
) -> AppliedBatch:
    # One read answers the three questions a batch starts with, under the row lock: the map,
    # the actor's role on it, and whether this op_id is already logged. The lock serialises
    # writers per map: seq is read and bumped under it, so it rises by exactly one per
    # accepted batch with no gaps, whatever the concurrency (writelock.py says why it is SQL).
    locked = lock_map_for_writer(map_id=map_id, user_id=actor.pk, op_id=op_id)
    if locked is None:
        raise _Refused
    journey_map, role, logged_seq = locked
    if logged_seq is not None:
        return _resent(MapOp.objects.get(map=journey_map, op_id=op_id), actor)

    batch = Batch(map=journey_map, actor=actor, role=role)
    prefetch_creates(batch, ops)
    for index, raw in enumerate(ops):
        try:
            apply_one(batch, raw)
        except OpRejected as rejected:
            raise rejected.at(index) from None

    journey_map.seq += 1
    journey_map.updated_at = timezone.now()
    if not bump_seq_if_writer(
        journey_map=journey_map,
        seq=journey_map.seq,
        updated_at=journey_map.updated_at,
        user_id=actor.pk,
    ):
        raise _Refused
    log_batch(
        map_id=journey_map.id,
        seq=journey_map.seq,
        op_id=op_id,
        actor_id=actor.pk,
        client_id=client_id[:64],
        ops=batch.ops,
        created_at=journey_map.updated_at,
    )
    applied = AppliedBatch(
        map_id=journey_map.id,
        seq=journey_map.seq,
        op_id=op_id,
        actor=actor_info(actor),
        client_id=client_id,
        ops=batch.ops,
    )
    transaction.on_commit(partial(notify_committed, applied))
    return applied


def _resent(logged: MapOp, actor: Any) -> AppliedBatch:
    """A resend of an accepted batch: its first result, unless the op_id is someone else's."""
    if logged.actor_id != getattr(actor, "pk", None):
        raise OpRejected("conflict", "op_id was already used by someone else")
    return AppliedBatch(
        map_id=logged.map_id,
        seq=logged.seq,
        op_id=logged.op_id,
        actor=actor_info(actor),
        client_id=logged.client_id,
        ops=logged.ops,
        duplicate=True,
    )


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
