"""Keyboard only: every control reachable and operable, focus always visible, suggestions usable with
the arrow keys and Enter, and result changes announced through a live region."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

THREE = "?feature=purpura&feature=polyneuropathy&feature=organomegaly"

FOCUS_VISIBLE = """el => {
  const style = getComputedStyle(el);
  return (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2) || style.boxShadow !== "none";
}"""

DESCRIBE_FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  el.dataset.reached = "yes";
  return el.id || el.getAttribute("href") || el.getAttribute("name") || el.textContent.trim().slice(0, 40);
}"""

NOT_REACHED = """() => [...document.querySelectorAll(
  "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex='0']"
)].filter(el => el.checkVisibility() && !el.dataset.reached)
  .map(el => el.outerHTML.slice(0, 120))"""


def tab_through(page, limit=400):
    """Press Tab until focus comes round again; return what was focused, checking each is visible."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        name = page.evaluate(DESCRIBE_FOCUS)
        if name is None or (seen and name == seen[0]):
            break
        assert page.evaluate(f"({FOCUS_VISIBLE})(document.activeElement)"), (
            f"no visible focus on {name}"
        )
        box = page.evaluate("document.activeElement.getBoundingClientRect().toJSON()")
        assert box["width"] > 0 and box["height"] > 0, f"{name} is focused but not on screen"
        seen.append(name)
    return seen


@pytest.mark.parametrize(
    "path", ["/", f"/{THREE}", "/conditions/poems-syndrome/", "/features/organomegaly/"]
)
def test_every_control_is_reachable_with_visible_focus(site, page, path):
    page.goto(site + path)
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    seen = tab_through(page)
    assert seen[0] == "#main"  # the skip link comes first
    assert page.evaluate(NOT_REACHED) == []


def test_skip_link_is_visible_when_focused_and_moves_focus_to_the_content(site, page):
    page.goto(site)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Find a feature")).to_be_focused()


def test_suggestions_with_arrow_keys_and_enter_and_results_announced(site, page):
    page.goto(site)
    live = page.locator("#picker-status")
    expect(live).to_have_attribute("role", "status")
    expect(live).to_have_attribute("aria-live", "polite")
    page.evaluate("window.liveRegion = document.getElementById('picker-status')")

    search = page.get_by_label("Find a feature")
    search.focus()
    page.keyboard.type("bruis")
    expect(page.locator("#suggestions-status")).to_have_text(
        "1 feature matches. Press the down arrow to reach it."
    )
    page.keyboard.press("ArrowDown")
    suggestion = page.locator("#s-purpura")
    expect(suggestion).to_be_focused()
    page.keyboard.press("Enter")
    expect(suggestion).to_be_checked()
    expect(suggestion).to_be_focused()
    expect(page).to_have_url(f"{site}/?feature=purpura")
    # The same live region, present before the change, now says what changed.
    expect(live).to_have_text("5 conditions mention this feature.")
    assert page.evaluate("window.liveRegion === document.getElementById('picker-status')")

    page.keyboard.press("ArrowUp")
    expect(search).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Escape")
    expect(search).to_be_focused()

    # Escape in the box clears it, and the suggestions go with it.
    search.press("Escape")
    expect(page.locator("#suggestions fieldset")).to_have_count(0)

    # A search with no match says so, to screen readers too.
    page.keyboard.type("zzzz")
    expect(page.locator("#suggestions-status")).to_contain_text("No feature matches “zzzz”")


def test_browsing_and_removing_by_keyboard(site, page):
    page.goto(site)
    summary = page.locator("summary", has_text="Brain and nerves")
    summary.focus()
    page.keyboard.press("Enter")
    expect(summary.locator("xpath=..")).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    box = page.locator(".browse input[value=polyneuropathy]")
    expect(box).to_be_focused()
    page.keyboard.press("Space")
    expect(box).to_be_checked()
    expect(page).to_have_url(f"{site}/?feature=polyneuropathy")
    expect(page.locator("#picker-status")).to_have_text("3 conditions mention this feature.")

    chip = page.get_by_role("button", name="Remove Damage to many nerves")
    chip.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{site}/")
    heading = page.locator("#results-title")
    expect(heading).to_be_focused()  # not lost to the top of the page
    assert page.evaluate(f"({FOCUS_VISIBLE})(document.activeElement)")
    expect(box).not_to_be_checked()
    expect(page.locator("#picker-status")).to_have_text(
        "Tick one or more features to see which conditions mention them."
    )
