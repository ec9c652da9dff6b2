"""/compare/: conditions side by side, the rows whose records differ most first; bad input gets a
clear message (400 where nothing can be shown); the same comparison as CSV."""

import csv
import io
import re

import pytest

from conditions.compare import ORDER_RULE, choose
from tests.factories import (
    BodySystemFactory,
    ConditionFactory,
    CrossReferenceFactory,
    FeatureFactory,
    MentionFactory,
    MentionSourceFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
ALWAYS = {"frequency_kind": "category", "frequency_category": "obligate"}
RARE = {"frequency_kind": "category", "frequency_category": "very_rare"}
FREQUENT = {"frequency_kind": "category", "frequency_category": "frequent"}


@pytest.fixture
def trio():
    """POEMS-like, myeloma-like and amyloidosis-like conditions with a few features each."""
    nerves = BodySystemFactory(name="Nervous system", plain_name="Nerves and brain", order=1)
    skin = BodySystemFactory(name="Integument", plain_name="Skin", order=2)
    poems = ConditionFactory(name="POEMS syndrome", slug="poems-syndrome")
    myeloma = ConditionFactory(name="Multiple myeloma", slug="multiple-myeloma")
    amyloid = ConditionFactory(name="AL amyloidosis", slug="al-amyloidosis")
    CrossReferenceFactory(condition=poems, code="2905")
    neuropathy = FeatureFactory(
        name="Polyneuropathy",
        plain_name="Damage to many nerves",
        slug="polyneuropathy",
        body_system=nerves,
    )
    fatigue = FeatureFactory(name="Fatigue", slug="fatigue", body_system=nerves)
    skin_thick = FeatureFactory(name="Skin thickening", slug="skin-thickening", body_system=skin)
    hyper = FeatureFactory(name="Hyperpigmentation", slug="hyperpigmentation", body_system=skin)
    study = SourceFactory(title="A clinical series", url="https://example.org/series")
    MentionFactory(condition=poems, feature=neuropathy, sources=[study], **ALWAYS)
    MentionFactory(condition=myeloma, feature=neuropathy, **RARE)
    MentionFactory(condition=amyloid, feature=neuropathy, **FREQUENT)
    for condition in (poems, myeloma, amyloid):
        MentionFactory(condition=condition, feature=fatigue, **FREQUENT)
    MentionFactory(condition=poems, feature=skin_thick, **FREQUENT)
    MentionFactory(condition=amyloid, feature=skin_thick, is_absent=True)
    MentionFactory(condition=poems, feature=hyper, **FREQUENT)
    MentionFactory(condition=myeloma, feature=hyper)  # frequency not recorded
    return poems, myeloma, amyloid


def url(*conditions, **extra):
    query = "&".join(f"condition={c}" for c in conditions)
    extra_query = "".join(f"&{k}={v}" for k, v in extra.items())
    return f"/compare/?{query}{extra_query}"


def row_slugs(html: str) -> list[str]:
    return re.findall(
        r'<th scope="row">(?:<span class="marked".*?</span></span> )?<a href="/features/([^/]+)/">',
        html,
    )


def test_rows_differing_most_come_first_and_shared_ones_are_folded(client, trio):
    response = client.get(url("poems-syndrome", "multiple-myeloma", "al-amyloidosis"))
    assert response.status_code == 200
    html = response.content.decode()
    # polyneuropathy: always vs very rare (gap 4); then, in the skin, two of gap 3 by name:
    # hyperpigmentation (frequent vs not mentioned), skin thickening (frequent vs absent); then
    # fatigue, frequent for all three: folded.
    assert row_slugs(html) == ["polyneuropathy", "hyperpigmentation", "skin-thickening", "fatigue"]
    folded = html[html.index('<details class="shared-features">') :]
    assert "/features/fatigue/" in folded and "/features/polyneuropathy/" not in folded
    row = re.search(r'<tr><th scope="row"><a href="/features/polyneuropathy/">.*?</tr>', html)
    assert '<span class="b5">Always (100%)</span>' in row.group(0)
    assert '<span class="b1">Very rare (1–4%)</span>' in row.group(0)
    assert '<td class="ab">Documented absent' in html and '<td class="no">Not mentioned' in html
    # hyperpigmentation for the myeloma-like condition: mentioned, no frequency recorded
    assert '<span class="b0">Mentioned; how often is not recorded' in html
    assert "Step" not in html and ORDER_RULE.split(":")[0] in html


def test_each_frequency_points_at_the_source_that_records_it(client, trio):
    html = client.get(url("poems-syndrome", "multiple-myeloma")).content.decode()
    number = re.search(r'<li id="src-(\d+)"><a href="https://example.org/series"', html).group(1)
    row = re.search(
        r"<tr[^>]*><th scope=\"row\"><a href=\"/features/polyneuropathy/\">.*?</tr>", html
    ).group(0)
    cite = f'<span class="cite">(source <a href="#src-{number}">{number}</a>)</span>'
    assert f'<td><span class="b5">Always (100%)</span> {cite}</td>' in row


def test_each_source_is_credited_with_its_own_figure_and_the_order_uses_the_highest(client, trio):
    poems, myeloma, _ = trio
    feature = FeatureFactory(name="Clubbing", slug="clubbing")
    mention = MentionFactory(condition=myeloma, feature=feature, sources=[], **RARE)
    series = SourceFactory(title="Series", url="https://example.org/clubbing")
    review = SourceFactory(title="Review", url="https://example.org/review")
    MentionSourceFactory(
        mention=mention, source=series, frequency_kind="count", numerator=6, denominator=107
    )
    MentionSourceFactory(mention=mention, source=review, **ALWAYS)
    html = client.get(url("poems-syndrome", "multiple-myeloma")).content.decode()
    numbers = {
        title: re.search(rf'<li id="src-(\d+)"><a href="https://example.org/{slug}"', html).group(1)
        for title, slug in (("Series", "clubbing"), ("Review", "review"))
    }
    row = re.search(r'<tr><th scope="row"><a href="/features/clubbing/">.*?</tr>', html).group(0)
    assert (
        f'6 of 107 people studied</span> <span class="cite">(source <a href="#src-{numbers["Series"]}">'
        in row
    )
    assert (
        f'Always (100%)</span> <span class="cite">(source <a href="#src-{numbers["Review"]}">'
        in row
    )
    # Always (the review) vs not mentioned: a gap of 5, so it leads the table.
    assert row_slugs(html)[0] in {"clubbing", "polyneuropathy"}
    rows = list(
        csv.reader(
            io.StringIO(
                b"".join(
                    client.get(
                        "/compare.csv?condition=poems-syndrome&condition=multiple-myeloma"
                    ).streaming_content
                ).decode()
            )
        )
    )
    credited = {(r[10], r[8]) for r in rows[1:] if len(r) > 10 and r[0] == "Clubbing"}
    assert ("Series", "6 of 107 people studied") in credited and (
        "Review",
        "Always (100%)",
    ) in credited


def test_the_page_says_what_it_is_and_keeps_the_sites_notice(client, trio):
    html = client.get(url("poems-syndrome", "multiple-myeloma")).content.decode()
    assert "cannot tell which condition a person has" in html
    assert "not a likelihood" in html
    assert "For learning, not for diagnosis." in html  # the site's footer notice
    for word in ("probability", "% match", "you may have", "risk"):
        assert word not in html.lower()


def test_codes_and_names_are_accepted_and_a_duplicate_is_shown_once(client, trio):
    response = client.get(url("ORPHA:2905", "multiple-myeloma", "poems-syndrome"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.split("</thead>")[0].count('<th scope="col">POEMS syndrome</th>') == 1
    assert "Asked for more than once" in html and "poems-syndrome" in html
    assert [c.slug for c in choose(["Multiple Myeloma", "orpha:2905"]).conditions] == [
        "multiple-myeloma",
        "poems-syndrome",
    ]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("condition=poems-syndrome", "this link has one condition"),
        ("condition=nope&condition=nada", "We could not find"),
        ("condition=poems-syndrome&condition=ORPHA:2905", "Asked for more than once"),
        ("&".join(f"condition=c{i}" for i in range(5)), "Compare at most 4"),
        ("condition=%00%01&condition=" + "x" * 5000, "We could not find"),
    ],
)
def test_bad_input_gets_a_clear_message_and_400(client, trio, query, message):
    response = client.get(f"/compare/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()
    csv_response = client.get(f"/compare.csv?{query}")
    assert csv_response.status_code == 400


def test_an_unknown_one_beside_two_found_still_compares_and_says_so(client, trio):
    response = client.get(url("poems-syndrome", "no-such-thing", "al-amyloidosis"))
    assert response.status_code == 200
    assert "We could not find “no-such-thing”" in response.content.decode()


def test_no_condition_yet_is_a_plain_form(client, trio):
    response = client.get("/compare/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<form class="compare-add" method="get" action="/compare/">' in html
    assert 'role="alert"' not in html


def test_the_add_box_adds_a_condition_and_offers_names_like_what_was_typed(client, trio):
    response = client.get("/compare/?condition=poems-syndrome&add=Multiple+myeloma")
    assert response.status_code == 200
    assert '<th scope="col">Multiple myeloma</th>' in response.content.decode()
    response = client.get("/compare/?condition=poems-syndrome&add=myeloma")
    assert response.status_code == 400
    assert (
        '<a href="?condition=poems-syndrome&amp;condition=multiple-myeloma">'
        in response.content.decode()
    )


def test_carried_features_are_kept_and_marked(client, trio):
    html = client.get(
        url("poems-syndrome", "multiple-myeloma", feature="polyneuropathy")
    ).content.decode()
    marked = re.findall(r'<tr class="is-marked"><th scope="row">.*?href="/features/([^/]+)/"', html)
    assert marked == ["polyneuropathy"]
    assert 'href="/?feature=polyneuropathy"' in html  # back to the results
    # Removing a column keeps the carried feature; with two columns there is none to remove.
    assert 'class="remove-link"' not in html
    three = client.get(
        url("poems-syndrome", "multiple-myeloma", "al-amyloidosis", feature="polyneuropathy")
    )
    assert (
        "?condition=multiple-myeloma&amp;condition=al-amyloidosis&amp;feature=polyneuropathy"
        in three.content.decode()
    )


def test_htmx_gets_the_comparison_only_and_the_page_works_without_it(client, trio):
    three = url("poems-syndrome", "multiple-myeloma", "al-amyloidosis")
    full = client.get(three)
    partial = client.get(three, headers=HTMX)
    assert "<html" in full.content.decode() and "<html" not in partial.content.decode()
    assert "HX-Request" in partial.headers["Vary"]
    assert row_slugs(full.content.decode()) == row_slugs(partial.content.decode())
    # Every control is a real link or a GET form: nothing needs JavaScript.
    html = full.content.decode()
    removals = re.findall(r'class="remove-link" href="([^"]+)"', html)
    assert len(removals) == 3 and re.findall(r'hx-get="([^"]+)"', html) == removals
    assert "<script>" not in html and " onclick=" not in html


def test_stored_text_is_escaped(client, trio):
    poems, myeloma, _ = trio
    poems.name = '<script>alert("c")</script>'
    poems.save()
    feature = FeatureFactory(name="<b>bold</b>", plain_name='"><img src=x>', slug="evil")
    source = SourceFactory(title="<i>t</i>", url="https://example.org/?a=<x>")
    MentionFactory(condition=poems, feature=feature, sources=[source], **ALWAYS)
    html = client.get(url("poems-syndrome", "multiple-myeloma")).content.decode()
    for raw in ('<script>alert("c")', "<b>bold</b>", '"><img src=x>', "<i>t</i>", "a=<x>"):
        assert raw not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;bold&lt;/b&gt;" in html


def test_csv_lists_each_cell_once_per_source_in_page_order(client, trio):
    response = client.get("/compare.csv?condition=poems-syndrome&condition=multiple-myeloma")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    head, body = rows[0], [r for r in rows[1:] if len(r) > 1]
    record = [dict(zip(head, r, strict=True)) for r in body]
    assert [r["feature"] for r in record][:2] == ["Polyneuropathy", "Polyneuropathy"]
    poems_neuro = next(
        r for r in record if r["feature"] == "Polyneuropathy" and r["condition"] == "POEMS syndrome"
    )
    assert poems_neuro["frequency_as_recorded"] == "Always (100%)"
    assert poems_neuro["source"] == "A clinical series"
    missing = next(
        r
        for r in record
        if r["feature"] == "Skin thickening" and r["condition"] == "Multiple myeloma"
    )
    assert missing["frequency_as_recorded"] == "not mentioned"
    assert rows[-1][0].startswith("For learning, not for diagnosis.")


def test_condition_pages_and_results_offer_a_plain_get_form_to_compare(client, trio):
    html = client.get("/conditions/poems-syndrome/").content.decode()
    form = re.search(
        r'<form class="compare-add" method="get" action="/compare/">.*?</form>', html, re.S
    )
    assert '<input type="hidden" name="condition" value="poems-syndrome">' in form.group(0)
    assert 'name="add"' in form.group(0)
    html = client.get("/?feature=polyneuropathy").content.decode()
    link = re.search(r'<a href="(/compare/\?feature=polyneuropathy)">Compare some of these', html)
    picker = client.get(link.group(1)).content.decode()
    form = re.search(
        r'<form class="compare-pick" method="get" action="/compare/">.*?</form>', picker, re.S
    ).group(0)
    offered = re.findall(r'name="condition" value="([^"]+)"', form)
    assert sorted(offered) == ["al-amyloidosis", "multiple-myeloma", "poems-syndrome"]
    assert '<input type="hidden" name="feature" value="polyneuropathy">' in form
    # What the form sends is a comparison.
    response = client.get(
        "/compare/?condition=poems-syndrome&condition=al-amyloidosis&feature=polyneuropathy"
    )
    assert response.status_code == 200


def test_api_gives_the_same_rows_in_the_same_order(client, trio):
    page = client.get(url("poems-syndrome", "multiple-myeloma", "al-amyloidosis")).content.decode()
    response = client.get(
        "/api/compare?condition=poems-syndrome&condition=multiple-myeloma&condition=ORPHA:2905"
        "&condition=al-amyloidosis&feature=polyneuropathy"
    )
    assert response.status_code == 200
    data = response.json()
    assert [r["feature"]["slug"] for r in data["rows"]] == row_slugs(page)
    assert data["duplicates"] == ["ORPHA:2905"] and "not a likelihood" in data["order"]
    first = data["rows"][0]
    assert first["marked"] is True and first["recorded_alike"] is False
    poems = first["cells"][0]
    assert poems["condition"] == "poems-syndrome"
    assert poems["statement"]["frequency"] == "Always (100%)"
    assert poems["statement"]["sources"][0]["title"] == "A clinical series"
    skin = next(r for r in data["rows"] if r["feature"]["slug"] == "skin-thickening")
    assert skin["cells"][1] == {
        "condition": "multiple-myeloma",
        "mentioned": False,
        "statement": None,
    }
    assert skin["cells"][2]["statement"]["documented_absent"] is True
    assert data["rows"][-1]["recorded_alike"] is True
    assert "/compare.csv?condition=poems-syndrome" in data["csv"]


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("condition=poems-syndrome", 422, "condition"),
        ("&".join(["condition=x"] * 5), 422, "condition"),
        ("condition=a&condition=b", 404, "We could not find"),
        ("condition=poems-syndrome&condition=ORPHA:2905", 400, "Asked for more than once"),
    ],
)
def test_api_bad_input_is_a_4xx_with_the_message(client, trio, query, status, message):
    response = client.get(f"/api/compare?{query}")
    assert response.status_code == status
    assert message in response.json()["detail"]
    assert response.json()["note"].startswith("For learning, not for diagnosis.")
