"""Write a parsed HPO release into the database as a diff against what is already there.

Imported rows are ordinary Features, Conditions and Mentions with origin "hpo". Rows staff curated
are the same rows when they carry the same HPO id or Orphanet/OMIM/DECIPHER code: the import only
fills their blank fields and never overwrites staff text or curated mentions.

Running it again with the same files changes nothing. A new release, or fewer --sources, updates
and removes HPO-origin rows only: features are unpublished rather than deleted, and conditions
staff wrote about, linked or gave curated mentions are kept.

Speed: the full release is ~19k terms and ~270k annotation lines, so everything is read with one
query per table and written with batched raw SQL (see bulk.py). That bypasses Model.save(),
per-row signals and simple_history (imported data needs no edit history); derived data is brought
in step once at the end: the is_a closure (when the graph changed) and the content version.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from . import closure, content_version
from .bulk import bulk_load, delete_rows, insert_rows, reloading, update_rows
from .hpo import (
    PHENOTYPIC_ABNORMALITY,
    SYNONYM_SCOPES,
    Annotation,
    Annotations,
    HpoFormatError,
    Ontology,
    Term,
    parse_frequency,
    parse_hpoa,
    parse_obo,
)
from .models import (
    BodySystem,
    Condition,
    ConditionLink,
    CrossReference,
    Feature,
    FeatureAlias,
    FeatureClosure,
    HpoRelease,
    Mention,
    Origin,
    Synonym,
    normalise_search_text,
)

SOURCES = ("ORPHA", "OMIM", "DECIPHER")
DEFAULT_SOURCES = ("ORPHA", "DECIPHER")
# Raw SQL gets plain strings, not the TextChoices members (drivers may adapt enums by name).
HPO = Origin.HPO.value
SYNONYM_KINDS = {scope: Synonym.Kind[scope].value for scope in SYNONYM_SCOPES}
ALT_ID, REPLACED_BY, CONSIDER = (k.value for k in FeatureAlias.Kind)
ALIAS_PRIORITY = {ALT_ID: 0, REPLACED_BY: 1, CONSIDER: 2}
CURATED = Origin.CURATED.value
CATEGORIES = {term: category.value for term, category in Mention.CATEGORY_HPO_IDS.items()}
EXCLUDED = Mention.Category.EXCLUDED.value
NOT_RECORDED, CATEGORY, COUNT, PERCENT = (k.value for k in Mention.FrequencyKind)
STEPS = (
    "reading hp.obo",
    "reading phenotype.hpoa",
    "body systems",
    "features",
    "is_a links",
    "synonyms",
    "aliases",
    "annotation lines",
    "conditions",
    "mentions",
    "closure",
)
# The Mention fields an HPO line sets, in this order in every tuple below.
MENTION_FIELDS = (
    "frequency_kind",
    "frequency_category",
    "numerator",
    "denominator",
    "percent",
    "is_absent",
    "onset",
    "sex",
    "evidence",
    "references",
    "curated_on",
)
IS_ABSENT = MENTION_FIELDS.index("is_absent")
FEATURE_FIELDS = (
    "name",
    "definition",
    "body_system",
    "is_phenotype",
    "plain_name",
    "plain_name_origin",
    "search_text",
)
# Staff-written Feature fields: blank on imported rows, never written by the import. (The plain
# name is staff text too, but where staff left it blank the import offers the HPO's everyday name.)
STAFF = ("description", "illustration", "illustration_alt", "illustration_credit")
STAFF_BLANKS = ("",) * len(STAFF)
_DATE = re.compile(r"\[(\d{4}-\d{2}-\d{2})\]")

# Tables the import writes, and those holding rows that point at rows it may delete.
WRITTEN = (
    BodySystem,
    Feature,
    Feature.parents.through,
    FeatureAlias,
    FeatureClosure,
    Synonym,
    Condition,
    ConditionLink,
    CrossReference,
    Mention,
    Mention.sources.through,
)

# Onset (aspect C) and inheritance (aspect I) lines become condition data, in groups a visitor can
# filter by: a term belongs to the group of the first of these it is, or is a kind of.
ONSET_GROUPS = {
    "HP:0030674": Condition.Onset.ANTENATAL.value,  # antenatal onset
    "HP:0003577": Condition.Onset.ANTENATAL.value,  # congenital onset
    "HP:0003623": Condition.Onset.CHILDHOOD.value,  # neonatal onset
    "HP:0003593": Condition.Onset.CHILDHOOD.value,  # infantile onset
    "HP:0011463": Condition.Onset.CHILDHOOD.value,  # childhood onset
    "HP:0003621": Condition.Onset.ADULT.value,  # juvenile onset
    "HP:0003581": Condition.Onset.ADULT.value,  # adult onset
}
INHERITANCE_GROUPS = {
    "HP:0000006": Condition.Inheritance.AUTOSOMAL_DOMINANT.value,
    "HP:0000007": Condition.Inheritance.AUTOSOMAL_RECESSIVE.value,
    "HP:0001417": Condition.Inheritance.X_LINKED.value,
    "HP:0001427": Condition.Inheritance.MITOCHONDRIAL.value,
    "HP:0034335": "",  # inheritance qualifiers (penetrance, mosaicism…): not a mode
    "HP:0000005": Condition.Inheritance.OTHER.value,  # any other mode of inheritance
}
TRAIT_GROUPS = {"C": ONSET_GROUPS, "I": INHERITANCE_GROUPS}

Progress = Callable[[int, int, str], None]  # (step number, total steps, label)
MentionValues = tuple[Any, ...]
KINDS = ("body systems", "features", "is_a links", "synonyms", "aliases", "conditions", "mentions")


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: int = 0


@dataclass
class ImportReport:
    version: str
    ontology_version: str
    sources: list[str]
    dry_run: bool = False
    seconds: float = 0.0
    tallies: dict[str, Tally] = field(default_factory=lambda: {kind: Tally() for kind in KINDS})
    notes: Counter[str] = field(default_factory=Counter)

    def lines(self) -> list[str]:
        out = [
            f"HPO annotations {self.version} (ontology {self.ontology_version}), "
            f"sources {','.join(self.sources)}",
            f"{'':14}{'created':>9}{'updated':>9}{'unchanged':>11}{'removed':>9}{'skipped':>9}",
        ]
        for kind, t in self.tallies.items():
            out.append(
                f"{kind:14}{t.created:>9}{t.updated:>9}{t.unchanged:>11}{t.removed:>9}{t.skipped:>9}"
            )
        out.append("(features are never deleted: removed = unpublished, no longer a current term)")
        if self.notes:
            out.append("Oddities and skipped lines:")
            width = max(len(reason) for reason in self.notes)
            out.extend(f"  {reason:{width}}  {n:>7}" for reason, n in sorted(self.notes.items()))
        verdict = "dry run: rolled back, nothing saved" if self.dry_run else "saved"
        out.append(f"Done in {self.seconds:.1f} s ({verdict}).")
        return out


def run_import(
    obo_path: Path,
    hpoa_path: Path,
    *,
    sources: Sequence[str] = DEFAULT_SOURCES,
    include_omim: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Parse both files, then write everything in one transaction (rolled back for a dry run).

    Raises hpo.HpoFormatError before touching the database when a file cannot be read; a database
    error inside the transaction leaves the database as it was.
    """
    started = time.monotonic()

    def step(label: str) -> None:
        if progress:
            progress(STEPS.index(label) + 1, len(STEPS), label)

    with bulk_load():
        step("reading hp.obo")
        ontology = parse_obo(obo_path)
        step("reading phenotype.hpoa")
        annotations = parse_hpoa(hpoa_path)
        if not (annotations.version or ontology.data_version):
            raise HpoFormatError(
                hpoa_path, "no '#version:' header here and no 'data-version:' in the ontology"
            )
        # As loaddata does: no foreign-key check per row while loading (SQLite; outside a
        # transaction only), then one check of every table written before committing.
        with connection.constraint_checks_disabled(), transaction.atomic():
            report = _Importer(ontology, annotations, sources, include_omim, step).run()
            connection.check_constraints(table_names=[m._meta.db_table for m in WRITTEN])
            if dry_run:
                transaction.set_rollback(True)
            else:
                transaction.on_commit(content_version.bump)
        if not dry_run:
            step("updating the query planner's statistics")
            _refresh_planner_statistics()
    report.dry_run = dry_run
    report.seconds = time.monotonic() - started
    return report


