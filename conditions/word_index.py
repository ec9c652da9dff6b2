"""Which texts hold a word starting with what was typed: the search box's one matching rule, for
feature names and synonyms and for condition names, other names and codes alike.

Each distinct word of the texts is kept once, sorted, with the texts holding it listed after it
(arrays, in word order): every word starting with a token is one range of that sorted list, so
the texts holding it are one slice of the array, exactly, whatever the token's length. Counting
how many of the typed words each text holds is then one `bincount`, and a 200-character query
costs what its few distinct words cost.
"""

from __future__ import annotations

import bisect
import difflib
import heapq
from itertools import chain
from typing import NamedTuple

import numpy as np

CLOSE = 0.75  # how alike a typo and the word it corrects to must be (difflib's ratio)
FULL_RATIOS = 8  # the costly full ratio only for the words the cheap bounds rank highest
AFTER_Z = "{"  # sorts after every letter and digit: "abc{" ends the words starting with "abc"


NONE = np.empty(0, dtype=np.int32)


class Held(NamedTuple):
    words: np.ndarray  # per text: how many typed words it holds
    rarity: np.ndarray  # how telling those words are: few names use "POEMS", many "skin"
    whole: np.ndarray  # per text: how many typed words are whole words of it ("fracture", not
    # "fractured")

    def most(self) -> int:
        return int(self.words.max(initial=0))


class WordIndex:
    def __init__(self, norms: list[str]):
        """`norms`: the texts, normalised (lower-case words separated by single spaces), in the
        order ties are shown in: a text's position is its last tie-break."""
        self.norms = norms
        holders: dict[str, list[int]] = {}
        for position, norm in enumerate(norms):
            for word in set(norm.split()):
                holders.setdefault(word, []).append(position)
        self.words = sorted(holders)
        lengths = np.fromiter((len(holders[word]) for word in self.words), dtype=np.int64)
        self.starts = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
        self.holders = np.fromiter(
            chain.from_iterable(holders[word] for word in self.words), dtype=np.int32
        )
        # Positions in alphabetical order of their text: those starting with a phrase are a range.
        self.by_text = np.array(sorted(range(len(norms)), key=norms.__getitem__), dtype=np.int32)

    def __len__(self) -> int:
        return len(self.norms)

    def _word_range(self, token: str) -> tuple[int, int]:
        return (
            bisect.bisect_left(self.words, token),
            bisect.bisect_left(self.words, token + AFTER_Z),
        )

    def starts_a_word(self, token: str) -> bool:
        first, end = self._word_range(token)
        return first < end

    def holding(self, token: str) -> np.ndarray:
        """Positions of the texts holding a word that starts with `token`, each once."""
        first, end = self._word_range(token)
        found = self.holders[self.starts[first] : self.starts[end]]
        return found if end - first == 1 else np.unique(found)

    def holding_word(self, token: str) -> np.ndarray:
        """Positions of the texts holding `token` itself as a word."""
        first = bisect.bisect_left(self.words, token)
        if first == len(self.words) or self.words[first] != token:
            return NONE
        return self.holders[self.starts[first] : self.starts[first + 1]]

    def uses(self, token: str) -> int:
        """How often the texts use words starting with `token` (a text may count twice)."""
        first, end = self._word_range(token)
        return int(self.starts[end] - self.starts[first])

    def held(self, tokens: list[str], weights: list[float]) -> Held:
        """For every text, how many of the tokens start one of its words, and the sum of those
        tokens' weights."""
        holding = [self.holding(t) for t in tokens] or [NONE]
        found = np.concatenate(holding)
        weight = np.repeat(weights, [len(h) for h in holding])
        size = len(self.norms)
        whole = np.concatenate([self.holding_word(t) for t in tokens] or [NONE])
        return Held(
            np.bincount(found, minlength=size),
            np.bincount(found, weight, minlength=size),
            np.bincount(whole, minlength=size),
        )

    def starting_with(self, phrase: str) -> tuple[np.ndarray, np.ndarray]:
        """Positions of the texts that are `phrase` exactly, and of those that start with it."""

        def text(i):
            return self.norms[i]

        first = bisect.bisect_left(self.by_text, phrase, key=text)
        exact_end = bisect.bisect_right(self.by_text, phrase, lo=first, key=text)
        end = bisect.bisect_left(self.by_text, phrase + AFTER_Z, lo=exact_end, key=text)
        return self.by_text[first:exact_end], self.by_text[first:end]

    def correction(self, token: str) -> tuple[float, str] | None:
        """The closest word the texts use and how alike it is, if one is close."""
        first = bisect.bisect_left(self.words, token[0])
        end = bisect.bisect_left(self.words, chr(ord(token[0]) + 1))
        lengths = range(len(token) - 2, len(token) + 3)
        # difflib.get_close_matches, but the costly full ratio only for the few words the cheap
        # bounds rank highest: a long word has hundreds of neighbours.
        matcher = difflib.SequenceMatcher()
        matcher.set_seq2(token)
        bounded = []
        for word in self.words[first:end]:
            if len(word) not in lengths:
                continue
            matcher.set_seq1(word)
            if matcher.real_quick_ratio() >= CLOSE and (bound := matcher.quick_ratio()) >= CLOSE:
                bounded.append((bound, word))
        best = None
        for _, word in heapq.nlargest(FULL_RATIOS, bounded):
            matcher.set_seq1(word)
            ratio = matcher.ratio()
            if ratio >= CLOSE and (best is None or ratio > best[0]):
                best = (ratio, word)
        return best


def ranked(
    words: WordIndex,
    owners: np.ndarray,
    held: Held,
    phrase: str,
    at_least: int,
    leading: np.ndarray | None = None,
):
    """Positions of the best text of each owner (a feature, a condition) holding at least
    `at_least` of the typed words, best first: most words held, then the rarest words held,
    then the text that is the phrase, then owners among `leading` (sorted ids; features some
    condition mentions, before those none does), then texts holding more typed words whole,
    then one starting with the phrase, then position."""
    positions = np.flatnonzero(held.words >= max(at_least, 1)).astype(np.int32)
    if not len(positions):
        return positions
    exact, starting = words.starting_with(phrase)
    lagging = np.zeros(len(positions), dtype=bool)
    if leading is not None:
        lagging = ~np.isin(owners[positions], leading)
    order = np.lexsort(
        (
            positions,
            ~np.isin(positions, starting, assume_unique=True),
            -held.whole[positions],
            lagging,
            ~np.isin(positions, exact, assume_unique=True),
            -held.rarity[positions],
            -held.words[positions],
        )
    )
    positions = positions[order]
    _, first = np.unique(owners[positions], return_index=True)
    return positions[np.sort(first)]
