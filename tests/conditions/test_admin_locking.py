"""Optimistic locking (issue #10): a save based on an old version is refused, nothing is lost."""

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from conditions.models import Condition, Mention
from tests.admin_forms import posted_form
from tests.factories import (
    BodySystemFactory,
    ConditionFactory,
    CrossReferenceFactory,
    FeatureFactory,
    MentionFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def session(name: str, editors: Group) -> Client:
    user = User.objects.create_user(name, password="pw", is_staff=True)
    user.groups.add(editors)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice(editors_group):
    return session("alice", editors_group)


@pytest.fixture
def bob(editors_group):
    return session("bob", editors_group)


def test_the_second_of_two_editors_is_refused_and_nothing_is_overwritten(alice, bob):
    condition = ConditionFactory(name="POEMS syndrome", summary="Old summary.")
    url = f"/admin/conditions/condition/{condition.pk}/change/"
    alices_form, bobs_form = posted_form(alice, url), posted_form(bob, url)

    alices_form["summary"] = "Alice's summary."
    assert alice.post(url, alices_form).status_code == 302
    bobs_form["summary"] = "Bob's summary."
    bobs_form["description"] = "Bob's long text."
    refused = bob.post(url, bobs_form)

    assert refused.status_code == 200
    html = refused.content.decode()
    assert "alice saved this page" in html and "Nothing was saved." in html
    assert "now “Alice&#x27;s summary.” (was “Old summary.”)" in html
    condition.refresh_from_db()
    assert condition.summary == "Alice's summary."
    assert condition.description == ""
    # Bob's edits are still in the form he sees.
    assert refused.context["adminform"].form["summary"].value() == "Bob's summary."

    # Having seen what changed, Bob may save again on purpose.
    again = refused.context["adminform"].form["seen_version"].value()
    bobs_form["seen_version"] = again
    assert bob.post(url, bobs_form).status_code == 302
    condition.refresh_from_db()
    assert condition.summary == "Bob's summary."


def test_an_inline_change_makes_the_condition_page_stale(alice, bob):
    condition = ConditionFactory()
    CrossReferenceFactory(condition=condition, scheme="ORPHA", code="2905")
    url = f"/admin/conditions/condition/{condition.pk}/change/"
    alices_form, bobs_form = posted_form(alice, url), posted_form(bob, url)

    alices_form["xrefs-0-code"] = "2906"
    assert alice.post(url, alices_form).status_code == 302
    refused = bob.post(url, bobs_form)

    assert refused.status_code == 200
    assert "codes, links or synonyms" in refused.content.decode()
    assert condition.xrefs.get().code == "2906"


def test_a_stale_mention_save_is_refused(alice, bob):
    mention = MentionFactory(frequent=True, note="")
    url = f"/admin/conditions/mention/{mention.pk}/change/"
    alices_form, bobs_form = posted_form(alice, url), posted_form(bob, url)

    alices_form["note"] = "Alice's note."
    assert alice.post(url, alices_form).status_code == 302
    bobs_form.update({"frequency_kind": "percent", "frequency_category": "", "percent": "40"})
    refused = bob.post(url, bobs_form)

    assert refused.status_code == 200
    mention.refresh_from_db()
    assert mention.note == "Alice's note." and mention.frequency_category == "frequent"


@pytest.mark.parametrize(
    ("factory", "path", "field", "value"),
    [
        (lambda: FeatureFactory(name="Purpura"), "feature", "plain_name", "bruise-like spots"),
        (lambda: SourceFactory(), "source", "publisher", "Orphanet"),
        (lambda: BodySystemFactory(name="Skin"), "bodysystem", "plain_name", "Skin and hair"),
    ],
)
def test_every_curated_page_refuses_a_stale_save(alice, bob, factory, path, field, value):
    obj = factory()
    url = f"/admin/conditions/{path}/{obj.pk}/change/"
    alices_form, bobs_form = posted_form(alice, url), posted_form(bob, url)
    alices_form[field] = value
    assert alice.post(url, alices_form).status_code == 302

    bobs_form[field] = "something else"
    refused = bob.post(url, bobs_form)

    assert refused.status_code == 200
    obj.refresh_from_db()
    assert getattr(obj, field) == value


def test_an_unchanged_page_saves_twice_in_a_row(alice):
    condition = ConditionFactory()
    url = f"/admin/conditions/condition/{condition.pk}/change/"
    assert alice.post(url, posted_form(alice, url)).status_code == 302
    assert alice.post(url, posted_form(alice, url)).status_code == 302
    assert Condition.objects.count() == 1 and Mention.objects.count() == 0
