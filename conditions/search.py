"""The one search box: features to tick (by medical name, plain name or synonym) and conditions
to read (by name, other names or code), found the way a visitor types them (`search`).

Case, accents, hyphens and word order do not matter ("septo optic" finds "Septo-optic dysplasia"),
every typed word may be the start of a word ("bruis" finds bruising, "enlarged liv" finds
"enlarged liver"), a mistyped word is corrected against the words the content actually uses
("purpra" finds purpura), and a phrase whose words are not all in one name finds the names
holding most of them.

Searching reads in-process word indexes (`word_index`) of every name and synonym, built once per
content version: tens of thousands of LIKE '%…%' comparisons per keystroke would not be fast
enough.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from . import content_version, index
from .models import Condition, CrossReference, Feature, Synonym, normalise_search_text
from .summaries import ConditionSummary
from .word_index import WordIndex, ranked

NONE = np.empty(0, dtype=np.int32)
MIN_QUERY = 2  # one letter matches thousands of features and helps nobody
MAX_TOKENS = 6  # no feature name needs more words to be found
MAX_CORRECTIONS = 2
# Words that say nothing about which name is meant: they still rank the name that reads as typed
# first ("tingling in the feet"), but a name does not count as holding a typed word for them.
LITTLE_WORDS = frozenset(
    {"a", "an", "and", "are", "as", "at", "by", "due", "for", "from", "in", "into", "is", "of"}
    | {"on", "or", "the", "to", "with", "without"}
)


@dataclass(frozen=True)
class FeatureMatch:
    feature: Feature
    matched_text: str  # the name or synonym that matched, to show why it was suggested


class _Entry(NamedTuple):
    feature_id: int
    feature_name: str
    text: str  # as written: shown when a synonym is why a feature was suggested
    norm: str  # words separated by single spaces
    lay: bool


class SearchIndex:
    """Every tickable feature's names and synonyms, built once per content version and shared
    between processes (see `snapshots`)."""

    def __init__(self, version: str, entries: list[_Entry]):
        self.version = version
        # In the order results are shown when nothing else tells them apart.
        self.entries = sorted(entries, key=_tie_order)
        self.words = WordIndex([entry.norm for entry in self.entries])
        self.owners = np.fromiter((e.feature_id for e in self.entries), dtype=np.int64)

    @classmethod
    def build(cls, version: str) -> SearchIndex:
        entries = []
        features, synonyms = _read()
        names = {}
        for pk, name, plain_name in features:
            names[pk] = name
            entries.append(_entry(pk, name, name, lay=False))
            if plain_name:
                entries.append(_entry(pk, name, plain_name, lay=True))
        for feature_id, text, lay in synonyms:
            entries.append(_entry(feature_id, names[feature_id], text, lay=lay))
        return cls(version, entries)


def _read() -> tuple[list[tuple], list[tuple]]:
    """All the search index reads: tickable features' names and their synonyms, in id order."""
    tickable = Feature.objects.tickable()
    features = tickable.order_by("pk").values_list("pk", "name", "plain_name")
    synonyms = (
        Synonym.objects.filter(feature__in=tickable)
        .order_by("pk")
        .values_list("feature_id", "text", "is_layperson")
    )
    return list(features.iterator(chunk_size=5000)), list(synonyms.iterator(chunk_size=5000))


def search_inputs() -> str:
    """A digest of what the search index reads: an edit that leaves it alone (a mention, a
    condition, a feature's parents) leaves the index alone (content_version.PerVersion)."""
    digest = hashlib.sha256()
    for rows in _read():
        digest.update(repr(rows).encode())
        digest.update(b"\0")
    return digest.hexdigest()


def _tie_order(entry: _Entry) -> tuple:
    # Everyday words before technical synonyms, then shorter, then by name.
    return (not entry.lay, len(entry.norm), entry.feature_name, entry.norm, entry.feature_id)


def query_tokens(query: str) -> list[str]:
    """The words to look for: each once, none that only starts another one ("a ab" is "ab"),
    at most MAX_TOKENS, so a long pasted query costs no more than a short one."""
    tokens = list(dict.fromkeys(normalise_search_text(query).split()))
    kept = [t for t in tokens if not any(o != t and o.startswith(t) for o in tokens)]
    return kept[:MAX_TOKENS]


def _entry(feature_id: int, feature_name: str, text: str, lay: bool) -> _Entry:
    return _Entry(feature_id, feature_name, text, normalise_search_text(text), lay)


_current = content_version.PerVersion(SearchIndex.build, shared="search", inputs=search_inputs)


def current_index() -> SearchIndex:
    return _current.get()


# "HP:0000979", "hp 0000979" or the bare seven digits.
HPO_ID_QUERY = re.compile(r"^\s*(?:hp\s*:?\s*)?(\d{7})\s*$", re.I)


# Conditions -----------------------------------------------------------------------------------

CODE_QUERY = re.compile(r"^\s*(orpha|orphanet|omim|decipher|icd-?10)\s*:?\s*([\w.]+)\s*$", re.I)
SCHEMES = {"orpha": "ORPHA", "orphanet": "ORPHA", "omim": "OMIM", "decipher": "DECIPHER"}


