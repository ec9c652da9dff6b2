"""Conditions side by side (/compare/), and the same comparison as CSV (/compare.csv).

A plain GET page: links and forms carry the whole comparison in the URL, htmx only swaps the
table in place. The rows and their order come from conditions/compare.py.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from conditions.compare import MAX_CONDITIONS, MIN_CONDITIONS, ORDER_RULE, choose, compare
from conditions.matching import ranked, resolve_features
from conditions.models import Condition
from conditions.search import find_conditions

from .exports import (
    CONDITION_HEAD,
    STATEMENT_TAIL,
    _codes,
    _plain_error,
    csv_response,
    source_cells,
)
from .provenance import hpo_version
from .ratelimit import rate_limited
from .response_cache import cached_by_content
from .selection import clean
from .templatetags.explorer_tags import legend_items

PARAMS = ("condition", "feature", "add")
SUGGESTIONS = 8
CANDIDATES = 12  # conditions offered to tick when arriving from the results


def _values(request: HttpRequest, name: str) -> list[str]:
    return [clean(v) for v in request.GET.getlist(name)]


def asked(request: HttpRequest) -> tuple[list[str], list[str]]:
    """The conditions asked for (`condition=`, plus one typed in the `add` box) and the features
    carried from the explore page."""
    conditions = _values(request, "condition") + [v for v in _values(request, "add") if v]
    return conditions, _values(request, "feature")


@require_safe
@vary_on_headers("HX-Request")
@cached_by_content(params=PARAMS)
def compare_page(request: HttpRequest) -> HttpResponse:
    values, carried = asked(request)
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    template = "explorer/compare.html#comparison" if partial else "explorer/compare.html"
    choice = choose(values)
    context = {
        "asked": bool(values),
        "choice": choice,
        "order_rule": ORDER_RULE,
        "max_conditions": MAX_CONDITIONS,
        "carried": carried,
        "shows_hpo_data": True,
        "legend": legend_items(),
    }
    if not values and carried:
        # Arriving from the results: the conditions whose sources mention those features, in the
        # results' order, to tick.
        features = resolve_features(carried).features
        ids = (
            [condition_id for condition_id, _ in ranked(features)[:CANDIDATES]] if features else []
        )
        found = Condition.objects.in_bulk(ids)
        context["candidates"] = [found[pk] for pk in ids if pk in found]
        context["keep"] = [("feature", f.slug) for f in features]
    if choice.error:
        # What can still be kept: the conditions found, and conditions named like what was typed.
        typed = [v for v in choice.unknown if v]
        context["suggestions"] = (
            [m.condition for m in find_conditions(typed[-1], SUGGESTIONS)] if typed else []
        )
        context.setdefault(
            "keep",
            [("condition", c.slug) for c in choice.conditions] + [("feature", v) for v in carried],
        )
        status = 400 if values else 200
        return render(request, template, context, status=status)
    comparison = compare(choice.conditions, carried)
    kept_features = [("feature", f.slug) for f in comparison.marked]
    query = [("condition", c.slug) for c in choice.conditions] + kept_features
    context.update(
        comparison=comparison,
        query=urlencode(query),
        keep=query,
        # Each column with the link that removes it, while two would still be left.
        removals=[
            (
                c,
                urlencode(
                    [("condition", o.slug) for o in choice.conditions if o.pk != c.pk]
                    + kept_features
                )
                if len(choice.conditions) > MIN_CONDITIONS
                else "",
            )
            for c in choice.conditions
        ],
        explore_query=urlencode(kept_features),
    )
    return render(request, template, context)


COMPARE_COLUMNS = [
    "feature",
    "hpo_id",
    "body_system",
    "shared_by_all",
    "marked",
    *CONDITION_HEAD,
    *STATEMENT_TAIL,
]


def compare_rows(comparison, request: HttpRequest | None = None):
    """One row per (feature, condition, source), in the page's order; a condition whose sources
    do not mention the feature gets one row saying so."""
    release = hpo_version()
    codes = _codes([c.pk for c in comparison.conditions])
    heads = [
        [
            c.name,
            request.build_absolute_uri(c.get_absolute_url()) if request else c.get_absolute_url(),
            codes.get(c.pk, ""),
        ]
        for c in comparison.conditions
    ]
    for group in comparison.groups + comparison.shared:
        for row in group.rows:
            start = [
                row.feature.name,
                row.feature.hpo_id,
                group.name,
                "yes" if row.shared else "no",
                "yes" if row.marked else "no",
            ]
            for head, mention in zip(heads, row.cells, strict=True):
                if mention is None:
                    yield [*start, *head, "not mentioned", "no", "", "", "", "", release]
                    continue
                for statement in source_cells(mention):  # each source with its own figure
                    yield [*start, *head, *statement, release]


@require_safe
@rate_limited("download")
def compare_csv(request: HttpRequest) -> HttpResponse:
    values, carried = asked(request)
    choice = choose(values)
    if choice.error:
        return _plain_error(choice.error)
    comparison = compare(choice.conditions, carried)
    name = "-vs-".join(c.slug for c in choice.conditions)[:150]
    return csv_response(
        f"compare-{name}.csv", COMPARE_COLUMNS, compare_rows(comparison, request), ORDER_RULE
    )
