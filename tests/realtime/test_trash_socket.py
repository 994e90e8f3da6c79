"""A map moved to the trash closes its open sockets like a deleted map: an error frame
`map_deleted`, then close code 4404 (docs/protocol.md), found by the live access poll."""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async

from journeymap.maps.models import JourneyMap
from journeymap.maps.services.trash import map_restore, map_trash

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("rt_layer")]


async def test_trashing_a_map_closes_its_sockets_with_map_deleted(
    rt_connect: Any, rt_owner: Any, rt_editor: Any, rt_map: JourneyMap, rt_fast_timings: None
) -> None:
    editor = await rt_connect(rt_editor)
    await editor.hello(None)
    await database_sync_to_async(map_trash)(journey_map=rt_map, actor=rt_owner, address=None)
    error = await editor.expect("error", timeout=3)
    assert error["code"] == "map_deleted"
    assert await editor.closed(timeout=2) == 4404
    # While it is in the trash, a new socket is refused; once restored, it opens again.
    assert await rt_connect(rt_editor, expect_refused=True) is None
    await database_sync_to_async(map_restore)(map_id=rt_map.id, actor=rt_owner, address=None)
    again = await rt_connect(rt_editor)
    snapshot = await again.hello(None)
    assert snapshot["type"] == "snapshot" and snapshot["map"]["id"] == str(rt_map.id)
