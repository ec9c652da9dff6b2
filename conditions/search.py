"""Find features by medical name, plain name or synonym, the way a visitor types them.

Case, accents, hyphens and word order do not matter ("septo optic" finds "Septo-optic dysplasia"),
partial words match ("bruis" finds bruising), and a mistyped word is corrected against the words
the content actually uses ("purpra" finds purpura).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache

from django.db.models import Q

from . import content_version
from .models import Feature, Synonym, normalise_search_text


@dataclass(frozen=True)
class FeatureMatch:
    feature: Feature
    matched_text: str  # the name or synonym that matched, to show why it was suggested


def _tokens(query: str) -> list[str]:
    return normalise_search_text(query).split()


@lru_cache(maxsize=4)
def _vocabulary(version: str) -> dict[str, list[str]]:
    """Words used in feature names and synonyms, bucketed by first letter (for typo correction)."""
    words: set[str] = set()
    for text in Feature.objects.tickable().values_list("search_text", flat=True).iterator():
        words.update(text.split())
    for text in (
        Synonym.objects.filter(feature__in=Feature.objects.tickable())
        .values_list("search_text", flat=True)
        .iterator()
    ):
        words.update(text.split())
    buckets: dict[str, list[str]] = {}
    for word in words:
        buckets.setdefault(word[0], []).append(word)
    return buckets


def _correct(token: str) -> list[str]:
    """Close spellings of a token that the content uses; [] if none is close."""
    if len(token) < 4:
        return []
    buckets = _vocabulary(content_version.current())
    candidates = buckets.get(token[0], [])
    if any(word.startswith(token) for word in candidates):
        return []
    return difflib.get_close_matches(token, candidates, n=3, cutoff=0.75)


def _token_filter(tokens: list[str], prefix: str) -> Q:
    q = Q()
    for token in tokens:
        q &= Q(**{f"{prefix}search_text__contains": token})
    return q


def search_features(query: str, limit: int = 10) -> list[FeatureMatch]:
    tokens = _tokens(query)
    if not tokens:
        return []
    matches = _search(tokens, limit)
    if not matches:
        corrected = [(_correct(t) or [t])[0] for t in tokens]
        if corrected != tokens:
            matches = _search(corrected, limit)
    return matches


def _search(tokens: list[str], limit: int) -> list[FeatureMatch]:
    phrase = " ".join(tokens)
    tickable = Feature.objects.tickable()
    by_name = list(tickable.filter(_token_filter(tokens, "")).order_by()[: limit * 5])
    synonyms = list(
        Synonym.objects.filter(_token_filter(tokens, ""), feature__in=tickable)
        .select_related("feature")
        .order_by()[: limit * 5]
    )

    def rank(text: str, feature: Feature, lay: bool) -> tuple:
        norm = normalise_search_text(text)
        return (
            norm != phrase,  # exact first
            not norm.startswith(phrase),  # then starts with what was typed
            not any(word.startswith(tokens[0]) for word in norm.split()),
            not lay,  # lay words before technical synonyms
            len(norm),
            feature.name,
        )

    best: dict[int, tuple[tuple, FeatureMatch]] = {}

    def offer(text: str, feature: Feature, lay: bool) -> None:
        key = rank(text, feature, lay)
        if feature.pk not in best or key < best[feature.pk][0]:
            best[feature.pk] = (key, FeatureMatch(feature, text))

    for feature in by_name:
        for text in (feature.name, feature.plain_name):
            if text and all(t in normalise_search_text(text) for t in tokens):
                offer(text, feature, lay=text == feature.plain_name)
        if feature.pk not in best:
            offer(feature.name, feature, lay=False)
    for synonym in synonyms:
        offer(synonym.text, synonym.feature, lay=synonym.is_layperson)
    return [match for _, match in sorted(best.values(), key=lambda item: item[0])][:limit]
