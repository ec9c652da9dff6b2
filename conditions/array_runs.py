"""Two numpy idioms the match index uses for grouped data, each without a Python loop."""

import numpy as np


def runs(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The indices starts[i] .. starts[i] + lengths[i] - 1 for every i, concatenated."""
    total = int(lengths.sum())
    if not total:
        return np.empty(0, dtype=np.int64)
    return np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)


def group_starts(sorted_keys: np.ndarray) -> np.ndarray:
    """Where each run of equal values begins in a sorted array."""
    if not len(sorted_keys):
        return np.empty(0, dtype=np.int64)
    return np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
