"""CSV downloads: every result of the query with its sources, one row per statement and source,
spreadsheet-safe; and a condition's features."""

import csv
import io

import pytest

from explorer.exports import CONDITION_COLUMNS, RESULT_COLUMNS, spreadsheet_safe
from tests.factories import ConditionFactory, FeatureFactory, MentionFactory, SourceFactory

pytestmark = pytest.mark.django_db


def read_csv(response) -> list[dict]:
    """The data rows; the closing notice rows are checked and left off."""
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    text = b"".join(response.streaming_content).decode()
    *rows, licence, note = list(csv.DictReader(io.StringIO(text)))
    assert list(licence.values())[0].startswith("This service uses the Human Phenotype Ontology")
    assert "not a likelihood" in list(note.values())[0]
    return rows


def test_results_csv_lists_every_result_not_just_the_page(client, open_data):
    page = client.get("/?feature=organomegaly&feature=purpura").context
    assert page["paginator"].num_pages > 1

    rows = read_csv(client.get("/results.csv?feature=organomegaly&feature=purpura"))

    assert list(rows[0]) == RESULT_COLUMNS
    listed = list(dict.fromkeys(row["condition"] for row in rows))
    assert len(listed) == page["total"]
    assert listed[:3] == [r.condition.name for r in page["results"]]  # the page's order


def test_results_csv_has_a_row_per_statement_and_source(client, open_data):
    second = SourceFactory(title="A second source", url="https://example.org/second")
    open_data.mentions.get(feature__slug="hepatomegaly").sources.add(second)

    rows = read_csv(client.get("/results.csv?feature=organomegaly&feature=purpura"))

    poems = [r for r in rows if r["condition"] == "POEMS syndrome"]
    assert [(r["ticked_feature"], r["matched_feature"], r["source"]) for r in poems] == [
        ("Organomegaly", "Hepatomegaly", "A second source"),
        ("Organomegaly", "Hepatomegaly", "Orphanet: POEMS syndrome"),
        ("Organomegaly", "Splenomegaly", "Orphanet: POEMS syndrome"),
        ("Purpura", "Purpura", "Orphanet: POEMS syndrome"),
    ]
    # Each source's own figure: the second source records none, so none is credited to it.
    assert [r["frequency_as_recorded"] for r in poems[:2]] == ["Not recorded", "Frequent (30–79%)"]
    liver = poems[0]
    assert liver["condition_codes"] == "ORPHA:2905"
    assert liver["condition_page"] == "http://testserver/conditions/poems/"
    assert liver["ticked_hpo_id"] == "HP:0040195" and liver["matched_hpo_id"] == "HP:0002240"
    assert liver["source_url"] == "https://example.org/second"
    assert liver["hpo_release"] == "2025-01-16" and liver["documented_absent"] == "no"
    assert poems[3]["frequency_as_recorded"] == "45 of 50 people studied"
    absent = [
        r for r in rows if r["condition"] == "Absent case" and r["ticked_feature"] == "Purpura"
    ]
    assert [r["documented_absent"] for r in absent] == ["yes"]


def test_hpo_annotations_are_cited_with_evidence_and_references(client):
    feature = FeatureFactory(name="Purpura", slug="purpura", hpo_id="HP:0000979")
    MentionFactory(
        condition=ConditionFactory(name="Some syndrome"),
        feature=feature,
        evidence="PCS",
        references="PMID:12345;ORPHA:99",
        sources=[],
    )
    (row,) = read_csv(client.get("/results.csv?feature=purpura"))
    assert row["source"].startswith("Human Phenotype Ontology annotations")
    assert (row["evidence"], row["reference"]) == ("PCS", "PMID:12345;ORPHA:99")


def test_results_csv_states_its_bound(client, open_data, settings):
    settings.EXPLORER_DOWNLOAD_MAX_CONDITIONS = 2
    response = client.get("/results.csv?feature=organomegaly&feature=purpura")
    text = b"".join(response.streaming_content).decode()
    lines = list(csv.reader(io.StringIO(text)))
    conditions = {line[0] for line in lines[1:-3]}
    assert len(conditions) == 2
    assert lines[-3][0].startswith("This download stops at 2 conditions; the query matched 7.")
    assert response["X-Conditions-Listed"] == "2" and response["X-Conditions-Matched"] == "7"


def test_cells_that_spreadsheets_would_run_are_neutralised(client):
    feature = FeatureFactory(name='=HYPERLINK("http://x","y")', slug="purpura")
    source = SourceFactory(title="+cmd|' /C calc'!A0", url="https://example.org/a")
    MentionFactory(condition=ConditionFactory(name="@SUM(1+1)"), feature=feature, sources=[source])

    (row,) = read_csv(client.get("/results.csv?feature=purpura"))

    assert row["condition"] == "'@SUM(1+1)"
    assert row["ticked_feature"].startswith("'=HYPERLINK")
    assert row["source"] == "'+cmd|' /C calc'!A0"
    assert [spreadsheet_safe(v) for v in ["-2", "\t=1", "a=b", "", None]] == [
        "'-2",
        "'\t=1",
        "a=b",
        "",
        "",
    ]


def test_results_csv_refuses_an_empty_or_oversized_query(client, open_data):
    assert client.get("/results.csv").status_code == 400
    too_many = client.get("/results.csv?" + "&".join(["feature=purpura"] * 31))
    assert too_many.status_code == 400 and b"at most 30" in too_many.content


def test_downloads_are_limited_per_address(client, open_data, settings, still_clock):
    settings.EXPLORER_RATE_LIMITS = {"download": 1}
    assert client.get("/results.csv?feature=purpura").status_code == 200
    refused = client.get("/results.csv?feature=purpura")
    assert refused.status_code == 429 and "Retry-After" in refused


def test_condition_features_csv(client, open_data):
    rows = read_csv(client.get("/conditions/absent-case/features.csv"))
    assert list(rows[0]) == CONDITION_COLUMNS
    assert [(r["feature"], r["documented_absent"]) for r in rows] == [
        ("Splenomegaly", "no"),
        ("Purpura", "yes"),
    ]
    assert client.get("/conditions/nope/features.csv").status_code == 404


def test_results_and_condition_pages_link_their_downloads(client, open_data):
    html = client.get("/?feature=purpura").content.decode()
    assert 'href="/results.csv?feature=purpura"' in html
    assert 'href="/phenopacket.json?feature=purpura"' in html
    assert "up to 1000 conditions" in html
    assert (
        'href="/conditions/poems/features.csv"' in client.get("/conditions/poems/").content.decode()
    )


@pytest.mark.parametrize(
    "settings_query", ["order=name", "onset=childhood", "order=name&onset=adult"]
)
def test_results_csv_follows_the_page_order_and_filters(client, open_data, settings_query):
    query = f"feature=organomegaly&feature=purpura&{settings_query}"
    page = client.get(f"/?{query}").context
    shown = [r.condition.name for r in page["results"]]
    for number in range(2, page["paginator"].num_pages + 1):
        shown += [
            r.condition.name for r in client.get(f"/?{query}&page={number}").context["results"]
        ]

    rows = read_csv(client.get(f"/results.csv?{query}"))

    assert list(dict.fromkeys(row["condition"] for row in rows)) == shown
    html = client.get(f"/?{query}").content.decode()
    assert f'href="/results.csv?{query.replace("&", "&amp;")}"' in html
