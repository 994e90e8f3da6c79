"""Per-socket frame rates: one token bucket per kind of frame that costs the server work.

A socket that sends faster than its bucket refills gets `rate_limited` for the excess and
stays usable; nothing it sends can make the server work harder than its rate allows. The
buckets live on the socket's own receive loop, so checking one is a few float operations.
"""

from __future__ import annotations

import time

from . import conf

LIMITED_KINDS = ("hello", "ops", "presence")


class TokenBucket:
    __slots__ = ("rate", "burst", "tokens", "stamp")

    def __init__(self, *, rate: float, burst: float) -> None:
        self.rate = rate
        self.burst = max(burst, 1.0)
        self.tokens = self.burst
        self.stamp = time.monotonic()

    def take(self) -> float:
        """Spend a token: 0.0 when there was one, else the seconds until there is."""
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.rate if self.rate > 0 else float("inf")


class FrameLimits:
    """The buckets of one socket, set from the settings when it connects."""

    __slots__ = ("buckets", "told_until")

    def __init__(self) -> None:
        self.buckets: dict[str, TokenBucket] = {}
        self.told_until: dict[str, float] = {}
        for kind in LIMITED_KINDS:
            per_second, burst = conf.rate(kind)
            self.buckets[kind] = TokenBucket(rate=per_second, burst=burst)

    def wait_for(self, kind: str) -> float:
        """0.0 when a `kind` frame may go ahead now, else how long the client should wait."""
        bucket = self.buckets.get(kind)
        return 0.0 if bucket is None else bucket.take()

    def should_tell(self, kind: str, wait: float) -> bool:
        """Whether to answer a dropped `kind` frame: once per `wait`, not once per frame."""
        now = time.monotonic()
        if now < self.told_until.get(kind, 0.0):
            return False
        self.told_until[kind] = now + wait
        return True
