"""The results page on a phone (390x844): the first result on the first screen, the grid in its
own box, no-JavaScript actions landing at #results, a clean Back after paging, and axe."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache
from playwright.sync_api import expect

from conditions.models import Condition, Feature
from tests.factories import ConditionFactory, MentionFactory

from .conftest import PHONE, save_screenshot, wait_for
from .test_flow import results_snapshot

pytestmark = pytest.mark.browser

FOUR = "feature=purpura&feature=polyneuropathy&feature=organomegaly&feature=anaemia"


def more_conditions(count: int) -> None:
    """Conditions whose sources mention purpura and an enlarged spleen, so results page, the grid
    scrolls down, and ticking "enlarged liver" offers the broader "enlarged organs"."""
    purpura = Feature.objects.get(slug="purpura")
    spleen = Feature.objects.get(slug="splenomegaly")
    for n in range(count):
        condition = ConditionFactory(name=f"Example condition {n:02d}", slug=f"example-{n:02d}")
        MentionFactory(condition=condition, feature=purpura)
        MentionFactory(condition=condition, feature=spleen)
    cache.clear()  # pages cached by other tests under the same content version


def first_result_on_first_screen(page) -> None:
    """The first result's name, in the grid, is on the screen the visitor is looking at."""
    expect(page.locator(".compare-grid tbody th a").first).to_be_in_viewport()


def test_first_result_is_on_a_phones_first_screen_after_a_search_and_a_tick(site, open_page):
    # Without JavaScript: find, tick, show; then tick one more from the body-system lists.
    page = open_page(viewport=PHONE, java_script_enabled=False)
    page.goto(site)
    page.get_by_label("Find a feature").fill("bruis")
    page.get_by_role("button", name="Find").click()
    page.locator("#suggestions").get_by_role("checkbox").first.check()
    page.get_by_role("button", name="Show conditions").click()
    expect(page).to_have_url(re.compile(r"feature=purpura#results$"))
    first_result_on_first_screen(page)
    # Once something is ticked the browse lists fold away to a link.
    expect(page.locator(".system-group")).to_have_count(0)
    page.get_by_role("link", name="Show features by body system").click()
    group = page.locator(".system-group", has_text="Brain and nerves")
    group.locator("summary").click()
    group.get_by_role("checkbox", name=re.compile("damage to many nerves", re.I)).check()
    page.get_by_role("button", name="Show conditions").click()
    expect(page).to_have_url(re.compile(r"feature=purpura&feature=polyneuropathy#results$"))
    first_result_on_first_screen(page)

    # With JavaScript: a four-feature query, "Show conditions" takes the visitor to the results.
    page = open_page(viewport=PHONE)
    page.goto(f"{site}/?{FOUR}")
    page.get_by_role("button", name="Show conditions").click()
    expect(page.locator("#results-title")).to_be_focused()
    first_result_on_first_screen(page)
    save_screenshot(page, "results-first-screen-phone")


def test_grid_keeps_its_header_row_and_first_column_in_view_while_it_scrolls(site, open_page):
    more_conditions(20)
    page = open_page(viewport=PHONE)
    page.goto(f"{site}/?{FOUR}#results")
    box = page.locator(".grid-scroll")
    assert box.evaluate("box => box.scrollHeight > box.clientHeight")  # 26 rows: it scrolls down
    header = page.locator(".compare-grid thead th").last  # still in view when scrolled right
    last_row_name = page.locator(".compare-grid tbody th").last
    box.evaluate("box => box.scrollIntoView({ block: 'center' })")  # the whole box on screen
    box.evaluate("box => { box.scrollTop = box.scrollHeight; box.scrollLeft = box.scrollWidth; }")
    wait_for(page, "document.querySelector('.grid-scroll').scrollTop > 0")
    expect(last_row_name).to_be_in_viewport()
    expect(header).to_be_in_viewport()
    # The header row stays at the top of the box, the condition column at its left edge.
    assert abs(header.bounding_box()["y"] - box.bounding_box()["y"]) < 3
    assert abs(last_row_name.bounding_box()["x"] - box.bounding_box()["x"]) < 3
    # ...and the page itself did not move: the box scrolls, not the page.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_every_action_without_javascript_lands_at_the_results(site, open_page, settings):
    settings.EXPLORER_PAGE_SIZE = 5
    more_conditions(12)
    page = open_page(viewport=PHONE, java_script_enabled=False)
    page.goto(f"{site}/?feature=purpura")

    # Tick
    page.get_by_role("link", name="Show features by body system").click()
    group = page.locator(".system-group", has_text="Belly and internal organs")
    group.locator("summary").click()
    group.get_by_role("checkbox", name=re.compile("enlarged liver", re.I)).check()
    page.get_by_role("button", name="Show conditions").click()
    expect(page).to_have_url(re.compile(r"feature=purpura&feature=hepatomegaly#results$"))
    # Page
    page.locator(".pagination").get_by_role("link", name="Page 2").click()
    expect(page).to_have_url(re.compile(r"&page=2#results$"))
    expect(page.locator(".pagination [aria-current=page]")).to_have_text("Page 2")
    # Filter
    page.locator(".filters summary").click()
    page.get_by_label(re.compile("Only conditions our editors have reviewed")).check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"reviewed=1#results$"))
    # Untick (a chip's remove button)
    page.get_by_role("button", name=re.compile("Remove enlarged liver", re.I)).click()
    expect(page).to_have_url(re.compile(r"#results$"))
    assert "hepatomegaly" not in page.url.split("#")[0]
    # Swap for the broader feature
    page.goto(f"{site}/?feature=hepatomegaly")
    page.get_by_role("link", name=re.compile("Try the broader enlarged organs", re.I)).click()
    expect(page).to_have_url(re.compile(r"\?feature=organomegaly#results$"))


def test_back_after_paging_with_javascript_restores_a_clean_page(site, page, settings):
    """The `page` fixture fails the test on any console error, CSP violation included."""
    settings.EXPLORER_PAGE_SIZE = 5
    more_conditions(12)
    page.goto(f"{site}/?feature=purpura&feature=hepatomegaly")
    first_load = results_snapshot(page)
    page.evaluate("window.sameDocument = true")
    for number in ("2", "3"):
        page.locator(".pagination").get_by_role("link", name=f"Page {number}").click()
        expect(page.locator(".pagination [aria-current=page]")).to_have_text(f"Page {number}")
    assert page.evaluate("window.sameDocument") is True  # htmx paged, no reload
    page.go_back()
    expect(page.locator(".pagination [aria-current=page]")).to_have_text("Page 2")
    page.go_back()
    expect(page.locator(".pagination [aria-current=page]")).to_have_text("Page 1")
    assert results_snapshot(page) == first_load
    # Restored as clean as it first loaded: nothing inline that the CSP would refuse.
    assert page.locator("#results [style], #results script, #results style").count() == 0


def test_explore_page_with_filters_swap_link_pagination_and_search_groups_passes_axe(
    site, page, settings
):
    settings.EXPLORER_PAGE_SIZE = 5
    more_conditions(12)
    assert Condition.objects.filter(name__startswith="Example").count() == 12
    page.goto(f"{site}/?q=calcinosis&feature=purpura&feature=hepatomegaly")
    expect(page.locator(".condition-suggestions")).to_contain_text("Calcinosis cutis")
    expect(page.locator("#suggestions fieldset")).to_be_visible()  # features to tick
    expect(page.locator(".broader")).to_have_count(1)
    expect(page.locator(".pagination")).to_be_visible()
    page.locator(".filters summary").click()
    page.locator(".ticked-chips summary").evaluate("summary => summary.parentElement.open = true")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
