"""Read the Human Phenotype Ontology's files (hp.obo, phenotype.hpoa) into plain dataclasses.

No database here: parsing is pure, so a file that cannot be read fails before anything is written.
Errors name the file, the line and what was expected. Real files contain oddities (counts above
the total, obsolete terms, duplicated lines); those are facts for the importer to decide on, not
parse errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

PHENOTYPIC_ABNORMALITY = "HP:0000118"
SYNONYM_SCOPES = ("EXACT", "RELATED", "BROAD", "NARROW")
HPOA_COLUMNS = (
    "database_id",
    "disease_name",
    "qualifier",
    "hpo_id",
    "reference",
    "evidence",
    "onset",
    "frequency",
    "sex",
    "aspect",
    "biocuration",
)

_HPO_ID = re.compile(r"HP:\d{7}")
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"\s*(.*)')
_ESCAPE = re.compile(r"\\(.)")
_COUNT = re.compile(r"(\d+)/(\d+)")
_PERCENT = re.compile(r"(\d{1,3}(?:\.\d{1,2})?)%")


class HpoFormatError(ValueError):
    """A file that is not what it should be (wrong kind, truncated, malformed line)."""

    def __init__(self, path: Path, message: str, line: int | None = None):
        where = f"{path.name} line {line}" if line else str(path)
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True, slots=True)
class TermSynonym:
    text: str
    scope: str  # EXACT, RELATED, BROAD or NARROW
    is_layperson: bool


@dataclass(slots=True)
class Term:
    id: str
    name: str = ""
    definition: str = ""
    synonyms: list[TermSynonym] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)
    alt_ids: list[str] = field(default_factory=list)
    is_obsolete: bool = False
    replaced_by: list[str] = field(default_factory=list)
    consider: list[str] = field(default_factory=list)


@dataclass
class Ontology:
    data_version: str  # e.g. "hp/releases/2025-01-16"
    terms: dict[str, Term]  # by id, in file order

    def current_terms(self) -> list[Term]:
        return [term for term in self.terms.values() if not term.is_obsolete]

    def phenotype_branches(self) -> dict[str, frozenset[str]]:
        """Each current term under HP:0000118 → the top-level branches (children of it) above it.

        Terms outside "Phenotypic abnormality" (inheritance, onset, frequency…) are left out.
        """
        top = {t.id for t in self.current_terms() if PHENOTYPIC_ABNORMALITY in t.parents}
        memo: dict[str, frozenset[str]] = {}

        def branches(term_id: str) -> frozenset[str]:
            if term_id not in memo:
                memo[term_id] = frozenset()  # a cycle (a data error) ends here instead of looping
                if term_id in top:
                    memo[term_id] = frozenset([term_id])
                else:
                    term = self.terms.get(term_id)
                    parents = term.parents if term else []
                    memo[term_id] = frozenset().union(*(branches(p) for p in parents))
            return memo[term_id]

        found = {term.id: branches(term.id) for term in self.current_terms()}
        return {term_id: branch_ids for term_id, branch_ids in found.items() if branch_ids}


class Annotation(NamedTuple):
    """One row of phenotype.hpoa, fields as written (a tuple: 270k of them are made quickly)."""

    line: int
    database_id: str
    disease_name: str
    qualifier: str
    hpo_id: str
    reference: str
    evidence: str
    onset: str
    frequency: str
    sex: str
    aspect: str
    biocuration: str


@dataclass
class Annotations:
    version: str  # from "#version:" (or the older "#date:") header
    rows: list[Annotation]


@dataclass(frozen=True, slots=True)
class Frequency:
    """A frequency as recorded: an HPO frequency term, a count n/m, or a percentage."""

    term: str = ""
    numerator: int | None = None
    denominator: int | None = None
    percent: Decimal | None = None


def parse_frequency(text: str) -> Frequency | None:
    """None when empty (not recorded); ValueError when it is none of the three forms."""
    text = text.strip()
    if not text:
        return None
    if _HPO_ID.fullmatch(text):
        return Frequency(term=text)
    if match := _COUNT.fullmatch(text):
        return Frequency(numerator=int(match[1]), denominator=int(match[2]))
    if match := _PERCENT.fullmatch(text):
        return Frequency(percent=Decimal(match[1]))
    raise ValueError(f"unreadable frequency {text!r}")


def _read_text(path: Path, expected: str) -> str:
    """The whole file as text, refusing empty, binary and cut-off files."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise HpoFormatError(path, f"cannot read the file ({error.strerror})") from error
    if not data.strip():
        raise HpoFormatError(path, f"the file is empty; expected {expected}")
    if b"\0" in data[:4096]:
        raise HpoFormatError(path, f"this is a binary file; expected {expected}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise HpoFormatError(
            path, f"not UTF-8 text ({error.reason}); expected {expected}"
        ) from error
    if not text.endswith("\n"):
        # Both files end with a newline; a partial download stops mid-line.
        raise HpoFormatError(
            path, "the file ends in the middle of a line: truncated download?", text.count("\n") + 1
        )
    return text


def _quoted(value: str, path: Path, line: int) -> tuple[str, str]:
    """The text of a leading OBO quoted string (escapes undone) and what follows it."""
    match = _QUOTED.match(value)
    if not match:
        raise HpoFormatError(path, f"expected a quoted string, found {value[:60]!r}", line)
    return _ESCAPE.sub(r"\1", match[1]), match[2]


