"""The public, read-only JSON API under /api/ (django-ninja; OpenAPI 3 at /api/openapi.json).

It asks the same functions as the pages (conditions/matching.py, conditions/search.py, the match
index), so it gives the same answers; answers are cached by content version like the pages.
Every answer, errors included, carries the HPO release, its licence notice and a note that this
is not a diagnosis and the order is not a likelihood.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import NinjaAPI, Query, Schema
from ninja.decorators import decorate_view
from ninja.errors import HttpError, ValidationError
from pydantic import BaseModel, Field

from conditions.compare import ORDER_RULE, choose, compare
from conditions.condition_page import condition_page
from conditions.matching import ConditionResult, FeatureHit, explain, ranked, resolve_features
from conditions.models import Condition, Feature
from conditions.ordering import describe
from conditions.ranking import DIMENSIONS
from conditions.search import list_conditions, search_features
from conditions.summaries import FeatureSummary

from .provenance import NOT_A_DIAGNOSIS, hpo_version, licence_notice
from .ratelimit import over_limit
from .response_cache import cached_by_content
from .selection import clean, select
from .views import results_per_page

SEARCH_LIMIT = 20
CONDITION_PAGE_SIZE = 100

api = NinjaAPI(
    title="Symptom Explorer API",
    version="1",
    description=(
        "Read-only open data: features (signs, symptoms, findings), conditions, and which "
        "conditions' sources mention the ticked features, with each source's frequency exactly "
        "as recorded. " + NOT_A_DIAGNOSIS
    ),
    urls_namespace="api",
)


# Schemas. Answers are plain pydantic models: ninja's Schema reads every field through a
# Django-aware getter, which doubled the time of a large answer.


class Notice(BaseModel):
    hpo_release: str = Field(description='The HPO release in use; "" for curated content only.')
    licence: str = Field(description="The Human Phenotype Ontology's licence notice.")
    note: str = Field(description="Not a diagnosis; the order is not a likelihood.")


class Problem(Notice):
    detail: str


class FeatureRef(BaseModel):
    slug: str
    hpo_id: str = Field(description='e.g. "HP:0000979"; "" for a feature the HPO lacks.')
    name: str = Field(description="The medical name.")
    plain_name: str = Field(description='The everyday name, or "".')
    url: str = Field(description="Its page on this site.")


class FeatureMatchOut(FeatureRef):
    matched_text: str = Field(description="The name or synonym that matched the query.")


class FeatureSearchOut(Notice):
    query: str
    results: list[FeatureMatchOut]


class SourceOut(BaseModel):
    title: str
    url: str
    publisher: str = ""
    frequency: str = Field(description='What this source records, exactly, or "Not recorded".')
    documented_absent: bool = Field(description="This source says the feature is absent.")


class Statement(BaseModel):
    """A source's statement that a condition shows (or documents the absence of) a feature."""

    feature: FeatureRef
    frequency: str = Field(
        description='The HPO annotation\'s frequency exactly as recorded, or "Not recorded"; '
        "each cited source's own figure is under `sources`."
    )
    documented_absent: bool
    sources: list[SourceOut] = Field(description="Staff-cited sources.")
    evidence: str = Field(description="HPO evidence code (PCS, TAS, IEA), if an HPO annotation.")
    references: str = Field(description="The HPO annotation's references, e.g. PMID:123.")


class FeatureOut(Notice):
    feature: FeatureRef
    description: str
    definition: str = Field(description="The ontology's own definition.")
    body_system: str
    synonyms: list[str]
    parents: list[FeatureRef]
    children: list[FeatureRef]
    conditions_mentioning: int = Field(
        description="Published conditions whose sources mention it or a more specific feature."
    )
    explore: str = Field(description="The API call listing those conditions.")


class CodeOut(BaseModel):
    scheme: str
    code: str
    url: str


class ConditionRef(BaseModel):
    slug: str
    name: str
    summary: str
    url: str


