"""The comparison's order, checked against a brute-force reference of the rule the page states:
steps from the recorded frequency, rows whose steps are furthest apart first (every pair of cells
compared), then the highest step; rows every condition records at the same step folded apart."""

from decimal import Decimal
from itertools import combinations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conditions.compare import compare
from conditions.models import Condition, Feature
from tests.factories import BodySystemFactory, ConditionFactory, FeatureFactory, MentionFactory

pytestmark = pytest.mark.django_db

CATEGORY_STEPS = {
    "obligate": 5,
    "very_frequent": 4,
    "frequent": 3,
    "occasional": 2,
    "very_rare": 1,
    "excluded": 0,
}


def share_step(share: float) -> int:
    # The HPO's ranges, as the page's key words them: always, very frequent, ... none.
    for floor, step in ((100, 5), (80, 4), (30, 3), (5, 2)):
        if share >= floor:
            return step
    return 1 if share > 0 else 0


def reference_step(spec) -> int:
    """The step the page's rule gives a cell, worked out from the recorded figure."""
    match spec:
        case None | ("absent",):
            return 0
        case ("not_recorded",):
            return 1
        case ("category", category):
            return CATEGORY_STEPS[category]
        case ("count", n, m):
            return share_step(n / m * 100)
        case ("percent", p):
            return share_step(p)


def mention_fields(spec) -> dict:
    match spec:
        case ("absent",):
            return {"is_absent": True}
        case ("not_recorded",):
            return {}
        case ("category", category):
            return {"frequency_kind": "category", "frequency_category": category}
        case ("count", n, m):
            return {"frequency_kind": "count", "numerator": n, "denominator": m}
        case ("percent", p):
            return {"frequency_kind": "percent", "percent": Decimal(p)}


counts = st.integers(1, 40).flatmap(
    lambda m: st.tuples(st.just("count"), st.integers(0, m), st.just(m))
)
cells = st.one_of(
    st.none(),
    st.just(("absent",)),
    st.just(("not_recorded",)),
    st.tuples(st.just("category"), st.sampled_from(sorted(CATEGORY_STEPS))),
    counts,
    st.tuples(st.just("percent"), st.integers(0, 100)),
)
tables = st.integers(2, 4).flatmap(
    lambda width: st.lists(
        st.tuples(st.booleans(), st.lists(cells, min_size=width, max_size=width)),
        min_size=1,
        max_size=7,
    )
)


def gap(steps: list[int]) -> int:
    return max(abs(a - b) for a, b in combinations(steps, 2))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(table=tables)
def test_order_matches_a_brute_force_reference(table):
    width = len(table[0][1])
    first, second = BodySystemFactory(order=1), BodySystemFactory(order=2)
    conditions = [ConditionFactory() for _ in range(width)]
    expected, created = {}, []
    for row, (in_first, specs) in enumerate(table):
        feature = FeatureFactory(body_system=first if in_first else second, name=f"F{row}")
        for condition, spec in zip(conditions, specs, strict=True):
            if spec is not None:
                MentionFactory(condition=condition, feature=feature, **mention_fields(spec))
        created.append(feature.pk)
        if any(spec is not None for spec in specs):  # a row for what any source mentions
            expected[feature.pk] = [reference_step(spec) for spec in specs]
    try:
        comparison = compare(conditions)
        rows = [(row.feature.pk, row) for row in comparison.rows]
        assert sorted(pk for pk, _ in rows) == sorted(expected)
        for pk, row in rows:
            assert row.steps == expected[pk]
            steps = expected[pk]
            assert row.shared == (len(set(steps)) == 1 and steps[0] > 0)
        differing = [pk for group in comparison.groups for pk in (r.feature.pk for r in group.rows)]
        # Every shared row comes after every differing one.
        assert [pk for pk, _ in rows][: len(differing)] == differing
        if differing:
            widest = max(gap(expected[pk]) for pk in differing)
            assert gap(expected[differing[0]]) == widest  # the most different row first
        for groups in (comparison.groups, comparison.shared):
            for group in groups:
                for a, b in zip(group.rows, group.rows[1:], strict=False):
                    sa, sb = expected[a.feature.pk], expected[b.feature.pk]
                    assert (gap(sa), max(sa)) >= (gap(sb), max(sb))
            heads = [expected[g.rows[0].feature.pk] for g in groups]
            assert [(gap(s), max(s)) for s in heads] == sorted(
                ((gap(s), max(s)) for s in heads), reverse=True
            )
    finally:
        Condition.objects.filter(pk__in=[c.pk for c in conditions]).delete()
        Feature.objects.filter(pk__in=created).delete()
