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
