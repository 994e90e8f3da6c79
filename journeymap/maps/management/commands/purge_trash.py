"""`manage.py purge_trash`: delete for good the maps and personas that have been in the trash
longer than TRASH_RETENTION_DAYS (30 by default). Run it daily from cron (docs/trash-and-audit.md);
nothing else purges, so a missed run only keeps items a little longer."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from journeymap.maps.services.trash import trash_purge


class Command(BaseCommand):
    help = "Delete for good the maps and personas trashed more than TRASH_RETENTION_DAYS ago."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="override TRASH_RETENTION_DAYS for this run (0 or more)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"] if options["days"] is not None else settings.TRASH_RETENTION_DAYS
        if days < 0:
            raise CommandError("--days must be 0 or more")
        counts = trash_purge(older_than=timezone.now() - timedelta(days=days))
        self.stdout.write(
            f"purged {counts['maps']} map(s) and {counts['personas']} persona(s) "
            f"trashed more than {days} day(s) ago"
        )
