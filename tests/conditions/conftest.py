import pytest
from django.contrib.auth.models import User


@pytest.fixture
def editor(client, editors_group):
    """A member of the Editors group, logged in on `client`."""
    user = User.objects.create_user("editor", password="pw", is_staff=True)
    user.groups.add(editors_group)
    client.force_login(user)
    return user
