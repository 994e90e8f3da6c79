"""From a committed batch to the sockets: the `events` listener the app subscribes at start.

`apply_ops` calls listeners from `transaction.on_commit`, in whatever thread committed —
usually the live layer's database thread, or a REST view's. The
patch is encoded here, once, off the event loop, and handed to the loop without waiting.
"""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer

from journeymap.core.metrics import PATCHES
from journeymap.maps.services.ops import AppliedBatch

from .hub import active_hub, group_name
from .protocol import encode

logger = logging.getLogger(__name__)


def on_batch_committed(batch: AppliedBatch) -> None:
    frame = encode(batch.as_patch())
    map_id = str(batch.map_id)
    PATCHES.inc()
    hub = active_hub()
    if hub is not None:
        if hub.in_loop_thread():
            hub.publish_batch(map_id, batch.seq, frame)
            return
        try:
            # Queued ahead of the committing thread's own return to the loop, so the sender
            # sees its patch no later than its ack.
            hub.loop.call_soon_threadsafe(hub.publish_batch, map_id, batch.seq, frame)
            return
        except RuntimeError:  # the loop closed in between
            pass
    _publish_without_hub(map_id, batch.seq, frame)


def _publish_without_hub(map_id: str, seq: int, frame: str) -> None:
    """A process with no sockets (a REST worker, a management command): only the other
    processes can have listeners, and only a shared layer reaches them."""
    layer = get_channel_layer()
    if layer is None or isinstance(layer, InMemoryChannelLayer):
        return
    message = {"type": "jm.patch", "map": map_id, "seq": seq, "frame": frame, "origin": ""}
    async_to_sync(layer.group_send)(group_name(map_id), message)
