"""`manage.py restore_workspace <path> [--replace | --as-new]` (docs/backups.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from journeymap.backup.load import RestoreError, workspace_restore


class Command(BaseCommand):
    help = (
        "Restore a workspace from a backup_workspace file, in one transaction. Refuses when "
        "the workspace exists, unless --replace (delete it and restore it with the same ids) "
        "or --as-new (restore a copy under fresh ids). Users are matched by username; one "
        "this database lacks is created inactive, with no usable password."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the backup file")
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--replace", action="store_true", help="overwrite the workspace")
        group.add_argument("--as-new", action="store_true", help="restore a copy, fresh ids")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = workspace_restore(
                path=options["path"],
                replace=options["replace"],
                as_new=options["as_new"],
                progress=self.stderr.write,
            )
        except RestoreError as error:
            raise CommandError(f"restore refused, nothing changed: {error}") from None
        verb = "Replaced" if result.replaced else "Restored"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {result.name} ({result.workspace_id}): "
                f"{sum(result.counts.values())} rows of {len(result.counts)} models"
            )
        )
        if result.users_created:
            self.stdout.write(
                "Created inactive users with no usable password (reset them to let them "
                "sign in): " + ", ".join(result.users_created)
            )
