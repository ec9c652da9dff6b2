"""Template helpers for the public pages."""

from functools import lru_cache
from html import escape

import markdown as markdown_lib
import nh3
from django import template
from django.utils.safestring import mark_safe

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


def _capfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


@lru_cache(maxsize=SNIPPETS)
def _plain_then_term(name: str, plain_name: str) -> str:
    if plain_name and plain_name.lower() != name.lower():
        return f'{escape(_capfirst(plain_name))} <span class="term">({escape(name)})</span>'
    return escape(name)


@register.simple_tag
def feature_name(feature) -> str:
    """Plain language first, the medical term beside it."""
    return mark_safe(_plain_then_term(feature.name, feature.plain_name))  # noqa: S308 (escaped)


@lru_cache(maxsize=SNIPPETS)
def _feature_link(url: str, name: str, plain_name: str) -> str:
    return f'<a href="{escape(url)}">{_plain_then_term(name, plain_name)}</a>'


@lru_cache(maxsize=1024)
def _frequency(band: str, label: str) -> str:
    return f'<span class="freq freq-{escape(band)}">{escape(label)}</span>'


@register.simple_tag
def frequency(mention) -> str:
    """A frequency as the source records it: a shape for the band, and the words."""
    return mark_safe(_frequency(mention.frequency_band, mention.frequency_label))  # noqa: S308


def _link(url: str, label: str) -> str:
    return f'<a href="{escape(url)}" rel="noopener">{escape(label)}</a>'


def _source(source) -> str:
    publisher = source.publisher
    suffix = f" ({escape(publisher)})" if publisher and publisher != source.title else ""
    return _link(source.url, source.title) + suffix


@lru_cache(maxsize=SNIPPETS)
def _annotation(evidence: str, references: str) -> str:
    links = ", ".join(
        _link(url, label) if url else escape(label) for label, url in reference_links(references)
    )
    return f"HPO annotation{f' ({escape(evidence)})' if evidence else ''}: {links}"


@register.simple_tag
def sources(mention) -> str:
    """Where a mention comes from: curated sources, then the HPO annotation's own references."""
    curated = mention.cited_sources()
    parts = [_source(source) for source in curated]
    if mention.references:
        parts.append(_annotation(mention.evidence, mention.references))
    if not parts:
        return mark_safe('<span class="sources">Source: not recorded</span>')  # noqa: S308
    label = "Sources" if len(curated) > 1 else "Source"
    html = f'<span class="sources">{label}: {"; ".join(parts)}</span>'
    return mark_safe(html)  # noqa: S308 (every value escaped above)


def _cite(mention, result) -> str:
    numbers = mention.citations
    if not numbers:
        return ' <span class="cite">(source not recorded)</span>'
    if result.one_source:
        return ""  # the result's one source is named once, below its statements
    slug = result.condition.slug
    links = ", ".join(f'<a href="#src-{slug}-{n}">{n}</a>' for n in numbers)
    return f' <span class="cite">({"sources" if len(numbers) > 1 else "source"} {links})</span>'


@register.simple_tag
def cite(mention, result) -> str:
    """A mention's numbers in its result's source list, linked to the entries."""
    return mark_safe(_cite(mention, result))  # noqa: S308 (slugs and numbers only)


@register.simple_tag
def source_list(result) -> str:
    """The sources a result's mentions cite, numbered as they cite them."""
    slug = result.condition.slug
    items = "".join(
        f'<li id="src-{slug}-{c.number}">'
        f"{_source(c.source) if c.source else _annotation(c.evidence, c.references)}</li>"
        for c in result.sources
    )
    return mark_safe(items)  # noqa: S308 (every value escaped)


ABSENT_CELL = '<span class="freq freq-absent">Documented absent</span>'
NOT_MENTIONED_CELL = '<span class="freq freq-none">Not mentioned</span>'


def _grid_cell(hit, absent) -> str:
    """The frequency (through a more specific feature if need be), absent, or not mentioned."""
    if hit is None:
        return ABSENT_CELL if absent else NOT_MENTIONED_CELL
    shown = hit.exact or hit.via[0]
    frequency = _frequency(shown.frequency_band, shown.frequency_label)
    if hit.exact:
        return frequency
    via = _via_note(shown.feature.plain_name or shown.feature.name)
    return f'{frequency} <span class="via-note">via {via}</span>'


@lru_cache(maxsize=SNIPPETS)
def _via_note(name: str) -> str:
    return escape(name)


@register.simple_tag
def grid_cells(result) -> str:
    """A result's row of the comparison grid, one cell per ticked feature."""
    cells = "".join(f"<td>{_grid_cell(hit, absent)}</td>" for _, hit, absent in result.cells())
    return mark_safe(cells)  # noqa: S308 (every value escaped)


@lru_cache(maxsize=1024)
def _ticked_heading(name: str, plain_name: str) -> str:
    heading = f"<strong>{escape(_capfirst(plain_name or name))}</strong>"
    return heading + (f' <span class="term">({escape(name)})</span>' if plain_name else "")


def _hit_item(hit, result) -> str:
    ticked = hit.ticked
    parts = ["<li>", _ticked_heading(ticked.name, ticked.plain_name)]
    exact = hit.exact
    if exact:
        frequency = _frequency(exact.frequency_band, exact.frequency_label)
        parts.append(f": {frequency}{_cite(exact, result)}")
    via = hit.via
    if via:
        also = "Also m" if exact else "M"
        plural = "s" if hit.via_total != 1 else ""
        parts.append(
            f'<p class="via">{also}entioned through more specific feature{plural}:</p>'
            '<ul class="via-list" role="list">'
        )
        for mention in via:
            feature = mention.feature
            link = _feature_link(feature.get_absolute_url(), feature.name, feature.plain_name)
            frequency = _frequency(mention.frequency_band, mention.frequency_label)
            parts.append(f"<li>{link}: {frequency}{_cite(mention, result)}</li>")
        if hit.not_shown:
            url = escape(result.condition.get_absolute_url())
            parts.append(
                f'<li><a href="{url}">and {hit.not_shown} more on the condition\'s page</a></li>'
            )
        parts.append("</ul>")
    parts.append("</li>")
    return "".join(parts)


@register.simple_tag
def hit_items(result) -> str:
    """The ticked features a result mentions: each frequency and its sources, exactly or through
    more specific features."""
    items = "".join(_hit_item(hit, result) for hit in result.hits)
    return mark_safe(items)  # noqa: S308 (every value escaped)
