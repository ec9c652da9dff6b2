"""Time the one search box on whatever database DATABASE_URL names (import the HPO first: `make
import-hpo`): the feature and condition searches, and the /suggest/ view as htmx asks it, for
short queries, typos, phrases whose words are not all in one name, and 200-character pastes.
Prints figures; asserts nothing.

    .venv/bin/python bench/search.py [--runs 30]

Each query is asked `--runs` times after a warm-up (the page cache cleared before every view
request); the table gives the median and worst wall-clock ms and the median CPU ms of this
process (a busy shared machine inflates CPU time less than wall time).
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

from django.core.cache import cache  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from conditions.search import find_conditions, search_features  # noqa: E402

QUERIES = [
    "POEMS",
    "MGUS",
    "myeloma",
    "purpura",
    "bruis",
    "HP:0000979",
    "ORPHA:2905",
    "purpra",
    "tingling in the feet",
    "easy bruising skin legs",
    ("abnormality of the skin morphology face hand " * 6)[:200],
    ("enlarged liver spleen lymph nodes polyneuropathy " * 5)[:200],
    ("zqxv wkjh plmn bvcx trew poiu " * 7)[:200],
]


def timed(call, runs: int, before=None) -> tuple[float, float, float]:
    call()  # warm the indexes once
    wall, cpu = [], []
    for _ in range(runs):
        if before:
            before()
        start, start_cpu = time.perf_counter(), time.process_time()
        call()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(wall), max(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    setup_test_environment()
    client = Client()
    print(f"{'query':42} {'search ms (cpu)':>17} {'/suggest/ ms median / worst (cpu)':>36}")
    for query in QUERIES:
        search = timed(lambda q=query: (search_features(q), find_conditions(q, 5)), args.runs)
        url = "/suggest/?" + urlencode({"q": query})
        view = timed(
            lambda u=url: client.get(u, headers={"HX-Request": "true"}), args.runs, cache.clear
        )
        shown = query if len(query) <= 40 else f"{query[:27]}… ({len(query)} ch)"
        print(
            f"{shown:42} {search[0]:8.2f} ({search[2]:5.2f}) "
            f"{view[0]:14.2f} / {view[1]:6.2f} ({view[2]:5.2f})"
        )


if __name__ == "__main__":
    main()
