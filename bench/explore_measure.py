"""Measurement for bench/explore.py: our side's timings (index, matching, SQL reference, whole
pages, autocomplete) and the per-query and per-class figures made from them and the peer's."""

from __future__ import annotations

import gc
import statistics
import time
from dataclasses import dataclass

from peak_memory import peak_rss_mb, rss_mb

# Leaves and specific terms, broad branches, and the root HP:0000118 (every phenotype).
PURPURA, POLYNEUROPATHY, VISCEROMEGALY = "HP:0000979", "HP:0001271", "HP:0003271"
HEPATOMEGALY, SPLENOMEGALY, LYMPHADENOPATHY = "HP:0002240", "HP:0001744", "HP:0002716"
ANEMIA, THROMBOCYTOPENIA, FEVER = "HP:0001903", "HP:0001873", "HP:0001945"
HYPERPIGMENTATION, HYPERTRICHOSIS, SEIZURE = "HP:0000953", "HP:0000998", "HP:0001250"
SHORT_STATURE, DEV_DELAY, MICROCEPHALY = "HP:0004322", "HP:0001263", "HP:0000252"
INTELLECTUAL_DISABILITY, HEARING, FATIGUE = "HP:0001249", "HP:0000365", "HP:0012378"
ASD, BLISTERING, WEIGHT_LOSS = "HP:0001631", "HP:0008066", "HP:0001824"
SKIN, NERVOUS, HEART = "HP:0000951", "HP:0000707", "HP:0001626"
EYE, BLOOD, SKELETON = "HP:0000478", "HP:0001871", "HP:0000924"
DIGESTIVE, IMMUNE, METABOLISM = "HP:0025031", "HP:0002715", "HP:0001939"
ROOT_TERM = "HP:0000118"

QUERY_CLASSES: dict[int, list[list[str]]] = {
    1: [[PURPURA], [POLYNEUROPATHY], [SEIZURE], [SKIN], [ROOT_TERM]],
    3: [
        [PURPURA, POLYNEUROPATHY, VISCEROMEGALY],
        [HEPATOMEGALY, SPLENOMEGALY, LYMPHADENOPATHY],
        [ANEMIA, THROMBOCYTOPENIA, BLOOD],
        [SEIZURE, DEV_DELAY, NERVOUS],
        [PURPURA, SKIN, ROOT_TERM],
    ],
    5: [
        [PURPURA, POLYNEUROPATHY, VISCEROMEGALY, HYPERPIGMENTATION, SPLENOMEGALY],
        [SEIZURE, DEV_DELAY, MICROCEPHALY, INTELLECTUAL_DISABILITY, SHORT_STATURE],
        [ANEMIA, THROMBOCYTOPENIA, FEVER, HEPATOMEGALY, BLOOD],
        [SKIN, NERVOUS, HEART, EYE, ROOT_TERM],
    ],
    10: [
        [
            PURPURA, POLYNEUROPATHY, VISCEROMEGALY, HYPERPIGMENTATION, HYPERTRICHOSIS,
            HEPATOMEGALY, SPLENOMEGALY, LYMPHADENOPATHY, ANEMIA, THROMBOCYTOPENIA,
        ],
        [
            SEIZURE, DEV_DELAY, MICROCEPHALY, INTELLECTUAL_DISABILITY, SHORT_STATURE, HEARING,
            ASD, FATIGUE, BLISTERING, WEIGHT_LOSS,
        ],
        [
            PURPURA, SEIZURE, SHORT_STATURE, FEVER, SKIN, NERVOUS, HEART, BLOOD, SKELETON,
            ROOT_TERM,
        ],
        [
            SKIN, NERVOUS, HEART, EYE, BLOOD, SKELETON, DIGESTIVE, IMMUNE, METABOLISM, ROOT_TERM,
        ],
    ],
}  # fmt: skip
QUERIES = [(size, ids) for size, group in QUERY_CLASSES.items() for ids in group]
AUTOCOMPLETE = [
    "bruis",
    "enlarged liv",
    "tingling",
    "septo optic",
    "seizur",
    "purpra",
    "short stat",
]
VIEW_PARTS = ("resolve_features", "ranked", "explain", "_browse_groups", "_suggestions", "render")


