"""Page weight: the explore page's first load stays under 60 kB transferred with gzip.

The live server does not compress, so each response body is gzipped here (level 6, what Django's
GZipMiddleware and most proxies use; WhiteNoise serves static files pre-compressed at level 9, so
this errs high) and its headers are counted as sent. Run with `-s` to see the breakdown.
"""

import gzip

import pytest

pytestmark = pytest.mark.browser

BUDGET = 60 * 1024


def first_load(page, url):
    """(url, gzipped body + headers) for every response the first visit needs."""
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(url, wait_until="networkidle")
    sizes = []
    for response in responses:
        body = response.body()
        headers = response.request.sizes()["responseHeadersSize"]
        sizes.append((response.url, len(gzip.compress(body, compresslevel=6)) + headers, len(body)))
    return sizes


def test_explore_first_load_is_at_most_60_kb_gzipped(curated_site, open_page):
    # The empty page (the real first visit) and a shared link with results, each in a fresh cache.
    for path in ["/", "/?feature=purpura&feature=polyneuropathy&feature=organomegaly"]:
        sizes = first_load(open_page(), curated_site + path)
        total = sum(size for _, size, _ in sizes)
        report = "\n".join(
            f"  {gz / 1024:5.1f} kB gzip ({raw / 1024:6.1f} kB raw)  {url}"
            for url, gz, raw in sizes
        )
        print(f"\nFirst load of {path}: {total / 1024:.1f} kB transferred with gzip\n{report}")
        assert len(sizes) == 5  # the page, site.css, htmx, explorer.js, the icon: nothing else
        assert total <= BUDGET, f"{path}: {total / 1024:.1f} kB > 60 kB:\n{report}"
