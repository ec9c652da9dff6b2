"""Print how much of the content reads in plain words (the figures the README quotes)."""

from django.core.management.base import BaseCommand

from conditions.figures import plain_name_figures


class Command(BaseCommand):
    help = "Print content coverage figures: tickable features with a plain name."

    def handle(self, *args, **options):
        for line in plain_name_figures().lines():
            self.stdout.write(line)
