"""The staff's workplace: curate conditions, features, mentions and sources, with revertible history."""

import re
from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import NestedObjects
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, router
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower, NullIf
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.views.decorators.http import require_POST
from simple_history.admin import SimpleHistoryAdmin

from . import content_version
from .bulk import record_history
from .closure import would_create_cycle
from .history import (
    CONDITION_PARTS,
    REASON_MAX,
    condition_history,
    conflict,
    deleted_conditions,
    restore_condition,
    revert_condition,
    stamp,
    version_of,
)
from .models import (
    REVIEW_INTERVAL,
    BodySystem,
    Condition,
    ConditionLink,
    CrossReference,
    Feature,
    FeatureAlias,
    HpoRelease,
    Mention,
    MentionSource,
    Origin,
    RecordedFrequency,
    Source,
    Synonym,
)
from .readability import grade_description, hardest_paragraph_description
from .search import find_conditions, search_features


class ReviewedBeforeFilter(admin.SimpleListFilter):
    title = "last reviewed"
    parameter_name = "reviewed"

    def lookups(self, request, model_admin):
        return [
            ("never", "Never reviewed"),
            ("overdue", "Review overdue"),
            ("1y", "More than a year ago"),
            ("2y", "More than two years ago"),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        match self.value():
            case "never":
                return queryset.filter(last_reviewed__isnull=True)
            case "overdue":
                return queryset.filter(last_reviewed__lt=today - REVIEW_INTERVAL)
            case "1y":
                return queryset.filter(last_reviewed__lt=today - timedelta(days=365))
            case "2y":
                return queryset.filter(last_reviewed__lt=today - timedelta(days=730))
        return queryset


class SummaryFilter(admin.SimpleListFilter):
    title = "summary"
    parameter_name = "summary"

    def lookups(self, request, model_admin):
        return [
            ("missing", "No summary"),
            ("nothing", "No summary, nothing to generate one from"),
            ("written", "Has a summary"),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "missing":
                return queryset.filter(summary="")
            case "nothing":
                return queryset.nothing_to_summarise()
            case "written":
                return queryset.exclude(summary="")
        return queryset


class BodySystemOfMentionsFilter(admin.SimpleListFilter):
    """Conditions that mention at least one feature in a body system."""

    title = "body system"
    parameter_name = "body_system"

    def lookups(self, request, model_admin):
        return BodySystem.objects.values_list("slug", "name")

    def queryset(self, request, queryset):
        if self.value():
            # EXISTS, not a join + DISTINCT over 115k mentions (that took 3.7 s).
            in_system = Mention.objects.filter(
                condition=OuterRef("pk"), feature__body_system__slug=self.value()
            )
            return queryset.filter(Exists(in_system))
        return queryset


class SummarisedDeleteMixin:
    """Delete confirmations that count what goes with an object instead of naming every row.

    Django's own page prints every cascaded row, each `str()` a query or two: deleting a feature
    mentioned by hundreds of conditions ran a thousand queries. Counts per kind say the same.
    """

    def get_deleted_objects(self, objs, request):
        objs = list(objs)
        if not objs:
            return [], {}, set(), []
        collector = NestedObjects(using=router.db_for_write(self.model), origin=objs)
        collector.collect(objs)
        perms_needed = set()
        model_count = {}
        summary = []
        for model, instances in collector.model_objs.items():
            opts = model._meta
            model_count[opts.verbose_name_plural] = len(instances)
            if self.admin_site.is_registered(model):
                model_admin = self.admin_site.get_model_admin(model)
                if not model_admin.has_delete_permission(request):
                    perms_needed.add(opts.verbose_name)
            if model is not self.model and not opts.auto_created:
                summary.append(f"{len(instances)} {_kind(opts, len(instances))}")
        roots = []
        for obj in objs:
            roots.append(_change_link(obj, self.admin_site.name))
        deleted = [*roots, summary] if summary else roots
        return deleted, model_count, perms_needed, self._protected_summary(collector, objs)

    def _protected_summary(self, collector, objs) -> list:
        by_model: dict[type, int] = {}
        for obj in collector.protected:
            by_model[type(obj)] = by_model.get(type(obj), 0) + 1
        lines = []
        for model, count in by_model.items():
            url = _filtered_changelist(model, self.model, objs, self.admin_site.name)
            label = f"{count} {_kind(model._meta, count)}"
            lines.append(format_html('<a href="{}">{}</a>', url, label) if url else label)
        return lines


HISTORY_KINDS = {
    "condition": Condition,
    "mention": Mention,
    "code": CrossReference,
    "link": ConditionLink,
}


def _history_record(kind, history_id, condition: Condition):
    """A history record of the condition or of one of its parts, or None."""
    model = HISTORY_KINDS.get(kind or "")
    if model is None or not str(history_id).isdigit():
        return None
    owner = {"id": condition.pk} if model is Condition else {CONDITION_PARTS[model]: condition.pk}
    return model.history.filter(history_id=history_id, **owner).first()


def _kind(opts, count: int) -> str:
    return str(opts.verbose_name if count == 1 else opts.verbose_name_plural)


def _change_link(obj, site_name: str):
    opts = obj._meta
    try:
        url = reverse(f"{site_name}:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return f"{capfirst(opts.verbose_name)}: {obj}"
    return format_html('{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), url, obj)


def _filtered_changelist(model, parent_model, objs, site_name: str) -> str | None:
    """The changelist of `model` filtered to rows pointing at the one object being deleted."""
    if len(objs) != 1:
        return None
    field = next(
        (f for f in model._meta.get_fields() if f.many_to_one and f.related_model is parent_model),
        None,
    )
    try:
        url = reverse(f"{site_name}:{model._meta.app_label}_{model._meta.model_name}_changelist")
    except NoReverseMatch:
        return None
    return f"{url}?{field.name}__id__exact={objs[0].pk}" if field else url


RETURN_TO_CONDITION = "from_condition"
RANKED_LOOKUPS = 20  # one autocomplete page
CODE_TERM = re.compile(r"^(?P<scheme>[A-Za-z0-9]+):(?P<code>\S+)$")


def is_autocomplete(request) -> bool:
    return request.path.endswith("/autocomplete/")


def in_rank_order(queryset, ranked_ids: list[int], also):
    """`ranked_ids` first, in that order, then whatever else `also` (a Q) finds, by name."""
    order = Case(
        *[When(pk=pk, then=Value(i)) for i, pk in enumerate(ranked_ids)],
        default=Value(len(ranked_ids)),
        output_field=IntegerField(),
    )
    return (
        queryset.filter(Q(pk__in=ranked_ids) | also).annotate(rank=order).order_by("rank", "name")
    )


class LabelledAutocompleteView(AutocompleteJsonView):
    """Autocomplete choices labelled by the model admin's `autocomplete_label`, when it has one."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        label = getattr(self.model_admin, "autocomplete_label", None)
        if label is not None:
            result["text"] = label(obj)
        return result


def feature_label(feature: Feature) -> str:
    """ "plain name (medical name) · HP:…", as editors asked to read a choice."""
    return f"{feature.display_name} · {feature.hpo_id}" if feature.hpo_id else feature.display_name


def source_label(source: Source) -> str:
    """Title, publisher and year, so two editions or two publishers' pages are told apart."""
    accessed = f"accessed {source.accessed.year}" if source.accessed else ""
    details = " · ".join(part for part in (source.publisher, accessed) if part)
    return f"{source.title} ({details})" if details else source.title


def recent_sources(condition_id) -> list[int]:
    """The sources of the condition's newest mention that cites any: a new one likely cites them too."""
    newest = (
        Mention.objects.filter(condition_id=condition_id, sources__isnull=False)
        .order_by("-pk")
        .values("pk")[:1]
    )
    return list(Source.objects.filter(mentions__in=Subquery(newest)).values_list("pk", flat=True))


def mention_rows(condition_id) -> list[Mention]:
    """A condition's mentions for its compact table: two queries whatever their number."""
    return list(
        Mention.objects.filter(condition_id=condition_id)
        .select_related("feature")
        .prefetch_related("citations__source")
        # As the table shows them: plain name first, else the medical one.
        .order_by(Lower(Coalesce(NullIf("feature__plain_name", Value("")), "feature__name")))
    )


# Every database rule, as an editor would want to hear it (never a constraint's name).
PLAIN_CONSTRAINTS = {
    "mention_n_at_most_m": "The number of people with the feature (n) cannot be more than the "
    "number studied (m).",
    "mention_percent_0_to_100": "A percentage must be between 0 and 100.",
    "mention_m_positive": "The number of people studied (m) must be at least 1.",
    "mention_frequency_complete": "Fill in the frequency as the source gives it: a category, "
    "n of m, or a percentage; or choose “Not recorded”.",
    "mention_unique_pair": "This condition already mentions that feature: edit that mention "
    "instead.",
    "feature_hpo_id_format": "An HPO id looks like HP:0001945: HP, a colon and seven digits.",
    "feature_illustration_alt_text": "An illustration needs alt text that describes it for "
    "people who cannot see it.",
    "feature_unique_hpo_id": "Another feature already has this HPO id.",
    "feature_urgent_advice_sourced": "Emergency advice needs the source it comes from.",
    "feature_alias_unique": "This HPO id already leads to that feature.",
    "source_pmid_digits": "A PMID is digits only, e.g. 31206987.",
    "condition_link_not_self": "A condition cannot be related to itself.",
    "condition_link_unique_pair": "These two conditions are already related.",
    "xref_unique_code": "Another condition already has this code.",
    "synonym_unique_per_feature": "This feature already has that synonym.",
}


def plain_words(error: ValidationError, model) -> ValidationError:
    """The same errors with every constraint and uniqueness message in plain words."""
    if hasattr(error, "error_dict"):
        return ValidationError(
            {
                field: [plain_words(e, model) for e in errors]
                for field, errors in error.error_dict.items()
            }
        )
    if len(error.error_list) > 1:
        return ValidationError([plain_words(e, model) for e in error.error_list])
    message = error.message % error.params if error.params else error.message
    name = _constraint_named(model, error)
    if name in PLAIN_CONSTRAINTS:
        return ValidationError(PLAIN_CONSTRAINTS[name], code=error.code)
    if error.code == "unique" and error.params and error.params.get("field_label"):
        return ValidationError(
            f"Another {model._meta.verbose_name} already uses this "
            f"{error.params['field_label'].lower()}.",
            code="unique",
        )
    return ValidationError(message, code=error.code)


def _constraint_named(model, error: ValidationError) -> str | None:
    """Which of the model's constraints raised `error`, if any."""
    params = error.params or {}
    fields = tuple(params.get("unique_check") or ())
    for constraint in model._meta.constraints:
        if fields and tuple(getattr(constraint, "fields", ())) == fields:
            return constraint.name
        if f"“{constraint.name}”" in str(error.message % params if params else error.message):
            return constraint.name
    return None


class PlainWordsForm(forms.ModelForm):
    """Database rules reported in plain words (see PLAIN_CONSTRAINTS)."""

    def validate_unique(self):
        try:
            self.instance.validate_unique(exclude=self._get_validation_exclusions())
        except ValidationError as error:
            self._update_errors(plain_words(error, self._meta.model))

    def validate_constraints(self):
        try:
            self.instance.validate_constraints(exclude=self._get_validation_exclusions())
        except ValidationError as error:
            self._update_errors(plain_words(error, self._meta.model))


class CuratedForm(PlainWordsForm):
    """Every curated form asks why (optional; the history lists it) and refuses a stale save.

    `seen_version` is the version the editor opened (see history.version_of). If someone else
    saved since, nothing is saved: the form says who changed what, keeps the editor's own
    values, and takes the new version, so saving again knowingly replaces the other change.
    """

    change_reason = forms.CharField(
        label="Reason for this change",
        required=False,
        max_length=REASON_MAX,
        help_text="Optional. Shown in the history, e.g. “Corrected from the 2024 Orphanet review”.",
    )
    seen_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["seen_version"] = version_of(self.instance)

    def clean(self):
        data = super().clean()
        if not self.instance.pk:
            return data
        # Lock the row so two saves of it cannot both pass this check (PostgreSQL).
        type(self.instance).objects.select_for_update().filter(pk=self.instance.pk).exists()
        found = conflict(self.instance, data.get("seen_version") or "")
        if found is not None:
            self.data = self.data.copy()
            self.data[self.add_prefix("seen_version")] = version_of(self.instance)
            raise forms.ValidationError(stale_message(found), code="stale")
        return data


def stale_message(found) -> str:
    when = f" at {timezone.localtime(found.at):%H:%M:%S on %Y-%m-%d}" if found.at else ""
    lines = [f"{found.by} saved this page{when}, after you opened it. Nothing was saved."]
    lines += [f"{name}: now “{new}” (was “{old}”)." for name, old, new in found.changes]
    if found.parts_changed:
        lines.append("Rows in the tables below (codes, links or synonyms) changed too.")
    lines.append(
        "Your edits are still in the form. Open the page in a new tab to see the current "
        "version; saving this form again replaces those changes with yours."
    )
    return " ".join(lines)


class HistoryAdmin(SummarisedDeleteMixin, SimpleHistoryAdmin):
    """Curated models: every record of one save shares its moment and the editor's reason."""

    form = CuratedForm

    def save_model(self, request, obj, form, change):
        stamp(obj, request, form.cleaned_data.get("change_reason", ""))
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        reason = form.cleaned_data.get("change_reason", "")
        for inline_form in formset.forms:
            stamp(inline_form.instance, request, reason)
        super().save_formset(request, form, formset, change)


FREQUENCY_FIELDS = RecordedFrequency.FREQUENCY_FIELDS


class FrequencyForm(forms.ModelForm):
    """A frequency typed exactly as a source records it (a mention's, or one cited source's)."""

    def clean(self):
        """Say which frequency fields belong together before the database constraint refuses them."""
        data = super().clean()
        kind = data.get("frequency_kind")
        kinds = Mention.FrequencyKind
        needs = {
            kinds.CATEGORY: ["frequency_category"],
            kinds.COUNT: ["numerator", "denominator"],
            kinds.PERCENT: ["percent"],
            kinds.NOT_RECORDED: [],
        }.get(kind, [])
        for name in needs:
            if data.get(name) in (None, ""):
                self.add_error(name, "Needed for this kind of frequency.")
        for name in ("frequency_category", "numerator", "denominator", "percent"):
            if name not in needs and data.get(name) not in (None, ""):
                self.add_error(name, "Leave empty for this kind of frequency.")
        numerator, denominator = data.get("numerator"), data.get("denominator")
        if numerator is not None and denominator is not None and numerator > denominator:
            self.add_error("numerator", "n cannot be more than m.")
        if denominator == 0:
            self.add_error("denominator", "m must be at least 1.")
        self._check_absence(data)
        origin = data.get("origin") or getattr(self.instance, "origin", Origin.CURATED)
        if origin == Origin.CURATED and "sources" in self.fields and not data.get("sources"):
            self.add_error("sources", "Name the source this statement comes from.")
        return data

    def _check_absence(self, data) -> None:
        """Documented absent only with a frequency of none; "Excluded (0%)" is an absence."""
        kinds, categories = Mention.FrequencyKind, Mention.Category
        kind = data.get("frequency_kind")
        if kind == kinds.CATEGORY and data.get("frequency_category") == categories.EXCLUDED:
            data["is_absent"] = True
            return
        if not data.get("is_absent"):
            return
        seen_in_some = (
            (kind == kinds.CATEGORY and data.get("frequency_category"))
            or (kind == kinds.COUNT and data.get("numerator"))
            or (kind == kinds.PERCENT and data.get("percent"))
        )
        if seen_in_some:
            self.add_error(
                "is_absent",
                "A feature the source says is absent cannot also have a frequency above zero. "
                "Choose “Not recorded”, “Excluded (0%)”, 0 of m or 0%, or untick this box.",
            )


class MentionForm(CuratedForm, FrequencyForm):
    class Meta:
        model = Mention
        fields = "__all__"
        help_texts = {
            "frequency_kind": "As its HPO annotation (the references below) records it. Each "
            "source it cites has its own figure, under “sources cited”.",
        }


class NewMentionForm(MentionForm):
    """A mention typed on its condition's page: the frequency typed is what the sources chosen
    record (each source keeps its own figure, edited later on the mention's page)."""

    sources = forms.ModelMultipleChoiceField(
        Source.objects.all(),
        required=False,
        widget=AutocompleteSelectMultiple(Mention._meta.get_field("sources"), admin.site),
        help_text="Each is credited with the frequency above; change a source's own figure on "
        "the mention's page.",
    )

    class Meta:
        model = Mention
        fields = [
            "feature",
            "sources",
            *FREQUENCY_FIELDS,
            "is_absent",
            "onset",
        ]

    def _save_m2m(self):
        chosen = self.cleaned_data.pop("sources", None)
        super()._save_m2m()
        if chosen is not None:
            figure = {f: self.cleaned_data.get(f) for f in (*FREQUENCY_FIELDS, "is_absent")}
            figure["frequency_category"] = figure["frequency_category"] or ""
            self.instance.sources.set(chosen, through_defaults=figure)


class MentionSourceForm(FrequencyForm):
    class Meta:
        model = MentionSource
        fields = ["source", *FREQUENCY_FIELDS, "is_absent"]


class MentionSourceFormSet(forms.BaseInlineFormSet):
    def clean(self):
        """A curated mention names at least one source (an imported one cites its references;
        a figure staff add to it is a row here, so it names its source too)."""
        super().clean()
        if self.instance.origin != Origin.CURATED:
            return
        kept = [
            form
            for form in self.forms
            if form.cleaned_data.get("source") and not form.cleaned_data.get("DELETE")
        ]
        if not kept:
            raise ValidationError("Name the source this statement comes from.")


class MentionSourceInline(admin.TabularInline):
    """The sources a mention cites, each with the frequency it records itself."""

    model = MentionSource
    form = MentionSourceForm
    formset = MentionSourceFormSet
    extra = 0
    autocomplete_fields = ["source"]
    fields = ["source", *FREQUENCY_FIELDS, "is_absent"]

    def get_formset_kwargs(self, request, obj, *args, **kwargs):
        formset_kwargs = super().get_formset_kwargs(request, obj, *args, **kwargs)
        condition = request.GET.get("condition", "")
        if obj is None and condition.isdigit() and request.method == "GET":
            # A new mention starts with the sources of the one added before: no retyping.
            formset_kwargs["initial"] = [{"source": pk} for pk in recent_sources(condition)]
        return formset_kwargs

    def get_extra(self, request, obj=None, **kwargs):
        condition = request.GET.get("condition", "")
        if obj is None and condition.isdigit():
            return max(len(recent_sources(condition)), 1)
        return 1 if obj is None else 0


class MentionInline(admin.StackedInline):
    """New mentions typed on the condition page. Existing ones are listed compactly above and
    edited one at a time: posting every mention back made big conditions (Williams syndrome,
    185 mentions, 2,475 fields) unsavable."""

    model = Mention
    form = NewMentionForm  # its fields, in order; the note is on the mention's own page
    extra = 1
    verbose_name_plural = "add mentions"
    autocomplete_fields = ["feature"]

    def get_queryset(self, request):
        return super().get_queryset(request).none()


def condition_link(condition: Condition):
    url = reverse("admin:conditions_condition_change", args=[condition.pk])
    return format_html('<a href="{}">{}</a>', url, condition)


class ConditionForm(CuratedForm):
    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        same = Condition.objects.filter(name__iexact=name).exclude(pk=self.instance.pk).first()
        if same is not None and name.lower() != (self.instance.name or "").lower():
            raise ValidationError(
                format_html(
                    "{} already exists: open it to add to it rather than making a second one.",
                    condition_link(same),
                )
            )
        return name


class CrossReferenceForm(PlainWordsForm):
    def clean(self):
        data = super().clean()
        scheme, code = data.get("scheme"), (data.get("code") or "").strip()
        owner = (
            CrossReference.objects.filter(scheme=scheme, code__iexact=code)
            .exclude(pk=self.instance.pk)
            .select_related("condition")
            .first()
        )
        if owner is not None:
            self.add_error(
                "code",
                format_html(
                    "{}:{} already belongs to {}: open it to add to it rather than making a "
                    "second one.",
                    scheme,
                    code,
                    condition_link(owner.condition),
                ),
            )
        return data


class CrossReferenceInline(admin.TabularInline):
    model = CrossReference
    form = CrossReferenceForm
    extra = 1


class ConditionLinkInline(admin.TabularInline):
    model = ConditionLink
    form = PlainWordsForm
    fk_name = "from_condition"
    extra = 1
    autocomplete_fields = ["to_condition", "source"]
    verbose_name = "related condition"
    verbose_name_plural = "related conditions"


@admin.register(Condition)
class ConditionAdmin(HistoryAdmin):
    form = ConditionForm
    list_display = ["name", "status", "mention_count", "codes", "last_reviewed", "origin"]
    list_filter = [
        "status",
        "origin",
        ReviewedBeforeFilter,
        SummaryFilter,
        BodySystemOfMentionsFilter,
    ]
    search_fields = ["name", "slug", "summary", "aliases", "xrefs__code"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "last_reviewed"
    inlines = [MentionInline, CrossReferenceInline, ConditionLinkInline]
    actions = ["publish", "unpublish", "mark_reviewed_today"]
    list_per_page = 50
    show_full_result_count = False  # a COUNT(*) per page is slow over 12k imported conditions
    fieldsets = [
        (None, {"fields": ["name", "slug", "status", "last_reviewed"]}),
        (
            "Plain-language text",
            {
                "fields": [
                    "summary",
                    "summary_reading_level",
                    "description",
                    "description_reading_level",
                    "aliases",
                ]
            },
        ),
        ("Provenance", {"fields": ["origin"], "classes": ["collapse"]}),
        (None, {"fields": ["change_reason", "seen_version"]}),
    ]
    object_history_template = "admin/conditions/condition/object_history.html"
    # Where a row came from is a fact, not an editable setting (the import decides it).
    readonly_fields = ["summary_reading_level", "description_reading_level", "origin"]

    @admin.display(description="reading level of the saved summary")
    def summary_reading_level(self, obj):
        return grade_description(obj.summary)

    @admin.display(description="reading level of the saved description")
    def description_reading_level(self, obj):
        return hardest_paragraph_description(obj.description)

    def get_queryset(self, request):
        # A correlated count per shown row, not a GROUP BY over every mention.
        mentions = (
            Mention.objects.filter(condition=OuterRef("pk"))
            .order_by()
            .values("condition")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(mention_total=Coalesce(Subquery(mentions, output_field=IntegerField()), 0))
            .prefetch_related("xrefs")
        )

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not is_autocomplete(request) or not term:
            return super().get_search_results(request, queryset, search_term)
        # Ranked as the public search ranks published conditions (codes, exact names, names
        # starting with the words, other names); then drafts and anything else whose name holds
        # the term or whose code it is.
        code = CODE_TERM.match(term)
        by_code = (
            Q(scheme__iexact=code["scheme"], code__iexact=code["code"])
            if code
            else Q(code__iexact=term)
        )
        coded = CrossReference.objects.filter(by_code).values("condition")
        ranked = [match.condition.pk for match in find_conditions(term, limit=RANKED_LOOKUPS)]
        also = Q(name__icontains=term) | Q(pk__in=Subquery(coded))
        return in_rank_order(queryset, ranked, also), False

    def autocomplete_label(self, condition: Condition) -> str:
        codes = ", ".join(x.label for x in condition.xrefs.all())
        return f"{condition.name} · {codes}" if codes else condition.name

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, MentionInline) and obj is not None and obj.pk:
            # New mentions start with the sources of the one added before: no retyping.
            sources = recent_sources(obj.pk)
            kwargs["initial"] = [{"sources": sources}] * inline.extra if sources else None
        return kwargs

    def change_view(self, request, object_id, form_url="", extra_context=None):
        rows = mention_rows(object_id) if str(object_id).isdigit() else []
        extra_context = {**(extra_context or {}), "mention_rows": rows, "show_mentions": True}
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description="mentions", ordering="mention_total")
    def mention_count(self, obj):
        return obj.mention_total

    @admin.display(description="codes")
    def codes(self, obj):
        return ", ".join(x.label for x in obj.xrefs.all())

    @admin.action(description="Publish the selected conditions")
    def publish(self, request, queryset):
        self._update_each(request, queryset, status=Condition.Status.PUBLISHED)

    @admin.action(description="Return the selected conditions to draft")
    def unpublish(self, request, queryset):
        self._update_each(request, queryset, status=Condition.Status.DRAFT)

    @admin.action(description="Mark the selected conditions as reviewed today")
    def mark_reviewed_today(self, request, queryset):
        self._update_each(request, queryset, last_reviewed=timezone.localdate())

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # simple-history's revert URL passes (object_id, version_id) positionally.
        match = request.resolver_match
        version = match.args[1] if match and len(match.args) == 2 else None
        if "_change_history" in request.POST and str(version).isdigit():
            # simple-history's revert form saves the condition's own fields; bring its mentions
            # and codes back to the same moment.
            record = Condition.history.get(id=obj.pk, history_id=version)
            revert_condition(obj, record.history_date, request, own_fields=False)

    def history_view(self, request, object_id, extra_context=None):
        entries = condition_history(int(object_id)) if str(object_id).isdigit() else []
        extra_context = {**(extra_context or {}), "entries": entries}
        return super().history_view(request, object_id, extra_context)

    def revert_view(self, request, object_id: int):
        condition = self.get_object(request, str(object_id))
        if condition is None:
            raise Http404
        if not self.has_change_permission(request, condition):
            raise PermissionDenied
        record = _history_record(request.POST.get("kind"), request.POST.get("record"), condition)
        if record is None:
            self.message_user(
                request, "That version is not in this condition's history.", messages.ERROR
            )
        else:
            done = revert_condition(condition, record.history_date, request)
            self.message_user(
                request,
                f"Reverted “{condition}” to the version of "
                f"{timezone.localtime(record.history_date):%Y-%m-%d %H:%M:%S}: "
                f"{done.changed} mention(s), code(s) or link(s) put back as they were, {done.added} "
                f"brought back, {done.removed} added since removed.",
                messages.SUCCESS,
            )
        return redirect("admin:conditions_condition_history", object_id)

    def preview_view(self, request, object_id: int):
        """The condition's public page as visitors will see it once published (drafts too)."""
        from explorer.views import condition_context  # the public page's own context

        condition = self.get_object(request, str(object_id))
        if condition is None:
            raise Http404
        if not self.has_view_or_change_permission(request, condition):
            raise PermissionDenied
        context = {**condition_context(condition), "staff_preview": True}
        response = TemplateResponse(request, "explorer/condition_detail.html", context)
        response.headers["X-Robots-Tag"] = "noindex"
        return response

    def view_on_site(self, obj):
        # Drafts have no public page yet: "view on site" previews them instead.
        if obj.is_published:
            return obj.get_absolute_url()
        return reverse("admin:condition_preview", args=[obj.pk])

    def get_urls(self):
        own = [
            path(
                "<int:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="condition_preview",
            ),
            path(
                "<int:object_id>/history/revert/",
                self.admin_site.admin_view(require_POST(self.revert_view)),
                name="condition_revert",
            ),
            path(
                "deleted/", self.admin_site.admin_view(self.deleted_view), name="condition_deleted"
            ),
            path(
                "deleted/<int:condition_id>/restore/",
                self.admin_site.admin_view(require_POST(self.restore_view)),
                name="condition_restore",
            ),
        ]
        return own + super().get_urls()

    def deleted_view(self, request):
        """Conditions that were deleted, each restorable with its mentions."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": "Deleted conditions",
            "opts": self.model._meta,
            "records": deleted_conditions()[:200],
        }
        return TemplateResponse(request, "admin/conditions/condition/deleted.html", context)

    def restore_view(self, request, condition_id: int):
        if not self.has_add_permission(request):
            raise PermissionDenied
        try:
            restored = restore_condition(condition_id)
        except ValueError as error:
            self.message_user(request, str(error), messages.ERROR)
            return redirect("admin:condition_deleted")
        self.message_user(
            request,
            f"Restored “{restored.condition}” with {restored.mentions} mention(s), "
            f"{restored.xrefs} code(s) and {restored.links} link(s).",
            messages.SUCCESS,
        )
        return redirect(reverse("admin:conditions_condition_change", args=[restored.condition.pk]))

    def _update_each(self, request, queryset, **changes):
        # Saving one by one (not queryset.update) keeps a history entry for every change.
        for condition in queryset:
            for name, value in changes.items():
                setattr(condition, name, value)
            condition.save()
        self.message_user(request, f"Updated {queryset.count()} condition(s).")


class SynonymInline(admin.TabularInline):
    model = Synonym
    form = PlainWordsForm
    extra = 2
    fields = ["text", "kind", "is_layperson", "origin"]
    readonly_fields = ["origin"]


class FeatureForm(CuratedForm):
    class Meta:
        model = Feature
        fields = "__all__"

    def clean_parents(self):
        parents = self.cleaned_data["parents"]
        if self.instance.pk and self.instance in parents:
            raise forms.ValidationError("A feature cannot be its own parent.")
        loop = would_create_cycle(self.instance, parents)
        if loop is not None:
            raise forms.ValidationError(
                f"“{loop}” is already more specific than this feature; making it a parent "
                "would create a loop."
            )
        return parents

    def clean_hpo_id(self):
        return self.cleaned_data["hpo_id"].strip().upper()


@admin.register(Feature)
class FeatureAdmin(HistoryAdmin):
    form = FeatureForm
    list_display = ["name", "plain_name", "hpo_id", "body_system", "is_published", "is_phenotype"]
    list_filter = ["is_published", "is_phenotype", "origin", "body_system"]
    list_select_related = ["body_system"]
    search_fields = ["name", "plain_name", "hpo_id", "slug", "synonyms__text"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parents"]
    inlines = [SynonymInline]
    list_per_page = 50
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["name", "slug", "hpo_id", "body_system", "parents"]}),
        (
            "Plain language",
            {"fields": ["plain_name", "description", "description_reading_level"]},
        ),
        ("Emergency", {"fields": ["urgent_advice", "urgent_advice_source"]}),
        ("Illustration", {"fields": ["illustration", "illustration_alt", "illustration_credit"]}),
        (
            "Publishing and provenance",
            {"fields": ["is_published", "is_phenotype", "origin", "definition"]},
        ),
        (None, {"fields": ["change_reason", "seen_version"]}),
    ]

    readonly_fields = ["description_reading_level", "origin"]

    @admin.display(description="reading level of the saved description")
    def description_reading_level(self, obj):
        return grade_description(obj.description)

    def get_search_results(self, request, queryset, search_term):
        if not is_autocomplete(request):
            return super().get_search_results(request, queryset, search_term)
        # Autocomplete (mention inline, parents) offers only what visitors can tick, ranked as
        # the public site ranks them (exact and lay words first, typos forgiven); then whatever
        # Django's plain search adds (unpublished features, HPO ids, words inside names).
        queryset = queryset.filter(is_phenotype=True)
        if not search_term.strip():
            return queryset, False
        plain, _ = super().get_search_results(request, queryset, search_term)
        hpo_id = search_term.strip().upper()
        exact = list(
            queryset.filter(Q(hpo_id=hpo_id) | Q(aliases__hpo_id=hpo_id)).values_list(
                "pk", flat=True
            )
        )
        ranked = exact + [m.feature.pk for m in search_features(search_term, limit=RANKED_LOOKUPS)]
        return in_rank_order(queryset, ranked, Q(pk__in=plain.values("pk"))), False

    def autocomplete_label(self, feature: Feature) -> str:
        return feature_label(feature)


@admin.register(Source)
class SourceAdmin(HistoryAdmin):
    list_display = ["title", "publisher", "pmid", "doi", "accessed"]
    list_filter = ["publisher"]
    search_fields = ["title", "publisher", "pmid", "doi", "url"]
    prepopulated_fields = {"slug": ["title"]}

    def autocomplete_label(self, source: Source) -> str:
        return source_label(source)


@admin.register(BodySystem)
class BodySystemAdmin(HistoryAdmin):
    list_display = ["name", "plain_name", "order", "hpo_id"]
    list_editable = ["order"]
    search_fields = ["name", "plain_name"]
    prepopulated_fields = {"slug": ["name"]}
    delete_confirmation_template = "admin/conditions/bodysystem/delete_confirmation.html"

    def delete_view(self, request, object_id, extra_context=None):
        system = self.get_object(request, object_id)
        if system is not None:
            extra_context = {
                **(extra_context or {}),
                "unassigned": system.features.count(),
                "replacements": BodySystem.objects.exclude(pk=system.pk),
            }
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        moved = move_features(obj, request.POST.get("replacement", ""))
        super().delete_model(request, obj)
        if moved is not None:
            self.message_user(request, f"{moved[1]} feature(s) moved to “{moved[0]}”.")

    def delete_queryset(self, request, queryset):
        for system in queryset:  # each one's features are left unassigned, as the page said
            self.delete_model(request, system)


def move_features(system: BodySystem, replacement_id: str):
    """Give the features of a body system being deleted another one (with a history entry each)."""
    replacement = (
        BodySystem.objects.exclude(pk=system.pk).filter(pk=replacement_id).first()
        if replacement_id.isdigit()
        else None
    )
    if replacement is None:
        return None
    # In bulk (a system can hold a thousand features): one UPDATE, a history entry per feature.
    ids = list(system.features.values_list("pk", flat=True))
    reason = f"Body system “{system}” deleted; moved to “{replacement}”"[:REASON_MAX]
    Feature.objects.filter(pk__in=ids).update(body_system=replacement, updated_at=timezone.now())
    when = connection.ops.adapt_datetimefield_value(timezone.now())
    record_history(Feature, "~", reason, when, ids)
    content_version.bump()
    return replacement, len(ids)


@admin.register(Mention)
class MentionAdmin(HistoryAdmin):
    form = MentionForm
    inlines = [MentionSourceInline]
    readonly_fields = ["origin"]
    # An imported mention's own fields are its HPO annotation line: shown, never edited, so the
    # HPO is never credited with an editor's figure (that goes with the source the editor names).
    HPO_LINE = [*FREQUENCY_FIELDS, "is_absent", "evidence", "references", "curated_on", "sex"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.origin == Origin.HPO:
            readonly += self.HPO_LINE
        return readonly

    def get_fieldsets(self, request, obj=None):
        if obj is None or obj.origin != Origin.HPO:
            return super().get_fieldsets(request, obj)
        fields = [f for f in self.get_fields(request, obj) if f not in self.HPO_LINE]
        return [
            (None, {"fields": fields}),
            (
                "The HPO's own line (read-only)",
                {
                    "fields": self.HPO_LINE,
                    "description": "What the HPO annotation records, credited to it alone. To "
                    "correct or add a figure, add the source that records it under “sources "
                    "cited” with its own frequency.",
                },
            ),
        ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if any(formset.has_changed() for formset in formsets):
            # The record saved with the mention holds the sources as they were before the
            # inline: record the mention again with each source's new figure.
            stamp(form.instance, request, form.cleaned_data.get("change_reason", ""))
            form.instance.save()

    list_display = ["condition", "feature", "frequency_label", "is_absent", "origin"]
    list_filter = ["is_absent", "frequency_kind", "origin", "feature__body_system"]
    list_select_related = ["condition", "feature"]
    search_fields = ["condition__name", "feature__name", "feature__hpo_id"]
    autocomplete_fields = ["condition", "feature"]
    show_full_result_count = False

    @admin.display(description="frequency")
    def frequency_label(self, obj):
        return obj.frequency_label

    def get_ordering(self, request):
        if "condition__id__exact" in request.GET:
            return ["feature__name"]
        # Newest first: ordering 115k rows by condition and feature name made late pages take 1 s.
        return ["-pk"]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        condition = request.GET.get("condition", "")
        if condition.isdigit() and "sources" not in initial:
            initial["sources"] = recent_sources(condition)
        return initial

    def response_add(self, request, obj, post_url_continue=None):
        return self._back_to_condition(request, obj) or super().response_add(
            request, obj, post_url_continue
        )

    def response_change(self, request, obj):
        return self._back_to_condition(request, obj) or super().response_change(request, obj)

    def _back_to_condition(self, request, obj):
        """Opened from a condition's page: go back there after a plain save."""
        if request.GET.get(RETURN_TO_CONDITION) and "_save" in request.POST:
            self.message_user(request, f"Saved the mention “{obj.feature}”.", messages.SUCCESS)
            url = reverse("admin:conditions_condition_change", args=[obj.condition_id])
            return HttpResponseRedirect(f"{url}#mentions-table")
        return None


@admin.register(Synonym)
class SynonymAdmin(HistoryAdmin):
    list_display = ["text", "feature", "kind", "is_layperson", "origin"]
    list_filter = ["kind", "is_layperson", "origin"]
    list_select_related = ["feature"]
    search_fields = ["text", "feature__name"]
    autocomplete_fields = ["feature"]
    readonly_fields = ["origin"]
    show_full_result_count = False


@admin.register(FeatureAlias)
class FeatureAliasAdmin(admin.ModelAdmin):
    list_display = ["hpo_id", "feature", "kind"]
    list_filter = ["kind"]
    search_fields = ["hpo_id", "feature__name"]
    autocomplete_fields = ["feature"]


@admin.register(HpoRelease)
class HpoReleaseAdmin(admin.ModelAdmin):
    list_display = ["version", "sources", "feature_count", "condition_count", "mention_count"]
    readonly_fields = [f.name for f in HpoRelease._meta.fields]

    def has_add_permission(self, request):
        return False  # written by the import command only


admin.site.site_header = "Symptom Explorer — staff"
# Every autocomplete reads choices the way its model admin labels them (see LabelledAutocompleteView).
admin.site.autocomplete_view = lambda request: LabelledAutocompleteView.as_view(
    admin_site=admin.site
)(request)
admin.site.site_title = "Symptom Explorer staff"
admin.site.index_title = "Curate conditions, features and sources"


from . import report_admin, review_admin  # noqa: E402, F401  (register the report and review lists)
