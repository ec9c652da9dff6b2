"""Ranking equals a brute-force reference on generated ontologies, and stays right after edits."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conditions import index
from conditions.matching import SHOWN_PER_FEATURE, explain, rank_conditions
from conditions.models import Condition, Feature, Mention
from tests.factories import ConditionFactory, FeatureFactory, MentionFactory

pytestmark = pytest.mark.django_db


@st.composite
def worlds(draw):
    size = draw(st.integers(min_value=1, max_value=12))
    # Parents always have a lower number, so the generated is_a graph is acyclic but may be a DAG.
    parents = {
        n: draw(st.sets(st.integers(min_value=0, max_value=n - 1), max_size=3)) if n else set()
        for n in range(size)
    }
    conditions = draw(
        st.lists(
            st.tuples(st.sampled_from(["Alpha", "Beta", "Gamma", "Delta"]), st.booleans()),
            min_size=1,
            max_size=8,
        )
    )
    mentions = draw(
        st.lists(
            st.tuples(st.integers(0, len(conditions) - 1), st.integers(0, size - 1), st.booleans()),
            max_size=25,
            unique_by=lambda m: (m[0], m[1]),
        )
    )
    ticked = draw(st.lists(st.integers(0, size - 1), min_size=1, max_size=5, unique=True))
    return parents, conditions, mentions, ticked


def ancestors_in(parents, n):
    found, stack = {n}, [n]
    while stack:
        for p in parents[stack.pop()]:
            if p not in found:
                found.add(p)
                stack.append(p)
    return found


def brute_force(parents, conditions, mentions, ticked, condition_ids):
    def ancestors(n):
        return ancestors_in(parents, n)

    rows = []
    for c, (name, published) in enumerate(conditions):
        if not published:
            continue
        covered = set()
        for mc, feature, absent in mentions:
            if mc == c and not absent:
                covered |= ancestors(feature)
        matched = len(covered & set(ticked))
        if matched:
            rows.append((-matched, name, condition_ids[c], matched))
    return [(cid, matched) for _, _, cid, matched in sorted(rows)]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(world=worlds())
def test_index_and_sql_agree_with_brute_force(world):
    parents, conditions, mentions, ticked = world
    Mention.objects.all().delete()
    Condition.objects.all().delete()
    Feature.objects.all().delete()
    # Names run against the numbering, so a more specific feature sorts before its ancestors.
    features = [FeatureFactory(name=f"F{len(parents) - n:02d}") for n in range(len(parents))]
    for n, ps in parents.items():
        features[n].parents.add(*[features[p] for p in ps])
    rows = [
        ConditionFactory(name=name, slug=f"c{i}", status="published" if published else "draft")
        for i, (name, published) in enumerate(conditions)
    ]
    for c, f, absent in mentions:
        MentionFactory(condition=rows[c], feature=features[f], is_absent=absent, sources=[])
    ticked_ids = [features[t].pk for t in ticked]

    expected = brute_force(parents, conditions, mentions, ticked, [r.pk for r in rows])

    assert rank_conditions(ticked_ids) == expected
    assert index.rank(ticked_ids)[:] == expected

    # Explanations: per ticked feature, the mentions covering it, its own first, then by name;
    # a documented absence only where nothing else covers the feature.
    page = [cid for cid, _ in expected]
    results = explain(page, [features[t] for t in ticked])
    got = {
        (r.condition.pk, hit.ticked.pk): ([m.feature.pk for m in hit.mentions], hit.total)
        for r in results
        for hit in r.hits
    }
    got_absent = {
        (r.condition.pk, ticked_id): m.feature.pk
        for r in results
        for ticked_id, m in r.absent_for.items()
    }
    want, want_absent = {}, {}
    for c, row in enumerate(rows):
        if row.pk not in page:
            continue
        for t in ticked:
            covering = sorted(
                (f != t, features[f].name, absent, f)
                for mc, f, absent in mentions
                if mc == c and t in ancestors_in(parents, f)
            )
            present = [f for _, _, absent, f in covering if not absent]
            absent = [f for _, _, absent, f in covering if absent]
            key = (row.pk, features[t].pk)
            if present:
                shown = [features[f].pk for f in present[:SHOWN_PER_FEATURE]]
                want[key] = (shown, len(present))
            elif absent:
                want_absent[key] = features[absent[0]].pk
    assert [r.condition.pk for r in results] == page
    assert got == want
    assert got_absent == want_absent


def test_index_follows_admin_style_edits():
    organ = FeatureFactory(name="Organomegaly")
    liver = FeatureFactory(name="Hepatomegaly")
    condition = ConditionFactory(name="POEMS syndrome")
    MentionFactory(condition=condition, feature=liver)
    assert len(index.rank([organ.pk])) == 0

    liver.parents.add(organ)  # a new is_a link
    assert index.rank([organ.pk])[:] == [(condition.pk, 1)]

    mention = condition.mentions.get()
    mention.is_absent = True  # now documented absent
    mention.save()
    assert len(index.rank([organ.pk])) == 0

    mention.is_absent = False
    mention.save()
    condition.status = "draft"
    condition.save()
    assert len(index.rank([liver.pk])) == 0

    condition.status = "published"
    condition.save()
    condition.mentions.all().delete()
    assert len(index.rank([liver.pk])) == 0
