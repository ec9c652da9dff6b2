"""The compact tables the match index keeps its strings and ids in (no database)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conditions import snapshots
from conditions.compact import IdLists, IdSet, Records, StringKeys, Strings, Summaries
from conditions.summaries import ConditionSummary, FeatureSummary

texts = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=12)


@given(st.lists(texts, max_size=20))
def test_strings_read_back_exactly_as_written(values):
    strings = Strings.of(values)
    assert list(strings) == values
    assert len(strings) == len(values)
    with pytest.raises(IndexError):
        strings[len(values)]


@given(st.dictionaries(texts, st.integers(0, 10**6), max_size=30), texts)
def test_string_keys_find_every_key_and_nothing_else(mapping, other):
    keys = StringKeys.of(mapping)
    assert dict(keys) == mapping
    assert keys.get(other) == mapping.get(other)
    assert (other in keys) == (other in mapping)
    assert keys.get(42) is None  # not a string: not a key


def test_string_keys_tell_accents_and_case_apart():
    keys = StringKeys.of({"HP:0000979": 1, "purpura": 2, "purpürä": 3, "Purpura": 4})
    assert [keys["purpura"], keys["purpürä"], keys["Purpura"]] == [2, 3, 4]
    assert "hp:0000979" not in keys


def test_summaries_keep_the_order_built_and_answer_like_a_dict():
    built = [
        FeatureSummary(7, "Purpura", "small purple spots", "purpura", "HP:0000979"),
        FeatureSummary(3, "Hepatomegaly", "", "hepatomegaly", ""),
    ]
    table = Summaries.of(built, FeatureSummary)
    assert list(table) == [7, 3]
    assert list(table.values()) == built
    assert table[3] == built[1] and table.get(5) is None
    assert 7 in table and 8 not in table and -1 not in table and "7" not in table
    with pytest.raises(KeyError):
        table[100]


def test_summaries_of_nothing_are_empty():
    table = Summaries.of([], ConditionSummary)
    assert len(table) == 0 and 0 not in table and list(table.items()) == []


def test_records_read_rows_of_strings():
    records = Records.of([("TAS", "PMID:1;OMIM:2"), ("", "")], 2)
    assert list(records) == [("TAS", "PMID:1;OMIM:2"), ("", "")]


def test_id_sets_and_id_lists():
    ids = IdSet.of([4, 2])
    assert 2 in ids and 4 in ids and 3 not in ids and 99 not in ids and -1 not in ids
    assert sorted(ids) == [2, 4] and len(ids) == 2
    parents = IdLists.of({5: [1, 2], 2: [1]})
    assert parents[5] == (1, 2) and parents.get(2) == (1,)
    assert parents.get(3, []) == [] and parents.get(99) is None and 1 not in parents
    assert sorted(parents.items()) == [(2, (1,)), (5, (1, 2))]


def test_a_snapshot_maps_the_tables_arrays_instead_of_copying_them(tmp_path):
    table = Summaries.of([ConditionSummary(1, "MGUS", "mgus", "")], ConditionSummary)
    path = tmp_path / "x.snapshot"
    path.write_bytes(snapshots.dumps(table))
    loaded = snapshots._load_file(path)
    assert loaded[1] == table[1]
    assert not loaded.records.strings.blob.flags.writeable  # a view of the read-only map
    assert isinstance(loaded.ids, np.ndarray)
