"""Reading hp.obo and phenotype.hpoa (conditions.hpo): what a good file gives, and the message a
bad one produces. No database: the files are small variations on tests/data/hpo/.

A maintainer handed a broken release reads these messages, so they are stated whole: the file,
the line when there is one, and what was expected there.
"""

from decimal import Decimal
from pathlib import Path

import pytest

from conditions.hpo import (
    Frequency,
    HpoFormatError,
    Ontology,
    Term,
    TermSynonym,
    parse_frequency,
    parse_hpoa,
    parse_obo,
)

from .test_import_hpo import HPOA, OBO

OBO_TEXT, HPOA_TEXT = OBO.read_text(), HPOA.read_text()
HEADER = HPOA_TEXT.splitlines()[4]  # database_id\tdisease_name\t…
ROW = HPOA_TEXT.splitlines()[5]  # ORPHA:100, Purpura, HP:0040282


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def obo_with(tmp_path: Path, old: str, new: str) -> Path:
    """The test ontology with one passage written differently."""
    assert OBO_TEXT.count(old) == 1, old
    return write(tmp_path, "hp.obo", OBO_TEXT.replace(old, new))


def line_of(text: str, passage: str) -> int:
    return text[: text.index(passage)].count("\n") + 1


def obo_error(tmp_path: Path, old: str, new: str) -> str:
    with pytest.raises(HpoFormatError) as error:
        parse_obo(obo_with(tmp_path, old, new))
    return str(error.value)


def hpoa_error(tmp_path: Path, text: str) -> str:
    with pytest.raises(HpoFormatError) as error:
        parse_hpoa(write(tmp_path, "phenotype.hpoa", text))
    return str(error.value)


# Frequencies --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "parsed"),
    [
        ("HP:0040282", Frequency(term="HP:0040282")),  # Frequent
        ("HP:0040285", Frequency(term="HP:0040285")),  # Excluded
        ("3/7", Frequency(numerator=3, denominator=7)),
        ("0/4", Frequency(numerator=0, denominator=4)),
        ("12/12", Frequency(numerator=12, denominator=12)),
        ("5/3", Frequency(numerator=5, denominator=3)),  # read as written; the import judges it
        ("17.5%", Frequency(percent=Decimal("17.5"))),
        ("7%", Frequency(percent=Decimal("7"))),
        ("0%", Frequency(percent=Decimal("0"))),
        ("100%", Frequency(percent=Decimal("100"))),
        ("33.33%", Frequency(percent=Decimal("33.33"))),
        (" 3/7 ", Frequency(numerator=3, denominator=7)),
    ],
)
def test_every_form_of_frequency_the_hpo_writes_is_read(written, parsed):
    assert parse_frequency(written) == parsed


@pytest.mark.parametrize("written", ["", "  "])
def test_an_empty_frequency_is_not_recorded(written):
    assert parse_frequency(written) is None


@pytest.mark.parametrize(
    "written",
    ["often", "3/", "/7", "3 of 7", "3/7 patients", "HP:004028", "HP:00402820", "hp:0040282"]
    + ["17.555%", "1000%", "17.5", "%", "-5%", "5 %", "x3/7", "HP:0040282 Frequent"],
)
def test_a_frequency_in_no_known_form_is_refused_by_name(written):
    with pytest.raises(ValueError) as error:
        parse_frequency(written)
    assert str(error.value) == f"unreadable frequency {written.strip()!r}"


# hp.obo -------------------------------------------------------------------------------------


