"""Phenopackets: what we write is a valid GA4GH v2 phenopacket, what its tools write opens, a saved
selection opens back to the same selection, and bad input is a clear 400."""

import html
import json
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from google.protobuf.json_format import MessageToJson, Parse
from phenopackets import MetaData, OntologyClass, Phenopacket, PhenotypicFeature, Resource
from phenopackets.schema.v1 import base_pb2 as v1_base
from phenopackets.schema.v1 import phenopackets_pb2 as v1

from tests.factories import FeatureFactory

pytestmark = pytest.mark.django_db


def export(client, query):
    response = client.get(f"/phenopacket.json?{query}")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    return response.content.decode()


def open_text(client, text):
    return client.post("/phenopacket/", {"text": text})


def ticked(client, url):
    """The features the results page ticks for a URL."""
    return [f.slug for f in client.get(url).context["features"]]


def test_export_is_a_v2_phenopacket_the_ga4gh_classes_read(client, open_data):
    text = export(client, "feature=purpura&feature=organomegaly")

    packet = Parse(text, Phenopacket())  # raises on anything the schema does not hold
    assert [(f.type.id, f.type.label) for f in packet.phenotypic_features] == [
        ("HP:0000979", "Purpura"),
        ("HP:0040195", "Organomegaly"),
    ]
    assert not any(f.excluded for f in packet.phenotypic_features)
    assert packet.meta_data.phenopacket_schema_version == "2.0"
    (hp,) = packet.meta_data.resources
    assert (hp.id, hp.namespace_prefix, hp.version) == ("hp", "HP", "2025-01-16")
    assert not packet.diseases and not packet.interpretations and not packet.HasField("subject")


def test_a_saved_selection_opens_back_to_the_same_selection(client, open_data):
    query = "feature=splenomegaly&feature=purpura&feature=HP:0040195"
    before = ticked(client, f"/?{query}")

    response = open_text(client, export(client, query))

    assert response.status_code == 303
    assert (
        ticked(client, response["Location"])
        == before
        == [
            "splenomegaly",
            "purpura",
            "organomegaly",
        ]
    )


def test_a_feature_without_an_hpo_id_travels_under_our_prefix(client, open_data):
    text = export(client, "feature=splenomegaly")
    assert (
        json.loads(text)["phenotypicFeatures"][0]["type"]["id"] == "symptom-explorer:splenomegaly"
    )
    Parse(text, Phenopacket())
    assert ticked(client, open_text(client, text)["Location"]) == ["splenomegaly"]


def test_a_file_the_ga4gh_classes_wrote_opens_with_excluded_and_unknown_named(client, open_data):
    packet = Phenopacket(
        id="patient-1",
        phenotypic_features=[
            PhenotypicFeature(type=OntologyClass(id="HP:0000979", label="Purpura")),
            PhenotypicFeature(
                type=OntologyClass(id="HP:0002240", label="Hepatomegaly"), excluded=True
            ),
            PhenotypicFeature(type=OntologyClass(id="HP:0099999", label="Made up")),
        ],
        meta_data=MetaData(
            created_by="a clinic",
            resources=[Resource(id="hp", namespace_prefix="HP")],
            phenopacket_schema_version="2.0",
        ),
    )
    upload = SimpleUploadedFile("p.json", MessageToJson(packet).encode(), "application/json")

    response = client.post("/phenopacket/", {"file": upload})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Marked absent in the file: not used" in page
    assert "HP:0002240 Hepatomegaly" in page
    assert "Terms we do not know" in page and "HP:0099999" in page
    opened = response.context["opened"]
    assert [f.slug for f in opened.features] == ["purpura"]
    assert f'href="{html.escape(opened.explore_url())}"' in page
    assert opened.explore_url() == "/?feature=HP%3A0000979"


def test_a_v1_phenopacket_opens_with_negated_features_apart(client, open_data):
    packet = v1.Phenopacket(
        id="v1-file",
        phenotypic_features=[
            v1_base.PhenotypicFeature(type=v1_base.OntologyClass(id="HP:0040195")),
            v1_base.PhenotypicFeature(type=v1_base.OntologyClass(id="HP:0000979"), negated=True),
        ],
    )
    response = open_text(client, MessageToJson(packet))

    opened = response.context["opened"]
    assert [f.slug for f in opened.features] == ["organomegaly"]
    assert opened.excluded == ["HP:0000979"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json at all", "This is not JSON"),
        ("[1, 2]", "not a phenopacket"),
        ('{"id": "x"}', 'no "phenotypicFeatures" list'),
        ('{"phenotypicFeatures": {"a": 1}}', "must be a list"),
        ('{"phenotypicFeatures": [{"type": "HP:1"}]}', 'Feature 1 has no "type"'),
        (
            '{"phenotypicFeatures": [{"type": {"id": "HP:0000979"}, "excluded": "yes"}]}',
            "true or false",
        ),
        ('{"proband": {"id": "p"}}', "family or cohort"),
        ("   ", "Choose a file or paste"),
        ("[" * 100000 + "]" * 100000, "nested too deeply"),
        ('{"id": "' + "x" * 600_000 + '"}', "larger than 512 kB"),
    ],
)
def test_bad_input_is_a_clear_400(client, open_data, text, message):
    response = open_text(client, text)
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())


def test_thousands_of_features_are_refused(client, open_data):
    many = {"phenotypicFeatures": [{"type": {"id": f"HP:{n:07d}"}} for n in range(5000)]}
    response = open_text(client, json.dumps(many))
    assert response.status_code == 400
    assert "The file lists 5000 features" in response.content.decode()


def test_more_known_features_than_the_explorer_compares_are_refused(client, settings):
    settings.EXPLORER_MAX_FEATURES = 2
    for n in range(3):
        FeatureFactory(name=f"Feature {n}", hpo_id=f"HP:000000{n}")
    packet = {"phenotypicFeatures": [{"type": {"id": f"HP:000000{n}"}} for n in range(3)]}
    response = open_text(client, json.dumps(packet))
    assert response.status_code == 400
    assert "compares at most 2" in response.content.decode()


def test_a_file_that_is_not_text_is_refused(client):
    upload = SimpleUploadedFile("p.json", b"\xff\xfe\x00\x81binary", "application/octet-stream")
    response = client.post("/phenopacket/", {"file": upload})
    assert response.status_code == 400
    assert "not text" in response.content.decode()


def test_import_page_and_export_errors(client, open_data):
    page = client.get("/phenopacket/")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.content.decode()
    assert client.get("/phenopacket.json").status_code == 400
    assert client.get("/phenopacket.json?" + "&".join(["feature=purpura"] * 31)).status_code == 400
    redirect = open_text(client, export(client, "feature=purpura"))
    assert dict(parse_qsl(urlsplit(redirect["Location"]).query)) == {"feature": "HP:0000979"}


def test_a_script_can_post_a_file_without_a_csrf_token(open_data):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    text = strict.get("/phenopacket.json?feature=purpura").content.decode()
    assert strict.post("/phenopacket/", {"text": text}).status_code == 303
