"""Curated content: conditions, the features their sources mention, and where each statement comes from.

Every curated model has a natural key (a slug or a code) so fixtures load into any database and
`dumpdata --natural-foreign --natural-primary` round-trips.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .description_sources import cited_slugs
from .links import external_url

HPO_ID_PATTERN = r"^HP:\d{7}$"
REVIEW_INTERVAL = timedelta(days=365)  # the about page states this policy in words


@functools.cache
def _url_pattern(view_name: str) -> str:
    # reverse() costs tens of microseconds and a results page links hundreds of features.
    return reverse(view_name, args=["SLUG"]).replace("SLUG", "{}")


def slug_url(view_name: str, slug: str) -> str:
    return _url_pattern(view_name).format(slug)


def normalise_search_text(text: str) -> str:
    """Lower-case, strip accents, and fold hyphens and punctuation to single spaces.

    "Septo-optic" and "septo optic" then match, and so do "anaemia" typed with or without accents.
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^0-9a-z]+", " ", text.lower())
    return text.strip()


def plain_and_term(name: str, plain_name: str) -> tuple[str, str]:
    """The one rule for naming a feature: its plain name first, and its medical term beside it
    when that says something else; (name, "") when there is no plain name."""
    if plain_name and plain_name.lower() != name.lower():
        return plain_name, name
    return name, ""


class Origin(models.TextChoices):
    CURATED = "curated", "Curated by staff"
    HPO = "hpo", "Imported from the HPO"


class SlugManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class StaffOwned(models.Model):
    """An imported row that staff may correct: a field group staff change is theirs from then on.

    `OWNED_GROUPS` names the groups the HPO import writes; a group changes hands as a whole (a
    frequency is its kind, category, n, m and percent together, never half a source's numbers).
    The row remembers what it was loaded with, and a save that changes a group of an imported row
    records a StaffEdit, which the import reads to leave that group alone (see hpo_import.sync).
    The import itself writes raw SQL, never save(), so only people (and code acting for them) own.
    """

    OWNED_GROUPS: dict[str, tuple[str, ...]] = {}

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values, *args, **kwargs):
        instance = super().from_db(db, field_names, values, *args, **kwargs)
        if instance.__dict__.get("origin") == Origin.HPO:
            instance._loaded = dict(zip(field_names, values, strict=True))
        return instance

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        if self.origin != Origin.HPO:
            return
        # Back again (a restored deletion): no longer a row staff deleted.
        StaffEdit.objects.filter(
            model=self._meta.label_lower, object_id=self.pk, field=StaffEdit.DELETED
        ).delete()
        loaded = self.__dict__.pop("_loaded", None)
        if loaded is None:
            return
        edits = []
        for group, fields in self.OWNED_GROUPS.items():
            attnames = [self._meta.get_field(f).attname for f in fields]
            before = tuple(loaded.get(a) for a in attnames)
            if all(a in loaded for a in attnames) and before != tuple(
                getattr(self, a) for a in attnames
            ):
                edits.append(
                    StaffEdit(
                        model=self._meta.label_lower,
                        object_id=self.pk,
                        field=group,
                        imported=self.group_text(group, before),
                    )
                )
        StaffEdit.objects.bulk_create(edits, ignore_conflicts=True)

    def import_keys(self) -> list:
        """What the HPO import knows this row by (see hpo_import), to remember a deletion."""
        return []

    @classmethod
    def group_text(cls, group: str, values: tuple) -> str:
        """A field group's values as staff read them (in the review list and the import summary)."""
        return " / ".join("" if v is None else str(v) for v in values)


@receiver(pre_delete, dispatch_uid="remember-staff-deletion")
def remember_staff_deletion(sender, instance, **kwargs):
    """Staff deleted an imported row (the import deletes with raw SQL, never through here):
    remember what the import knows it by, so a re-import does not make it again."""
    if not isinstance(instance, StaffOwned) or instance.__dict__.get("origin") != Origin.HPO:
        return
    keys = instance.import_keys()
    if keys:
        StaffEdit.objects.update_or_create(
            model=instance._meta.label_lower,
            object_id=instance.pk,
            field=StaffEdit.DELETED,
            defaults={"imported": str(instance)[:500], "deleted_keys": keys},
        )


