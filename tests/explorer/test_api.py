"""The JSON API: the same answers as the pages, its notice on every answer, caching, CORS, limits."""

import json

import pytest
from django.core.cache import cache
from openapi_spec_validator import validate

from conditions.models import Feature
from tests.factories import ConditionFactory, MentionFactory

pytestmark = pytest.mark.django_db


def api(client, url, **headers):
    response = client.get(url, headers=headers)
    return response, json.loads(response.content)


def assert_notice(body):
    assert body["hpo_release"] == "2025-01-16"
    assert "Human Phenotype Ontology (version 2025-01-16)" in body["licence"]
    assert "not for diagnosis" in body["note"] and "not a likelihood" in body["note"]


def page_context(client, url):
    """The results page's template context (cache cleared first, so the page renders)."""
    cache.clear()
    return client.get(url).context


def page_answer(client, url):
    """What the results page shows, from its template context."""
    context = page_context(client, url)
    return {
        "total": context["total"],
        "complete": context["complete_count"],
        "page": context["page"].number,
        "pages": context["paginator"].num_pages,
        "features": [f.slug for f in context["features"]],
        "unknown": context["unknown"],
        "facets": context["facets"].options if context["facets"] else {},
        "results": [
            (
                r.condition.slug,
                [
                    (h.ticked.slug, [(m.feature.slug, m.frequency_label) for m in h.mentions])
                    for h in r.hits
                ],
                sorted(f.slug for f in r.ticked if f.pk in r.absent_for),
                [f.slug for f in r.missing],
            )
            for r in context["results"]
        ],
    }


def api_answer(body):
    return {
        "total": body["total"],
        "complete": body["complete_count"],
        "page": body["page"],
        "pages": body["pages"],
        "features": [f["slug"] for f in body["features"]],
        "unknown": body["unknown"],
        "facets": body["facets"],
        "results": [
            (
                r["condition"]["slug"],
                [
                    (
                        h["ticked"]["slug"],
                        [(m["feature"]["slug"], m["frequency"]) for m in h["mentions"]],
                    )
                    for h in r["hits"]
                ],
                sorted(a["ticked"]["slug"] for a in r["documented_absent"]),
                [f["slug"] for f in r["not_mentioned"]],
            )
            for r in body["results"]
        ],
    }


@pytest.mark.parametrize(
    "query",
    [
        "feature=purpura&feature=organomegaly",
        "feature=purpura&feature=organomegaly&page=2",
        "feature=HP:0000979&feature=splenomegaly&feature=nothing-like-this",
        "feature=organomegaly&page=99",
        "feature=purpura",
        "feature=purpura&feature=organomegaly&order=name",
        "feature=purpura&feature=organomegaly&onset=adult",
        "feature=purpura&feature=organomegaly&onset=childhood&onset=adult&inheritance=autosomal_recessive",
        "feature=purpura&feature=organomegaly&order=nonsense&source=nowhere",
        "",
    ],
)
def test_explore_answers_equal_the_results_page(client, open_data, query):
    response, body = api(client, f"/api/explore?{query}")

    assert response.status_code == 200
    assert api_answer(body) == page_answer(client, f"/?{query}")
    assert_notice(body)
    assert body["order"] == page_context(client, f"/?{query}")["order_rule"]


def test_explore_explains_each_result_with_frequencies_and_sources(client, open_data):
    _, body = api(client, "/api/explore?feature=organomegaly&feature=purpura&order=name")

    poems = body["results"][0]
    assert poems["condition"]["slug"] == "poems" and poems["ticked_mentioned"] == 2
    organ, purple = poems["hits"]
    assert organ["exact"] is False and organ["mentions_total"] == 2  # through liver and spleen
    assert [m["feature"]["slug"] for m in organ["mentions"]] == ["hepatomegaly", "splenomegaly"]
    assert organ["mentions"][0]["frequency"] == "Frequent (30–79%)"
    assert purple["mentions"][0]["frequency"] == "45 of 50 people studied"
    assert purple["mentions"][0]["sources"][0]["url"] == "https://www.orpha.net/x"
    absent = next(r for r in body["results"] if r["condition"]["slug"] == "absent-case")
    assert absent["documented_absent"][0]["ticked"]["slug"] == "purpura"
    assert absent["documented_absent"][0]["statement"]["documented_absent"] is True
    assert body["csv"].endswith("/results.csv?feature=organomegaly&feature=purpura&order=name")
    assert body["filters"] == {"reviewed": False, "source": [], "onset": [], "inheritance": []}


def test_feature_search_equals_the_search_box(client, open_data):
    _, body = api(client, "/api/features?q=bruise")
    page = client.get("/?q=bruise").context["suggestions"]

    assert [f["slug"] for f in body["results"]] == [m.feature.slug for m in page] == ["purpura"]
    assert body["results"][0]["matched_text"] == "bruise-like spots"
    assert_notice(body)


def test_feature_search_finds_an_hpo_id(client, open_data):
    _, body = api(client, "/api/features?q=hp:0000979")
    assert body["results"][0]["slug"] == "purpura"


def test_feature_by_slug_or_hpo_id(client, open_data):
    by_slug = api(client, "/api/features/organomegaly")[1]
    by_id = api(client, "/api/features/HP:0040195")[1]

    assert by_slug == by_id
    assert by_slug["conditions_mentioning"] == 5  # poems, absent-case and three through liver
    assert [c["slug"] for c in by_slug["children"]] == ["hepatomegaly", "splenomegaly"]
    assert by_slug["explore"].endswith("/api/explore?feature=organomegaly")
    missing, body = api(client, "/api/features/HP:9999999")
    assert missing.status_code == 404 and "HP:9999999" in body["detail"]
    assert_notice(body)


