"""Time the comparison page for the largest comparison of four imported conditions (the four
published conditions with the most mentions), on whatever database DATABASE_URL names (import the
HPO first: `make import-hpo`). Prints figures; asserts nothing.

    .venv/bin/python bench/compare.py [--runs 20]

Also the three conditions of issue #13 (POEMS syndrome, multiple myeloma, AL amyloidosis) and the
same four as CSV. The page cache is cleared before every request: median and worst ms (wall clock, and the
median CPU time of this process, which a busy shared machine inflates less), and kB.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "explorer.settings")

import django

django.setup()

from django.db.models import Count, Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from conditions.models import Condition  # noqa: E402
from explorer.response_cache import forget_pages  # noqa: E402

TRIO = ["poems-syndrome", "multiple-myeloma", "al-amyloidosis"]


def largest_four() -> list[str]:
    return list(
        Condition.objects.published()
        .annotate(n=Count("mentions", filter=Q(mentions__feature__is_published=True)))
        .order_by("-n", "slug")
        .values_list("slug", flat=True)[:4]
    )


def measure(client: Client, url: str, runs: int) -> tuple[float, float, float, int]:
    times, cpu, size = [], [], 0
    client.get(url)  # warm the indexes and templates once
    for _ in range(runs):
        forget_pages()
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url, REMOTE_ADDR=f"10.1.{time.perf_counter_ns() % 250}.1")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        size = len(body)
    return statistics.median(times), max(times), statistics.median(cpu), size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    setup_test_environment()  # the test client's host is allowed
    client = Client()
    four = largest_four()
    cases = [
        ("largest four, page", "/compare/", four),
        ("largest four, CSV", "/compare.csv", four),
        ("POEMS / myeloma / AL amyloidosis, page", "/compare/", TRIO),
    ]
    print(f"largest four: {', '.join(four)}")
    for label, path, slugs in cases:
        url = f"{path}?{urlencode([('condition', s) for s in slugs])}"
        median, worst, cpu, size = measure(client, url, runs)
        print(
            f"{label:40} median {median:6.1f} ms (CPU {cpu:5.1f} ms)  worst {worst:6.1f} ms  "
            f"{size / 1000:6.1f} kB"
        )
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