class StaffEdit(models.Model):
    """Staff changed this field group of an imported row: the import leaves it as staff made it.

    `imported` is what the import had written before staff changed it. When a later release
    offers something else than staff's value, the import notes it here for review. Field
    "deleted": staff deleted the row; the import does not make it again.
    """

    DELETED = "deleted"

    model = models.CharField(max_length=40, help_text="e.g. conditions.mention")
    object_id = models.BigIntegerField()
    field = models.CharField(max_length=40, help_text="The field (or field group) staff changed.")
    imported = models.TextField("imported value", blank=True)
    release_value = models.TextField(
        "value in the latest release", blank=True, help_text="Set when it differs from staff's."
    )
    release = models.CharField("release", max_length=40, blank=True)
    needs_review = models.BooleanField(default=False)
    # For field "deleted": the keys the import knows the deleted row by, so it is not made again.
    deleted_keys = models.JSONField(null=True, blank=True, editable=False)
    edited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-needs_review", "model", "object_id", "field"]
        verbose_name = "staff-owned field"
        constraints = [
            models.UniqueConstraint(
                fields=["model", "object_id", "field"], name="staff_edit_unique"
            )
        ]
        indexes = [models.Index(fields=["needs_review"], name="staff_edit_review_idx")]

    def __str__(self) -> str:
        return f"{self.model} #{self.object_id} {self.field}"


class BodySystem(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    plain_name = models.CharField(
        max_length=100, blank=True, help_text="Everyday words, e.g. “Skin, hair and nails”."
    )
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(
        default=100, help_text="Lower numbers are listed first."
    )
    hpo_id = models.CharField(
        "HPO branch id",
        max_length=10,
        blank=True,
        help_text="The top-level branch under HP:0000118 that maps to this system, e.g. HP:0000951.",
    )

    objects = SlugManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self) -> str:
        return slug_url("explorer:body_system", self.slug)

    @property
    def display_name(self) -> str:
        return plain_and_term(self.name, self.plain_name)[0]


class FeatureQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def tickable(self):
        """Features a visitor may tick: published observable phenotypes."""
        return self.filter(is_published=True, is_phenotype=True)


class FeatureManager(models.Manager.from_queryset(FeatureQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Feature(StaffOwned):
    """An observable sign, symptom or finding (an HPO term when it has an HPO id)."""

    name = models.CharField("medical name", max_length=255)
    slug = models.SlugField(max_length=255, unique=True)
    plain_name = models.CharField(
        "plain-language name",
        max_length=255,
        blank=True,
        help_text="What most people would call it, e.g. “enlarged liver” for hepatomegaly. "
        "Left blank, the HPO import fills it from the term's layperson synonyms.",
    )
    plain_name_origin = models.CharField(
        "plain name written by",
        max_length=10,
        choices=Origin,
        default=Origin.CURATED,
        help_text="“Imported from the HPO”: the HPO's everyday name, chosen by the import. "
        "Editing the plain name makes it staff text, which the import never overwrites.",
    )
    description = models.TextField(
        "plain-language description", blank=True, help_text="One or two sentences, no jargon."
    )
    definition = models.TextField(blank=True, help_text="The source ontology's own definition.")
    body_system = models.ForeignKey(
        BodySystem, on_delete=models.SET_NULL, null=True, blank=True, related_name="features"
    )
    parents = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="children",
        help_text="More general features this one is a kind of (is_a).",
    )
    hpo_id = models.CharField("HPO id", max_length=10, blank=True, db_index=True)
    is_phenotype = models.BooleanField(
        "observable phenotype",
        default=True,
        help_text="Off for inheritance, onset, frequency and clinical-course terms: kept as data, "
        "never offered to visitors.",
    )
    is_published = models.BooleanField("published", default=True)
    origin = models.CharField(max_length=10, choices=Origin, default=Origin.CURATED)
    urgent_advice = models.TextField(
        "get help now",
        blank=True,
        default="",
        db_default="",  # the import inserts rows in bulk with raw SQL
        help_text="Staff-written advice for a feature that can signal an emergency, e.g. when to "
        "call an ambulance. Shown first on the feature page and above results when ticked.",
    )
    urgent_advice_source = models.ForeignKey(
        "Source",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="source of the advice",
    )
    illustration = models.ImageField(upload_to="features/", blank=True)
    illustration_alt = models.CharField("illustration alt text", max_length=300, blank=True)
    illustration_credit = models.CharField(max_length=300, blank=True)
    # Normalised name + plain name, kept in step on save, so search is one indexed column.
    search_text = models.TextField(editable=False, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FeatureManager()
    history = HistoricalRecords(excluded_fields=["search_text", "updated_at"])
    OWNED_GROUPS = {
        f: (f,) for f in ("name", "definition", "body_system", "is_phenotype", "is_published")
    }

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["hpo_id"], condition=~Q(hpo_id=""), name="feature_unique_hpo_id"
            ),
            models.CheckConstraint(
                condition=Q(hpo_id="") | Q(hpo_id__regex=HPO_ID_PATTERN),
                name="feature_hpo_id_format",
            ),
            models.CheckConstraint(
                condition=Q(illustration="") | ~Q(illustration_alt=""),
                name="feature_illustration_alt_text",
            ),
            models.CheckConstraint(
                condition=Q(urgent_advice="") | Q(urgent_advice_source__isnull=False),
                name="feature_urgent_advice_sourced",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.slug,)

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None):
        feature = super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        if "plain_name" in feature.__dict__:  # not deferred
            feature._loaded_plain_name = feature.plain_name
        return feature

    def save(self, *args, **kwargs):
        # A plain name staff typed over the HPO's is theirs from now on (re-import keeps it).
        loaded = getattr(self, "_loaded_plain_name", self.plain_name)
        if self.plain_name_origin == Origin.HPO and self.plain_name != loaded:
            self.plain_name_origin = Origin.CURATED
        self.search_text = normalise_search_text(f"{self.name} {self.plain_name}")
        super().save(*args, **kwargs)
        self._loaded_plain_name = self.plain_name

    def get_absolute_url(self) -> str:
        return slug_url("explorer:feature", self.slug)

    @property
    def has_hpo_plain_name(self) -> bool:
        """The plain name is the HPO's own everyday name (a layperson synonym), not staff text."""
        return bool(self.plain_name) and self.plain_name_origin == Origin.HPO

    @property
    def display_name(self) -> str:
        """Plain language first, the medical term beside it."""
        plain, term = plain_and_term(self.name, self.plain_name)
        return f"{plain} ({term})" if term else plain