def test_the_ontology_holds_each_terms_data_as_written():
    ontology = parse_obo(OBO)
    assert ontology.data_version == "hp/releases/2099-01-01"
    assert len(ontology.terms) == 27
    assert list(ontology.terms)[:3] == ["HP:0000001", "HP:0000005", "HP:0000007"]  # file order
    purpura = ontology.terms["HP:0000979"]
    assert purpura == Term(
        id="HP:0000979",
        name="Purpura",
        definition="Purplish discoloration of the skin due to bleeding from small blood vessels "
        '("purple spots").',
        synonyms=[
            TermSynonym("Purple spots on the skin", "EXACT", is_layperson=True),
            TermSynonym("Purpuric lesions", "RELATED", is_layperson=False),
        ],
        parents=["HP:0011121"],
        alt_ids=["HP:0001002"],
    )
    assert ontology.terms["HP:0007328"].parents == ["HP:0011121", "HP:0009830"]
    assert ontology.terms["HP:0000990"].is_obsolete
    assert ontology.terms["HP:0000990"].replaced_by == ["HP:0000979"]
    assert ontology.terms["HP:0000991"].consider == ["HP:0011121", "HP:0000953"]
    assert "part_of" not in ontology.terms  # a [Typedef] is not a term
    current = [term.id for term in ontology.current_terms()]
    assert len(current) == 25 and "HP:0000990" not in current and "HP:0000991" not in current


def test_obo_details_that_change_nothing_are_read_past(tmp_path):
    path = obo_with(
        tmp_path,
        "[Term]\nid: HP:0003477\nname: Peripheral axonal neuropathy\n",
        "! a comment line\n\n[Term]\n  id: HP:0003477 ! indented\nname:   Peripheral axonal "
        'neuropathy  \ndef: "  Damage to the \\"axons\\"  " [PMID:1]\n'
        'synonym: "  Axon damage " EXACT [layperson]\nsynonym: "Axonopathy" NARROW layperson\n'
        "is_obsolete: false\n",
    )
    term = parse_obo(path).terms["HP:0003477"]
    assert (term.id, term.name, term.definition) == (
        "HP:0003477",
        "Peripheral axonal neuropathy",
        'Damage to the "axons"',
    )
    # Only a "layperson" word before the [xrefs] marks a synonym as everyday words.
    assert term.synonyms == [
        TermSynonym("Axon damage", "EXACT", is_layperson=False),
        TermSynonym("Axonopathy", "NARROW", is_layperson=True),
    ]
    assert not term.is_obsolete


def test_a_release_without_a_data_version_has_an_empty_one(tmp_path):
    assert (
        parse_obo(obo_with(tmp_path, "data-version: hp/releases/2099-01-01\n", "")).data_version
        == ""
    )


def test_tags_after_the_header_are_never_read_as_the_header(tmp_path):
    path = obo_with(tmp_path, "name: Clinical course\n", "name: Clinical course\ndata-version: x\n")
    assert parse_obo(path).data_version == "hp/releases/2099-01-01"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "id: HP:0000007\n",
            "id: XX:0000007\n",
            "expected an HPO id like HP:0000118, found 'XX:0000007'",
        ),
        ("id: HP:0000007\n", "id:\n", "expected an HPO id like HP:0000118, found ''"),
        ("id: HP:0000007\n", "id: HP:7\n", "expected an HPO id like HP:0000118, found 'HP:7'"),
        (
            "is_a: HP:0000005 ! Mode of inheritance\n\n[Term]\nid: HP:0000118",
            "is_a: HP:5 ! Mode of inheritance\n\n[Term]\nid: HP:0000118",
            "expected an HPO id like HP:0000118, found 'HP:5 ! Mode of inheritance'",
        ),
        (
            "alt_id: HP:0001002\n",
            "alt_id: 0001002\n",
            "expected an HPO id like HP:0000118, found '0001002'",
        ),
        (
            "replaced_by: HP:0000979\n",
            "replaced_by: Purpura\n",
            "expected an HPO id like HP:0000118, found 'Purpura'",
        ),
        (
            "consider: HP:0011121\n",
            "consider: HP:00111\n",
            "expected an HPO id like HP:0000118, found 'HP:00111'",
        ),
        (
            'def: "Peripheral neuropathy is',
            "def: Peripheral neuropathy is",
            "expected a quoted string, found 'Peripheral neuropathy is a general term for any disorder of '",
        ),
        (
            'synonym: "High blood sugar" EXACT',
            "synonym: High blood sugar EXACT",
            "expected a quoted string, found 'High blood sugar EXACT layperson []'",
        ),
        (
            '"High blood sugar" EXACT',
            '"High blood sugar" exact',
            "synonym scope must be one of EXACT, RELATED, BROAD, NARROW",
        ),
        (
            '"High blood sugar" EXACT layperson []',
            '"High blood sugar" [EXACT]',
            "synonym scope must be one of EXACT, RELATED, BROAD, NARROW",
        ),
        (
            "name: Hyperglycemia\n",
            "name Hyperglycemia\n",
            "expected 'tag: value', found 'name Hyperglycemia'",
        ),
    ],
)
def test_a_malformed_tag_is_named_with_its_line(tmp_path, old, new, message):
    text = OBO_TEXT.replace(old, new)
    where = line_of(text, new)
    assert obo_error(tmp_path, old, new) == f"hp.obo line {where}: {message}"


