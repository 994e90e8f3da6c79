"""The client's address as the app sees it, behind any number of trusted proxies.

NUM_PROXIES = 0 (the default): REMOTE_ADDR, and X-Forwarded-For is ignored, so a client
cannot choose the address it is counted or recorded under. NUM_PROXIES = N: the Nth address
from the right of X-Forwarded-For, the one the outermost trusted proxy saw (nginx appends
$remote_addr, so with nginx alone N = 1). The same rule as DRF's throttles use.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    remote = str(request.META.get("REMOTE_ADDR", ""))
    proxies = int(settings.NUM_PROXIES)
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
            if part.strip()
        ]
        if forwarded:
            return forwarded[-min(proxies, len(forwarded))]
    return remote
