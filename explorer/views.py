"""Public pages. Every htmx request mirrors a plain GET link or form that works without JavaScript."""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Q, Value
from django.db.models.functions import Coalesce, Lower, NullIf
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url

from conditions import content_version
from conditions.condition_page import condition_page
from conditions.feature_page import around
from conditions.matching import (
    explain,
    parse_filters,
    parse_order,
    ranked,
    resolve_features,
)
from conditions.models import BodySystem, Condition, Feature, FeatureClosure
from conditions.ordering import Order, describe
from conditions.ordering import details as ordering_details
from conditions.ranking import DIMENSIONS, NO_FILTERS
from conditions.safety import urgent_advice_for
from conditions.search import A_TO_Z, list_conditions, search, words_to_try_alone
from conditions.summaries import FeatureSummary

from .filters import filter_groups, ticked_counts
from .response_cache import cached_by_content
from .selection import clean as _clean
from .selection import settings_params, too_many_message
from .templatetags.explorer_tags import legend_items

EXAMPLE_FEATURES = ["purpura", "polyneuropathy", "organomegaly"]
SUGGESTION_LIMIT = 10
CONDITION_SUGGESTION_LIMIT = 5


def _param(request: HttpRequest, name: str) -> str:
    return _clean(request.GET.get(name, ""))


def _params(request: HttpRequest, name: str) -> list[str]:
    return [_clean(value) for value in request.GET.getlist(name)]


def _is_partial(request: HttpRequest) -> bool:
    # A history-restore request (back button after the cache expired) needs the whole page.
    return bool(request.htmx) and not request.htmx.history_restore_request


def _page(request: HttpRequest, items, per_page: int):
    """The requested page: a bad value shows page 1, one past the end the last page."""
    paginator = Paginator(items, per_page)
    return paginator, paginator.get_page(_param(request, "page"))