def test_a_long_malformed_line_is_quoted_only_in_part(tmp_path):
    long_name = "x" * 100
    message = obo_error(tmp_path, "name: Hyperglycemia\n", f"name{long_name}\n")
    assert message.endswith(f"found {'name' + 'x' * 56!r}")
    message = obo_error(tmp_path, "id: HP:0000007\n", f"id: HP:{long_name}\n")
    assert message.endswith(f"found {'HP:' + 'x' * 37!r}")


@pytest.mark.parametrize(
    ("old", "new", "stanza", "message"),
    [
        (
            "id: HP:0003074\nname: Hyperglycemia\n",
            "id: HP:0003074\n",
            "id: HP:0003074",
            "[Term] without an id or a name",
        ),
        ("id: HP:0003074\n", "", "name: Hyperglycemia", "[Term] without an id or a name"),
        (
            "id: HP:0003074\n",
            "id: HP:0000979\n",
            "id: HP:0000979\nname: Hyperglycemia",
            "HP:0000979 is defined twice",
        ),
        (
            "id: HP:0000990\n",
            "id: HP:0000979\n",
            "id: HP:0000979\nname: obsolete",
            "HP:0000979 is defined twice",
        ),
    ],
)
def test_a_broken_term_is_named_with_the_line_its_stanza_starts(
    tmp_path, old, new, stanza, message
):
    text = OBO_TEXT.replace(old, new)
    where = line_of(text, stanza) - 1  # the [Term] line above it
    assert obo_error(tmp_path, old, new) == f"hp.obo line {where}: {message}"


def test_the_last_term_of_the_file_is_checked_too(tmp_path):
    text = OBO_TEXT.split("[Typedef]")[0] + "[Term]\nid: HP:0003074\nname: Again\n"
    with pytest.raises(HpoFormatError) as error:
        parse_obo(write(tmp_path, "hp.obo", text))
    assert (
        str(error.value)
        == f"hp.obo line {line_of(text, 'id: HP:0003074\nname: Again') - 1}: HP:0003074 is defined twice"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "format-version: 1.2\ndata-version: x\n",
            "no [Term] stanzas; expected an OBO ontology such as hp.obo",
        ),
        (
            "format-version: 1.2\n\n[Typedef]\nid: part_of\nname: part of\n",
            "no [Term] stanzas; expected an OBO ontology such as hp.obo",
        ),
        (
            "format-version: 1.2\n\n[Term]\nid: HP:0000001\nname: All\n",
            "HP:0000118 (Phenotypic abnormality) is missing: not the HPO?",
        ),
        (
            "[Term]\nid: HP:0000118\nname: Phenotypic abnormality\n",
            "no 'format-version:' header; expected an OBO ontology such as hp.obo",
        ),
        (HPOA_TEXT, "no 'format-version:' header; expected an OBO ontology such as hp.obo"),
        (
            "format-version: 1.2\n\n[Term]\nid: HP:0000118\nname: Phenotypic abnormality\nis_a: HP:0000001 ! All\n",
            "HP:0000118 is_a HP:0000001, which is not defined: truncated file?",
        ),
    ],
)
def test_a_file_that_is_not_a_whole_hpo_is_refused(tmp_path, text, message):
    with pytest.raises(HpoFormatError) as error:
        parse_obo(write(tmp_path, "hp.obo", text))
    assert str(error.value) == f"{tmp_path / 'hp.obo'}: {message}"


