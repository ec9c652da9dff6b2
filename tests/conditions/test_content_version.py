import pytest
from django.db import transaction

from conditions import content_version

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


def test_every_change_moves_the_version_on():
    before = content_version.current()
    content_version.bump()
    assert content_version.current() != before


def test_a_rolled_back_bump_is_never_repeated_by_a_later_one():
    with pytest.raises(Rollback), transaction.atomic():
        content_version.bump()
        rolled_back = content_version.current()
        raise Rollback
    content_version.bump()
    # Same count of bumps, but whatever was built under the rolled-back version must not be reused.
    assert content_version.current() != rolled_back


@pytest.mark.django_db(transaction=True)  # outside a transaction, as a request is
def test_a_request_reads_the_version_once_and_forgets_it_on_a_bump(django_assert_num_queries):
    seen = []

    def view(request):
        with django_assert_num_queries(1):
            seen.append((content_version.current(), content_version.current()))
        content_version.bump()
        seen.append(content_version.current())
        return "response"

    assert content_version.middleware(view)(None) == "response"
    (first, again), after_bump = seen
    assert first == again and after_bump != first
    # Outside a request nothing is remembered.
    assert content_version.current() == after_bump
    content_version.bump()
    assert content_version.current() != after_bump


@pytest.mark.django_db(transaction=True)
def test_a_version_read_inside_a_transaction_is_not_remembered(django_assert_num_queries):
    def view(request):
        with transaction.atomic(), django_assert_num_queries(2):
            content_version.current()
            content_version.current()  # might yet be rolled back: read again
        return "response"

    assert content_version.middleware(view)(None) == "response"


def test_concurrent_requests_in_one_process_share_a_single_rebuild(monkeypatch):
    import threading
    import time

    from conditions.content_version import PerVersion

    monkeypatch.setattr(content_version, "current", lambda: "7-x")
    building, release, builds = threading.Event(), threading.Event(), []

    def build(version):
        builds.append(version)
        building.set()
        assert release.wait(10)
        return f"made for {version}"

    made = PerVersion(build)
    try:
        answers = []
        threads = [threading.Thread(target=lambda: answers.append(made.get())) for _ in range(2)]
        threads[0].start()
        assert building.wait(10)
        threads[1].start()  # asks while the first request builds
        time.sleep(0.2)
        release.set()
        for thread in threads:
            thread.join()
        assert answers == ["made for 7-x"] * 2
        assert builds == ["7-x"]
    finally:
        release.set()
        content_version.MADE.remove(made)


def test_what_is_made_fresh_in_a_request_already_served_stale_stays_marked_stale(settings):
    from conditions.content_version import PerVersion

    settings.INDEX_BUILD_IN_BACKGROUND = True
    made = PerVersion(lambda version: f"made for {version}")
    try:
        seen = []

        def view(request):
            content_version._request.stale = True  # a shared index answered from an older one
            made.get()
            seen.append(content_version.served_stale())

        content_version.middleware(view)(None)
        assert seen == [True]  # the page cache must not keep this page under the new version
    finally:
        content_version.MADE.remove(made)
