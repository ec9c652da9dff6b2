"""Load content fixtures (`load_content curated`): Django's loaddata, with the is_a closure and
the content version brought in step once at the end rather than after every row.

A command of its own rather than an override of `loaddata`, so `loaddata` stays Django's own and
a reader of the Makefile sees that loading content does more than load rows.
"""

from django.core.management.commands import loaddata

from conditions.signals import derived_data_deferred


class Command(loaddata.Command):
    help = (
        "Load content fixtures (as loaddata, same options), then rebuild the is_a closure and "
        "bump the content version once."
    )

    def handle(self, *fixture_labels, **options):
        with derived_data_deferred():
            super().handle(*fixture_labels, **options)
