"""factory-boy factories for the curated models."""

import factory
from django.utils.text import slugify

from conditions.models import (
    BodySystem,
    Condition,
    ConditionLink,
    CrossReference,
    Feature,
    Mention,
    MentionSource,
    Source,
    Synonym,
)


class BodySystemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BodySystem
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Body system {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    order = factory.Sequence(lambda n: n)


class FeatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Feature
        django_get_or_create = ["slug"]
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Feature {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    body_system = factory.SubFactory(BodySystemFactory)

    @factory.post_generation
    def parents(self, create, extracted, **kwargs):
        if create and extracted:
            self.parents.add(*extracted)


class SynonymFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Synonym

    feature = factory.SubFactory(FeatureFactory)
    text = factory.Sequence(lambda n: f"synonym {n}")


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ["slug"]

    title = factory.Sequence(lambda n: f"Source {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    url = factory.LazyAttribute(lambda o: f"https://example.org/{o.slug}")
    publisher = "Example Publisher"


class ConditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Condition
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Condition {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    summary = "A plain-language summary."
    status = Condition.Status.PUBLISHED


class CrossReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CrossReference

    condition = factory.SubFactory(ConditionFactory)
    scheme = CrossReference.Scheme.ORPHA
    code = factory.Sequence(lambda n: str(90000 + n))


class ConditionLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConditionLink

    from_condition = factory.SubFactory(ConditionFactory)
    to_condition = factory.SubFactory(ConditionFactory)


class MentionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mention
        skip_postgeneration_save = True

    condition = factory.SubFactory(ConditionFactory)
    feature = factory.SubFactory(FeatureFactory)

    @factory.post_generation
    def sources(self, create, extracted, **kwargs):
        """The sources cited, each credited with the mention's figure (give `sources=[]` and
        MentionSourceFactory rows for sources recording different ones)."""
        if not create:
            return
        figure = {f: getattr(self, f) for f in (*Mention.FREQUENCY_FIELDS, "is_absent")}
        sources = extracted if extracted is not None else [SourceFactory()]
        self.sources.add(*sources, through_defaults=figure)

    class Params:
        frequent = factory.Trait(
            frequency_kind=Mention.FrequencyKind.CATEGORY,
            frequency_category=Mention.Category.FREQUENT,
        )


class MentionSourceFactory(factory.django.DjangoModelFactory):
    """A source a mention cites, with the figure that source records."""

    class Meta:
        model = MentionSource

    mention = factory.SubFactory(MentionFactory, sources=[])
    source = factory.SubFactory(SourceFactory)
