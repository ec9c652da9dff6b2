import pytest

from explorer import response_cache
from tests.factories import ConditionFactory, FeatureFactory, MentionFactory, SourceFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def poems():
    organomegaly = FeatureFactory(name="Organomegaly", slug="organomegaly", hpo_id="HP:0040195")
    liver = FeatureFactory(name="Hepatomegaly", plain_name="enlarged liver", parents=[organomegaly])
    purpura = FeatureFactory(name="Purpura", slug="purpura", hpo_id="HP:0000979")
    nerves = FeatureFactory(name="Polyneuropathy", slug="polyneuropathy")
    condition = ConditionFactory(name="POEMS syndrome", summary="A rare plasma-cell disorder.")
    source = SourceFactory(title="Orphanet: POEMS syndrome", url="https://www.orpha.net/x")
    MentionFactory(condition=condition, feature=liver, frequent=True, sources=[source])
    MentionFactory(condition=condition, feature=purpura, sources=[source])
    MentionFactory(
        condition=condition,
        feature=nerves,
        frequency_kind="count",
        numerator=45,
        denominator=50,
        sources=[source],
    )
    other = ConditionFactory(name="MGUS")
    MentionFactory(condition=other, feature=purpura)
    return condition


def test_lists_conditions_with_features_explained_and_sourced(client, poems):
    response = client.get("/?feature=purpura&feature=polyneuropathy&feature=organomegaly")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html
    assert html.index("POEMS syndrome") < html.index("MGUS")
    assert "2 conditions</strong> mention at least one of your 3 features; 1 mentions all 3" in html
    assert "45 of 50 people studied" in html
    assert "in 30–79%" in html  # a category, worded as a share of people with it
    assert "Mentioned; how often is not recorded" in html
    assert "Hepatomegaly" in html  # organomegaly explained through the more specific feature
    assert 'href="https://www.orpha.net/x"' in html
    assert "not how likely any condition is" in html
    assert response.headers["Vary"].count("HX-Request") == 1


