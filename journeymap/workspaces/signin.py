"""Failed sign-ins, counted per username and per client address in the cache.

The cache is Redis when REDIS_URL is set, so every server process sees the same counts; a
limit reached on one process holds on all of them. Counting failures only (not attempts)
leaves people who type their password right alone, and the per-address limit is higher than
the per-username one so a shared office address is not locked out by one person.

The client address follows NUM_PROXIES, exactly as DRF's throttles do: with 0 (the default)
it is REMOTE_ADDR and X-Forwarded-For is ignored, so a client cannot rotate it at will.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

# Re-exported: the sign-in views and the admin ask this module for it.
from journeymap.core.addresses import client_address as client_address


def _username_key(username: str) -> str:
    digest = hashlib.sha256(username.strip().casefold().encode()).hexdigest()[:40]
    return f"signin-failures:user:{digest}"


def _address_key(address: str) -> str:
    return f"signin-failures:addr:{address[:64]}"


def signin_refused(*, username: str, address: str) -> int | None:
    """Seconds to wait when either count reached its limit, else None. Asked before the
    password is checked, so a locked username cannot be probed further."""
    counts = cache.get_many([_username_key(username), _address_key(address)])
    if counts.get(_username_key(username), 0) >= settings.LOGIN_FAILURES_PER_USERNAME:
        return int(settings.LOGIN_FAILURE_WINDOW_SECONDS)
    if counts.get(_address_key(address), 0) >= settings.LOGIN_FAILURES_PER_ADDRESS:
        return int(settings.LOGIN_FAILURE_WINDOW_SECONDS)
    return None


def signin_failed(*, username: str, address: str) -> None:
    """Counts one failure for the username and one for the address. A count lives for one
    window from its first failure (a fixed window; `incr` is atomic on Redis)."""
    window = int(settings.LOGIN_FAILURE_WINDOW_SECONDS)
    for key in (_username_key(username), _address_key(address)):
        cache.add(key, 0, timeout=window)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)


def signin_succeeded(*, username: str) -> None:
    """A right password clears the username's count (not the address's)."""
    cache.delete(_username_key(username))
