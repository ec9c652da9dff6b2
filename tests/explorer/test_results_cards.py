"""A result card's statements and their source numbers (explorer/templatetags/results.py)."""

import pytest

from tests.factories import ConditionFactory, FeatureFactory, MentionFactory

pytestmark = pytest.mark.django_db


def _result_list(client, query: str) -> str:
    html = client.get(f"/?{query}").content.decode()
    start = html.index('<ol class="result-list"')
    return html[start : html.index("<nav", start) if "<nav" in html[start:] else None]


def _condition_citing(*references: str, absent: str = ""):
    """A condition whose n-th feature is mentioned citing the n-th reference; with `absent`,
    one more feature its sources say it does not have, citing that reference."""
    condition = ConditionFactory(name="Cited", slug="cited", summary="")
    for n, reference in enumerate((*references, absent) if absent else references):
        MentionFactory(
            condition=condition,
            feature=FeatureFactory(name=f"Feature {n}", slug=f"feature-{n}"),
            sources=[],
            evidence="TAS",
            references=reference,
            origin="hpo",
            is_absent=n == len(references),
        )
    return condition


def test_a_result_with_one_source_for_everything_names_it_once_without_numbers(client):
    condition = _condition_citing("ORPHA:904", "ORPHA:904")
    cards = _result_list(client, "feature=feature-0&feature=feature-1")
    assert 'class="cite"' not in cards
    # Each statement ends with what it says: no number, nothing else.
    for n in (0, 1):
        statement = f'<b>Feature {n}</b>: <span class="b0">mentioned; how often is not recorded'
        assert f"{statement}</span></li>" in cards
    assert cards.count("ORPHA:904</a>") == 1
    assert f'href="#c{condition.pk}-' not in cards


def test_each_statement_of_a_result_with_several_sources_carries_its_number(client):
    condition = _condition_citing("ORPHA:904", "PMID:123", absent="PMID:123")
    cards = _result_list(client, "feature=feature-0&feature=feature-1&feature=feature-2")
    first = f'(source <a href="#c{condition.pk}-1">1</a>)'
    second = f'(source <a href="#c{condition.pk}-2">2</a>)'
    assert cards.count(first) == 1
    assert cards.count(second) == 2  # a mention, and the statement that it is absent
    assert "source not recorded" not in cards
