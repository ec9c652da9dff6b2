"""Template helpers for the public pages."""

from functools import lru_cache
from html import escape

import markdown as markdown_lib
import nh3
from django import template
from django.utils.safestring import SafeString, mark_safe

from conditions.links import external_url
from conditions.models import (
    CATEGORY_LABELS,
    EVIDENCE_WORDS,
    Mention,
    evidence_words,
    plain_and_term,
)

register = template.Library()

# Staff write Markdown; what reaches the page is sanitised HTML with only these tags.
ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "a",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "code",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


@register.inclusion_tag("includes/evidence_legend.html")
def evidence_legend() -> dict:
    """What the HPO's evidence codes mean, for pages that show them."""
    return {"codes": EVIDENCE_WORDS.items()}


@register.filter(name="markdown")
def render_markdown(text: str) -> str:
    html = markdown_lib.markdown(text or "", extensions=["sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 (sanitised by nh3 just above)


def reference_links(references: str) -> list[tuple[str, str | None]]:
    """Split an HPO references string ("PMID:1;OMIM:2") into (label, url or None) pairs."""
    links = []
    for ref in filter(None, (r.strip() for r in (references or "").split(";"))):
        prefix, _, code = ref.partition(":")
        links.append((ref, external_url(prefix, code)))
    return links


# The snippets below appear hundreds of times on a results page; built in Python they render many
# times faster than the equivalent {% include %}s. `escape` is the standard library's: the same
# five characters as Django's, without the lazy-string wrapper that costs more than the escaping.
# The memoised ones are pure functions of the text they are given, so an edit (new text) can never
# meet a stale snippet; the memos only spare re-escaping the same names on every page.
SNIPPETS = 50_000


def capfirst_text(text: str) -> str:
    return text[:1].upper() + text[1:]


@lru_cache(maxsize=SNIPPETS)
def plain_then_term_html(name: str, plain_name: str, strong: bool = False) -> SafeString:
    """The one way a feature (or body system) is named: plain language first, the medical term
    beside it in brackets when it says something else (models.plain_and_term); `strong` bolds
    the plain words, as a result card names a ticked feature."""
    plain, term = plain_and_term(name, plain_name)
    plain = escape(capfirst_text(plain))
    if strong:
        plain = f"<b>{plain}</b>"
    return SafeString(f'{plain} <span class="term">({escape(term)})</span>' if term else plain)


@lru_cache(maxsize=SNIPPETS)
def short_name_html(name: str, plain_name: str) -> SafeString:
    """The plain words alone, where the medical term is already on the page (grid, chips)."""
    return SafeString(escape(capfirst_text(plain_and_term(name, plain_name)[0])))


@register.simple_tag
def feature_name(feature) -> SafeString:
    """Plain language first, the medical term beside it: a feature, or anything named the same
    way (a body system)."""
    return plain_then_term_html(feature.name, feature.plain_name)


@register.filter
def plain_words(feature) -> str:
    """The plain words alone, as written, for the middle of a sentence (plain_and_term's first
    part; the template escapes them)."""
    return plain_and_term(feature.name, feature.plain_name)[0]


@register.simple_tag
def short_feature_name(feature) -> SafeString:
    """The plain words alone (plain_then_term_html's first part)."""
    return short_name_html(feature.name, feature.plain_name)


@lru_cache(maxsize=SNIPPETS)
def _condition_name_html(name: str, code_label: str) -> SafeString:
    code = f' <span class="code">({escape(code_label)})</span>' if code_label else ""
    return SafeString(escape(name) + code)


def condition_name_html(condition) -> SafeString:
    """A condition's name, with its codes when another condition has the same name."""
    return _condition_name_html(condition.name, getattr(condition, "code_label", ""))


@register.simple_tag
def condition_name(condition) -> str:
    return mark_safe(condition_name_html(condition))  # noqa: S308 (escaped)


# How often, in words. A band's share is said as "in 80–99% of people with this condition",
# after one "according to its sources" per card (HOW_OFTEN) or in full in the legend.
BAND_CLASSES = {
    "obligate": "b5",
    "very_frequent": "b4",
    "frequent": "b3",
    "occasional": "b2",
    "very_rare": "b1",
    "not_recorded": "b0",
}
BAND_SHARES = {
    "obligate": "100%",
    "very_frequent": "80–99%",
    "frequent": "30–79%",
    "occasional": "5–29%",
    "very_rare": "1–4%",
}
NOT_RECORDED_WORDS = "Mentioned; how often is not recorded"
HOW_OFTEN = "How often its sources record each in people with it:"
PEOPLE = "of people with this condition"


def band_class(band: str) -> str:
    return BAND_CLASSES.get(band, "ab")


def band_name(band: str) -> str:
    """ "Very frequent" for very_frequent: the category's label without its range."""
    return str(CATEGORY_LABELS[band]).split(" (")[0]


def grid_words(mention) -> SafeString:
    """A frequency in a grid cell: the band's share ("80–99%"; the key says it in full), or
    the count or percentage as recorded."""
    band = mention.frequency_band
    if mention.frequency_kind == Mention.FrequencyKind.CATEGORY and band in BAND_SHARES:
        return SafeString(BAND_SHARES[band])
    if band == "not_recorded":
        return SafeString(NOT_RECORDED_WORDS)
    return SafeString(escape(mention.frequency_label))


@lru_cache(maxsize=1024)
def _card_words(kind: str, band: str, label: str) -> SafeString:
    css = band_class(band)
    if kind == Mention.FrequencyKind.CATEGORY and band in BAND_SHARES:
        words = f"in {BAND_SHARES[band]}"  # the mark and the key name the band
    elif band == "not_recorded":
        words = NOT_RECORDED_WORDS.lower()
    else:  # a count or a percentage, as recorded ("3 of 7 people studied")
        words = f"in {escape(label)}"
    return SafeString(f'<span class="{css}">{words}</span>')


def card_words(mention) -> SafeString:
    """A frequency in a result card, with its mark."""
    return _card_words(mention.frequency_kind, mention.frequency_band, mention.frequency_label)


def legend_items() -> list[tuple[str, str]]:
    """(css class, words) for the grid's key: each band in full, then the other marks."""
    items = [
        (
            BAND_CLASSES[band],
            f"{BAND_SHARES[band]} ({band_name(band).lower()}): in {BAND_SHARES[band]} {PEOPLE}, "
            "according to its sources",
        )
        for band in BAND_SHARES
    ]
    items += [
        ("b0", f"{NOT_RECORDED_WORDS} (its sources mention it without saying how often)"),
        ("ab", "Documented absent (its sources say it is not a feature of the condition)"),
        ("no", "Not mentioned by its sources"),
    ]
    return items


@lru_cache(maxsize=SNIPPETS)
def feature_link_html(url: str, name: str, plain_name: str) -> str:
    return f'<a href="{escape(url)}">{plain_then_term_html(name, plain_name)}</a>'


@lru_cache(maxsize=1024)
def frequency_html(band: str, label: str) -> str:
    """A frequency as the source records it, with its mark (the grid's key explains them)."""
    words = NOT_RECORDED_WORDS if band == "not_recorded" else escape(label)
    return f'<span class="{band_class(band)}">{words}</span>'


@register.simple_tag
def frequency(mention) -> str:
    """A frequency as the source records it: a shape for the band, and the words."""
    return mark_safe(frequency_html(mention.frequency_band, mention.frequency_label))  # noqa: S308


def cite_html(numbers, href_prefix: str) -> SafeString:
    """A statement's source numbers, linked to the entries of the numbered source list."""
    if not numbers:
        return SafeString(' <span class="cite">(source not recorded)</span>')
    links = ", ".join(f'<a href="{escape(href_prefix)}{n}">{n}</a>' for n in numbers)
    return SafeString(
        f' <span class="cite">({"sources" if len(numbers) > 1 else "source"} {links})</span>'
    )


def figures_html(mention, href_prefix: str | None) -> str:
    """Each frequency a mention's sources record, each followed by the numbers of the sources
    recording it, so no source is credited with another's figure. `href_prefix` None: the one
    source of everything is named once elsewhere, or the page lists no sources (no numbers)."""
    figures = mention.figures or [(None, mention.frequency_label, mention.frequency_band, ())]
    parts = []
    for _, label, band, numbers in figures:
        cite = "" if href_prefix is None else cite_html(numbers, href_prefix)
        parts.append(frequency_html(band, label) + cite)
    return "; ".join(parts)


@register.simple_tag
def figures(mention, page=None) -> str:
    """A mention's figures, cited by number against `page`'s source list (if it has several)."""
    href = None if page is None or page.one_source else "#src-"
    return mark_safe(figures_html(mention, href))  # noqa: S308 (escaped by the helpers)


def link_html(url: str, label: str) -> str:
    # No rel="noopener": it only matters for links opening a new window, and a results page
    # repeats this hundreds of times.
    return f'<a href="{escape(url)}">{escape(label)}</a>'


def source_html(source) -> SafeString:
    publisher = source.publisher
    suffix = f" ({escape(publisher)})" if publisher and publisher != source.title else ""
    return SafeString(link_html(source.url, source.title) + suffix + identifiers_html(source))


@register.simple_tag
def source_citation(source) -> str:
    """One source as every list of sources shows it: title, publisher and year, PMID and DOI."""
    return mark_safe(source_html(source))  # noqa: S308 (escaped by the helpers)


def identifiers_html(source) -> str:
    """A paper's PubMed id and DOI, each a link, so a reader can find it anywhere."""
    ids = []
    for label, scheme, code in (("PMID ", "PMID", source.pmid), ("doi:", "DOI", source.doi)):
        if code:
            url = external_url(scheme, code)
            ids.append(label + (link_html(url, code) if url else escape(code)))
    return f" · {', '.join(ids)}" if ids else ""


@lru_cache(maxsize=SNIPPETS)
def annotation_html(evidence: str, references: str) -> SafeString:
    links = ", ".join(
        link_html(url, label) if url else escape(label)
        for label, url in reference_links(references)
    )
    said = (
        f", {escape(evidence_words(evidence, references))} ({escape(evidence)})" if evidence else ""
    )
    return SafeString(f"HPO annotation{said}: {links}")


@register.simple_tag
def sources(mention) -> str:
    """Where a mention comes from: curated sources, then the HPO annotation's own references."""
    curated = mention.cited_sources()
    parts = [source_html(source) for source in curated]
    if mention.references:
        parts.append(annotation_html(mention.evidence, mention.references))
    if not parts:
        return mark_safe('<span class="sources">Source: not recorded</span>')
    label = "Sources" if len(curated) > 1 else "Source"
    html = f'<span class="sources">{label}: {"; ".join(parts)}</span>'
    return mark_safe(html)  # noqa: S308 (every value escaped above)


@register.simple_tag
def page_numbers(page) -> list[int | None]:
    """The page links to show: the first, the last, and those around the current page; None
    where a run of pages is left out."""
    paginator = page.paginator
    numbers = paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return [n if isinstance(n, int) else None for n in numbers]


@register.simple_tag
def mention_count(feature) -> int:
    """How many published conditions' sources mention the feature or a more specific one."""
    from conditions.index import current_index  # the index module imports the models

    return current_index().count(feature.pk)