def _refresh_planner_statistics() -> None:
    """After loading a quarter of a million rows, let PostgreSQL's planner know (autovacuum may be
    off or late; without statistics it scans whole tables for a results page). Not on SQLite:
    with statistics its planner chose a 30 times slower plan for the SQL ranking."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in WRITTEN:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


class _Importer:
    def __init__(
        self,
        ontology: Ontology,
        annotations: Annotations,
        sources: Sequence[str],
        include_omim: bool,
        step: Callable[[str], None],
    ):
        self.ontology = ontology
        self.annotations = annotations
        self.sources = list(sources)
        self.include_omim = include_omim
        self.step = step
        self.current = {t.id: t for t in ontology.current_terms()}
        self.alt_ids = {alt: t.id for t in self.current.values() for alt in t.alt_ids}
        self.frequencies: dict[str, tuple[tuple, str]] = {}  # few distinct values, 270k lines
        self.report = ImportReport(
            annotations.version or _release_date(ontology.data_version),
            ontology.data_version,
            self.sources,
        )
        self.notes = self.report.notes
        self.now = connection.ops.adapt_datetimefield_value(timezone.now())
        self.graph_changed = False
        # database id -> aspect ("C" onset, "I" inheritance) -> group codes
        self.traits: dict[str, dict[str, set[str]]] = {}
        self.trait_groups: dict[tuple[str, str], str] = {}

    def run(self) -> ImportReport:
        self.step("body systems")
        systems = self._body_systems()
        self.step("features")
        feature_ids, hpo_feature_ids = self._features(systems)
        self.step("is_a links")
        self._parents(feature_ids, hpo_feature_ids)
        self.step("synonyms")
        self._synonyms(feature_ids)
        self.step("aliases")
        self._aliases(feature_ids, hpo_feature_ids)
        self.step("annotation lines")
        candidates, names = self._select_lines(feature_ids)
        self.step("conditions")
        condition_ids = self._conditions(names)
        self.step("mentions")
        mention_count = self._mentions(candidates, condition_ids)
        self._remove_stale_conditions(set(condition_ids.values()))
        self.step("closure")
        if self.graph_changed:
            closure.rebuild_closure()
        HpoRelease.objects.update_or_create(
            version=self.report.version,
            defaults={
                "ontology_version": self.ontology.data_version,
                "sources": ",".join(self.sources),
                "feature_count": len(self.current),
                "condition_count": len(condition_ids),
                "mention_count": mention_count,
            },
        )
        return self.report

    # Ontology ---------------------------------------------------------------------------------

    def _body_systems(self) -> dict[str, tuple[int, str, int]]:
        """Branch id → (body system id, name, order), creating systems for uncurated branches."""
        tally = self.report.tallies["body systems"]
        branches = sorted(
            (t for t in self.current.values() if PHENOTYPIC_ABNORMALITY in t.parents),
            key=lambda t: t.name,
        )
        by_branch = {s.hpo_id: s for s in BodySystem.objects.exclude(hpo_id="")}
        by_name = {s.name: s for s in BodySystem.objects.filter(hpo_id="")}
        slugs = set(BodySystem.objects.values_list("slug", flat=True))
        new = []
        for position, term in enumerate(branches):
            if term.id in by_branch:
                tally.unchanged += 1
            elif term.name in by_name:
                # A staff-made system of the same name without a branch id: the same system.
                system = by_name[term.name]
                BodySystem.objects.filter(pk=system.pk).update(hpo_id=term.id)
                system.hpo_id = term.id
                by_branch[term.id] = system
                tally.updated += 1
            else:
                slug = _unique_slug(slugify(term.name), term.id[3:], slugs, 100)
                new.append(
                    BodySystem(name=term.name, slug=slug, order=100 + position, hpo_id=term.id)
                )
        for system in BodySystem.objects.bulk_create(new):
            by_branch[system.hpo_id] = system
        tally.created += len(new)
        return {b: (s.pk, s.name, s.order) for b, s in by_branch.items()}

    def _features(
        self, systems: dict[str, tuple[int, str, int]]
    ) -> tuple[dict[str, int], set[int]]:
        """Create and update features; returns hpo id → feature id, and the ids of HPO-origin ones."""
        tally = self.report.tallies["features"]
        tally.skipped = len(self.ontology.terms) - len(self.current)  # obsolete terms
        branches = self.ontology.phenotype_branches()

        def body_system(term_id: str) -> int | None:
            # A term under several branches goes to the first system in the systems' own order.
            found = [systems[b] for b in branches.get(term_id, ()) if b in systems]
            return min(found, key=lambda s: (s[2], s[1]))[0] if found else None

        existing = {
            row[0]: row[1:]
            for row in Feature.objects.exclude(hpo_id="").values_list(
                "hpo_id", "pk", "origin", "is_published", *FEATURE_FIELDS
            )
        }
        slugs = set(Feature.objects.values_list("slug", flat=True))
        new_rows, updates = [], []
        for term in self.current.values():
            pk, origin, _, *old = existing.get(term.id, (None, HPO, True))
            name, definition, system, is_phenotype, plain_name, plain_origin, _ = old or [None] * 7
            if pk is None or origin == HPO:
                name, is_phenotype = (
                    term.name,
                    (
                        # The phenotype subtree, its root included: visitors may tick any of it.
                        term.id in branches or term.id == PHENOTYPIC_ABNORMALITY
                    ),
                )
            if pk is None or origin == HPO or not definition:
                definition = term.definition
            if pk is None or origin == HPO or not system:
                system = body_system(term.id)
            # Staff text always wins; a blank, or the HPO's own earlier choice, follows the release.
            if pk is None or not plain_name or plain_origin == HPO:
                plain_name = everyday_name(term)
                plain_origin = HPO if plain_name else CURATED
            want = [
                name,
                definition,
                system,
                is_phenotype,
                plain_name,
                plain_origin,
                normalise_search_text(f"{name} {plain_name}"),
            ]
            if pk is None:
                slug = _unique_slug(slugify(term.name) or f"hp-{term.id[3:]}", term.id[3:], slugs)
                new_rows.append((term.id, slug, *want, True, HPO, self.now, *STAFF_BLANKS))
                continue
            if want != old:
                updates.append((*want, self.now, pk))
            else:
                tally.unchanged += 1
        insert_rows(
            Feature,
            ("hpo_id", "slug", *FEATURE_FIELDS, "is_published", "origin", "updated_at", *STAFF),
            new_rows,
        )
        update_rows(Feature, (*FEATURE_FIELDS, "updated_at"), updates)
        tally.created, tally.updated = len(new_rows), len(updates)
        # HPO features whose term became obsolete (or vanished) are unpublished, not deleted:
        # curated mentions may point at them, and their URLs keep answering.
        retired = [
            row[0]
            for hpo_id, row in existing.items()
            if row[1] == HPO and row[3] and hpo_id not in self.current
        ]
        update_rows(
            Feature, ("is_published", "updated_at"), [(False, self.now, pk) for pk in retired]
        )
        tally.removed = len(retired)
        self.graph_changed |= bool(new_rows)
        rows = list(Feature.objects.exclude(hpo_id="").values_list("hpo_id", "pk", "origin"))
        feature_ids = {hpo_id: pk for hpo_id, pk, _ in rows}
        return feature_ids, {pk for _, pk, origin in rows if origin == HPO}

    def _parents(self, feature_ids: dict[str, int], hpo_feature_ids: set[int]) -> None:
        """Add HPO is_a links; drop stale ones only between features that both carry an HPO id."""
        tally = self.report.tallies["is_a links"]
        through = Feature.parents.through
        existing = set(through.objects.values_list("from_feature_id", "to_feature_id"))
        wanted = {
            (feature_ids[term.id], feature_ids[parent])
            for term in self.current.values()
            for parent in term.parents
            if term.id in feature_ids and parent in self.current and parent in feature_ids
        }
        with_hpo_id = set(feature_ids.values())
        stale = [
            (child, parent)
            for child, parent in existing - wanted
            if child in hpo_feature_ids and parent in with_hpo_id
        ]
        new = sorted(wanted - existing)
        insert_rows(through, ("from_feature", "to_feature"), new)
        if stale:
            ids = through.objects.values_list("pk", "from_feature_id", "to_feature_id")
            stale_set = set(stale)
            delete_rows(through, [pk for pk, child, parent in ids if (child, parent) in stale_set])
        tally.created, tally.removed = len(new), len(stale)
        tally.unchanged = len(wanted & existing)
        self.graph_changed |= bool(new or stale)

    def _synonyms(self, feature_ids: dict[str, int]) -> None:
        """HPO synonyms sit beside curated ones; a curated synonym with the same text wins."""
        tally = self.report.tallies["synonyms"]
        existing = {
            (feature, text): (pk, kind, lay, origin)
            for pk, feature, text, kind, lay, origin in Synonym.objects.values_list(
                "pk", "feature_id", "text", "kind", "is_layperson", "origin"
            )
        }
        wanted: dict[tuple[int, str], tuple[str, bool]] = {}
        for term in self.current.values():
            for synonym in term.synonyms:
                key = (feature_ids[term.id], synonym.text)
                wanted.setdefault(key, (SYNONYM_KINDS[synonym.scope], synonym.is_layperson))
        new_rows, updates = [], []
        for (feature, text), (kind, lay) in wanted.items():
            old = existing.get((feature, text))
            if old is None:
                new_rows.append((feature, text, kind, lay, HPO, normalise_search_text(text)))
            elif old[3] != HPO:
                tally.skipped += 1
            elif old[1:3] != (kind, lay):
                updates.append((kind, lay, old[0]))
            else:
                tally.unchanged += 1
        stale = [old[0] for key, old in existing.items() if old[3] == HPO and key not in wanted]
        insert_rows(
            Synonym, ("feature", "text", "kind", "is_layperson", "origin", "search_text"), new_rows
        )
        update_rows(Synonym, ("kind", "is_layperson"), updates)
        delete_rows(Synonym, stale)
        tally.created, tally.updated, tally.removed = len(new_rows), len(updates), len(stale)
        if tally.skipped:
            self.notes["synonym already curated (curated one kept)"] = tally.skipped

    def _aliases(self, feature_ids: dict[str, int], hpo_feature_ids: set[int]) -> None:
        """Old ids keep leading somewhere: alt ids, and obsolete ids to replacements/suggestions."""
        tally = self.report.tallies["aliases"]
        wanted: dict[tuple[str, int], str] = {}

        def offer(hpo_id: str, target: str | None, kind: str) -> None:
            if target is None or target not in feature_ids or hpo_id in self.current:
                return
            key = (hpo_id, feature_ids[target])
            if key not in wanted or ALIAS_PRIORITY[kind] < ALIAS_PRIORITY[wanted[key]]:
                wanted[key] = kind

        for term in self.ontology.terms.values():
            if not term.is_obsolete:
                for alt_id in term.alt_ids:
                    offer(alt_id, term.id, ALT_ID)
                continue
            for target in term.replaced_by:
                offer(term.id, self._replacement(target), REPLACED_BY)
            for target in term.consider:
                offer(term.id, target if target in self.current else None, CONSIDER)
        existing = {
            (hpo_id, feature): (pk, kind)
            for pk, hpo_id, feature, kind in FeatureAlias.objects.values_list(
                "pk", "hpo_id", "feature_id", "kind"
            )
        }
        new_rows, updates = [], []
        for (hpo_id, feature), kind in wanted.items():
            old = existing.get((hpo_id, feature))
            if old is None:
                new_rows.append((hpo_id, feature, kind))
            elif old[1] != kind:
                updates.append((kind, old[0]))
            else:
                tally.unchanged += 1
        stale = [
            pk
            for key, (pk, _) in existing.items()
            if key[1] in hpo_feature_ids and key not in wanted
        ]
        insert_rows(FeatureAlias, ("hpo_id", "feature", "kind"), new_rows)
        update_rows(FeatureAlias, ("kind",), updates)
        delete_rows(FeatureAlias, stale)
        tally.created, tally.updated, tally.removed = len(new_rows), len(updates), len(stale)

    def _replacement(self, term_id: str) -> str | None:
        """Follow replaced_by through terms that were themselves made obsolete later."""
        seen: set[str] = set()
        while term_id not in self.current:
            term = self.ontology.terms.get(term_id)
            if term is None or not term.replaced_by or term_id in seen:
                return None
            seen.add(term_id)
            term_id = term.replaced_by[0]
        return term_id

    # Annotations ------------------------------------------------------------------------------

    def _select_lines(
        self, feature_ids: dict[str, int]
    ) -> tuple[list[tuple[str, int, MentionValues]], dict[str, str]]:
        """The lines to import as (database id, feature id, mention values), and condition names."""
        notes = self.notes
        wanted_sources = set(self.sources)
        resolved: dict[str, tuple[int | None, str | None]] = {}
        onsets: dict[str, str] = {}
        dates: dict[str, date | None] = {}
        candidates: list[tuple[str, int, MentionValues]] = []
        names: dict[str, str] = {}
        for row in self.annotations.rows:
            prefix = row.database_id.partition(":")[0]
            if prefix not in SOURCES:
                notes[f"unsupported database {prefix} (skipped)"] += 1
                continue
            if prefix not in wanted_sources:
                if prefix == "OMIM" and not self.include_omim:
                    notes["OMIM not imported (no --include-omim)"] += 1
                else:
                    notes[f"{prefix} not among --sources (skipped)"] += 1
                continue
            # IEA lines parsed from OMIM carry OMIM's terms; IEA lines citing DECIPHER do not.
            if row.evidence == "IEA" and not self.include_omim and cites_omim(row.reference):
                notes["IEA line, derived from OMIM, not imported (no --include-omim)"] += 1
                continue
            if row.aspect in TRAIT_GROUPS and (group := self._trait_group(row)):
                traits = self.traits.setdefault(row.database_id, {"C": set(), "I": set()})
                traits[row.aspect].add(group)
                notes[f"aspect {row.aspect} line, kept as condition data"] += 1
                continue
            if row.aspect != "P":
                notes[f"aspect {row.aspect or '(empty)'} line, not a phenotype (skipped)"] += 1
                continue
            if row.hpo_id not in resolved:
                resolved[row.hpo_id] = self._resolve(row.hpo_id, feature_ids)
            feature_id, note = resolved[row.hpo_id]
            if note:
                notes[note] += 1
            if feature_id is None:
                continue
            if row.onset not in onsets:
                onsets[row.onset] = self._onset_name(row.onset)
            onset = onsets[row.onset]
            if onset is None:
                notes["unknown onset term (id kept)"] += 1
                onset = row.onset
            if row.biocuration not in dates:
                found = _DATE.findall(row.biocuration)
                dates[row.biocuration] = date.fromisoformat(max(found)) if found else None
            values = self._values(row, onset, dates[row.biocuration])
            candidates.append((row.database_id, feature_id, values))
            name = names.setdefault(row.database_id, row.disease_name)
            if name != row.disease_name:
                notes["another name for the same disease id (first kept)"] += 1
        return candidates, names

    def _resolve(self, hpo_id: str, feature_ids: dict[str, int]) -> tuple[int | None, str | None]:
        """The feature for an annotated term id, and a note when the id needed mapping."""
        if hpo_id in self.current:
            return feature_ids[hpo_id], None
        if hpo_id in self.alt_ids:
            return feature_ids[self.alt_ids[hpo_id]], "alt id mapped to its term"
        if hpo_id not in self.ontology.terms:
            return None, "unknown term (skipped)"
        target = self._replacement(hpo_id)
        if target is None:
            return None, "obsolete term without replaced_by (skipped)"
        return feature_ids[target], "obsolete term mapped to its replacement"

    def _trait_group(self, row: Annotation) -> str:
        """The onset or inheritance group of an aspect C or I line's term ("" when none)."""
        key = (row.aspect, row.hpo_id)
        if key not in self.trait_groups:
            groups = TRAIT_GROUPS[row.aspect]
            self.trait_groups[key] = ""
            seen: set[str] = set()
            frontier = [self.alt_ids.get(row.hpo_id) or self._replacement(row.hpo_id)]
            while frontier:  # breadth first: the nearest group wins
                term_id = frontier.pop(0)
                if term_id is None or term_id in seen:
                    continue
                seen.add(term_id)
                if term_id in groups:
                    self.trait_groups[key] = groups[term_id]
                    break
                term = self.ontology.terms.get(term_id)
                frontier.extend(term.parents if term else ())
        return self.trait_groups[key]

    def _trait_codes(self, db_ids: Sequence[str]) -> tuple[str, str]:
        """(onset, inheritance) codes of the given database ids' lines, space-separated in the
        choices' order."""
        onset, inheritance = set(), set()
        for db_id in db_ids:
            traits = self.traits.get(db_id, {"C": (), "I": ()})
            onset.update(traits["C"])
            inheritance.update(traits["I"])
        return (
            " ".join(code for code in Condition.Onset.values if code in onset),
            " ".join(code for code in Condition.Inheritance.values if code in inheritance),
        )

    def _onset_name(self, onset: str) -> str | None:
        """The onset term's name ("" when none given, None when the id is unknown)."""
        if not onset:
            return ""
        term_id = self.alt_ids.get(onset) or self._replacement(onset)
        return self.current[term_id].name[:100] if term_id else None

    def _values(self, row: Annotation, onset: str, curated_on: date | None) -> MentionValues:
        """The Mention field values for one line, frequency exactly as recorded."""
        if row.frequency not in self.frequencies:
            self.frequencies[row.frequency] = _frequency(row.frequency)
        (kind, category, n, m, percent), note = self.frequencies[row.frequency]
        if note:
            self.notes[note] += 1
        is_absent = row.qualifier == "NOT" or n == 0 or category == EXCLUDED
        sex = row.sex.lower()
        if sex not in ("male", "female", ""):
            self.notes["unknown sex value (ignored)"] += 1
            sex = ""
        evidence = row.evidence if len(row.evidence) <= 3 else ""
        if evidence != row.evidence:
            self.notes["unknown evidence code (ignored)"] += 1
        references = _trim_references(row.reference)
        return (
            kind,
            category,
            n,
            m,
            percent,
            is_absent,
            onset,
            sex,
            evidence,
            references,
            curated_on,
        )

    def _conditions(self, names: dict[str, str]) -> dict[str, int]:
        """One condition per database id, matched through its cross-reference; → condition ids."""
        tally = self.report.tallies["conditions"]
        xrefs = {
            f"{scheme}:{code}": condition
            for scheme, code, condition in CrossReference.objects.values_list(
                "scheme", "code", "condition_id"
            )
        }
        # Whole tables are read rather than filtered by id: no IN lists of 10k+ parameters.
        existing = {
            pk: (name, origin, slug, onset, inheritance)
            for pk, name, origin, slug, onset, inheritance in Condition.objects.values_list(
                "pk", "name", "origin", "slug", "onset", "inheritance"
            )
        }
        slugs = {row[2] for row in existing.values()}
        new_rows, updates = [], []
        db_ids_of: dict[int, list[str]] = {}  # several codes may lead to one curated condition
        for db_id in names:
            if db_id in xrefs:
                db_ids_of.setdefault(xrefs[db_id], []).append(db_id)
        for db_id, name in names.items():
            if db_id not in xrefs:
                traits = self._trait_codes([db_id])
                prefix, _, code = db_id.partition(":")
                slug = _unique_slug(slugify(name), slugify(f"{prefix}-{code}"), slugs, always=True)
                new_rows.append(
                    (name, slug, "", "", Condition.Status.PUBLISHED.value, HPO, *traits, self.now)
                )
                continue
            old_name, origin, _, *old_traits = existing[xrefs[db_id]]
            traits = self._trait_codes(db_ids_of[xrefs[db_id]])
            if origin != HPO:  # staff's row: only a blank onset or inheritance is filled
                name = old_name
                traits = tuple(old or new for old, new in zip(old_traits, traits, strict=True))
            if (name, *traits) != (old_name, *old_traits):
                existing[xrefs[db_id]] = (name, origin, _, *traits)  # one update per condition
                updates.append((name, *traits, self.now, xrefs[db_id]))
            else:
                tally.unchanged += 1
        insert_rows(
            Condition,
            (
                "name",
                "slug",
                "summary",
                "description",
                "status",
                "origin",
                "onset",
                "inheritance",
                "updated_at",
            ),
            new_rows,
        )
        update_rows(Condition, ("name", "onset", "inheritance", "updated_at"), updates)
        tally.created, tally.updated = len(new_rows), len(updates)
        if new_rows:
            by_slug = dict(Condition.objects.values_list("slug", "pk"))
            new_ids = [db_id for db_id in names if db_id not in xrefs]
            for db_id, row in zip(new_ids, new_rows, strict=True):
                xrefs[db_id] = by_slug[row[1]]
            insert_rows(
                CrossReference,
                ("condition", "scheme", "code"),
                [(xrefs[db_id], *db_id.split(":", 1)) for db_id in new_ids],
            )
        return {db_id: xrefs[db_id] for db_id in names}

    def _mentions(
        self, candidates: list[tuple[str, int, MentionValues]], condition_ids: dict[str, int]
    ) -> int:
        """Diff the chosen line per (condition, feature) against stored mentions; → HPO mentions."""
        tally, notes = self.report.tallies["mentions"], self.notes
        chosen: dict[tuple[int, int], MentionValues] = {}
        for db_id, feature, values in candidates:
            key = (condition_ids[db_id], feature)
            kept = chosen.get(key)
            if kept is None:
                chosen[key] = values
                continue
            if kept == values:
                notes["duplicate line (skipped)"] += 1
            else:
                notes["another line for the same condition and feature (first positive kept)"] += 1
            if kept[IS_ABSENT] and not values[IS_ABSENT]:
                chosen[key] = values  # what a source saw outranks a documented absence
        existing = {
            (condition, feature): (pk, origin, values)
            for pk, condition, feature, origin, *values in Mention.objects.values_list(
                "pk", "condition_id", "feature_id", "origin", *MENTION_FIELDS
            ).iterator(chunk_size=5000)
        }
        new_rows, updates = [], []
        curated = 0
        for key, values in chosen.items():
            old = existing.get(key)
            if old is None:
                new_rows.append((*key, *values, "", HPO))
            elif old[1] != HPO:
                curated += 1
            elif tuple(old[2]) != values:
                updates.append((*values, old[0]))
            else:
                tally.unchanged += 1
        stale = [
            pk for key, (pk, origin, _) in existing.items() if origin == HPO and key not in chosen
        ]
        new_rows.sort()  # in index order: B-tree inserts stay local
        # Most of the table is new (a first import): build its indexes once, after the rows.
        with reloading(Mention) if len(new_rows) > len(existing) else nullcontext():
            insert_rows(
                Mention, ("condition", "feature", *MENTION_FIELDS, "note", "origin"), new_rows
            )
        update_rows(Mention, MENTION_FIELDS, updates)
        if stale:
            delete_rows(Mention.sources.through, stale, "mention")
            delete_rows(Mention, stale)
        if curated:
            notes["curated mention kept (HPO line not imported)"] = curated
        tally.created, tally.updated, tally.removed = len(new_rows), len(updates), len(stale)
        imported = len(chosen) - curated
        tally.skipped = len(self.annotations.rows) - imported  # lines not stored as a mention
        return imported

    def _remove_stale_conditions(self, imported: set[int]) -> None:
        """Delete HPO conditions no longer imported (e.g. OMIM after dropping --include-omim),
        unless staff wrote about them, linked them or gave them curated mentions."""
        unused = Condition.objects.filter(origin=HPO, summary="", description="")
        stale = set(unused.values_list("pk", flat=True)) - imported
        if not stale:
            return
        links = ConditionLink.objects.values_list("from_condition_id", "to_condition_id")
        stale -= {pk for pair in links for pk in pair}
        stale -= set(Mention.objects.values_list("condition_id", flat=True).distinct())
        ids = sorted(stale)
        delete_rows(CrossReference, ids, "condition")
        delete_rows(Condition, ids)
        self.report.tallies["conditions"].removed = len(ids)


