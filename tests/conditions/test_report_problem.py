"""“Report a problem with this page”: a plain form, CSRF-protected, rate-limited, no account."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from conditions.models import ProblemReport

pytestmark = pytest.mark.django_db


def send(client, message="The frequency of fever looks wrong.", page="/conditions/mgus/", **extra):
    return client.post(
        "/report-a-problem/", {"page": page, "message": message, **extra}, REMOTE_ADDR="10.0.0.1"
    )


def test_every_page_links_to_a_report_form_about_itself(client):
    response = client.get("/about/")
    assert b'href="/report-a-problem/?page=%2Fabout%2F"' in response.content
    form = client.get("/report-a-problem/?page=/about/")
    assert form.status_code == 200
    assert b'name="page" value="/about/"' in form.content
    assert b"csrfmiddlewaretoken" in form.content
    assert "no-store" in form["Cache-Control"] or "private" in form["Cache-Control"]


def test_the_report_keeps_the_query_of_the_page_it_came_from(client):
    form = client.get(
        "/report-a-problem/?page=/",
        headers={"Referer": "http://testserver/?feature=purpura&feature=fever"},
    )
    assert b'value="/?feature=purpura&amp;feature=fever"' in form.content
    elsewhere = client.get(
        "/report-a-problem/?page=/", headers={"Referer": "https://evil.example/?x=1"}
    )
    assert b'name="page" value="/"' in elsewhere.content


def test_a_report_is_saved_open_and_the_visitor_is_thanked(client):
    response = send(client)
    assert response.status_code == 302
    assert response["Location"] == "/report-a-problem/thanks/?page=%2Fconditions%2Fmgus%2F"
    [report] = ProblemReport.objects.all()
    assert (report.page, report.status) == ("/conditions/mgus/", "open")
    assert "10.0.0.1" not in report.sender  # a keyed hash, not the address
    assert b"Back to the page" in client.get(response["Location"]).content


def test_a_post_without_the_csrf_token_is_refused():
    client = Client(enforce_csrf_checks=True)
    assert send(client).status_code == 403
    assert not ProblemReport.objects.exists()


@pytest.mark.parametrize("page", ["https://evil.example/", "//evil.example/", "about/"])
def test_reports_only_about_pages_of_this_site(client, page):
    response = send(client, page=page)
    assert response.status_code == 400
    assert not ProblemReport.objects.exists()


def test_an_empty_message_is_a_clear_400(client):
    response = send(client, message="  ")
    assert response.status_code == 400
    assert b"This field is required" in response.content or b"a little more" in response.content


def test_one_address_is_limited_per_hour(client, settings):
    settings.PROBLEM_REPORTS_PER_HOUR = 2
    assert send(client).status_code == 302
    assert send(client).status_code == 302
    refused = send(client)
    assert refused.status_code == 429
    assert b"try again later" in refused.content
    assert ProblemReport.objects.count() == 2
    other = client.post(
        "/report-a-problem/",
        {"page": "/", "message": "A broken link."},
        REMOTE_ADDR="10.0.0.2",
    )
    assert other.status_code == 302


def test_editors_see_and_close_reports_in_the_admin(client, editors_group):
    send(client)
    report = ProblemReport.objects.get()
    editor = User.objects.create_user("ed", password="pw", is_staff=True)
    editor.groups.add(editors_group)
    client.force_login(editor)
    listing = client.get("/admin/conditions/problemreport/?status__exact=open")
    assert b"The frequency of fever looks wrong." in listing.content
    response = client.post(
        "/admin/conditions/problemreport/",
        {"action": "close", "_selected_action": [report.pk]},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "closed"
    assert report.closed_by == editor
    assert report.closed_at is not None
    assert client.get("/admin/conditions/problemreport/add/").status_code == 403
