"""Concurrent writers on one map: seq stays gapless and every batch is logged once."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest
from django.db import connection

from journeymap.maps.models import JourneyMap, MapOp, Stage
from journeymap.maps.services.ops import apply_ops

from ..conftest import needs_postgres

WRITERS = 8
BATCHES_EACH = 6


@pytest.mark.django_db(transaction=True)
def test_seq_is_gapless_under_concurrent_writers(world: Any) -> None:
    needs_postgres()
    map_id = world.acme.map.id
    start = JourneyMap.objects.get(pk=map_id).seq
    errors: list[BaseException] = []
    seqs: list[int] = []
    barrier = threading.Barrier(WRITERS)
    lock = threading.Lock()

    def writer(n: int) -> None:
        try:
            barrier.wait()
            for b in range(BATCHES_EACH):
                applied = apply_ops(
                    map_id=map_id,
                    actor=world.editor if n % 2 else world.owner,
                    op_id=uuid.uuid4(),
                    ops=[{"action": "create", "entity": "stage", "fields": {"name": f"w{n}b{b}"}}],
                )
                with lock:
                    seqs.append(applied.seq)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    total = WRITERS * BATCHES_EACH
    assert sorted(seqs) == list(range(start + 1, start + total + 1))
    logged = list(MapOp.objects.filter(map_id=map_id).order_by("seq").values_list("seq", flat=True))
    assert logged == list(range(1, start + total + 1))
    assert JourneyMap.objects.get(pk=map_id).seq == start + total
    assert Stage.objects.filter(map_id=map_id).count() == total + 1


@pytest.mark.django_db(transaction=True)
def test_the_same_op_id_sent_twice_at_once_applies_once(world: Any) -> None:
    needs_postgres()
    op_id = uuid.uuid4()
    results: list[Any] = []
    barrier = threading.Barrier(2)

    def send() -> None:
        try:
            barrier.wait()
            results.append(
                apply_ops(
                    map_id=world.acme.map.id,
                    actor=world.editor,
                    op_id=op_id,
                    ops=[{"action": "create", "entity": "stage", "fields": {"name": "twice"}}],
                )
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 2 and results[0].seq == results[1].seq
    assert sorted(r.duplicate for r in results) == [False, True]
    assert Stage.objects.filter(map=world.acme.map, name="twice").count() == 1
