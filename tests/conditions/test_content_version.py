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
