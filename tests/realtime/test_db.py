"""The live layer's database thread keeps its connection (reconnecting per batch costs ~20 ms
on PostgreSQL) yet drops one that broke."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from journeymap.realtime.db import db

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def real_connections() -> None:
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("Django never closes an in-memory SQLite connection; run on PostgreSQL")


def raw_connection() -> Any:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return connection.connection


async def test_the_database_thread_keeps_its_connection(settings: Any) -> None:
    settings.REALTIME_CONN_MAX_AGE = 300
    try:
        first = await db(raw_connection)()
        assert await db(raw_connection)() is first
        settings.REALTIME_CONN_MAX_AGE = 0
        assert await db(raw_connection)() is not first
    finally:
        await db(lambda: connection.close())()


async def test_a_broken_connection_is_replaced(settings: Any) -> None:
    settings.REALTIME_CONN_MAX_AGE = 300

    def break_it() -> Any:
        connection.ensure_connection()
        raw = connection.connection
        raw.close()  # behind Django's back, as a database restart would
        return raw

    try:
        broken = await db(break_it)()
        assert await db(raw_connection)() is not broken
    finally:
        await db(lambda: connection.close())()