def _term_id(value: str, path: Path, line: int) -> str:
    """The id at the start of an id-valued tag ("HP:0000001 ! All" → "HP:0000001")."""
    term_id = value.split(maxsplit=1)[0] if value.strip() else ""
    if not _HPO_ID.fullmatch(term_id):
        raise HpoFormatError(
            path, f"expected an HPO id like HP:0000118, found {value[:40]!r}", line
        )
    return term_id


def parse_obo(path: Path) -> Ontology:
    expected = "an OBO ontology such as hp.obo"
    text = _read_text(path, expected)
    if not text.lstrip().startswith("format-version:"):
        raise HpoFormatError(path, f"no 'format-version:' header; expected {expected}")
    data_version = ""
    terms: dict[str, Term] = {}
    term: Term | None = None
    in_header, stanza_line = True, 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("!"):
            continue
        if line.startswith("["):
            in_header = False
            if term is not None:
                _finish(term, terms, path, stanza_line)
            term = Term(id="") if line == "[Term]" else None  # [Typedef] stanzas are not terms
            stanza_line = number
            continue
        tag, sep, value = line.partition(":")
        if not sep:
            raise HpoFormatError(path, f"expected 'tag: value', found {line[:60]!r}", number)
        value = value.strip()
        if in_header:
            if tag == "data-version":
                data_version = value
            continue
        if term is None:
            continue
        match tag:
            case "id":
                term.id = _term_id(value, path, number)
            case "name":
                term.name = value
            case "def":
                term.definition = _quoted(value, path, number)[0].strip()
            case "synonym":
                synonym_text, rest = _quoted(value, path, number)
                words = rest.split("[", 1)[0].split()
                if not words or words[0] not in SYNONYM_SCOPES:
                    raise HpoFormatError(
                        path, f"synonym scope must be one of {', '.join(SYNONYM_SCOPES)}", number
                    )
                term.synonyms.append(
                    TermSynonym(synonym_text.strip(), words[0], "layperson" in words[1:])
                )
            case "is_a":
                term.parents.append(_term_id(value, path, number))
            case "alt_id":
                term.alt_ids.append(_term_id(value, path, number))
            case "is_obsolete":
                term.is_obsolete = value == "true"
            case "replaced_by":
                term.replaced_by.append(_term_id(value, path, number))
            case "consider":
                term.consider.append(_term_id(value, path, number))
    if term is not None:
        _finish(term, terms, path, stanza_line)
    if not terms:
        raise HpoFormatError(path, f"no [Term] stanzas; expected {expected}")
    if PHENOTYPIC_ABNORMALITY not in terms:
        raise HpoFormatError(
            path, f"{PHENOTYPIC_ABNORMALITY} (Phenotypic abnormality) is missing: not the HPO?"
        )
    for item in terms.values():
        for parent in item.parents:
            if parent not in terms:
                raise HpoFormatError(
                    path, f"{item.id} is_a {parent}, which is not defined: truncated file?"
                )
    return Ontology(data_version, terms)


def _finish(term: Term, terms: dict[str, Term], path: Path, line: int) -> None:
    if not term.id or not term.name:
        raise HpoFormatError(path, "[Term] without an id or a name", line)
    if term.id in terms:
        raise HpoFormatError(path, f"{term.id} is defined twice", line)
    terms[term.id] = term


def _column_key(name: str) -> str:
    # Older releases wrote "#DatabaseID\tDiseaseName\t…"; newer ones "database_id\tdisease_name\t…".
    return name.strip().lstrip("#").strip().replace("_", "").lower()


def parse_hpoa(path: Path) -> Annotations:
    expected = "HPO disease annotations such as phenotype.hpoa"
    text = _read_text(path, expected)
    lines = text.splitlines()
    meta: dict[str, str] = {}
    header_at = None
    for index, line in enumerate(lines):
        if _column_key(line.split("\t", 1)[0]) == "databaseid":
            header_at = index
            break
        if not line.startswith("#"):
            break
        key, _, value = line[1:].partition(":")
        meta[key.strip().lower()] = value.strip()
    if header_at is None:
        raise HpoFormatError(
            path,
            f"no column header row (database_id, disease_name, hpo_id, …); expected {expected}",
        )
    header = [_column_key(name) for name in lines[header_at].split("\t")]
    missing = [c for c in HPOA_COLUMNS if _column_key(c) not in header]
    if missing:
        raise HpoFormatError(path, f"missing columns: {', '.join(missing)}", header_at + 1)
    pick = itemgetter(*(header.index(_column_key(c)) for c in HPOA_COLUMNS))
    width = len(header)
    rows: list[Annotation] = []
    for number, line in enumerate(lines[header_at + 1 :], start=header_at + 2):
        if not line or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != width:
            raise HpoFormatError(
                path, f"expected {width} tab-separated columns, found {len(cells)}", number
            )
        row = Annotation(number, *pick(cells))
        if row.qualifier not in ("", "NOT"):
            raise HpoFormatError(
                path, f"qualifier must be empty or NOT, found {row.qualifier!r}", number
            )
        rows.append(row)
    if not rows:
        raise HpoFormatError(path, "no annotation rows after the header: truncated file?")
    version = meta.get("version") or meta.get("date", "")
    return Annotations(version, rows)
