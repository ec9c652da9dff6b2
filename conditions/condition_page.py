"""What a condition's page shows: its features by body system, most often recorded first, each
source listed once and numbered, and, where staff wrote no summary, one generated from its rows.

Plain functions the view calls and tests hit directly. The page is built from two queries (the
mentions with their features, and the curated sources they cite) into the same plain objects a
results page uses, so the largest imported condition (185 features) renders quickly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .description_sources import cited_slugs
from .models import (
    BodySystem,
    Condition,
    HpoRelease,
    Mention,
    MentionSource,
    Origin,
    Source,
    frequency_band,
    frequency_label,
    plain_and_term,
)
from .ordering import band_rank
from .summaries import (
    Citation,
    FeatureSummary,
    MentionSummary,
    SourceSummary,
    best_figure,
    cited_sources,
    number_citations,
)

# A group lists this many features, the rest folded under "more" (a <details>, no JavaScript).
SHOWN_PER_GROUP = 20
# The generated summary names at most this many of the most often recorded features.
SUMMARY_FEATURES = 3
# A mention's rank: minus the band rank of the highest figure its sources record, so the most
# often recorded sort first; 0 means none records a frequency above zero.
RECORDED_RANKS = 0

MENTION_COLUMNS = (
    "pk",
    "is_absent",
    *Mention.FREQUENCY_FIELDS,
    "evidence",
    "references",
    "onset",
    "sex",
    "note",
    "origin",
    "feature_id",
    "feature__name",
    "feature__plain_name",
    "feature__plain_name_origin",
    "feature__slug",
    "feature__hpo_id",
    "feature__body_system_id",
)


class PageMention(MentionSummary):
    """A mention as the condition page shows it: a results-page mention plus its details."""

    __slots__ = (
        "onset",
        "sex",
        "note",
        "origin",
        "has_hpo_plain_name",
        "system_id",
        "best",  # the most often recorded figure its sources credit: (kind, label, band)
        "rank",
    )

    @property
    def sex_words(self) -> str:
        return {"female": "in females", "male": "in males"}.get(self.sex, "")

    @property
    def sort_key(self) -> tuple:
        feature = self.feature
        return (
            self.rank,
            plain_and_term(feature.name, feature.plain_name)[0].lower(),
            feature.name,
        )


@dataclass
class FeatureGroup:
    """The features of one body system, most often recorded first."""

    system: BodySystem | None
    mentions: list[PageMention]

    @property
    def name(self) -> str:
        return self.system.display_name if self.system else "Other"

    @property
    def shown(self) -> list[PageMention]:
        return self.mentions[:SHOWN_PER_GROUP]

    @property
    def folded(self) -> list[PageMention]:
        return self.mentions[SHOWN_PER_GROUP:]


@dataclass
class GeneratedSummary:
    """A summary said only from the condition's rows; every figure and name here is one of them."""

    feature_count: int
    systems: list[tuple[str, int]]  # body system name, features in it; most first
    most_frequent: list[PageMention]  # a few of the most often recorded (frequency recorded)
    top_count: int  # how many share the most often recorded band
    absent_count: int
    onset: list[str]
    inheritance: list[str]
    from_hpo: bool  # every row is an HPO annotation
    release: str  # the HPO release, when it is

    @property
    def label(self) -> str:
        if self.from_hpo:
            release = f", release {self.release}" if self.release else ""
            made = f"Summary generated from the HPO annotations{release}"
        else:
            made = "Summary generated from the features recorded below"
        return f"{made}; not yet reviewed by our editors."

    @property
    def sentences(self) -> list[str]:
        """The summary in plain sentences, each saying only what the rows hold."""
        n = self.feature_count
        if not n:
            said = ["Its sources mention no features of this condition yet."]
        else:
            said = [f"Its sources mention {_count(n, 'feature')}"]
            if self.systems:
                shown = [f"{name.lower()} ({count})" for name, count in self.systems[:3]]
                others = len(self.systems) - len(shown)
                if others:
                    shown.append(f"{_count(others, 'other body system')}")
                said[0] += f", in {_count(len(self.systems), 'body system')}: {_and(shown)}."
            else:
                said[0] += "."
        if self.most_frequent:
            said.append(self._most_frequent_sentence())
        elif n:
            said.append("Its sources record no frequencies.")
        if self.absent_count:
            said.append(f"Its sources document {_count(self.absent_count, 'feature')} as absent.")
        if self.onset:
            said.append(f"Onset recorded: {_and([o.lower() for o in self.onset])}.")
        if self.inheritance:
            said.append(f"Inheritance recorded: {_and([i.lower() for i in self.inheritance])}.")
        return said

    def _most_frequent_sentence(self) -> str:
        named = self.most_frequent
        labels = {m.best[1] for m in named}
        if len(labels) == 1:
            label, words = _lower_first(labels.pop()), _and([_plain(m.feature) for m in named])
            if self.top_count > len(named):
                words = f"{self.top_count:,} features, among them {words}"
            return f"Recorded most often, as {label}: {words}."
        words = _and([f"{_plain(m.feature)} ({m.best[1].lower()})" for m in named])
        return f"Recorded most often: {words}."


@dataclass
class ConditionPage:
    condition: Condition
    groups: list[FeatureGroup]
    absent: list[PageMention]
    sources: list[Citation]
    one_source: bool
    summary: GeneratedSummary | None = None
    mention_count: int = 0
    shows_hpo_data: bool = False
    hpo_plain_names: bool = False  # some plain name shown is the HPO's everyday name
    present: list[PageMention] = field(default_factory=list)
    # The number each source the description cites has in `sources`, by slug.
    description_citations: dict[str, int] = field(default_factory=dict)


