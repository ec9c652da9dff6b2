"""Result cards three ways: what building them with f-strings saves (issue #15 asked for
templates or `format_html` unless that costs too much).

Renders the cards and grid rows of one results page (default: 50 results for the ten broad
features of bench/explore.py's worst query) with the f-strings the page uses
(explorer/templatetags/results.py), with the same markup through `format_html`, and as a
template, and prints the median CPU time of each. Needs a database with the HPO imported
(`make import-hpo`, or DATABASE_URL naming the one bench/explore.py --keep left).

    .venv/bin/python bench/cards.py [--results 50] [--reps 40]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "explorer.settings")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench")

import django

django.setup()

from django.template import engines  # noqa: E402
from django.utils.html import format_html, format_html_join  # noqa: E402
from django.utils.safestring import SafeString  # noqa: E402

from conditions.matching import explain, ranked, resolve_features  # noqa: E402
from explorer.templatetags import explorer_tags as tags  # noqa: E402
from explorer.templatetags import results as page  # noqa: E402

TEN_BROAD = [
    "HP:0000951",
    "HP:0000707",
    "HP:0001626",
    "HP:0000478",
    "HP:0001871",
    "HP:0000924",
    "HP:0025031",
    "HP:0002715",
    "HP:0001939",
    "HP:0000118",
]


# The same markup through format_html, which escapes each argument not marked safe -------------


def _cite(mention, result, numbers=None):
    numbers = mention.citations if numbers is None else numbers
    if result.one_source and mention.citations:
        return ""
    return tags.cite_html(numbers, f"#{page.card_id(result.condition)}-")


def _hit(hit, result):
    shown, ticked = hit.highest, hit.ticked
    name = tags.plain_then_term_html(ticked.name, ticked.plain_name, strong=True)
    if shown is not hit.exact:
        feature = shown.feature
        name = format_html(
            "{} as {}", name, tags.plain_then_term_html(feature.name, feature.plain_name)
        )
    figures = format_html_join(
        "; ",
        "{}{}",
        (
            (tags.card_words(f), _cite(shown, result, getattr(f, "citations", None)))
            for f in shown.figures or [shown]
        ),
    )
    return format_html("<li>{}: {}</li>", name, figures)


def _citation(c):
    return (
        tags.source_html(c.source) if c.source else tags.annotation_html(c.evidence, c.references)
    )


def format_html_card(result, feature_count):
    condition = result.condition
    anchor = page.card_id(condition)
    sources = ""
    if result.sources and result.one_source:
        sources = format_html(
            '<p class="result-sources">Source of everything above: {}</p>',
            _citation(result.sources[0]),
        )
    elif result.sources:
        sources = format_html(
            '<details class="result-sources"><summary>Sources ({})</summary>'
            '<ol class="source-list">{}</ol></details>',
            len(result.sources),
            format_html_join(
                "",
                '<li id="{}-{}">{}</li>',
                ((anchor, c.number, _citation(c)) for c in result.sources),
            ),
        )
    return format_html(
        '<li class="result" id="{}"><h3><a href="{}">{}</a></h3>'
        '<p class="match-count">Its sources mention {} of your {} feature{}.</p>'
        '<p class="how-often">{}</p><ul class="hits">{}</ul>{}</li>',
        anchor,
        condition.get_absolute_url(),
        tags.condition_name_html(condition),
        result.matched_count,
        feature_count,
        "s" if feature_count != 1 else "",
        tags.HOW_OFTEN,
        SafeString("".join(_hit(hit, result) for hit in result.hits)),
        sources,
    )


def format_html_row(result):
    cells = []
    for _, hit, absent in result.cells():
        if hit is None:
            cells.append(page.ABSENT_CELL if absent else page.NOT_MENTIONED_CELL)
            continue
        shown = hit.highest
        best = shown.figures[0] if shown.figures else shown
        css = tags.band_class(best.frequency_band) + ("" if shown is hit.exact else " via")
        cells.append(format_html('<td class="{}">{}</td>', css, tags.grid_words(best)))
    return format_html(
        '<tr><th scope="row"><a href="#{}">{}</a></th>{}</tr>',
        page.card_id(result.condition),
        tags.condition_name_html(result.condition),
        SafeString("".join(cells)),
    )


# The same as a template, with the site's own tags for names --------------------------------

CARD_TEMPLATE = """{% load explorer_tags %}<li class="result" id="c{{ r.condition.pk }}"><h3><a href="{{ r.condition.get_absolute_url }}">{% condition_name r.condition %}</a></h3><p class="match-count">Its sources mention {{ r.matched_count }} of your {{ n }} feature{{ n|pluralize }}.</p><p class="how-often">{{ how_often }}</p><ul class="hits">{% for hit in r.hits %}<li><b>{% short_feature_name hit.ticked %}</b>{% if hit.highest is not hit.exact %} as {% feature_name hit.highest.feature %}{% endif %}: {% for f in hit.highest.figures %}<span class="{{ f.band }}">in {{ f.label }}</span>{% if not r.one_source %} <span class="cite">(source{{ f.citations|length|pluralize }} {% for c in f.citations %}<a href="#c{{ r.condition.pk }}-{{ c }}">{{ c }}</a>{% if not forloop.last %}, {% endif %}{% endfor %})</span>{% endif %}{% if not forloop.last %}; {% endif %}{% endfor %}</li>{% endfor %}</ul>{% if r.sources %}<details class="result-sources"><summary>Sources ({{ r.sources|length }})</summary><ol class="source-list">{% for c in r.sources %}<li id="c{{ r.condition.pk }}-{{ c.number }}">{% if c.source %}<a href="{{ c.source.url }}">{{ c.source.title }}</a>{% else %}HPO annotation, {{ c.evidence }}: {{ c.references }}{% endif %}</li>{% endfor %}</ol></details>{% endif %}</li>"""
ROW_TEMPLATE = """{% load explorer_tags %}<tr><th scope="row"><a href="#c{{ r.condition.pk }}">{% condition_name r.condition %}</a></th>{% for f, hit, absent in r.cells %}{% if hit %}<td class="{{ hit.highest.frequency_band }}{% if hit.highest is not hit.exact %} via{% endif %}">{{ hit.highest.frequency_label }}</td>{% elif absent %}<td class="ab">Documented absent</td>{% else %}<td class="no">Not mentioned</td>{% endif %}{% endfor %}</tr>"""


def cpu_ms(render, reps: int) -> float:
    render()  # warm the snippet memos, as a running server has
    times = []
    for _ in range(reps):
        started = time.process_time()
        render()
        times.append((time.process_time() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=int, default=50)
    parser.add_argument("--reps", type=int, default=40)
    args = parser.parse_args()

    features = resolve_features(TEN_BROAD).features
    if len(features) != len(TEN_BROAD):
        raise SystemExit("The HPO is not imported here: run `make import-hpo` first.")
    results = explain([pk for pk, _ in ranked(features)[: args.results]], features)
    n = len(features)
    engine = engines["django"]
    card, row = engine.from_string(CARD_TEMPLATE), engine.from_string(ROW_TEMPLATE)
    how_often = tags.HOW_OFTEN

    ways = {
        "f-strings (the page)": lambda: "".join(
            page.grid_row(r) + page.result_card(r, n) for r in results
        ),
        "format_html": lambda: "".join(
            format_html_row(r) + format_html_card(r, n) for r in results
        ),
        "template": lambda: "".join(
            row.render({"r": r}) + card.render({"r": r, "n": n, "how_often": how_often})
            for r in results
        ),
    }
    print(f"{len(results)} cards and grid rows, {n} features, median CPU of {args.reps}:")
    for name, render in ways.items():
        print(f"  {name:22} {cpu_ms(render, args.reps):6.2f} ms  ({len(render()) / 1000:.0f} kB)")


if __name__ == "__main__":
    main()
