"""A token that changes on every content change; caches and the match index are keyed by it.

It lives in the database (one row), so every app server reads the same value whatever cache it
uses, and a bump made inside an edit's transaction becomes visible together with the edit.
"""

import logging
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import OperationalError, connection
from django.db.models import F

from .models import ContentVersion

# Read on every request: a raw query costs a fraction of an ORM one, and matching itself is fast.
CURRENT_SQL = f"SELECT number, stamp FROM {ContentVersion._meta.db_table} WHERE id = 1"


logger = logging.getLogger(__name__)

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

    A `shared` one (the match and search indexes: seconds to build) is built once per version for
    every process and app server (see `snapshots`), and visitors never wait for it: after a
    change, requests keep being answered from the previous version's object (marked stale, so
    the page cache does not keep what they render) while one background thread per process loads
    or builds the new one. A new process starts from the latest stored one the same way.

    `inputs()`, where given, is a digest of what `build` reads (a fraction of the build's cost):
    a version whose content reads the same as a stored one's (a mention edited, where the search
    index reads only names) is stored as a copy of it rather than built, and a process holding
    that one keeps it for the new version rather than loading anything.
    """

    def __init__(
        self,
        build: Callable[[str], T],
        *,
        shared: str | None = None,
        inputs: Callable[[], str] | None = None,
    ):
        self._build = build
        self._shared = shared
        self._inputs = inputs
        self._lock = threading.Lock()
        self._built: tuple[str, T] | None = None
        self._refresher: threading.Thread | None = None
        (SHARED if shared else MADE).append(self)

    def get(self) -> T:
        version = current()
        built = self._built
        if built is not None and built[0] == version:
            return built[1]
        if not self._shared:
            return self._made(version)
        background = settings.INDEX_BUILD_IN_BACKGROUND
        if background and built is None:
            with self._lock:
                if self._built is None:
                    self._built = self._start(version)
            built = self._built
        if background and built[0] != version:
            self._refresh_in_background()
            _request.stale = True
            return built[1]
        with self._lock:
            if self._built is None or self._built[0] != version:
                self._built = (version, self._obtain(version))
            return self._built[1]

    def _made(self, version: str) -> T:
        """A per-process object (made in milliseconds, often from the shared indexes: the
        condition search reads the match index's conditions). While the shared indexes still
        answer from an older version, so does the object: made again from them then, it would
        be kept for the whole of the current version with the older index's content."""
        built = self._built
        if built is not None and settings.INDEX_BUILD_IN_BACKGROUND and serving_versions(version):
            _request.stale = True
            return built[1]
        with self._lock:
            if self._built is None or self._built[0] != version:
                outer, _request.stale = served_stale(), False
                made = self._build(version)
                from_older = served_stale()  # a new process's first, made while an index refreshes
                _request.stale = outer or from_older
                self._built = (f"older than {version}" if from_older else version, made)
            return self._built[1]

    def _start(self, version: str) -> tuple[str, T]:
        """A new process's first object: the current version's if stored, else the latest
        stored one (the current one then comes in the background), else built here."""
        from . import snapshots

        found = snapshots.load(self._shared, version)
        if found is not None:
            return (version, found)
        older = snapshots.latest(self._shared)
        return older if older is not None else (version, self._obtain(version))

    def _obtain(self, version: str) -> T | None:
        """The object for `version`: stored, or built (once for all processes: whoever claims
        the build builds it, the others wait for it). In a background refresh, None if the
        content moved on while waiting (the refresh then asks for the newer version)."""
        from . import snapshots

        deadline = time.monotonic() + settings.INDEX_BUILD_WAIT_SECONDS
        refreshing = threading.current_thread() is self._refresher
        while True:
            found = self._load(version)
            if found is not None:
                return found
            if refreshing and current() != version:
                return None
            if time.monotonic() > deadline:
                break  # whoever claimed it is stuck: build it here
            if refreshing and settings.INDEX_BUILD_IN_SUBPROCESS:
                if not _build_in_child(version):
                    break  # the child could not build (other code on disk): build it here
            elif snapshots.claim(self._shared, version):
                break
            time.sleep(snapshots.POLL_SECONDS)
        with _building:
            try:
                built = self.store(version)
            except Exception:
                snapshots.release(self._shared, version)
                raise
        # Served from the stored file like every other process: its arrays then live in pages
        # the system shares between workers, and this copy's heap goes back.
        return self._load(version) or built

    def _load(self, version: str) -> T | None:
        """The stored object for `version`: the one this process holds if that was built from
        the same inputs (nothing to load), else loaded; None if not stored yet."""
        from . import snapshots

        held = self._built
        if (
            self._inputs
            and held is not None
            and snapshots.same_inputs(self._shared, version, held[0])
        ):
            return held[1]
        return snapshots.load(self._shared, version)

    def store(self, version: str) -> T | None:
        """Build the object for `version` and store it for every process, or, if a stored one
        was built from the same inputs, store a copy of that instead (then None)."""
        from . import snapshots

        inputs = self._inputs() if self._inputs else ""
        if inputs and snapshots.save_alike(self._shared, version, inputs):
            return None
        built = self._build(version)
        if inputs and self._inputs() != inputs:
            inputs = ""  # the content moved on during the build: never reuse this one
        snapshots.save(self._shared, version, built, inputs)
        return built

    def _refresh_in_background(self) -> None:
        with self._lock:
            if self._refresher is not None and self._refresher.is_alive():
                return
            self._refresher = threading.Thread(
                target=self._refresh, name=f"refresh {self._shared} index", daemon=True
            )
            self._refresher.start()

    def _refresh(self) -> None:
        failures = 0
        try:
            while (version := current()) != self._built[0]:
                try:
                    if (found := self._obtain(version)) is not None:
                        self._built = (version, found)
                except OperationalError:
                    # The database was busy (SQLite during an import) or went away: ask again
                    # shortly rather than serve the old index until the next request.
                    failures += 1
                    if failures > REFRESH_RETRIES:
                        raise
                    connection.close()
                    time.sleep(failures * REFRESH_PAUSE_SECONDS)
            if all(p._built[0] == version for p in SHARED if p._built is not None):
                # The last index in: make what the process makes from them now, in this
                # thread, rather than in the next visitor's request.
                for made in MADE:
                    made.get()
                for hook in REFRESHED:
                    hook()
        except Exception:
            logger.exception(
                "The %s index was not refreshed; the previous one serves", self._shared
            )
        finally:
            connection.close()  # this thread's own connection

    @property
    def name(self) -> str:
        return self._shared or getattr(self._build, "__name__", "object")

    def ready(self) -> bool:
        """Can answer without a multi-second build: this process holds one (of any version), or
        one is stored for it to load (see `_start`)."""
        if self._built is not None or not self._shared:
            return True
        from . import snapshots

        return snapshots.stored(self._shared)

    def build(self, version: str) -> T:
        return self._build(version)

    def held(self) -> T | None:
        """What this process holds, of whichever version (a build may reuse parts of it)."""
        return None if self._built is None else self._built[1]

    def wait(self) -> None:
        """Until any background refresh has finished (for commands and tests)."""
        refresher = self._refresher
        if refresher is not None:
            refresher.join()


SHARED: list[PerVersion] = []  # the shared ones, to load before workers fork (`preload`)
MADE: list[PerVersion] = []  # the others: made per process, often from the shared ones
# Called once this process has loaded a newer version of every shared index itself (in memory
# of its own, where a process forked after its parent loaded them shares the parent's).
REFRESHED: list[Callable[[], None]] = []
REFRESH_RETRIES = 5
REFRESH_PAUSE_SECONDS = 0.2

_building = threading.Lock()  # one build at a time in a process, here or in its child
_child: subprocess.Popen | None = None
_child_version = ""  # the content version it builds


def _build_in_child(version: str) -> bool:
    """Claim every shared index nobody builds for `version` and build them all in one child
    process (`manage.py build_indexes`): one Django start-up for all of them, the worker's
    memory stays flat, and its requests do not share an interpreter lock with the build. The
    child runs in a session of its own, so where the kernel groups CPU time by session
    (autogroup) it gets a share of its own rather than one among a saturated server's workers.
    Returns at once (the caller polls for the stored indexes): False if the last child failed,
    e.g. because a deploy changed the code on disk under this process, whose indexes the child
    would store under the new code's name."""
    from . import snapshots

    global _child, _child_version
    with _building:
        if _child is not None and _child.poll() is None:
            return True  # this process's child is still building
        if _child is not None and _child.returncode and _child_version == version:
            return False
        claimed = [p._shared for p in SHARED if snapshots.claim(p._shared, version)]
        if claimed:
            manage = Path(settings.BASE_DIR) / "manage.py"
            _child = subprocess.Popen(
                [
                    sys.executable,
                    str(manage),
                    "build_indexes",
                    "--for-version",
                    version,
                    "--code",
                    snapshots.CODE,
                    *claimed,
                ],
                stdout=subprocess.DEVNULL,
                start_new_session=True,
            )
            _child_version = version
        return True


def serving_versions(version: str) -> str:
    """Which versions this process's shared indexes would answer from: "" when all are the
    current `version`'s, else theirs. A page cache key holding it keeps pages rendered while an
    index builds (from the previous one) apart from the current version's pages, and still
    lets them be reused until the new index is in."""
    if not settings.INDEX_BUILD_IN_BACKGROUND:
        return ""  # every index is brought up to date before it answers
    # One not loaded yet is loaded by the request that needs it (then `served_stale` tells).
    built = [per_version._built[0] for per_version in SHARED if per_version._built]
    if all(b == version for b in built):
        return ""
    for per_version in SHARED:  # bring every one up to date, used by this page or not
        if per_version._built and per_version._built[0] != version:
            per_version._refresh_in_background()
    return ",".join(built)


def shared_indexes() -> list[PerVersion]:
    from . import index, search  # noqa: F401 (they define the shared indexes)

    return list(SHARED)


def catch_up() -> bool:
    """Bring this process's shared indexes to the current version where it is stored, in this
    thread, building nothing (gunicorn's master before it forks a recycled or replacement
    worker: the worker then starts current and shares what the master loaded). True if every
    one is current."""
    version = current()
    for per_version in shared_indexes():
        if per_version._built is None or per_version._built[0] != version:
            found = per_version._load(version)
            if found is not None:
                per_version._built = (version, found)
    return all(p._built is not None and p._built[0] == version for p in shared_indexes())


def preload() -> None:
    """Load every shared index in this process (a server's master before it forks workers, or
    a deploy step), so workers start with one and nothing is built on a visitor's request."""
    for per_version in shared_indexes():
        per_version.get()
        per_version.wait()
