"""`manage.py backup_workspace <workspace id or name> --output <path>` (docs/backups.md)."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from journeymap.backup.dump import workspace_backup
from journeymap.workspaces.models import Workspace


def find_workspace(key: str) -> Workspace:
    try:
        found = Workspace.objects.filter(pk=uuid.UUID(key)).first()
    except ValueError:
        matches = list(Workspace.objects.filter(name__iexact=key.strip())[:2])
        if len(matches) > 1:
            raise CommandError(f"several workspaces are named {key!r}: give its id") from None
        found = matches[0] if matches else None
    if found is None:
        raise CommandError(f"no workspace {key!r} (give its id or its name)")
    return found


class Command(BaseCommand):
    help = (
        "Write every row of one workspace (and the names of the users it refers to, never "
        "their passwords) to one gzip'd JSON-lines file. Progress goes to stderr."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("workspace", help="the workspace's id, or its name")
        parser.add_argument("--output", "-o", required=True, help="the file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        workspace = find_workspace(options["workspace"])
        try:
            counts = workspace_backup(
                workspace=workspace, path=options["output"], progress=self.stderr.write
            )
        except OSError as error:
            raise CommandError(f"cannot write {options['output']}: {error}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {workspace.name} ({workspace.id}): {sum(counts.values())} rows "
                f"of {len(counts)} models to {options['output']}"
            )
        )
