"""What explorer/views.py hands its templates: the search box's words, a condition page's links."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from explorer.response_cache import forget_pages
from tests.factories import ConditionFactory, ConditionLinkFactory, FeatureFactory, SourceFactory

pytestmark = pytest.mark.django_db


def test_a_search_whose_only_match_is_already_ticked_says_so(client):
    FeatureFactory(name="Purpura", plain_name="", slug="purpura")
    html = client.get("/?q=purpura&feature=purpura").content.decode()
    assert "“purpura” matches Purpura, already ticked." in html
    assert "No feature matches" not in html


def test_a_condition_page_reads_its_links_and_their_sources_in_a_fixed_number_of_queries(client):
    condition = ConditionFactory(slug="c", summary="")

    def queries() -> int:
        forget_pages()
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/conditions/c/").status_code == 200
        return len(captured)

    ConditionLinkFactory(from_condition=condition, source=SourceFactory())
    ConditionLinkFactory(to_condition=condition, source=SourceFactory())
    one_each = queries()
    for _ in range(3):
        ConditionLinkFactory(from_condition=condition, source=SourceFactory())
        ConditionLinkFactory(to_condition=condition, source=SourceFactory())
    assert queries() == one_each  # not one more per link or per source