def test_htmx_request_renders_only_the_results_partial(client, poems):
    response = client.get("/?feature=purpura", headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="picker"' not in html
    assert "POEMS syndrome" in html
    # The summary the page's live region announces; the live region itself stays outside the
    # partial (a region swapped in with its text is not reliably read out).
    assert 'id="results-status"' in html and 'data-ticked="purpura"' in html
    assert 'role="status"' not in html


def test_history_restore_gets_the_whole_page(client, poems):
    headers = {**HTMX, "HX-History-Restore-Request": "true"}
    response = client.get("/?feature=purpura", headers=headers)
    assert "<html" in response.content.decode()


def test_hpo_ids_select_features_too(client, poems):
    response = client.get("/?feature=HP:0000979")
    assert response.context["features"][0].slug == "purpura"


def test_unknown_features_are_named_and_ignored(client, poems):
    response = client.get("/?feature=purpura&feature=<script>alert(1)</script>")

    html = response.content.decode()
    assert response.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert "POEMS syndrome" in html


def test_more_than_thirty_features_is_a_clear_400(client, poems):
    query = "&".join(f"feature=f{i}" for i in range(31))

    full = client.get(f"/?{query}")
    partial = client.get(f"/?{query}", headers=HTMX)

    assert full.status_code == partial.status_code == 400
    assert "compares at most 30" in full.content.decode()
    assert "compares at most 30" in partial.content.decode()


def test_empty_page_suggests_examples(client, poems):
    html = client.get("/").content.decode()
    assert "Not sure where to start?" in html
    assert 'href="?feature=purpura"' in html


def test_partial_matches_are_listed_when_none_mention_all(client, poems):
    lonely = FeatureFactory(name="Macroglossia", slug="macroglossia")
    MentionFactory(feature=lonely, condition=ConditionFactory(name="AL amyloidosis"))

    html = client.get("/?feature=macroglossia&feature=polyneuropathy").content.decode()

    assert "mention at least one of your 2 features; none mentions all 2." in html
    assert "AL amyloidosis" in html and "POEMS syndrome" in html


def test_search_without_javascript_lists_matching_features(client, poems):
    html = client.get("/?q=enlarged+liv&feature=purpura").content.decode()
    assert 'value="hepatomegaly"' in html
    assert "Features to tick, matching “enlarged liv”" in html


def test_suggest_endpoint_renders_partial_for_htmx_and_redirects_otherwise(client, poems):
    partial = client.get("/suggest/?q=purp", headers=HTMX)
    assert partial.status_code == 200
    assert 'value="purpura"' in partial.content.decode()
    assert "<html" not in partial.content.decode()

    plain = client.get("/suggest/?q=purp&feature=polyneuropathy")
    assert plain.status_code == 302
    assert plain.url == "/?q=purp&feature=polyneuropathy"


def test_results_are_paged_fifty_at_a_time(client, settings):
    feature = FeatureFactory(name="Fatigue", slug="fatigue")
    for n in range(55):
        MentionFactory(feature=feature, condition=ConditionFactory(name=f"Condition {n:02}"))

    first = client.get("/?feature=fatigue")
    second = client.get("/?feature=fatigue&page=2")
    beyond = client.get("/?feature=fatigue&page=99")
    junk = client.get("/?feature=fatigue&page=abc")

    assert len(first.context["results"]) == 50
    assert [r.condition.name for r in second.context["results"]][0] == "Condition 50"
    assert beyond.context["page"].number == 2
    assert junk.context["page"].number == 1
    html = first.content.decode()
    assert "(page 1 of 2)" in html
    assert '<span aria-current="page"><span class="visually-hidden">Page </span>1</span>' in html
    assert 'href="?feature=fatigue&amp;page=2#results"' in html


def test_results_cache_is_invalidated_by_edits(client, poems):
    assert "POEMS syndrome" in client.get("/?feature=purpura").content.decode()
    poems.status = "draft"
    poems.save()
    assert "POEMS syndrome" not in client.get("/?feature=purpura").content.decode()


def test_post_is_not_allowed(client):
    assert client.post("/").status_code == 405


def test_rendered_results_are_cached_until_content_changes(
    client, poems, django_assert_num_queries
):
    url = "/?feature=purpura"
    first = client.get(url).content
    with django_assert_num_queries(1):  # only the content version is read
        assert client.get(url).content == first
    partial = client.get(url, headers=HTMX).content
    assert partial != first  # the htmx rendering is cached apart from the full page

    poems.name = "POEMS syndrome (Crow–Fukase)"
    poems.save()

    assert "Crow–Fukase" in client.get(url).content.decode()
    assert "Crow–Fukase" in client.get(url, headers=HTMX).content.decode()


def test_logged_in_staff_never_get_cached_pages(client, poems, admin_user, monkeypatch):
    class RecordingCache:
        def __init__(self):
            self.used = []

        def get(self, key):
            self.used.append("get")

        def set(self, key, value, timeout):
            self.used.append("set")

    recording = RecordingCache()
    monkeypatch.setattr(response_cache, "cache", recording)
    client.get("/?feature=purpura")
    assert recording.used == ["get", "set"]  # a visitor's page is looked up and stored

    client.force_login(admin_user)
    recording.used.clear()
    assert "POEMS syndrome" in client.get("/?feature=purpura").content.decode()
    assert recording.used == []  # staff pages are rendered afresh and never stored


def test_each_result_lists_its_sources_once_and_numbers_them(client):
    liver, nerves = FeatureFactory(name="Hepatomegaly"), FeatureFactory(name="Polyneuropathy")
    orphanet = SourceFactory(title="Orphanet: POEMS syndrome", url="https://www.orpha.net/x")
    review = SourceFactory(title="A 2019 review", url="https://example.org/review")
    poems = ConditionFactory(name="POEMS syndrome", slug="poems")
    MentionFactory(condition=poems, feature=liver, sources=[orphanet, review])
    MentionFactory(condition=poems, feature=nerves, sources=[review], references="PMID:123")
    mgus = ConditionFactory(name="MGUS", slug="mgus")
    MentionFactory(condition=mgus, feature=nerves, sources=[orphanet])

    html = client.get(f"/?feature={liver.slug}&feature={nerves.slug}").content.decode()

    # Short anchors (c<id>), as every citation repeats them.
    p, m = f"c{poems.pk}", f"c{mgus.pk}"
    poems_card = html[html.index(f'id="{p}"') : html.index(f'id="{m}"')]
    # Numbered in the order the statements cite them (a mention's sources by title), each
    # source written once.
    assert poems_card.count('href="https://www.orpha.net/x"') == 1
    assert poems_card.count('href="https://example.org/review"') == 1
    assert f'<li id="{p}-1"><a href="https://example.org/review"' in poems_card
    assert f'<li id="{p}-2"><a href="https://www.orpha.net/x"' in poems_card
    assert f'(sources <a href="#{p}-1">1</a>, <a href="#{p}-2">2</a>)' in poems_card
    assert f'(sources <a href="#{p}-1">1</a>, <a href="#{p}-3">3</a>)' in poems_card
    assert f'<li id="{p}-3">HPO annotation: <a href="https://pubmed.ncbi.nlm.nih.gov/123/"' in (
        poems_card
    )
    # One source for everything a result says: named once, no numbers.
    mgus_card = html[html.index(f'id="{m}"') :]
    assert "Source of everything above" in mgus_card and f"#{m}-" not in mgus_card


def test_stored_text_is_escaped_everywhere_a_result_shows_it(client):
    """Results are built from escaped snippets in Python: every stored field must come out inert."""
    evil = '<img src=x onerror="alert(1)">'
    broad = FeatureFactory(name=f"Broad {evil}", plain_name=f"broad {evil}", slug="broad")
    narrow = FeatureFactory(name=f"Narrow {evil}", plain_name=f"narrow {evil}", parents=[broad])
    gone = FeatureFactory(name=f"Gone {evil}", slug="gone")
    condition = ConditionFactory(name=f"Cond {evil}", summary=f"Summary {evil}", slug="cond")
    source = SourceFactory(
        title=f"Title {evil}", publisher=f"Pub {evil}", url="https://e.org/?a=1&b=2"
    )
    MentionFactory(
        condition=condition, feature=narrow, sources=[source], references=f"PMID:1;X:{evil}"
    )
    MentionFactory(condition=condition, feature=gone, is_absent=True, evidence="TAS")
    other = SourceFactory(title="Other")
    MentionFactory(condition=ConditionFactory(), feature=narrow, sources=[other])

    html = client.get("/?feature=broad&feature=gone").content.decode()

    assert "<img" not in html and 'onerror="alert' not in html
    assert html.count("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;") >= 8
    assert 'href="https://e.org/?a=1&amp;b=2"' in html


def test_a_card_bolds_each_ticked_feature_and_names_the_specific_one_met_plainly(client, poems):
    html = client.get("/?feature=organomegaly&feature=purpura").content.decode()
    card = html[html.index('class="result"') :]
    # The ticked feature in bold, the more specific one its sources mention beside it, not bold.
    assert "<li><b>Organomegaly</b> as Enlarged liver" in card
    assert '<span class="term">(Hepatomegaly)</span>' in card
    assert "<li><b>Purpura</b>: " in card


def test_a_cards_source_gives_its_pubmed_id_and_doi_as_links(client):
    paper = SourceFactory(title="A 2019 review", pmid="31234567", doi="10.1000/xyz123")
    purpura = FeatureFactory(name="Purpura", slug="purpura")
    MentionFactory(condition=ConditionFactory(name="MGUS"), feature=purpura, sources=[paper])

    html = client.get("/?feature=purpura").content.decode()

    assert 'PMID <a href="https://pubmed.ncbi.nlm.nih.gov/31234567/"' in html
    assert 'doi:<a href="https://doi.org/10.1000/xyz123"' in html
