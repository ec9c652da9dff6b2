"""Admin benchmark: time and query count of every admin page an editor uses, on the full data.

Usage, after `manage.py migrate && manage.py load_content curated && make import-hpo` (or with
DATABASE_URL set to a database holding the same):

    .venv/bin/python bench/admin.py [--runs 5] [--json bench/results/admin.json]

Everything runs inside one transaction that is rolled back (a throwaway superuser, the form posts),
so the database is left as it was. Each page is requested once to warm caches, then --runs times;
the median wall time (the whole request through the test client) and the query count are printed.
Targets (issue #14): every page at most 300 ms, the condition change page at most 30 queries.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "explorer.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from conditions.models import (  # noqa: E402
    BodySystem,
    Condition,
    Feature,
    Mention,
    Source,
    Synonym,
)
from tests.admin_forms import posted_form  # noqa: E402

PAGE_LIMIT_MS = 300


class Rollback(Exception):
    pass


def pages() -> list[tuple[str, str, dict | None]]:
    """(label, url, post data or None) for every admin page kind, on the biggest rows there are."""
    williams = Condition.objects.get(name="Williams syndrome")
    seizure = Feature.objects.get(hpo_id="HP:0001250")
    biggest_system = (
        BodySystem.objects.annotate(n=Count("features")).order_by("-n").first() or BodySystem()
    )
    mention = Mention.objects.filter(condition=williams).order_by("pk").first()
    source = Source.objects.annotate(n=Count("mentions")).order_by("-n").first()
    synonym = Synonym.objects.order_by("pk").first()
    mention_count = Mention.objects.count()
    last_page = max(mention_count // 100 - 1, 0)
    c, f, m = williams.pk, seizure.pk, mention.pk
    base = "/admin/conditions"
    auto = "/admin/autocomplete/?app_label=conditions&model_name=mention&field_name="
    return [
        ("admin index", "/admin/", None),
        ("conditions list", f"{base}/condition/", None),
        ("conditions search 'syndrome'", f"{base}/condition/?q=syndrome", None),
        ("conditions by body system", f"{base}/condition/?body_system={biggest_system.slug}", None),
        ("conditions never reviewed", f"{base}/condition/?reviewed=never", None),
        ("conditions drafts", f"{base}/condition/?status__exact=draft", None),
        ("condition change (Williams, 185 mentions)", f"{base}/condition/{c}/change/", None),
        ("condition save (Williams)", f"{base}/condition/{c}/change/", "condition-form"),
        ("condition history (Williams)", f"{base}/condition/{c}/history/", None),
        ("condition delete confirm (Williams)", f"{base}/condition/{c}/delete/", None),
        ("condition add", f"{base}/condition/add/", None),
        ("deleted conditions", f"{base}/condition/deleted/", None),
        ("features list", f"{base}/feature/", None),
        ("features search 'seizure'", f"{base}/feature/?q=seizure", None),
        (
            "features by body system",
            f"{base}/feature/?body_system__id__exact={biggest_system.pk}",
            None,
        ),
        ("feature change (Seizure)", f"{base}/feature/{f}/change/", None),
        ("feature history (Seizure)", f"{base}/feature/{f}/history/", None),
        ("feature delete confirm (Seizure)", f"{base}/feature/{f}/delete/", None),
        ("mentions list", f"{base}/mention/", None),
        ("mentions list, last page", f"{base}/mention/?p={last_page}", None),
        ("mentions of Williams", f"{base}/mention/?condition__id__exact={c}", None),
        ("mentions search 'seizure'", f"{base}/mention/?q=seizure", None),
        (
            "mentions by body system",
            f"{base}/mention/?feature__body_system__id__exact={biggest_system.pk}",
            None,
        ),
        ("mention change", f"{base}/mention/{m}/change/", None),
        ("mention add", f"{base}/mention/add/?condition={c}", None),
        ("mention history", f"{base}/mention/{m}/history/", None),
        ("sources list", f"{base}/source/", None),
        ("source change", f"{base}/source/{source.pk}/change/", None),
        ("source delete confirm", f"{base}/source/{source.pk}/delete/", None),
        ("synonyms list", f"{base}/synonym/", None),
        ("synonyms search 'fever'", f"{base}/synonym/?q=fever", None),
        ("synonym change", f"{base}/synonym/{synonym.pk}/change/", None),
        ("body systems list", f"{base}/bodysystem/", None),
        ("body system change", f"{base}/bodysystem/{biggest_system.pk}/change/", None),
        ("body system delete confirm", f"{base}/bodysystem/{biggest_system.pk}/delete/", None),
        ("feature autocomplete 'fever'", f"{auto}feature&term=fever", None),
        ("feature autocomplete 'IgM'", f"{auto}feature&term=IgM", None),
        ("condition autocomplete 'williams'", f"{auto}condition&term=williams", None),
        ("source autocomplete 'orpha'", f"{auto}sources&term=orpha", None),
    ]


def measure(client: Client, url: str, post: str | None, runs: int) -> dict:
    times, queries, status = [], 0, 0
    for i in range(runs + 1):
        # A save needs the page's current version (optimistic locking): fetch it untimed.
        data = posted_form(client, url) if post else None
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.post(url, data) if data is not None else client.get(url)
            elapsed = (time.perf_counter() - start) * 1000
        status = response.status_code
        queries = len(captured)
        if i:  # the first request warms caches
            times.append(elapsed)
    return {"ms": round(statistics.median(times), 1), "queries": queries, "status": status}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    setup_test_environment()  # response.context for the form post; 'testserver' allowed
    results = []
    try:
        with transaction.atomic():
            user = get_user_model().objects.create_superuser(
                "bench-admin", "b@example.invalid", "x"
            )
            client = Client()
            client.force_login(user)
            for label, url, post in pages():
                result = {"page": label, "url": url, **measure(client, url, post, args.runs)}
                results.append(result)
                flag = "" if result["ms"] <= PAGE_LIMIT_MS else "  > 300 ms"
                print(
                    f"{label:48} {result['ms']:8.1f} ms {result['queries']:6} queries "
                    f"HTTP {result['status']}{flag}",
                    flush=True,
                )
            raise Rollback
    except Rollback:
        pass
    print(f"database: {connection.vendor}; median of {args.runs} runs after one warm-up")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
