"""Plain, read-only views of what a results page shows: features, conditions, mentions, sources.

The match index holds them for the current content, so a page of results is assembled without
model instances or database round trips (a broad query's page shows hundreds of mentions).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import NamedTuple

from .models import MentionSource, frequency_band, frequency_label, slug_url
from .ordering import band_rank

# A frequency as a page shows it: (kind, label, band).
NOT_RECORDED = ("not_recorded", "Not recorded", "not_recorded")


class FeatureSummary(NamedTuple):
    """A feature as results show it: the one type of a ticked feature, in matching and views."""

    pk: int
    name: str
    plain_name: str
    slug: str
    hpo_id: str = ""

    @classmethod
    def of(cls, feature) -> FeatureSummary:
        """The summary of a `Feature` (the feature a feature page is about)."""
        return cls(feature.pk, feature.name, feature.plain_name, feature.slug, feature.hpo_id or "")

    def get_absolute_url(self) -> str:
        return slug_url("explorer:feature", self.slug)


class ConditionSummary(NamedTuple):
    pk: int
    name: str
    slug: str
    summary: str
    code_label: str = ""  # its codes, when another published condition has the same name

    def get_absolute_url(self) -> str:
        return slug_url("explorer:condition", self.slug)


class SourceSummary(NamedTuple):
    title: str
    url: str
    publisher: str
    frequency: tuple[str, str, str] = NOT_RECORDED  # what this source records for the mention
    pmid: str = ""
    doi: str = ""


class Figure(NamedTuple):
    """One frequency a mention's sources record, and the numbers of the sources that record it."""

    kind: str
    label: str
    band: str
    citations: tuple[int, ...]

    # Read like a mention's own frequency by the snippets that show one.
    @property
    def frequency_kind(self) -> str:
        return self.kind

    @property
    def frequency_label(self) -> str:
        return self.label

    @property
    def frequency_band(self) -> str:
        return self.band


class Citation(NamedTuple):
    """One entry of a result's numbered source list: a curated source, or the references of an
    HPO annotation (with its evidence code)."""

    number: int
    source: SourceSummary | None
    evidence: str = ""
    references: str = ""


class MentionSummary:
    """A mention as a results page shows it; the same frequency wording as `Mention`."""

    __slots__ = (
        "pk",
        "feature",
        "is_absent",
        "frequency_kind",
        "frequency_label",
        "frequency_band",
        "evidence",
        "references",
        "sources",
        "citations",
        "figures",
    )

    def __init__(
        self,
        pk: int,
        feature: FeatureSummary,
        is_absent: bool,
        frequency: tuple[str, str, str],  # kind, label, band
        annotation: tuple[str, str],  # the HPO evidence code and references, if any
        sources: tuple[SourceSummary, ...],
    ):
        self.pk = pk
        self.feature = feature
        self.is_absent = is_absent
        self.frequency_kind, self.frequency_label, self.frequency_band = frequency
        self.evidence, self.references = annotation
        self.sources = sources
        self.citations: list[int] = []  # numbers in its result's source list
        self.figures: list[Figure] = []  # each source's own frequency, grouped (number_citations)

    def cited_sources(self) -> tuple[SourceSummary, ...]:
        return self.sources

    def __repr__(self) -> str:
        return f"<MentionSummary {self.pk}: {self.feature.name}>"


def number_citations(mentions: Sequence[MentionSummary]) -> tuple[list[Citation], bool]:
    """Number the sources in the order the mentions cite them, each once, so a statement points at
    its sources without repeating them under every feature. Sets each mention's `citations`;
    returns the numbered sources, and whether every mention cites the one source (no numbers
    needed then)."""
    numbers: dict[tuple, int] = {}
    sources: list[Citation] = []

    def number(key: tuple, **citation) -> int:
        if key not in numbers:
            numbers[key] = len(numbers) + 1
            sources.append(Citation(numbers[key], **citation))
        return numbers[key]

    for mention in mentions:
        cited = [number(("source", s.url, s.title), source=s) for s in mention.sources]
        if mention.references:
            key = ("hpo", mention.evidence, mention.references)
            citation = {"evidence": mention.evidence, "references": mention.references}
            cited.append(number(key, source=None, **citation))
        mention.citations = sorted(cited)
        # Each source is credited with its own figure; the HPO annotation with the mention's.
        grouped: dict[tuple[str, str, str], list[int]] = {}
        for figure, n in itertools.zip_longest(credited_figures(mention), cited):
            grouped.setdefault(figure, []).extend([n] if n else [])
        mention.figures = sorted(
            (Figure(*figure, tuple(sorted(ns))) for figure, ns in grouped.items()),
            key=lambda f: (-band_rank(f.band), f.citations),  # most often recorded first
        )
    one_source = len(sources) == 1 and all(m.citations for m in mentions)
    return sources, one_source


def credited_figures(mention) -> list[tuple[str, str, str]]:
    """The figures a mention credits, in citing order: each source's own, then its HPO
    annotation's (the mention's own fields). Citing nothing, its own figure stands alone."""
    own = (mention.frequency_kind, mention.frequency_label, mention.frequency_band)
    figures = [source.frequency for source in mention.sources]
    if mention.references or not figures:
        figures.append(own)
    return figures


def best_figure(mention) -> tuple[str, str, str]:
    """The most often recorded of the figures a mention credits (the first such, in citing order)."""
    return max(credited_figures(mention), key=lambda figure: band_rank(figure[2]))


def cited_sources(links=None) -> dict[int, tuple[SourceSummary, ...]]:
    """The curated sources each mention cites, each with the figure it records, by mention id
    (HPO mentions carry references instead). `links`: which MentionSource rows (all by default)."""
    links = MentionSource.objects.all() if links is None else links
    cited: dict[int, list[SourceSummary]] = {}
    rows = links.order_by("mention_id", "source__title").values_list(
        "mention_id",
        "source__title",
        "source__url",
        "source__publisher",
        "source__pmid",
        "source__doi",
        "is_absent",
        *MentionSource.FREQUENCY_FIELDS,
    )
    for mention_id, title, url, publisher, pmid, doi, absent, kind, *rest in rows:
        figure = (kind, frequency_label(kind, *rest), frequency_band(absent, kind, *rest))
        source = SourceSummary(title, url, publisher, figure, pmid, doi)
        cited.setdefault(mention_id, []).append(source)
    return {pk: tuple(sources) for pk, sources in cited.items()}
