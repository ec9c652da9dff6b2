"""The search box's "show all": every feature a query finds, ticked across pages, with JavaScript
and without."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import ConditionFactory, FeatureFactory, MentionFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def seizures(site):
    for i in range(60):
        feature = FeatureFactory(name=f"Seizure type {i:02d}")
        MentionFactory(
            feature=feature, condition=ConditionFactory(name=f"Seizure disorder {i:02d}")
        )
    return site


def test_show_all_keeps_ticks_across_pages_with_javascript(seizures, page):
    page.goto(seizures + "/")
    page.locator("#feature-search").press_sequentially("seizure", delay=30)
    show_all = page.get_by_role("link", name="Show all 60 features matching “seizure”")
    show_all.focus()
    page.keyboard.press("Enter")  # keyboard only
    expect(page).to_have_url(re.compile(r"/features/\?q=seizure"))
    expect(page.locator("#matches-count")).to_contain_text("60 features match “seizure”")
    page.get_by_label(re.compile(r"^Seizure type 01 \(1 condition\)")).check()
    page.locator(".pagination").get_by_role("link", name="Page 2").click()
    expect(page.get_by_role("group", name="Features to tick, 51–60 of 60")).to_be_visible()
    expect(page).to_have_url(re.compile(r"page=2"))
    page.get_by_label(re.compile(r"^Seizure type 55")).check()
    page.get_by_role("button", name="Show conditions").click()
    expect(page).to_have_url(re.compile(r"feature=seizure-type-01.*feature=seizure-type-55"))
    results = page.locator("#results")
    expect(results).to_contain_text("Seizure disorder 01")
    expect(results).to_contain_text("Seizure disorder 55")


def test_show_all_works_without_javascript(seizures, open_page):
    page = open_page(java_script_enabled=False)
    page.goto(seizures + "/?q=seizure&find=1")
    page.get_by_role("link", name="Show all 60 features matching “seizure”").click()
    page.locator(".pagination").get_by_role("link", name="Page 2").click()
    expect(page).to_have_url(re.compile(r"page=2#matches"))
    page.get_by_label(re.compile(r"^Seizure type 59")).check()
    page.get_by_role("button", name="Show conditions").click()
    expect(page.locator("#results")).to_contain_text("Seizure disorder 59")
