"""Load a backup written by `backup` into a freshly migrated, empty database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from conditions.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a backup file on an empty database (run `migrate` first). All or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="A file written by `manage.py backup`.")

    def handle(self, *args, path: Path, **options) -> None:
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            counts = restore_backup(path)
        except BackupError as error:
            raise CommandError(f"Nothing was restored. {error}") from error
        self.stdout.write(f"Restored {sum(counts.values())} rows from {path}")
        for label, n in counts.items():
            self.stdout.write(f"  {label:32} {n:>8}")
