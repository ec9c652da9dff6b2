"""Public pages are cacheable by browsers and shared proxies; staff and admin pages stay private."""

import pytest
from django.conf import settings

from conditions import content_version
from tests.factories import ConditionFactory, FeatureFactory, MentionFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def content():
    purpura = FeatureFactory(name="Purpura", slug="purpura")
    condition = ConditionFactory(name="MGUS", slug="mgus")
    MentionFactory(condition=condition, feature=purpura)
    return condition


PUBLIC_PAGES = [
    "/",
    "/?feature=purpura",
    "/conditions/",
    "/conditions/mgus/",
    "/features/purpura/",
    "/body-systems/",
    "/about/",
    "/compare/",
    "/api/explore?feature=purpura",
    "/api/features?q=purp",
    "/api/conditions/mgus",
]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_anonymous_public_pages_are_shareable_and_never_vary_on_cookies(client, content, url):
    response = client.get(url)

    assert response.status_code == 200
    control = response.headers["Cache-Control"]
    assert "public" in control and "private" not in control
    assert f"max-age={settings.PUBLIC_CACHE_MAX_AGE}" in control
    assert "stale-while-revalidate=" in control
    assert response.headers["ETag"]
    assert "Cookie" not in response.headers.get("Vary", "")
    assert not response.cookies  # nothing per visitor was set either


@pytest.mark.parametrize("url", [url for url in PUBLIC_PAGES if not url.startswith("/api/")])
def test_a_head_request_gets_the_pages_headers_without_its_body(client, content, url):
    """Link checkers, proxies and monitors ask HEAD: answer as GET would, without the body."""
    page = client.get(url)
    head = client.head(url)

    assert head.status_code == 200 and not head.content
    assert head.headers["ETag"] == page.headers["ETag"]
    assert head.headers["Content-Type"] == page.headers["Content-Type"]


def test_a_conditional_request_answers_304_until_the_content_changes(client, content):
    first = client.get("/conditions/mgus/")
    etag = first.headers["ETag"]

    again = client.get("/conditions/mgus/", headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.content
    assert again.headers["ETag"] == etag and "public" in again.headers["Cache-Control"]

    content.name = "Monoclonal gammopathy"
    content.save()  # any edit moves the content version on

    changed = client.get("/conditions/mgus/", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "Monoclonal gammopathy" in changed.content.decode()
    assert changed.headers["ETag"] != etag


def test_the_etag_is_the_content_version_and_tells_full_pages_from_htmx_ones(client, content):
    full = client.get("/?feature=purpura").headers["ETag"]
    partial = client.get("/?feature=purpura", headers=HTMX).headers["ETag"]

    assert content_version.current() in full and full != partial
    # The full page's tag does not validate the partial (the URL is the same, Vary: HX-Request).
    response = client.get("/?feature=purpura", headers={**HTMX, "If-None-Match": full})
    assert response.status_code == 200


def test_a_random_extra_parameter_is_served_from_the_same_cached_page(
    client, content, django_assert_num_queries
):
    client.get("/?feature=purpura")
    with django_assert_num_queries(1):  # the content version only: no rendering
        response = client.get("/?feature=purpura&cachebuster=12345")
    assert response.status_code == 200 and "MGUS" in response.content.decode()


def test_a_page_one_worker_rendered_is_served_by_the_others_from_the_shared_cache(
    client, content, settings, tmp_path, monkeypatch
):
    from django.core.cache import caches

    settings.CACHES = {  # as deployed without Redis: files shared by the server's workers
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "shared"),
        },
        "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "a"},
    }
    first = client.get("/?feature=purpura")
    assert first.status_code == 200 and "MGUS" in first.content.decode()

    # Another worker: its own memory holds nothing, and it must not rank the question again.
    caches["local"].clear()
    monkeypatch.setattr("explorer.views.explain", lambda *a, **k: pytest.fail("rendered again"))
    again = client.get("/?feature=purpura")
    assert again.content == first.content
    assert again.headers["ETag"] == first.headers["ETag"]
    # ...and keeps its own copy, read without touching the shared files next time.
    caches["default"].clear()
    assert client.get("/?feature=purpura").content == first.content


