"""The staff's admin pages run under the same strict CSP: no console errors or violations there."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_admin_login_and_changelists_are_clean(site, page):
    get_user_model().objects.create_superuser(
        "editor", "editor@example.invalid", "a-long-test-password"
    )

    page.goto(f"{site}/admin/")
    expect(page).to_have_url(f"{site}/admin/login/?next=/admin/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    expect(
        page.get_by_role("heading", name="Curate conditions, features and sources")
    ).to_be_visible()

    page.goto(f"{site}/admin/conditions/condition/")
    expect(page.locator("#result_list")).to_contain_text("POEMS syndrome")
    page.goto(f"{site}/admin/conditions/feature/?q=purpura")
    expect(page.locator("#result_list")).to_contain_text("Purpura")
    page.locator("#result_list a", has_text="Purpura").first.click()
    expect(page.get_by_label("Medical name")).to_have_value("Purpura")
    # Failed requests, console errors and CSP violations fail the test through the `page` fixture.
