"""The comparison table's rows, built in one pass like the results grid's (templatetags/results.py):
four large imported conditions make some 600 rows and 2,400 cells, too many for template includes.
Every value is escaped (explorer_tags' snippets, or `escape` below) before it is marked safe.
"""

from django import template
from django.utils.safestring import mark_safe

from .explorer_tags import cite_html, feature_link_html, figures_html
from .results import NOT_MENTIONED_CELL

register = template.Library()

MARK = '<span class="marked" title="One of your features">★<span class="visually-hidden"> (one of your features)</span></span> '


def _cell(mention) -> str:
    """Each figure the condition's sources record, each with the numbers of the sources that
    record it (figures_html, as condition pages show them); documented absent; or not mentioned."""
    if mention is None:
        return NOT_MENTIONED_CELL
    if mention.is_absent:
        return f'<td class="ab">Documented absent{cite_html(mention.citations, "#src-")}</td>'
    return f"<td>{figures_html(mention, '#src-')}</td>"


@register.simple_tag
def compare_row(row) -> str:
    """A feature's row: its name (plain words first), then one cell per condition."""
    feature = row.feature
    name = feature_link_html(feature.get_absolute_url(), feature.name, feature.plain_name)
    mark = MARK if row.marked else ""
    cells = "".join(_cell(cell) for cell in row.cells)
    attrs = ' class="is-marked"' if row.marked else ""
    return mark_safe(f'<tr{attrs}><th scope="row">{mark}{name}</th>{cells}</tr>')  # noqa: S308
