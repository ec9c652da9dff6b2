"""Find features by medical name, plain name or synonym, the way a visitor types them.

Case, accents, hyphens and word order do not matter ("septo optic" finds "Septo-optic dysplasia"),
every typed word may be the start of a word ("bruis" finds bruising, "enlarged liv" finds
"enlarged liver"), and a mistyped word is corrected against the words the content actually uses
("purpra" finds purpura).

Searching scans an in-process index of every name and synonym, built once per content version:
tens of thousands of LIKE '%…%' comparisons per keystroke would not be fast enough.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import NamedTuple

from . import content_version
from .models import Feature, Synonym, normalise_search_text

PREFIX = 3  # words are bucketed by their first three letters
MIN_QUERY = 2  # one letter matches thousands of features and helps nobody


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
        self.entries = entries
        self.buckets: dict[str, list[int]] = {}
        words: set[str] = set()
        for i, entry in enumerate(entries):
            # Keyed by each word's first three letters, and by its first two for short queries.
            for key in {word[:n] for word in entry.words for n in (MIN_QUERY, PREFIX)}:
                self.buckets.setdefault(key, []).append(i)
            words.update(entry.words)
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

    def candidates(self, token: str) -> list[int]:
        if len(token) < MIN_QUERY:  # a one-letter word beside a longer one: that one narrows
            return list(range(len(self.entries)))
        return self.buckets.get(token[:PREFIX], [])

    def find(self, tokens: list[str]) -> list[_Entry]:
        """Entries in which every token starts some word."""
        pool = self.candidates(max(tokens, key=len))
        hits = []
        for i in pool:
            entry = self.entries[i]
            if all(any(word.startswith(t) for word in entry.words) for t in tokens):
                hits.append(entry)
        return hits

    def correct(self, token: str) -> str | None:
        """The closest word the content uses, if one is close; None if the token is fine or hopeless."""
        if len(token) < 4 or self.find([token]):
            return None
        nearby = [
            word
            for length in range(len(token) - 2, len(token) + 3)
            for word in self.vocabulary.get((token[0], length), [])
        ]
        found = difflib.get_close_matches(token, nearby, n=1, cutoff=0.75)
        return found[0] if found else None


def _entry(feature_id: int, feature_name: str, text: str, lay: bool) -> _Entry:
    norm = normalise_search_text(text)
    return _Entry(feature_id, feature_name, text, norm, tuple(norm.split()), lay)


_current = content_version.PerVersion(SearchIndex.build)


def current_index() -> SearchIndex:
    return _current.get()


def search_features(query: str, limit: int = 10) -> list[FeatureMatch]:
    tokens = normalise_search_text(query).split()
    if not tokens or max(len(t) for t in tokens) < MIN_QUERY:
        return []
    index = current_index()
    entries = index.find(tokens)
    if not entries:
        corrected = [index.correct(t) or t for t in tokens]
        if corrected != tokens:
            tokens, entries = corrected, index.find(corrected)
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