@dataclass(frozen=True)
class ConditionMatch:
    condition: ConditionSummary
    matched_text: str  # the name, another name or the code that matched
    codes: str  # its codes, e.g. "ORPHA:2905"


class ConditionIndex:
    """Published conditions' names, other names and codes, in the human name order of the match
    index, built once per content version (a few thousand names)."""

    def __init__(self, version: str, previous: ConditionIndex | None = None):
        """`previous`: the one this process made for an earlier version, whose word index is
        kept if the names are the same (an edit of mentions or summaries: no need to make it
        again in every process)."""
        self.version = version
        match_index = index.current_index()
        names: dict[int, list[str]] = {pk: [c.name] for pk, c in match_index.conditions.items()}
        for pk, aliases in (
            Condition.objects.published().exclude(aliases="").values_list("pk", "aliases")
        ):
            if pk in names:
                names[pk] += [line.strip() for line in aliases.splitlines() if line.strip()]
        self.codes: dict[str, list[int]] = {}  # "ORPHA:2905" and "2905" -> conditions
        labels: dict[int, list[str]] = {}
        for pk, scheme, code in CrossReference.objects.filter(
            condition__in=match_index.conditions.keys()
        ).values_list("condition_id", "scheme", "code"):
            label = f"{scheme}:{code}" if scheme != "ICD10" else code
            labels.setdefault(pk, []).append(label)
            self.codes.setdefault(label.upper(), []).append(pk)
            self.codes.setdefault(code.upper(), []).append(pk)
        self.conditions = match_index.conditions  # in human name order
        self.labels = {pk: ", ".join(sorted(found)) for pk, found in labels.items()}
        self.entries = [(pk, text) for pk in self.conditions for text in names[pk]]
        if previous is not None and previous.entries == self.entries:
            self.words, self.owners = previous.words, previous.owners
        else:
            self.words = WordIndex([normalise_search_text(text) for _, text in self.entries])
            self.owners = np.fromiter((pk for pk, _ in self.entries), dtype=np.int64)

    def match(self, pk: int, text: str) -> ConditionMatch:
        return ConditionMatch(self.conditions[pk], text, self.labels.get(pk, ""))

    def by_code(self, query: str) -> list[ConditionMatch]:
        """ORPHA:2905, OMIM:…, DECIPHER:…, an ICD-10 code (D47.2); a bare number only where it is
        one condition's code."""
        if found := CODE_QUERY.match(query):
            scheme = SCHEMES.get(found[1].lower(), "ICD10")
            code = found[2].upper()
            key = f"{scheme}:{code}" if scheme != "ICD10" else code
            return [self.match(pk, key) for pk in dict.fromkeys(self.codes.get(key, []))]
        bare = query.strip().upper()
        pks = list(dict.fromkeys(self.codes.get(bare, [])))
        if bare.isdigit():  # a number may be codes in several schemes: only where it is one's
            pks = pks if len(pks) == 1 else []
        return [self.match(pk, bare) for pk in pks]


def _condition_index(version: str) -> ConditionIndex:
    return ConditionIndex(version, _conditions.held())


_conditions = content_version.PerVersion(_condition_index)


# The search box -------------------------------------------------------------------------------


class FeatureMatches(Sequence):
    """Every feature found, best first; a slice fetches just its own features (Paginator-ready)."""

    def __init__(self, found: SearchIndex | None = None, positions=NONE, pks: Sequence[int] = ()):
        self.found, self.positions, self.pks = found, positions, list(pks)

    def __len__(self) -> int:
        return len(self.pks) or len(self.positions)

    def count(self) -> int:  # Paginator asks for count() before len()
        return len(self)

    def __getitem__(self, at):
        if not isinstance(at, slice):
            return self[at : at + 1][0]
        if self.pks:  # an HPO id: the feature itself
            pairs = [(pk, None) for pk in self.pks[at]]
        else:
            pairs = [
                (self.found.entries[p].feature_id, self.found.entries[p].text)
                for p in self.positions[at].tolist()
            ]
        features = Feature.objects.only("name", "slug", "plain_name", "hpo_id").in_bulk(
            [pk for pk, _ in pairs]
        )
        return [
            FeatureMatch(features[pk], text or features[pk].name)
            for pk, text in pairs
            if pk in features
        ]


class ConditionMatches(Sequence):
    """Every condition found, best first (from the in-memory index: no query)."""

    def __init__(self, found: ConditionIndex | None = None, positions=NONE, by_code=()):
        self.found, self.positions, self.by_code = found, positions, list(by_code)

    def __len__(self) -> int:
        return len(self.by_code) or len(self.positions)

    def count(self) -> int:
        return len(self)

    def __getitem__(self, at):
        if not isinstance(at, slice):
            return self[at : at + 1][0]
        if self.by_code:
            return self.by_code[at]
        return [self.found.match(*self.found.entries[p]) for p in self.positions[at].tolist()]


@dataclass(frozen=True)
class Found:
    features: FeatureMatches
    conditions: ConditionMatches


NOTHING = Found(FeatureMatches(), ConditionMatches())


