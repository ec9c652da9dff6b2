"""Indexes built once per content version and shared; visitors never wait for a build."""

import io
import threading

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from conditions import content_version, index, index_build, snapshots
from conditions.content_version import PerVersion
from conditions.models import IndexSnapshot
from tests.factories import ConditionFactory, FeatureFactory, MentionFactory


@pytest.fixture
def processes():
    """Make PerVersion objects standing for the same shared index in separate processes."""
    made = []

    def make(build, name="test"):
        per_version = PerVersion(build, shared=name)
        made.append(per_version)
        return per_version

    yield make
    for per_version in made:
        per_version.wait()
        content_version.SHARED.remove(per_version)


def test_a_snapshot_round_trips_and_its_arrays_are_read_from_the_mapped_file(settings, tmp_path):
    settings.INDEX_SNAPSHOT_DIR = tmp_path
    table = {"ids": np.arange(1000, dtype=np.int64), "names": ["a", "b"], "empty": np.zeros(0)}
    assert snapshots.loads(snapshots.dumps(table))["names"] == ["a", "b"]

    path = tmp_path / "x.snapshot"
    path.write_bytes(snapshots.dumps(table))
    loaded = snapshots._load_file(path)
    assert np.array_equal(loaded["ids"], table["ids"]) and loaded["names"] == ["a", "b"]
    assert not loaded["ids"].flags.writeable  # a view of the shared, read-only map


@pytest.mark.django_db
def test_an_edit_is_seen_by_a_second_process_which_never_builds_what_the_first_built(processes):
    builds = []

    def build(version):
        builds.append(version)
        return index_build.build_match_index(version)

    first, second = processes(build), processes(build)
    purpura = FeatureFactory(name="Purpura", slug="purpura")
    MentionFactory(condition=ConditionFactory(name="MGUS"), feature=purpura)

    built = first.get()
    assert second.get().features.keys() == built.features.keys()
    assert len(builds) == 1  # the second process loaded the stored one

    rash = FeatureFactory(name="Rash", slug="rash")  # an edit: the version moves on
    MentionFactory(condition=ConditionFactory(name="Measles"), feature=rash)

    assert rash.pk in second.get().features
    assert rash.pk in first.get().features
    assert len(builds) == 2  # built once for the new version, by whichever process came first
    assert IndexSnapshot.objects.filter(name="test", data__isnull=False).count() == 2


@pytest.mark.django_db
def test_a_claimed_build_is_not_claimed_twice_unless_abandoned():
    assert snapshots.claim("test", "7-x")
    assert not snapshots.claim("test", "7-x")
    IndexSnapshot.objects.filter(name="test").update(claimed_at="2000-01-01T00:00Z")
    assert snapshots.claim("test", "7-x")  # the builder died: someone else takes it over


@pytest.mark.django_db(transaction=True)
def test_the_old_index_serves_while_a_new_one_builds(settings, processes):
    settings.INDEX_BUILD_IN_BACKGROUND = True
    release = threading.Event()
    first_version = content_version.current()

    def build(version):
        if version != first_version:
            assert release.wait(10)
        return f"built for {version}"

    shared = processes(build)
    assert shared.get() == f"built for {first_version}"

    content_version.bump()  # an edit
    new_version = content_version.current()
    answered = []
    content_version.middleware(
        lambda request: answered.append((shared.get(), content_version.served_stale()))
    )(None)
    assert answered == [(f"built for {first_version}", True)]  # at once, from the old index

    release.set()
    shared.wait()
    assert shared.get() == f"built for {new_version}"
    assert not content_version.served_stale()


@pytest.mark.django_db(transaction=True)
def test_the_page_cache_never_keeps_a_page_built_from_an_older_index(client, settings, monkeypatch):
    settings.INDEX_BUILD_IN_BACKGROUND = True
    purpura = FeatureFactory(name="Purpura", slug="purpura")
    condition = ConditionFactory(name="MGUS")
    MentionFactory(condition=condition, feature=purpura)
    index.current_index()  # whatever an earlier test left refreshes in the background
    index._current.wait()
    assert "MGUS" in client.get("/?feature=purpura").content.decode()
    # Each refresh has its own connection to the in-memory test database, where a write meets
    # another connection's at once ("table is locked", no busy wait): let no refresh run
    # while this test edits.
    for shared in content_version.SHARED:
        shared.wait()

    release = threading.Event()
    real_build = index._current._build
    monkeypatch.setattr(
        index._current, "_build", lambda version: release.wait(10) and real_build(version)
    )
    condition.name = "Monoclonal gammopathy"
    condition.save()

    stale = client.get("/?feature=purpura")
    assert "MGUS" in stale.content.decode()  # answered from the old index, without waiting
    assert "no-cache" in stale.headers["Cache-Control"] and "ETag" not in stale.headers

    again = client.get("/?feature=purpura")  # kept apart while the index builds, and reused
    assert "MGUS" in again.content.decode() and "ETag" not in again.headers

    release.set()  # the match and search refreshes then build one after the other
    for shared in content_version.SHARED:
        shared.wait()
    fresh = client.get("/?feature=purpura")
    assert "Monoclonal gammopathy" in fresh.content.decode()
    assert "MGUS" not in fresh.content.decode()
    assert fresh.headers["ETag"]


