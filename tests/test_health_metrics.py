"""GET /health/ (can this process serve?) and GET /metrics (Prometheus), in one process."""

from __future__ import annotations

import os
import uuid
from typing import Any

import pytest
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from journeymap.core import metrics

pytestmark = pytest.mark.django_db


def samples(client: Client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200, response.content
    found = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(found: dict[Any, float], name: str, **labels: str) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


def test_health_is_ok_when_database_and_cache_answer(client: Client) -> None:
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"Database": "ok", "Cache": "ok"}}
    assert "no-cache" in response["Cache-Control"]


def test_health_is_503_when_a_check_fails(client: Client, settings: Any) -> None:
    # A cache that cannot be reached: nothing listens on port 1.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    response = client.get("/health/", HTTP_ACCEPT="text/plain")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"] == {"Database": "ok", "Cache": "failed"}
    assert "127.0.0.1" not in response.content.decode()  # which check, never why


def test_metrics_answer_loopback_only_or_the_token(client: Client, settings: Any) -> None:
    assert client.get("/metrics").status_code == 200  # the test client calls from 127.0.0.1
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.7").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="::1").status_code == 200

    settings.METRICS_TOKEN = "scrape-" + uuid.uuid4().hex
    bearer = f"Bearer {settings.METRICS_TOKEN}"
    outside = {"REMOTE_ADDR": "203.0.113.7"}
    assert client.get("/metrics", HTTP_AUTHORIZATION=bearer, **outside).status_code == 200
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope", **outside)
    assert wrong.status_code == 403
    assert b"journeymap_" not in wrong.content


def test_metrics_behind_a_proxy_follow_num_proxies(client: Client, settings: Any) -> None:
    # nginx connects from loopback for everyone: without NUM_PROXIES the app cannot tell
    # who the client is, so a forwarded request is refused.
    settings.NUM_PROXIES = 0
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="127.0.0.1").status_code == 403
    settings.NUM_PROXIES = 1
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 403
    # A client cannot pass itself off as local: nginx appends the address it saw.
    spoofed = client.get("/metrics", HTTP_X_FORWARDED_FOR="127.0.0.1, 203.0.113.7")
    assert spoofed.status_code == 403
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="127.0.0.1").status_code == 200


def test_an_op_and_an_export_show_in_the_metrics(
    client: Client, client_as: Any, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    before = samples(client)
    side = world.acme
    card = {
        "action": "create",
        "entity": "card",
        "id": str(uuid.uuid4()),
        "fields": {"stage": side.stage, "lane": side.lanes["actions"], "title": "Sign up"},
    }
    owner = client_as("owner")
    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post(
            f"/api/maps/{side.map.id}/ops/",
            {"op_id": str(uuid.uuid4()), "ops": [card]},
            format="json",
        )
    assert response.status_code == 200, response.content
    assert owner.get(f"/api/maps/{side.map.id}/export.csv").status_code == 200
    refused = owner.post(f"/api/maps/{side.map.id}/ops/", {"op_id": "x", "ops": []}, "json")
    assert refused.status_code == 400

    after = samples(client)
    patches = "journeymap_patches_total"
    assert value(after, patches) == value(before, patches) + 1
    applied = "journeymap_apply_ops_seconds_count"
    assert value(after, applied, source="rest") == value(before, applied, source="rest") + 1
    exported = "journeymap_export_seconds_count"
    labels = {"format": "csv", "status": "ok"}
    assert value(after, exported, **labels) == value(before, exported, **labels) + 1


def test_an_import_records_its_outcome() -> None:
    @metrics.timed_import("test")
    def refuses() -> None:
        raise ValueError("bad row")

    @metrics.timed_import("test")
    def succeeds() -> int:
        return 3

    def count(outcome: str) -> float:
        value = metrics.REGISTRY.get_sample_value(
            "journeymap_import_seconds_count", {"kind": "test", "outcome": outcome}
        )
        return value or 0.0

    refused, ok = count("refused"), count("ok")
    with pytest.raises(ValueError, match="bad row"):
        refuses()
    assert succeeds() == 3
    assert (count("refused"), count("ok")) == (refused + 1, ok + 1)


def test_live_files_of_dead_processes_are_dropped(tmp_path: Any) -> None:
    """A worker killed with SIGKILL runs no exit hook; its open sockets must stop counting."""
    alive = tmp_path / f"gauge_livesum_{os.getpid()}.db"
    dead = tmp_path / "gauge_livesum_999999999.db"
    counter = tmp_path / "counter_999999999.db"
    for path in (alive, dead, counter):
        path.write_bytes(b"")
    metrics._forget_dead(str(tmp_path))
    assert alive.exists()
    assert not dead.exists()
    assert counter.exists()  # counters of a dead process still count towards the totals
