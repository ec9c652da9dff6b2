"""Plain, read-only views of what a results page shows: features, conditions, mentions, sources.

The match index holds them for the current content, so a page of results is assembled without
model instances or database round trips (a broad query's page shows hundreds of mentions).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from .models import slug_url


class FeatureSummary(NamedTuple):
    pk: int
    name: str
    plain_name: str
    slug: str
    hpo_id: str = ""

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
        mention.citations = [
            number(("source", source.url, source.title), source=source)
            for source in mention.sources
        ]
        if mention.references:
            key = ("hpo", mention.evidence, mention.references)
            mention.citations.append(
                number(key, source=None, evidence=mention.evidence, references=mention.references)
            )
    one_source = len(sources) == 1 and all(m.citations for m in mentions)
    return sources, one_source
