"""What a feature's page shows of the ontology around it: the chain of more general features up
to the top of the observable phenotypes, and the more specific ones, each with how many published
conditions' sources mention it (or anything more specific: the true path rule)."""

from __future__ import annotations

from typing import NamedTuple

from . import index
from .models import Feature, FeatureClosure
from .ordering import human_key


class Counted(NamedTuple):
    feature: Feature
    count: int  # published conditions mentioning it or a more specific feature


class Around(NamedTuple):
    chain: list[Counted]  # from the most general down to the feature's own parent
    other_parents: list[Counted]  # its parents the chain does not go through
    narrower: list[Counted]  # more specific features, the most mentioned first


def around(feature: Feature) -> Around:
    """The feature's place in the ontology, in a few queries whatever its depth. A phenotype's
    chain stays among phenotypes (it ends at "Phenotypic abnormality", not the HPO's root)."""
    kin = Feature.objects.tickable() if feature.is_phenotype else Feature.objects.published()
    ancestors = {
        f.pk: f
        for f in kin.filter(
            pk__in=FeatureClosure.objects.filter(descendant=feature)
            .exclude(ancestor=feature)
            .values("ancestor")
        ).only("name", "slug", "plain_name", "is_phenotype")
    }
    edges = Feature.parents.through.objects.filter(
        from_feature__in=[*ancestors, feature.pk], to_feature__in=ancestors
    ).values_list("from_feature", "to_feature")
    parents_of: dict[int, list[int]] = {}
    for child, parent in edges:
        parents_of.setdefault(child, []).append(parent)

    def count(pk: int) -> int:
        return int(index.current_index().count(pk))

    chain = _longest_chain(feature.pk, parents_of, ancestors)
    on_chain = set(chain)
    other = sorted(
        (ancestors[pk] for pk in parents_of.get(feature.pk, []) if pk not in on_chain),
        key=_by_name,
    )
    children = kin.filter(parents=feature).only("name", "slug", "plain_name")
    narrower = sorted(
        (Counted(child, count(child.pk)) for child in children),
        key=lambda c: (-c.count, _by_name(c.feature)),
    )
    return Around(
        chain=[Counted(ancestors[pk], count(pk)) for pk in chain],
        other_parents=[Counted(f, count(f.pk)) for f in other],
        narrower=narrower,
    )


def _longest_chain(start: int, parents_of: dict[int, list[int]], ancestors: dict) -> list[int]:
    """The path from the top down to `start`'s parent that goes through the most features (the
    most telling breadcrumb), among equals the one through names first in name order."""
    memo: dict[int, list[int]] = {}

    def chain_to(pk: int) -> list[int]:  # from the top down to pk itself
        if pk not in memo:
            above = [chain_to(parent) for parent in parents_of.get(pk, [])]
            best = min(
                above,
                key=lambda path: (-len(path), [_by_name(ancestors[p]) for p in path]),
                default=[],
            )
            memo[pk] = [*best, pk]
        return memo[pk]

    return chain_to(start)[:-1]


def _by_name(feature: Feature) -> tuple:
    return human_key(feature.plain_name or feature.name)
