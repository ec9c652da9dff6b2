"""The admin look-ups find the curated content by the words editors use."""

import pytest

from tests.conditions.test_admin_workplace import autocomplete

pytestmark = pytest.mark.django_db


@pytest.fixture
def curated(curated_content, db):
    pass


def test_gammopathy_finds_the_monoclonal_protein_feature_and_mgus(client, editor, curated):
    # The HPO names the finding Paraproteinemia; clinicians call it a monoclonal gammopathy.
    assert autocomplete(client, "feature", "gammopathy")[0].startswith(
        "abnormal antibody protein in the blood (M protein) (Paraproteinemia)"
    )
    assert autocomplete(client, "feature", "monoclonal gammopathy")[0].startswith(
        "abnormal antibody protein in the blood (M protein) (Paraproteinemia)"
    )
    assert any(
        text.startswith("Monoclonal gammopathy of undetermined significance")
        for text in autocomplete(client, "condition", "gammopathy")
    )
