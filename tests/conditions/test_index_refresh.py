"""How a process brings its shared indexes up to date after an edit: in a background thread that
never holds up a stopping server, retrying a busy database, and serving the previous index when
a build fails; a child process building them claims each version it builds."""

import logging
import threading

import numpy as np
import pytest
from django.db import OperationalError

from conditions import content_version, snapshots
from conditions.content_version import PerVersion

pytestmark = pytest.mark.django_db(transaction=True)  # the refresh thread has its own connection


@pytest.fixture
def shared_index(settings, monkeypatch):
    """A shared index of this test alone, refreshed in the background, built by `build`."""
    settings.INDEX_BUILD_IN_BACKGROUND = True
    # A retry after a failed build claims again at once (the failed one gave its claim up),
    # never waiting this long for a builder that is not there.
    settings.INDEX_BUILD_WAIT_SECONDS = 60
    monkeypatch.setattr(content_version, "SHARED", [])
    monkeypatch.setattr(content_version, "MADE", [])
    monkeypatch.setattr(content_version, "REFRESH_PAUSE_SECONDS", 0)
    made = []

    def make(build):
        made.append(PerVersion(build, shared="test"))
        return made[-1]

    yield make
    for per_version in made:
        per_version.wait()


def in_a_request(per_version):
    answered = []
    content_version.middleware(
        lambda request: answered.append((per_version.get(), content_version.served_stale()))
    )(None)
    return answered[0]


def test_the_refresh_runs_in_a_daemon_thread_named_for_its_index(shared_index):
    release = threading.Event()
    first = content_version.current()
    shared = shared_index(lambda version: version == first or release.wait(10))
    shared.get()
    content_version.bump()
    shared.get()
    refresher = shared._refresher
    try:
        assert refresher.daemon  # a server stopping does not wait for a build
        assert refresher.name == "refresh test index"  # as a thread dump shows it
    finally:
        release.set()


def test_a_build_that_keeps_failing_is_logged_and_the_previous_index_serves(shared_index, caplog):
    first = content_version.current()
    attempts = []

    def build(version):
        if version == first:
            return f"built for {version}"
        attempts.append(version)
        raise OperationalError("database is locked")

    shared = shared_index(build)
    assert in_a_request(shared) == (f"built for {first}", False)
    content_version.bump()
    with caplog.at_level(logging.ERROR, logger="conditions.content_version"):
        assert in_a_request(shared) == (f"built for {first}", True)
        shared.wait()
    # Asked again a few times (the database may only be busy), then given up on, loudly.
    assert len(attempts) == content_version.REFRESH_RETRIES + 1
    assert [r.getMessage() for r in caplog.records] == [
        "The test index was not refreshed; the previous one serves"
    ]
    assert in_a_request(shared) == (f"built for {first}", True)


def test_a_busy_database_is_asked_again_and_the_new_index_comes_in(shared_index):
    first = content_version.current()
    attempts = []

    def build(version):
        if version != first:
            attempts.append(version)
            if len(attempts) < 3:
                raise OperationalError("database is locked")
        return f"built for {version}"

    shared = shared_index(build)
    shared.get()
    content_version.bump()
    shared.get()
    shared.wait()
    assert len(attempts) == 3
    assert in_a_request(shared) == (f"built for {content_version.current()}", False)


def test_a_child_building_the_indexes_claims_the_version_it_builds(monkeypatch):
    class Child:
        def __init__(self, args, **options):
            self.returncode = None

        def poll(self):
            return None

    monkeypatch.setattr(content_version.subprocess, "Popen", Child)
    monkeypatch.setattr(content_version, "_child", None)
    monkeypatch.setattr(content_version, "_child_version", "")
    names = [per_version.name for per_version in content_version.shared_indexes()]

    assert content_version._build_in_child("9-x")
    for name in names:
        assert not snapshots.claim(name, "9-x")  # nobody else builds them
        snapshots.save(name, "9-x", {"built": 9})  # what the child then stores
    for name in names:
        assert snapshots.claim(name, "10-y")  # built: the next edit's build may start


def test_the_process_that_builds_an_index_serves_it_from_the_stored_file(settings, tmp_path):
    # Its arrays then live in pages the system shares between workers, not in its own heap.
    settings.INDEX_SNAPSHOT_DIR = tmp_path
    shared = PerVersion(lambda version: {"ids": np.arange(1000, dtype=np.int64)}, shared="test")
    try:
        served = shared.get()
        assert served["ids"].tolist() == list(range(1000))
        assert not served["ids"].flags.writeable  # a view of the read-only map
    finally:
        content_version.SHARED.remove(shared)
