"""Every public page, with the real curated content, at phone and desktop size: no sideways
scrolling, no console errors, failed requests or CSP violations, and no axe violations.

With SCREENSHOTS=1 the sweep also saves each page at both sizes in tests/browser/screenshots/.
"""

import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from conditions.models import Feature

from .conftest import DESKTOP, PHONE, VIEWPORTS, save_screenshot, wait_for

pytestmark = pytest.mark.browser

THREE = "feature=purpura&feature=polyneuropathy&feature=organomegaly"

# Real content: whatever the curators wrote must fit a phone and pass axe.
CURATED_PAGES = {
    "explore": "/",
    "explore-suggestions": "/?q=bruis",
    "explore-results": f"/?{THREE}",
    "explore-many-features": f"/?{THREE}&feature=hepatomegaly&feature=anemia&feature=bone-pain",
    "explore-partial-matches": "/?feature=macroglossia&feature=calcinosis-cutis",
    "condition": "/conditions/poems-syndrome/",
    "condition-list": "/conditions/",
    "feature": "/features/organomegaly/",
    "feature-list": "/features/?q=enlarged",
    "body-systems": "/body-systems/",
    "body-system": "/body-systems/skin/",
    "about": "/about/",
    "feature-get-help-now": "/features/purpura/",
    "condition-mgus": "/conditions/mgus/",
    "report-a-problem": "/report-a-problem/?page=/conditions/mgus/",
}

# The list for axe: explore with and without results, a condition, a feature, the
# body-system pages and the about page (plus the suggestions, for their fieldset).
AXE_PAGES = [
    "explore",
    "explore-suggestions",
    "explore-results",
    "condition",
    "feature",
    "feature-list",
    "body-systems",
    "body-system",
    "about",
    "feature-get-help-now",
    "report-a-problem",
]


