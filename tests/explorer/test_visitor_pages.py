"""Error pages in the site's layout, and compression for public pages only (BREACH)."""

import gzip

import pytest
from django.template.loader import render_to_string
from django.test import override_settings

from tests.factories import FeatureFactory, MentionFactory

pytestmark = pytest.mark.django_db


def test_404_uses_the_site_layout_and_points_somewhere_useful(client):
    response = client.get("/conditions/no-such-condition/")
    html = response.content.decode()
    assert response.status_code == 404
    assert 'class="site-header"' in html and "We could not find that page" in html
    assert 'name="viewport"' in html  # fits a phone
    assert 'href="/conditions/"' in html


def test_500_renders_without_a_request_or_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = render_to_string("500.html")
    assert "Something went wrong on our side" in html and 'class="site-header"' in html


def test_400_page_uses_the_layout():
    html = render_to_string("400.html")
    assert "Something in that address was not right" in html and 'class="site-footer"' in html


def test_public_results_are_compressed(client):
    MentionFactory(feature=FeatureFactory(name="Purpura", slug="purpura"))
    response = client.get("/?feature=purpura", headers={"Accept-Encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    assert b"Purpura" in gzip.decompress(response.content)


@override_settings(LOGIN_URL="/admin/login/")
def test_a_page_with_a_csrf_token_is_never_compressed(client):
    response = client.get("/admin/login/", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content
    assert not response.has_header("Content-Encoding")


def test_a_signed_in_visitor_gets_pages_uncompressed(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/about/", headers={"Accept-Encoding": "gzip"})
    assert not response.has_header("Content-Encoding")
