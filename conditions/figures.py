"""Content coverage figures: how much of the field reads in plain words (README quotes them)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q

from .models import Condition, ConditionLink, Feature, Mention, Origin
from .readability import GRADE_LIMIT, paragraphs, reading_grade


@dataclass(frozen=True)
class PlainNameFigures:
    tickable: int
    with_plain_name: int  # any plain name, staff's or the HPO's
    by_staff: int
    from_hpo: int  # the HPO's everyday name, a layperson synonym
    name_is_everyday: int  # the HPO marks the medical name itself as everyday words

    @property
    def share(self) -> float:
        return self.with_plain_name / self.tickable if self.tickable else 0.0

    def lines(self) -> list[str]:
        return [
            f"Tickable features with a plain name: {self.with_plain_name:,} of {self.tickable:,} "
            f"({self.share:.1%})",
            f"  written by staff: {self.by_staff:,}",
            f"  the HPO's everyday name (a layperson synonym): {self.from_hpo:,}, of which "
            f"{self.name_is_everyday:,} are the medical name itself, which the HPO marks as "
            "everyday words",
        ]


def plain_name_figures() -> PlainNameFigures:
    counts = (
        Feature.objects.tickable()
        .exclude(plain_name="")
        .aggregate(
            total=Count("pk"),
            from_hpo=Count("pk", filter=Q(plain_name_origin=Origin.HPO)),
            same=Count("pk", filter=Q(plain_name_origin=Origin.HPO, plain_name=F("name"))),
        )
    )
    return PlainNameFigures(
        tickable=Feature.objects.tickable().count(),
        with_plain_name=counts["total"],
        by_staff=counts["total"] - counts["from_hpo"],
        from_hpo=counts["from_hpo"],
        name_is_everyday=counts["same"],
    )


@dataclass(frozen=True)
class SummaryFigures:
    published: int
    by_staff: int
    generated: int  # from their rows, at render time (conditions.condition_page)
    generated_without_features: int  # say only that no features are recorded yet

    def lines(self) -> list[str]:
        return [
            f"Published conditions whose page opens with a summary: "
            f"{self.by_staff + self.generated:,} of {self.published:,}",
            f"  written by staff: {self.by_staff:,}",
            f"  generated from their rows: {self.generated:,} (of which "
            f"{self.generated_without_features:,} have no features recorded yet)",
        ]


def summary_figures() -> SummaryFigures:
    published = Condition.objects.published()
    by_staff = published.exclude(summary__regex=r"^\s*$")
    has_features = Exists(
        Mention.objects.filter(
            condition=OuterRef("pk"), is_absent=False, feature__is_published=True
        )
    )
    generated = published.filter(summary__regex=r"^\s*$")
    return SummaryFigures(
        published=published.count(),
        by_staff=by_staff.count(),
        generated=generated.count(),
        generated_without_features=generated.filter(~has_features).count(),
    )


@dataclass(frozen=True)
class ReadingFigures:
    """US school grades (Flesch–Kincaid) of every kind of curated text, each text on its own;
    a description is graded paragraph by paragraph."""

    grades: dict[str, list[float]]  # kind of text → the grade of each text

    def lines(self) -> list[str]:
        lines = [f"Curated text at US grade {GRADE_LIMIT:g} or below (Flesch–Kincaid, textstat):"]
        for kind, grades in self.grades.items():
            if not grades:
                continue
            ordered = sorted(grades)
            over = sum(g > GRADE_LIMIT for g in grades)
            lines.append(
                f"  {kind}: {len(grades) - over:,} of {len(grades):,}; median "
                f"{ordered[len(ordered) // 2]:g}, hardest {ordered[-1]:g}"
            )
        return lines


def reading_figures() -> ReadingFigures:
    curated = Condition.objects.filter(origin=Origin.CURATED)
    texts = {
        "condition summaries": curated.exclude(summary="").values_list("summary", flat=True),
        "condition description paragraphs": [
            paragraph
            for description in curated.exclude(description="").values_list("description", flat=True)
            for paragraph in paragraphs(description)
        ],
        "feature descriptions": Feature.objects.filter(origin=Origin.CURATED)
        .exclude(description="")
        .values_list("description", flat=True),
        "get-help-now advice": Feature.objects.exclude(urgent_advice="").values_list(
            "urgent_advice", flat=True
        ),
        "notes on mentions": Mention.objects.filter(origin=Origin.CURATED)
        .exclude(note="")
        .values_list("note", flat=True),
        "notes on related conditions": ConditionLink.objects.exclude(note="").values_list(
            "note", flat=True
        ),
    }
    return ReadingFigures({kind: [reading_grade(t) for t in ts] for kind, ts in texts.items()})