class FeatureAlias(models.Model):
    """Another HPO id that leads to a feature: an alt_id, or an obsolete term's replacement."""

    class Kind(models.TextChoices):
        ALT_ID = "alt_id", "Alternative id"
        REPLACED_BY = "replaced_by", "Obsolete, replaced by"
        CONSIDER = "consider", "Obsolete, consider"

    hpo_id = models.CharField("HPO id", max_length=10)
    feature = models.ForeignKey(Feature, on_delete=models.CASCADE, related_name="aliases")
    kind = models.CharField(max_length=12, choices=Kind)

    class Meta:
        ordering = ["hpo_id", "feature"]
        verbose_name_plural = "feature aliases"
        constraints = [
            models.UniqueConstraint(fields=["hpo_id", "feature"], name="feature_alias_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.hpo_id} → {self.feature}"


class SynonymManager(models.Manager):
    def get_by_natural_key(self, feature_slug, text):
        return self.get(feature__slug=feature_slug, text=text)


class Synonym(StaffOwned):
    """Another name for a feature. Lay words are searchable like the feature's own name."""

    class Kind(models.TextChoices):
        LAY = "lay", "Lay word"
        EXACT = "exact", "Exact"
        RELATED = "related", "Related"
        BROAD = "broad", "Broader"
        NARROW = "narrow", "Narrower"

    feature = models.ForeignKey(Feature, on_delete=models.CASCADE, related_name="synonyms")
    text = models.CharField(max_length=255)
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.LAY)
    is_layperson = models.BooleanField(
        "layperson", default=True, help_text="Everyday words a visitor might type."
    )
    origin = models.CharField(max_length=10, choices=Origin, default=Origin.CURATED)
    search_text = models.CharField(max_length=255, editable=False, blank=True, db_index=True)

    objects = SynonymManager()
    history = HistoricalRecords(excluded_fields=["search_text"])
    OWNED_GROUPS = {f: (f,) for f in ("text", "kind", "is_layperson")}

    class Meta:
        ordering = ["feature", "text"]
        constraints = [
            models.UniqueConstraint(fields=["feature", "text"], name="synonym_unique_per_feature")
        ]

    def __str__(self) -> str:
        return self.text

    def natural_key(self):
        return (*self.feature.natural_key(), self.text)

    natural_key.dependencies = ["conditions.feature"]

    def import_keys(self) -> list:
        edit = StaffEdit.objects.filter(
            model=self._meta.label_lower, object_id=self.pk, field="text"
        ).first()
        return [[self.feature_id, edit.imported if edit else self.text]]

    def save(self, *args, **kwargs):
        self.search_text = normalise_search_text(self.text)
        super().save(*args, **kwargs)


class FeatureClosure(models.Model):
    """Every (ancestor, descendant) pair of the is_a graph, each feature its own ancestor.

    Derived data, rebuilt by `conditions.closure` whenever parents change, so matching through
    more specific features is one join rather than a graph walk per request.
    """

    ancestor = models.ForeignKey(Feature, on_delete=models.CASCADE, related_name="+")
    descendant = models.ForeignKey(Feature, on_delete=models.CASCADE, related_name="ancestor_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ancestor", "descendant"], name="feature_closure_unique_pair"
            )
        ]
        indexes = [models.Index(fields=["descendant", "ancestor"], name="closure_desc_anc_idx")]

    def __str__(self) -> str:
        return f"{self.ancestor_id} ⊇ {self.descendant_id}"


class ConditionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Condition.Status.PUBLISHED)

    def nothing_to_summarise(self):
        """No staff summary and no published feature recorded as present: the page has no
        summary to generate (condition_page.generated_summary), so an editor must write one."""
        recorded = Mention.objects.filter(
            condition=OuterRef("pk"), is_absent=False, feature__is_published=True
        )
        return self.filter(summary="").exclude(Exists(recorded))


class ConditionManager(models.Manager.from_queryset(ConditionQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Condition(StaffOwned):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class Onset(models.TextChoices):
        # Groups of the HPO's onset terms (HP:0003674), coarse enough for a visitor's filter.
        ANTENATAL = "antenatal", "Before or at birth"
        CHILDHOOD = "childhood", "Infancy and childhood"
        ADULT = "adult", "Adolescence and adulthood"

    class Inheritance(models.TextChoices):
        # Groups of the HPO's modes of inheritance (HP:0000005).
        AUTOSOMAL_DOMINANT = "autosomal_dominant", "Autosomal dominant"
        AUTOSOMAL_RECESSIVE = "autosomal_recessive", "Autosomal recessive"
        X_LINKED = "x_linked", "X-linked"
        MITOCHONDRIAL = "mitochondrial", "Mitochondrial"
        OTHER = "other", "Other patterns (sporadic, somatic, multifactorial…)"

    name = models.CharField(max_length=255)
    slug = models.SlugField(max_length=255, unique=True)
    summary = models.TextField(
        "plain-language summary", blank=True, help_text="Two or three sentences anyone can read."
    )
    description = models.TextField(
        blank=True,
        help_text="Longer explanation in Markdown. Raw HTML is removed when shown. Cite a source "
        "right after what it supports with its slug, e.g. “found by chance[^orphanet-poems].”; "
        "the page shows its number in the page's source list.",
    )
    aliases = models.TextField(
        "other names",
        blank=True,
        default="",
        db_default="",  # the import inserts rows in bulk with raw SQL
        help_text="One per line, e.g. “Kahler's disease”. Shown on the page; searches find them.",
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    last_reviewed = models.DateField(null=True, blank=True)
    origin = models.CharField(max_length=10, choices=Origin, default=Origin.CURATED)
    # Space-separated codes of the groups above, from the HPO annotations' onset and inheritance
    # lines (or staff): a condition can have several. Blank means nothing recorded.
    onset = models.CharField(
        "age of onset", max_length=60, blank=True, help_text="Codes: antenatal childhood adult."
    )
    inheritance = models.CharField(
        max_length=120,
        blank=True,
        help_text="Codes: autosomal_dominant autosomal_recessive x_linked mitochondrial other.",
    )
    related = models.ManyToManyField(
        "self", through="ConditionLink", symmetrical=False, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ConditionManager()
    history = HistoricalRecords(excluded_fields=["updated_at"])
    # The import writes only the name; staff text and status are owned so that a condition staff
    # touched is never removed with a release that drops it.
    OWNED_GROUPS = {
        f: (f,) for f in ("name", "onset", "inheritance", "status", "summary", "description")
    }

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["status", "name"], name="condition_status_name_idx")]

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self) -> str:
        return slug_url("explorer:condition", self.slug)

    def import_keys(self) -> list:
        return [f"{scheme}:{code}" for scheme, code in self.xrefs.values_list("scheme", "code")]

    def clean(self):
        super().clean()
        cited = cited_slugs(self.description)
        known = set(Source.objects.filter(slug__in=cited).values_list("slug", flat=True))
        if missing := [slug for slug in cited if slug not in known]:
            raise ValidationError(
                {
                    "description": "No source has the slug "
                    + ", ".join(f"“{slug}”" for slug in missing)
                    + ": add it under Sources first, or correct the mark."
                }
            )

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def onset_labels(self) -> list[str]:
        return [str(self.Onset(code).label) for code in self.onset.split() if code in self.Onset]

    @property
    def inheritance_labels(self) -> list[str]:
        codes = self.inheritance.split()
        return [str(self.Inheritance(code).label) for code in codes if code in self.Inheritance]

    @property
    def alias_list(self) -> list[str]:
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]

    @property
    def next_review_due(self) -> date | None:
        """Staff review each curated condition within REVIEW_INTERVAL of the last review."""
        if self.last_reviewed is None:
            return None
        return self.last_reviewed + REVIEW_INTERVAL