def _frequency(text: str) -> tuple[tuple[str, str, int | None, int | None, Decimal | None], str]:
    """(kind, category, n, m, percent) for a frequency as written, and a note if it is unusable.

    What cannot be stored exactly (n > m, a percentage over 100…) is kept as "not recorded"
    rather than guessed at.
    """
    unusable = (NOT_RECORDED, "", None, None, None)
    try:
        frequency = parse_frequency(text)
    except ValueError:
        return unusable, "unreadable frequency (kept, not recorded)"
    if frequency is None:
        return unusable, ""
    if frequency.term:
        if frequency.term not in CATEGORIES:
            return unusable, "frequency term not a frequency (kept, not recorded)"
        return (CATEGORY, CATEGORIES[frequency.term], None, None, None), ""
    if frequency.percent is not None:
        if frequency.percent > 100:
            return unusable, "percent over 100 (kept, not recorded)"
        return (PERCENT, "", None, None, frequency.percent), ""
    n, m = frequency.numerator, frequency.denominator
    if m == 0:
        return unusable, "count out of 0 (kept, not recorded)"
    if n > m:
        return unusable, "n > m (kept, not recorded)"
    return (COUNT, "", n, m, None), ""


# Only EXACT layperson synonyms name a feature: BROAD and NARROW ones mean something wider or
# narrower, and RELATED ones can mislead (the HPO relates "Cancer" to Neoplasm, which includes
# benign growths).
EVERYDAY_SCOPE = "EXACT"


