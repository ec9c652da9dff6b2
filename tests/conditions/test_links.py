"""One table of external links serves cross-references and the references HPO lines cite."""

import pytest

from conditions.links import EXTERNAL_LINKS, external_url
from conditions.models import CrossReference
from explorer.templatetags.explorer_tags import reference_links


@pytest.mark.parametrize(
    ("scheme", "code", "url"),
    [
        ("ORPHA", "2905", "https://www.orpha.net/en/disease/detail/2905"),
        ("OMIM", "192240", "https://omim.org/entry/192240"),
        ("DECIPHER", "76", "https://www.deciphergenomics.org/syndrome/76"),
        ("ICD10", "L94.2", "https://icd.who.int/browse10/2019/en#/L94.2"),
        ("PMID", "19133692", "https://pubmed.ncbi.nlm.nih.gov/19133692/"),
        ("pmid", "19133692", "https://pubmed.ncbi.nlm.nih.gov/19133692/"),
        ("DOI", "10.1002/ajh.27061", "https://doi.org/10.1002/ajh.27061"),
    ],
)
def test_each_catalogue_leads_to_its_page(scheme, code, url):
    assert external_url(scheme, code) == url


@pytest.mark.parametrize(
    ("scheme", "code"),
    [
        ("ISBN", "9780199606276"),  # no link for books
        ("PMID", ""),
        ("PMID", '1"><script>'),
        ("ORPHA", "12 34"),
        ("DOI", "not-a-doi"),
    ],
)
def test_no_link_for_an_unknown_catalogue_or_a_code_that_is_not_one(scheme, code):
    assert external_url(scheme, code) is None


def test_annotation_references_and_cross_references_share_the_table():
    assert reference_links("PMID:123; ISBN:978-0; DOI:10.1000/xyz") == [
        ("PMID:123", "https://pubmed.ncbi.nlm.nih.gov/123/"),
        ("ISBN:978-0", None),
        ("DOI:10.1000/xyz", "https://doi.org/10.1000/xyz"),
    ]
    xref = CrossReference(scheme=CrossReference.Scheme.OMIM, code="192240")
    assert xref.url == external_url("OMIM", "192240")
    assert set(CrossReference.Scheme.values) <= set(EXTERNAL_LINKS)  # every scheme links