class ConditionSearchOut(Notice):
    query: str
    total: int
    page: int
    pages: int
    results: list[ConditionRef]


class RelatedOut(BaseModel):
    relation: str
    condition: ConditionRef


class ConditionOut(Notice):
    condition: ConditionRef
    codes: list[CodeOut]
    last_reviewed: str = Field(description='ISO date, or "" if not recorded.')
    mentions: list[Statement]
    documented_absent: list[Statement]
    related: list[RelatedOut]
    features_csv: str


class HitOut(BaseModel):
    ticked: FeatureRef
    exact: bool = Field(description="A source mentions the ticked feature itself.")
    mentions: list[Statement] = Field(
        description="As the results page shows them: the feature's own mention first, then "
        "the more specific features it is mentioned through, by name."
    )
    mentions_total: int = Field(description="Mentions covering the ticked feature in all.")


class AbsentOut(BaseModel):
    ticked: FeatureRef
    statement: Statement


class ResultOut(BaseModel):
    condition: ConditionRef
    ticked_mentioned: int = Field(description="How many of the ticked features it mentions.")
    hits: list[HitOut]
    documented_absent: list[AbsentOut]
    not_mentioned: list[FeatureRef]


class FiltersOut(BaseModel):
    reviewed: bool
    source: list[str]
    onset: list[str]
    inheritance: list[str]


class ExploreOut(Notice):
    order: str = Field(description="How the results are ordered; not a likelihood.")
    filters: FiltersOut = Field(description="The filters applied.")
    facets: dict[str, dict[str, int]] = Field(
        description="Per filter and option, how many results it would give (the other filters "
        "applied)."
    )
    features: list[FeatureRef]
    unknown: list[str] = Field(description="Values that name no feature we hold.")
    total: int = Field(description="Conditions whose sources mention at least one.")
    complete_count: int = Field(description="Conditions whose sources mention every one.")
    page: int
    pages: int
    page_size: int
    results: list[ResultOut]
    csv: str = Field(description="Every result with its sources, as CSV.")
    phenopacket: str = Field(description="The selection as a GA4GH phenopacket (v2).")


def _options(dimension: str) -> str:
    return ", ".join(DIMENSIONS[dimension])


class ExploreQuery(Schema):
    feature: list[str] = Field(
        default_factory=list,
        description="Slugs or HPO ids (HP:0000979); repeat the parameter for several, up to "
        f"{settings.EXPLORER_MAX_FEATURES}.",
        max_length=settings.EXPLORER_MAX_FEATURES,
    )
    page: int = Field(default=1, ge=1, description="Past the last page: the last page.")
    order: str = Field(
        default="",
        description='"name": features mentioned, then name. Anything else: the default, '
        "features mentioned, then how often sources record them, then name.",
    )
    reviewed: str = Field(default="", description='"1": only conditions our editors reviewed.')
    source: list[str] = Field(
        default_factory=list,
        description=f"Keep conditions from these sources: {_options('source')}.",
    )
    onset: list[str] = Field(
        default_factory=list, description=f"Keep conditions with this onset: {_options('onset')}."
    )
    inheritance: list[str] = Field(
        default_factory=list,
        description=f"Keep conditions with this inheritance: {_options('inheritance')}.",
    )

    def values(self, name: str) -> list[str]:
        """As QueryDict.getlist, for `select`: the page and the API read one question."""
        value = getattr(self, name, [])
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]


# Helpers ------------------------------------------------------------------------------------


def _notice() -> dict:
    return {"hpo_release": hpo_version(), "licence": licence_notice(), "note": NOT_A_DIAGNOSIS}


def _absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def _feature(request: HttpRequest, feature) -> dict:
    return {
        "slug": feature.slug,
        "hpo_id": feature.hpo_id or "",
        "name": feature.name,
        "plain_name": feature.plain_name,
        "url": _absolute(request, feature.get_absolute_url()),
    }


def _condition(request: HttpRequest, condition) -> dict:
    return {
        "slug": condition.slug,
        "name": condition.name,
        "summary": condition.summary,
        "url": _absolute(request, condition.get_absolute_url()),
    }


