"""A page number from the URL is a visitor's text: anything but a page shows a page, never a 500."""

import re

import pytest

pytestmark = pytest.mark.django_db

QUERY = "/?feature=organomegaly&feature=purpura"  # 7 results, 3 a page (the open_data fixture)


def current_page(response) -> int:
    assert response.status_code == 200
    found = re.search(
        r'aria-current="page"><span class="visually-hidden">Page </span>(\d+)<',
        response.content.decode(),
    )
    return int(found[1])


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("1", 1),
        ("2", 2),
        ("3", 3),
        ("0", 3),  # no such page: Django's get_page shows the last one
        ("-1", 3),
        ("abc", 1),
        ("", 1),
        ("2.5", 1),
        ("4", 3),  # one past the end: the last page
        ("99999999999999999999999", 3),
    ],
)
def test_any_page_value_shows_a_page(client, open_data, value, shown):
    assert current_page(client.get(f"{QUERY}&page={value}")) == shown
    partial = client.get(f"{QUERY}&page={value}", headers={"HX-Request": "true"})
    assert current_page(partial) == shown


def test_each_page_lists_its_own_results(client, open_data):
    pages = [client.get(f"{QUERY}&page={n}").content.decode() for n in (1, 2, 3)]
    listed = [set(re.findall(r'href="/conditions/([\w-]+)/"', page)) for page in pages]
    assert all(listed)
    assert not (listed[0] & listed[1]) and not (listed[1] & listed[2])


@pytest.mark.parametrize("value", ["0", "-1", "abc", "99999999999999999999999"])
@pytest.mark.parametrize("url", ["/conditions/?page=", "/conditions/?letter=C&page="])
def test_the_conditions_list_shows_a_page_for_any_page_value(client, open_data, url, value):
    response = client.get(url + value)
    assert response.status_code == 200
    assert "POEMS syndrome" in response.content.decode() or "letter=C" in url