class CrossReferenceManager(models.Manager):
    def get_by_natural_key(self, scheme, code):
        return self.get(scheme=scheme, code=code)


class CrossReference(models.Model):
    """A condition's code in another catalogue: Orphanet, OMIM, ICD-10 or DECIPHER."""

    class Scheme(models.TextChoices):
        ORPHA = "ORPHA", "Orphanet"
        OMIM = "OMIM", "OMIM"
        ICD10 = "ICD10", "ICD-10"
        DECIPHER = "DECIPHER", "DECIPHER"

    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="xrefs")
    scheme = models.CharField(max_length=10, choices=Scheme)
    code = models.CharField(max_length=20)

    objects = CrossReferenceManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["scheme", "code"]
        verbose_name = "cross-reference"
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="xref_unique_code"),
        ]

    def __str__(self) -> str:
        return self.label

    def natural_key(self):
        return (self.scheme, self.code)

    @property
    def label(self) -> str:
        return f"{self.scheme}:{self.code}" if self.scheme != self.Scheme.ICD10 else self.code

    @property
    def url(self) -> str:
        return external_url(self.scheme, self.code) or ""


class ConditionLinkManager(models.Manager):
    def get_by_natural_key(self, from_slug, to_slug):
        return self.get(from_condition__slug=from_slug, to_condition__slug=to_slug)


