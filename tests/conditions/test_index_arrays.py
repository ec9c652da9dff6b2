"""The match index's numpy parts (ranking.py, evidence.py) on hand-made arrays: no database.

The world: features 1 (broad), 2 and 3 (both below 1); conditions 10, 11, 12 in name order.
"""

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

from conditions.array_runs import group_starts, runs
from conditions.evidence import MentionTable
from conditions.ordering import Order, result_key
from conditions.ranking import ConditionFacts, ConditionTraits, Filters, Postings, Ranker

BROAD, LEFT, RIGHT = 1, 2, 3
CLOSURE = np.array([(1, 1), (2, 2), (2, 1), (3, 3), (3, 1)], dtype=np.int64)  # (below, above)
CONDITION_IDS = np.array([10, 11, 12], dtype=np.int64)  # position -> id, in name order
POSITION_OF = np.array([-1] * 10 + [0, 1, 2], dtype=np.int64)
VERY_RARE, VERY_FREQUENT, NOT_RECORDED = 1, 4, 0
# Distinct frequencies of the mentions below, as band ranks.
BAND_RANKS = np.array([VERY_RARE, VERY_FREQUENT, NOT_RECORDED, NOT_RECORDED], dtype=np.int8)
# (mention id, feature, condition id, absent, frequency, annotation)
MENTIONS = np.array(
    [
        (100, LEFT, 10, 0, 0, 0),  # very rare
        (101, RIGHT, 11, 0, 1, 0),  # very frequent
        (102, LEFT, 11, 0, 2, 0),  # not recorded
        (103, RIGHT, 12, 1, 3, 0),  # documented absent
        (104, BROAD, 11, 0, 2, 0),  # not recorded: the broad feature's own mention
    ],
    dtype=np.int64,
)
FEATURES_BY_NAME = np.array([RIGHT, BROAD, LEFT], dtype=np.int64)


def ranker(facts=None) -> Ranker:
    present = MENTIONS[MENTIONS[:, 3] == 0]
    postings = Postings.build(
        features=present[:, 1],
        positions=POSITION_OF[present[:, 2]],
        ranks=BAND_RANKS[present[:, 4]],
        closure=CLOSURE,
        condition_count=3,
    )
    facts = facts or [ConditionFacts(False)] * 3
    return Ranker(CONDITION_IDS, postings, ConditionTraits.build(facts))


def mention_table() -> MentionTable:
    return MentionTable.build(MENTIONS, POSITION_OF, 3, CLOSURE, FEATURES_BY_NAME, BAND_RANKS)


def test_a_mention_counts_for_every_broader_feature_and_an_absent_one_for_none():
    index = ranker()
    assert index.count(BROAD) == 2  # 10 and 11; 12 only documents RIGHT absent
    assert index.count(LEFT) == 2
    assert index.count(RIGHT) == 1
    assert index.count(99) == 0


def test_the_highest_frequency_recorded_orders_results_that_mention_as_many_features():
    index = ranker()
    # Both mention BROAD once; 11 records it very frequently (through RIGHT), 10 very rarely.
    assert index.rank([BROAD])[:] == [(11, 1), (10, 1)]
    assert index.rank([BROAD], Order.NAME)[:] == [(10, 1), (11, 1)]
    # For LEFT, 10's "very rare" beats 11's "not recorded".
    assert index.rank([LEFT])[:] == [(10, 1), (11, 1)]


def test_more_ticked_features_mentioned_come_first_and_repeats_count_once():
    index = ranker()
    assert index.rank([LEFT, RIGHT, LEFT])[:] == [(11, 2), (10, 1)]
    assert index.rank([LEFT, RIGHT]).complete_count(2) == 1
    assert len(index.rank([99])) == 0


def test_filters_keep_the_chosen_options_and_facets_count_each_option():
    facts = [
        ConditionFacts(True, source=("orpha",)),
        ConditionFacts(False, source=("omim", "curated"), onset=("adult",)),
        ConditionFacts(False, source=("unknown-scheme",)),
    ]
    index = ranker(facts)
    ranking = index.rank([BROAD], filters=Filters(source=frozenset({"omim"})))
    assert ranking[:] == [(11, 1)]
    assert ranking.facets.options["source"] == {"orpha": 1, "omim": 1, "decipher": 0, "curated": 1}
    assert ranking.facets.unfiltered == 2
    assert ranking.facets.reviewed == 0  # the only reviewed one is not an OMIM condition
    assert index.rank([BROAD], filters=Filters(reviewed=True))[:] == [(10, 1)]
    onset = index.rank([BROAD], filters=Filters(onset=frozenset({"adult"})))
    assert onset[:] == [(11, 1)]
    assert onset.facets.unrecorded == {"onset": 1}  # 10 records no onset


def shown(table: MentionTable, rows: list[int]) -> list[int]:
    return table.mention_ids[rows].tolist()


