"""A visitor's flow, tried as a new user would, with JavaScript and without."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import wait_for

pytestmark = pytest.mark.browser

THREE = "?feature=purpura&feature=polyneuropathy&feature=organomegaly"


def browse_box(page, slug):
    """A feature's checkbox in the body-system lists, its group opened as a visitor would."""
    show = page.get_by_role("link", name="Show features by body system")
    if show.count():  # once something is ticked, the lists come on request
        show.click()
    box = page.locator(f".browse input[value='{slug}']")
    group = box.locator("xpath=ancestor::details[1]")
    if group.get_attribute("open") is None:
        group.locator("summary").click()
    return box


def ticked_values(page):
    return page.eval_on_selector_all(
        "#picker input[name=feature]:checked", "boxes => [...new Set(boxes.map(b => b.value))]"
    )


def results_snapshot(page):
    """What the results say: the summary, the conditions in order, and every grid row."""
    return {
        "status": page.locator("#results-status").inner_text(),
        "conditions": page.locator(".result h3").all_inner_texts(),
        "grid": page.locator(".compare-grid tr").all_inner_texts(),
    }


def assert_poems_first_with_three_features_explained(page):
    first = page.locator(".result").first
    expect(first.locator("h3")).to_have_text("POEMS syndrome")
    expect(first.locator(".match-count")).to_have_text("Its sources mention 3 of your 3 features.")
    hits = first.locator(".hits > li")
    expect(hits).to_have_count(3)
    expect(hits.nth(0)).to_contain_text("Purpura")
    expect(hits.nth(0)).to_contain_text("mentioned; how often is not recorded")
    # Each statement points at the result's numbered sources, where each is written once.
    citation = hits.nth(0).locator(".cite a").first
    expect(citation).to_have_text("1")
    expect(first.locator(citation.get_attribute("href"))).to_contain_text("Orphanet")
    expect(hits.nth(1)).to_contain_text("Polyneuropathy")
    expect(hits.nth(1)).to_contain_text("in 100%")
    # Organomegaly is explained through the more specific feature with the highest frequency
    # its sources record (the one the order counts); the condition's page lists the other.
    expect(hits.nth(2)).to_contain_text(
        "(Organomegaly) as Enlarged spleen (Splenomegaly): in 30–79% (source"
    )
    expect(first.locator(".more")).to_have_text("1 more mention on its page")
    expect(page.locator(".compare-grid tbody tr").first.locator("td.via")).to_have_text("30–79%")


