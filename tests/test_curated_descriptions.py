"""A condition's description ties every statement to a named source: "[^slug]" marks show as
that source's number in the page's one numbered list, the same numbers the features use."""

import re

import pytest
from django.core.exceptions import ValidationError

from conditions.description_sources import cited_slugs
from conditions.models import Condition, Source
from conditions.readability import paragraphs
from tests.factories import ConditionFactory, FeatureFactory, MentionFactory, SourceFactory

pytestmark = pytest.mark.django_db


def numbered_sources(html: str) -> dict[str, int]:
    """Source title → its number in the page's list."""
    return {
        title: int(n)
        for n, title in re.findall(r'<li id="src-(\d+)"><a href="[^"]*">([^<]*)</a>', html)
    }


def test_a_description_cites_by_the_numbers_the_features_use(client):
    review = SourceFactory(title="A review", slug="a-review")
    atlas = SourceFactory(title="An atlas", slug="an-atlas")
    textbook = SourceFactory(title="A textbook", slug="a-textbook")
    condition = ConditionFactory(
        slug="mgus",
        status="published",
        description="It is often found by chance[^a-textbook]. It rarely harms nerves[^an-atlas][^a-review].",
    )
    MentionFactory(condition=condition, feature=FeatureFactory(), sources=[review])
    MentionFactory(condition=condition, feature=FeatureFactory(), sources=[atlas])

    html = client.get("/conditions/mgus/").content.decode()

    numbers = numbered_sources(html)
    assert numbers == {"A review": 1, "An atlas": 2, "A textbook": 3}  # added after the features'
    assert 'by chance <span class="cite">(source <a href="#src-3">3</a>)</span>.' in html
    assert (
        'nerves <span class="cite">(sources <a href="#src-1">1</a>, <a href="#src-2">2</a>)' in html
    )
    assert "[^" not in html
    assert textbook.title in html


def test_a_mark_naming_no_source_says_so_on_the_page_and_is_refused_in_the_admin(client):
    condition = ConditionFactory(slug="x", status="published", description="A claim[^nobody].")
    html = client.get("/conditions/x/").content.decode()
    assert 'A claim <span class="cite">(source not recorded)</span>.' in html
    with pytest.raises(ValidationError, match="nobody"):
        condition.full_clean()


def test_one_source_named_once_needs_no_numbers_in_the_description(client):
    only = SourceFactory(title="Only", slug="only")
    condition = ConditionFactory(slug="y", status="published", description="Said once[^only].")
    MentionFactory(condition=condition, feature=FeatureFactory(), sources=[only])
    html = client.get("/conditions/y/").content.decode()
    assert "Said once." in html and "Source of everything above" in html


@pytest.fixture
def curated(curated_content, db):
    pass


def test_every_paragraph_of_every_curated_description_cites_a_source_that_exists(curated):
    known = set(Source.objects.values_list("slug", flat=True))
    uncited, unknown = [], []
    for condition in Condition.objects.filter(origin="curated").exclude(description=""):
        for paragraph in paragraphs(condition.description):
            if not cited_slugs(paragraph):
                uncited.append((condition.slug, paragraph[:60]))
        unknown += [
            (condition.slug, s) for s in cited_slugs(condition.description) if s not in known
        ]
    assert Condition.objects.filter(origin="curated").exclude(description="").count() >= 25
    assert uncited == []
    assert unknown == []


def test_a_papers_pmid_and_doi_are_shown_wherever_it_is_cited(client):
    from conditions.models import ConditionLink

    paper = SourceFactory(
        title="A review", slug="a-review", publisher="Blood 2020;1:2", pmid="123", doi="10.1/x"
    )
    condition = ConditionFactory(slug="z", status="published", description="Said[^a-review].")
    other = ConditionFactory(slug="w", status="published")
    ConditionLink.objects.create(from_condition=condition, to_condition=other, source=paper)
    MentionFactory(condition=condition, feature=FeatureFactory(), sources=[SourceFactory()])

    html = client.get("/conditions/z/").content.decode()

    ids = (
        'PMID <a href="https://pubmed.ncbi.nlm.nih.gov/123/">123</a>, '
        'doi:<a href="https://doi.org/10.1/x">10.1/x</a>'
    )
    assert html.count(ids) == 2  # in the numbered list, and beside the related condition
    assert "(Blood 2020;1:2)" in html
