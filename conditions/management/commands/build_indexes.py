"""Build the shared indexes for the current content version and store them for every process.

Processes run it themselves after a content change (in a child process, so a worker's memory
stays flat and its visitors keep the CPU); run it after an import or a deploy to have the
indexes ready before the first visitor asks.
"""

from django.core.management.base import BaseCommand, CommandError

from conditions import content_version, snapshots


class Command(BaseCommand):
    help = "Build and store the match and search indexes for the current content version."

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", help="only these (match, search), in this order")
        parser.add_argument(
            "--for-version",
            dest="content_version",
            help="store under this content version (the one a process claimed the build for)",
        )
        parser.add_argument(
            "--code",
            help="fail unless the indexes' code on disk is this one (the claiming process's)",
        )

    def handle(self, *args, **options):
        shared = {per_version.name: per_version for per_version in content_version.shared_indexes()}
        names = options["names"] or list(shared)
        unknown = set(names) - set(shared)
        if unknown:
            raise CommandError(f"No shared index called {', '.join(sorted(unknown))}")
        if options["code"] and options["code"] != snapshots.CODE:
            raise CommandError("The indexes' code on disk changed: build them in the caller.")
        version = options["content_version"] or content_version.current()
        for name in names:
            shared[name].store(version)
            self.stdout.write(f"{name} index stored for content version {version}")
