"""Conditions side by side: what their sources record alike and differently.

Plain functions the page, the CSV download and the API call, and tests hit directly. Each
condition's mentions are read exactly as its own page reads them (condition_page), so a cell says
what that page says, with the same frequency wording and the same sources.

The order is one rule, `row_key`: each cell is a step (`cell_step`), and rows whose steps are
furthest apart come first. It says how differently the sources record a feature, never which
condition a person has.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .condition_page import PageMention, page_mentions
from .matching import resolve_features
from .models import BodySystem, Condition, normalise_search_text, plain_and_term
from .search import find_conditions
from .summaries import Citation, FeatureSummary, number_citations

MIN_CONDITIONS = 2
MAX_CONDITIONS = 4

# How often a cell's sources record the feature, as a step. Mentioned with no frequency recorded
# counts as the lowest step that is still present: it is there, how often is not known.
STEPS = {
    "obligate": 5,
    "very_frequent": 4,
    "frequent": 3,
    "occasional": 2,
    "very_rare": 1,
    "not_recorded": 1,
    "excluded": 0,
    "absent": 0,
}
NOT_MENTIONED_STEP = 0
ORDER_RULE = (
    "Each cell counts as a step, from the highest frequency any of its sources records: always 5, very frequent 4, frequent 3, occasional 2, very rare "
    "or mentioned with no frequency recorded 1; excluded, documented absent or not mentioned 0. "
    "Features whose highest and lowest steps are furthest apart come first; among equals, the one "
    "recorded most often by any of them, then by name. Body systems are listed by their most "
    "different feature. Features every condition's sources record at the same step are folded "
    "away at the end. This order says how differently the sources record a feature; it is not a "
    "likelihood and says nothing about which condition a person has."
)


def cell_step(mention: PageMention | None) -> int:
    """A cell's step: NOT_MENTIONED_STEP when the condition's sources do not mention the feature."""
    if mention is None or mention.is_absent:
        return NOT_MENTIONED_STEP
    # The most often recorded figure any of its sources credits (each source's own figure).
    return STEPS.get(mention.best[2], NOT_MENTIONED_STEP)


def row_key(steps: Sequence[int]) -> tuple[int, int]:
    """Sort key of a row from its cells' steps: the widest gap first, then the highest step."""
    return (-(max(steps) - min(steps)), -max(steps))


def is_shared(steps: Sequence[int]) -> bool:
    """Every condition's sources record the feature as present, at the same step."""
    return min(steps) == max(steps) > NOT_MENTIONED_STEP


# Resolving what the visitor asked for ---------------------------------------------------------


@dataclass
class Choice:
    conditions: list[Condition]
    unknown: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    error: str = ""  # set when nothing can be compared

    @property
    def problems(self) -> list[str]:
        said = []
        if self.unknown:
            names = ", ".join(f"“{v}”" for v in self.unknown)
            said.append(f"We could not find {names}: use a condition's page name, slug or code.")
        if self.duplicates:
            names = ", ".join(f"“{v}”" for v in self.duplicates)
            said.append(f"Asked for more than once, so shown once: {names}.")
        return said


def _find(value: str) -> int | None:
    """A condition by the site's own search (codes such as ORPHA:2905, names, other names),
    taken only when exactly one condition's code or name is what was typed."""
    typed = normalise_search_text(value)
    exact = {
        m.condition.pk
        for m in find_conditions(value, limit=5)
        if normalise_search_text(m.matched_text) == typed
    }
    return exact.pop() if len(exact) == 1 else None


def choose(values: Sequence[str]) -> Choice:
    """The conditions asked for (slugs, codes such as ORPHA:2905, or names), each once, in the order
    asked; `error` says why nothing can be compared when that is so."""
    values = [v for v in values if v]
    if len(values) > MAX_CONDITIONS:
        return Choice(
            [],
            error=f"You asked for {len(values)} conditions. Compare at most {MAX_CONDITIONS} at a "
            "time: remove some and try again.",
        )
    chosen: list[Condition] = []
    choice = Choice(chosen)
    by_slug = Condition.objects.published().in_bulk(values, field_name="slug")  # the usual case
    wanted = {value: by_slug[value].pk if value in by_slug else _find(value) for value in values}
    found_by_pk = Condition.objects.published().in_bulk([pk for pk in wanted.values() if pk])
    for value in values:
        found = found_by_pk.get(wanted[value])
        if found is None:
            choice.unknown.append(value)
        elif any(c.pk == found.pk for c in chosen):
            choice.duplicates.append(value)
        else:
            chosen.append(found)
    if len(chosen) < MIN_CONDITIONS:
        have = "one condition" if len(chosen) == 1 else "no condition we could find"
        choice.error = (
            f"A comparison needs {MIN_CONDITIONS} to {MAX_CONDITIONS} different conditions; "
            f"this link has {have}. Add another below."
        )
    return choice


