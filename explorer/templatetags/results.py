"""The explore page's results: a comparison-grid row and a card per condition.

A page shows 50 conditions, each explaining up to 30 ticked features; written as template markup
these cost about 100 µs a card in template-engine lookups, so they are built here in one pass.
Every value is escaped (explorer_tags' snippets, or `escape` below) before it is marked safe.
"""

from functools import lru_cache
from html import escape

from django import template
from django.utils.safestring import mark_safe

from .explorer_tags import (
    annotation_html,
    capfirst_text,
    feature_link_html,
    frequency_html,
    plain_then_term_html,
    source_html,
)

register = template.Library()

ABSENT_CELL = '<span class="freq freq-absent">Documented absent</span>'
NOT_MENTIONED_CELL = '<span class="freq freq-none">Not mentioned</span>'


def _grid_cell(hit, absent) -> str:
    """The frequency (through a more specific feature if need be), absent, or not mentioned."""
    if hit is None:
        return ABSENT_CELL if absent else NOT_MENTIONED_CELL
    shown = hit.exact or hit.via[0]
    frequency = frequency_html(shown.frequency_band, shown.frequency_label)
    if hit.exact:
        return frequency
    via = escape(shown.feature.plain_name or shown.feature.name)
    return f'{frequency} <span class="via-note">via {via}</span>'


@register.simple_tag
def grid_row(result) -> str:
    """A result's row of the comparison grid: its name, then one cell per ticked feature."""
    condition = result.condition
    cells = "".join(f"<td>{_grid_cell(hit, absent)}</td>" for _, hit, absent in result.cells())
    name = f'<a href="#result-{escape(condition.slug)}">{escape(condition.name)}</a>'
    return mark_safe(f'<tr><th scope="row">{name}</th>{cells}</tr>')  # noqa: S308


def _cite(mention, result) -> str:
    """A mention's numbers in its result's source list, linked to the entries."""
    numbers = mention.citations
    if not numbers:
        return ' <span class="cite">(source not recorded)</span>'
    if result.one_source:
        return ""  # the result's one source is named once, below its statements
    slug = escape(result.condition.slug)
    links = ", ".join(f'<a href="#src-{slug}-{n}">{n}</a>' for n in numbers)
    return f' <span class="cite">({"sources" if len(numbers) > 1 else "source"} {links})</span>'


@lru_cache(maxsize=1024)
def _ticked_heading(name: str, plain_name: str) -> str:
    heading = f"<strong>{escape(capfirst_text(plain_name or name))}</strong>"
    return heading + (f' <span class="term">({escape(name)})</span>' if plain_name else "")


def _hit(hit, result) -> str:
    """One ticked feature the condition's sources mention: exactly, or through more specific
    features (the first few, and a link to the rest)."""
    ticked = hit.ticked
    parts = ["<li>", _ticked_heading(ticked.name, ticked.plain_name)]
    exact = hit.exact
    if exact:
        frequency = frequency_html(exact.frequency_band, exact.frequency_label)
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
            link = feature_link_html(feature.get_absolute_url(), feature.name, feature.plain_name)
            frequency = frequency_html(mention.frequency_band, mention.frequency_label)
            parts.append(f"<li>{link}: {frequency}{_cite(mention, result)}</li>")
        if hit.not_shown:
            url = escape(result.condition.get_absolute_url())
            parts.append(
                f'<li><a href="{url}">and {hit.not_shown} more on the condition\'s page</a></li>'
            )
        parts.append("</ul>")
    parts.append("</li>")
    return "".join(parts)


def _source_list(result) -> str:
    """The sources the card's statements cite: numbered in citing order, or the one source."""
    slug = escape(result.condition.slug)
    items = "".join(
        f'<li id="src-{slug}-{c.number}">'
        f"{source_html(c.source) if c.source else annotation_html(c.evidence, c.references)}</li>"
        for c in result.sources
    )
    if result.one_source:
        return (
            '<div class="result-sources"><p class="sources-title">Source of everything above</p>'
            f'<ul class="source-list one" role="list">{items}</ul></div>'
        )
    return (
        '<div class="result-sources"><p class="sources-title">Sources</p>'
        f'<ol class="source-list">{items}</ol></div>'
    )


@register.simple_tag
def result_card(result, feature_count: int) -> str:
    """One condition: how many ticked features its sources mention, its summary, each mention with
    its frequency and sources, what its sources document as absent, and what they do not mention."""
    condition = result.condition
    slug = escape(condition.slug)
    plural = "s" if feature_count != 1 else ""
    parts = [
        f'<li class="result" id="result-{slug}"><article aria-labelledby="title-{slug}">',
        f'<h3 id="title-{slug}"><a href="{escape(condition.get_absolute_url())}">'
        f"{escape(condition.name)}</a></h3>",
        f'<p class="match-count">Its sources mention {result.matched_count} of your '
        f"{feature_count} feature{plural}.</p>",
    ]
    if condition.summary:
        parts.append(f'<p class="summary">{escape(condition.summary)}</p>')
    parts.append('<ul class="hits" role="list">')
    parts.extend(_hit(hit, result) for hit in result.hits)
    parts.append("</ul>")
    if result.absent:
        absent = "".join(
            f"<li>{plain_then_term_html(m.feature.name, m.feature.plain_name)}{_cite(m, result)}</li>"
            for m in result.absent
        )
        parts.append(
            '<div class="absent"><p><strong>Documented absent:</strong> its sources say these are '
            f'<em>not</em> features of this condition:</p><ul role="list">{absent}</ul></div>'
        )
    if missing := result.missing:
        names = ", ".join(escape(f.plain_name or f.name) for f in missing)
        parts.append(f'<p class="missing">Not mentioned by its sources here: {names}.</p>')
    if result.sources:
        parts.append(_source_list(result))
    parts.append("</article></li>")
    return mark_safe("".join(parts))  # noqa: S308 (every value escaped)
