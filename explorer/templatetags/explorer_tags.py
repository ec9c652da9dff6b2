"""Template helpers for the public pages."""

from functools import lru_cache
from html import escape

import markdown as markdown_lib
import nh3
from django import template
from django.utils.safestring import mark_safe

from conditions.models import EVIDENCE_WORDS, evidence_words

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
        url = {
            "PMID": f"https://pubmed.ncbi.nlm.nih.gov/{code}/",
            "OMIM": f"https://omim.org/entry/{code}",
            "ORPHA": f"https://www.orpha.net/en/disease/detail/{code}",
            "DECIPHER": f"https://www.deciphergenomics.org/syndrome/{code}",
            "ISBN": None,
        }.get(prefix.upper())
        if url and not code.replace(".", "").isalnum():
            url = None
        links.append((ref, url))
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
def plain_then_term_html(name: str, plain_name: str) -> str:
    if plain_name and plain_name.lower() != name.lower():
        return f'{escape(capfirst_text(plain_name))} <span class="term">({escape(name)})</span>'
    return escape(name)


@register.simple_tag
def feature_name(feature) -> str:
    """Plain language first, the medical term beside it."""
    return mark_safe(plain_then_term_html(feature.name, feature.plain_name))  # noqa: S308 (escaped)


@lru_cache(maxsize=SNIPPETS)
def feature_link_html(url: str, name: str, plain_name: str) -> str:
    return f'<a href="{escape(url)}">{plain_then_term_html(name, plain_name)}</a>'


@lru_cache(maxsize=1024)
def frequency_html(band: str, label: str) -> str:
    return f'<span class="freq freq-{escape(band)}">{escape(label)}</span>'


@register.simple_tag
def frequency(mention) -> str:
    """A frequency as the source records it: a shape for the band, and the words."""
    return mark_safe(frequency_html(mention.frequency_band, mention.frequency_label))  # noqa: S308


def link_html(url: str, label: str) -> str:
    return f'<a href="{escape(url)}" rel="noopener">{escape(label)}</a>'


def source_html(source) -> str:
    publisher = source.publisher
    suffix = f" ({escape(publisher)})" if publisher and publisher != source.title else ""
    return link_html(source.url, source.title) + suffix


@lru_cache(maxsize=SNIPPETS)
def annotation_html(evidence: str, references: str) -> str:
    links = ", ".join(
        link_html(url, label) if url else escape(label)
        for label, url in reference_links(references)
    )
    said = (
        f", {escape(evidence_words(evidence, references))} ({escape(evidence)})" if evidence else ""
    )
    return f"HPO annotation{said}: {links}"


@register.simple_tag
def sources(mention) -> str:
    """Where a mention comes from: curated sources, then the HPO annotation's own references."""
    curated = mention.cited_sources()
    parts = [source_html(source) for source in curated]
    if mention.references:
        parts.append(annotation_html(mention.evidence, mention.references))
    if not parts:
        return mark_safe('<span class="sources">Source: not recorded</span>')  # noqa: S308
    label = "Sources" if len(curated) > 1 else "Source"
    html = f'<span class="sources">{label}: {"; ".join(parts)}</span>'
    return mark_safe(html)  # noqa: S308 (every value escaped above)