def everyday_name(term: Term) -> str:
    """The HPO's everyday name for a term: one of its layperson synonyms, "" if it has none.

    The choice is deterministic and documented (README): EXACT layperson synonyms only; one that
    says something other than the medical name before one that only repeats it (up to case,
    punctuation and plural -s, e.g. "Delusions" for "Delusion": the HPO then marks the name itself
    as everyday words, and it is kept as the name is written); then the fewest words; then
    alphabetical order. The text is kept exactly as the HPO writes it.
    """
    repeats_name = _words(term.name)
    candidates = [
        (
            _words(synonym.text) == repeats_name,
            len(synonym.text.split()),
            synonym.text,
        )
        for synonym in term.synonyms
        if synonym.is_layperson and synonym.scope == EVERYDAY_SCOPE and synonym.text
    ]
    if not candidates:
        return ""
    repeats, _, text = min(candidates)
    return term.name if repeats else text


def _words(text: str) -> tuple[str, ...]:
    return tuple(word.removesuffix("s") for word in normalise_search_text(text).split())


def _release_date(data_version: str) -> str:
    """ "hp/releases/2025-01-16" → "2025-01-16"."""
    return data_version.rstrip("/").rsplit("/", 1)[-1]


def _trim_references(references: str, limit: int = 1000) -> str:
    """The `;`-joined references, cut at a whole reference if longer than the field."""
    if len(references) <= limit:
        return references
    return references[: limit + 1].rsplit(";", 1)[0]


def _unique_slug(
    base: str, suffix: str, taken: set[str], max_length: int = 255, always: bool = False
) -> str:
    """`base`, or `base-suffix` when taken (or `always`), cut to fit; remembered in `taken`."""
    with_suffix = f"{base[: max_length - len(suffix) - 1]}-{suffix}".strip("-")
    slug = with_suffix if always or base[:max_length] in taken else base[:max_length]
    n = 1
    while slug in taken:
        n += 1
        slug = f"{with_suffix[: max_length - len(str(n)) - 1]}-{n}"
    taken.add(slug)
    return slug


def cites_omim(references: str) -> bool:
    return any(ref.strip().upper().startswith("OMIM:") for ref in references.split(";"))
