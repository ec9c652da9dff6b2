"""Plain names at field scale: the HPO's everyday name where staff wrote none, staff text wins."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from conditions.figures import plain_name_figures
from conditions.hpo import Term, TermSynonym
from conditions.hpo_import import everyday_name
from conditions.models import Feature
from tests.factories import BodySystemFactory, FeatureFactory

DATA = Path(__file__).resolve().parent.parent / "data" / "hpo"
OBO, HPOA = DATA / "hp.obo", DATA / "phenotype.hpoa"


def run(obo: Path = OBO) -> None:
    call_command("import_hpo", obo=obo, annotations=HPOA, stdout=StringIO())


def term(name: str, *synonyms: tuple[str, str, bool]) -> Term:
    return Term(id="HP:0000001", name=name, synonyms=[TermSynonym(*s) for s in synonyms])


@pytest.mark.parametrize(
    ("synonyms", "expected"),
    [
        ([], ""),
        ([("Purpuric lesions", "EXACT", False)], ""),  # not a layperson synonym
        # Wider, narrower or only related: "Cancer" is RELATED to Neoplasm, which is not all cancer.
        (
            [("Spots", "BROAD", True), ("Red spots", "NARROW", True), ("Cancer", "RELATED", True)],
            "",
        ),
        ([("Bleeding spots", "RELATED", True), ("Purple spots", "EXACT", True)], "Purple spots"),
        (
            [("Purple spots on the skin", "EXACT", True), ("Purple spots", "EXACT", True)],
            "Purple spots",
        ),
        ([("Red dots", "EXACT", True), ("Blue dots", "EXACT", True)], "Blue dots"),
        # The name among them (up to case and plural): the name itself is everyday words.
        ([("purpuras", "EXACT", True)], "Purpura"),
        ([("Purpura", "EXACT", True), ("Purple spots", "EXACT", True)], "Purpura"),
        # Outdated, hurtful words never name a feature.
        (
            [("Mental-retardation", "EXACT", True), ("Mental deficiency", "EXACT", True)],
            "Mental deficiency",
        ),
        ([("Dwarfism", "EXACT", True)], ""),
    ],
)
def test_everyday_name_is_a_documented_choice(synonyms, expected):
    assert everyday_name(term("Purpura", *synonyms)) == expected


synonym = st.tuples(
    st.text("ab -", min_size=1, max_size=8).filter(str.strip),
    st.sampled_from(["EXACT", "RELATED", "BROAD", "NARROW"]),
    st.booleans(),
)


@given(st.lists(synonym, max_size=6, unique_by=lambda s: s[0]), st.randoms())
def test_everyday_name_does_not_depend_on_the_files_order(synonyms, random):
    shuffled = synonyms[:]
    random.shuffle(shuffled)
    assert everyday_name(term("Ab", *synonyms)) == everyday_name(term("Ab", *shuffled))


@pytest.mark.django_db
def test_import_gives_the_hpo_everyday_name_where_staff_wrote_none():
    curated = Feature.objects.create(name="Peripheral neuropathy", slug="pn", hpo_id="HP:0009830")
    run()
    purpura = Feature.objects.get(hpo_id="HP:0000979")
    assert (purpura.plain_name, purpura.plain_name_origin) == ("Purple spots on the skin", "hpo")
    assert purpura.has_hpo_plain_name
    assert "purple spots on the skin" in purpura.search_text
    curated.refresh_from_db()
    assert curated.plain_name == "Nerve damage in the arms or legs"
    assert curated.has_hpo_plain_name
    no_lay = Feature.objects.get(hpo_id="HP:0011121")  # Abnormal skin morphology: none in the HPO
    assert (no_lay.plain_name, no_lay.has_hpo_plain_name) == ("", False)


@pytest.mark.django_db
def test_staff_plain_name_wins_and_reimport_keeps_it():
    Feature.objects.create(
        name="Hyperpigmentation", slug="dark", hpo_id="HP:0000953", plain_name="darker skin"
    )
    run()
    purpura = Feature.objects.get(hpo_id="HP:0000979")
    purpura.plain_name = "small purple spots"  # staff edit an HPO everyday name
    purpura.save()
    assert purpura.plain_name_origin == "curated"
    run()
    purpura.refresh_from_db()
    dark = Feature.objects.get(hpo_id="HP:0000953")
    assert (purpura.plain_name, purpura.plain_name_origin) == ("small purple spots", "curated")
    assert (dark.plain_name, dark.plain_name_origin) == ("darker skin", "curated")


@pytest.mark.django_db
def test_saving_without_touching_the_plain_name_keeps_it_the_hpos():
    run()
    purpura = Feature.objects.get(hpo_id="HP:0000979")
    purpura.description = "Small purple spots."
    purpura.save()
    purpura.refresh_from_db()
    assert purpura.plain_name_origin == "hpo"
    only_name = Feature.objects.only("pk", "plain_name_origin").get(pk=purpura.pk)
    only_name.save(update_fields=["plain_name_origin"])  # plain name deferred: not "edited"
    assert Feature.objects.get(pk=purpura.pk).plain_name_origin == "hpo"


@pytest.mark.django_db
def test_a_new_release_updates_the_hpos_choice_only(tmp_path):
    run()
    obo = tmp_path / "hp.obo"
    obo.write_text(
        OBO.read_text()
        .replace(
            '"Purple spots on the skin" EXACT layperson', '"Purple skin spots" EXACT layperson'
        )
        .replace('synonym: "Dark skin patches" EXACT layperson []\n', "")
    )
    run(obo)
    purpura = Feature.objects.get(hpo_id="HP:0000979")
    dark = Feature.objects.get(hpo_id="HP:0000953")
    assert (purpura.plain_name, purpura.plain_name_origin) == ("Purple skin spots", "hpo")
    assert (dark.plain_name, dark.has_hpo_plain_name) == ("", False)


@pytest.mark.django_db
def test_figures_count_tickable_features_with_a_plain_name():
    run()
    Feature.objects.filter(hpo_id="HP:0000953").update(
        plain_name="darker skin", plain_name_origin="curated"
    )
    Feature.objects.filter(hpo_id="HP:0000979").update(plain_name="Purpura")  # the name itself
    figures = plain_name_figures()
    tickable = Feature.objects.tickable()
    assert figures.tickable == tickable.count() == 11
    named = set(tickable.exclude(plain_name="").values_list("hpo_id", flat=True))
    assert named == {"HP:0000953", "HP:0000979", "HP:0009830", "HP:0003074"}  # the lay synonyms
    assert (figures.with_plain_name, figures.by_staff, figures.from_hpo) == (4, 1, 3)
    assert figures.name_is_everyday == 1
    out = StringIO()
    call_command("content_figures", stdout=out)
    assert "Tickable features with a plain name: 4 of 11 (36.4%)" in out.getvalue()


@pytest.mark.django_db
def test_body_systems_are_named_by_the_same_rule_as_features(client):
    """One rule (models.plain_and_term) names features and body systems alike: plain words first,
    the medical term beside them only when it says something else (not a change of case)."""
    skin = BodySystemFactory(name="Integument", slug="skin", plain_name="Skin, hair and nails")
    blood = BodySystemFactory(name="Blood", slug="blood", plain_name="blood")
    FeatureFactory(body_system=skin)
    FeatureFactory(body_system=blood)

    skin_page = client.get("/body-systems/skin/").content.decode()
    blood_page = client.get("/body-systems/blood/").content.decode()

    assert '<h1>Skin, hair and nails <span class="term">(Integument)</span></h1>' in skin_page
    assert "<h1>Blood</h1>" in blood_page and "(Blood)" not in blood_page
    assert blood.display_name == "Blood" and skin.display_name == "Skin, hair and nails"