@pytest.mark.django_db
def test_the_build_command_stores_every_shared_index_for_the_current_version():
    FeatureFactory(name="Purpura", slug="purpura")
    call_command("build_indexes", stdout=io.StringIO())
    version = content_version.current()
    stored = IndexSnapshot.objects.filter(version=snapshots._key(version), data__isnull=False)
    assert set(stored.values_list("name", flat=True)) == {"match", "search"}
    assert "purpura" in snapshots.load("match", version).tickable


@pytest.mark.django_db
def test_while_one_version_builds_no_other_build_of_that_index_starts():
    assert snapshots.claim("test", "7-x")
    assert not snapshots.claim("test", "8-y")  # a burst of edits: one build at a time
    snapshots.save("test", "7-x", {"built": 7})
    assert snapshots.claim("test", "8-y")
    assert snapshots.claim("other", "9-z")  # another index builds beside it


@pytest.mark.django_db
def test_the_build_command_stores_under_the_version_it_was_claimed_for():
    FeatureFactory(name="Purpura", slug="purpura")
    call_command("build_indexes", "match", for_version="7-claimed", stdout=io.StringIO())
    assert "purpura" in snapshots.load("match", "7-claimed").tickable
    assert snapshots.load("search", "7-claimed") is None  # only the index it was asked for

    with pytest.raises(CommandError, match="code on disk changed"):
        call_command(
            "build_indexes", "match", for_version="8-x", code="other", stdout=io.StringIO()
        )
    assert snapshots.load("match", "8-x") is None


@pytest.mark.django_db
def test_one_child_process_builds_every_index_nobody_else_builds(monkeypatch):
    started = []

    class Child:
        def __init__(self, args, **options):
            started.append(args[args.index("build_indexes") + 1 :])
            self.done = self.returncode = None

        def poll(self):
            self.returncode = self.done
            return self.done

    monkeypatch.setattr(content_version.subprocess, "Popen", Child)
    monkeypatch.setattr(content_version, "_child", None)
    monkeypatch.setattr(content_version, "_child_version", "")
    names = [per_version.name for per_version in content_version.shared_indexes()]
    assert snapshots.claim("search", "9-x")  # another process builds this one

    content_version._build_in_child("9-x")
    content_version._build_in_child("9-x")  # still building: no second child

    others = [n for n in names if n != "search"]
    assert started == [["--for-version", "9-x", "--code", snapshots.CODE, *others]]
    content_version._child.done = 0
    assert content_version._build_in_child("9-x")  # done: everything was claimed, none starts
    assert len(started) == 1

    content_version._child.done = 1  # failed (a deploy changed the code on disk under it)
    assert not content_version._build_in_child("9-x")  # the caller builds it itself


@pytest.mark.django_db
def test_catching_up_loads_the_stored_current_index_and_builds_nothing(processes):
    builds = []

    def build(version):
        builds.append(version)
        return f"built for {version}"

    forked_from = processes(build)  # gunicorn's master: it loaded an index, then content changed
    forked_from.get()
    content_version.bump()
    assert not content_version.catch_up()  # nothing stored for the new version: nothing built
    assert forked_from._built[1] == f"built for {builds[0]}" and len(builds) == 1

    another = processes(build)  # a worker elsewhere builds and stores the new version's index
    another.get()
    call_command("build_indexes", "match", "search", stdout=io.StringIO())  # and the real ones
    assert content_version.catch_up()
    assert forked_from._built == (content_version.current(), f"built for {builds[1]}")
    assert len(builds) == 2


@pytest.mark.django_db(transaction=True)
def test_what_a_process_makes_from_a_refreshing_index_moves_on_with_it(settings, monkeypatch):
    settings.INDEX_BUILD_IN_BACKGROUND = True
    monkeypatch.setattr(content_version, "SHARED", [])  # only this test's index refreshes
    monkeypatch.setattr(content_version, "MADE", [])
    refreshed = []  # gunicorn.conf.py hands such a worker over to one forked from the master
    monkeypatch.setattr(content_version, "REFRESHED", [lambda: refreshed.append(True)])
    release = threading.Event()
    first_version = content_version.current()

    def build(version):
        if version != first_version:
            assert release.wait(10)
        return f"index {version}"

    shared = PerVersion(build, shared="test")
    made = PerVersion(lambda version: f"made from {shared.get()}")  # like the condition search

    def in_a_request():
        answered = []
        content_version.middleware(
            lambda request: answered.append((made.get(), content_version.served_stale()))
        )(None)
        return answered[0]

    assert in_a_request() == (f"made from index {first_version}", False)
    content_version.bump()
    assert in_a_request() == (f"made from index {first_version}", True)  # while it builds
    release.set()
    shared.wait()
    new_version = content_version.current()
    # Made again by the refresh once the index was in, not by the next visitor's request.
    assert made._built == (new_version, f"made from index {new_version}")
    assert refreshed == [True]  # told once, when everything was in
    assert in_a_request() == (f"made from index {new_version}", False)
