"""An edit rebuilds only what reads what it changed: a mention edit leaves the search index and
the condition search's word index alone, and what they answer is what a fresh build answers."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conditions import content_version, search, snapshots
from conditions.content_version import PerVersion
from conditions.models import Condition, IndexSnapshot
from tests.factories import ConditionFactory, FeatureFactory, MentionFactory, SynonymFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def search_processes():
    """PerVersion objects standing for the shared search index in separate processes; counts
    the builds."""
    made, builds = [], []

    def build(version):
        builds.append(version)
        return search.SearchIndex.build(version)

    def make():
        per_version = PerVersion(build, shared="test-search", inputs=search.search_inputs)
        made.append(per_version)
        return per_version

    yield make, builds
    for per_version in made:
        content_version.SHARED.remove(per_version)


def entries(found: search.SearchIndex) -> list:
    return list(found.entries)


def test_a_mention_edit_leaves_the_search_index_alone_but_shows_in_results(
    search_processes, client
):
    make, builds = search_processes
    first, second = make(), make()
    purpura = FeatureFactory(name="Purpura", slug="purpura")
    mention = MentionFactory(condition=ConditionFactory(name="MGUS", slug="mgus"), feature=purpura)
    held = first.get()
    assert second.get() is not held and len(builds) == 1  # the second loaded the stored one
    assert "/conditions/mgus/" in client.get("/?feature=purpura").content.decode()

    mention.is_absent = True
    mention.save()

    assert first.get() is held  # the same object, kept for the new version: nothing loaded
    assert second.get() is not held and len(builds) == 1  # nothing built either
    version = content_version.current()
    stored = IndexSnapshot.objects.get(name="test-search", version=snapshots._key(version))
    assert stored.inputs == search.search_inputs()
    assert entries(snapshots.loads(bytes(stored.data))) == entries(held)
    assert "/conditions/mgus/" not in client.get("/?feature=purpura").content.decode()


def test_a_name_or_synonym_edit_builds_the_search_index_again(search_processes):
    make, builds = search_processes
    first = make()
    purpura = FeatureFactory(name="Purpura", slug="purpura")
    held = first.get()

    SynonymFactory(feature=purpura, text="Bruising")
    rebuilt = first.get()
    assert rebuilt is not held and len(builds) == 2
    assert "bruising" in [entry.norm for entry in rebuilt.entries]

    purpura.plain_name = "purple spots"
    purpura.save()
    assert "purple spots" in [entry.norm for entry in first.get().entries]
    assert len(builds) == 3


def test_the_build_command_stores_a_copy_when_nothing_the_search_reads_changed():
    purpura = FeatureFactory(name="Purpura", slug="purpura")
    call_command("build_indexes", "search", stdout=io.StringIO())
    before = content_version.current()
    MentionFactory(feature=purpura)
    call_command("build_indexes", "search", stdout=io.StringIO())
    after = content_version.current()
    assert after != before
    assert snapshots.same_inputs("search", after, before)
    assert entries(snapshots.load("search", after)) == entries(snapshots.load("search", before))


def test_an_index_whose_content_moved_on_during_its_build_is_never_copied(monkeypatch):
    FeatureFactory(name="Purpura", slug="purpura")
    digests = iter(["one", "two"])  # the content read before the build and after it differ
    per_version = PerVersion(
        search.SearchIndex.build, shared="test-search", inputs=lambda: next(digests)
    )
    try:
        per_version.store("7-x")
    finally:
        content_version.SHARED.remove(per_version)
    assert IndexSnapshot.objects.get(name="test-search").inputs == ""
    assert not snapshots.save_alike("test-search", "8-y", "one")


def condition_search_answers(found: search.ConditionIndex) -> tuple:
    return (
        found.entries,
        found.words.words,
        found.words.holders.tolist(),
        found.owners.tolist(),
        [found.match(pk, text) for pk, text in found.entries],
    )


EDITS = st.lists(
    st.sampled_from(["mention", "summary", "rename", "alias", "unpublish", "new"]),
    min_size=1,
    max_size=4,
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edits=EDITS)
def test_the_condition_search_made_from_the_previous_one_equals_a_fresh_one(edits):
    with transaction.atomic():  # each example starts from an empty database
        made, previous, fresh = condition_searches_after(edits)
        transaction.set_rollback(True)
    assert condition_search_answers(made) == condition_search_answers(fresh)
    if edits in (["mention"], ["summary"]):
        assert made.words is previous.words  # nothing it searches changed: not made again


def condition_searches_after(edits: list[str]) -> tuple:
    """The condition search made from the one before `edits`, that one, and a fresh one."""
    purpura = FeatureFactory()
    conditions = [ConditionFactory(name=f"Myeloma type {n}") for n in range(3)]
    mentions = [MentionFactory(condition=c, feature=purpura) for c in conditions]
    previous = search.ConditionIndex(content_version.current())
    for n, edit in enumerate(edits):
        condition = conditions[n % len(conditions)]
        if edit == "mention":
            mentions[n % len(mentions)].is_absent = True
            mentions[n % len(mentions)].save()
        elif edit == "summary":
            condition.summary = f"Summary after edit {n}"
        elif edit == "rename":
            condition.name = f"Plasmacytoma {n}"
        elif edit == "alias":
            condition.aliases = f"Kahler disease {n}"
        elif edit == "unpublish":
            condition.status = Condition.Status.DRAFT
        else:
            ConditionFactory(name=f"Amyloidosis {n}")
        condition.save()
    version = content_version.current()
    return (
        search.ConditionIndex(version, previous),
        previous,
        search.ConditionIndex(version),
    )


def test_a_summary_edit_keeps_the_condition_word_index_but_shows_the_new_summary():
    condition = ConditionFactory(name="Multiple myeloma", summary="Old words.")
    before = search._conditions.get()
    condition.summary = "New words."
    condition.save()
    found = search.find_conditions("myeloma")
    assert [match.condition.summary for match in found] == ["New words."]
    assert search._conditions.get().words is before.words
