"""Prometheus metrics of the app, and the /metrics endpoint (docs/deploy.md, "Metrics").

Several server processes sit behind nginx, and a scrape reaches one of them; so with
PROMETHEUS_MULTIPROC_DIR set (the stack and the systemd units set it) every process writes
its samples to files of its own in that directory and /metrics adds them all up
(prometheus_client's multiprocess mode). Without it, /metrics shows the process's own registry.

The endpoint answers a loopback caller (directly, not through a proxy that does not say who
the client is) or a caller with `Authorization: Bearer <METRICS_TOKEN>`; anyone else gets 403.
"""

from __future__ import annotations

import functools
import glob
import hmac
import ipaddress
import os
import re
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

from .addresses import client_address

# Seconds; an op is applied in ~10 ms on PostgreSQL, an export takes seconds.
_FAST = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_SLOW = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0)

LIVE_SOCKETS = Gauge(
    "journeymap_live_sockets",
    "Map sockets open and registered for fan-out, over all live processes",
    # livesum: a process that died stops counting (its file is dropped, see _forget_dead).
    multiprocess_mode="livesum",
)
PATCHES = Counter(
    "journeymap_patches",
    "Committed op batches broadcast as one patch each (socket, REST, imports, restores)",
)
ACK_LATENCY = Histogram(
    "journeymap_ack_latency_seconds",
    "From an ops frame read off a socket to its ack handed to that socket",
    buckets=_FAST,
)
APPLY_OPS = Histogram(
    "journeymap_apply_ops_seconds",
    "Time of one apply_ops call that committed, by where it came from",
    ["source"],
    buckets=_FAST,
)
EXPORT = Histogram(
    "journeymap_export_seconds",
    "Export durations by format and outcome",
    ["format", "status"],
    buckets=_SLOW,
)
IMPORT = Histogram(
    "journeymap_import_seconds",
    "Import durations by kind (events, customers) and outcome (ok, refused, failed)",
    ["kind", "outcome"],
    buckets=_SLOW,
)

P = ParamSpec("P")
R = TypeVar("R")


def timed_import(kind: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Record an import service's duration. Outcome: `failed` when it raised something other
    than a refusal (ValueError and its kin), `refused` when it raised one or returned a record
    whose status is `failed`, else `ok`."""

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            started = time.perf_counter()
            outcome = "failed"
            try:
                result = function(*args, **kwargs)
                outcome = "refused" if getattr(result, "status", "") == "failed" else "ok"
                return result
            except ValueError:
                outcome = "refused"
                raise
            finally:
                IMPORT.labels(kind, outcome).observe(time.perf_counter() - started)

        return wrapper

    return decorate


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


_LIVE_FILE = re.compile(r"gauge_live\w*?_(\d+)\.db$")


def _forget_dead(path: str) -> None:
    """Drop the live-gauge files of processes that are gone (a worker killed or restarted:
    nothing ran its exit hook), so `livesum` counts only processes that serve."""
    for name in glob.glob(os.path.join(path, "gauge_live*_*.db")):
        match = _LIVE_FILE.search(name)
        if match is None:
            continue
        pid = int(match.group(1))
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            multiprocess.mark_process_dead(pid, path)
        except PermissionError:  # alive, under another user
            pass


def exposition() -> bytes:
    path = multiprocess_dir()
    if path is None:
        return generate_latest(REGISTRY)
    _forget_dead(path)
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=path)
    return generate_latest(registry)


def _loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def scrape_allowed(request: HttpRequest) -> bool:
    token = str(getattr(settings, "METRICS_TOKEN", "") or "")
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer "):
        return hmac.compare_digest(header[len("Bearer ") :].encode(), token.encode())
    # Behind a proxy every request comes from loopback. With NUM_PROXIES = 0 the app cannot
    # tell who the client is, so a forwarded request is never taken for a local one.
    if int(settings.NUM_PROXIES) == 0 and "HTTP_X_FORWARDED_FOR" in request.META:
        return False
    return _loopback(client_address(request))


@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not scrape_allowed(request):
        return HttpResponseForbidden(
            "metrics answer loopback, or Authorization: Bearer <METRICS_TOKEN>\n",
            content_type="text/plain; charset=utf-8",
        )
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
