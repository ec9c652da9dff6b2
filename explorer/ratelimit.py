"""A per-address limit on expensive requests (a ranking, a download), shared by pages and the API.

Counts live in the default cache: the files every worker of a server shares, or Redis
(REDIS_URL), so all the servers sharing it count an address together.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

WINDOW_SECONDS = 60  # the limits are per minute


def _now() -> float:
    return time.time()  # a function, so tests can hold the clock still within one window


def client_address(request: HttpRequest) -> str:
    """The visitor's address: the connection's, or the one the trusted proxies say they saw.

    Each of TRUSTED_PROXY_COUNT proxies appends the address it was reached from to
    X-Forwarded-For, so that many entries from the right are trustworthy; anything left of them
    could be written by the visitor.
    """
    hops = settings.TRUSTED_PROXY_COUNT
    if hops > 0:
        forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= hops:
            return forwarded[-hops][:64]
    return request.META.get("REMOTE_ADDR", "")[:64]


def over_limit(request: HttpRequest, kind: str) -> int:
    """Count this request against its address's allowance for `kind`; 0 if allowed, else the
    seconds until the next one would be (for Retry-After).

    The allowance is a bucket: it holds at most EXPLORER_RATE_BURST requests (or the per-minute
    limit, if lower) and refills at the per-minute limit, spread evenly. A visitor clicking
    about spends a few and never notices; a client asking as fast as it can is held to the
    steady rate from its first second on, so it cannot take every worker at once (a fixed
    one-minute window let it spend the whole minute's allowance in its first second)."""
    per_minute = settings.EXPLORER_RATE_LIMITS.get(kind)
    if not per_minute:
        return 0
    rate = per_minute / WINDOW_SECONDS  # requests a second
    capacity = max(1, min(settings.EXPLORER_RATE_BURST, per_minute))
    now = _now()
    key = f"rate:{kind}:{client_address(request)}"
    tokens, then = cache.get(key) or (capacity, now)
    tokens = min(capacity, tokens + (now - then) * rate)
    if tokens < 1:
        # Refused: nothing spent, and the stored state still gives the same refill later, so
        # a client being refused costs one read, not a write.
        return max(1, math.ceil((1 - tokens) / rate))
    tokens -= 1
    # Kept until the bucket would be full again; read-then-write, so two processes sharing a
    # cache may both spend the same request: the limit is a little looser, never tighter.
    cache.set(key, (tokens, now), math.ceil((capacity - tokens) / rate) + 1)
    return 0


def too_many_requests(retry_after: int) -> HttpResponse:
    response = HttpResponse(
        "Too many requests from your address: wait a minute and try again.\n",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(retry_after)
    return response


def rate_limited(kind: str) -> Callable:
    """A view decorator: 429 with Retry-After once an address exceeds its limit for `kind`."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if retry_after := over_limit(request, kind):
                return too_many_requests(retry_after)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
