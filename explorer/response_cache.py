"""Public pages: cached per question until any content changes, here and by any shared proxy.

The key holds the content version, so an admin edit or an import makes every cached page stale at
once, on every app server that shares the cache. Pages carry no per-visitor state (no CSRF token,
no CSP nonce, nothing from the session), so one rendering serves everyone who asks the same
question, and a CDN may keep it too: anonymous visitors get `Cache-Control: public` with a short
`max-age` and an ETag tied to the content version, so a conditional request costs one query and
answers 304. Anyone carrying a session cookie (staff) gets pages rendered afresh, marked private.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.core.cache import cache, caches
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags, urlencode

from conditions import content_version

from .ratelimit import over_limit, too_many_requests

CACHE_SECONDS = 600
CACHEABLE_STATUSES = {200, 400}
CACHEABLE_METHODS = {"GET", "HEAD"}


def _code_fingerprint() -> str:
    """What the rendering code looks like: a deploy that changes a template or a view must not
    answer 304 for a page the old code built. Same files, same value, on every app server."""
    root = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    for folder, pattern in (("templates", "**/*.html"), ("explorer", "**/*.py")):
        for path in sorted((root / folder).glob(pattern)):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


CODE = _code_fingerprint()


def is_anonymous(request: HttpRequest) -> bool:
    """No session cookie: nobody is logged in, and the session is never read (reading it would
    add `Vary: Cookie` and make every page private to each visitor's cookies)."""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


def _shape(request: HttpRequest) -> str:
    htmx = request.htmx
    return "h" if htmx and not htmx.history_restore_request else ("r" if htmx else "f")


def _question(request: HttpRequest, params: Sequence[str]) -> str:
    """The path with only the parameters the view reads, in order: a random extra parameter
    neither misses the cache nor stores another copy."""
    kept = [(name, value) for name in params for value in request.GET.getlist(name)]
    return f"{request.path}?{urlencode(kept)}"


def _etag(version: str, shape: str) -> str:
    return f'"{version}.{CODE}.{shape}"'


def _mark_public(response: HttpResponse, etag: str | None) -> None:
    if etag is None:  # built while a newer index was still building: let nobody keep it
        patch_cache_control(response, public=True, no_cache=True)
        return
    response["ETag"] = etag
    patch_cache_control(
        response,
        public=True,
        max_age=settings.PUBLIC_CACHE_MAX_AGE,
        stale_while_revalidate=settings.PUBLIC_CACHE_STALE_WHILE_REVALIDATE,
    )


def _stored(key: str) -> tuple | None:
    """A rendered page: this process's own copy, else the one the server's processes share
    (another worker rendered it), copied here for next time."""
    local = caches["local"]
    stored = local.get(key)
    if stored is None and (stored := cache.get(key)) is not None:
        local.set(key, stored, CACHE_SECONDS)
    return stored


def forget_pages() -> None:
    """Every rendered page, in this process and shared (benchmarks time pages uncached)."""
    caches["local"].clear()
    cache.clear()


def _store(key: str, page: tuple) -> None:
    caches["local"].set(key, page, CACHE_SECONDS)
    cache.set(key, page, CACHE_SECONDS)


def cached_by_content(
    view: Callable[..., HttpResponse] | None = None,
    *,
    params: Sequence[str] = ("feature", "q", "page"),
    limit: str | None = None,
):
    """Serve `view` from the page cache, keyed by the content version and the question
    (the path and the `params` the view reads). Use as `@cached_by_content` or
    `@cached_by_content(params=())` for a page that reads no parameters. With `limit` (a kind
    of EXPLORER_RATE_LIMITS), each address may only ask so many questions nobody asked before
    per minute (429 beyond): cached answers cost nothing and stay free."""
    if view is None:
        return lambda view: cached_by_content(view, params=params, limit=limit)

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in CACHEABLE_METHODS or not is_anonymous(request):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_cache=True)
            return response
        version = content_version.current()
        shape = _shape(request)
        etag = _etag(version, shape)
        if etag in parse_etags(request.headers.get("If-None-Match", "")):
            not_modified = HttpResponseNotModified()
            _mark_public(not_modified, etag)
            return not_modified
        question = hashlib.sha256(_question(request, params).encode()).hexdigest()
        serving = content_version.serving_versions(version)
        key = f"page:{view.__name__}:{version}:{serving}:{CODE}:{shape}:{question}"
        stored = _stored(key)
        if stored is not None:
            status, content_type, content = stored
            response = HttpResponse(content, status=status, content_type=content_type)
            _mark_public(response, None if serving else etag)
            return response
        if limit and (retry_after := over_limit(request, limit)):
            return too_many_requests(retry_after)
        response = view(request, *args, **kwargs)
        if response.status_code not in CACHEABLE_STATUSES or response.streaming:
            return response
        # Only the body is kept: a response whose headers matter (HX-Push-Url) is not stored.
        stale = bool(serving) or content_version.served_stale()
        # Rendered from an older index although the key said every index was current (a
        # worker's first request after a change): kept nowhere. While an index builds, pages
        # from the previous one are kept under a key naming the versions they came from, never
        # under the current version's alone.
        if (stale and not serving) or response.has_header("HX-Push-Url"):
            _mark_public(response, None)
            return response
        _store(key, (response.status_code, response["Content-Type"], response.content))
        _mark_public(response, None if stale else etag)
        return response

    return wrapper
