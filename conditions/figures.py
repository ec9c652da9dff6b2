"""Content coverage figures: how much of the field reads in plain words (README quotes them)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Q

from .models import Feature, Origin


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
