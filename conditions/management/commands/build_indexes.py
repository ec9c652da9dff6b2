"""Build the shared indexes for the current content version and store them for every process.

Processes run it themselves after a content change (in a child process, so a worker's memory
stays flat and its visitors keep the CPU); run it after an import or a deploy to have the
indexes ready before the first visitor asks.
"""

from django.core.management.base import BaseCommand

from conditions import content_version, snapshots


class Command(BaseCommand):
    help = "Build and store the match and search indexes for the current content version."

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", help="only these (match, search)")

    def handle(self, *args, **options):
        for per_version in content_version.shared_indexes():
            name = per_version.name
            if options["names"] and name not in options["names"]:
                continue
            version = content_version.current()
            snapshots.save(name, version, per_version.build(version))
            self.stdout.write(f"{name} index stored for content version {version}")