def test_the_header_may_follow_blank_lines(tmp_path):
    assert (
        parse_obo(write(tmp_path, "hp.obo", "\n\n" + OBO_TEXT)).data_version
        == "hp/releases/2099-01-01"
    )


def test_each_phenotype_term_knows_the_top_level_branches_above_it():
    branches = parse_obo(OBO).phenotype_branches()
    assert branches["HP:0000979"] == {"HP:0000951"}  # purpura: integument
    assert branches["HP:0000951"] == {"HP:0000951"}  # a branch is its own
    assert branches["HP:0007328"] == {"HP:0000951", "HP:0000707"}  # two parents, two branches
    assert branches["HP:0003074"] == {"HP:0001939"}
    # Not below "Phenotypic abnormality" (nor it): no branch, left out. Obsolete terms too.
    for left_out in ("HP:0000118", "HP:0000001", "HP:0000007", "HP:0040282", "HP:0000990"):
        assert left_out not in branches
    assert len(branches) == 10


def test_a_cycle_in_the_ontology_ends_instead_of_looping():
    terms = {
        "HP:0000118": Term("HP:0000118", "Phenotypic abnormality"),
        "HP:0000001": Term("HP:0000001", "Branch", parents=["HP:0000118"]),
        "HP:0000002": Term("HP:0000002", "A", parents=["HP:0000003", "HP:0000001"]),
        "HP:0000003": Term("HP:0000003", "B", parents=["HP:0000002"]),
        "HP:0000004": Term("HP:0000004", "Loose", parents=["HP:0000005", "HP:0000004"]),
    }
    branches = Ontology("", terms).phenotype_branches()
    assert branches["HP:0000002"] == {"HP:0000001"}
    assert "HP:0000004" not in branches  # its parent is not defined, nor is it under the root


# Any file -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["hp.obo", "phenotype.hpoa"])
def test_unreadable_contents_are_named_with_what_was_expected(tmp_path, name):
    parse = parse_obo if name == "hp.obo" else parse_hpoa
    expected = (
        "an OBO ontology such as hp.obo"
        if name == "hp.obo"
        else "HPO disease annotations such as phenotype.hpoa"
    )
    path = tmp_path / name
    cases = [
        (b"", f"the file is empty; expected {expected}"),
        (b" \n\t\n", f"the file is empty; expected {expected}"),
        (b"format-version: 1.2\n\0\0\n", f"this is a binary file; expected {expected}"),
        (
            b"format-version: 1.2\nname: caf\xe9\n",
            f"not UTF-8 text (invalid continuation byte); expected {expected}",
        ),
    ]
    for content, message in cases:
        path.write_bytes(content)
        with pytest.raises(HpoFormatError) as error:
            parse(path)
        assert str(error.value) == f"{path}: {message}"


