"""A counter bumped on every content change, so caches keyed by it never serve stale results.

It lives in the cache itself, so every app server sharing the cache (Redis) sees the same value.
"""

from django.core.cache import cache

KEY = "content-version"


def current() -> int:
    version = cache.get(KEY)
    if version is None:
        cache.add(KEY, 1, timeout=None)
        version = cache.get(KEY, 1)
    return version


def bump() -> None:
    try:
        cache.incr(KEY)
    except ValueError:  # not set yet (or evicted): start a fresh series
        cache.set(KEY, 2, timeout=None)
