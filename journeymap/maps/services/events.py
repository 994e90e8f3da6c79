"""Who hears about a committed op batch. The live layer subscribes at start-up
(`journeymap.realtime.apps`); `apply_ops` notifies from `transaction.on_commit`, so a listener
never sees a batch that could still roll back."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .ops import AppliedBatch

logger = logging.getLogger(__name__)

BatchListener = Callable[["AppliedBatch"], None]
_listeners: list[BatchListener] = []


def subscribe(listener: BatchListener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def unsubscribe(listener: BatchListener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def notify_committed(batch: AppliedBatch) -> None:
    for listener in list(_listeners):
        try:
            listener(batch)
        except Exception:
            # The edit is committed; a failing listener must not turn it into an error for
            # the writer. Clients that miss the broadcast catch up from the op log.
            logger.exception("batch listener %r failed for map %s", listener, batch.map_id)