def _statement(request: HttpRequest, mention) -> dict:
    return {
        "feature": _feature(request, mention.feature),
        "frequency": mention.frequency_label,
        "documented_absent": mention.is_absent,
        "sources": [
            {
                "title": s.title,
                "url": s.url,
                "publisher": s.publisher,
                "frequency": s.frequency[1],
                "documented_absent": s.frequency[2] == "absent",
            }
            for s in mention.cited_sources()
        ],
        "evidence": mention.evidence,
        "references": mention.references,
    }


def _hit(request: HttpRequest, hit: FeatureHit) -> dict:
    return {
        "ticked": _feature(request, hit.ticked),
        "exact": hit.exact is not None,
        "mentions": [_statement(request, m) for m in hit.mentions],
        "mentions_total": hit.total,
    }


def _result(request: HttpRequest, result: ConditionResult) -> dict:
    return {
        "condition": _condition(request, result.condition),
        "ticked_mentioned": result.matched_count,
        "hits": [_hit(request, hit) for hit in result.hits],
        "documented_absent": [
            {
                "ticked": _feature(request, f),
                "statement": _statement(request, result.absent_for[f.pk]),
            }
            for f in result.ticked
            if f.pk in result.absent_for
        ],
        "not_mentioned": [_feature(request, f) for f in result.missing],
    }


def _with_query(request: HttpRequest, view_name: str, pairs: list[tuple[str, str]]) -> str:
    return _absolute(request, reverse(view_name) + "?" + urlencode(pairs))


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        self.retry_after = retry_after


