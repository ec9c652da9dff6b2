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
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from . import closure, content_version
from .body_systems import PLAIN_NAMES
from .bulk import bulk_load, delete_rows, insert_rows, record_history
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
from .sync import Plan, Review, Stored, Sync

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
    "updating the query planner's statistics",
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
CONDITION_FIELDS = ("name", "onset", "inheritance")
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
REVIEW_LINES = 30  # listed in the summary; the admin lists them all
KINDS = ("body systems", "features", "is_a links", "synonyms", "aliases", "conditions", "mentions")


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: int = 0

    def add(self, plan: Plan) -> None:
        """Count what a Sync plan wrote: created, updated, removed (stale) and unchanged rows."""
        self.created += len(plan.created)
        self.updated += len(plan.updated)
        self.removed += len(plan.stale)
        self.unchanged += plan.unchanged


@dataclass
class ImportReport:
    version: str
    ontology_version: str
    sources: list[str]
    dry_run: bool = False
    seconds: float = 0.0
    tallies: dict[str, Tally] = field(default_factory=lambda: {kind: Tally() for kind in KINDS})
    notes: Counter[str] = field(default_factory=Counter)
    staff_kept: int = 0  # staff-owned values kept where the release says otherwise
    reviews: list[Review] = field(default_factory=list)
    changed: bool = False

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
        if self.staff_kept:
            out.append(
                f"Staff-owned values kept where this release differs: {self.staff_kept}; "
                f"to review: {len(self.reviews)} (admin: Staff-owned fields, needs review)"
            )
            out.extend(f"  {review.line()}" for review in self.reviews[:REVIEW_LINES])
            if len(self.reviews) > REVIEW_LINES:
                out.append(f"  … and {len(self.reviews) - REVIEW_LINES} more in the admin")
        if self.dry_run:
            verdict = "dry run: rolled back, nothing saved"
        else:
            verdict = "saved" if self.changed else "nothing changed, content version kept"
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
            elif report.changed:
                # Nothing changed, nothing to rebuild: caches and indexes keep serving.
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
        self.sync = Sync(self.report.version, self.now)

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
        release = {
            "ontology_version": self.ontology.data_version,
            "sources": ",".join(self.sources),
            "feature_count": len(self.current),
            "condition_count": len(condition_ids),
            "mention_count": mention_count,
        }
        stored = HpoRelease.objects.filter(version=self.report.version).values(*release).first()
        HpoRelease.objects.update_or_create(version=self.report.version, defaults=release)
        self.sync.save_reviews()
        self.report.changed = self.sync.changed or self.graph_changed or stored != release
        self.report.staff_kept, self.report.reviews = self.sync.kept, self.sync.reviews
        if self.sync.withheld:
            self.notes["row staff deleted, not made again"] = self.sync.withheld
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
            if (
                term.id in by_branch
                and not by_branch[term.id].plain_name
                and PLAIN_NAMES.get(term.id)
            ):
                # A blank plain name is filled; one staff wrote is never touched.
                system = by_branch[term.id]
                system.plain_name = PLAIN_NAMES[term.id]
                BodySystem.objects.filter(pk=system.pk).update(plain_name=system.plain_name)
                record_history(BodySystem, "~", self.sync.reason, self.now, [system.pk])
                tally.updated += 1
            elif term.id in by_branch:
                tally.unchanged += 1
            elif term.name in by_name:
                # A staff-made system of the same name without a branch id: the same system.
                system = by_name[term.name]
                BodySystem.objects.filter(pk=system.pk).update(hpo_id=term.id)
                record_history(BodySystem, "~", self.sync.reason, self.now, [system.pk])
                by_branch[term.id] = system
                tally.updated += 1
            else:
                slug = _unique_slug(slugify(term.name), term.id[3:], slugs, 100)
                plain_name = PLAIN_NAMES.get(term.id, "")
                new.append(
                    BodySystem(
                        name=term.name,
                        slug=slug,
                        plain_name=plain_name,
                        order=100 + position,
                        hpo_id=term.id,
                    )
                )
        for system in bulk_create_with_history(
            new, BodySystem, default_change_reason=self.sync.reason
        ):
            by_branch[system.hpo_id] = system
        tally.created += len(new)
        self.sync.changed |= bool(tally.created or tally.updated)
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

        fields = (*FEATURE_FIELDS, "is_published")
        stored = {
            hpo_id: Stored(pk, origin, tuple(values))
            for hpo_id, pk, origin, *values in Feature.objects.exclude(hpo_id="")
            .values_list("hpo_id", "pk", "origin", *fields)
            .iterator(chunk_size=5000)
        }
        wanted = {
            term.id: (
                term.name,
                term.definition,
                body_system(term.id),
                # The phenotype subtree, its root included: visitors may tick any of it.
                term.id in branches or term.id == PHENOTYPIC_ABNORMALITY,
                "",  # plain name, its origin and the search text: see `finish`
                "",
                "",
                True,
            )
            for term in self.current.values()
        }
        # HPO features whose term became obsolete (or vanished) are unpublished, not deleted:
        # curated mentions may point at them, and their URLs keep answering.
        retired = {
            hpo_id: (*row.values[:-1], False)
            for hpo_id, row in stored.items()
            if row.origin == HPO and hpo_id not in self.current
        }

        def finish(hpo_id: str, values: MentionValues, row: Stored | None) -> MentionValues:
            plain, plain_origin = (row.values[4], row.values[5]) if row else ("", CURATED)
            # Staff text always wins; a blank, or the HPO's own earlier choice, follows the release.
            if hpo_id in self.current and (not plain or plain_origin == HPO):
                plain = everyday_name(self.current[hpo_id])
                plain_origin = HPO if plain else CURATED
            search = normalise_search_text(f"{values[0]} {plain}")
            return (*values[:4], plain, plain_origin, search, values[7])

        slugs = set(Feature.objects.values_list("slug", flat=True))

        def new_row(hpo_id: str, values: MentionValues) -> tuple:
            slug = _unique_slug(slugify(values[0]) or f"hp-{hpo_id[3:]}", hpo_id[3:], slugs)
            return (hpo_id, slug, *values, HPO, self.now, *STAFF_BLANKS)

        plan = self.sync.plan(
            Feature, fields, wanted | retired, stored, fill_blanks=True, finish=finish
        )
        retired_pks = {stored[hpo_id].pk for hpo_id in retired}
        self.sync.write(
            plan,
            ("hpo_id", "slug", *fields, "origin", "updated_at", *STAFF),
            new_row,
            touch={"updated_at": self.now},
        )
        tally.add(plan)
        # Features are never deleted: a retired term's feature is unpublished (an update).
        retired_count = sum(1 for row in plan.updated if row[-1] in retired_pks)
        tally.updated -= retired_count
        tally.removed += retired_count
        self.graph_changed |= bool(plan.created)
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
        """HPO synonyms sit beside curated ones; a curated synonym with the same text wins.
        A synonym staff reworded is still the release's synonym it was imported as."""
        tally = self.report.tallies["synonyms"]
        fields = ("text", "kind", "is_layperson", "search_text")
        stored, taken = {}, set()
        for pk, feature, text, *values, origin in Synonym.objects.values_list(
            "pk", "feature_id", "text", *fields[1:], "origin"
        ):
            imported = self.sync.owned_value(Synonym, pk, "text", text)
            stored[(feature, imported)] = Stored(pk, origin, (text, *values))
            taken.add((feature, text))
        wanted: dict[tuple[int, str], MentionValues] = {}
        for term in self.current.values():
            for synonym in term.synonyms:
                key = (feature_ids[term.id], synonym.text)
                if key in taken and key not in stored:
                    tally.skipped += 1  # staff renamed another synonym to this text
                    continue
                wanted.setdefault(
                    key, (synonym.text, SYNONYM_KINDS[synonym.scope], synonym.is_layperson, "")
                )

        def search_text(key: tuple[int, str], values: MentionValues, row) -> MentionValues:
            return (*values[:3], normalise_search_text(values[0]))

        plan = self.sync.plan(Synonym, fields, wanted, stored, finish=search_text)
        self.sync.write(
            plan,
            ("feature", *fields, "origin"),
            lambda key, values: (key[0], *values, HPO),
        )
        tally.add(plan)
        tally.skipped += plan.curated
        if plan.curated:
            self.notes["synonym already curated (curated one kept)"] = plan.curated

    def _aliases(self, feature_ids: dict[str, int], hpo_feature_ids: set[int]) -> None:
        """Old ids keep leading somewhere: alt ids, and obsolete ids to replacements/suggestions."""
        tally = self.report.tallies["aliases"]
        wanted: dict[tuple[str, int], tuple[str]] = {}

        def offer(hpo_id: str, target: str | None, kind: str) -> None:
            if target is None or target not in feature_ids or hpo_id in self.current:
                return
            key = (hpo_id, feature_ids[target])
            if key not in wanted or ALIAS_PRIORITY[kind] < ALIAS_PRIORITY[wanted[key][0]]:
                wanted[key] = (kind,)

        for term in self.ontology.terms.values():
            if not term.is_obsolete:
                for alt_id in term.alt_ids:
                    offer(alt_id, term.id, ALT_ID)
                continue
            for target in term.replaced_by:
                offer(term.id, self._replacement(target), REPLACED_BY)
            for target in term.consider:
                offer(term.id, target if target in self.current else None, CONSIDER)
        stored = {
            (hpo_id, feature): Stored(pk, HPO, (kind,))
            for pk, hpo_id, feature, kind in FeatureAlias.objects.values_list(
                "pk", "hpo_id", "feature_id", "kind"
            )
        }
        plan = self.sync.plan(
            FeatureAlias,
            ("kind",),
            wanted,
            stored,
            removable=lambda key, row: key[1] in hpo_feature_ids,
        )
        self.sync.write(plan, ("hpo_id", "feature", "kind"), lambda key, values: (*key, *values))
        tally.add(plan)

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
        is_absent = _absent(row.qualifier, n, category)
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
            pk: Stored(pk, origin, (name, onset, inheritance))
            for pk, name, origin, onset, inheritance in Condition.objects.values_list(
                "pk", "name", "origin", "onset", "inheritance"
            )
        }
        slugs = set(Condition.objects.values_list("slug", flat=True))
        new_slugs: dict[str, str] = {}
        # Keyed by the stored condition's id (several codes may lead to one curated condition),
        # or by the database id for a new one; the first name given wins.
        db_ids_of: dict[int | str, list[str]] = {}
        for db_id in names:
            db_ids_of.setdefault(xrefs.get(db_id, db_id), []).append(db_id)
        wanted = {
            key: (names[db_ids[0]], *self._trait_codes(db_ids)) for key, db_ids in db_ids_of.items()
        }
        stored = {pk: existing[pk] for pk in wanted if pk in existing}

        def new_row(db_id: str, values: MentionValues) -> tuple:
            prefix, _, code = db_id.partition(":")
            slug = _unique_slug(slugify(values[0]), slugify(f"{prefix}-{code}"), slugs, always=True)
            new_slugs[db_id] = slug
            status = Condition.Status.PUBLISHED.value
            return (*values, slug, "", "", status, HPO, self.now)

        # Staff's (curated) rows: only a blank onset or inheritance is filled.
        plan = self.sync.plan(Condition, CONDITION_FIELDS, wanted, stored, fill_blanks=True)
        self.sync.write(
            plan,
            (*CONDITION_FIELDS, "slug", "summary", "description", "status", "origin", "updated_at"),
            new_row,
            touch={"updated_at": self.now},
        )
        tally.add(plan)
        tally.unchanged += plan.curated
        if new_slugs:
            by_slug = dict(Condition.objects.values_list("slug", "pk"))
            for db_id, slug in new_slugs.items():
                xrefs[db_id] = by_slug[slug]
            references = Plan(CrossReference, ("scheme", "code"))
            references.created = [(db_id, tuple(db_id.split(":", 1))) for db_id in new_slugs]
            self.sync.write(
                references,
                ("condition", "scheme", "code"),
                lambda db_id, values: (xrefs[db_id], *values),
            )
        # Conditions staff deleted are not made again, nor are their lines imported.
        return {db_id: xrefs[db_id] for db_id in names if db_id in xrefs}

    def _mentions(
        self, candidates: list[tuple[str, int, MentionValues]], condition_ids: dict[str, int]
    ) -> int:
        """Diff the chosen line per (condition, feature) against stored mentions; → HPO mentions."""
        tally, notes = self.report.tallies["mentions"], self.notes
        chosen: dict[tuple[int, int], MentionValues] = {}
        for db_id, feature, values in candidates:
            if db_id not in condition_ids:
                notes["line of a condition staff deleted (not imported)"] += 1
                continue
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
        stored = {
            (condition, feature): Stored(pk, origin, tuple(values))
            for pk, condition, feature, origin, *values in Mention.objects.values_list(
                "pk", "condition_id", "feature_id", "origin", *MENTION_FIELDS
            ).iterator(chunk_size=5000)
        }
        plan = self.sync.plan(Mention, MENTION_FIELDS, chosen, stored)
        self.sync.write(
            plan,
            ("condition", "feature", *MENTION_FIELDS, "note", "origin"),
            lambda key, values: (*key, *values, "", HPO),
            reload=len(plan.created) > len(stored),
        )
        if plan.curated:
            notes["curated mention kept (HPO line not imported)"] = plan.curated
        tally.add(plan)
        imported = len(chosen) - plan.curated
        tally.skipped = len(self.annotations.rows) - imported  # lines not stored as a mention
        return imported

    def _remove_stale_conditions(self, imported: set[int]) -> None:
        """Delete HPO conditions no longer imported (e.g. OMIM after dropping --include-omim),
        unless staff wrote about them, changed them, linked them or gave them curated mentions."""
        unused = Condition.objects.filter(origin=HPO, summary="", description="")
        stale = set(unused.values_list("pk", flat=True)) - imported
        if not stale:
            return
        links = ConditionLink.objects.values_list("from_condition_id", "to_condition_id")
        stale -= {pk for pair in links for pk in pair}
        stale -= set(Mention.objects.values_list("condition_id", flat=True).distinct())
        stale -= self.sync.kept_by_staff(Condition, stale)
        ids = sorted(stale)
        references = CrossReference.objects.values_list("pk", "condition_id")
        self.sync.remove(CrossReference, sorted(pk for pk, c in references if c in stale))
        self.sync.remove(Condition, ids)
        self.report.tallies["conditions"].removed = len(ids)


