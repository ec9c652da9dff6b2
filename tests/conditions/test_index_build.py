"""What conditions/index_build.py reads from the database into the match index."""

import pytest

from conditions import index
from tests.factories import FeatureFactory

pytestmark = pytest.mark.django_db


def test_the_index_holds_each_published_features_published_parents_only():
    broad = FeatureFactory(slug="broad")
    withdrawn = FeatureFactory(slug="withdrawn", is_published=False)
    leaf = FeatureFactory(slug="leaf", parents=[broad, withdrawn])
    hidden_leaf = FeatureFactory(slug="hidden-leaf", is_published=False, parents=[broad])

    parents = index.current_index().parents

    assert parents[leaf.pk] == (broad.pk,)
    assert hidden_leaf.pk not in parents and broad.pk not in parents
