"""The open-data pages in Chromium: the API docs work under the strict CSP, the phenopacket page
passes axe and fits a phone, and a saved selection opens back to the same results."""

import json

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from .conftest import PHONE, save_screenshot
from .test_pages import THREE, sideways_overflow

pytestmark = pytest.mark.browser


def test_api_docs_work_under_the_strict_csp(curated_site, page):
    page.goto(f"{curated_site}/api/docs")

    explore = page.locator(".opblock", has_text="/api/explore")
    expect(explore).to_be_visible()
    save_screenshot(page, "api-docs-desktop")
    # Try a call from the docs page itself: its scripts and its request are both same-origin.
    explore.locator(".opblock-summary").click()
    page.get_by_role("button", name="Try it out").click()
    explore.locator("input[placeholder='page']").fill("1")
    page.get_by_role("button", name="Execute").click()
    expect(
        explore.locator(".live-responses-table tbody td.response-col_status").first
    ).to_have_text("200")
    expect(explore.locator(".live-responses-table")).to_contain_text("not a likelihood")
    # (The page fixture fails the test on any CSP violation, console error or failed request.)


def test_phenopacket_page_fits_a_phone_and_passes_axe(curated_site, open_page):
    page = open_page(viewport=PHONE)
    page.goto(f"{curated_site}/phenopacket/")
    assert sideways_overflow(page) == 0
    save_screenshot(page, "phenopacket-phone")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_a_saved_selection_opens_back_to_the_same_results(curated_site, page):
    page.goto(f"{curated_site}/?{THREE}")
    ticked = page.locator("#ticked input:checked").evaluate_all("boxes => boxes.map(b => b.value)")
    href = page.locator("a", has_text="Save this selection").get_attribute("href")
    saved = page.request.get(curated_site + href)
    assert json.loads(saved.text())["phenotypicFeatures"]

    page.locator("a", has_text="Open a phenopacket").click()
    page.get_by_label("Or paste its JSON").fill(saved.text())
    page.get_by_role("button", name="Open").click()

    expect(page.locator("#ticked")).to_be_visible()
    again = page.locator("#ticked input:checked").evaluate_all("boxes => boxes.map(b => b.value)")
    assert again == ticked
    expect(page.locator("a", has_text="Download these results (CSV")).to_be_visible()
