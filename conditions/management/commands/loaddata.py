"""Django's loaddata, with the is_a closure and content version brought in step once at the end."""

from django.core.management.commands import loaddata

from conditions.signals import derived_data_deferred


class Command(loaddata.Command):
    def handle(self, *fixture_labels, **options):
        with derived_data_deferred():
            super().handle(*fixture_labels, **options)
