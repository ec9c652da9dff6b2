"""Load content fixtures (`load_content curated`): Django's loaddata, with the is_a closure and
the content version brought in step once at the end rather than after every row.

A command of its own rather than an override of `loaddata`, so `loaddata` stays Django's own and
a reader of the Makefile sees that loading content does more than load rows.
"""

from django.core.management.commands import loaddata

from conditions.hpo_import import hpo_is_a_links, keep_hpo_is_a_links
from conditions.signals import derived_data_deferred


class Command(loaddata.Command):
    help = (
        "Load content fixtures (as loaddata, same options), then rebuild the is_a closure and "
        "bump the content version once. The HPO's is_a links between HPO terms stay."
    )

    def handle(self, *fixture_labels, **options):
        with derived_data_deferred():
            # A fixture sets a feature's parents to its own list, which would drop the links an
            # HPO import added (purpura is_a subcutaneous haemorrhage) until the next import.
            hpo_links = hpo_is_a_links()
            super().handle(*fixture_labels, **options)
            keep_hpo_is_a_links(hpo_links)
