"""Find features by medical name, plain name or synonym, the way a visitor types them (and
conditions by name, other names or code: `find_conditions`).

Case, accents, hyphens and word order do not matter ("septo optic" finds "Septo-optic dysplasia"),
every typed word may be the start of a word ("bruis" finds bruising, "enlarged liv" finds
"enlarged liver"), and a mistyped word is corrected against the words the content actually uses
("purpra" finds purpura).

Searching scans an in-process index of every name and synonym, built once per content version:
tens of thousands of LIKE '%…%' comparisons per keystroke would not be fast enough.
"""

from __future__ import annotations

import bisect
import difflib
import functools
import heapq
import re
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from django.db.models import Q, QuerySet

from . import content_version, index
from .models import Condition, CrossReference, Feature, Synonym, normalise_search_text
from .summaries import ConditionSummary

PREFIX = 3  # words are bucketed by their first three letters
MIN_QUERY = 2  # one letter matches thousands of features and helps nobody
MAX_TOKENS = 6  # no feature name needs more words to be found
MAX_CORRECTIONS = 2
CLOSE = 0.75  # how alike a typo and the word it corrects to must be (difflib's ratio)
FULL_RATIOS = 8
NONE = np.empty(0, dtype=np.int32)


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
    def __init__(self, version: str, entries: list[_Entry]):
        self.version = version
        # In the order results are shown when nothing else tells them apart, so a scan in index
        # order meets the best entries first and can stop as soon as it has enough.
        self.entries = sorted(entries, key=_tie_order)
        buckets: dict[str, list[int]] = {}
        words: set[str] = set()
        for i, entry in enumerate(self.entries):
            entry_words = entry.norm.split()
            # Keyed by each word's first three letters, and by its first two for short queries.
            for key in {word[:n] for word in entry_words for n in (MIN_QUERY, PREFIX)}:
                buckets.setdefault(key, []).append(i)
            words.update(entry_words)
        # Arrays, in index order: a list of Python ints would weigh several times more in every
        # worker, while arrays are read from the memory-mapped snapshot the workers share.
        self.buckets = {key: np.array(at, dtype=np.int32) for key, at in buckets.items()}
        self.words = sorted(words)  # is any word started by a token; typo candidates (bisect)

    @classmethod
    def build(cls, version: str) -> SearchIndex:
        entries = []
        features = Feature.objects.tickable().values_list("pk", "name", "plain_name")
        names = {}
        for pk, name, plain_name in features.iterator(chunk_size=5000):
            names[pk] = name
            entries.append(_entry(pk, name, name, lay=False))
            if plain_name:
                entries.append(_entry(pk, name, plain_name, lay=True))
        synonyms = Synonym.objects.filter(feature_id__in=names.keys()).values_list(
            "feature_id", "text", "is_layperson"
        )
        for feature_id, text, lay in synonyms.iterator(chunk_size=5000):
            entries.append(_entry(feature_id, names[feature_id], text, lay=lay))
        return cls(version, entries)

    def candidates(self, tokens: list[str]) -> np.ndarray:
        """Entries holding a word that starts like each token of two letters or more, in index
        order (a one-letter word beside a longer one: the longer one narrows)."""
        buckets = sorted(
            (self.buckets.get(t[:PREFIX], NONE) for t in tokens if len(t) >= MIN_QUERY), key=len
        )
        if not buckets:
            return np.arange(len(self.entries))
        return functools.reduce(functools.partial(np.intersect1d, assume_unique=True), buckets)

    def find(self, tokens: list[str], enough: int | None = None) -> list[_Entry]:
        """Entries in which every token starts some word, in index order; with `enough`, the
        first entries covering that many features after those starting with the whole phrase
        (the most any ranking of the rest can use)."""
        if not all(self.starts_a_word(t) for t in tokens):
            return []
        phrase = " ".join(tokens)
        pool = [self.entries[i] for i in self.candidates(tokens).tolist()]
        # The exact phrase ranks first, then whatever starts with it (matching every token by
        # construction), then the rest: each group scanned in index order, so it can stop early.
        hits = [entry for entry in pool if entry.norm == phrase]
        features = {entry.feature_id for entry in hits}
        for starting in (True, False):
            for entry in pool:
                if enough is not None and len(features) >= enough:
                    return hits
                if entry.norm == phrase or entry.norm.startswith(phrase) != starting:
                    continue
                if starting or all(_starts_a_word_of(entry.norm, t) for t in tokens):
                    hits.append(entry)
                    features.add(entry.feature_id)
        return hits

    def starts_a_word(self, token: str) -> bool:
        i = bisect.bisect_left(self.words, token)
        return i < len(self.words) and self.words[i].startswith(token)

    def correct(self, token: str) -> str | None:
        """The closest word the content uses, if one is close; None if the token is fine or hopeless."""
        if len(token) < 4 or self.starts_a_word(token):
            return None
        first = bisect.bisect_left(self.words, token[0])
        end = bisect.bisect_left(self.words, chr(ord(token[0]) + 1))
        lengths = range(len(token) - 2, len(token) + 3)
        nearby = [word for word in self.words[first:end] if len(word) in lengths]
        # difflib.get_close_matches, but the costly full ratio only for the few words the cheap
        # bound ranks highest: a long word has hundreds of neighbours.
        matcher = difflib.SequenceMatcher()
        matcher.set_seq2(token)
        bounded = []
        for word in nearby:
            matcher.set_seq1(word)
            if matcher.real_quick_ratio() >= CLOSE and (bound := matcher.quick_ratio()) >= CLOSE:
                bounded.append((bound, word))
        best = None
        for _, word in heapq.nlargest(FULL_RATIOS, bounded):
            matcher.set_seq1(word)
            ratio = matcher.ratio()
            if ratio >= CLOSE and (best is None or ratio > best[0]):
                best = (ratio, word)
        return best[1] if best else None


