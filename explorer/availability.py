"""Graceful failure and health checks for load balancers.

While the database cannot be reached, every page answers 503 with `Retry-After`, rendered in the
site's layout from the template alone (no context processors, nothing read from the database),
and the log gets one line per kind of failure per `DATABASE_DOWN_LOG_SECONDS`, saying how many
requests it answered since, instead of a traceback per request. Nothing is kept between requests
but that log memo: once the database answers again, so do the pages.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger("explorer.availability")

# What a database that is down, restarting or unreachable raises (connection refused, server
# closed the connection, too many clients, SQLite locked or unreadable).
UNAVAILABLE = (OperationalError, InterfaceError)


class QuietLog:
    """One log line per kind of failure per `seconds`, with a count of the ones left unsaid."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._lock = threading.Lock()
        self._said: dict[str, float] = {}
        self._unsaid: Counter[str] = Counter()

    def report(self, kind: str, detail: str) -> None:
        now = time.monotonic()
        with self._lock:
            said = self._said.get(kind)
            if said is not None and now - said < self.seconds:
                self._unsaid[kind] += 1
                return
            self._said[kind] = now
            unsaid = self._unsaid.pop(kind, 0)
        since = f"; {unsaid} more since the last line" if unsaid else ""
        logger.error("Database unavailable, answering 503 (%s: %s%s)", kind, detail, since)


quiet_log = QuietLog(settings.DATABASE_DOWN_LOG_SECONDS)


def describe(error: BaseException) -> tuple[str, str]:
    """(kind, one-line detail) of a database error: its class and the first line it says."""
    lines = str(error).strip().splitlines()
    return type(error).__name__, (lines[0] if lines else "no detail")[:200]


def unavailable_response(request: HttpRequest) -> HttpResponse:
    html = loader.render_to_string(
        "503.html", {"request": request, "retry_after": settings.DATABASE_RETRY_AFTER}
    )
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(settings.DATABASE_RETRY_AFTER)
    add_never_cache_headers(response)
    # Said once by the quiet log: keep Django's request logger from a line per request.
    response._has_been_logged = True
    return response


class DatabaseUnavailableMiddleware:
    """Turn "the database cannot be reached" into a 503 page and one quiet log line."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        except UNAVAILABLE as error:  # from a middleware inside this one
            return self._unavailable(request, error)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, UNAVAILABLE):
            return self._unavailable(request, exception)
        return None

    def _unavailable(self, request: HttpRequest, error: BaseException) -> HttpResponse:
        quiet_log.report(*describe(error))
        return unavailable_response(request)


def database_ready() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return False, ": ".join(describe(error))
    return True, "ok"


def indexes_ready() -> tuple[bool, str]:
    """The match and search indexes can answer without a multi-second build: this process holds
    them, or a built one is stored for it to load."""
    from conditions import content_version, index, search  # noqa: F401 (they define the indexes)

    missing = [
        per_version.name for per_version in content_version.SHARED if not per_version.ready()
    ]
    return (False, f"not built yet: {', '.join(missing)}") if missing else (True, "ok")


@require_safe
@never_cache
def live(request: HttpRequest) -> JsonResponse:
    """The process answers (no database touched): for restarting a hung server."""
    return JsonResponse({"status": "ok"})


@require_safe
@never_cache
def ready(request: HttpRequest) -> JsonResponse:
    """The process can serve visitors: the database answers and the indexes are there."""
    database, database_detail = database_ready()
    indexes, indexes_detail = indexes_ready() if database else (False, "database unavailable")
    ok = database and indexes
    response = JsonResponse(
        {
            "status": "ready" if ok else "unavailable",
            "database": database_detail,
            "indexes": indexes_detail,
        },
        status=200 if ok else 503,
    )
    if not ok:
        response["Retry-After"] = str(settings.DATABASE_RETRY_AFTER)
        response._has_been_logged = True  # probed every few seconds: the body says why
    return response
