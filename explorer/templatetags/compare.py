"""The comparison table's rows, built in one pass like the results grid's (templatetags/results.py):
four large imported conditions make some 600 rows and 2,400 cells, too many for template includes.
Every value is escaped (explorer_tags' snippets, or `escape` below) before it is marked safe.
"""

from django import template
from django.utils.safestring import mark_safe

from .explorer_tags import band_class, feature_link_html, grid_words
from .results import NOT_MENTIONED_CELL

register = template.Library()

MARK = '<span class="marked" title="One of your features">★<span class="visually-hidden"> (one of your features)</span></span> '


def _cite(mention) -> str:
    numbers = mention.citations
    if not numbers:
        return ' <span class="cite">(source not recorded)</span>'
    return " " + " ".join(f'<a class="cite" href="#src-{n}">[{n}]</a>' for n in numbers)


def _cell(mention) -> str:
    """The frequency as the results grid words it (the key says each band in full), with the
    numbers of its sources; documented absent; or not mentioned."""
    if mention is None:
        return NOT_MENTIONED_CELL
    if mention.is_absent:
        return f'<td class="ab">Documented absent{_cite(mention)}</td>'
    css = band_class(mention.frequency_band)
    return f'<td class="{css}">{grid_words(mention)}{_cite(mention)}</td>'


@register.simple_tag
def compare_row(row) -> str:
    """A feature's row: its name (plain words first), then one cell per condition."""
    feature = row.feature
    name = feature_link_html(feature.get_absolute_url(), feature.name, feature.plain_name)
    mark = MARK if row.marked else ""
    cells = "".join(_cell(cell) for cell in row.cells)
    attrs = ' class="is-marked"' if row.marked else ""
    return mark_safe(f'<tr{attrs}><th scope="row">{mark}{name}</th>{cells}</tr>')  # noqa: S308