def test_staff_pages_stay_private(admin_client, content):
    for url in ["/?feature=purpura", "/conditions/mgus/"]:
        response = admin_client.get(url)
        assert "private" in response.headers["Cache-Control"]
        assert "public" not in response.headers["Cache-Control"]
        assert "ETag" not in response.headers
    admin = admin_client.get("/admin/")
    assert "private" in admin.headers["Cache-Control"]
    assert "Cookie" in admin.headers["Vary"]


def test_pages_that_are_not_found_are_not_marked_shareable(client, content):
    response = client.get("/conditions/no-such-thing/")
    assert response.status_code == 404
    assert "public" not in response.get("Cache-Control", "")


def test_uncached_questions_are_limited_per_address_and_cached_ones_stay_free(
    client, content, settings, still_clock
):
    settings.EXPLORER_RATE_LIMITS = {**settings.EXPLORER_RATE_LIMITS, "explore": 3}
    for page in range(1, 4):  # three questions nobody asked before
        assert client.get(f"/?feature=purpura&page={page}").status_code == 200

    refused = client.get("/?feature=purpura&page=4")
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert "wait a minute" in refused.content.decode()
    # A question already answered is served from the cache: no limit applies.
    assert client.get("/?feature=purpura&page=2").status_code == 200
    # Another visitor, at another address, is let through.
    other = client.get("/?feature=purpura&page=4", REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 200 and "MGUS" in other.content.decode()


def test_a_client_asking_as_fast_as_it_can_gets_a_few_at_once_then_the_steady_rate(
    client, content, settings, monkeypatch
):
    settings.EXPLORER_RATE_LIMITS = {**settings.EXPLORER_RATE_LIMITS, "explore": 120}
    settings.EXPLORER_RATE_BURST = 3
    clock = [1_800_000_000.0]
    monkeypatch.setattr("explorer.ratelimit._now", lambda: clock[0])
    questions = (f"/?feature=purpura&page={n}" for n in range(1, 100))

    def ask() -> int:
        return client.get(next(questions)).status_code

    assert [ask() for _ in range(4)] == [200, 200, 200, 429]  # the burst, not the minute's 120
    refused = client.get(next(questions))
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
    clock[0] += 0.5  # 120 a minute: one more every half second
    assert [ask(), ask()] == [200, 429]
    clock[0] += 3600  # after a long pause, the burst again, never more
    assert [ask() for _ in range(4)] == [200, 200, 200, 429]


def test_behind_a_trusted_proxy_each_forwarded_address_has_its_own_limit(
    client, content, settings, still_clock
):
    settings.EXPLORER_RATE_LIMITS = {**settings.EXPLORER_RATE_LIMITS, "explore": 1}
    settings.TRUSTED_PROXY_COUNT = 1
    first = {"X-Forwarded-For": "198.51.100.1"}
    second = {"X-Forwarded-For": "spoofed, 198.51.100.2"}
    assert client.get("/?feature=purpura&page=1", headers=first).status_code == 200
    assert client.get("/?feature=purpura&page=2", headers=first).status_code == 429
    assert client.get("/?feature=purpura&page=3", headers=second).status_code == 200


def test_the_more_features_are_ticked_the_fewer_results_a_page_lists(client, settings):
    from explorer.views import results_per_page

    assert results_per_page(1) == results_per_page(5) == settings.EXPLORER_PAGE_SIZE == 50
    assert results_per_page(10) == 25
    assert results_per_page(30) == 10
    assert results_per_page(1000) == 10
    features = [FeatureFactory(slug=f"f{i}") for i in range(30)]
    for n in range(20):
        MentionFactory(condition=ConditionFactory(name=f"Condition {n:02d}"), feature=features[0])
    query = "&".join(f"feature=f{i}" for i in range(30))
    response = client.get(f"/?{query}")
    assert response.context["page"].paginator.per_page == 10
    assert len(response.context["results"]) == 10 and response.context["total"] == 20