def test_condition_search_equals_the_conditions_page(client, open_data):
    for query in ["poems", "2905", "condition", ""]:
        _, body = api(client, f"/api/conditions?q={query}")
        page = client.get(f"/conditions/?q={query}").context["page"]
        assert [c["slug"] for c in body["results"]] == [c.slug for c in page.object_list]
        assert body["total"] == page.paginator.count


def test_condition_lists_its_mentions_with_sources(client, open_data):
    _, body = api(client, "/api/conditions/poems")

    assert body["codes"] == [
        {"scheme": "ORPHA", "code": "2905", "url": "https://www.orpha.net/en/disease/detail/2905"}
    ]
    page = client.get("/conditions/poems/").context["page"]
    assert [m["feature"]["slug"] for m in body["mentions"]] == [
        m.feature.slug for m in page.present
    ]
    assert sorted(m["feature"]["slug"] for m in body["mentions"]) == [
        "hepatomegaly",
        "purpura",
        "splenomegaly",
    ]
    liver = next(m for m in body["mentions"] if m["feature"]["slug"] == "hepatomegaly")
    assert liver["frequency"] == "Frequent (30–79%)"
    assert liver["sources"] == [
        {
            "title": "Orphanet: POEMS syndrome",
            "url": "https://www.orpha.net/x",
            "publisher": "Example Publisher",
            "frequency": "Frequent (30–79%)",
            "documented_absent": False,
        }
    ]
    assert body["features_csv"].endswith("/conditions/poems/features.csv")
    _, absent = api(client, "/api/conditions/absent-case")
    assert [m["feature"]["slug"] for m in absent["documented_absent"]] == ["purpura"]
    assert api(client, "/api/conditions/nope")[0].status_code == 404


def test_too_many_features_is_a_clear_4xx(client, open_data):
    query = "&".join(["feature=purpura"] * 31)
    response, body = api(client, f"/api/explore?{query}")
    assert response.status_code == 422
    assert "feature: List should have at most 30 items" in body["detail"]
    assert_notice(body)


def test_bad_parameter_is_a_clear_4xx_with_the_notice(client, open_data):
    response, body = api(client, "/api/explore?feature=purpura&page=first")
    assert response.status_code == 422
    assert "page" in body["detail"]
    assert_notice(body)


def test_answers_are_open_to_any_origin_and_cached_until_content_changes(client, open_data):
    first, body = api(client, "/api/explore?feature=purpura")
    assert first["Access-Control-Allow-Origin"] == "*"
    purpura = Feature.objects.get(slug="purpura")
    MentionFactory(condition=ConditionFactory(name="Aaa new"), feature=purpura)
    # The edit bumped the content version: the same URL answers afresh, still with CORS.
    again, fresh = api(client, "/api/explore?feature=purpura")
    assert again["Access-Control-Allow-Origin"] == "*"
    assert fresh["total"] == body["total"] + 1


def test_cached_answer_is_served_without_asking_again(
    client, open_data, django_assert_max_num_queries
):
    api(client, "/api/conditions/poems")
    with django_assert_max_num_queries(1):  # the content version only
        response, body = api(client, "/api/conditions/poems")
    assert response.status_code == 200 and body["condition"]["slug"] == "poems"
    assert response["Access-Control-Allow-Origin"] == "*"


def test_explore_is_limited_per_address(client, open_data, settings, still_clock):
    settings.EXPLORER_RATE_LIMITS = {"explore": 2, "download": 1}
    for page in (1, 2):
        assert api(client, f"/api/explore?feature=purpura&page={page}")[0].status_code == 200
    response, body = api(client, "/api/explore?feature=purpura&page=3")
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert_notice(body)
    other = client.get("/api/explore?feature=purpura&page=4", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200  # another address has its own allowance


def test_trusted_proxy_setting_decides_whose_address_counts(rf, settings):
    from explorer.ratelimit import client_address

    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request) == "10.0.0.1"  # a header anyone can write is ignored
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request) == "203.0.113.7"  # what our one proxy saw, not the claim
    settings.TRUSTED_PROXY_COUNT = 3
    assert client_address(request) == "10.0.0.1"  # fewer entries than proxies: not trusted


def test_openapi_schema_is_valid_openapi(client, open_data):
    response, schema = api(client, "/api/openapi.json")
    assert response.status_code == 200
    validate(schema)
    assert set(schema["paths"]) == {
        "/api/features",
        "/api/features/{key}",
        "/api/conditions",
        "/api/conditions/{slug}",
        "/api/explore",
        "/api/compare",
    }


def test_docs_page_loads_its_scripts_from_our_origin(client):
    html = client.get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()


def test_page_size_shrinks_with_the_features_ticked_as_on_the_page(client, open_data, settings):
    settings.EXPLORER_PAGE_SIZE, settings.EXPLORER_PAGE_LINES = 50, 40
    one = api(client, "/api/explore?feature=purpura")[1]
    two = api(client, "/api/explore?feature=purpura&feature=organomegaly")[1]
    assert (one["page_size"], two["page_size"]) == (40, 20)
    page = page_context(client, "/?feature=purpura&feature=organomegaly")
    assert page["paginator"].per_page == 20


@pytest.mark.parametrize("path", ["/api/explore?feature=purpura&page=0", "/api/conditions?page=-1"])
def test_a_page_below_one_is_refused_with_a_clear_422(client, open_data, path):
    """Paging goes through Paginator.get_page, which would show the last page for 0; the schema
    refuses it instead (past the last page still gives the last page)."""
    response = client.get(path)

    assert response.status_code == 422
    assert "page" in response.content.decode()
