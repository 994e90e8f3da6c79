"""The handshake's Origin against WS_ALLOWED_ORIGINS, and the protocol version in `hello`."""

from __future__ import annotations

import pytest

from journeymap.realtime import client as python_client
from journeymap.realtime.auth import origin_allowed
from journeymap.realtime.protocol import PROTOCOL_VERSION
from tests.realtime.rt_helpers import card_op

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("rt_layer")]


async def test_only_the_listed_origins_may_connect(rt_connect, rt_owner, settings):
    settings.WS_ALLOWED_ORIGINS = ["http://127.0.0.1:8000", "https://maps.example.com"]
    for allowed in (
        b"http://127.0.0.1:8000",
        b"https://maps.example.com",
        b"HTTPS://Maps.Example.com:443",
    ):
        await rt_connect(rt_owner, origin=allowed)
    refused = [
        b"https://127.0.0.1:8000",  # scheme
        b"http://127.0.0.1:8001",  # port
        b"http://localhost:8000",  # host
        b"http://maps.example.com",  # scheme (and so port)
        b"https://maps.example.com.evil.example",
        b"null",
    ]
    for origin in refused:
        await rt_connect(rt_owner, origin=origin, expect_refused=True)
    await rt_connect(rt_owner, origin=None, expect_refused=True)


def test_unset_origins_fall_back_by_debug(settings):
    settings.WS_ALLOWED_ORIGINS = []
    settings.ALLOWED_HOSTS = ["maps.example.com"]  # names hosts, not origins: not used
    settings.CSRF_TRUSTED_ORIGINS = ["https://maps.example.com", "https://*.example.org"]
    settings.DEBUG = True
    for local in ("http://localhost:5173", "http://127.0.0.1:8000", "https://[::1]:9"):
        assert origin_allowed(local)
    assert not origin_allowed("https://maps.example.com")
    settings.DEBUG = False
    assert not origin_allowed("http://localhost:5173")
    assert origin_allowed("https://maps.example.com")
    assert not origin_allowed("http://maps.example.com")
    assert not origin_allowed("https://maps.example.com:8443")
    assert origin_allowed("https://team.example.org")
    assert not origin_allowed("https://example.org.evil.example")


# --- protocol version -------------------------------------------------------------------------


@pytest.mark.parametrize("hello", [{"last_seq": None}, {"last_seq": 3, "protocol": 1}])
async def test_an_older_client_is_told_to_reload(rt_connect, rt_editor, hello):
    sock = await rt_connect(rt_editor)
    await sock.send({"type": "hello", **hello})
    error = await sock.expect("error")
    assert error["code"] == "reload_required" and error["detail"]
    assert error["protocol"] == PROTOCOL_VERSION == 2
    assert await sock.closed() == 4426


async def test_snapshot_and_catchup_carry_the_protocol(rt_connect, rt_editor, rt_board):
    sock = await rt_connect(rt_editor)
    assert (await sock.hello(None))["protocol"] == PROTOCOL_VERSION
    await sock.ops([card_op(rt_board)])
    catchup = await sock.hello(0)
    assert catchup["type"] == "catchup" and catchup["protocol"] == PROTOCOL_VERSION


async def test_a_non_integer_protocol_is_a_bad_frame(rt_connect, rt_editor):
    sock = await rt_connect(rt_editor)
    await sock.send({"type": "hello", "last_seq": None, "protocol": "2"})
    assert (await sock.expect("error"))["code"] == "bad_frame"
    assert (await sock.hello(None))["type"] == "snapshot"


def test_the_python_client_speaks_the_servers_version():
    assert python_client.PROTOCOL_VERSION == PROTOCOL_VERSION
