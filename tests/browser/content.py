"""A small, realistic slice of content for the browser tests, built with the factories.

It mirrors the curated fixture's subject (plasma-cell disorders and their skin and systemic signs)
closely enough that the visitor flow reads like the real site: "bruising" finds purpura, organomegaly
has enlarged liver and spleen under it, and POEMS syndrome is the one condition whose sources
mention purpura, polyneuropathy and organomegaly together.
"""

from conditions.models import Mention
from tests.factories import (
    BodySystemFactory,
    ConditionFactory,
    ConditionLinkFactory,
    CrossReferenceFactory,
    FeatureFactory,
    MentionFactory,
    SourceFactory,
    SynonymFactory,
)


def _category(value):
    return {"frequency_kind": Mention.FrequencyKind.CATEGORY, "frequency_category": value}


def _count(n, m):
    return {"frequency_kind": Mention.FrequencyKind.COUNT, "numerator": n, "denominator": m}


def build() -> None:
    skin = BodySystemFactory(
        name="Integument", slug="skin", plain_name="Skin, hair and nails", order=1
    )
    nerves = BodySystemFactory(
        name="Nervous system", slug="nerves", plain_name="Brain and nerves", order=2
    )
    organs = BodySystemFactory(
        name="Abdomen", slug="abdomen", plain_name="Belly and internal organs", order=3
    )
    blood = BodySystemFactory(
        name="Blood and blood-forming tissues", slug="blood", plain_name="Blood", order=4
    )
    bones = BodySystemFactory(
        name="Skeletal system", slug="bones", plain_name="Bones and joints", order=5
    )

    def feature(name, slug, plain, system, description="", **kwargs):
        return FeatureFactory(
            name=name,
            slug=slug,
            plain_name=plain,
            body_system=system,
            description=description,
            **kwargs,
        )

    purpura = feature(
        "Purpura",
        "purpura",
        "small purple spots from bleeding under the skin",
        skin,
        "Purple or red-brown spots or patches where small blood vessels have bled into the skin.",
        hpo_id="HP:0000979",
    )
    SynonymFactory(feature=purpura, text="bruising")
    SynonymFactory(feature=purpura, text="easy bruising")
    thickening = feature(
        "Thickened skin",
        "thickened-skin",
        "",
        skin,
        "Skin that feels firmer and thicker than usual.",
    )
    darker = feature("Hyperpigmentation", "hyperpigmentation", "darker patches of skin", skin)
    hair = feature("Hypertrichosis", "hypertrichosis", "extra body hair", skin)
    calcinosis = feature(
        "Calcinosis cutis", "calcinosis-cutis", "calcium deposits in the skin", skin
    )
    neuropathy = feature(
        "Polyneuropathy",
        "polyneuropathy",
        "damage to many nerves",
        nerves,
        "Many nerves outside the brain and spinal cord work less well, often first in the feet.",
        hpo_id="HP:0001271",
    )
    SynonymFactory(feature=neuropathy, text="tingling in the feet")
    organomegaly = feature(
        "Organomegaly",
        "organomegaly",
        "enlarged organs",
        organs,
        "One or more internal organs larger than usual.",
        hpo_id="HP:0040195",
    )
    liver = feature(
        "Hepatomegaly", "hepatomegaly", "enlarged liver", organs, parents=[organomegaly]
    )
    spleen = feature(
        "Splenomegaly", "splenomegaly", "enlarged spleen", organs, parents=[organomegaly]
    )
    tongue = feature("Macroglossia", "macroglossia", "enlarged tongue", organs)
    anaemia = feature("Anaemia", "anaemia", "low red blood cells", blood)
    platelets = feature("Thrombocytopenia", "thrombocytopenia", "low platelets", blood)
    bone_pain = feature("Bone pain", "bone-pain", "", bones)
    fracture = feature(
        "Pathological fracture", "pathological-fracture", "bone broken by minor force", bones
    )
    feature("Inheritance mode", "inheritance-mode", "", None, is_phenotype=False)

    orphanet = SourceFactory(
        title="Orphanet", slug="orphanet", url="https://www.orpha.net/", publisher="Orphanet"
    )
    review = SourceFactory(
        title="Dispenzieri A. POEMS syndrome: 2023 update",
        slug="dispenzieri-2023",
        url="https://doi.org/10.1002/ajh.27061",
        publisher="American Journal of Hematology",
    )

    def mention(condition, feature, sources=(orphanet,), **kwargs):
        MentionFactory(condition=condition, feature=feature, sources=list(sources), **kwargs)

    poems = ConditionFactory(
        name="POEMS syndrome",
        slug="poems-syndrome",
        summary="A rare disorder of plasma cells, named after five of its features: polyneuropathy, "
        "organomegaly, endocrinopathy, monoclonal protein and skin changes.",
        description="Nerve damage is usually the first thing people notice.",
    )
    CrossReferenceFactory(condition=poems, scheme="ORPHA", code="2905")
    mention(poems, neuropathy, (review, orphanet), **_category("obligate"))
    mention(poems, liver, (review,), **_count(24, 99))
    mention(poems, spleen, (review,), **_category("frequent"))
    mention(poems, purpura)
    mention(poems, darker, (review,), **_category("frequent"))
    mention(poems, hair, (review,), **_category("occasional"))
    mention(poems, thickening, (review,), **_category("occasional"))

    mgus = ConditionFactory(
        name="Monoclonal gammopathy of undetermined significance (MGUS)",
        slug="mgus",
        summary="An abnormal protein made by plasma cells shows up in a blood test. Most people never "
        "have symptoms, but a few go on to develop myeloma or a related disorder.",
    )
    mention(mgus, purpura, **_category("occasional"))
    mention(mgus, neuropathy, **_category("occasional"))
    mention(mgus, bone_pain, is_absent=True)

    cryo = ConditionFactory(
        name="Cryoglobulinaemia",
        slug="cryoglobulinaemia",
        summary="Proteins in the blood clump together in the cold and can block small blood vessels.",
    )
    mention(cryo, purpura, **_category("very_frequent"))
    mention(cryo, neuropathy, **_category("frequent"))
    mention(cryo, organomegaly, is_absent=True)

    myeloma = ConditionFactory(
        name="Multiple myeloma",
        slug="multiple-myeloma",
        summary="A cancer of plasma cells in the bone marrow that weakens bones and lowers blood counts.",
    )
    mention(myeloma, bone_pain, **_category("very_frequent"))
    mention(myeloma, fracture, **_category("frequent"))
    mention(myeloma, anaemia, **_category("very_frequent"))
    mention(myeloma, platelets, **_category("occasional"))
    mention(myeloma, purpura, **_category("very_rare"))

    amyloidosis = ConditionFactory(
        name="AL amyloidosis",
        slug="al-amyloidosis",
        summary="Abnormal protein from plasma cells builds up in organs such as the heart and kidneys.",
    )
    mention(amyloidosis, tongue, **_category("occasional"))
    mention(amyloidosis, purpura, **_category("frequent"))

    calcinosis_condition = ConditionFactory(
        name="Calcinosis cutis",
        slug="calcinosis-cutis",
        summary="Calcium builds up in the skin as hard, pale lumps.",
    )
    CrossReferenceFactory(condition=calcinosis_condition, scheme="ICD10", code="L94.2")
    mention(calcinosis_condition, calcinosis, **_category("obligate"))

    ConditionLinkFactory(from_condition=mgus, to_condition=myeloma, relation="may_progress_to")
    ConditionLinkFactory(from_condition=mgus, to_condition=poems, relation="associated_with")
    ConditionFactory(name="Draft condition", slug="draft-condition", status="draft")
