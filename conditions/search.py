"""Find features by medical name, plain name or synonym, the way a visitor types them.

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
import heapq
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Q, QuerySet

from . import content_version
from .models import Condition, Feature, Synonym, normalise_search_text

PREFIX = 3  # words are bucketed by their first three letters
MIN_QUERY = 2  # one letter matches thousands of features and helps nobody
MAX_TOKENS = 6  # no feature name needs more words to be found
MAX_CORRECTIONS = 2
CLOSE = 0.75  # how alike a typo and the word it corrects to must be (difflib's ratio)
FULL_RATIOS = 8


@dataclass(frozen=True)
class FeatureMatch:
    feature: Feature
    matched_text: str  # the name or synonym that matched, to show why it was suggested


class _Entry(NamedTuple):
    feature_id: int
    feature_name: str
    text: str  # as written: shown when a synonym is why a feature was suggested
    norm: str
    words: tuple[str, ...]
    lay: bool


class SearchIndex:
    def __init__(self, version: str, entries: list[_Entry]):
        self.version = version
        # In the order results are shown when nothing else tells them apart, so a scan in index
        # order meets the best entries first and can stop as soon as it has enough.
        self.entries = sorted(entries, key=_tie_order)
        self.buckets: dict[str, list[int]] = {}  # each in index order
        words: set[str] = set()
        for i, entry in enumerate(self.entries):
            # Keyed by each word's first three letters, and by its first two for short queries.
            for key in {word[:n] for word in entry.words for n in (MIN_QUERY, PREFIX)}:
                self.buckets.setdefault(key, []).append(i)
            words.update(entry.words)
        self.words = sorted(words)  # is any word started by a token (bisect)
        # For typo correction: words by first letter and length.
        self.vocabulary: dict[tuple[str, int], list[str]] = {}
        for word in words:
            self.vocabulary.setdefault((word[0], len(word)), []).append(word)

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

    def candidates(self, tokens: list[str]) -> list[int]:
        """Entries holding a word that starts like each token of two letters or more, in index
        order (a one-letter word beside a longer one: the longer one narrows)."""
        buckets = sorted(
            (self.buckets.get(t[:PREFIX], []) for t in tokens if len(t) >= MIN_QUERY), key=len
        )
        if not buckets:
            return list(range(len(self.entries)))
        if len(buckets) == 1:
            return buckets[0]
        return sorted(set(buckets[0]).intersection(*buckets[1:]))

    def find(self, tokens: list[str], enough: int | None = None) -> list[_Entry]:
        """Entries in which every token starts some word, in index order; with `enough`, the
        first entries covering that many features after those starting with the whole phrase
        (the most any ranking of the rest can use)."""
        if not all(self.starts_a_word(t) for t in tokens):
            return []
        phrase = " ".join(tokens)
        pool = [self.entries[i] for i in self.candidates(tokens)]
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
                if starting or all(any(w.startswith(t) for w in entry.words) for t in tokens):
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
        nearby = [
            word
            for length in range(len(token) - 2, len(token) + 3)
            for word in self.vocabulary.get((token[0], length), [])
        ]
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
    norm = normalise_search_text(text)
    return _Entry(feature_id, feature_name, text, norm, tuple(norm.split()), lay)


_current = content_version.PerVersion(SearchIndex.build, shared="search")


def current_index() -> SearchIndex:
    return _current.get()


def search_features(query: str, limit: int = 10) -> list[FeatureMatch]:
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
    """Published conditions by name, each once, whose name contains the query or whose code
    (ORPHA, OMIM, ICD-10, DECIPHER) is the query; all of them for an empty query."""
    conditions = Condition.objects.published().order_by("name")
    if query:
        conditions = conditions.filter(Q(name__icontains=query) | Q(xrefs__code=query)).distinct()
    return conditions.only("name", "slug", "summary")