def condition_page(condition: Condition) -> ConditionPage:
    mentions = page_mentions(condition)
    present = sorted((m for m in mentions if not m.is_absent), key=lambda m: m.sort_key)
    absent = sorted((m for m in mentions if m.is_absent), key=lambda m: m.sort_key)
    systems = BodySystem.objects.in_bulk()
    by_system: dict[int | None, list[PageMention]] = {}
    for mention in present:
        by_system.setdefault(mention.system_id, []).append(mention)
    groups = [FeatureGroup(systems.get(pk) if pk else None, rows) for pk, rows in by_system.items()]
    # Body systems in their own order; "Other" last.
    groups.sort(key=lambda g: (g.system is None, g.system and (g.system.order, g.system.name)))
    ordered = [m for group in groups for m in group.mentions] + absent
    sources, one_source = number_citations(ordered)
    description_citations = number_description_sources(condition.description, sources)
    one_source = len(sources) == 1 and (one_source or not ordered)
    page = ConditionPage(
        condition=condition,
        groups=groups,
        absent=absent,
        sources=sources,
        one_source=one_source,
        mention_count=len(present),
        shows_hpo_data=any(m.origin == Origin.HPO or m.references for m in mentions),
        hpo_plain_names=any(m.has_hpo_plain_name for m in mentions),
        present=present,
        description_citations=description_citations,
    )
    if not condition.summary.strip():  # staff text always wins
        page.summary = generated_summary(condition, groups, present, absent)
    return page


def number_description_sources(description: str, sources: list[Citation]) -> dict[str, int]:
    """Give each source the description cites its number in the page's source list, adding
    those no feature cites at the end; returns slug → number (unknown slugs are left out)."""
    slugs = cited_slugs(description)
    if not slugs:
        return {}
    numbers = {(c.source.url, c.source.title): c.number for c in sources if c.source}
    cited = {}
    for source in sorted(Source.objects.filter(slug__in=slugs), key=lambda s: slugs.index(s.slug)):
        key = (source.url, source.title)
        if key not in numbers:
            numbers[key] = len(sources) + 1
            summary = SourceSummary(
                source.title, source.url, source.publisher, pmid=source.pmid, doi=source.doi
            )
            sources.append(Citation(numbers[key], summary))
        cited[source.slug] = numbers[key]
    return cited


def generated_summary(
    condition: Condition,
    groups: list[FeatureGroup],
    present: list[PageMention],
    absent: list[PageMention],
) -> GeneratedSummary:
    """What the rows say, and nothing else: counts, body systems, the most often recorded
    features (only those with a recorded frequency), onset and inheritance where recorded."""
    systems = sorted(
        ((group.name, len(group.mentions)) for group in groups if group.system),
        key=lambda item: (-item[1], item[0]),
    )
    top_rank = min((m.rank for m in present), default=RECORDED_RANKS)
    top = [m for m in present if m.rank == top_rank < RECORDED_RANKS]
    # Plain words first: among equals, those with a plain name are named.
    top.sort(key=lambda m: (not _has_plain_words(m.feature), m.sort_key))
    from_hpo = bool(present or absent) and all(m.origin == Origin.HPO for m in present + absent)
    release = ""
    if from_hpo:
        latest = HpoRelease.objects.order_by("-imported_at").values_list("version", flat=True)
        release = latest.first() or ""
    return GeneratedSummary(
        feature_count=len(present),
        systems=systems,
        most_frequent=top[:SUMMARY_FEATURES],
        top_count=len(top),
        absent_count=len(absent),
        onset=condition.onset_labels,
        inheritance=condition.inheritance_labels,
        from_hpo=from_hpo,
        release=release,
    )


def page_mentions(condition: Condition) -> list[PageMention]:
    """A condition's published mentions as its page and the comparison page show them."""
    sources = cited_sources(MentionSource.objects.filter(mention__condition=condition))
    rows = (
        Mention.objects.filter(condition=condition, feature__is_published=True)
        .order_by()
        .values_list(*MENTION_COLUMNS)
    )
    mentions = []
    for (
        pk,
        absent,
        kind,
        category,
        numerator,
        denominator,
        percent,
        evidence,
        references,
        onset,
        sex,
        note,
        origin,
        feature_id,
        name,
        plain_name,
        plain_origin,
        slug,
        hpo_id,
        system_id,
    ) in rows:
        band = frequency_band(absent, kind, category, numerator, denominator, percent)
        mention = PageMention(
            pk,
            FeatureSummary(feature_id, name, plain_name, slug, hpo_id),
            absent,
            (kind, frequency_label(kind, category, numerator, denominator, percent), band),
            (evidence, references),
            sources.get(pk, ()),
        )
        mention.onset, mention.sex, mention.note, mention.origin = onset, sex, note, origin
        mention.has_hpo_plain_name = bool(plain_name) and plain_origin == Origin.HPO
        mention.system_id = system_id
        mention.best = best_figure(mention)
        mention.rank = -band_rank(mention.best[2])
        mentions.append(mention)
    return mentions


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'s' if n != 1 else ''}"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _has_plain_words(feature: FeatureSummary) -> bool:
    return bool(plain_and_term(feature.name, feature.plain_name)[1])


def _plain(feature: FeatureSummary) -> str:
    """The feature in plain words (its plain name, or the medical name if it has none)."""
    return _lower_first(plain_and_term(feature.name, feature.plain_name)[0])


def _lower_first(text: str) -> str:
    # "Short stature" reads mid-sentence as "short stature"; "IgM" or "HIV" keep their capitals.
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


__all__ = ["ConditionPage", "GeneratedSummary", "condition_page", "generated_summary"]
