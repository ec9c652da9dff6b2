"""Content shared by the open-data tests (API, downloads, phenopackets)."""

import pytest

from conditions.models import HpoRelease
from tests.factories import (
    ConditionFactory,
    CrossReferenceFactory,
    FeatureFactory,
    MentionFactory,
    SourceFactory,
    SynonymFactory,
)


@pytest.fixture
def open_data(settings):
    """Enough conditions for two pages, a broad feature met through specific ones, an absence."""
    settings.EXPLORER_PAGE_SIZE = 3
    HpoRelease.objects.create(version="2025-01-16")
    organomegaly = FeatureFactory(name="Organomegaly", slug="organomegaly", hpo_id="HP:0040195")
    liver = FeatureFactory(
        name="Hepatomegaly", slug="hepatomegaly", hpo_id="HP:0002240", parents=[organomegaly]
    )
    spleen = FeatureFactory(name="Splenomegaly", slug="splenomegaly", parents=[organomegaly])
    purpura = FeatureFactory(
        name="Purpura", slug="purpura", plain_name="purple spots", hpo_id="HP:0000979"
    )
    SynonymFactory(feature=purpura, text="bruise-like spots", is_layperson=True)
    source = SourceFactory(title="Orphanet: POEMS syndrome", url="https://www.orpha.net/x")
    poems = ConditionFactory(name="POEMS syndrome", slug="poems", summary="A rare disorder.")
    CrossReferenceFactory(condition=poems, scheme="ORPHA", code="2905")
    MentionFactory(condition=poems, feature=liver, frequent=True, sources=[source])
    MentionFactory(condition=poems, feature=spleen, sources=[source])
    MentionFactory(
        condition=poems,
        feature=purpura,
        frequency_kind="count",
        numerator=45,
        denominator=50,
        sources=[source],
    )
    poems.onset = "adult"
    poems.save()
    for n in range(5):
        other = ConditionFactory(
            name=f"Condition {n}",
            slug=f"condition-{n}",
            onset="childhood" if n % 2 else "adult",
            inheritance="autosomal_recessive" if n < 2 else "",
        )
        MentionFactory(
            condition=other,
            feature=purpura if n % 2 else liver,
            frequency_kind="category",
            frequency_category=["obligate", "occasional", "frequent", "very_rare", "obligate"][n],
        )
    absent = ConditionFactory(name="Absent case", slug="absent-case")
    MentionFactory(condition=absent, feature=purpura, is_absent=True)
    MentionFactory(condition=absent, feature=spleen)
    return poems


@pytest.fixture
def still_clock(monkeypatch):
    """Requests in a limit test fall in one counting window, however slow the machine."""
    monkeypatch.setattr("explorer.ratelimit._now", lambda: 1_800_000_000.0)
