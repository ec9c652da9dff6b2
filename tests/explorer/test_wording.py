"""The site never diagnoses: no rendered page may use diagnostic or risk wording."""

import re

import pytest

from conditions.models import BodySystem, Condition, Feature

FORBIDDEN = re.compile(
    r"you have|you may have|your diagnosis|likely diagnosis|probability|risk score|% match",
    re.IGNORECASE,
)

pytestmark = pytest.mark.django_db


def visible_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def public_pages():
    """(url, headers) for every kind of page, over all the curated content."""
    features = list(Feature.objects.tickable().values_list("slug", flat=True))
    pages = ["/", "/about/", "/conditions/", "/body-systems/", "/?q=bruising"]
    pages.append("/?" + "&".join(f"feature={slug}" for slug in features[:30]))
    pages += [f"/features/{slug}/" for slug in features]
    pages += [c.get_absolute_url() for c in Condition.objects.published()]
    pages += [s.get_absolute_url() for s in BodySystem.objects.all()]
    full = [(url, {}) for url in pages]
    # Each feature's results, as the htmx partial (the page around it is covered above).
    partials = [(f"/?feature={slug}", {"HX-Request": "true"}) for slug in features]
    return full + partials


def test_no_page_uses_diagnostic_wording(client, curated_content):
    pages = public_pages()
    assert len(pages) > 200
    for url, headers in pages:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, url
        found = FORBIDDEN.search(visible_text(response.content.decode()))
        assert found is None, f"{url}: {found.group(0)!r}"


def test_the_checker_catches_diagnostic_wording():
    assert FORBIDDEN.search(visible_text("<p>Based on this, <b>you may have</b> POEMS</p>"))
    assert FORBIDDEN.search("a 95% match")
