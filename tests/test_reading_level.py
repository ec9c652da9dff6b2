"""Curated text reads at US grade 8 or below (Flesch–Kincaid, textstat), and staff see the grade."""

import pytest
from django.contrib.auth.models import User

from conditions.models import BodySystem, Condition, ConditionLink, Feature, Mention
from conditions.readability import GRADE_LIMIT, paragraphs, plain_text, reading_grade
from tests.factories import ConditionFactory, FeatureFactory

pytestmark = pytest.mark.django_db

HARD = (
    "Monoclonal gammopathy of undetermined significance constitutes a premalignant plasma-cell "
    "dyscrasia characterised by immunoglobulin secretion without end-organ manifestations."
)
EASY = "A blood test finds an odd protein. Most people feel well. Doctors check it now and then."


def test_grade_tells_hard_text_from_easy_text():
    assert reading_grade(HARD) > 12
    assert reading_grade(EASY) <= GRADE_LIMIT
    assert reading_grade("  ") is None


def test_markdown_marks_and_link_targets_are_not_read_as_words():
    assert plain_text("**What it is.** See [Orphanet](https://www.orpha.net/x).") == (
        "What it is. See Orphanet."
    )


@pytest.fixture
def curated(curated_content, db):
    pass


def _too_hard(texts):
    return {name: reading_grade(text) for name, text in texts if reading_grade(text) > GRADE_LIMIT}


def test_every_curated_summary_is_grade_8_or_below(curated):
    summaries = Condition.objects.filter(origin="curated").exclude(summary="")
    assert summaries.count() >= 12
    assert _too_hard(summaries.values_list("slug", "summary")) == {}


def test_every_curated_feature_description_is_grade_8_or_below(curated):
    features = Feature.objects.filter(origin="curated").exclude(description="")
    assert features.count() >= 100
    assert _too_hard(features.values_list("slug", "description")) == {}


def test_every_paragraph_of_every_curated_description_is_grade_8_or_below(curated):
    """Each paragraph on its own (a list with the sentence that introduces it), so one easy
    paragraph cannot hide a hard one; source marks and Markdown are not read as words."""
    descriptions = Condition.objects.filter(origin="curated").exclude(description="")
    assert descriptions.count() >= 25
    each = [
        (f"{slug} ¶{n}", text)
        for slug, description in descriptions.values_list("slug", "description")
        for n, text in enumerate(paragraphs(description), start=1)
    ]
    assert _too_hard(each) == {}


def test_every_curated_note_and_body_system_description_is_grade_8_or_below(curated):
    """The notes shown under a feature on a condition page, beside a related condition, and
    the words that open a body system's page."""
    notes = Mention.objects.filter(origin="curated").exclude(note="")
    links = ConditionLink.objects.exclude(note="")
    systems = BodySystem.objects.exclude(description="")
    assert notes.count() >= 80 and links.count() >= 25
    texts = [
        *((f"mention {pk}", note) for pk, note in notes.values_list("pk", "note")),
        *((f"link {pk}", note) for pk, note in links.values_list("pk", "note")),
        *systems.values_list("slug", "description"),
    ]
    assert _too_hard(texts) == {}


def test_a_list_item_is_read_as_a_sentence_of_its_own():
    listed = "Signs:\n\n- a large liver or spleen[^orphanet-poems];\n- darker skin\n- thick skin"
    assert plain_text(listed) == "Signs:\n\na large liver or spleen.\ndarker skin.\nthick skin."


def test_every_emergency_advice_is_grade_8_or_below(curated):
    advice = Feature.objects.exclude(urgent_advice="")
    assert advice.exists()
    assert _too_hard(advice.values_list("slug", "urgent_advice")) == {}


def test_admin_shows_the_grade_beside_the_text(client):
    client.force_login(User.objects.create_superuser("boss", password="pw"))
    condition = ConditionFactory(summary=HARD)
    html = client.get(f"/admin/conditions/condition/{condition.pk}/change/").content.decode()
    assert f"US grade {reading_grade(HARD):g} (too hard" in html
    condition = ConditionFactory(description=f"{EASY}\n\n{HARD}\n\n{EASY}")
    html = client.get(f"/admin/conditions/condition/{condition.pk}/change/").content.decode()
    assert (
        "Hardest paragraph (“Monoclonal gammopathy of undetermined significance constitutes" in html
    )
    assert f"US grade {reading_grade(HARD):g} (too hard" in html
    feature = FeatureFactory(description=EASY)
    html = client.get(f"/admin/conditions/feature/{feature.pk}/change/").content.decode()
    assert f"US grade {reading_grade(EASY):g} (fine" in html


def test_the_figures_count_texts_above_the_grade_limit():
    from conditions.figures import reading_figures

    Condition.objects.all().delete()  # only this test's conditions (rolled back after it)
    ConditionFactory(summary=HARD, description=f"{EASY}\n\n{HARD}")
    ConditionFactory(summary=EASY, description="")
    lines = reading_figures().lines()
    assert f"  condition summaries: 1 of 2; median {reading_grade(HARD):g}, " in "\n".join(lines)
    assert "  condition description paragraphs: 1 of 2;" in "\n".join(lines)