def _starts_a_word_of(norm: str, token: str) -> bool:
    return norm.startswith(token) or f" {token}" in norm


def _tie_order(entry: _Entry) -> tuple:
    # Everyday words before technical synonyms, then shorter, then by name (see `_best`).
    return (not entry.lay, len(entry.norm), entry.feature_name, entry.norm, entry.feature_id)


def query_tokens(query: str) -> list[str]:
    """The words to look for: each once, none that only starts another one ("a ab" is "ab"),
    at most MAX_TOKENS, so a long pasted query costs no more than a short one."""
    tokens = list(dict.fromkeys(normalise_search_text(query).split()))
    kept = [t for t in tokens if not any(o != t and o.startswith(t) for o in tokens)]
    return kept[:MAX_TOKENS]


def _entry(feature_id: int, feature_name: str, text: str, lay: bool) -> _Entry:
    return _Entry(feature_id, feature_name, text, normalise_search_text(text), lay)


_current = content_version.PerVersion(SearchIndex.build, shared="search")


def current_index() -> SearchIndex:
    return _current.get()


# "HP:0000979", "hp 0000979" or the bare seven digits.
HPO_ID_QUERY = re.compile(r"^\s*(?:hp\s*:?\s*)?(\d{7})\s*$", re.I)


def search_features(query: str, limit: int = 10) -> list[FeatureMatch]:
    if found := HPO_ID_QUERY.match(query):
        return _by_hpo_id(f"HP:{found[1]}")
    tokens = query_tokens(query)
    if not tokens or max(len(t) for t in tokens) < MIN_QUERY:
        return []
    index = current_index()
    entries = index.find(tokens, enough=limit)
    if not entries:
        # Each correction compares against thousands of words: a few per query are plenty.
        corrected = [
            (index.correct(t) if i < MAX_CORRECTIONS else None) or t for i, t in enumerate(tokens)
        ]
        if corrected != tokens:
            tokens, entries = corrected, index.find(corrected, enough=limit)
    return _best(entries, tokens, limit)


def _by_hpo_id(hpo_id: str) -> list[FeatureMatch]:
    """The tickable feature with this HPO id (an alternative or obsolete id leads to it too)."""
    pk = index.current_index().tickable.get(hpo_id)
    if pk is None:
        return []
    feature = Feature.objects.only("name", "slug", "plain_name", "hpo_id").get(pk=pk)
    return [FeatureMatch(feature, feature.name)]


def _best(entries: list[_Entry], tokens: list[str], limit: int) -> list[FeatureMatch]:
    phrase = " ".join(tokens)

    def rank(entry: _Entry) -> tuple:
        return (
            entry.norm != phrase,  # exact first
            not entry.norm.startswith(phrase),  # then what starts with what was typed
            not entry.lay,  # everyday words before technical synonyms
            len(entry.norm),
            entry.feature_name,
        )

    best: dict[int, tuple[tuple, _Entry]] = {}
    for entry in entries:
        key = rank(entry)
        if entry.feature_id not in best or key < best[entry.feature_id][0]:
            best[entry.feature_id] = (key, entry)
    chosen = [entry for _, entry in sorted(best.values())[:limit]]
    features = Feature.objects.only("name", "slug", "plain_name", "hpo_id").in_bulk(
        [entry.feature_id for entry in chosen]
    )
    return [
        FeatureMatch(features[e.feature_id], e.text) for e in chosen if e.feature_id in features
    ]


