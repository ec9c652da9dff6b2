"""The transitive closure of the is_a graph, kept in the FeatureClosure table.

Matching counts a mention of a more specific feature as a mention of every more general one
(the HPO's true path rule). Storing every (ancestor, descendant) pair makes that a single join.
"""

from collections import defaultdict
from collections.abc import Iterable
from contextlib import nullcontext

from django.db import transaction

from .bulk import insert_rows, reloading
from .models import Feature, FeatureClosure

ParentEdges = Iterable[tuple[int, int]]  # (feature_id, parent_id)


def load_parent_edges() -> list[tuple[int, int]]:
    through = Feature.parents.through
    return list(through.objects.values_list("from_feature_id", "to_feature_id"))


def ancestors_by_feature(feature_ids: Iterable[int], edges: ParentEdges) -> dict[int, set[int]]:
    """Each feature's ancestors including itself. A cycle (a data error) cannot loop forever."""
    parents: dict[int, list[int]] = defaultdict(list)
    for child, parent in edges:
        parents[child].append(parent)
    memo: dict[int, frozenset[int]] = {}

    def walk(node: int) -> frozenset[int]:
        # Iterative post-order so a 20-level-deep ontology cannot hit the recursion limit.
        stack, on_path = [(node, iter(parents[node]))], {node}
        while stack:
            current, pending = stack[-1]
            for parent in pending:
                if parent not in memo and parent not in on_path:
                    stack.append((parent, iter(parents[parent])))
                    on_path.add(parent)
                    break
            else:
                stack.pop()
                on_path.discard(current)
                found = {current}
                for parent in parents[current]:
                    found |= memo.get(parent, {parent})
                memo[current] = frozenset(found)
        return memo[node]

    return {feature_id: set(walk(feature_id)) for feature_id in feature_ids}


def descendants_of(feature_ids: Iterable[int], edges: ParentEdges) -> set[int]:
    children: dict[int, list[int]] = defaultdict(list)
    for child, parent in edges:
        children[parent].append(child)
    seen = set(feature_ids)
    frontier = list(seen)
    while frontier:
        for child in children[frontier.pop()]:
            if child not in seen:
                seen.add(child)
                frontier.append(child)
    return seen


@transaction.atomic
def rebuild_closure(changed_feature_ids: Iterable[int] | None = None) -> int:
    """Recompute closure rows for the changed features and all below them (all features if None).

    Returns the number of rows written.
    """
    edges = load_parent_edges()
    if changed_feature_ids is None:
        affected = set(Feature.objects.values_list("pk", flat=True))
        FeatureClosure.objects.all().delete()
    else:
        affected = descendants_of(changed_feature_ids, edges)
        FeatureClosure.objects.filter(descendant_id__in=affected).delete()
    rows = [
        (ancestor, descendant)
        for descendant, ancestors in ancestors_by_feature(affected, edges).items()
        for ancestor in ancestors
    ]
    rows.sort()  # in unique-index order, so the index B-tree is filled left to right
    # A full rebuild rewrites the whole table: build its indexes once, after the rows.
    with reloading(FeatureClosure) if changed_feature_ids is None else nullcontext():
        insert_rows(FeatureClosure, ("ancestor", "descendant"), rows)
    return len(rows)


def would_create_cycle(feature: Feature, new_parents: Iterable[Feature]) -> Feature | None:
    """The first proposed parent that is already below `feature` (so linking it would loop)."""
    if feature.pk is None:
        return None
    below = descendants_of([feature.pk], load_parent_edges())
    for parent in new_parents:
        if parent.pk in below:
            return parent
    return None
