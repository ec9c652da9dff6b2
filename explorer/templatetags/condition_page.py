"""Snippets of the condition page: a mention's citation numbers and the numbered source list.

A large imported condition lists 185 features; built here like the result cards' snippets
(explorer_tags, results), each from escaped parts, they cost a fraction of template includes.
"""

from django import template
from django.utils.safestring import mark_safe

from .explorer_tags import annotation_html, source_html

register = template.Library()


@register.simple_tag
def page_cite(mention, page) -> str:
    """A mention's numbers in the page's source list, linked to the entries."""
    numbers = mention.citations
    if not numbers:
        return mark_safe(' <span class="cite">(source not recorded)</span>')  # noqa: S308
    if page.one_source:
        return ""  # the page's one source is named once, below the features
    links = ", ".join(f'<a href="#src-{n}">{n}</a>' for n in numbers)
    word = "sources" if len(numbers) > 1 else "source"
    return mark_safe(f' <span class="cite">({word} {links})</span>')  # noqa: S308 (numbers)


@register.simple_tag
def citation(entry) -> str:
    """One entry of the page's source list: a curated source, or an HPO annotation's references."""
    if entry.source:
        html = source_html(entry.source)
    else:
        html = annotation_html(entry.evidence, entry.references)
    return mark_safe(html)  # noqa: S308 (escaped by the snippet helpers)
