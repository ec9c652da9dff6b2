"""Snippets of the condition page: a mention's citation numbers and the numbered source list.

A large imported condition lists 185 features; built here like the result cards' snippets
(explorer_tags, results), each from escaped parts, they cost a fraction of template includes.
"""

from django import template
from django.utils.safestring import mark_safe

from .explorer_tags import annotation_html, cite_html, source_html

register = template.Library()


@register.simple_tag
def page_cite(mention, page) -> str:
    """A mention's numbers in the page's source list, linked to the entries."""
    if page.one_source and mention.citations:
        return ""  # the page's one source is named once, below the features
    return mark_safe(cite_html(mention.citations, "#src-"))  # noqa: S308 (numbers only)


@register.simple_tag
def citation(entry) -> str:
    """One entry of the page's source list: a curated source, or an HPO annotation's references."""
    if entry.source:
        html = source_html(entry.source)
    else:
        html = annotation_html(entry.evidence, entry.references)
    return mark_safe(html)  # noqa: S308 (escaped by the snippet helpers)
