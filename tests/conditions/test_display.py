"""What a page shows of the mentions that explain its results (conditions/display.py)."""

import pytest

from conditions.matching import explain, resolve_features
from tests.factories import ConditionFactory, FeatureFactory, MentionFactory

pytestmark = pytest.mark.django_db


def test_a_result_that_mentions_none_of_the_ticked_features_is_explained_by_no_statement():
    condition = ConditionFactory(slug="c")
    MentionFactory(condition=condition, feature=FeatureFactory(slug="mentioned"))
    FeatureFactory(slug="unmentioned")

    [result] = explain([condition.pk], resolve_features(["unmentioned"]).features)

    assert result.condition.pk == condition.pk
    assert result.hits == [] and result.absent == [] and result.sources == []
