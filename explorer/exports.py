"""Downloads with provenance: every result of a query, or every mention of a condition, as CSV.

One row per (condition, ticked feature, matching mention, source), so each frequency sits beside
the one source that records it. The rows come from the same index and functions as the pages.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from itertools import batched

from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from conditions.condition_page import condition_page
from conditions.matching import EVERY, explain, ranked
from conditions.models import Condition, CrossReference
from conditions.summaries import FeatureSummary

from .provenance import HPO_URL, NOT_A_DIAGNOSIS, hpo_version, licence_notice
from .ratelimit import rate_limited
from .selection import select

HPO_ANNOTATIONS = "Human Phenotype Ontology annotations (phenotype.hpoa)"
CHUNK = 50  # conditions explained at a time, as a results page does

CONDITION_HEAD = ["condition", "condition_page", "condition_codes"]
# What a statement says and where it comes from: the same in both downloads.
STATEMENT_TAIL = [
    "frequency_as_recorded",
    "documented_absent",
    "source",
    "source_url",
    "evidence",
    "reference",
    "hpo_release",
]
RESULT_COLUMNS = [
    *CONDITION_HEAD,
    "ticked_feature",
    "ticked_hpo_id",
    "matched_feature",
    "matched_hpo_id",
    *STATEMENT_TAIL,
]
CONDITION_COLUMNS = [*CONDITION_HEAD, "feature", "hpo_id", *STATEMENT_TAIL]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def spreadsheet_safe(value: object) -> str:
    """A cell no spreadsheet will run as a formula: one starting =, +, -, @ (or a tab or line
    break before them) gets a leading apostrophe, which spreadsheets show as text."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def source_cells(mention) -> list[tuple[str, ...]]:
    """(frequency, documented absent, source, url, evidence, reference) for each source a mention
    cites, each with the figure THAT source records: the staff's sources, then the HPO
    annotation (its own frequency, evidence code and references). Never none: a mention with no
    recorded source says so rather than vanishing from the download."""
    cells = [
        (s.frequency[1], _yes_no(s.frequency[2] == "absent"), s.title, s.url, mention.evidence, "")
        for s in mention.cited_sources()
    ]
    own = (mention.frequency_label, _yes_no(mention.is_absent))
    if mention.references:
        cells.append((*own, HPO_ANNOTATIONS, HPO_URL, mention.evidence, mention.references))
    return cells or [(*own, "no source recorded", "", mention.evidence, "")]


def _codes(condition_ids: Iterable[int]) -> dict[int, str]:
    codes: dict[int, list[str]] = {}
    for condition_id, scheme, code in CrossReference.objects.filter(
        condition_id__in=list(condition_ids)
    ).values_list("condition_id", "scheme", "code"):
        codes.setdefault(condition_id, []).append(CrossReference(scheme=scheme, code=code).label)
    return {pk: " ".join(labels) for pk, labels in codes.items()}


def _absolute(request: HttpRequest | None, path: str) -> str:
    return request.build_absolute_uri(path) if request else path


def result_rows(
    features: Sequence[FeatureSummary],
    condition_ids: Sequence[int],
    request: HttpRequest | None = None,
) -> Iterator[list[str]]:
    """Rows for the given results (in result order): every mention at or below each ticked
    feature, and the documented absences the page would show, each once per source."""
    release = hpo_version()
    for chunk in batched(condition_ids, CHUNK):
        codes = _codes(chunk)
        for result in explain(chunk, features, per_feature=EVERY):
            condition = result.condition
            head = [
                condition.name,
                _absolute(request, condition.get_absolute_url()),
                codes.get(condition.pk, ""),
            ]
            statements = [(hit.ticked, m) for hit in result.hits for m in hit.mentions]
            statements += [
                (f, result.absent_for[f.pk]) for f in result.ticked if f.pk in result.absent_for
            ]
            for ticked, mention in statements:
                for source in source_cells(mention):
                    yield [
                        *head,
                        ticked.name,
                        ticked.hpo_id,
                        mention.feature.name,
                        mention.feature.hpo_id,
                        *source,
                        release,
                    ]


def condition_rows(condition: Condition, request: HttpRequest | None = None) -> Iterator[list]:
    """Every published mention of a condition in its page's order (documented absences last),
    each once per source."""
    release = hpo_version()
    page = condition_page(condition)
    head = [
        condition.name,
        _absolute(request, condition.get_absolute_url()),
        _codes([condition.pk]).get(condition.pk, ""),
    ]
    for mention in page.present + page.absent:
        for source in source_cells(mention):
            yield [
                *head,
                mention.feature.name,
                mention.feature.hpo_id,
                *source,
                release,
            ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(
    filename: str, columns: list[str], rows: Iterable[list], footer: str = ""
) -> StreamingHttpResponse:
    """Stream rows as they are made, every cell spreadsheet-safe. The file ends with `footer`
    (if any), then the HPO licence notice and the note that this is not a diagnosis, each a
    one-cell row."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(columns)
        for row in rows:
            yield writer.writerow([spreadsheet_safe(cell) for cell in row])
        for line in (footer, licence_notice(), NOT_A_DIAGNOSIS):
            if line:
                yield writer.writerow([spreadsheet_safe(line)])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _plain_error(message: str, status: int = 400) -> HttpResponse:
    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")


@require_safe
@rate_limited("download")
def results_csv(request: HttpRequest) -> HttpResponse:
    """Every result of the query, with its order and filters (up to
    EXPLORER_DOWNLOAD_MAX_CONDITIONS conditions, in the page's order); a closing line says so
    when there were more."""
    selection = select(request.GET.getlist)
    if selection.error:
        return _plain_error(selection.error)
    if not selection.features:
        return _plain_error("Tick at least one feature: add feature=<slug or HPO id> to the URL.")
    ranking = ranked(selection.features, selection.order, selection.filters)
    bound = settings.EXPLORER_DOWNLOAD_MAX_CONDITIONS
    ids = [condition_id for condition_id, _ in ranking[:bound]]
    footer = ""
    if len(ranking) > bound:
        footer = (
            f"This download stops at {bound} conditions; the query matched {len(ranking)}. "
            "Tick more specific features to narrow it."
        )
    response = csv_response(
        "symptom-explorer-results.csv",
        RESULT_COLUMNS,
        result_rows(selection.features, ids, request),
        footer,
    )
    response["X-Conditions-Listed"] = str(len(ids))
    response["X-Conditions-Matched"] = str(len(ranking))
    return response


@require_safe
def condition_features_csv(request: HttpRequest, slug: str) -> HttpResponse:
    condition = get_object_or_404(Condition.objects.published(), slug=slug)
    return csv_response(
        f"{condition.slug}-features.csv", CONDITION_COLUMNS, condition_rows(condition, request)
    )
