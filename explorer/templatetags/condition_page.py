"""Snippets of the condition page: a mention's citation numbers and the numbered source list.

A large imported condition lists 185 features; built here like the result cards' snippets
(explorer_tags, results), each from escaped parts, they cost a fraction of template includes.
"""

from django import template
from django.utils.safestring import mark_safe

from conditions.description_sources import MARK, MARKS

from .explorer_tags import annotation_html, cite_html, render_markdown, source_html

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


@register.simple_tag
def description(condition, page) -> str:
    """The condition's Markdown description, each source mark ("[^slug]") shown as that source's
    number in the page's source list (nothing when the page names its one source once)."""

    def numbers(marks) -> str:
        cited = [page.description_citations.get(slug) for slug in MARK.findall(marks[0])]
        if page.one_source and all(cited):
            return ""
        return cite_html(sorted(set(filter(None, cited))), "#src-")

    # Marks survive Markdown and nh3 as plain text; their numbers are built from digits only.
    return mark_safe(MARKS.sub(numbers, render_markdown(condition.description)))  # noqa: S308
