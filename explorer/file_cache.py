"""The cache the processes of one server share when there is no Redis: Django's file cache,
culled now and then rather than on every write.

Django's FileBasedCache lists its whole directory on every `set` to see whether it is over
MAX_ENTRIES: with thousands of pages that listing (several ms) cost more than some of the pages
it stored. Here each process culls at most once every CULL_EVERY_SECONDS, so the directory may
pass MAX_ENTRIES for that long, never by much.
"""

from __future__ import annotations

import time

from django.core.cache.backends.filebased import FileBasedCache

CULL_EVERY_SECONDS = 30.0


class SharedFileCache(FileBasedCache):
    _culled_at = float("-inf")

    def _cull(self) -> None:
        now = time.monotonic()
        if now - self._culled_at < CULL_EVERY_SECONDS:
            return
        self._culled_at = now
        super()._cull()