def results_per_page(feature_count: int) -> int:
    """Fewer results a page as more features are ticked: each result explains every ticked
    feature, so a page's weight and rendering time grow with both (EXPLORER_PAGE_LINES
    result-and-feature pairs a page at most, and never fewer than ten results)."""
    size = settings.EXPLORER_PAGE_SIZE
    return min(size, max(settings.EXPLORER_PAGE_LINES // max(feature_count, 1), 10))


class BrowseFeature(NamedTuple):
    slug: str
    name: str
    plain_name: str


class BrowseGroup(NamedTuple):
    system: str
    count: int
    items: str  # the checkboxes' HTML


def _build_curated_by_system(version: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Curated features by body system, each as (slug, its checkbox rendered), once per content
    version: the same 140-odd checkboxes end every full page."""
    rows = (
        Feature.objects.tickable()
        .filter(origin="curated")
        .order_by("body_system__order", "body_system__name", "plain_name", "name")
        .values_list("body_system__plain_name", "body_system__name", "slug", "name", "plain_name")
    )
    template = get_template("explorer/explore.html#browse_item")
    groups: dict[str, list[tuple[str, str]]] = {}
    for system_plain, system_name, slug, name, plain_name in rows:
        system = system_plain or system_name or "Other"
        feature = BrowseFeature(slug, name, plain_name)
        groups.setdefault(system, []).append((slug, template.render({"feature": feature})))
    return list(groups.items())


_curated_by_system = content_version.PerVersion(_build_curated_by_system)


def _browse_groups(ticked: list[FeatureSummary]) -> list[BrowseGroup]:
    """Curated features to tick, by body system; already-ticked ones are listed apart."""
    ticked_slugs = {f.slug for f in ticked}
    groups = []
    for system, features in _curated_by_system.get():
        left = [html for slug, html in features if slug not in ticked_slugs]
        if left:
            groups.append(BrowseGroup(system, len(left), mark_safe("".join(left))))  # noqa: S308
    return groups


# Every parameter the explore page reads: the page cache keys on these alone.
EXPLORE_PARAMS = ("feature", "q", "page", "order", *DIMENSIONS, "reviewed", "remove", "browse")


@require_safe
@vary_on_headers("HX-Request")
@cached_by_content(params=EXPLORE_PARAMS, limit="explore")
def explore(request: HttpRequest) -> HttpResponse:
    values = _params(request, "feature")
    query = _param(request, "q")
    partial = _is_partial(request)
    browse = _param(request, "browse") == "1"
    template = "explorer/explore.html#results" if partial else "explorer/explore.html"
    if partial and browse:  # "Show features by body system", fetched by htmx
        ticked = resolve_features(values[: settings.EXPLORER_MAX_FEATURES]).features
        context = {"features": ticked, "browse_groups": _browse_groups(ticked)}
        return render(request, "explorer/explore.html#browse", context)
    if len(values) > settings.EXPLORER_MAX_FEATURES:
        context = {
            "error": too_many_message(len(values)),
            "query": query,
            "browse_groups": [] if partial else _browse_groups([]),
            "examples": Feature.objects.tickable().filter(slug__in=EXAMPLE_FEATURES),
        }
        return render(request, template, context, status=400)

    if removed := set(_params(request, "remove")):
        # A chip: answer at the query without that feature, the address to show and share.
        pairs = [(k, v) for k, values_of in request.GET.lists() for v in values_of]
        kept = [(k, v) for k, v in pairs if k not in ("remove", "page")]
        kept = [(k, v) for k, v in kept if not (k == "feature" and _clean(v) in removed)]
        url = f"{request.path}?{urlencode(kept)}" if kept else request.path
        if not partial:
            return redirect(f"{url}#results")
        values = [value for value in values if value not in removed]
    resolved = resolve_features(values)
    features = resolved.features
    order = parse_order(_param(request, "order"))
    filters = parse_filters(lambda name: _params(request, name))
    ranking = ranked(features, order, filters)
    paginator, page = _page(request, ranking, results_per_page(len(features)))
    results = explain([condition_id for condition_id, _ in page.object_list], features)
    complete = ranking.complete_count(len(features))
    selected_query = [("feature", f.slug) for f in features]
    settings_query = settings_params(order, filters)
    counts = ticked_counts(features, selected_query + settings_query)
    context = {
        "features": features,
        "urgent": urgent_advice_for(f.pk for f in features),
        "unknown": resolved.unknown,
        "query": query,
        **_suggestions(query, features),
        "results": results,
        "total": paginator.count,
        "complete_count": complete,
        "page": page,
        "paginator": paginator,
        "page_query": urlencode(selected_query + settings_query),
        # Once something is ticked, the browse lists (a fifth of a results page) come on request.
        "browse_groups": [] if partial or (features and not browse) else _browse_groups(features),
        "browse_query": urlencode([*selected_query, *settings_query, ("browse", "1")]),
        "examples": Feature.objects.tickable().filter(slug__in=EXAMPLE_FEATURES),
        "ticked_counts": counts,
        "broader_offers": sum(1 for row in counts if row.broader),
        "current_query": selected_query + settings_query,
        "order": order,
        "order_rule": describe(order),
        "order_detail": ordering_details(),
        "order_query": {
            "default": urlencode(selected_query + settings_params(Order.FREQUENCY, filters)),
            "name": urlencode(selected_query + settings_params(Order.NAME, filters)),
        },
        "filters": filters,
        "filtered": filters != NO_FILTERS,
        "unfiltered_query": urlencode(selected_query + settings_params(order, NO_FILTERS)),
        "facets": ranking.facets,
        "filter_groups": filter_groups(ranking.facets, filters),
        "settings_query": settings_query,
        "legend": legend_items(),
    }
    response = render(request, template, context)
    return push_url(response, url) if removed else response


def _suggestions(query: str, ticked: list[FeatureSummary]) -> dict:
    """Matches for the search box, leaving out features already ticked (but naming them, so a
    search whose only match is ticked says so rather than "no feature matches"), with how many
    there are in all for the "show all" links."""
    if not query:
        return {"suggestions": [], "suggestions_ticked": [], "condition_suggestions": []}
    ticked_ids = {f.pk for f in ticked}
    found = search(query)  # visitors type condition names (and codes) into the one box too
    matches = found.features[:SUGGESTION_LIMIT]
    return {
        "suggestions": [m for m in matches if m.feature.pk not in ticked_ids],
        "suggestions_ticked": [m.feature for m in matches if m.feature.pk in ticked_ids],
        "features_shown": len(matches),
        "feature_total": len(found.features),
        "condition_suggestions": found.conditions[:CONDITION_SUGGESTION_LIMIT],
        "condition_total": len(found.conditions),
        "show_all_query": urlencode([("q", query)] + [("feature", f.slug) for f in ticked]),
        # Nothing for the words together: each alone, as a link (ticked features kept).
        "words_alone": []
        if found.features or found.conditions
        else [
            (word, urlencode([("q", word)] + [("feature", f.slug) for f in ticked]))
            for word in words_to_try_alone(query)
        ],
    }


@require_safe
@vary_on_headers("HX-Request")
@cached_by_content
def suggest(request: HttpRequest) -> HttpResponse:
    """Feature suggestions for the search box; without htmx, the explore page does the same."""
    query = _param(request, "q")
    features = _params(request, "feature")[: settings.EXPLORER_MAX_FEATURES]
    if not request.htmx:
        params = [("q", query)] + [("feature", value) for value in features]
        return redirect(f"/?{urlencode(params)}")
    ticked = resolve_features(features)
    context = {"query": query, **_suggestions(query, ticked.features)}
    return render(request, "explorer/explore.html#suggestions", context)


@require_safe
@cached_by_content(params=("q", "letter", "page"))
def condition_list(request: HttpRequest) -> HttpResponse:
    query = _param(request, "q")
    letter = _param(request, "letter")[:1].upper()
    conditions = list_conditions(query, letter)
    paginator, page = _page(request, conditions, 100)
    return render(
        request,
        "explorer/condition_list.html",
        {
            "page": page,
            "paginator": paginator,
            "query": query,
            "letter": letter,
            "letters": A_TO_Z,
            "page_query": urlencode([("q", query)] if query else [("letter", letter)]),
        },
    )


@require_safe
@cached_by_content(params=())
def condition_detail(request: HttpRequest, slug: str) -> HttpResponse:
    condition = get_object_or_404(Condition.objects.published(), slug=slug)
    return render(request, "explorer/condition_detail.html", condition_context(condition))


def condition_context(condition: Condition) -> dict:
    """What a condition's page shows (also the staff preview of a draft, in the admin)."""
    page = condition_page(condition)
    links = condition.links.filter(to_condition__status=Condition.Status.PUBLISHED).select_related(
        "to_condition", "source"
    )
    backlinks = condition.backlinks.filter(
        from_condition__status=Condition.Status.PUBLISHED
    ).select_related("from_condition", "source")
    return {
        "condition": condition,
        "page": page,
        "links": links,
        "backlinks": backlinks,
        "xrefs": condition.xrefs.all(),
        "shows_hpo_data": page.shows_hpo_data,
        # The five most often recorded, a starting point for comparing.
        "explore_query": urlencode([("feature", m.feature.slug) for m in page.present[:5]]),
    }


FEATURES_PER_PAGE = 50


@require_safe
@vary_on_headers("HX-Request")
@cached_by_content(params=("q", "feature", "page"))
def feature_list(request: HttpRequest) -> HttpResponse:
    """Every feature the search box finds for `q` ("show all N"), paged, each with how many
    conditions mention it, to tick and take to the explorer with any already ticked."""
    query = _param(request, "q")
    values = list(dict.fromkeys(_params(request, "feature")))  # htmx paging repeats them
    ticked = resolve_features(values[: settings.EXPLORER_MAX_FEATURES]).features
    matches = search(query).features if query else []
    paginator, page = _page(request, matches, FEATURES_PER_PAGE)
    on_page = {match.feature.pk for match in page.object_list}
    context = {
        "query": query,
        "ticked": ticked,
        "ticked_ids": {f.pk for f in ticked},
        "ticked_elsewhere": [f for f in ticked if f.pk not in on_page],  # carried, hidden
        "page": page,
        "paginator": paginator,
        "page_query": urlencode([("q", query)] + [("feature", f.slug) for f in ticked]),
    }
    template = "explorer/feature_list.html" + ("#matches" if _is_partial(request) else "")
    return render(request, template, context)


FEATURE_PAGE_CONDITIONS = 50


@require_safe
@cached_by_content(params=())
def feature_detail(request: HttpRequest, slug: str) -> HttpResponse:
    feature = get_object_or_404(
        Feature.objects.published()
        .select_related("body_system")
        .prefetch_related(
            "synonyms",
        ),
        slug=slug,
    )
    ticked = FeatureSummary.of(feature)
    ranking = ranked([ticked]) if feature.is_phenotype else []
    shown = explain([cid for cid, _ in ranking[:FEATURE_PAGE_CONDITIONS]], [ticked])
    descendants = FeatureClosure.objects.filter(ancestor=feature).count() - 1
    context = {
        "feature": feature,
        "urgent": urgent_advice_for([feature.pk]),
        "synonyms": feature.synonyms.all(),
        "around": around(feature),  # broader features up to the top, narrower ones, with counts
        "descendant_count": descendants,
        "results": shown,
        "total": len(ranking),
        "shows_hpo_data": feature.origin == "hpo" or bool(feature.hpo_id),
    }
    return render(request, "explorer/feature_detail.html", context)


@require_safe
@cached_by_content(params=())
def body_system_list(request: HttpRequest) -> HttpResponse:
    systems = (
        BodySystem.objects.annotate(
            feature_total=Count(
                "features", filter=Q(features__is_published=True, features__is_phenotype=True)
            )
        )
        .filter(feature_total__gt=0)
        .order_by("order", "name")  # Meta.ordering does not apply to a GROUP BY query
    )
    return render(request, "explorer/body_system_list.html", {"systems": systems})


@require_safe
@cached_by_content(params=("page",))
def body_system_detail(request: HttpRequest, slug: str) -> HttpResponse:
    system = get_object_or_404(BodySystem, slug=slug)
    features = (
        Feature.objects.tickable()
        .filter(body_system=system)
        .annotate(
            curated_first=Q(origin="curated"),
            # Listed by the name shown first (the plain one), so the list reads alphabetically.
            shown_name=Lower(Coalesce(NullIf("plain_name", Value("")), "name")),
        )
        .order_by("-curated_first", "shown_name", "name")
        .only("name", "slug", "plain_name", "description", "origin")
    )
    paginator, page = _page(request, features, 100)
    return render(
        request,
        "explorer/body_system_detail.html",
        {"system": system, "page": page, "paginator": paginator, "page_query": ""},
    )


@require_safe
@cached_by_content(params=())
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "explorer/about.html", {"shows_hpo_data": True})
