"""Time the open-data outputs beside the results page, on whatever database DATABASE_URL names
(import the HPO first: `make import-hpo`). Prints figures; asserts nothing.

    .venv/bin/python bench/open_data.py [--runs 20]

For query classes of 1, 3, 5 and 10 HPO terms: the results page and /api/explore (first page,
page cache cleared before every request, median ms), and the whole /results.csv download (ms,
rows, MB; it stops at EXPLORER_DOWNLOAD_MAX_CONDITIONS conditions).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "explorer.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.test import Client  # noqa: E402

QUERIES = {
    1: ["HP:0000979"],
    3: ["HP:0000979", "HP:0001903", "HP:0002240"],
    5: ["HP:0000979", "HP:0001903", "HP:0002240", "HP:0000951", "HP:0001744"],
    10: [
        "HP:0000979",
        "HP:0001903",
        "HP:0002240",
        "HP:0000951",
        "HP:0001744",
        "HP:0000118",
        "HP:0001250",
        "HP:0001263",
        "HP:0000707",
        "HP:0002664",
    ],
}


def timed(client: Client, url: str) -> tuple[float, bytes]:
    cache.clear()
    start = time.perf_counter()
    response = client.get(url, REMOTE_ADDR=f"10.0.{time.perf_counter_ns() % 250}.1")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, body


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    settings.EXPLORER_RATE_LIMITS = {}
    client = Client(HTTP_HOST="localhost")
    print(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
    print(
        f"{'class':>5} | {'page ms':>8} | {'API ms':>7} | {'API kB':>7} | {'CSV ms':>7} | "
        f"{'CSV rows':>8} | {'CSV MB':>6}"
    )
    for size, terms in QUERIES.items():
        query = "&".join(f"feature={t}" for t in terms)
        timed(client, f"/?{query}")  # warm the index
        page = [timed(client, f"/?{query}")[0] for _ in range(args.runs)]
        api = [timed(client, f"/api/explore?{query}") for _ in range(args.runs)]
        csv_runs = [timed(client, f"/results.csv?{query}") for _ in range(3)]
        body = csv_runs[0][1]
        print(
            f"{size:>5} | {statistics.median(page):8.1f} | "
            f"{statistics.median(t for t, _ in api):7.1f} | {len(api[0][1]) / 1024:7.0f} | "
            f"{statistics.median(t for t, _ in csv_runs):7.0f} | {body.count(b'\n') - 1:8,} | "
            f"{len(body) / 1e6:6.1f}"
        )


if __name__ == "__main__":
    main()