def search(query: str, features: bool = True, conditions: bool = True) -> Found:
    """The one search: features to tick and conditions to read, each best first.

    An HPO id finds its feature, a code (ORPHA:2905, a bare number that is one condition's
    code) its conditions. Otherwise every typed word may start a word of a name, other name or
    synonym, case, accents and hyphens aside; a word no name uses is corrected to the closest
    one any name uses (so "POEMS", a condition's word, is never taken for "pores"). When some
    name holds every word, only such names are offered; otherwise those holding at least half of
    them and at least two, most first, then those holding the more telling words (that fewer
    names use). Names that read as typed come first; then features some published condition
    mentions; then names holding typed words whole ("fracture", not "fractured"); then names
    starting as typed; then everyday words before technical synonyms, shorter, by name (features) or the human name
    order (conditions). Searched together, both groups keep to the better of the two: a
    condition holding every word drops features holding only some, and the other way round.
    """
    if features and (found := HPO_ID_QUERY.match(query)):
        pk = index.current_index().tickable.get(f"HP:{found[1]}")
        return Found(FeatureMatches(pks=[pk] if pk else []), ConditionMatches())
    condition_index = _conditions.get()
    if by_code := (condition_index.by_code(query) if conditions else []):
        return Found(FeatureMatches(), ConditionMatches(by_code=by_code))
    tokens = query_tokens(query)
    if not tokens or max(len(t) for t in tokens) < MIN_QUERY:
        return NOTHING
    feature_index = current_index()
    indexes = [feature_index, condition_index]
    corrections = _corrections(tokens, [found.words for found in indexes])
    tokens = [corrections.get(t, t) for t in tokens]
    counted = [t for t in tokens if t not in LITTLE_WORDS] or tokens
    # The phrase as typed, every word kept ("vitamin d deficiency"), typos corrected.
    words = normalise_search_text(query).split()[: MAX_TOKENS * 2]
    phrase = " ".join(corrections.get(word, word) for word in words)
    # A word few names use tells more than one many use: "amyloidosis" more than "skin".
    rarity = [1 / max(1, sum(found.words.uses(t) for found in indexes)) for t in counted]
    groups = [
        (found, found.words.held(counted, rarity) if wanted else None)
        for found, wanted in [(feature_index, features), (condition_index, conditions)]
    ]
    best = max(held.most() for _, held in groups if held is not None)
    # Every word held by some name: only such names. Else at least half of them and two (one
    # word of several is how fuzzy, unrelated names crept in).
    at_least = best if best == len(counted) else max(2, math.ceil(len(counted) / 2))
    # A feature no published condition mentions finds nothing when ticked: offer it after those
    # some condition does ("fracture": Pathologic fracture before Fractured ilium).
    mentioned = index.current_index().ranker.postings.keys
    answers = [
        ranked(found.words, found.owners, held, phrase, at_least, leading)
        if held is not None
        else NONE
        for (found, held), leading in zip(groups, [mentioned, None], strict=True)
    ]
    return Found(
        FeatureMatches(feature_index, answers[0]), ConditionMatches(condition_index, answers[1])
    )


def words_to_try_alone(query: str) -> list[str]:
    """The telling words of a query of several, to offer one at a time when together they found
    nothing (no name holds enough of them)."""
    words = [t for t in query_tokens(query) if t not in LITTLE_WORDS and len(t) >= MIN_QUERY]
    return words if len(words) > 1 else []


def _corrections(tokens: list[str], vocabularies: list[WordIndex]) -> dict[str, str]:
    """Each token that starts no name's word, and the closest word any name uses (a few per
    query: each compares against thousands of words)."""
    unknown = [
        t for t in tokens if len(t) >= 4 and not any(w.starts_a_word(t) for w in vocabularies)
    ]
    corrections = {}
    for token in unknown[:MAX_CORRECTIONS]:
        if close := [c for words in vocabularies if (c := words.correction(token))]:
            corrections[token] = max(close)[1]
    return corrections


def search_features(query: str, limit: int = 10) -> list[FeatureMatch]:
    """Features alone (the API, the admin's lookups): the search box's rule for its first group."""
    return search(query, conditions=False).features[:limit]


def find_conditions(query: str, limit: int | None = 10) -> list[ConditionMatch]:
    """Conditions alone (the comparison picker, the admin): the search box's rule for its second
    group."""
    return search(query, features=False).conditions[:limit]


A_TO_Z = [*"ABCDEFGHIJKLMNOPQRSTUVWXYZ", "#"]  # "#": names that start with a digit or a sign


def initial(name: str) -> str:
    first = normalise_search_text(name)[:1].upper()
    return first if first.isalpha() else "#"


def list_conditions(query: str = "", letter: str = "") -> list[ConditionSummary]:
    """The conditions list: every condition the search box's rule finds for `query` (names,
    other names, codes; best first), or those whose name starts with `letter`, in the human name
    order used everywhere."""
    if query:
        return [match.condition for match in find_conditions(query, limit=None)]
    conditions = index.current_index().conditions.values()  # in human name order
    if letter in A_TO_Z:
        return [c for c in conditions if initial(c.name) == letter]
    return list(conditions)
