"""The trash of a workspace: what trashing, restoring and purging an item do, for every kind.

A trashable model has `deleted_at` and `deleted_by`, a default manager that hides trashed rows
and `all_objects` that does not (maps and personas). Trashing sets the two columns, restoring
clears them, and purging hands the row to the kind's own hard delete. Each step runs under the
item's row lock, which orders it against a concurrent trash, restore or purge (and, for a map,
against apply_ops, which takes the same lock), and is audited in the same transaction as
`<kind>.trashed`, `<kind>.restored` or `<kind>.purged`. The kinds' own modules
(`journeymap/maps/services/trash.py`, `personas/trash.py`) say what else their items do.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from .audit import audit_record


class NotInTrash(LookupError):
    """The item is not where the caller expected it (already trashed, or not in the trash)."""


@dataclass(frozen=True)
class Trashable:
    """One kind of item the trash holds."""

    model: type[models.Model]
    name: str  # "map": the audit actions' prefix and the detail's key
    subject: Callable[[Any], str]  # what the audit log names the item by
    delete: Callable[[Any], None]  # the kind's hard delete: its real CASCADE


def trash(*, kind: Trashable, pk: Any, actor: Any, address: str | None) -> Any:
    """Move an item to the trash. Trashing it twice raises NotInTrash (the API's 404)."""
    with transaction.atomic():
        locked = kind.model._default_manager.select_for_update().filter(pk=pk).first()
        if locked is None:
            raise NotInTrash(f"no such {kind.name}")
        locked.deleted_at = timezone.now()  # type: ignore[attr-defined]
        locked.deleted_by = actor if getattr(actor, "is_authenticated", False) else None  # type: ignore[attr-defined]
        # Without updated_at: being trashed is not an edit, and a restored item keeps its
        # place in "recently updated".
        locked.save(update_fields=["deleted_at", "deleted_by"])
        _audit(kind, locked, actor=actor, action="trashed", address=address)
    return locked


def restore(*, kind: Trashable, pk: uuid.UUID | str, actor: Any, address: str | None) -> Any:
    """Bring a trashed item back as it was."""
    with transaction.atomic():
        locked = _locked_in_trash(kind, pk, trashed_before=None)
        locked.deleted_at = None
        locked.deleted_by = None
        locked.save(update_fields=["deleted_at", "deleted_by"])
        _audit(kind, locked, actor=actor, action="restored", address=address)
    return locked


def purge(
    *,
    kind: Trashable,
    pk: uuid.UUID | str,
    actor: Any,
    address: str | None,
    trashed_before: datetime | None = None,
) -> None:
    """Delete a trashed item for good with the kind's hard delete, in the transaction that
    holds its lock and records the purge."""
    with transaction.atomic():
        locked = _locked_in_trash(kind, pk, trashed_before=trashed_before)
        _audit(kind, locked, actor=actor, action="purged", address=address)
        kind.delete(locked)


def purge_expired(*, kind: Trashable, older_than: datetime) -> int:
    """Delete for good every item of the kind trashed before `older_than`, one transaction
    per item (a failure leaves the rest purged and that one in the trash for the next run).
    The audit entries have no actor: the retention rule did it. Returns how many went."""
    everything: models.Manager[Any] = kind.model.all_objects  # type: ignore[attr-defined]
    expired = list(everything.filter(deleted_at__lt=older_than).values_list("pk", flat=True))
    purged = 0
    for pk in expired:
        try:
            purge(kind=kind, pk=pk, actor=None, address=None, trashed_before=older_than)
        except NotInTrash:
            continue  # restored (or purged by hand) since the ids were read
        purged += 1
    return purged


def _locked_in_trash(kind: Trashable, pk: Any, *, trashed_before: datetime | None) -> Any:
    everything: models.Manager[Any] = kind.model.all_objects  # type: ignore[attr-defined]
    found = everything.select_for_update().filter(pk=pk, deleted_at__isnull=False)
    if trashed_before is not None:
        # The purge's own cut-off, re-read under the lock: an item restored and trashed
        # again since the purge listed it has a new date and stays.
        found = found.filter(deleted_at__lt=trashed_before)
    locked = found.first()
    if locked is None:
        raise NotInTrash(f"no such {kind.name} in the trash")
    return locked


def _audit(kind: Trashable, item: Any, *, actor: Any, action: str, address: str | None) -> None:
    audit_record(
        workspace=item.workspace,
        actor=actor,
        action=f"{kind.name}.{action}",
        subject=kind.subject(item),
        detail={kind.name: str(item.pk)},
        address=address,
    )