class ConditionLink(models.Model):
    """A directed relation between two conditions, e.g. MGUS may progress to multiple myeloma."""

    class Relation(models.TextChoices):
        MAY_PROGRESS_TO = "may_progress_to", "may progress to"
        ASSOCIATED_WITH = "associated_with", "is associated with"
        CAN_CAUSE = "can_cause", "can cause"
        FORM_OF = "form_of", "is a form of"
        SIMILAR_TO = "similar_to", "can look similar to"

    from_condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="links")
    to_condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="backlinks")
    relation = models.CharField(max_length=20, choices=Relation, default=Relation.ASSOCIATED_WITH)
    note = models.CharField(max_length=300, blank=True)
    source = models.ForeignKey(
        "Source",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Where the relation is stated.",
    )

    objects = ConditionLinkManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["from_condition", "relation", "to_condition"]
        verbose_name = "related condition"
        constraints = [
            models.UniqueConstraint(
                fields=["from_condition", "to_condition"], name="condition_link_unique_pair"
            ),
            models.CheckConstraint(
                condition=~Q(from_condition=F("to_condition")), name="condition_link_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_condition} {self.get_relation_display()} {self.to_condition}"

    def natural_key(self):
        return (self.from_condition.slug, self.to_condition.slug)

    natural_key.dependencies = ["conditions.condition"]


class Source(models.Model):
    """A trusted document a statement comes from."""

    title = models.CharField(max_length=500)
    slug = models.SlugField(max_length=100, unique=True)
    url = models.URLField("URL", max_length=500)
    publisher = models.CharField(max_length=255, blank=True)
    pmid = models.CharField("PMID", max_length=12, blank=True)
    doi = models.CharField("DOI", max_length=255, blank=True)
    accessed = models.DateField(null=True, blank=True)

    objects = SlugManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pmid="") | Q(pmid__regex=r"^\d{1,10}$"), name="source_pmid_digits"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def natural_key(self):
        return (self.slug,)


class RecordedFrequency(models.Model):
    """A frequency exactly as one source records it ("not recorded" when it gives none), and
    whether that source documents the feature as absent. A mention's own fields hold what its HPO
    annotation records; each source it cites holds its own figure (MentionSource)."""

    class FrequencyKind(models.TextChoices):
        NOT_RECORDED = "not_recorded", "Not recorded"
        CATEGORY = "category", "Category"
        COUNT = "count", "Count (n of m)"
        PERCENT = "percent", "Percent"

    class Category(models.TextChoices):
        # The HPO frequency terms, with the ranges the HPO gives them.
        OBLIGATE = "obligate", "Always (100%)"
        VERY_FREQUENT = "very_frequent", "Very frequent (80–99%)"
        FREQUENT = "frequent", "Frequent (30–79%)"
        OCCASIONAL = "occasional", "Occasional (5–29%)"
        VERY_RARE = "very_rare", "Very rare (1–4%)"
        EXCLUDED = "excluded", "Excluded (0%)"

    FREQUENCY_FIELDS = (
        "frequency_kind",
        "frequency_category",
        "numerator",
        "denominator",
        "percent",
    )

    frequency_kind = models.CharField(
        max_length=12, choices=FrequencyKind, default=FrequencyKind.NOT_RECORDED
    )
    frequency_category = models.CharField(max_length=14, choices=Category, blank=True)
    numerator = models.PositiveIntegerField("n", null=True, blank=True)
    denominator = models.PositiveIntegerField("of m", null=True, blank=True)
    percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    is_absent = models.BooleanField(
        "documented absent",
        default=False,
        help_text="The source says this feature is NOT part of the condition.",
    )

    class Meta:
        abstract = True

    @staticmethod
    def frequency_constraints(prefix: str) -> list[models.CheckConstraint]:
        """The rules a recorded frequency keeps, named for the model that holds it."""
        return [
            models.CheckConstraint(
                condition=Q(numerator__isnull=True)
                | Q(denominator__isnull=True)
                | Q(numerator__lte=F("denominator")),
                name=f"{prefix}_n_at_most_m",
            ),
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | Q(percent__gte=0, percent__lte=100),
                name=f"{prefix}_percent_0_to_100",
            ),
            models.CheckConstraint(
                condition=Q(denominator__isnull=True) | Q(denominator__gt=0),
                name=f"{prefix}_m_positive",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        frequency_kind="not_recorded",
                        frequency_category="",
                        numerator__isnull=True,
                        denominator__isnull=True,
                        percent__isnull=True,
                    )
                    | (Q(frequency_kind="category") & ~Q(frequency_category=""))
                    | Q(frequency_kind="count", numerator__isnull=False, denominator__isnull=False)
                    | Q(frequency_kind="percent", percent__isnull=False)
                ),
                name=f"{prefix}_frequency_complete",
            ),
        ]

    @property
    def frequency(self) -> tuple:
        return tuple(getattr(self, f) for f in self.FREQUENCY_FIELDS)

    @property
    def frequency_label(self) -> str:
        return frequency_label(*self.frequency)

    @property
    def frequency_band(self) -> str:
        return frequency_band(self.is_absent, *self.frequency)


class MentionSourceManager(models.Manager):
    def get_by_natural_key(self, condition_slug, feature_slug, source_slug):
        return self.get(
            mention__condition__slug=condition_slug,
            mention__feature__slug=feature_slug,
            source__slug=source_slug,
        )


class MentionSource(RecordedFrequency):
    """A source a mention cites, with the frequency that source itself records: a mention citing
    several sources credits each with its own figure, never one figure to all."""

    mention = models.ForeignKey("Mention", on_delete=models.CASCADE, related_name="citations")
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="citations")

    objects = MentionSourceManager()

    class Meta:
        ordering = ["mention", "source"]
        verbose_name = "source cited, with its frequency"
        verbose_name_plural = "sources cited, each with its own frequency"
        constraints = [
            models.UniqueConstraint(fields=["mention", "source"], name="mention_source_unique"),
            *RecordedFrequency.frequency_constraints("mention_source"),
        ]

    def __str__(self) -> str:
        return f"{self.mention}: {self.source} ({self.frequency_label})"

    def natural_key(self):
        return (*self.mention.natural_key(), self.source.slug)

    natural_key.dependencies = ["conditions.mention", "conditions.source"]