# The comparison --------------------------------------------------------------------------------


@dataclass
class Row:
    feature: FeatureSummary
    system_id: int | None
    cells: list[PageMention | None]  # one per condition, in column order; None: not mentioned
    steps: list[int]
    marked: bool = False  # one of the features carried from the explore page

    @property
    def key(self) -> tuple:
        name = plain_and_term(self.feature.name, self.feature.plain_name)[0].lower()
        return (*row_key(self.steps), name, self.feature.name)

    @property
    def shared(self) -> bool:
        return is_shared(self.steps)


@dataclass
class SystemGroup:
    system: BodySystem | None
    rows: list[Row]

    @property
    def name(self) -> str:
        return self.system.display_name if self.system else "Other"


@dataclass
class Comparison:
    conditions: list[Condition]
    groups: list[SystemGroup]  # rows whose records differ, most different first
    shared: list[SystemGroup]  # rows every condition records at the same step
    sources: list[Citation]
    marked: list[FeatureSummary]  # carried features, as resolved
    unmarked: list[str] = field(default_factory=list)  # carried values not found

    @property
    def rows(self) -> list[Row]:
        """Every row in page order: the differing ones, then the shared ones."""
        return [row for group in self.groups + self.shared for row in group.rows]

    @property
    def differing_count(self) -> int:
        return sum(len(g.rows) for g in self.groups)

    @property
    def shared_count(self) -> int:
        return sum(len(g.rows) for g in self.shared)


def _grouped(rows: list[Row], systems: dict[int, BodySystem]) -> list[SystemGroup]:
    by_system: dict[int | None, list[Row]] = {}
    for row in sorted(rows, key=lambda r: r.key):
        by_system.setdefault(row.system_id, []).append(row)
    groups = [SystemGroup(systems.get(pk) if pk else None, rs) for pk, rs in by_system.items()]

    def order(group: SystemGroup) -> tuple:
        system = group.system
        place = (0, system.order, system.name) if system else (1, 0, "")
        return (group.rows[0].key[:2], place)

    return sorted(groups, key=order)


def compare(conditions: Sequence[Condition], carried: Sequence[str] = ()) -> Comparison:
    """Every feature any of the conditions' sources mention (documented absences too), one row
    each, one cell per condition; each mention numbered against one list of sources."""
    rows: dict[int, Row] = {}
    width = len(conditions)
    for column, condition in enumerate(conditions):
        for mention in page_mentions(condition):
            feature = mention.feature
            if feature.pk not in rows:
                rows[feature.pk] = Row(feature, mention.system_id, [None] * width, [])
            rows[feature.pk].cells[column] = mention
    resolved = resolve_features(list(carried)) if carried else None
    marked_ids = {f.pk for f in resolved.features} if resolved else set()
    for row in rows.values():
        row.steps = [cell_step(cell) for cell in row.cells]
        row.marked = row.feature.pk in marked_ids
    systems = BodySystem.objects.in_bulk()
    differing = [row for row in rows.values() if not row.shared]
    shared = [row for row in rows.values() if row.shared]
    comparison = Comparison(
        conditions=list(conditions),
        groups=_grouped(differing, systems),
        shared=_grouped(shared, systems),
        sources=[],
        marked=resolved.features if resolved else [],
        unmarked=resolved.unknown if resolved else [],
    )
    # Sources numbered in reading order: row by row, left to right.
    mentions = [cell for row in comparison.rows for cell in row.cells if cell is not None]
    comparison.sources, _ = number_citations(mentions)
    return comparison


__all__ = [
    "MAX_CONDITIONS",
    "MIN_CONDITIONS",
    "ORDER_RULE",
    "Choice",
    "Comparison",
    "Row",
    "cell_step",
    "choose",
    "compare",
    "is_shared",
    "row_key",
]
