"""The explore page's results: a comparison-grid row and a card per condition.

Built here in one pass from escaped snippets, not from templates or `format_html`: measured on
the worst ten-feature page (50 cards and rows, ORPHA+OMIM), these f-strings take 4 ms of CPU,
`format_html` 16 ms and template markup 60 ms, against a 15 ms budget for the whole page (README
"Speed"). Every value is escaped (explorer_tags' snippets, or `escape` below) before it is
marked safe.

A page must stay small enough for a phone (at most 150 kB): a card shows, per ticked feature,
the one mention the order counts (the condition's page lists the rest), and its anchors are
short (`c<id>` for a card, `c<id>-<n>` for its sources) because every citation repeats them.
"""

from html import escape

from django import template
from django.utils.safestring import mark_safe

from .explorer_tags import (
    HOW_OFTEN,
    annotation_html,
    band_class,
    card_words,
    cite_html,
    condition_name_html,
    grid_words,
    plain_then_term_html,
    short_name_html,
    source_html,
)

register = template.Library()

ABSENT_CELL = '<td class="ab">Documented absent</td>'
NOT_MENTIONED_CELL = '<td class="no">Not mentioned</td>'


def card_id(condition) -> str:
    """A result card's anchor."""
    return f"c{condition.pk}"


def _grid_cell(hit, absent) -> str:
    """The highest frequency recorded (marked when it is a more specific feature's), absent, or
    not mentioned. The words are short; the legend says each band in full."""
    if hit is None:
        return ABSENT_CELL if absent else NOT_MENTIONED_CELL
    shown = hit.highest
    via = "" if shown is hit.exact else " via"
    best = shown.figures[0] if shown.figures else shown  # the highest its sources record
    return f'<td class="{band_class(best.frequency_band)}{via}">{grid_words(best)}</td>'


@register.simple_tag
def grid_row(result) -> str:
    """A result's row of the comparison grid: its name, then one cell per ticked feature."""
    condition = result.condition
    cells = "".join(_grid_cell(hit, absent) for _, hit, absent in result.cells())
    name = f'<a href="#{card_id(condition)}">{condition_name_html(condition)}</a>'
    return mark_safe(f'<tr><th scope="row">{name}</th>{cells}</tr>')  # noqa: S308


def _cite(mention, result, numbers=None) -> str:
    """A statement's numbers in its result's source list (a mention's, or those of the sources
    recording one of its figures), linked to the entries."""
    numbers = mention.citations if numbers is None else numbers
    if result.one_source and mention.citations:
        return ""  # the result's one source is named once, below its statements
    return cite_html(numbers, f"#{card_id(result.condition)}-")


def _figures(mention, result) -> str:
    """Each figure the mention's sources record, with the numbers of the sources recording it:
    no source is credited with another's figure."""
    figures = mention.figures or [mention]
    return "; ".join(
        card_words(f) + _cite(mention, result, getattr(f, "citations", None)) for f in figures
    )


def _hit(hit, result) -> str:
    """One ticked feature the condition's sources mention: the highest frequency recorded for it
    (the one the order counts), through which more specific feature if not its own, and how
    many more mentions the condition's page lists."""
    ticked = hit.ticked
    shown = hit.highest
    parts = ["<li>", plain_then_term_html(ticked.name, ticked.plain_name, strong=True)]
    if shown is not hit.exact:
        feature = shown.feature
        parts.append(f" as {plain_then_term_html(feature.name, feature.plain_name)}")
    parts.append(f": {_figures(shown, result)}</li>")
    return "".join(parts)


def _source_list(result) -> str:
    """The sources the card's statements cite: numbered in citing order, or the one source,
    folded: the statements above say which of them they rest on."""
    anchor = card_id(result.condition)
    items = "".join(
        f'<li id="{anchor}-{c.number}">'
        f"{source_html(c.source) if c.source else annotation_html(c.evidence, c.references)}</li>"
        for c in result.sources
    )
    if result.one_source:  # one line: nothing to fold
        source = result.sources[0]
        text = (
            source_html(source.source)
            if source.source
            else annotation_html(source.evidence, source.references)
        )
        return f'<p class="result-sources">Source of everything above: {text}</p>'
    return (
        f'<details class="result-sources"><summary>Sources ({len(result.sources)})</summary>'
        f'<ol class="source-list">{items}</ol></details>'
    )


@register.simple_tag
def result_card(result, feature_count: int) -> str:
    """One condition: how many ticked features its sources mention, its summary, for each the
    highest frequency its sources record, what they document as absent, what they do not
    mention, and its sources (folded)."""
    condition = result.condition
    plural = "s" if feature_count != 1 else ""
    parts = [
        f'<li class="result" id="{card_id(condition)}">',
        f'<h3><a href="{escape(condition.get_absolute_url())}">'
        f"{condition_name_html(condition)}</a></h3>",
        f'<p class="match-count">Its sources mention {result.matched_count} of your '
        f"{feature_count} feature{plural}.</p>",
    ]
    if condition.summary:
        parts.append(f'<p class="summary">{escape(condition.summary)}</p>')
    parts.append(f'<p class="how-often">{HOW_OFTEN}</p><ul class="hits">')
    parts.extend(_hit(hit, result) for hit in result.hits)
    parts.append("</ul>")
    if more := sum(hit.total - 1 for hit in result.hits):
        # Said once per card rather than per feature: a phone must carry fifty cards.
        url = escape(condition.get_absolute_url())
        plural = "s" if more != 1 else ""
        parts.append(
            f'<p class="more"><a href="{url}">{more} more mention{plural} on its page</a></p>'
        )
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
        names = ", ".join(short_name_html(f.name, f.plain_name) for f in missing)
        parts.append(f'<p class="missing">Not mentioned by its sources: {names}.</p>')
    if result.sources:
        parts.append(_source_list(result))
    parts.append("</li>")
    return mark_safe("".join(parts))  # noqa: S308 (every value escaped)