class MentionManager(models.Manager):
    def get_by_natural_key(self, condition_slug, feature_slug):
        return self.get(condition__slug=condition_slug, feature__slug=feature_slug)


class Mention(StaffOwned, RecordedFrequency):
    """A source says that a condition shows (or documents the absence of) a feature."""

    CATEGORY_HPO_IDS = {
        "HP:0040280": RecordedFrequency.Category.OBLIGATE,
        "HP:0040281": RecordedFrequency.Category.VERY_FREQUENT,
        "HP:0040282": RecordedFrequency.Category.FREQUENT,
        "HP:0040283": RecordedFrequency.Category.OCCASIONAL,
        "HP:0040284": RecordedFrequency.Category.VERY_RARE,
        "HP:0040285": RecordedFrequency.Category.EXCLUDED,
    }

    class Sex(models.TextChoices):
        ANY = "", "Any"
        FEMALE = "female", "Female"
        MALE = "male", "Male"

    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="mentions")
    feature = models.ForeignKey(Feature, on_delete=models.PROTECT, related_name="mentions")
    onset = models.CharField(max_length=100, blank=True, help_text="e.g. “Adult onset”.")
    sex = models.CharField(max_length=6, choices=Sex, blank=True, default=Sex.ANY)
    evidence = models.CharField(
        max_length=3, blank=True, help_text="HPO evidence code: PCS, TAS or IEA."
    )
    references = models.CharField(
        max_length=1000, blank=True, help_text="Identifiers from the HPO annotation, e.g. PMID:123."
    )
    curated_on = models.DateField("biocuration date", null=True, blank=True)
    note = models.TextField(blank=True)
    sources = models.ManyToManyField(
        Source,
        through=MentionSource,
        blank=True,
        related_name="mentions",
        help_text="Each with the frequency it records itself.",
    )
    origin = models.CharField(max_length=10, choices=Origin, default=Origin.CURATED)

    objects = MentionManager()
    history = HistoricalRecords(m2m_fields=[sources])
    OWNED_GROUPS = {
        "frequency": RecordedFrequency.FREQUENCY_FIELDS,
        **{
            f: (f,)
            for f in ("is_absent", "onset", "sex", "evidence", "references", "curated_on", "note")
        },
    }

    class Meta:
        ordering = ["condition", "feature"]
        constraints = [
            models.UniqueConstraint(fields=["condition", "feature"], name="mention_unique_pair"),
            *RecordedFrequency.frequency_constraints("mention"),
        ]
        indexes = [
            models.Index(fields=["feature", "condition"], name="mention_feature_condition_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.condition} — {self.feature}"

    def natural_key(self):
        return (self.condition.slug, self.feature.slug)

    natural_key.dependencies = ["conditions.condition", "conditions.feature"]

    def import_keys(self) -> list:
        return [[self.condition_id, self.feature_id]]

    def cited_sources(self) -> list[Source]:
        return list(self.sources.all())

    @classmethod
    def group_text(cls, group: str, values: tuple) -> str:
        if group == "frequency":
            return frequency_label(*values)
        return super().group_text(group, values)


CATEGORY_LABELS = dict(RecordedFrequency.Category.choices)


def frequency_label(kind, category, numerator, denominator, percent) -> str:
    """A frequency exactly as the source records it; never an implied 100%."""
    match kind:
        case RecordedFrequency.FrequencyKind.CATEGORY:
            return CATEGORY_LABELS.get(category, category)
        case RecordedFrequency.FrequencyKind.COUNT:
            return f"{numerator} of {denominator} people studied"
        case RecordedFrequency.FrequencyKind.PERCENT:
            return f"{percent.normalize():f}% of people studied"
    return "Not recorded"


# The HPO's evidence codes in words (shown beside the code, with a legend on the page).
EVIDENCE_WORDS = {
    "PCS": "published clinical study",
    "TAS": "traceable author statement",
    "IEA": "taken from OMIM",
}


def evidence_words(code: str, references: str = "") -> str:
    """An evidence code in words. IEA lines are parsed from another database: OMIM for OMIM's
    own lines, DECIPHER for a few DECIPHER ones, so the words name the database cited."""
    if code == "IEA" and references:
        cited = references.split(";", 1)[0].partition(":")[0].strip().upper()
        if cited == "DECIPHER":
            return "taken from DECIPHER"
    return EVIDENCE_WORDS.get(code, code)


BAND_FLOORS = (
    (100, "obligate"),
    (80, "very_frequent"),
    (30, "frequent"),
    (5, "occasional"),
    (0.0001, "very_rare"),
)


def frequency_band(is_absent, kind, category, numerator, denominator, percent) -> str:
    """A coarse band for drawing the comparison grid (shape and shade), not a probability."""
    if is_absent:
        return "absent"
    match kind:
        case RecordedFrequency.FrequencyKind.CATEGORY:
            return category
        case RecordedFrequency.FrequencyKind.COUNT:
            share = numerator / denominator * 100
        case RecordedFrequency.FrequencyKind.PERCENT:
            share = float(percent)
        case _:
            return "not_recorded"
    return next((band for floor, band in BAND_FLOORS if share >= floor), "excluded")


class HpoRelease(models.Model):
    """Which Human Phenotype Ontology release the imported data comes from (shown with the licence)."""

    version = models.CharField(max_length=40)
    ontology_version = models.CharField(max_length=80, blank=True)
    imported_at = models.DateTimeField(auto_now=True)
    sources = models.CharField(max_length=100, blank=True, help_text="e.g. ORPHA,DECIPHER")
    feature_count = models.PositiveIntegerField(default=0)
    condition_count = models.PositiveIntegerField(default=0)
    mention_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-imported_at"]
        get_latest_by = "imported_at"
        verbose_name = "HPO release"

    def __str__(self) -> str:
        return f"HPO {self.version}"


class ContentVersion(models.Model):
    """One row counting content changes, so every app server knows when its caches are stale.

    It is bumped inside the transaction that changes content, so other servers see the new number
    exactly when they can see the new data. The random stamp makes every bump unique: a rolled-back
    bump can never be repeated by a later one, so nothing built on rolled-back data is reused.
    """

    number = models.PositiveBigIntegerField(default=1)
    stamp = models.CharField(max_length=32, default="initial")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="content_version_single_row"),
        ]

    def __str__(self) -> str:
        return f"content version {self.number}"


