"""A selection in and out as a GA4GH phenopacket (schema v2; v1 files open too).

A saved selection is a phenopacket with the ticked features as `phenotypicFeatures` and the HPO
named in `metaData`: no subject details, no diagnosis, no interpretation. Opening a phenopacket
ticks its observed features; features it marks excluded are listed apart and never ticked.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from conditions.matching import resolve_features
from conditions.summaries import FeatureSummary

from .provenance import hpo_version
from .selection import select

SCHEMA_VERSION = "2.0"
# Features the HPO does not hold (staff-made ones) travel under our own prefix and come back.
LOCAL_PREFIX = "symptom-explorer:"
MAX_BYTES = 512 * 1024
MAX_FEATURES_IN_FILE = 500  # a person's phenopacket lists tens; thousands are not a selection


def build_phenopacket(features: list[FeatureSummary]) -> dict:
    """A v2 phenopacket (as its JSON mapping) holding the given features, in order."""
    terms = [(f.hpo_id or f"{LOCAL_PREFIX}{f.slug}", f.name) for f in features]
    digest = hashlib.sha256("\n".join(t for t, _ in terms).encode()).hexdigest()[:12]
    resources = [
        {
            "id": "hp",
            "name": "human phenotype ontology",
            "url": "http://purl.obolibrary.org/obo/hp.json",
            "version": hpo_version() or "curated",
            "namespacePrefix": "HP",
            "iriPrefix": "http://purl.obolibrary.org/obo/HP_",
        }
    ]
    if any(not f.hpo_id for f in features):
        resources.append(
            {
                "id": "symptom-explorer",
                "name": "Symptom Explorer features",
                "url": "https://symptom-explorer.invalid/features/",
                "version": "1",
                "namespacePrefix": LOCAL_PREFIX.rstrip(":"),
                "iriPrefix": "https://symptom-explorer.invalid/features/",
            }
        )
    return {
        "id": f"symptom-explorer-selection-{digest}",
        "phenotypicFeatures": [{"type": {"id": term, "label": label}} for term, label in terms],
        "metaData": {
            "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "createdBy": "Symptom Explorer (a selection of features; not a diagnosis)",
            "resources": resources,
            "phenopacketSchemaVersion": SCHEMA_VERSION,
        },
    }


class PhenopacketError(ValueError):
    """The input is not a phenopacket we can open; the message says why, for the visitor."""


@dataclass
class Opened:
    features: list[FeatureSummary] = field(default_factory=list)  # observed, known: to tick
    excluded: list[str] = field(default_factory=list)  # "HP:… label", marked absent in the file
    unknown: list[str] = field(default_factory=list)  # observed terms we do not hold

    def explore_url(self) -> str:
        query = urlencode([("feature", f.hpo_id or f.slug) for f in self.features])
        return reverse("explorer:explore") + (f"?{query}" if query else "")


def _term(item: object, where: str) -> tuple[str, str]:
    if not isinstance(item, dict):
        raise PhenopacketError(f"{where} is not an object.")
    term = item.get("type")
    if not isinstance(term, dict) or not isinstance(term.get("id"), str) or not term["id"]:
        raise PhenopacketError(f'{where} has no "type" with an "id" (such as HP:0000979).')
    label = term.get("label", "")
    return term["id"].strip()[:100], label.strip()[:200] if isinstance(label, str) else ""


def read_phenopacket(text: str) -> Opened:
    """The observed and excluded features of a phenopacket's JSON (v2, or v1's `negated`)."""
    if len(text.encode()) > MAX_BYTES:
        raise PhenopacketError(f"The file is larger than {MAX_BYTES // 1024} kB.")
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise PhenopacketError("This is not JSON. A phenopacket is a JSON file.") from None
    except RecursionError:
        raise PhenopacketError("This JSON is nested too deeply to be a phenopacket.") from None
    if not isinstance(data, dict):
        raise PhenopacketError("This is JSON, but not a phenopacket (it is not an object).")
    if "proband" in data or "members" in data:
        raise PhenopacketError(
            "This is a family or cohort file. Open one person's phenopacket instead."
        )
    items = data.get("phenotypicFeatures", data.get("phenotypic_features"))
    if items is None:
        raise PhenopacketError(
            'This is JSON, but not a phenopacket: it has no "phenotypicFeatures" list.'
        )
    if not isinstance(items, list):
        raise PhenopacketError('"phenotypicFeatures" must be a list.')
    if len(items) > MAX_FEATURES_IN_FILE:
        raise PhenopacketError(
            f"The file lists {len(items)} features; at most {MAX_FEATURES_IN_FILE} can be opened."
        )
    opened = Opened()
    observed: list[str] = []
    for number, item in enumerate(items, start=1):
        term, label = _term(item, f"Feature {number}")
        flag = item.get("excluded", item.get("negated", False))
        if not isinstance(flag, bool):
            raise PhenopacketError(f'Feature {number}: "excluded" must be true or false.')
        if flag:
            opened.excluded.append(f"{term} {label}".strip())
        else:
            observed.append(term.removeprefix(LOCAL_PREFIX))
    resolved = resolve_features(observed)
    if len(resolved.features) > settings.EXPLORER_MAX_FEATURES:
        raise PhenopacketError(
            f"The file lists {len(resolved.features)} features we know. The explorer compares at "
            f"most {settings.EXPLORER_MAX_FEATURES} at a time: remove some and try again."
        )
    opened.features = resolved.features
    opened.unknown = resolved.unknown
    return opened


@require_safe
def phenopacket_export(request: HttpRequest) -> HttpResponse:
    selection = select(request.GET.getlist)
    if selection.error:
        return JsonResponse({"error": selection.error}, status=400)
    if not selection.features:
        return JsonResponse({"error": "Tick at least one feature to save."}, status=400)
    response = JsonResponse(build_phenopacket(selection.features), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = 'attachment; filename="selection.phenopacket.json"'
    response["Access-Control-Allow-Origin"] = "*"  # open data, like the API
    return response


class OpenForm(forms.Form):
    file = forms.FileField(label="A phenopacket file (.json)", required=False)
    text = forms.CharField(
        label="Or paste its JSON",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        strip=False,
    )

    def clean(self):
        data = super().clean()
        upload, text = data.get("file"), data.get("text", "")
        if upload:
            if upload.size > MAX_BYTES:
                raise forms.ValidationError(f"The file is larger than {MAX_BYTES // 1024} kB.")
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError(
                    "The file is not text (UTF-8): is it a phenopacket?"
                ) from None
        if not text.strip():
            raise forms.ValidationError("Choose a file or paste a phenopacket's JSON.")
        try:
            data["opened"] = read_phenopacket(text)
        except PhenopacketError as error:
            raise forms.ValidationError(str(error)) from None
        return data


# No CSRF token: opening a file changes nothing (it is read, answered and forgotten), and a
# script may post one with curl like any other open-data call.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def phenopacket_import(request: HttpRequest) -> HttpResponse:
    """Open a phenopacket: straight to its results when every feature is used, otherwise a page
    that names what was left out and links on."""
    if request.method == "POST":
        form = OpenForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, "explorer/phenopacket.html", {"form": form}, status=400)
        opened = form.cleaned_data["opened"]
        if opened.features and not opened.excluded and not opened.unknown:
            response = redirect(opened.explore_url())
            response.status_code = 303  # after a POST, the browser GETs the results
            return response
        return render(request, "explorer/phenopacket.html", {"form": form, "opened": opened})
    return render(request, "explorer/phenopacket.html", {"form": OpenForm()})