@pytest.mark.parametrize(("name", "text"), [("hp.obo", OBO_TEXT), ("phenotype.hpoa", HPOA_TEXT)])
def test_a_cut_off_download_is_named_with_its_last_line(tmp_path, name, text):
    cut = text[: text.index("\n", len(text) // 2) + 5]
    parse = parse_obo if name == "hp.obo" else parse_hpoa
    with pytest.raises(HpoFormatError) as error:
        parse(write(tmp_path, name, cut))
    line = cut.count("\n") + 1
    assert str(error.value) == (
        f"{name} line {line}: the file ends in the middle of a line: truncated download?"
    )


def test_a_folder_given_as_a_file_says_it_cannot_be_read(tmp_path):
    with pytest.raises(HpoFormatError) as error:
        parse_obo(tmp_path)
    assert str(error.value) == f"{tmp_path}: cannot read the file (Is a directory)"


# phenotype.hpoa -----------------------------------------------------------------------------


def test_annotation_rows_keep_their_fields_and_line_numbers():
    parsed = parse_hpoa(HPOA)
    assert parsed.version == "2099-01-02"
    assert len(parsed.rows) == 21
    first = parsed.rows[0]
    assert first._asdict() == {
        "line": 6,
        "database_id": "ORPHA:100",
        "disease_name": "Test syndrome A",
        "qualifier": "",
        "hpo_id": "HP:0000979",
        "reference": "PMID:1;PMID:2",
        "evidence": "TAS",
        "onset": "",
        "frequency": "HP:0040282",
        "sex": "",
        "aspect": "P",
        "biocuration": "HPO:probinson[2010-04-21];HPO:skoehler[2020-05-05]",
    }
    assert parsed.rows[-1].line == 26
    assert parsed.rows[3].qualifier == "NOT"


def test_columns_are_found_by_name_and_blank_or_comment_rows_skipped(tmp_path):
    columns = HEADER.split("\t")
    order = [0, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]  # database_id first: it marks the header
    reordered = "\t".join(columns[i] for i in order)
    row = "\t".join(ROW.split("\t")[i] for i in order)
    text = f"#version: 2099-03-03\n{reordered}\n\n#a remark\n{row}\n"
    parsed = parse_hpoa(write(tmp_path, "phenotype.hpoa", text))
    assert parsed.version == "2099-03-03"
    assert [(r.line, r.database_id, r.hpo_id, r.frequency) for r in parsed.rows] == [
        (5, "ORPHA:100", "HP:0000979", "HP:0040282")
    ]


def test_the_version_comes_from_the_version_line_else_the_date_line(tmp_path):
    body = f"{HEADER}\n{ROW}\n"
    cases = {
        "#version: 2099-01-02\n#date: 2000-01-01\n": "2099-01-02",
        "#date: 2000-01-01\n": "2000-01-01",
        "#Version :  2099-01-05 \n": "2099-01-05",
        "#description: no version\n": "",
        "": "",
    }
    for meta, version in cases.items():
        assert parse_hpoa(write(tmp_path, "phenotype.hpoa", meta + body)).version == version, meta


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            f"#version: 1\n{ROW}\n",
            "no column header row (database_id, disease_name, hpo_id, …); expected HPO disease annotations such as phenotype.hpoa",
        ),
        (
            f"#version: 1\nsomething else\n{HEADER}\n{ROW}\n",
            "no column header row (database_id, disease_name, hpo_id, …); expected HPO disease annotations such as phenotype.hpoa",
        ),
        (f"#version: 1\n{HEADER}\n", "no annotation rows after the header: truncated file?"),
        (
            f"#version: 1\n{HEADER}\n\n#only a remark\n",
            "no annotation rows after the header: truncated file?",
        ),
    ],
)
def test_an_annotation_file_without_rows_is_refused(tmp_path, text, message):
    assert hpoa_error(tmp_path, text) == f"{tmp_path / 'phenotype.hpoa'}: {message}"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("ORPHA:9\tBroken\t\tHP:0000979\tPMID:1", "expected 12 tab-separated columns, found 5"),
        (ROW + "\textra", "expected 12 tab-separated columns, found 13"),
        (
            ROW.replace("Test syndrome A\t", "Test syndrome A\tMAYBE"),
            "qualifier must be empty or NOT, found 'MAYBE'",
        ),
        (
            ROW.replace("Test syndrome A\t", "Test syndrome A\tnot"),
            "qualifier must be empty or NOT, found 'not'",
        ),
    ],
)
def test_a_malformed_annotation_row_is_named_with_its_line(tmp_path, row, message):
    text = f"#version: 1\n{HEADER}\n{ROW}\n\n{row}\n{ROW}\n"
    assert hpoa_error(tmp_path, text) == f"phenotype.hpoa line 5: {message}"


def test_missing_columns_are_named_at_the_header_line(tmp_path):
    columns = HEADER.split("\t")
    kept = [c for c in columns if c not in ("sex", "aspect")]
    text = "#version: 1\n#date: 2\n" + "\t".join(kept) + "\n" + ROW + "\n"
    assert hpoa_error(tmp_path, text) == "phenotype.hpoa line 3: missing columns: sex, aspect"