def test_visitor_flow_with_javascript(site, page):
    page.goto(site)
    expect(page.locator(".empty-state")).to_contain_text("Try one of these examples")
    page.evaluate("window.sameDocument = true")  # lost if anything reloads the page

    # Type part of an everyday word and pick purpura from the suggestions.
    page.get_by_label("Find a feature").press_sequentially("bruis", delay=20)
    suggestion = page.locator("#suggestions").get_by_role(
        "checkbox", name=re.compile("purple spots", re.I)
    )
    expect(page.locator("#suggestions")).to_contain_text("also called “bruising”")
    suggestion.check()
    expect(page).to_have_url(f"{site}/?feature=purpura")
    expect(page.locator("#results-status")).to_have_text("5 conditions mention this feature.")

    # Tick polyneuropathy and organomegaly from the body-system lists.
    browse_box(page, "polyneuropathy").check()
    expect(page).to_have_url(f"{site}/?feature=purpura&feature=polyneuropathy")
    browse_box(page, "organomegaly").check()
    expect(page).to_have_url(f"{site}/{THREE}")
    expect(page.locator("#results-status")).to_have_text(
        "5 conditions mention at least one of your 3 features; 1 mentions all 3."
    )
    assert_poems_first_with_three_features_explained(page)
    assert page.evaluate("window.sameDocument") is True, "the page reloaded"
    assert page.title() == "Purpura, Polyneuropathy, Organomegaly · Symptom Explorer"
    with_three = results_snapshot(page)

    # Reload: the URL holds the query.
    page.reload()
    assert page.evaluate("window.sameDocument") is None
    assert ticked_values(page) == ["purpura", "polyneuropathy", "organomegaly"]
    assert results_snapshot(page) == with_three

    # Back and forward restore the results and the ticks.
    page.go_back()
    expect(page).to_have_url(f"{site}/?feature=purpura&feature=polyneuropathy")
    expect(page.locator("#results-status")).to_contain_text("at least one of your 2 features")
    assert sorted(ticked_values(page)) == ["polyneuropathy", "purpura"]
    page.go_back()
    expect(page).to_have_url(f"{site}/?feature=purpura")
    expect(page.locator("#results-status")).to_have_text("5 conditions mention this feature.")
    assert ticked_values(page) == ["purpura"]
    page.go_forward()
    page.go_forward()
    expect(page).to_have_url(f"{site}/{THREE}")
    expect(page.locator("#results-status")).to_contain_text("1 mentions all 3")
    assert sorted(ticked_values(page)) == ["organomegaly", "polyneuropathy", "purpura"]
    assert results_snapshot(page) == with_three

    # Open a condition and come back.
    page.locator(".result h3 a", has_text="POEMS syndrome").click()
    expect(page).to_have_url(f"{site}/conditions/poems-syndrome/")
    expect(page.locator("h1")).to_have_text("POEMS syndrome")
    page.go_back()
    expect(page).to_have_url(f"{site}/{THREE}")
    expect(page.locator("html")).to_have_count(1)
    expect(page.locator("header.site-header")).to_be_visible()  # a whole page, not a fragment
    assert results_snapshot(page) == with_three
    assert sorted(ticked_values(page)) == ["organomegaly", "polyneuropathy", "purpura"]

    # Clear all.
    page.locator("#refine").get_by_role("link", name="Clear all").click()
    expect(page).to_have_url(f"{site}/")
    expect(page.locator(".empty-state")).to_be_visible()
    assert ticked_values(page) == []

    # The empty state's examples are a way in.
    page.get_by_role("link", name="All 3 together").click()
    expect(page.locator("#results-status")).to_contain_text("1 mentions all 3")
    expect(page.locator(".result h3").first).to_have_text("POEMS syndrome")


def test_same_results_without_javascript(site, open_page):
    page = open_page(java_script_enabled=False)
    page.goto(site)
    page.get_by_label("Find a feature").fill("bruis")
    page.get_by_role("button", name="Find").click()
    expect(page).to_have_url(re.compile(r"/\?q=bruis&find=1#feature-search$"))
    page.locator("#suggestions").get_by_role(
        "checkbox", name=re.compile("purple spots", re.I)
    ).check()
    browse_box(page, "polyneuropathy").check()
    browse_box(page, "organomegaly").check()
    page.get_by_role("button", name="Show conditions").click()
    expect(page).to_have_url(
        re.compile(r"feature=purpura&feature=polyneuropathy&feature=organomegaly#results$")
    )
    assert_poems_first_with_three_features_explained(page)
    # The search text stays, and says its only match is already ticked.
    expect(page.locator("#suggestions")).to_have_text(
        "“bruis” matches small purple spots from bleeding under the skin, already ticked."
    )
    without_js = results_snapshot(page)

    # Removing a feature is a plain link too.
    page.get_by_role("button", name="Remove Damage to many nerves").click()
    expect(page.locator("#results-status")).to_contain_text("at least one of your 2 features")

    with_js = open_page()
    with_js.goto(f"{site}/{THREE}")
    assert results_snapshot(with_js) == without_js


def test_removing_a_feature_unticks_it_and_keeps_focus(site, page):
    page.goto(f"{site}/{THREE}")
    page.get_by_role("button", name="Remove Damage to many nerves").click()
    expect(page).to_have_url(f"{site}/?feature=purpura&feature=organomegaly")
    expect(page.locator("#results-title")).to_be_focused()
    assert sorted(ticked_values(page)) == ["organomegaly", "purpura"]
    # The next tick must not bring the removed feature back.
    browse_box(page, "anaemia").check()
    expect(page).to_have_url(f"{site}/?feature=purpura&feature=organomegaly&feature=anaemia")


