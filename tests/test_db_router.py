from django.contrib.auth.models import User
from django.contrib.sessions.models import Session

from conditions.models import Condition, ContentVersion, Mention
from explorer.db_router import ReplicaRouter

router = ReplicaRouter()


def test_public_content_is_read_from_the_replica():
    assert router.db_for_read(Condition) == "replica"
    assert router.db_for_read(Mention) == "replica"


def test_writes_staff_data_and_the_content_version_stay_on_the_primary():
    assert router.db_for_write(Condition) == "default"
    assert router.db_for_read(User) == "default"
    assert router.db_for_read(Session) == "default"
    assert router.db_for_read(ContentVersion) == "default"
    assert router.allow_migrate("replica", "conditions") is False
    assert router.allow_migrate("default", "conditions") is True