class IndexSnapshot(models.Model):
    """An in-memory index (matching, search) built once for one content version and stored here,
    so every process on every app server loads it instead of building it again. `data` stays
    empty while the process that claimed the build is building it."""

    name = models.CharField(max_length=40)
    version = models.CharField(max_length=64)
    claimed_at = models.DateTimeField()
    # A digest of what the build read, when the index says what it reads (the search index: the
    # features' names and synonyms). A later version that reads the same is stored as a copy of
    # this one instead of being built, and a process holding this one keeps it.
    inputs = models.CharField(max_length=64, blank=True, default="", editable=False)
    # Last: SQLite reaches a column stored after a large value by walking that value's overflow
    # pages (about 4 ms per 11 MB row, on every poll of every process while an index builds).
    data = models.BinaryField(null=True, editable=False)

    class Meta:
        ordering = ["-claimed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "version"], name="index_snapshot_one_per_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} index for content version {self.version}"


class ProblemReport(models.Model):
    """A problem a visitor reports with a page, for staff to read and close."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    page = models.CharField(max_length=300, help_text="The path of the page the report is about.")
    message = models.TextField(max_length=2000)
    contact = models.EmailField(
        "reply-to email", blank=True, help_text="Only if the visitor wants an answer."
    )
    status = models.CharField(max_length=6, choices=Status, default=Status.OPEN)
    staff_note = models.TextField(blank=True, help_text="What was done about it.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A keyed hash of the sender's address: enough to rate-limit, never the address itself.
    sender = models.CharField(max_length=64, editable=False, db_index=True)

    class Meta:
        db_table = "feedback_problemreport"  # made by the former `feedback` app: rows kept
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True)
                | Q(status="closed", closed_at__isnull=False),
                name="problem_report_closed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.page}: {self.message[:60]}"
