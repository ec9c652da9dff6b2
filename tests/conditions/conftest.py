import pytest
from django.contrib.auth.models import Group, User


@pytest.fixture
def editor(client):
    """A member of the Editors group, logged in on `client`."""
    user = User.objects.create_user("editor", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return user
