"""Template helpers for the public pages."""

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


@register.simple_tag
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