def sample(calls, reps: int, warmup: int = 3, before=None) -> list[list[int]]:
    """ns per call for each of `calls`, interleaved over `reps` rounds after `warmup` rounds."""
    for call in calls:
        for _ in range(warmup):
            if before:
                before()
            call()
    samples: list[list[int]] = [[] for _ in calls]
    gc.collect()
    for _ in range(reps):
        for i, call in enumerate(calls):
            if before:
                before()
            t0 = time.perf_counter_ns()
            call()
            samples[i].append(time.perf_counter_ns() - t0)
    return samples


def median(values) -> float:
    values = list(values)
    return statistics.median(values) if values else float("nan")


@dataclass
class OurTimings:
    """Our side's samples (ns per run), per query or per autocomplete query, and what they gave."""

    ours: list[list[int]]  # conditions.matching.ranked
    core: list[list[int]]  # the built index's rank alone
    sql: list[list[int]]  # the SQL reference
    rankings: list[list[tuple[int, int]]]
    sql_equal: list[bool]
    view: list[list[int]]  # whole page, page cache cleared
    view_cached: list[list[int]]
    breakdown: list[dict]
    typo_cold_ns: int
    auto: list[list[int]]
    suggest: list[list[int]]
    top: list[list[str]]


def measure_ours(args, figures: dict) -> OurTimings:
    """Time our side in this process (Django set up by the caller); figures gets the release,
    the index and memory figures and the worst page size."""
    from django.test import Client

    from explorer.response_cache import forget_pages

    check_release(args, figures)
    match_index = build_index(figures)
    resolved = resolve_queries()
    feature_ids = [[f.pk for f in features] for features in resolved]

    print("Timing matching, SQL reference, view, autocomplete…", flush=True)
    ours, core, sql, rankings, sql_equal = time_matching(args, match_index, resolved, feature_ids)
    client = Client()
    urls = ["/?" + "&".join(f"feature={i}" for i in ids) for _, ids in QUERIES]
    figures["page_size"] = worst_page(client, urls)
    view = sample([lambda u=u: client.get(u) for u in urls], args.view_reps, 1, forget_pages)
    forget_pages()
    view_cached = sample([lambda u=u: client.get(u) for u in urls], args.view_reps, 1)
    breakdown = view_breakdown(client, urls, forget_pages, max(5, args.view_reps // 3))
    typo_cold_ns, auto, suggest, top = time_autocomplete(args, client)
    figures["memory"]["ours_peak_mb"] = peak_rss_mb()  # before the bench's own checking work
    figures["memory"]["ours_rss_mb"] = rss_mb()
    return OurTimings(
        ours,
        core,
        sql,
        rankings,
        sql_equal,
        view,
        view_cached,
        breakdown,
        typo_cold_ns,
        auto,
        suggest,
        top,
    )


def check_release(args, figures: dict) -> None:
    """The database holds an HPO import of the sources the run asks for."""
    from conditions.models import HpoRelease

    release = HpoRelease.objects.order_by("-imported_at").first()
    if release is None:
        raise SystemExit("No HPO import in this database.")
    imported_sources = [s for s in release.sources.split(",") if s]
    if sorted(imported_sources) != sorted(args.sources):
        raise SystemExit(
            f"The database holds sources {release.sources}, the run asks for "
            f"{','.join(args.sources)}: run without --skip-import (or pass --sources)."
        )
    figures["release"] = {"version": release.version, "ontology": release.ontology_version}


def build_index(figures: dict):
    """Build the match index, timed, with memory before and after (before anything the bench
    itself needs memory for)."""
    from conditions import index

    figures["memory"] = {"rss_before_index_mb": rss_mb()}
    started = time.perf_counter()
    match_index = index.current_index()
    figures["index"] = {
        "build_s": time.perf_counter() - started,
        "nbytes_mb": match_index.nbytes / 2**20,
        "conditions": len(match_index.condition_ids),
    }
    figures["memory"]["rss_after_index_mb"] = rss_mb()
    figures["memory"]["peak_after_index_mb"] = peak_rss_mb()
    print(
        f"Index built in {figures['index']['build_s']:.2f} s, "
        f"{figures['index']['nbytes_mb']:.1f} MB, {figures['index']['conditions']} conditions"
    )
    return match_index


def resolve_queries() -> list:
    """Every query's ticked features; every id must be tickable as written."""
    from conditions.matching import resolve_features

    resolved = []
    for _, ids in QUERIES:
        found = resolve_features(ids)
        if found.unknown or [f.hpo_id for f in found.features] != ids:
            raise SystemExit(f"Query {ids}: not all tickable ({found.unknown})")
        resolved.append(found.features)
    return resolved


def time_matching(args, match_index, resolved: list, feature_ids: list[list[int]]) -> tuple:
    """Samples of ranked (what the view calls), the index alone and the SQL reference; the
    rankings, and whether the SQL reference agrees with each."""
    from conditions.matching import rank_conditions, ranked

    ours = sample([lambda f=f: ranked(f) for f in resolved], args.reps)
    core = sample([lambda i=i: match_index.rank(i) for i in feature_ids], args.reps)
    sql = sample([lambda i=i: rank_conditions(i) for i in feature_ids], args.sql_reps, warmup=1)
    rankings = [(lambda r: r[: len(r)])(ranked(f)) for f in resolved]  # every row, as a list
    sql_equal = [rank_conditions(i) == r for i, r in zip(feature_ids, rankings, strict=True)]
    return ours, core, sql, rankings, sql_equal


def worst_page(client, urls: list[str]) -> dict:
    """Every results page answers whole; the largest one's size."""
    page_bytes = {}
    for url in urls:
        response = client.get(url)
        if response.status_code != 200 or b"</html>" not in response.content:
            raise SystemExit(f"{url} answered {response.status_code}")
        page_bytes[url] = len(response.content)
    # A phone must carry any results page (issue #15: at most 150 kB of HTML before compression).
    worst_url = max(page_bytes, key=page_bytes.get)
    return {"worst_kb": page_bytes[worst_url] / 1000, "worst_url": worst_url}


def time_autocomplete(args, client) -> tuple:
    """The first typo query (it builds the word list), then search_features and /suggest/."""
    from conditions.search import search_features
    from explorer.response_cache import forget_pages

    forget_pages()
    t0 = time.perf_counter_ns()
    first = search_features("purpra", 10)  # the first typo builds the word list (once a version)
    typo_cold_ns = time.perf_counter_ns() - t0
    auto = sample([lambda q=q: search_features(q, 10) for q in AUTOCOMPLETE], args.reps)
    suggest_urls = [f"/suggest/?q={q.replace(' ', '+')}" for q in AUTOCOMPLETE]
    suggest = sample(
        [lambda u=u: client.get(u, HTTP_HX_REQUEST="true") for u in suggest_urls],
        args.view_reps,
        1,
        forget_pages,
    )
    top = [[m.feature.name for m in search_features(q, 3)] for q in AUTOCOMPLETE]
    assert first, "purpra found nothing"
    return typo_cold_ns, auto, suggest, top


def view_breakdown(client, urls: list[str], before, reps: int) -> list[dict]:
    """Where a whole-page request spends its time: the view's steps (wrapped with timers for this
    pass only, so the timed runs above carry no wrapper), SQL statements, and the rest (middleware,
    page cache key, content version, pagination). Medians per URL, in ms."""
    from django.db import connection

    from explorer import views

    spent: dict[str, int] = {}
    statements = [0]

    def timed(name, func):
        def wrapper(*a, **kw):
            t0 = time.perf_counter_ns()
            try:
                return func(*a, **kw)
            finally:
                spent[name] = spent.get(name, 0) + time.perf_counter_ns() - t0

        return wrapper

    def count(execute, sql, params, many, context):
        statements[0] += 1
        return execute(sql, params, many, context)

    originals = {name: getattr(views, name) for name in VIEW_PARTS if hasattr(views, name)}
    out = []
    try:
        for name, func in originals.items():
            setattr(views, name, timed(name, func))
        for url in urls:
            rows: dict[str, list[float]] = {}
            for _ in range(reps):
                before()
                spent.clear()
                statements[0] = 0
                t0 = time.perf_counter_ns()
                with connection.execute_wrapper(count):
                    client.get(url)
                total = time.perf_counter_ns() - t0
                parts = {name: spent.get(name, 0) / 1e6 for name in originals}
                parts["other"] = total / 1e6 - sum(parts.values())
                parts["total"] = total / 1e6
                parts["sql_statements"] = statements[0]
                for key, value in parts.items():
                    rows.setdefault(key, []).append(value)
            out.append({key: median(values) for key, values in rows.items()})
    finally:
        for name, func in originals.items():
            setattr(views, name, func)
    return out


# Figures -----------------------------------------------------------------------------------------


def per_query_figures(timed: OurTimings, peer: dict, raw_peer: dict, checks, raw_checks) -> list:
    per_query = []
    for i, (size, ids) in enumerate(QUERIES):
        row = {
            "class": size,
            "ids": ids,
            "ours_us": median(timed.ours[i]) / 1e3,
            "core_us": median(timed.core[i]) / 1e3,
            "hpo3_us": median(peer["queries"][i]["ns"]) / 1e3,
            "sql_ms": median(timed.sql[i]) / 1e6,
            "view_ms": median(timed.view[i]) / 1e6,
            "view_cached_ms": median(timed.view_cached[i]) / 1e6,
            "view_breakdown_ms": timed.breakdown[i],
            "sql_equal": timed.sql_equal[i],
            "check": dict(checks[i]),
            "raw_hpo3_total": raw_peer["queries"][i]["total"],
            "raw_check_ok": raw_checks[i]["ok"],
        }
        row["ratio"] = row["ours_us"] / row["hpo3_us"]
        per_query.append(row)
    return per_query


def per_class_figures(timed: OurTimings, peer: dict, per_query: list, checks) -> list:
    """Medians pooling every run of every query in a class."""
    per_class = []
    for size in QUERY_CLASSES:
        members = [i for i, (s, _) in enumerate(QUERIES) if s == size]

        def pooled(samples, members=members):
            return median(x for i in members for x in samples[i])

        breakdown = timed.breakdown
        row = {
            "class": size,
            "queries": len(members),
            "ours_us": pooled(timed.ours) / 1e3,
            "core_us": pooled(timed.core) / 1e3,
            "hpo3_us": pooled([q["ns"] for q in peer["queries"]]) / 1e3,
            "sql_ms": pooled(timed.sql) / 1e6,
            "view_ms": pooled(timed.view) / 1e6,
            "view_worst_query_ms": max(per_query[i]["view_ms"] for i in members),
            "view_cached_ms": pooled(timed.view_cached) / 1e6,
            "view_breakdown_ms": {
                key: median(breakdown[i][key] for i in members) for key in breakdown[members[0]]
            },
            "totals_ok": all(checks[i]["ok"] for i in members),
            "worst_query_ratio": max(per_query[i]["ratio"] for i in members),
        }
        row["ratio"] = row["ours_us"] / row["hpo3_us"]
        per_class.append(row)
    return per_class


def autocomplete_figures(timed: OurTimings) -> list:
    return [
        {
            "query": q,
            "search_ms": median(timed.auto[i]) / 1e6,
            "suggest_view_ms": median(timed.suggest[i]) / 1e6,
            "top": timed.top[i],
        }
        for i, q in enumerate(AUTOCOMPLETE)
    ]
