"""The staff's admin pages run under the same strict CSP: no console errors or violations there."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.browser.conftest import save_screenshot

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


def log_in(site, page):
    get_user_model().objects.create_superuser(
        "editor", "editor@example.invalid", "a-long-test-password"
    )
    page.goto(f"{site}/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()


def test_a_big_condition_page_fits_the_screen_saves_and_looks_up_ranked(site, page):
    from conditions.models import Condition, Feature, Mention

    poems = Condition.objects.get(name="POEMS syndrome")
    features = Feature.objects.bulk_create(
        Feature(name=f"Finding {i:03}", slug=f"finding-{i:03}", hpo_id=f"HP:09{i:05}")
        for i in range(150)
    )
    Mention.objects.bulk_create(Mention(condition=poems, feature=f, origin="hpo") for f in features)
    Feature.objects.create(name="Fever", slug="fever", plain_name="high temperature")
    hay = Feature.objects.create(name="Allergic rhinitis", slug="allergic-rhinitis")
    hay.synonyms.create(text="Hay fever")
    log_in(site, page)

    page.goto(f"{site}/admin/conditions/condition/{poems.pk}/change/")
    heading = page.locator("#mentions-table-heading")
    expect(heading).to_contain_text("Mentions (15")  # 150 added to the content's own
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366  # no sideways scrolling
    save_screenshot(page, "admin-condition-desktop")

    # The feature look-up in "Add mentions" offers the meant term first.
    page.locator("#mentions-0 .select2-selection--single").first.click()
    page.locator(".select2-dropdown .select2-search__field").fill("fever")
    first = page.locator(".select2-dropdown .select2-results__option").first
    expect(first).to_contain_text("high temperature (Fever)")
    page.keyboard.press("Escape")

    page.get_by_label("Plain-language summary:").fill("A rare condition; a plain summary.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    poems.refresh_from_db()
    assert poems.summary == "A rare condition; a plain summary."
