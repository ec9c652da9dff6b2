"""The comparison page in Chromium: on a phone the table scrolls in its own box with the feature
column and the header row kept in view; it passes axe; the add form works without JavaScript."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from .conftest import DESKTOP, PHONE, save_screenshot
from .test_pages import sideways_overflow

pytestmark = pytest.mark.browser

TRIO = "/compare/?condition=poems-syndrome&condition=multiple-myeloma&condition=al-amyloidosis"


def box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def test_phone_table_scrolls_in_its_box_with_feature_column_and_header_in_view(
    curated_site, open_page
):
    page = open_page(viewport=PHONE)
    page.goto(f"{curated_site}{TRIO}&feature=polyneuropathy")
    assert sideways_overflow(page) == 0  # the page itself never scrolls sideways
    scroller = page.locator(".compare-scroll").first
    assert scroller.evaluate("el => el.scrollWidth > el.clientWidth")
    first_cell = "main .compare-table tbody tr:not(.system-row) th[scope=row]"
    header = "main .compare-table thead th:nth-child(2)"
    before_cell, before_header = box(page, first_cell), box(page, header)
    scroller.evaluate("el => { el.scrollLeft = 400; el.scrollTop = 300; }")
    page.wait_for_timeout(100)
    after_cell, after_header = box(page, first_cell), box(page, f"{header}")
    assert after_cell["x"] == pytest.approx(box(page, ".compare-scroll")["x"] + 1, abs=2)
    assert after_header["y"] == pytest.approx(before_header["y"], abs=2)  # header kept in view
    assert before_cell["x"] == pytest.approx(after_cell["x"], abs=2)  # feature column kept
    scroller.evaluate("el => { el.scrollLeft = 0; el.scrollTop = 0; }")
    save_screenshot(page, "compare-phone")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_desktop_comparison_passes_axe_and_adds_a_condition_without_javascript(
    curated_site, open_page
):
    page = open_page(viewport=DESKTOP, java_script_enabled=False)
    page.goto(f"{curated_site}/compare/?condition=poems-syndrome&condition=multiple-myeloma")
    page.fill("#compare-add", "AL amyloidosis")
    page.click("text=Add to comparison")
    assert "condition=poems-syndrome" in page.url and "add=AL+amyloidosis" in page.url
    assert page.locator("main .compare-table thead th").count() == 4
    page = open_page(viewport=DESKTOP)
    page.goto(f"{curated_site}{TRIO}")
    save_screenshot(page, "compare-desktop")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