def test_a_page_is_explained_highest_frequency_first_then_the_ticked_features_own_mention():
    table = mention_table()
    evidence = table.explain([11], [BROAD], per_feature=2)
    assert shown(table, evidence.shown[11, BROAD]) == [101, 104]  # 102 ties with 104, not own
    assert evidence.totals[11, BROAD] == 3
    every = table.explain([11], [BROAD], per_feature=10)
    assert shown(table, every.shown[11, BROAD]) == [101, 104, 102]


def test_a_documented_absent_mention_is_named_only_where_nothing_else_covers_the_feature():
    table = mention_table()
    evidence = table.explain([10, 11, 12], [RIGHT, BROAD], per_feature=2)
    assert shown(table, [evidence.absent[12, RIGHT]]) == [103]
    assert shown(table, [evidence.absent[12, BROAD]]) == [103]
    assert (12, RIGHT) not in evidence.shown
    assert (11, RIGHT) not in evidence.absent
    assert shown(table, evidence.shown[10, BROAD]) == [100]
    assert (10, RIGHT) not in evidence.shown and (10, RIGHT) not in evidence.absent


def test_unpublished_or_unknown_conditions_explain_nothing():
    table = mention_table()
    evidence = table.explain([3, 99, -1], [BROAD], per_feature=2)
    assert not evidence.shown and not evidence.absent and not evidence.rows


def test_a_feature_the_table_does_not_know_explains_nothing():
    table = mention_table()
    for unknown in (0, 4, 99):  # below, between and above the features the closure holds
        assert table.descendants(unknown).tolist() == []
        assert not table.explain([10, 11, 12], [unknown], per_feature=2).rows
    assert sorted(table.descendants(BROAD).tolist()) == [BROAD, LEFT, RIGHT]


def test_a_table_of_no_mentions_explains_nothing():
    no_rows = np.zeros((0, 6), dtype=np.int64)
    no_bands = np.zeros(0, dtype=np.int8)
    table = MentionTable.build(no_rows, POSITION_OF, 3, CLOSURE, FEATURES_BY_NAME, no_bands)
    assert not table.explain([10, 11, 12], [BROAD, LEFT], per_feature=2).rows


def test_runs_and_group_starts():
    assert runs(np.array([5, 0, 9]), np.array([2, 0, 3])).tolist() == [5, 6, 9, 10, 11]
    assert runs(np.array([], dtype=np.int64), np.array([], dtype=np.int64)).tolist() == []
    assert group_starts(np.array([1, 1, 2, 7, 7, 7])).tolist() == [0, 2, 3]
    assert group_starts(np.array([], dtype=np.int64)).tolist() == []


# Any small world: the arrays order results exactly as ordering.result_key defines.
worlds = st.integers(1, 6).flatmap(
    lambda conditions: st.tuples(
        st.just(conditions),
        st.lists(  # (feature below the root, condition position, band rank)
            st.tuples(
                st.integers(2, 5), st.integers(0, conditions - 1), st.integers(0, 5)
            ),  # every band rank
            max_size=20,
        ),
        st.lists(st.integers(1, 5), min_size=1, max_size=4),  # ticked
    )
)


@given(worlds, st.sampled_from([Order.FREQUENCY, Order.NAME]), st.booleans())
# Conditions of one name (the HPO has several) come in id order, whatever order they are met in.
@example(world=(2, [(2, 1, 3), (2, 0, 3)], [2]), order=Order.FREQUENCY, same_names=True)
def test_the_ranking_equals_the_reference_order_in_any_small_world(world, order, same_names):
    conditions, mentions, ticked = world
    # Features 2..5 sit below the root 1; 4 and 5 below 2 as well.
    closure = [(f, f) for f in range(1, 6)] + [(f, 1) for f in range(2, 6)] + [(4, 2), (5, 2)]
    closure = np.array(closure, dtype=np.int64)
    rows = np.array(mentions, dtype=np.int64).reshape(-1, 3)
    postings = Postings.build(
        rows[:, 0], rows[:, 1], rows[:, 2].astype(np.int8), closure, conditions
    )
    ids = np.arange(100, 100 + conditions, dtype=np.int64)
    facts = [ConditionFacts(False)] * conditions
    ranked = Ranker(ids, postings, ConditionTraits.build(facts)).rank(ticked, order)

    best: dict[tuple[int, int], int] = {}  # (position, ticked feature) -> highest band rank
    for feature, position, rank in mentions:
        for wanted in set(ticked):
            if (feature, wanted) in {tuple(r) for r in closure.tolist()}:
                best[position, wanted] = max(rank, best.get((position, wanted), rank))
    per_condition: dict[int, list[int]] = {}
    for (position, _), rank in best.items():
        per_condition.setdefault(position, []).append(rank)
    expected = sorted(
        per_condition,
        key=lambda p: result_key(
            order, per_condition[p], "Condition" if same_names else f"Condition {p}", int(ids[p])
        ),
    )
    assert ranked[:] == [(int(ids[p]), len(per_condition[p])) for p in expected]
