"""Print how much of the content reads in plain words (the figures the README quotes)."""

from django.core.management.base import BaseCommand

from conditions.figures import plain_name_figures, summary_figures


class Command(BaseCommand):
    help = "Print content coverage figures: plain names, and condition pages with a summary."

    def handle(self, *args, **options):
        for line in plain_name_figures().lines() + summary_figures().lines():
            self.stdout.write(line)
