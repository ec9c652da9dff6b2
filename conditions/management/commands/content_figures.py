"""Print how much of the content reads in plain words (the figures the README quotes)."""

from django.core.management.base import BaseCommand

from conditions.figures import plain_name_figures, reading_figures, summary_figures


class Command(BaseCommand):
    help = (
        "Print content coverage figures: plain names, condition pages with a summary, and the "
        "reading level of curated text."
    )

    def handle(self, *args, **options):
        figures = plain_name_figures(), summary_figures(), reading_figures()
        for line in [line for figure in figures for line in figure.lines()]:
            self.stdout.write(line)
