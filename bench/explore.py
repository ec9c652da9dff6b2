"""Explore benchmark: the full HPO import, then matching, the whole results page and autocomplete,
timed beside hpo3 (https://pypi.org/project/hpo3/) answering the same questions in memory.

Usage (one command; `make bench-explore` runs it on SQLite, then on PostgreSQL when one answers):

    .venv/bin/python bench/explore.py --database sqlite
    .venv/bin/python bench/explore.py --database postgres [--pg-url postgres://postgres@127.0.0.1:5432]
    .venv/bin/python bench/explore.py --database sqlite --skip-import   # reuse the last --keep run

What it does, in one run:

1. A fresh database (a SQLite file under /tmp, or a new PostgreSQL database), `migrate`,
   `loaddata curated`, then `manage.py import_hpo --include-omim --sources ORPHA,OMIM`, timed as a
   command (wall clock, process start included) and by the import's own report.
2. Our side, in this process with production settings (DEBUG off, cached templates, local-memory
   cache): the match index build, then for query classes of 1, 3, 5 and 10 HPO terms
   `conditions.matching.ranked` (what the view calls: the content-version check plus the index),
   the index alone, the SQL reference `rank_conditions`, and the whole explore view through the
   test client (first page; the page cache cleared before every request, and a cached hit apart).
   Then autocomplete: `search_features` and the /suggest/ view for partial lay queries.
3. The peer: hpo3 in its own process (bench/hpo3_peer.py; hpo3 lives in bench/.hpo3, see there),
   loaded from the same hp.obo and phenotype.hpoa (pyhpo's data folder, which import_hpo reads),
   ranking the same queries: for the ticked terms, the union of their ORPHA and OMIM diseases,
   each with the number of ticked terms it mentions, most first, then by name.
4. Checks: for every query our total equals hpo3's, and every imported condition has the same
   count of ticked terms; the index equals the SQL reference. A mismatch exits non-zero.

Sources: hpo3 reads ORPHA and OMIM lines only (no DECIPHER), so both sides use those two.

Documented absence: our import stores a line as "documented absent" (never counted) when it is
qualified NOT, or its frequency is a count of 0 (e.g. "0/3") or the Excluded frequency term. hpo3
drops NOT lines but counts the others. So hpo3 loads the same release with those lines marked NOT
(a normalised copy of phenotype.hpoa beside symlinks to the other files); the run also loads the
unmodified file and reports how many queries hpo3 then answers differently, and why.

Curated content: the curated fixture's conditions carry ORPHA/OMIM cross-references, so the
import merges HPO lines into them and curated mentions take precedence. Their counts are shown
apart ("curated" columns) and checked only as a whole by `--no-curated`, which skips the fixture
so every total must be strictly equal.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
HPO3_DIR = BENCH / ".hpo3"
HPO3_REQUIREMENT = "hpo3>=1.5,<2"
RESULTS = BENCH / "results"
PYTHON = sys.executable
SQLITE_PATH = Path(tempfile.gettempdir()) / "symptom-explorer-bench.sqlite3"
PG_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
PG_NAME = "symptom_explorer_bench"

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
AUTOCOMPLETE = [
    "bruis",
    "enlarged liv",
    "tingling",
    "septo optic",
    "seizur",
    "purpra",
    "short stat",
]
TARGETS = {
    "matching_ratio": 0.25,  # ours / hpo3, every class
    "view_ms": 15.0,  # whole view median, worst class
    "import_s": {"sqlite": 10.0, "postgres": 20.0},
    "autocomplete_ms": 10.0,  # worst query median (function and /suggest/ view)
}
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "SECRET_KEY": "x",
    "ALLOWED_HOSTS": "testserver",
    "SECURE_SSL_REDIRECT": "false",
    "LOG_LEVEL": "ERROR",
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--skip-import",
        action="store_true",
        help="reuse the database a --keep run left (implies --keep)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--pg-url", default=PG_URL, help="server URL, without a database name")
    parser.add_argument(
        "--pg-name",
        default=PG_NAME,
        help="the throwaway database (one per engineer sharing a server)",
    )
    parser.add_argument("--sqlite-path", type=Path, default=SQLITE_PATH)
    parser.add_argument(
        "--sources", default="ORPHA,OMIM", help="ORPHA and/or OMIM (what hpo3 reads)"
    )
    parser.add_argument(
        "--no-curated", action="store_true", help="skip the curated fixture: totals strictly equal"
    )
    parser.add_argument("--reps", type=int, default=30, help="timed runs per query (matching)")
    parser.add_argument("--view-reps", type=int, default=30, help="timed requests per query")
    parser.add_argument("--sql-reps", type=int, default=5, help="runs of the SQL reference")
    parser.add_argument(
        "--import-runs", type=int, default=1, help="imports into fresh databases (median shown)"
    )
    parser.add_argument("--json", type=Path, help="where to write the figures (bench/results/…)")
    args = parser.parse_args()
    args.keep = args.keep or args.skip_import
    args.sources = [s.strip().upper() for s in args.sources.split(",") if s.strip()]
    if not args.sources or set(args.sources) - {"ORPHA", "OMIM"}:
        parser.error("--sources: ORPHA and/or OMIM (hpo3 has no DECIPHER)")
    return args


# Database and subprocess steps ------------------------------------------------------------------


def database_url(args) -> str:
    if args.database == "sqlite":
        return f"sqlite:///{args.sqlite_path}"
    return f"{args.pg_url.rstrip('/')}/{args.pg_name}"


def pg_admin(args, *statements: str) -> None:
    import psycopg

    with psycopg.connect(
        f"{args.pg_url.rstrip('/')}/postgres", autocommit=True, connect_timeout=5
    ) as conn:
        for statement in statements:
            conn.execute(statement)


def pg_exists(args) -> bool:
    import psycopg

    with psycopg.connect(f"{args.pg_url.rstrip('/')}/postgres", connect_timeout=5) as conn:
        return bool(
            conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [args.pg_name]).fetchone()
        )


def fresh_database(args) -> None:
    if args.database == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{args.sqlite_path}{suffix}").unlink(missing_ok=True)
    else:
        pg_admin(
            args,
            f"DROP DATABASE IF EXISTS {args.pg_name} WITH (FORCE)",
            f"CREATE DATABASE {args.pg_name}",
        )


def drop_database(args) -> None:
    if args.database == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{args.sqlite_path}{suffix}").unlink(missing_ok=True)
    else:
        pg_admin(args, f"DROP DATABASE IF EXISTS {args.pg_name} WITH (FORCE)")


def manage(env: dict[str, str], *command: str) -> None:
    subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True)


def timed_import(env: dict[str, str], sources: list[str]) -> dict:
    """`manage.py import_hpo`: wall time, the import's own figure and the process's peak memory."""
    command = [PYTHON, "manage.py", "import_hpo", "--sources", ",".join(sources)]
    if "OMIM" in sources:
        command.append("--include-omim")
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        print(output)
        raise SystemExit(f"import_hpo failed (exit {process.returncode})")
    done = re.search(r"Done in ([\d.]+) s", output)
    return {
        "command": " ".join(command[1:]),
        "wall_s": wall,
        "reported_s": float(done[1]) if done else None,
        "maxrss_mb": usage.ru_maxrss / 1024,
        "report": output.splitlines(),
    }


def ensure_hpo3() -> None:
    if (HPO3_DIR / "pyhpo" / "__init__.py").exists():
        return
    print(f"Installing {HPO3_REQUIREMENT} into {HPO3_DIR.relative_to(ROOT)} (kept out of the venv)")
    subprocess.run(
        [PYTHON, "-m", "pip", "install", "--quiet", "--target", str(HPO3_DIR), HPO3_REQUIREMENT],
        check=True,
    )


# Measuring --------------------------------------------------------------------------------------


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def peak_mb() -> float:
    """Peak RSS of this process (VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


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


def label(ids: list[str]) -> str:
    return ",".join(i.removeprefix("HP:") for i in ids)


# hpo3 --------------------------------------------------------------------------------------------


def documented_absent(qualifier: str, frequency: str) -> bool:
    """Our import's rule for a line stored as documented absent (conditions/hpo_import.py)."""
    from conditions.hpo import parse_frequency
    from conditions.models import Mention

    if qualifier == "NOT":
        return True
    try:
        parsed = parse_frequency(frequency)
    except ValueError:
        return False
    if parsed is None:
        return False
    if parsed.term:
        return Mention.CATEGORY_HPO_IDS.get(parsed.term) == Mention.Category.EXCLUDED
    if parsed.numerator is not None:
        return parsed.numerator == 0 and parsed.denominator > 0
    return False


def normalised_folder(data: Path, target: Path) -> dict:
    """hp.obo and gene files linked, phenotype.hpoa copied with documented-absent lines as NOT."""
    target.mkdir(parents=True, exist_ok=True)
    for name in ("hp.obo", "genes_to_phenotype.txt", "phenotype_to_genes.txt"):
        if (data / name).exists():
            (target / name).symlink_to(data / name)
    marked = 0
    with (
        (data / "phenotype.hpoa").open(encoding="utf-8") as src,
        (target / "phenotype.hpoa").open("w", encoding="utf-8") as out,
    ):
        for line in src:
            if line.startswith(("ORPHA:", "OMIM:")):
                cols = line.rstrip("\n").split("\t")
                if cols[2] != "NOT" and documented_absent(cols[2], cols[7]):
                    cols[2] = "NOT"
                    line = "\t".join(cols) + "\n"
                    marked += 1
            out.write(line)
    return {"folder": str(target), "lines_marked_not": marked}


def run_peer(folder: Path, sources: list[str], queries: list[list[str]], reps: int) -> dict:
    job = {
        "data_folder": str(folder),
        "sources": sources,
        "queries": queries,
        "reps": reps,
        "warmup": 3 if reps else 0,
    }
    result = subprocess.run(
        [PYTHON, str(BENCH / "hpo3_peer.py")],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        cwd=BENCH,
    )
    if result.returncode:
        raise SystemExit(f"hpo3 peer failed:\n{result.stderr}")
    return json.loads(result.stdout)


VIEW_PARTS = ("resolve_features", "ranked", "explain", "_browse_groups", "_suggestions", "render")


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


# Checking ----------------------------------------------------------------------------------------


class Reconciler:
    """Maps hpo3's diseases onto our conditions through the imported cross-references."""

    def __init__(self, sources: list[str]):
        from conditions.models import Condition, CrossReference, Origin

        self.condition_of = {
            (scheme, code): condition
            for scheme, code, condition in CrossReference.objects.filter(
                scheme__in=sources
            ).values_list("scheme", "code", "condition_id")
        }
        self.curated = set(
            Condition.objects.filter(origin=Origin.CURATED).values_list("pk", flat=True)
        )

    def compare(self, ours: list[tuple[int, int]], peer_rows: list[list]) -> dict:
        ours_imported = {c: n for c, n in ours if c not in self.curated}
        peer_imported: dict[int, int] = {}
        peer_curated = 0
        unmapped = []
        for source, disease_id, n in peer_rows:
            condition = self.condition_of.get((source, str(disease_id)))
            if condition is None:
                unmapped.append(f"{source}:{disease_id}")
            elif condition in self.curated:
                peer_curated += 1
            elif condition in peer_imported:
                unmapped.append(f"{source}:{disease_id} (second disease on condition {condition})")
            else:
                peer_imported[condition] = n
        only_ours = sorted(ours_imported.keys() - peer_imported.keys())
        only_peer = sorted(peer_imported.keys() - ours_imported.keys())
        other_count = sorted(
            c
            for c in ours_imported.keys() & peer_imported.keys()
            if ours_imported[c] != peer_imported[c]
        )
        return {
            "ours_total": len(ours),
            "peer_total": len(peer_rows),
            "ours_curated": len(ours) - len(ours_imported),
            "peer_curated": peer_curated,
            "only_ours": only_ours[:20],
            "only_peer": only_peer[:20],
            "count_differs": other_count[:20],
            "unmapped": unmapped[:20],
            "ok": not (only_ours or only_peer or other_count or unmapped),
        }


# Main --------------------------------------------------------------------------------------------


def main() -> int:
    args = parse_args()
    url = database_url(args)
    env = {
        k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(PRODUCTION_ENV, DATABASE_URL=url)
    os.environ.clear()
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "explorer.settings")
    ensure_hpo3()

    figures: dict = {
        "database": args.database,
        "database_url": url,
        "sources": args.sources,
        "curated_fixture": not args.no_curated,
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "reps": {"matching": args.reps, "view": args.view_reps, "sql": args.sql_reps},
    }
    print(f"== Explore benchmark on {args.database} ({url}), sources {','.join(args.sources)}")

    if args.skip_import:
        if args.database == "postgres" and not pg_exists(args):
            raise SystemExit(
                f"--skip-import: no database {args.pg_name}; run once with --keep first"
            )
        if args.database == "sqlite" and not args.sqlite_path.exists():
            raise SystemExit(f"--skip-import: no {args.sqlite_path}; run once with --keep first")
        figures["import"] = None
    else:
        runs = []
        for run in range(args.import_runs):
            fresh_database(args)
            manage(env, "migrate", "--no-input", "-v0")
            if not args.no_curated:
                manage(env, "loaddata", "curated", "-v0")
            print(f"Importing the full HPO release (timed, run {run + 1})…", flush=True)
            runs.append(timed_import(env, args.sources))
        figures["import"] = runs[-1] | {
            "runs_wall_s": [r["wall_s"] for r in runs],
            "wall_s": median(r["wall_s"] for r in runs),
            "reported_s": median(r["reported_s"] for r in runs if r["reported_s"] is not None),
        }
    manage(env, "collectstatic", "--no-input", "-v0")  # DEBUG off serves the manifest's names

    try:
        ok = measure(args, figures)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(args)

    RESULTS.mkdir(exist_ok=True)
    path = args.json or RESULTS / (f"explore-{args.database}-{datetime.now():%Y%m%d-%H%M%S}.json")
    path.write_text(json.dumps(figures, indent=2))
    print(f"\nFigures written to {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0 if ok else 1


def measure(args, figures: dict) -> bool:
    import django

    django.setup()
    from django.core.cache import cache
    from django.test import Client

    from conditions import index
    from conditions.management.commands.import_hpo import pyhpo_data
    from conditions.matching import rank_conditions, ranked, resolve_features
    from conditions.models import HpoRelease
    from conditions.search import search_features

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

    # Index build and memory (before anything the bench itself needs memory for).
    figures["memory"] = {"rss_before_index_mb": rss_mb()}
    started = time.perf_counter()
    match_index = index.current_index()
    figures["index"] = {
        "build_s": time.perf_counter() - started,
        "nbytes_mb": match_index.nbytes / 2**20,
        "conditions": len(match_index.condition_ids),
    }
    figures["memory"]["rss_after_index_mb"] = rss_mb()
    figures["memory"]["peak_after_index_mb"] = peak_mb()
    print(
        f"Index built in {figures['index']['build_s']:.2f} s, "
        f"{figures['index']['nbytes_mb']:.1f} MB, {figures['index']['conditions']} conditions"
    )

    queries = [(size, ids) for size, group in QUERY_CLASSES.items() for ids in group]
    resolved = []
    for _, ids in queries:
        found = resolve_features(ids)
        if found.unknown or [f.hpo_id for f in found.features] != ids:
            raise SystemExit(f"Query {ids}: not all tickable ({found.unknown})")
        resolved.append(found.features)
    feature_ids = [[f.pk for f in features] for features in resolved]

    print("Timing matching, SQL reference, view, autocomplete…", flush=True)
    ours = sample([lambda f=f: ranked(f) for f in resolved], args.reps)
    core = sample([lambda i=i: match_index.rank(i) for i in feature_ids], args.reps)
    sql = sample([lambda i=i: rank_conditions(i) for i in feature_ids], args.sql_reps, warmup=1)
    rankings = [(lambda r: r[: len(r)])(ranked(f)) for f in resolved]
    sql_equal = [rank_conditions(i) == r for i, r in zip(feature_ids, rankings, strict=True)]

    client = Client()
    urls = ["/?" + "&".join(f"feature={i}" for i in ids) for _, ids in queries]
    page_bytes = {}
    for url in urls:
        response = client.get(url)
        if response.status_code != 200 or b"</html>" not in response.content:
            raise SystemExit(f"{url} answered {response.status_code}")
        page_bytes[url] = len(response.content)
    # A phone must carry any results page (issue #15: at most 150 kB of HTML before compression).
    worst_url = max(page_bytes, key=page_bytes.get)
    figures["page_size"] = {"worst_kb": page_bytes[worst_url] / 1000, "worst_url": worst_url}
    view = sample([lambda u=u: client.get(u) for u in urls], args.view_reps, 1, cache.clear)
    cache.clear()
    view_cached = sample([lambda u=u: client.get(u) for u in urls], args.view_reps, 1)
    breakdown = view_breakdown(client, urls, cache.clear, max(5, args.view_reps // 3))

    cache.clear()
    t0 = time.perf_counter_ns()
    first = search_features("purpra", 10)  # the first typo builds the word list (once a version)
    typo_cold_ns = time.perf_counter_ns() - t0
    auto = sample([lambda q=q: search_features(q, 10) for q in AUTOCOMPLETE], args.reps)
    suggest_urls = [f"/suggest/?q={q.replace(' ', '+')}" for q in AUTOCOMPLETE]
    suggest = sample(
        [lambda u=u: client.get(u, HTTP_HX_REQUEST="true") for u in suggest_urls],
        args.view_reps,
        1,
        cache.clear,
    )
    top = [[m.feature.name for m in search_features(q, 3)] for q in AUTOCOMPLETE]
    assert first, "purpra found nothing"
    figures["memory"]["ours_peak_mb"] = peak_mb()  # before the bench's own checking work
    figures["memory"]["ours_rss_mb"] = rss_mb()

    # The peer, on the normalised files (timed and checked) and on the unmodified ones (totals).
    data = pyhpo_data()
    print(f"Running hpo3 on {data} (normalised copy, see --help)…", flush=True)
    with tempfile.TemporaryDirectory(prefix="explore-hpo3-") as tmp:
        normalised = normalised_folder(data, Path(tmp))
        peer = run_peer(Path(tmp), args.sources, [ids for _, ids in queries], args.reps)
    raw_peer = run_peer(data, args.sources, [ids for _, ids in queries], 0)
    reconciler = Reconciler(args.sources)
    checks = [
        reconciler.compare(r, q["rows"]) for r, q in zip(rankings, peer["queries"], strict=True)
    ]
    raw_checks = [
        reconciler.compare(r, q["rows"]) for r, q in zip(rankings, raw_peer["queries"], strict=True)
    ]

    # Per query and per class figures.
    per_query = []
    for i, (size, ids) in enumerate(queries):
        per_query.append(
            {
                "class": size,
                "ids": ids,
                "ours_us": median(ours[i]) / 1e3,
                "core_us": median(core[i]) / 1e3,
                "hpo3_us": median(peer["queries"][i]["ns"]) / 1e3,
                "sql_ms": median(sql[i]) / 1e6,
                "view_ms": median(view[i]) / 1e6,
                "view_cached_ms": median(view_cached[i]) / 1e6,
                "view_breakdown_ms": breakdown[i],
                "sql_equal": sql_equal[i],
                "check": {k: v for k, v in checks[i].items()},
                "raw_hpo3_total": raw_peer["queries"][i]["total"],
                "raw_check_ok": raw_checks[i]["ok"],
            }
        )
        per_query[-1]["ratio"] = per_query[-1]["ours_us"] / per_query[-1]["hpo3_us"]
    per_class = []
    for size in QUERY_CLASSES:
        members = [i for i, (s, _) in enumerate(queries) if s == size]

        def pooled(samples, members=members):
            return median(x for i in members for x in samples[i])

        row = {
            "class": size,
            "queries": len(members),
            "ours_us": pooled(ours) / 1e3,
            "core_us": pooled(core) / 1e3,
            "hpo3_us": pooled([q["ns"] for q in peer["queries"]]) / 1e3,
            "sql_ms": pooled(sql) / 1e6,
            "view_ms": pooled(view) / 1e6,
            "view_worst_query_ms": max(per_query[i]["view_ms"] for i in members),
            "view_cached_ms": pooled(view_cached) / 1e6,
            "view_breakdown_ms": {
                key: median(breakdown[i][key] for i in members) for key in breakdown[members[0]]
            },
            "totals_ok": all(checks[i]["ok"] for i in members),
            "worst_query_ratio": max(per_query[i]["ratio"] for i in members),
        }
        row["ratio"] = row["ours_us"] / row["hpo3_us"]
        per_class.append(row)
    autocomplete = [
        {
            "query": q,
            "search_ms": median(auto[i]) / 1e6,
            "suggest_view_ms": median(suggest[i]) / 1e6,
            "top": top[i],
        }
        for i, q in enumerate(AUTOCOMPLETE)
    ]
    figures.update(
        classes=per_class,
        queries=per_query,
        autocomplete=autocomplete,
        typo_cold_ms=typo_cold_ns / 1e6,
        hpo3={
            k: peer[k]
            for k in ("hpo3_version", "ontology_version", "load_seconds", "name_order_seconds")
        }
        | {"diseases": peer["diseases"], "peak_rss_mb": peer["peak_rss_mb"], **normalised},
    )
    return report(args, figures, raw_checks)


def report(args, figures: dict, raw_checks: list[dict]) -> bool:
    print()
    print(
        f"HPO {figures['release']['version']}, hpo3 {figures['hpo3']['hpo3_version']} "
        f"(ontology {figures['hpo3']['ontology_version']}), {figures['machine']['cpus']} CPUs, "
        f"medians of {args.reps} runs (views {args.view_reps}, SQL {args.sql_reps})"
    )
    print(
        f"{'class':>5} {'n':>2} {'ours µs':>9} {'index µs':>9} {'hpo3 µs':>9} {'ratio':>6} "
        f"{'worst':>6} {'SQL ms':>8} {'view ms':>8} {'worst':>7} {'cached':>7}  totals"
    )
    for row in figures["classes"]:
        print(
            f"{row['class']:>5} {row['queries']:>2} {row['ours_us']:9.1f} {row['core_us']:9.1f} "
            f"{row['hpo3_us']:9.1f} {row['ratio']:6.3f} {row['worst_query_ratio']:6.2f} "
            f"{row['sql_ms']:8.1f} {row['view_ms']:8.2f} "
            f"{row['view_worst_query_ms']:7.2f} {row['view_cached_ms']:7.2f}  "
            f"{'equal' if row['totals_ok'] else 'MISMATCH'}"
        )
    print("  Medians pool every run of every query in the class. ours = conditions.matching.ranked")
    print("  (content-version check + index), index = the built MatchIndex.rank alone; ratio =")
    print("  ours / hpo3, worst = the class's slowest query by that ratio; view = whole explore")
    print("  page, page cache cleared before each request (worst = slowest query); cached = a hit.")
    print()
    parts = list(figures["classes"][0]["view_breakdown_ms"])
    print("Whole view, where the time goes (median ms per request over the class's queries):")
    print(f"{'class':>5} " + " ".join(f"{p.strip('_')[:12]:>12}" for p in parts))
    for row in figures["classes"]:
        b = row["view_breakdown_ms"]
        print(
            f"{row['class']:>5} "
            + " ".join(f"{b[p]:12.0f}" if p == "sql_statements" else f"{b[p]:12.2f}" for p in parts)
        )
    print("  (timers wrap the view's steps in a separate pass; render = template rendering;")
    print("  other = middleware, page-cache key, content version, pagination)")
    print()
    print(
        f"{'query':<62} {'ours':>6} {'hpo3':>6} {'cur.':>9} {'ours µs':>8} {'hpo3 µs':>8} "
        f"{'ratio':>6} {'SQL ms':>7} {'view ms':>7}  check"
    )
    for q in figures["queries"]:
        c = q["check"]
        status = "ok" if c["ok"] else "MISMATCH"
        if not q["sql_equal"]:
            status += " SQL≠index"
        print(
            f"{q['class']:>2}: {label(q['ids']):<58} {c['ours_total']:>6} {c['peer_total']:>6} "
            f"{c['ours_curated']:>4}/{c['peer_curated']:<4} {q['ours_us']:8.1f} "
            f"{q['hpo3_us']:8.1f} {q['ratio']:6.2f} {q['sql_ms']:7.1f} {q['view_ms']:7.2f}  {status}"
        )
        if not c["ok"]:
            print(f"      only ours {c['only_ours']} only hpo3 {c['only_peer']}")
            print(f"      count differs {c['count_differs']} unmapped {c['unmapped']}")
    print("  cur. = curated conditions in ours / hpo3 diseases on curated conditions (shown apart:")
    print("  curated mentions and merged ORPHA+OMIM codes; every imported condition must match).")
    print()
    print(f"{'autocomplete':<14} {'search ms':>9} {'/suggest/ ms':>12}  first matches")
    for a in figures["autocomplete"]:
        print(
            f"{a['query']:<14} {a['search_ms']:9.2f} {a['suggest_view_ms']:12.2f}  "
            f"{'; '.join(a['top'])[:70]}"
        )
    print(
        f"  (the first typo query of a content version builds the word list: {figures['typo_cold_ms']:.0f} ms)"
    )
    print()
    imp = figures["import"]
    if imp:
        runs = ", ".join(f"{w:.1f}" for w in imp["runs_wall_s"])
        print(
            f"Import: {imp['wall_s']:.1f} s wall (median of {len(imp['runs_wall_s'])}: {runs}) for "
            f"`{imp['command']}`, process start included (its own report {imp['reported_s']:.1f} s), "
            f"peak RSS {imp['maxrss_mb']:.0f} MB"
        )
    idx, mem, h = figures["index"], figures["memory"], figures["hpo3"]
    size = figures["page_size"]
    print(f"Worst results page: {size['worst_kb']:.1f} kB of HTML ({size['worst_url']})")
    print(
        f"Index: built in {idx['build_s']:.2f} s, {idx['nbytes_mb']:.1f} MB of arrays; "
        f"RSS {mem['rss_before_index_mb']:.0f} → {mem['rss_after_index_mb']:.0f} MB "
        f"(peak {mem['peak_after_index_mb']:.0f} MB while building); our process peak "
        f"{mem['ours_peak_mb']:.0f} MB after all queries and pages"
    )
    print(
        f"hpo3: loaded in {h['load_seconds']:.2f} s (+{h['name_order_seconds']:.2f} s name order), "
        f"{', '.join(f'{k} {v}' for k, v in h['diseases'].items())} diseases, "
        f"peak RSS {h['peak_rss_mb']:.0f} MB"
    )
    raw_differ = sum(not c["ok"] for c in raw_checks)
    extra = [q["raw_hpo3_total"] - q["check"]["peer_total"] for q in figures["queries"]]
    print(
        f"Documented absence: {h['lines_marked_not']} lines with a frequency of 0 (or Excluded) were "
        f"marked NOT for hpo3. On the unmodified file hpo3 answers {raw_differ} of "
        f"{len(raw_checks)} queries differently, with {min(extra)} to {max(extra)} more diseases "
        "(it counts those lines as mentions; we store them as documented absent)."
    )

    totals_ok = all(q["check"]["ok"] for q in figures["queries"])
    sql_ok = all(q["sql_equal"] for q in figures["queries"])
    view_worst = max(r["view_worst_query_ms"] for r in figures["classes"])
    view_class_worst = max(r["view_ms"] for r in figures["classes"])
    auto_worst = max(max(a["search_ms"], a["suggest_view_ms"]) for a in figures["autocomplete"])
    worst_query = max(figures["queries"], key=lambda q: q["ratio"])
    targets = {
        "matching ≤ 0.25× hpo3, every class": (
            max(r["ratio"] for r in figures["classes"]) <= TARGETS["matching_ratio"],
            f"worst class median ratio {max(r['ratio'] for r in figures['classes']):.3f} "
            f"(slowest single query by ratio: {label(worst_query['ids'])} at "
            f"{worst_query['ratio']:.2f}, {worst_query['ours_us']:.0f} vs "
            f"{worst_query['hpo3_us']:.0f} µs)",
        ),
        "whole view ≤ 15 ms, worst class": (
            view_class_worst <= TARGETS["view_ms"],
            f"worst class median {view_class_worst:.1f} ms (slowest single query {view_worst:.1f} ms)",
        ),
        "autocomplete ≤ 10 ms": (
            auto_worst <= TARGETS["autocomplete_ms"],
            f"worst query median {auto_worst:.1f} ms",
        ),
    }
    if imp:
        limit = TARGETS["import_s"][args.database]
        targets[f"import ≤ {limit:.0f} s on {args.database}"] = (
            imp["wall_s"] <= limit,
            f"{imp['wall_s']:.1f} s",
        )
    print()
    for name, (met, detail) in targets.items():
        print(f"  {'met   ' if met else 'MISSED'} {name}: {detail}")
    figures["targets"] = {name: {"met": met, "detail": d} for name, (met, d) in targets.items()}
    figures["totals_equal"] = totals_ok
    figures["sql_equals_index"] = sql_ok
    print(
        f"  {'ok    ' if totals_ok else 'FAILED'} totals equal hpo3's for all "
        f"{len(figures['queries'])} queries"
    )
    print(f"  {'ok    ' if sql_ok else 'FAILED'} the index equals the SQL reference on every query")
    if not totals_ok or not sql_ok:
        print("\n!!! MISMATCH: see the rows marked above !!!", file=sys.stderr)
    return totals_ok and sql_ok


if __name__ == "__main__":
    sys.exit(main())
