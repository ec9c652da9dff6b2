"""A token that changes on every content change; caches and the match index are keyed by it.

It lives in the database (one row), so every app server reads the same value whatever cache it
uses, and a bump made inside an edit's transaction becomes visible together with the edit.
"""

import secrets
import threading
from collections.abc import Callable

from django.db import connection
from django.db.models import F

from .models import ContentVersion

# Read on every request: a raw query costs a fraction of an ORM one, and matching itself is fast.
CURRENT_SQL = f"SELECT number, stamp FROM {ContentVersion._meta.db_table} WHERE id = 1"


_request = threading.local()  # the version read once per request (see `middleware`)


def current() -> str:
    memo = getattr(_request, "version", None)
    if memo is not None:
        return memo
    with connection.cursor() as cursor:
        cursor.execute(CURRENT_SQL)
        row = cursor.fetchone()
    version = f"{row[0]}-{row[1]}" if row else "0"
    # Inside a transaction the version may yet be rolled back (or bumped): never remember it.
    if getattr(_request, "active", False) and not connection.in_atomic_block:
        _request.version = version
    return version


def middleware(get_response):
    """Read the version at most once per request: the page cache, the match index and the browse
    list each ask for it. Any bump in the request forgets it."""

    def read_once(request):
        _request.active, _request.version, _request.stale = True, None, False
        try:
            return get_response(request)
        finally:
            _request.active, _request.version, _request.stale = False, None, False

    return read_once


def served_stale() -> bool:
    """Whether this request was answered from something built for an older version (while the
    current one builds): what it rendered must not be stored under the current version."""
    return getattr(_request, "stale", False)


def bump() -> None:
    _request.version = None
    stamp = secrets.token_hex(8)
    if not ContentVersion.objects.filter(pk=1).update(number=F("number") + 1, stamp=stamp):
        ContentVersion.objects.get_or_create(pk=1, defaults={"stamp": stamp})


class PerVersion[T]:
    """One object per process, built from the content and rebuilt after any content change.

    `build(version)` makes it; concurrent requests in one process share a single rebuild.
    """

    def __init__(self, build: Callable[[str], T]):
        self._build = build
        self._lock = threading.Lock()
        self._built: tuple[str, T] | None = None

    def get(self) -> T:
        version = current()
        built = self._built
        if built is not None and built[0] == version:
            return built[1]
        with self._lock:
            if self._built is None or self._built[0] != version:
                self._built = (version, self._build(version))
            return self._built[1]