def hpo_is_a_links() -> set[tuple[int, int]]:
    """The is_a links between two features that carry HPO ids, once a release is imported: the
    import holds these as the HPO has them (see `_Importer._parents`), whoever wrote the features."""
    if not HpoRelease.objects.exists():
        return set()
    rows = Feature.parents.through.objects.exclude(from_feature__hpo_id="").exclude(
        to_feature__hpo_id=""
    )
    return set(rows.values_list("from_feature_id", "to_feature_id"))


def keep_hpo_is_a_links(links: set[tuple[int, int]]) -> int:
    """Put back those of `links` that loading a fixture dropped; returns how many."""
    through = Feature.parents.through
    missing = sorted(links - hpo_is_a_links())
    through.objects.bulk_create(
        [through(from_feature_id=child, to_feature_id=parent) for child, parent in missing],
        ignore_conflicts=True,
    )
    return len(missing)


def documented_absent(qualifier: str, frequency: str) -> bool:
    """Whether a line is stored as documented absent (never counted as a mention): qualified NOT,
    a count of 0 (e.g. "0/3"), or the Excluded frequency term."""
    (_, category, n, _, _), _ = _frequency(frequency)
    return _absent(qualifier, n, category)


def _absent(qualifier: str, numerator: int | None, category: str) -> bool:
    return qualifier == "NOT" or numerator == 0 or category == EXCLUDED


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
# The HPO keeps old layperson synonyms that are now hurtful ("Mental-retardation" for
# Intellectual disability, "dwarfism"); a plain name never uses a word starting with these.
OUTDATED_WORDS = ("retard", "dwarf", "mongol", "cretin", "idiot", "imbecil", "moron", "cripple")


def everyday_name(term: Term) -> str:
    """The HPO's everyday name for a term: one of its layperson synonyms, "" if it has none.

    The choice is deterministic and documented (README): EXACT layperson synonyms only, none with
    an outdated, hurtful word; if one of them is the medical name itself (up to case, punctuation
    and plural -s) the HPO marks the name as everyday words, and the name is kept as written;
    otherwise the one with the fewest words, then the first in alphabetical order, exactly as the
    HPO writes it.
    """
    name = _words(term.name)
    candidates = [
        (_words(synonym.text) != name, len(synonym.text.split()), synonym.text)
        for synonym in term.synonyms
        if synonym.is_layperson
        and synonym.scope == EVERYDAY_SCOPE
        and synonym.text
        and not any(word.startswith(OUTDATED_WORDS) for word in _words(synonym.text))
    ]
    if not candidates:
        return ""
    differs, _, text = min(candidates)
    return text if differs else term.name


def _words(text: str) -> tuple[str, ...]:
    return tuple(word.removesuffix("s") for word in normalise_search_text(text).split())


def _release_date(data_version: str) -> str:
    """ "hp/releases/2025-01-16" → "2025-01-16"."""
    return data_version.rstrip("/").rpartition("/")[2]


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