@api.exception_handler(RateLimited)
def _rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    detail = "Too many requests from your address: wait a minute and try again."
    response = api.create_response(request, {**_notice(), "detail": detail}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = "; ".join(
        f"{'.'.join(str(part) for part in error.get('loc', ()))}: {error.get('msg', 'invalid')}"
        for error in exc.errors
    )
    return api.create_response(
        request, {**_notice(), "detail": f"Invalid request: {problems}"[:1000]}, status=422
    )


@api.exception_handler(SuspiciousOperation)
def _refused(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    # e.g. more query parameters than DATA_UPLOAD_MAX_NUMBER_FIELDS
    detail = "The request is too large or malformed: send fewer parameters."
    return api.create_response(request, {**_notice(), "detail": detail}, status=400)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(
        request, {**_notice(), "detail": str(exc.message)}, status=exc.status_code
    )


def _any_origin(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Open to every origin: the API is public, read-only and sends no cookies' data."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapper


# Cached until content changes, exactly like the pages; CORS set on cached answers too.
shared = decorate_view(cached_by_content, _any_origin)

ERRORS = {400: Problem, 404: Problem, 422: Problem}


# Endpoints ----------------------------------------------------------------------------------


@api.get("/features", response={200: FeatureSearchOut, **ERRORS}, summary="Find features")
@shared
def features(
    request: HttpRequest,
    q: str = Query("", description="Everyday or medical words, a synonym, or an HPO id."),
):
    """The site's feature search (the search box): lay words, synonyms, medical names."""
    query = clean(q)
    matches = []
    resolved = resolve_features([query]) if query[:3].upper() == "HP:" else None
    if resolved and resolved.features:
        feature = resolved.features[0]
        matches = [{**_feature(request, feature), "matched_text": feature.hpo_id}]
    for match in search_features(query, SEARCH_LIMIT):
        if not any(m["slug"] == match.feature.slug for m in matches):
            matches.append({**_feature(request, match.feature), "matched_text": match.matched_text})
    return {**_notice(), "query": query, "results": matches}


@api.get("/features/{key}", response={200: FeatureOut, **ERRORS}, summary="One feature")
@shared
def feature(request: HttpRequest, key: str):
    """A feature by slug or HPO id (alternative and obsolete ids lead to their feature)."""
    key = clean(key)
    resolved = resolve_features([key])
    published = Feature.objects.published().select_related("body_system")
    found = (
        published.filter(pk=resolved.features[0].pk)
        if resolved.features
        else published.filter(slug=key)
    ).first()
    if found is None:
        raise HttpError(404, f"No published feature has the slug or HPO id {key!r}.")
    count = len(ranked([FeatureSummary.of(found)])) if found.is_phenotype else 0
    return {
        **_notice(),
        "feature": _feature(request, found),
        "description": found.description,
        "definition": found.definition,
        "body_system": found.body_system.display_name if found.body_system else "",
        "synonyms": list(found.synonyms.order_by("text").values_list("text", flat=True)),
        "parents": [_feature(request, f) for f in found.parents.published().order_by("name")],
        "children": [_feature(request, f) for f in found.children.published().order_by("name")],
        "conditions_mentioning": count,
        "explore": _with_query(request, "api:explore", [("feature", found.slug)]),
    }


@api.get("/conditions", response={200: ConditionSearchOut, **ERRORS}, summary="Find conditions")
@shared
def conditions(
    request: HttpRequest,
    q: str = Query("", description="A name, alias or code (ORPHA:…, OMIM:…, ICD-10)."),
    page: int = Query(1, ge=1, description="Past the last page: the last page."),
):
    """The conditions list's search: names, aliases and codes, by name."""
    query = clean(q)
    paginator = Paginator(list_conditions(query), CONDITION_PAGE_SIZE)
    shown = paginator.get_page(page)  # past the end: the last page
    return {
        **_notice(),
        "query": query,
        "total": paginator.count,
        "page": shown.number,
        "pages": paginator.num_pages,
        "results": [_condition(request, c) for c in shown.object_list],
    }


@api.get("/conditions/{slug}", response={200: ConditionOut, **ERRORS}, summary="One condition")
@shared
def condition(request: HttpRequest, slug: str):
    """A condition with every feature its sources mention, each with its sources, in its page's
    order: by body system, the most often recorded first."""
    found = Condition.objects.published().filter(slug=clean(slug)).first()
    if found is None:
        raise HttpError(404, f"No published condition has the slug {clean(slug)!r}.")
    page = condition_page(found)  # what its page lists, in the page's order
    related = found.links.filter(to_condition__status=Condition.Status.PUBLISHED).select_related(
        "to_condition"
    )
    return {
        **_notice(),
        "condition": _condition(request, found),
        "codes": [{"scheme": x.scheme, "code": x.code, "url": x.url} for x in found.xrefs.all()],
        "last_reviewed": found.last_reviewed.isoformat() if found.last_reviewed else "",
        "mentions": [_statement(request, m) for m in page.present],
        "documented_absent": [_statement(request, m) for m in page.absent],
        "related": [
            {
                "relation": link.get_relation_display(),
                "condition": _condition(request, link.to_condition),
            }
            for link in related
        ],
        "features_csv": _absolute(
            request, reverse("explorer:condition_features_csv", args=[found.slug])
        ),
    }


@api.get(
    "/explore",
    response={200: ExploreOut, 429: Problem, **ERRORS},
    summary="Conditions whose sources mention the ticked features",
)
@shared
def explore(request: HttpRequest, query: Query[ExploreQuery]):
    """The results page as data: the same order, filters, paging and explanations.

    Each result lists, per ticked feature, the mentions that cover it (its own, or a more
    specific feature's), the frequency exactly as each source records it, and the sources;
    documented absences apart. The order is not a likelihood.
    """
    if retry_after := over_limit(request, "explore"):
        raise RateLimited(retry_after)
    selection = select(query.values)
    if selection.error:
        raise HttpError(400, selection.error)
    features = selection.features
    ranking = ranked(features, selection.order, selection.filters)
    page_size = results_per_page(len(features))  # as the page: fewer as more are ticked
    paginator = Paginator(ranking, page_size)
    page = paginator.get_page(query.page)  # past the end: the last page
    results = explain([condition_id for condition_id, _ in page.object_list], features)
    pairs = selection.params()
    facets = ranking.facets
    return {
        **_notice(),
        "order": describe(selection.order),
        "filters": {
            "reviewed": selection.filters.reviewed,
            **{d: sorted(getattr(selection.filters, d)) for d in DIMENSIONS},
        },
        "facets": facets.options if facets else {},
        "features": [_feature(request, f) for f in features],
        "unknown": selection.unknown,
        "total": paginator.count,
        "complete_count": ranking.complete_count(len(features)) if features else 0,
        "page": page.number,
        "pages": paginator.num_pages,
        "page_size": page_size,
        "results": [_result(request, r) for r in results],
        "csv": _with_query(request, "explorer:results_csv", pairs),
        "phenopacket": _with_query(request, "explorer:phenopacket_export", pairs),
    }


# Conditions side by side (conditions/compare.py), as the /compare/ page shows them -----------


class CompareCell(BaseModel):
    condition: str = Field(description="The condition's slug (one cell per condition, in order).")
    mentioned: bool = Field(description="Its sources mention the feature (present or absent).")
    statement: Statement | None = Field(description="What its sources record; null if none.")


class CompareRow(BaseModel):
    feature: FeatureRef
    body_system: str
    recorded_alike: bool = Field(description="Every condition's sources record it at one step.")
    marked: bool = Field(description="One of the `feature` values carried in the query.")
    cells: list[CompareCell]


class CompareQuery(Schema):
    condition: list[str] = Field(
        default_factory=list,
        description="2 to 4 conditions: slugs, codes such as ORPHA:2905, or exact names.",
        min_length=2,
        max_length=4,
    )
    feature: list[str] = Field(
        default_factory=list,
        description="Features to mark (slugs or HPO ids), as carried from the explore page.",
        max_length=settings.EXPLORER_MAX_FEATURES,
    )


class CompareOut(Notice):
    order: str = Field(description="How the rows are ordered (not a likelihood).")
    conditions: list[ConditionRef]
    unknown: list[str] = Field(description="Values that name no published condition.")
    duplicates: list[str] = Field(description="Values naming a condition already listed.")
    rows: list[CompareRow] = Field(description="Recorded differently first, then alike.")
    csv: str


@api.get(
    "/compare",
    response={200: CompareOut, **ERRORS},
    summary="Conditions side by side: what their sources record alike and differently",
)
@shared
def compare_conditions(request: HttpRequest, query: Query[CompareQuery]):
    """The /compare/ page as data: every feature any of the conditions' sources mention, one
    cell per condition with the frequency exactly as recorded and its sources, the features
    recorded most differently first. It says what sources record, not which condition a
    person has."""
    choice = choose([clean(v) for v in query.condition])
    if choice.error:
        # Nothing found under a value: 404, as for an unknown slug; one condition named twice: 400.
        status = 400 if choice.duplicates and not choice.unknown else 404
        raise HttpError(status, " ".join([choice.error, *choice.problems]))
    comparison = compare(choice.conditions, [clean(v) for v in query.feature])
    slugs = [c.slug for c in comparison.conditions]
    rows = [
        {
            "feature": _feature(request, row.feature),
            "body_system": group.name,
            "recorded_alike": row.shared,
            "marked": row.marked,
            "cells": [
                {
                    "condition": slug,
                    "mentioned": cell is not None,
                    "statement": _statement(request, cell) if cell is not None else None,
                }
                for slug, cell in zip(slugs, row.cells, strict=True)
            ],
        }
        for group in comparison.groups + comparison.shared
        for row in group.rows
    ]
    pairs = [("condition", s) for s in slugs] + [("feature", f.slug) for f in comparison.marked]
    return {
        **_notice(),
        "order": ORDER_RULE,
        "conditions": [_condition(request, c) for c in comparison.conditions],
        "unknown": choice.unknown,
        "duplicates": choice.duplicates,
        "rows": rows,
        "csv": _with_query(request, "explorer:compare_csv", pairs),
    }
