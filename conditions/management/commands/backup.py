"""Write the content (curated and imported) and the HPO release in use to one file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from conditions.backup import write_backup


class Command(BaseCommand):
    help = (
        "Back up all content to a gzip'd JSON-lines file that `restore` loads on an empty database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "-o",
            "--output",
            type=Path,
            help="Where to write it (default backups/explorer-YYYYmmdd-HHMMSS.jsonl.gz).",
        )

    def handle(self, *args, output: Path | None, **options) -> None:
        if output is None:
            output = Path("backups") / f"explorer-{timezone.now():%Y%m%d-%H%M%S}.jsonl.gz"
        counts = write_backup(output)
        total = sum(counts.values())
        self.stdout.write(f"Backed up {total} rows to {output}")
        for label, n in counts.items():
            self.stdout.write(f"  {label:32} {n:>8}")
