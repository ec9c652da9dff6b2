"""Cache rendered explore responses per query until any content changes.

The key holds the content version, so an admin edit or an import makes every cached page stale at
once, on every app server that shares the cache. Pages carry no per-visitor state (no CSRF token,
no CSP nonce), so one rendering serves everyone who asks the same question.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from conditions import content_version

CACHE_SECONDS = 600
CACHEABLE_STATUSES = {200, 400}


def _key(request: HttpRequest, view_name: str) -> str:
    htmx = request.htmx
    shape = f"{bool(htmx)}:{bool(htmx and htmx.history_restore_request)}"
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"page:{view_name}:{content_version.current()}:{shape}:{digest}"


def cached_by_content(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method != "GET" or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        key = _key(request, view.__name__)
        stored = cache.get(key)
        if stored is not None:
            status, content_type, content = stored
            return HttpResponse(content, status=status, content_type=content_type)
        response = view(request, *args, **kwargs)
        if response.status_code in CACHEABLE_STATUSES and not response.streaming:
            cache.set(
                key,
                (response.status_code, response["Content-Type"], response.content),
                CACHE_SECONDS,
            )
        return response

    return wrapper