def test_a_ticked_suggestion_survives_a_new_search(site, page):
    page.goto(site)
    search = page.get_by_label("Find a feature")
    search.press_sequentially("bruis", delay=20)
    page.locator("#suggestions").get_by_role(
        "checkbox", name=re.compile("purple spots", re.I)
    ).check()
    expect(page).to_have_url(f"{site}/?feature=purpura")

    search.fill("")
    search.press_sequentially("enlarged liv", delay=20)
    page.locator("#suggestions").get_by_role("checkbox", name=re.compile("Enlarged liver")).check()
    expect(page).to_have_url(f"{site}/?feature=purpura&feature=hepatomegaly")
    ticked = page.locator("#ticked")
    expect(ticked).to_be_visible()
    expect(ticked.get_by_role("checkbox", name=re.compile("purple spots", re.I))).to_be_checked()

    # The same feature ticked in two places is one feature: unticking either unticks it.
    browse_box(page, "purpura").uncheck()
    expect(page).to_have_url(f"{site}/?feature=hepatomegaly")
    assert ticked_values(page) == ["hepatomegaly"]


def test_typing_does_not_reload_or_change_the_results(site, page):
    page.goto(f"{site}/?feature=purpura")
    page.evaluate("window.sameDocument = true")
    search = page.get_by_label("Find a feature")
    search.press_sequentially("nerve", delay=20)
    expect(page.locator("#suggestions")).to_contain_text("Damage to many nerves")
    search.press("Enter")  # asks for suggestions; it neither reloads nor submits
    search.press("Tab")  # blurring fires "change": that must not re-request the results
    page.wait_for_timeout(300)
    assert page.evaluate("window.sameDocument") is True
    assert page.url == f"{site}/?feature=purpura"


def test_no_condition_mentions_all_of_these_still_lists_partial_matches(site, page):
    page.goto(f"{site}/?feature=macroglossia&feature=calcinosis-cutis")
    expect(page.locator("#results-status")).to_have_text(
        "2 conditions mention at least one of your 2 features; none mentions all 2."
    )
    # Each mentions one; the one whose sources record it more often comes first.
    assert page.locator(".result h3").all_inner_texts() == ["Calcinosis cutis", "AL amyloidosis"]


def test_show_conditions_takes_you_to_the_results_on_a_phone(site, open_page):
    page = open_page(viewport={"width": 390, "height": 844})
    page.goto(site)
    page.evaluate("window.sameDocument = true")
    browse_box(page, "thickened-skin").check()
    status = page.locator("#picker-status")
    expect(status).to_have_text("1 condition mentions this feature.")
    expect(status).to_be_in_viewport()  # the count is in view while ticking
    page.get_by_role("button", name="Show conditions").click()
    expect(page.locator("#results-title")).to_be_focused()
    expect(page.locator("#results-title")).to_be_in_viewport()
    assert page.evaluate("window.sameDocument") is True
    wait_for(page, "document.querySelectorAll('.result').length === 1")


def test_quick_ticks_on_a_slow_connection_are_all_kept(site, page):
    page.goto(site)
    network = page.context.new_cdp_session(page)
    network.send("Network.enable")
    network.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 400, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    # Three ticks, each before the previous one's results arrive.
    for slug in ["purpura", "polyneuropathy", "organomegaly"]:
        browse_box(page, slug).check()
    expect(page).to_have_url(f"{site}/{THREE}", timeout=10_000)
    expect(page.locator("#results-status")).to_contain_text("1 mentions all 3")
    assert sorted(ticked_values(page)) == ["organomegaly", "polyneuropathy", "purpura"]
    # A tick while a chip's removal is still on its way: both take effect, in order.
    page.get_by_role("button", name="Remove Damage to many nerves").click()
    browse_box(page, "anaemia").check()
    expect(page).to_have_url(
        f"{site}/?feature=purpura&feature=organomegaly&feature=anaemia", timeout=10_000
    )
    assert sorted(ticked_values(page)) == ["anaemia", "organomegaly", "purpura"]


def test_a_failed_update_says_so_and_show_conditions_still_works(site, page):
    page.goto(site)
    page.route("**/?feature=*", lambda route: route.fulfill(status=500, body="Server error"))
    browse_box(page, "purpura").check()
    expect(page.locator("#picker-status")).to_have_text(
        "The results could not be updated. Press “Show conditions” to try again."
    )
    page.unroute("**/?feature=*")
    page.get_by_role("button", name="Show conditions").click()  # now a plain GET: a full page
    expect(page).to_have_url(re.compile(r"feature=purpura#results$"))
    expect(page.locator("#results-status")).to_have_text("5 conditions mention this feature.")
    # The 500 and htmx's report of it were the point of this test.
    page.watch.problems = [
        p for p in page.watch.problems if "500" not in p and "responseError" not in p
    ]