def search_conditions(query: str) -> QuerySet[Condition]:
    """Published conditions by name, each once, whose name or another name contains the query or
    whose code (ORPHA, OMIM, ICD-10, DECIPHER) is the query; all of them for an empty query."""
    conditions = Condition.objects.published().order_by("name")
    if query:
        code = Q(xrefs__code=query)
        if found := CODE_QUERY.match(query):  # "ORPHA:2905", "omim 100100"
            code |= Q(xrefs__scheme=SCHEMES.get(found[1].lower(), "ICD10"), xrefs__code=found[2])
        conditions = conditions.filter(
            Q(name__icontains=query) | Q(aliases__icontains=query) | code
        ).distinct()
    return conditions.only("name", "slug", "summary")


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
    index, built once per content version (a few thousand: scanned in well under a millisecond
    per word)."""

    def __init__(self, version: str):
        self.version = version
        match_index = index.current_index()
        names: dict[int, list[str]] = {pk: [c.name] for pk, c in match_index.conditions.items()}
        for pk, aliases in (
            Condition.objects.published().exclude(aliases="").values_list("pk", "aliases")
        ):
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
        self.entries = [
            (pk, text, normalise_search_text(text)) for pk in self.conditions for text in names[pk]
        ]
        self.buckets: dict[str, list[int]] = {}  # a word's first letters -> entries
        for i, (_, _, norm) in enumerate(self.entries):
            for key in {word[:n] for word in norm.split() for n in (MIN_QUERY, PREFIX)}:
                self.buckets.setdefault(key, []).append(i)

    def match(self, pk: int, text: str) -> ConditionMatch:
        return ConditionMatch(self.conditions[pk], text, self.labels.get(pk, ""))

    def by_code(self, query: str) -> list[ConditionMatch]:
        """ORPHA:2905, OMIM:…, DECIPHER:…; a bare number only where it is one condition's code."""
        if found := CODE_QUERY.match(query):
            scheme = SCHEMES.get(found[1].lower(), "ICD10")
            code = found[2].upper()
            key = f"{scheme}:{code}" if scheme != "ICD10" else code
            return [self.match(pk, key) for pk in dict.fromkeys(self.codes.get(key, []))]
        bare = query.strip().upper()
        pks = list(dict.fromkeys(self.codes.get(bare, []))) if bare.isdigit() else []
        return [self.match(pks[0], bare)] if len(pks) == 1 else []

    def by_words(self, tokens: list[str], limit: int) -> list[ConditionMatch]:
        """Names holding most of the words typed (each word may start a word of the name): all
        of them first, exact and starting matches before others, then name order."""
        phrase = " ".join(tokens)
        best: dict[int, tuple[tuple, str]] = {}
        pool = sorted({i for t in tokens for i in self.buckets.get(t[:PREFIX], ())})
        for position in pool:
            pk, text, norm = self.entries[position]
            held = sum(_starts_a_word_of(norm, t) for t in tokens)
            if not held:
                continue
            key = (-held, norm != phrase, not norm.startswith(phrase), position)
            if pk not in best or key < best[pk][0]:
                best[pk] = (key, text)
        ranked = sorted(best.items(), key=lambda item: item[1][0])
        if ranked and -ranked[0][1][0][0] == len(tokens):  # some hold every word: only those
            ranked = [item for item in ranked if -item[1][0][0] == len(tokens)]
        return [self.match(pk, text) for pk, (_, text) in ranked[:limit]]


_conditions = content_version.PerVersion(ConditionIndex)


def find_conditions(query: str, limit: int = 10) -> list[ConditionMatch]:
    """Conditions for the search box: by code (ORPHA:2905, OMIM:…, DECIPHER:…, a bare number
    that is one condition's code), else by name and other names, most of the words first."""
    found = _conditions.get()
    if by_code := found.by_code(query):
        return by_code[:limit]
    tokens = query_tokens(query)
    if not tokens or max(len(t) for t in tokens) < MIN_QUERY:
        return []
    return found.by_words(tokens, limit)


A_TO_Z = [*"ABCDEFGHIJKLMNOPQRSTUVWXYZ", "#"]  # "#": names that start with a digit or a sign


def initial(name: str) -> str:
    first = normalise_search_text(name)[:1].upper()
    return first if first.isalpha() else "#"


_folded = functools.lru_cache(maxsize=20_000)(normalise_search_text)


def list_conditions(query: str = "", letter: str = "") -> list[ConditionSummary]:
    """The conditions list: those `search_conditions` finds (names, other names, codes), or
    those whose name starts with `letter`, in the human name order used everywhere."""
    conditions = index.current_index().conditions.values()  # in human name order
    if query:
        found = set(search_conditions(query).values_list("pk", flat=True))
        # The database's "contains" keeps accents: "waldenstrom" must find Waldenström too.
        wanted = normalise_search_text(query)
        return [c for c in conditions if c.pk in found or (wanted and wanted in _folded(c.name))]
    if letter in A_TO_Z:
        return [c for c in conditions if initial(c.name) == letter]
    return list(conditions)