def sideways_overflow(page) -> int:
    """How many CSS pixels the page is wider than the window (0: no sideways scrolling)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_curated_pages_fit_phone_and_desktop_without_errors(curated_site, open_page):
    for size, viewport in VIEWPORTS.items():
        page = open_page(viewport=viewport)
        for name, path in CURATED_PAGES.items():
            response = page.goto(curated_site + path)
            assert response.status == 200, f"{path}: HTTP {response.status}"
            assert sideways_overflow(page) == 0, f"{name} scrolls sideways at {size} size"
            save_screenshot(page, f"{name}-{size}")


def test_curated_pages_have_no_axe_violations(curated_site, page):
    axe = Axe()
    for name in AXE_PAGES:
        path = CURATED_PAGES[name]
        page.goto(curated_site + path)
        if name == "explore":
            page.locator("details").first.evaluate("details => details.open = true")
        results = axe.run(page)
        assert results.violations_count == 0, f"{name}:\n{results.generate_report()}"


def test_comparison_grid_scrolls_inside_its_own_box_on_a_phone(site, open_page):
    page = open_page(viewport=PHONE)
    page.goto(f"{site}/?{THREE}&feature=anaemia&feature=bone-pain")

    grid_box = page.locator(".grid-scroll")
    assert grid_box.evaluate(
        "box => box.scrollWidth > box.clientWidth"
    )  # five features: it scrolls
    assert sideways_overflow(page) == 0  # ...inside its own box, not the page
    expect(page.locator(".scroll-hint")).to_be_visible()
    # The box is a labelled region that the keyboard can focus and scroll.
    expect(grid_box).to_have_attribute("role", "region")
    expect(grid_box).to_have_accessible_name(
        "Comparison: how often each condition's sources record each feature. "
        "The table scrolls in its box."
    )
    grid_box.focus()
    page.keyboard.press("ArrowRight")
    wait_for(page, "document.querySelector('.grid-scroll').scrollLeft > 0")
    # The condition column stays in view while the features scroll past it.
    first_cell = page.locator(".compare-grid tbody th").first
    expect(first_cell).to_be_in_viewport()
    assert first_cell.bounding_box()["x"] >= grid_box.bounding_box()["x"]


def test_comparison_grid_fits_the_desktop_without_scrolling(site, open_page):
    page = open_page(viewport=DESKTOP)
    page.goto(f"{site}/?{THREE}&feature=anaemia")
    assert page.locator(".grid-scroll").evaluate("box => box.scrollWidth <= box.clientWidth")
    expect(page.locator(".scroll-hint")).to_be_hidden()


def test_frequency_is_drawn_with_a_shape_and_words_never_colour_alone(site, page):
    page.goto(f"{site}/?{THREE}")
    poems = page.locator(".compare-grid tbody tr").first
    cells = poems.locator("td")
    expect(cells.nth(0)).to_have_text("Mentioned; how often is not recorded")
    expect(cells.nth(1)).to_have_text("100%")
    expect(cells.nth(2)).to_have_text("30–79%")  # through a more specific feature (marked †)
    assert "via" in cells.nth(2).get_attribute("class")

    def mark(cell):
        # The mark is a CSS pseudo-element: the words carry the meaning.
        return cell.evaluate(
            """freq => {
              const style = getComputedStyle(freq, "::before");
              return {content: style.content, border: style.borderTopStyle,
                      radius: style.borderTopLeftRadius, fill: style.backgroundImage};
            }"""
        )

    always, not_recorded = mark(cells.nth(1)), mark(cells.nth(0))
    assert always["content"] == '""'  # no text of its own
    # "Mentioned, how often not recorded": a box with a question mark, never a spinner-like
    # circle, and nothing like the plain dash of "not mentioned".
    assert not_recorded["content"] == '"?"' and not_recorded["radius"] == "2px"
    assert always["border"] == "solid" and "100%" in always["fill"]  # filled to the top
    # The absent and not-mentioned cells say so in words too.
    cryo = page.locator(".compare-grid tbody tr", has_text="Cryoglobulinaemia")
    expect(cryo.locator("td").nth(2)).to_have_text("Documented absent")
    amyloid = page.locator(".compare-grid tbody tr", has_text="AL amyloidosis")
    expect(amyloid.locator("td").nth(1)).to_have_text("Not mentioned")
    assert mark(amyloid.locator("td").nth(1))["content"] == '"–"'
    legend = page.locator(".legend")
    legend.locator("summary").click()
    expect(legend).to_contain_text(
        "80–99% (very frequent): in 80–99% of people with this condition, according to its sources"
    )


def test_feature_page_shows_an_uploaded_illustration_with_alt_text_and_credit(
    site, page, settings, tmp_path
):
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    png = io.BytesIO()
    Image.new("RGB", (24, 16), (180, 60, 120)).save(png, format="PNG")
    feature = Feature.objects.get(slug="purpura")
    feature.illustration_alt = "Small purple spots on the skin of a lower leg"
    feature.illustration_credit = "Example Clinic, CC BY 4.0"
    feature.illustration.save("purpura.png", ContentFile(png.getvalue()))

    # Uploads are served by the web server in production, not Django: serve MEDIA_ROOT here.
    def serve_media(route):
        name = route.request.url.split("/media/", 1)[1]
        route.fulfill(path=tmp_path / name, content_type="image/png")

    page.route("**/media/**", serve_media)
    page.goto(f"{site}/features/purpura/")
    image = page.get_by_role("img", name="Small purple spots on the skin of a lower leg")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.complete && img.naturalWidth") == 24
    expect(page.locator("figure.illustration figcaption")).to_have_text(
        "Image: Example Clinic, CC BY 4.0"
    )
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_a_problem_is_reported_from_a_page_without_javascript(curated_site, open_page):
    page = open_page(viewport=VIEWPORTS["phone"], java_script_enabled=False)
    page.goto(curated_site + "/conditions/mgus/")
    page.get_by_role("link", name="Report a problem with this page").click()
    page.get_by_label("What is wrong or unclear on this page?").fill("A broken source link.")
    page.get_by_role("button", name="Send the report").click()
    assert page.get_by_role("heading", name="Thank you").is_visible()
    from conditions.models import ProblemReport

    assert ProblemReport.objects.get().page == "/conditions/mgus/"
