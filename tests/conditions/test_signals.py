"""Every kind of edit moves the content version on (the page cache and the indexes are keyed by
it, so a stale page is never served after an edit), and parent links keep the closure in step."""

import threading

import pytest
from django.db import connection

from conditions import content_version
from conditions.models import FeatureClosure, MentionSource
from conditions.signals import derived_data_deferred
from tests.factories import (
    BodySystemFactory,
    ConditionFactory,
    ConditionLinkFactory,
    CrossReferenceFactory,
    FeatureFactory,
    MentionFactory,
    SourceFactory,
    SynonymFactory,
)

pytestmark = pytest.mark.django_db


def _rename(obj, field="name"):
    setattr(obj, field, f"{getattr(obj, field)} (edited)")
    obj.save()


def _set_percent(citation, percent):
    citation.frequency_kind, citation.percent = MentionSource.FrequencyKind.PERCENT, percent
    citation.save()


EDITS = {
    "body system renamed": (BodySystemFactory, _rename),
    "condition renamed": (ConditionFactory, _rename),
    "condition deleted": (ConditionFactory, lambda c: c.delete()),
    "link added": (ConditionFactory, lambda c: ConditionLinkFactory(from_condition=c)),
    "link deleted": (ConditionLinkFactory, lambda link: link.delete()),
    "code changed": (CrossReferenceFactory, lambda x: _rename(x, "code")),
    "code deleted": (CrossReferenceFactory, lambda x: x.delete()),
    "feature renamed": (FeatureFactory, _rename),
    "feature deleted": (FeatureFactory, lambda f: f.delete()),
    "mention's note edited": (MentionFactory, lambda m: _rename(m, "note")),
    "mention deleted": (MentionFactory, lambda m: m.delete()),
    "source retitled": (SourceFactory, lambda s: _rename(s, "title")),
    "source deleted": (SourceFactory, lambda s: s.delete()),
    "synonym edited": (SynonymFactory, lambda s: _rename(s, "text")),
    "synonym deleted": (SynonymFactory, lambda s: s.delete()),
    "source cited": (MentionFactory, lambda m: m.sources.add(SourceFactory())),
    "citation removed": (MentionFactory, lambda m: m.sources.clear()),
    "a source's own figure edited": (
        MentionFactory,
        lambda m: _set_percent(MentionSource.objects.get(mention=m), 40),
    ),
    "a citation deleted": (
        MentionFactory,
        lambda m: MentionSource.objects.filter(mention=m)[0].delete(),
    ),
    "parent added": (FeatureFactory, lambda f: f.parents.add(FeatureFactory())),
}


@pytest.mark.parametrize("edit", EDITS)
def test_every_kind_of_edit_moves_the_content_version_on(edit):
    make, change = EDITS[edit]
    obj = make()
    before = content_version.current()
    change(obj)
    assert content_version.current() != before


@pytest.mark.django_db(transaction=True)  # the thread's own connection sees what it wrote
def test_an_edit_in_a_thread_that_never_deferred_anything_moves_the_version_on():
    # Each of a server's threads starts with nothing deferred (gunicorn threads, runserver).
    before = content_version.current()
    failed = []

    def edit():
        try:
            ConditionFactory()
        except Exception as error:  # pragma: no cover (what the test reports)
            failed.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=edit)
    thread.start()
    thread.join()
    assert not failed
    assert content_version.current() != before


def test_edits_inside_a_deferred_block_move_the_version_once_at_the_end():
    feature = FeatureFactory()
    before = content_version.current()
    with derived_data_deferred():
        _rename(feature)
        ConditionFactory()
        during = content_version.current()
    assert during == before
    assert content_version.current() != before


def closure_of(feature):
    return set(FeatureClosure.objects.filter(descendant=feature).values_list("ancestor", flat=True))


def test_adding_and_removing_a_parent_keeps_the_closure_in_step_on_either_side():
    top, middle, leaf = FeatureFactory(), FeatureFactory(), FeatureFactory()
    leaf.parents.add(middle)
    top.children.add(middle)  # from the parent's side
    assert closure_of(leaf) == {leaf.pk, middle.pk, top.pk}
    middle.parents.remove(top)
    assert closure_of(leaf) == {leaf.pk, middle.pk}
    middle.parents.add(top)
    top.children.clear()  # the parent loses every child: each child's closure follows
    assert closure_of(leaf) == {leaf.pk, middle.pk}
    assert closure_of(middle) == {middle.pk}
    leaf.parents.clear()
    assert closure_of(leaf) == {leaf.pk}


def test_a_new_feature_is_its_own_ancestor_and_a_deferred_block_builds_the_closure_after():
    feature = FeatureFactory()
    assert closure_of(feature) == {feature.pk}
    with derived_data_deferred():
        parent = FeatureFactory()
        child = FeatureFactory()
        child.parents.add(parent)
        assert closure_of(child) == set()
    assert closure_of(child) == {child.pk, parent.pk}
